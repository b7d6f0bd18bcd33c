// `recoup trace <pcn|icn>`: the life of one claim from the ledger — original payment, reversals and
// corrections, every offset linked to it, interest, and what is still outstanding. The financial
// summary an appeal packet needs (payment identifiers, dates, amounts recouped).

import { computeBalances } from './analysis/balances.js';
import { categorizeOffset } from './analysis/codes.js';
import type { Row } from './analysis/rows.js';
import type { ClaimRow, Ledger } from './ledger/ledger.js';
import { formatCents, parseAmount } from './remit/money.js';

export const TRACE_COLUMNS = ['date', 'event', 'trace_number', 'file', 'pcn', 'icn', 'status_code', 'reason_code', 'category', 'reference', 'amount', 'interest', 'note'] as const;

export interface ClaimTrace {
  query: string;
  found: boolean;
  patient: string;
  events: Row[];
  totals: Row;
}

/** A claim row as trace selects it: the ledger's columns and AMT*I interest. */
type ClaimRecord = Omit<ClaimRow, 'payer_key'> & { interest: number | null };

export function traceClaim(ledger: Ledger, query: string): ClaimTrace {
  const db = ledger.database;
  const select = `SELECT c.id, c.pcn, c.icn, c.original_reference, c.status_code, c.patient, c.paid, c.interest, r.trace_number, r.payment_date, r.file_path
                  FROM claims c JOIN remittances r ON r.id = c.remittance_id`;
  const family = new Map<number, ClaimRecord>();
  const add = (rows: ClaimRecord[]): boolean => {
    let grew = false;
    for (const r of rows) if (!family.has(r.id)) (family.set(r.id, r), (grew = true));
    return grew;
  };
  add(db.prepare(`${select} WHERE c.pcn = ? OR c.icn = ? OR c.original_reference = ?`).all(query, query, query) as ClaimRecord[]);
  // follow the chain both ways: corrections naming a member's ICN, originals a member names in REF*F8
  for (let round = 0; round < 5; round++) {
    const icns = [...new Set([...family.values()].map((c) => c.icn).filter((x) => x !== ''))];
    const refs = [...new Set([...family.values()].map((c) => c.original_reference).filter((x) => x !== ''))];
    let grew = false;
    for (const icn of icns) grew = add(db.prepare(`${select} WHERE c.original_reference = ? OR c.icn = ?`).all(icn, icn) as ClaimRecord[]) || grew;
    for (const ref of refs) grew = add(db.prepare(`${select} WHERE c.icn = ?`).all(ref) as ClaimRecord[]) || grew;
    if (!grew) break;
  }
  const claims = [...family.values()].sort((a, b) => (a.payment_date < b.payment_date ? -1 : a.payment_date > b.payment_date ? 1 : a.id - b.id));
  if (claims.length === 0) return { query, found: false, patient: '', events: [], totals: {} };

  const ids = claims.map((c) => c.id);
  const offsets = db
    .prepare(
      `SELECT o.id, o.reason_code, o.reference, o.amount, o.category, o.link_basis, o.link_note, r.trace_number, r.payment_date, r.file_path, r.payer_key, r.payer_name
       FROM offsets o JOIN remittances r ON r.id = o.remittance_id
       WHERE o.linked_claim_id IN (${ids.map(() => '?').join(',')}) ORDER BY r.payment_date, o.id`,
    )
    .all(...ids) as Array<{ id: number; reason_code: string; reference: string | null; amount: number; category: string; link_basis: string; link_note: string | null; trace_number: string; payment_date: string; file_path: string; payer_key: string; payer_name: string }>;

  const events: Row[] = [];
  let sawPayment = false;
  let paid = 0;
  let interest = 0;
  for (const c of claims) {
    const event = c.status_code === '22' ? 'reversal' : sawPayment || c.original_reference ? 'correction' : 'payment';
    if (c.status_code !== '22') sawPayment = true;
    paid += c.paid;
    interest += c.interest ?? 0;
    events.push({
      date: c.payment_date,
      event,
      trace_number: c.trace_number,
      file: c.file_path,
      pcn: c.pcn,
      icn: c.icn,
      status_code: c.status_code,
      reason_code: '',
      category: '',
      reference: c.original_reference ? `REF*F8 ${c.original_reference}` : '',
      amount: formatCents(c.paid),
      interest: c.interest === null ? '' : formatCents(c.interest),
      note: '',
    });
  }
  let recouped = 0;
  let refunds = 0;
  for (const o of offsets) {
    const category = categorizeOffset(o.reason_code, o.amount);
    if (category === 'recoupment') recouped += o.amount;
    if (category === 'refund_acknowledged') refunds += o.amount;
    events.push({
      date: o.payment_date,
      event: 'offset',
      trace_number: o.trace_number,
      file: o.file_path,
      pcn: '',
      icn: '',
      status_code: '',
      reason_code: o.reason_code,
      category,
      reference: o.reference ?? '',
      amount: formatCents(o.amount),
      interest: '',
      note: `linked by ${o.link_basis}${o.link_note ? `; ${o.link_note}` : ''}`,
    });
  }
  events.sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : 0));
  const balances = computeBalances(
    offsets.map((o) => ({
      payerKey: o.payer_key,
      payerName: o.payer_name,
      date: o.payment_date,
      trace: o.trace_number,
      file: o.file_path,
      code: o.reason_code,
      reference: o.reference,
      amount: o.amount,
      linkBasis: o.link_basis,
      linkedPcn: claims[0]!.pcn,
      linkedIcn: claims[0]!.icn,
      linkedPatient: '',
    })),
    new Date().toISOString().slice(0, 10),
  );
  let outstanding = 0;
  for (const b of balances) {
    const p = parseAmount(b.outstanding!);
    if (p.ok) outstanding += p.cents;
  }
  return {
    query,
    found: true,
    patient: claims.find((c) => c.patient)?.patient ?? '',
    events,
    totals: {
      net_claim_payments: formatCents(paid),
      recouped: formatCents(recouped),
      refunds_acknowledged: formatCents(refunds),
      interest: formatCents(interest),
      deferred_outstanding: formatCents(outstanding),
    },
  };
}
