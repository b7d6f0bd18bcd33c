// The two named reports the recoupment playbook asks for (issue 16), built from report rows with no I/O:
// the suspense list (recoupments and deferrals no single claim explains, by age) and the payment-reversal
// log (each reversal with the payment it takes back, its correction, and the offsets that collected it).

import { type Cents, formatCents, parseAmount } from '../remit/money.js';
import { daysBetween } from './deferrals.js';
import type { Row } from './rows.js';

/** The aging buckets of the suspense list (the aging report's, by name). */
function ageBucket(age: number | null): string {
  if (age === null) return 'undated';
  return age <= 30 ? '0-30' : age <= 60 ? '31-60' : age <= 90 ? '61-90' : 'over_90';
}

/** Recoupments and deferrals linked to no single claim or remittance (isUnlinkedRecoupment, on a row). */
export function isSuspenseRow(offset: Row): boolean {
  const category = offset.category ?? '';
  const basis = offset.link_basis ?? '';
  return (category === 'recoupment' || category === 'deferred_recoupment') && (basis === 'none' || basis === 'ambiguous');
}

/**
 * The suspense list from offsets rows: oldest first (by payment date, then as given), aged to `asOf`.
 * An offset dated after `asOf` had not happened yet and is left out; one without a date is `undated`.
 */
export function suspenseRows(offsets: Iterable<Row>, asOf: string): Row[] {
  const out: Array<{ row: Row; order: number }> = [];
  let order = 0;
  for (const o of offsets) {
    if (!isSuspenseRow(o)) continue;
    const date = o.payment_date ?? '';
    const age = date === '' ? null : daysBetween(date, asOf);
    if (age !== null && age < 0) continue;
    out.push({
      order: order++,
      row: {
        offset_id: o.offset_id ?? '',
        review_status: o.review_status ?? '',
        payer_name: o.payer_name ?? '',
        payer_id: o.payer_id ?? '',
        payment_date: date,
        age_days: age === null ? '' : String(age),
        age_bucket: ageBucket(age),
        trace_number: o.trace_number ?? '',
        reason_code: o.reason_code ?? '',
        category: o.category ?? '',
        reference: o.reference ?? '',
        amount: o.amount ?? '',
        link_basis: o.link_basis ?? '',
        link_note: o.link_note ?? '',
        file: o.file ?? '',
      },
    });
  }
  // undated last: they cannot be put in order
  const key = (d: string): string => (d === '' ? '9999-99-99' : d);
  out.sort((a, b) => (key(a.row.payment_date!) < key(b.row.payment_date!) ? -1 : key(a.row.payment_date!) > key(b.row.payment_date!) ? 1 : a.order - b.order));
  return out.map((x) => x.row);
}

/** A claims row of a reversal or a correction, with what the claims row does not carry. */
export interface ReversalClaim {
  row: Row;
  paymentDate: string;
  payerId: string;
}

const cents = (text: string | undefined): Cents | null => {
  const p = parseAmount(text ?? '');
  return p.ok ? p.cents : null;
};

/**
 * The payment-reversal log. For each reversal (CLP02 22), in the order given:
 * - the payment it takes back (reverses_trace_number / reverses_payment_date, as the claims report finds it);
 * - its correction: the earliest claim of the payer on or after its date that corrects its ICN
 *   (corrects_icn), else the earliest with its patient control number that corrects a claim;
 * - the offsets linked to the claim by its account number and one of the family's ICNs: how many, what
 *   was deferred (WO/FB negative) and what was collected (recoupments), each as written.
 * `net_change` = correction paid + reversed (negative reversed); unknown when either is.
 */
export function reversalRows(claims: readonly ReversalClaim[], offsets: readonly Row[], filter: (r: ReversalClaim) => boolean = () => true): Row[] {
  const out: Row[] = [];
  const corrections = claims.filter((c) => c.row.reversal !== 'yes');
  for (const rev of claims) {
    if (rev.row.reversal !== 'yes' || !filter(rev)) continue;
    const icn = rev.row.icn ?? '';
    const pcn = rev.row.pcn ?? '';
    const after = corrections.filter((c) => c.payerId === rev.payerId && c.paymentDate >= rev.paymentDate);
    let found = after.filter((c) => icn !== '' && c.row.corrects_icn === icn);
    if (found.length === 0) found = after.filter((c) => pcn !== '' && c.row.pcn === pcn && (c.row.corrects_icn ?? '') !== '');
    const correction = found.length > 0 ? minBy(found) : null;
    const icns = new Set([icn, correction?.row.icn ?? ''].filter((x) => x !== ''));
    // in date order (then as given), whatever order the files were recorded in
    const linked = offsets
      .filter((o) => pcn !== '' && o.linked_pcn === pcn && icns.has(o.linked_icn ?? ''))
      .map((o, i) => ({ o, i }))
      .sort((a, b) => ((a.o.payment_date ?? '') < (b.o.payment_date ?? '') ? -1 : (a.o.payment_date ?? '') > (b.o.payment_date ?? '') ? 1 : a.i - b.i))
      .map((x) => x.o);
    // what the payer announced it would take (deferrals, negative) and what it took (recoupments): kept
    // apart, so a deferral and its collection do not add up to nothing
    const total = (category: string): Cents | null => {
      let sum: Cents | null = 0;
      for (const o of linked) {
        if (o.category !== category) continue;
        const a = cents(o.amount);
        sum = sum === null || a === null ? null : sum + a;
      }
      return sum;
    };
    const deferred = total('deferred_recoupment');
    const collected = total('recoupment');
    const reversed = cents(rev.row.paid);
    const corrected = correction ? cents(correction.row.paid) : 0;
    out.push({
      payer_name: rev.row.payer_name ?? '',
      payer_id: rev.payerId,
      pcn,
      patient_name: rev.row.patient_name ?? '',
      reversal_date: rev.paymentDate,
      reversal_trace_number: rev.row.trace_number ?? '',
      reversal_icn: icn,
      reversed: reversed === null ? '' : formatCents(reversed),
      original_payment_date: rev.row.reverses_payment_date ?? '',
      original_trace_number: rev.row.reverses_trace_number ?? '',
      correction_date: correction?.paymentDate ?? '',
      correction_trace_number: correction?.row.trace_number ?? '',
      correction_icn: correction?.row.icn ?? '',
      correction_paid: correction ? (corrected === null ? '' : formatCents(corrected)) : '',
      net_change: reversed === null || corrected === null ? '' : formatCents(reversed + corrected),
      offsets: String(linked.length),
      deferred: deferred === null ? '' : formatCents(deferred),
      collected: collected === null ? '' : formatCents(collected),
      offset_ids: linked.map((o) => o.offset_id ?? '').filter((x) => x !== '').join(' '),
      file: rev.row.file ?? '',
    });
  }
  return out;
}

/** The earliest of several corrections (by payment date, then as given). */
function minBy(list: readonly ReversalClaim[]): ReversalClaim {
  return list.reduce((a, b) => (b.paymentDate < a.paymentDate ? b : a));
}
