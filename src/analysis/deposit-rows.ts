// The deposits report and its figures: matches (./deposits.ts) → rows in the column contract (rows.ts),
// the run's deposit counts, and each payer's deposit columns of the summary. Also what matching needs of
// a remittance, from the 835 model or from what the ledger kept of it.

import { payerId, paymentDate, type RemittanceHead } from './build-rows.js';
import { daysToDeposit, type DepositMatch, type DepositRemittance } from './deposits.js';
import type { Row } from './rows.js';
import type { RemittanceFigures } from './summary.js';
import { type Cents, formatCents } from '../remit/money.js';
import type { Remittance } from '../remit/model.js';

/** What deposit matching needs of a remittance, from its head, summary figures and BPR04. */
export function depositRemittance(key: number, head: RemittanceHead, figures: RemittanceFigures, method: string, offsets: number): DepositRemittance {
  const unknown = new Set(figures.unknown);
  return {
    key,
    file: head.file,
    payerName: head.payer.name,
    payerId: payerId(head),
    traceNumber: head.trace.number,
    originator: head.trace.payerId,
    paymentDate: paymentDate(head) || null,
    method,
    paid: unknown.has('paid') ? null : figures.paid,
    claimPayments: unknown.has('claim_payments') ? null : figures.claimPaid,
    providerAdjustments: unknown.has('provider_adjustments') ? null : figures.providerAdjustments,
    offsets,
  };
}

/** The same from a remittance as read. */
export function depositRemittanceOf(key: number, r: Remittance, head: RemittanceHead, figures: RemittanceFigures): DepositRemittance {
  return depositRemittance(key, head, figures, r.payment.method, r.providerAdjustments.length);
}

const money = (c: Cents | null): string => (c === null ? '' : formatCents(c));

/** Σ of a known amount over remittances; null when any is unknown. */
function total(rs: readonly DepositRemittance[], pick: (r: DepositRemittance) => Cents | null): Cents | null {
  let sum = 0;
  for (const r of rs) {
    const v = pick(r);
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

const unique = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v !== ''))];

export function depositRow(m: DepositMatch): Row {
  const l = m.line;
  const rs = m.remittances;
  const eraPaid = rs.length > 0 ? total(rs, (r) => r.paid) : null;
  const days = daysToDeposit(m);
  const note = m.candidates.length > 0 ? `${m.note}${m.note ? ': ' : ''}${m.candidates.join('; ')}` : m.note;
  return {
    status: m.status,
    match_basis: m.basis,
    deposit_date: l?.date ?? '',
    deposit_amount: l ? formatCents(l.amount) : '',
    bank_file: l?.file ?? '',
    bank_line: l ? String(l.line) : '',
    bank_reference: l?.reference ?? '',
    bank_text: l?.text ?? '',
    payer_name: unique(rs.map((r) => r.payerName)).join(' + '),
    payer_id: unique(rs.map((r) => r.payerId)).join(' + '),
    trace_numbers: rs.map((r) => r.traceNumber).join(' '),
    era_paid: money(eraPaid),
    difference: l && eraPaid !== null ? formatCents(l.amount - eraPaid) : '',
    days_to_deposit: days === null ? '' : String(days),
    claim_payments: rs.length > 0 ? money(total(rs, (r) => r.claimPayments)) : '',
    provider_adjustments: rs.length > 0 ? money(total(rs, (r) => r.providerAdjustments)) : '',
    offsets: rs.length > 0 ? String(rs.reduce((t, r) => t + r.offsets, 0)) : '',
    files: unique(rs.map((r) => r.file)).join(' '),
    note,
  };
}

/** The run's deposit figures: counts and amounts by status (the summary line, JSON `run`, the Run sheet). */
export interface DepositFigures {
  bankLines: number;
  credits: number;
  creditAmount: Cents;
  matched: number;
  matchedAmount: Cents;
  amountMismatches: number;
  /** Σ (deposit − Σ BPR02) over the amount mismatches. */
  mismatchDifference: Cents;
  depositsWithoutEra: number;
  depositsWithoutEraAmount: Cents;
  ambiguousDeposits: number;
  ambiguousAmount: Cents;
  erasWithoutDeposit: number;
  erasWithoutDepositAmount: Cents;
  /** Of those, the ones whose date window runs past the last statement: they may still arrive. */
  erasMayStillArrive: number;
  /** Credits that are not insurance payments (card settlements, transfers, interest). */
  otherCredits: number;
  otherCreditAmount: Cents;
  debits: number;
  debitAmount: Cents;
}

export function depositFigures(matches: Iterable<DepositMatch>): DepositFigures {
  const f: DepositFigures = {
    bankLines: 0,
    credits: 0,
    creditAmount: 0,
    matched: 0,
    matchedAmount: 0,
    amountMismatches: 0,
    mismatchDifference: 0,
    depositsWithoutEra: 0,
    depositsWithoutEraAmount: 0,
    ambiguousDeposits: 0,
    ambiguousAmount: 0,
    erasWithoutDeposit: 0,
    erasWithoutDepositAmount: 0,
    erasMayStillArrive: 0,
    otherCredits: 0,
    otherCreditAmount: 0,
    debits: 0,
    debitAmount: 0,
  };
  for (const m of matches) {
    const l = m.line;
    if (l) {
      f.bankLines++;
      if (l.amount > 0) {
        f.credits++;
        f.creditAmount += l.amount;
      }
    }
    switch (m.status) {
      case 'matched':
        f.matched++;
        f.matchedAmount += l!.amount;
        break;
      case 'amount_mismatch':
        f.amountMismatches++;
        f.mismatchDifference += l!.amount - (total(m.remittances, (r) => r.paid) ?? 0);
        break;
      case 'deposit_without_era':
        f.depositsWithoutEra++;
        f.depositsWithoutEraAmount += l!.amount;
        break;
      case 'ambiguous':
        if (l) {
          f.ambiguousDeposits++;
          f.ambiguousAmount += l.amount;
        }
        break;
      case 'era_without_deposit':
        f.erasWithoutDeposit++;
        f.erasWithoutDepositAmount += m.remittances[0]!.paid ?? 0;
        if (m.note.startsWith('may still arrive')) f.erasMayStillArrive++;
        break;
      case 'other_credit':
        f.otherCredits++;
        f.otherCreditAmount += l!.amount;
        break;
      case 'debit':
        f.debits++;
        f.debitAmount += l!.amount;
        break;
    }
  }
  return f;
}

/** Per payer (payer id + name, as the summary keys them): remittances a deposit was found for, and those without one. */
export interface PayerDeposits {
  found: number;
  missing: number;
  missingAmount: Cents;
}

export function payerDeposits(matches: Iterable<DepositMatch>): Map<string, PayerDeposits> {
  const out = new Map<string, PayerDeposits>();
  const of = (r: DepositRemittance): PayerDeposits => {
    const key = `${r.payerId}\u0000${r.payerName}`;
    let p = out.get(key);
    if (!p) out.set(key, (p = { found: 0, missing: 0, missingAmount: 0 }));
    return p;
  };
  for (const m of matches) {
    if (m.status === 'matched' || m.status === 'amount_mismatch') for (const r of m.remittances) of(r).found++;
    else if (m.status === 'era_without_deposit') {
      const p = of(m.remittances[0]!);
      p.missing++;
      p.missingAmount += m.remittances[0]!.paid ?? 0;
    }
  }
  return out;
}

/** What `recoup trace` says of a remittance's deposit: where its money landed, or why that is not known. */
export function depositNote(m: DepositMatch | undefined): string {
  if (m === undefined) return '';
  const l = m.line;
  if (l === null) return m.status === 'era_without_deposit' ? `no deposit found (${m.note})` : `deposit ambiguous: ${m.candidates.join('; ')}`;
  if (m.status === 'ambiguous') return `deposit ambiguous: ${bankWhere(l)}`;
  const batch = m.basis === 'batch' ? `, with ${m.remittances.length - 1} other check${m.remittances.length === 2 ? '' : 's'}` : '';
  const paid = total(m.remittances, (r) => r.paid);
  const off = m.status === 'amount_mismatch' && paid !== null ? `; the deposit differs from the ERA by ${formatCents(l.amount - paid)}` : '';
  return `deposited ${l.date ?? '(no date)'} ${formatCents(l.amount)} (${bankWhere(l)}${batch})${off}`;
}

const bankWhere = (l: { file: string; line: number }): string => `${l.file} line ${l.line}`;

/** Each remittance's deposit row, by the remittance's file, trace number and payment date (how a trace event names it). */
export function depositsByRemittance(matches: readonly DepositMatch[]): Map<string, DepositMatch> {
  const out = new Map<string, DepositMatch>();
  const key = (r: DepositRemittance): string => remittanceEventKey(r.file, r.traceNumber, r.paymentDate ?? '');
  for (const m of matches) {
    for (const r of m.remittances) out.set(key(r), m);
    if (m.status === 'ambiguous' && m.line) for (const r of m.possible) if (!out.has(key(r))) out.set(key(r), m);
  }
  return out;
}

export const remittanceEventKey = (file: string, trace: string, date: string): string => `${file}\u0000${trace}\u0000${date}`;
