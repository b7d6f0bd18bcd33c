// The aging report: by payer, money still in question as of a date, in 0–30, 31–60, 61–90 and 90+ day
// buckets — deferred recoupments the payer has not collected yet (outstanding, from the balances
// report) and recoupments already taken that no single claim explains (unlinked or ambiguous).

import { type Cents, formatCents, parseAmount } from '../remit/money.js';
import { payerId, paymentDate, type RemittanceHead } from './build-rows.js';
import type { OffsetCategory } from './codes.js';
import { daysBetween } from './deferrals.js';
import type { Link } from './link.js';
import { isUnlinkedRecoupment } from './summary.js';
import type { Row } from './rows.js';

export type AgingKind = 'open_deferral' | 'unlinked_recoupment';

/** One amount in question: its payer, the date it is aged from, and the amount (positive cents). */
export interface AgingItem {
  payerKey: string;
  payerName: string;
  kind: AgingKind;
  date: string;
  amount: Cents;
}

const BUCKETS = ['days_0_30', 'days_31_60', 'days_61_90', 'days_over_90'] as const;

function bucketOf(age: number): (typeof BUCKETS)[number] {
  return age <= 30 ? 'days_0_30' : age <= 60 ? 'days_31_60' : age <= 90 ? 'days_61_90' : 'days_over_90';
}

/** Open deferrals of the balances report (outstanding > 0) as aging items, aged from the deferral date. */
export function openDeferrals(balances: readonly Row[]): AgingItem[] {
  const out: AgingItem[] = [];
  for (const b of balances) {
    const p = parseAmount(b.outstanding ?? '');
    if (!p.ok || p.cents <= 0) continue;
    out.push({ payerKey: b.payer_id ?? '', payerName: b.payer_name ?? '', kind: 'open_deferral', date: b.deferred_date ?? '', amount: p.cents });
  }
  return out;
}

/**
 * Rows by payer and kind. An item dated after `asOf` is not counted (it had not happened yet); one with no
 * date is counted under `undated`, never guessed into a bucket.
 */
export function computeAging(items: readonly AgingItem[], asOf: string): Row[] {
  const groups = new Map<string, { payerName: string; payerKey: string; kind: AgingKind; items: number; sums: Record<string, Cents>; oldest: string }>();
  for (const it of items) {
    const age = it.date === '' ? null : daysBetween(it.date, asOf);
    if (age !== null && age < 0) continue;
    const key = `${it.payerName}\u0000${it.payerKey}\u0000${it.kind}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { payerName: it.payerName, payerKey: it.payerKey, kind: it.kind, items: 0, sums: { days_0_30: 0, days_31_60: 0, days_61_90: 0, days_over_90: 0, undated: 0 }, oldest: '' };
      groups.set(key, g);
    }
    g.items++;
    g.sums[age === null ? 'undated' : bucketOf(age)]! += it.amount;
    if (it.date !== '' && (g.oldest === '' || it.date < g.oldest)) g.oldest = it.date;
  }
  return [...groups.values()]
    .sort((a, b) => (a.payerName !== b.payerName ? (a.payerName < b.payerName ? -1 : 1) : a.payerKey !== b.payerKey ? (a.payerKey < b.payerKey ? -1 : 1) : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))
    .map((g) => {
      let total = 0;
      for (const v of Object.values(g.sums)) total += v;
      return {
        payer_name: g.payerName,
        payer_id: g.payerKey,
        kind: g.kind,
        items: String(g.items),
        days_0_30: formatCents(g.sums.days_0_30!),
        days_31_60: formatCents(g.sums.days_31_60!),
        days_61_90: formatCents(g.sums.days_61_90!),
        days_over_90: formatCents(g.sums.days_over_90!),
        undated: formatCents(g.sums.undated!),
        total: formatCents(total),
        oldest_date: g.oldest,
        as_of: asOf,
      };
    });
}

/** A recoupment already taken that no single claim explains, as an aging item; null for any other offset. */
export function unlinkedRecoupment(r: RemittanceHead, amount: Cents, category: OffsetCategory, link: Link, amountKnown: boolean): AgingItem | null {
  if (category !== 'recoupment' || !isUnlinkedRecoupment(category, link) || !amountKnown) return null;
  return { payerKey: payerId(r), payerName: r.payer.name, kind: 'unlinked_recoupment', date: paymentDate(r), amount };
}
