// Deferred recoupments (WO or FB negative: money returned now, to be taken later) and what has been
// collected against each since — matched by reference, or by linking to the same claim — oldest first.
// The provider's view of money the payer still intends to take (835-domain.md §3.1 option 3, §3.2).

import { type Cents, formatCents } from '../remit/money.js';
import type { Row } from './rows.js';

export interface BalanceOffset {
  payerKey: string;
  payerName: string;
  /** Payment date of the remittance that carried it. */
  date: string;
  trace: string;
  file: string;
  code: string;
  reference: string | null;
  amount: Cents;
  linkBasis: string;
  linkedPcn: string;
  linkedIcn: string;
  linkedPatient: string;
}

/** The PLB reasons that defer and later collect a recoupment (835-domain.md §3.1 option 3). The ledger's SQL uses the same list. */
export const DEFERRAL_CODES = ['WO', 'FB'] as const;

const isDeferralCode = (code: string): boolean => (DEFERRAL_CODES as readonly string[]).includes(code);

/** A deferral: a WO or FB with a negative amount — money returned now, to be taken again later. */
export function isDeferral(code: string, amount: Cents): boolean {
  return isDeferralCode(code) && amount < 0;
}

/** A collection: a WO or FB with a positive amount — money taken back, perhaps against an earlier deferral. */
export function isCollection(code: string, amount: Cents): boolean {
  return isDeferralCode(code) && amount > 0;
}

/** Whole days from a to b (YYYY-MM-DD), or null when either is missing. */
export function daysBetween(a: string, b: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(a) || !/^\d{4}-\d{2}-\d{2}$/.test(b)) return null;
  const t = (s: string): number => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return Math.round((t(b) - t(a)) / 86_400_000);
}

interface OpenDeferral {
  offset: BalanceOffset;
  /** Still to be collected, positive cents. */
  open: Cents;
  collected: Cents;
  lastCollected: string;
}

/** Offsets in the order computeBalances needs: by payment date, stable within a day. */
export function chronological(offsets: readonly BalanceOffset[]): BalanceOffset[] {
  return offsets
    .map((o, i) => ({ o, i }))
    .sort((a, b) => (a.o.date < b.o.date ? -1 : a.o.date > b.o.date ? 1 : a.i - b.i))
    .map((x) => x.o);
}

/** `offsets` in chronological order. `asOf` (YYYY-MM-DD) dates the age of open balances. */
export function computeBalances(offsets: readonly BalanceOffset[], asOf: string): Row[] {
  const deferrals: OpenDeferral[] = [];
  const claimKey = (o: BalanceOffset): string => (o.linkedPcn || o.linkedIcn ? `${o.linkedPcn}\u0000${o.linkedIcn}` : '');
  for (const o of offsets) {
    if (isDeferral(o.code, o.amount)) {
      deferrals.push({ offset: o, open: -o.amount, collected: 0, lastCollected: '' });
      continue;
    }
    if (!isCollection(o.code, o.amount)) continue;
    let left = o.amount;
    const ref = o.reference?.trim() ?? '';
    for (const d of deferrals) {
      if (left <= 0) break;
      if (d.open <= 0 || d.offset.payerKey !== o.payerKey) continue;
      const sameRef = ref !== '' && (d.offset.reference?.trim() ?? '') === ref;
      const sameClaim = claimKey(o) !== '' && claimKey(o) === claimKey(d.offset);
      if (!sameRef && !sameClaim) continue;
      const take = Math.min(left, d.open);
      d.open -= take;
      d.collected += take;
      d.lastCollected = o.date;
      left -= take;
    }
  }
  return deferrals.map((d) => {
    const o = d.offset;
    const closed = d.open === 0;
    const age = daysBetween(o.date, closed ? d.lastCollected : asOf);
    return {
      payer_name: o.payerName,
      payer_id: o.payerKey,
      deferred_date: o.date,
      trace_number: o.trace,
      file: o.file,
      reason_code: o.code,
      reference: o.reference ?? '',
      deferred: formatCents(o.amount),
      collected: formatCents(d.collected),
      outstanding: formatCents(d.open),
      age_days: age === null ? '' : String(age),
      last_collected_date: d.lastCollected,
      status: closed ? 'collected' : d.collected > 0 ? 'partly_collected' : 'open',
      link_basis: o.linkBasis,
      linked_pcn: o.linkedPcn,
      linked_icn: o.linkedIcn,
      linked_patient: o.linkedPatient,
    };
  });
}
