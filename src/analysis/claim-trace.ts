// `recoup trace <pcn|icn>`: the life of one claim — original payment, reversals and corrections, every
// offset linked to it, interest, and what is still outstanding — built from the claim family and offsets
// the ledger returns (no SQL here). The financial summary an appeal packet needs.

import { computeBalances } from './deferrals.js';
import { categorizeOffset } from './codes.js';
import type { Row } from './rows.js';
import { type Cents, formatCents, parseAmount } from '../remit/money.js';

export const TRACE_COLUMNS = ['date', 'event', 'trace_number', 'file', 'pcn', 'icn', 'status_code', 'reason_code', 'category', 'reference', 'amount', 'interest', 'note', 'deposit'] as const;

export interface ClaimTrace {
  query: string;
  found: boolean;
  patient: string;
  events: Row[];
  totals: Row;
  /** What the claim came to in money, for people (the table's last line; see `traceClaim`). */
  /** null: an amount it depends on could not be read (REMIT_BAD_AMOUNT), so it is unknown. */
  settlement: { netReceived: Cents | null; stillOwed: Cents | null };
}

/** A claim of the ledger as `recoup trace` reads it: its columns and its remittance's trace, date and file. */
export interface TraceClaim {
  id: number;
  pcn: string;
  icn: string;
  originalReference: string;
  statusCode: string;
  patient: string;
  paid: Cents;
  interest: Cents | null;
  traceNumber: string;
  paymentDate: string;
  file: string;
  /** CLP04 could not be read (`paid` is a stand-in 0). */
  paidUnknown?: boolean;
}

/** An offset linked to a claim of a traced family, with its remittance. */
export interface TraceOffset {
  id: number;
  reasonCode: string;
  reference: string | null;
  amount: Cents;
  linkBasis: string;
  linkNote: string | null;
  traceNumber: string;
  paymentDate: string;
  file: string;
  payerKey: string;
  payerName: string;
  /** The PLB amount could not be read (`amount` is a stand-in 0). */
  unreadable?: boolean;
}

/** The claims and offsets a trace is built from, as the ledger gives them (src/store/store.ts). */
export interface TraceSource {
  claimFamily(query: string): TraceClaim[];
  offsetsLinkedTo(claimIds: readonly number[]): TraceOffset[];
}

/**
 * `deposit` says where a remittance's money landed (issue 14: the deposit that carried the payment, and
 * each deposit that carried an offset), given its file, trace number and payment date; '' when unknown.
 */
export function traceClaim(ledger: TraceSource, query: string, today: string, deposit: (file: string, trace: string, date: string) => string = () => ''): ClaimTrace {
  const claims = ledger.claimFamily(query).sort((a, b) => (a.paymentDate < b.paymentDate ? -1 : a.paymentDate > b.paymentDate ? 1 : a.id - b.id));
  if (claims.length === 0) return { query, found: false, patient: '', events: [], totals: {}, settlement: { netReceived: 0, stillOwed: 0 } };
  const offsets = ledger.offsetsLinkedTo(claims.map((c) => c.id));

  const events: Row[] = [];
  let sawPayment = false;
  let paid = 0;
  let interest = 0;
  /** A claim payment that could not be read: net claim payments, and what the claim came to, are unknown. */
  let paidUnknown = false;
  for (const c of claims) {
    const event = c.statusCode === '22' ? 'reversal' : sawPayment || c.originalReference ? 'correction' : 'payment';
    if (c.statusCode !== '22') sawPayment = true;
    paid += c.paid;
    if (c.paidUnknown) paidUnknown = true;
    interest += c.interest ?? 0;
    events.push({
      date: c.paymentDate,
      event,
      trace_number: c.traceNumber,
      file: c.file,
      pcn: c.pcn,
      icn: c.icn,
      status_code: c.statusCode,
      reason_code: '',
      category: '',
      reference: c.originalReference ? `REF*F8 ${c.originalReference}` : '',
      amount: c.paidUnknown ? '' : formatCents(c.paid),
      interest: c.interest === null ? '' : formatCents(c.interest),
      note: '',
      deposit: deposit(c.file, c.traceNumber, c.paymentDate),
    });
  }
  let recouped = 0;
  let refunds = 0;
  /** Every linked offset as written (positive withheld from a check, negative added), but interest and refunds acknowledged. */
  let kept = 0;
  /** Categories with an offset whose amount could not be read (their totals are unknown). */
  const unknownIn = new Set<string>();
  for (const o of offsets) {
    const category = categorizeOffset(o.reasonCode, o.amount);
    if (o.unreadable) unknownIn.add(category === 'other' && (o.reasonCode === 'WO' || o.reasonCode === 'FB') ? 'deferral' : category);
    if (category === 'recoupment') recouped += o.amount;
    if (category === 'refund_acknowledged') refunds += o.amount;
    if (category !== 'interest' && category !== 'refund_acknowledged') kept += o.amount;
    events.push({
      date: o.paymentDate,
      event: 'offset',
      trace_number: o.traceNumber,
      file: o.file,
      pcn: '',
      icn: '',
      status_code: '',
      reason_code: o.reasonCode,
      category,
      reference: o.reference ?? '',
      amount: o.unreadable ? '' : formatCents(o.amount),
      interest: '',
      note: `linked by ${o.linkBasis}${o.linkNote ? `; ${o.linkNote}` : ''}`,
      deposit: deposit(o.file, o.traceNumber, o.paymentDate),
    });
  }
  events.sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : 0));
  const balances = computeBalances(
    offsets.map((o) => ({
      payerKey: o.payerKey,
      payerName: o.payerName,
      date: o.paymentDate,
      trace: o.traceNumber,
      file: o.file,
      code: o.reasonCode,
      reference: o.reference,
      amount: o.amount,
      linkBasis: o.linkBasis,
      linkedPcn: claims[0]!.pcn,
      linkedIcn: claims[0]!.icn,
      linkedPatient: '',
    })),
    today,
  );
  let outstanding = 0;
  for (const b of balances) {
    const p = parseAmount(b.outstanding!);
    if (p.ok) outstanding += p.cents;
  }
  // Net received: the money the office kept for this claim so far —
  //   net claim payments (Σ CLP04 of the claim family: the payment, reversals negative, corrections)
  //   + interest (Σ AMT*I of those claims, paid to the office through PLB L6)
  //   − every PLB amount linked to the claim as written, but interest and refunds acknowledged:
  //     recoupments (positive: withheld from a check) lower it; deferred recoupments (WO/FB negative: added
  //     to a check for now, after a reversal took the money) raise it until a later check takes them back;
  //     penalties, withholding and other offsets count with their sign.
  //   Not counted: linked L6 interest (the AMT*I above is the interest it pays: BALANCE_INTEREST checks the
  //   two agree) and refunds acknowledged (72 negative: a check gives back a refund the office had already
  //   mailed to the payer — money out and back, which does not change what the office kept).
  //   So net received = net_claim_payments + interest − recouped − Σ deferred − Σ other offsets (deferred negative).
  // Still owed: deferred recoupments not yet taken back (deferred_outstanding) — what a later check may still
  // withhold. Net received − still owed is what the claim comes to once they are.
  // an unreadable WO/FB amount may be a deferral or a collection: what is still owed is then unknown too
  const offsetUnknown = unknownIn.size > 0;
  const deferralUnknown = [...unknownIn].some((c) => c === 'deferral' || c === 'recoupment' || c === 'deferred_recoupment');
  const settlement = { netReceived: paidUnknown || offsetUnknown ? null : paid + interest - kept, stillOwed: deferralUnknown ? null : outstanding };
  return {
    query,
    found: true,
    patient: claims.find((c) => c.patient)?.patient ?? '',
    events,
    totals: {
      net_claim_payments: paidUnknown ? '' : formatCents(paid),
      recouped: unknownIn.has('recoupment') || unknownIn.has('deferral') ? '' : formatCents(recouped),
      refunds_acknowledged: unknownIn.has('refund_acknowledged') ? '' : formatCents(refunds),
      interest: formatCents(interest),
      deferred_outstanding: deferralUnknown ? '' : formatCents(outstanding),
    },
    settlement,
  };
}
