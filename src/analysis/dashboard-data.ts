// What the one-page dashboard shows (issue 15), computed from the report rows a scan or `recoup report`
// gives (summary, offsets, balances, aging, deposits): the KPI tiles with their definitions, the chart
// series, the escalation and suspense tables. Pure; amounts in integer cents; a figure that cannot be
// computed is `null` (shown as unknown), never 0. No patient names: claims are named by account number.

import { type Cents, formatMoney, parseAmount } from '../remit/money.js';
import { daysBetween } from './deferrals.js';
import type { Row } from './rows.js';

export interface Kpi {
  key: string;
  label: string;
  /** Cents for money, hundredths for a percentage, tenths of a day for a lag, a plain count; null = unknown. */
  value: number | null;
  unit: 'money' | 'percent' | 'days' | 'count';
  /** What it is, in a sentence (hover and print). */
  definition: string;
  /** A second figure beside it (a count beside an amount), or ''. */
  detail: string;
  /** A figure past its benchmark (the 2 % offset rate, 30 days of lag): shown as a problem. */
  alert: boolean;
}

export interface PayerMonth {
  month: string;
  payer: string;
  /** Σ recoupments (money taken back). */
  takenBack: Cents;
  /** Σ money added back to checks: deferrals (WO/FB negative) and refunds acknowledged (72 negative), as a positive amount. */
  returned: Cents;
}

export interface DashboardData {
  kpis: Kpi[];
  /** Every payer and month with an offset (sorted by month, then payer). */
  byPayerMonth: PayerMonth[];
  /** Open deferred balances by payer and age bucket (aging report, kind open_deferral). */
  openDeferred: Array<{ payer: string; bucket: string; amount: Cents }>;
  /** Days from each linked recoupment's original payment to the recoupment. */
  lagDays: number[];
  /** Claims with the most taken back (linked recoupments), largest first, at most 10. */
  topClaims: Array<{ claim: string; payer: string; amount: Cents }>;
  /** Offsets rows over the escalation threshold. */
  escalations: Row[];
  /** Offsets rows of recoupments and deferrals linked to no single claim (the suspense list). */
  suspense: Row[];
  /** Payers in the data (for the charts' legends and the tests). */
  payers: string[];
  months: string[];
  /** Offsets whose amount or payment date could not be read: not in the charts (said there). */
  undrawn: number;
  /** How many recoupments and deferrals there are (the suspense list's denominator). */
  recoupmentsAndDeferrals: number;
}

export const OFFSET_RATE_BENCHMARK_PERCENT = 2;
export const LAG_BENCHMARK_DAYS = 30;

const cents = (text: string | undefined): Cents | null => {
  if (text === undefined || text === '') return null;
  const p = parseAmount(text);
  return p.ok ? p.cents : null;
};

/** Σ of a money column over rows; null when any is unknown. */
function sum(rows: readonly Row[], key: string): Cents | null {
  let t = 0;
  for (const r of rows) {
    const v = cents(r[key]);
    if (v === null) return null;
    t += v;
  }
  return t;
}

const count = (rows: readonly Row[], key: string): number | null => {
  let t = 0;
  for (const r of rows) {
    const v = r[key];
    if (v === undefined || !/^\d+$/.test(v)) return null;
    t += Number(v);
  }
  return t;
};

const payerOf = (r: Row): string => r.payer_name || r.payer_id || '(payer unknown)';
const isSuspense = (r: Row): boolean => (r.category === 'recoupment' || r.category === 'deferred_recoupment') && (r.link_basis === 'none' || r.link_basis === 'ambiguous');

export interface DashboardInput {
  summary: readonly Row[];
  offsets: readonly Row[];
  balances: readonly Row[];
  aging: readonly Row[];
  /** Deposits rows, when bank statements were read (else undefined: no deposit tiles). */
  deposits?: readonly Row[] | undefined;
  /** --escalate-over, in cents (the escalation tile counts offsets over it). */
  escalateOver?: Cents | undefined;
  /** One payer chosen (--payer): deposits no ERA explains belong to no payer, so their tile is unknown. */
  payerFiltered?: boolean | undefined;
}

export function dashboardData(input: DashboardInput): DashboardData {
  const { summary, offsets, balances, aging } = input;
  const takenBack = sum(summary, 'taken_back');
  const gross = sum(summary, 'gross_claim_payments');
  // hundredths of a percent, rounded half up: taken back ÷ gross claim payments
  const rate = takenBack !== null && gross !== null && gross > 0 ? Math.round((takenBack * 10000) / gross) : null;

  const lagDays: number[] = [];
  for (const o of offsets) {
    // linked to a claim (as the summary's avg_recoupment_lag_days counts), not to a check by its trace number
    if (o.category !== 'recoupment' || !o.linked_payment_date || !o.payment_date || (!o.linked_pcn && !o.linked_icn)) continue;
    const d = daysBetween(o.linked_payment_date, o.payment_date);
    if (d !== null) lagDays.push(d);
  }
  const tenthsAverage = (xs: readonly number[]): number | null => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) * 10) / xs.length));
  const collectionLag: number[] = [];
  for (const b of balances) if (b.status === 'collected' && /^\d+$/.test(b.age_days ?? '')) collectionLag.push(Number(b.age_days));

  const openBalances = balances.filter((b) => b.status === 'open' || b.status === 'partly_collected');
  const openDeferredTotal = sum(openBalances, 'outstanding');
  // a WO/FB whose amount could not be read may be a deferral: the open balance is then not known
  const unreadableDeferral = offsets.some((o) => (o.reason_code === 'WO' || o.reason_code === 'FB') && (o.amount ?? '') === '');
  const unlinkedCount = count(summary, 'unlinked_recoupments');
  const unlinkedAmount = sum(summary, 'unlinked_recoupments_amount');
  const escalations = offsets.filter((o) => o.escalate === 'yes');
  const suspense = offsets.filter(isSuspense);
  // absolute amounts, as the summary counts escalations (a −60.00 and a +60.00 are 120.00 to review)
  const escalatedSum = sum(escalations, 'amount');
  const escalatedAmount = escalatedSum === null ? null : escalations.reduce((t, r) => t + Math.abs(cents(r.amount)!), 0);
  const netCash = sum(summary, 'net_cash_impact');
  const lag = tenthsAverage(lagDays);
  const money = formatMoney;

  const kpis: Kpi[] = [
    {
      key: 'offset_rate',
      label: 'Offset volume rate',
      value: rate,
      unit: 'percent',
      definition: `Money taken back (recoupments) ÷ gross claim payments. The benchmark is ${OFFSET_RATE_BENCHMARK_PERCENT} %.`,
      detail: takenBack === null ? '' : `taken back ${money(takenBack)}`,
      alert: rate !== null && rate > OFFSET_RATE_BENCHMARK_PERCENT * 100,
    },
    {
      key: 'recoupment_lag',
      label: 'Average recoupment lag',
      value: lag,
      unit: 'days',
      definition: 'Days from a claim’s original payment to the recoupment that took money back for it (linked recoupments). 15–30 days is usual.',
      detail: `${lagDays.length} linked recoupment${lagDays.length === 1 ? '' : 's'}`,
      alert: lag !== null && lag > LAG_BENCHMARK_DAYS * 10,
    },
    {
      key: 'collection_lag',
      label: 'Deferral to collection',
      value: tenthsAverage(collectionLag),
      unit: 'days',
      definition: 'Days from a deferred recoupment (WO/FB negative) to the check that collected it in full.',
      detail: `${collectionLag.length} collected`,
      alert: false,
    },
    {
      key: 'net_cash_impact',
      label: 'Net cash impact',
      value: netCash,
      unit: 'money',
      definition: 'What provider-level adjustments did to the checks: −Σ PLB (negative = money withheld).',
      detail: '',
      alert: netCash !== null && netCash < 0,
    },
    {
      key: 'open_deferred',
      label: 'Open deferred balance',
      value: openDeferredTotal === null || unreadableDeferral ? null : openDeferredTotal,
      unit: 'money',
      definition: 'Deferred recoupments the payers have not taken back yet: what later checks may still withhold.',
      detail: `${openBalances.length} open`,
      alert: openDeferredTotal !== null && openDeferredTotal !== 0,
    },
    {
      key: 'unlinked',
      label: 'Unlinked recoupments',
      value: unlinkedAmount,
      unit: 'money',
      definition: 'Recoupments and deferrals linked to no single claim: the suspense list below.',
      detail: unlinkedCount === null ? '' : `${unlinkedCount} offset${unlinkedCount === 1 ? '' : 's'}`,
      alert: unlinkedCount !== null && unlinkedCount > 0,
    },
    {
      key: 'escalated',
      label: 'Over the escalation threshold',
      value: input.escalateOver === undefined ? null : escalations.length,
      unit: 'count',
      definition: input.escalateOver === undefined ? 'Offsets over --escalate-over (not given: not counted).' : 'Offsets whose amount is over --escalate-over, listed below.',
      detail: input.escalateOver === undefined || escalatedAmount === null ? '' : `Σ ${money(escalatedAmount)}`,
      alert: escalations.length > 0,
    },
  ];
  // the review work queue (issue 16): the appeal figures exist when the review decisions are known (a ledger)
  if (summary.length > 0 && summary.every((r) => (r.appeals_filed ?? '') !== '')) {
    const won = count(summary, 'appeals_won');
    const lost = count(summary, 'appeals_lost');
    const filed = count(summary, 'appeals_filed');
    const recovered = sum(summary, 'recovered_through_appeals');
    const undecided = count(summary, 'escalated_undecided');
    const decided = won !== null && lost !== null ? won + lost : null;
    kpis.push(
      {
        key: 'appeal_success',
        label: 'Appeal success rate',
        value: decided !== null && decided > 0 ? Math.round((won! * 10000) / decided) : null,
        unit: 'percent',
        definition: 'Appeals won ÷ appeals decided (won + lost), from the decisions recorded with recoup review.',
        detail: filed === null ? '' : `${filed} filed, ${won} won, ${lost} lost`,
        alert: false,
      },
      {
        key: 'recovered_through_appeals',
        label: 'Recovered through appeals',
        value: recovered,
        unit: 'money',
        definition: 'Money the payers paid back on appeals won (recoup review set … --status won --recovered).',
        detail: '',
        alert: false,
      },
      {
        key: 'appeals_net_cash_impact',
        label: 'Taken back, net of appeals',
        value: takenBack !== null && recovered !== null ? takenBack - recovered : null,
        unit: 'money',
        definition: 'Money taken back (recoupments) less what appeals won back: what the recoupments finally cost.',
        detail: '',
        alert: false,
      },
    );
    if (input.escalateOver !== undefined) {
      kpis.push({
        key: 'escalated_undecided',
        label: 'Escalations awaiting a decision',
        value: undecided,
        unit: 'count',
        definition: 'Offsets over --escalate-over still new or only reviewed: a manager has to approve (or dispute) them.',
        detail: '',
        alert: undecided !== null && undecided > 0,
      });
    }
  }
  if (input.deposits !== undefined) {
    const d = input.deposits;
    const by = (status: string): Row[] => d.filter((r) => r.status === status);
    const matched = [...by('matched'), ...by('amount_mismatch')];
    kpis.push(
      {
        key: 'deposits_matched',
        label: 'Deposits matched',
        value: sum(matched, 'deposit_amount'),
        unit: 'money',
        definition: 'Bank credits found to carry remittances (by trace number, amount and date, or a batch of checks).',
        detail: `${matched.length} deposit${matched.length === 1 ? '' : 's'}`,
        alert: false,
      },
      {
        key: 'eras_without_deposit',
        label: 'ERAs without a deposit',
        value: sum(by('era_without_deposit'), 'era_paid'),
        unit: 'money',
        definition: 'Remittances that pay money no bank deposit carries (not arrived, or a check never deposited).',
        detail: `${by('era_without_deposit').length} remittance${by('era_without_deposit').length === 1 ? '' : 's'}`,
        alert: by('era_without_deposit').length > 0,
      },
      {
        key: 'deposits_without_era',
        label: 'Deposits without an ERA',
        value: input.payerFiltered ? null : sum(by('deposit_without_era'), 'deposit_amount'),
        unit: 'money',
        definition: 'Bank credits no remittance explains (ask the payer or the clearinghouse).',
        detail: input.payerFiltered ? 'not tied to a payer: see the whole ledger' : `${by('deposit_without_era').length} deposit${by('deposit_without_era').length === 1 ? '' : 's'}`,
        alert: !input.payerFiltered && by('deposit_without_era').length > 0,
      },
    );
  }

  // offsets by payer and month
  const months = new Map<string, PayerMonth>();
  let undrawn = 0;
  for (const o of offsets) {
    const amount = cents(o.amount);
    if (amount === null || !o.payment_date) {
      undrawn++;
      continue;
    }
    const month = o.payment_date.slice(0, 7);
    const payer = payerOf(o);
    const key = `${month}\u0000${payer}`;
    let pm = months.get(key);
    if (!pm) months.set(key, (pm = { month, payer, takenBack: 0, returned: 0 }));
    if (o.category === 'recoupment') pm.takenBack += amount;
    else if ((o.category === 'deferred_recoupment' || o.category === 'refund_acknowledged') && amount < 0) pm.returned += -amount;
  }
  const byPayerMonth = [...months.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.payer < b.payer ? -1 : a.payer > b.payer ? 1 : 0));

  // open deferred balances by age, from the same balance rows as the tile (so a date filter applies to both)
  const openDeferred: DashboardData['openDeferred'] = [];
  const buckets = new Map<string, { payer: string; bucket: string; amount: Cents }>();
  for (const b of openBalances) {
    const amount = cents(b.outstanding);
    if (amount === null || amount === 0) continue;
    const age = /^\d+$/.test(b.age_days ?? '') ? Number(b.age_days) : null;
    const bucket = age === null ? 'undated' : age <= 30 ? '0–30' : age <= 60 ? '31–60' : age <= 90 ? '61–90' : '90+';
    const key = `${payerOf(b)}\u0000${bucket}`;
    const entry = buckets.get(key) ?? { payer: payerOf(b), bucket, amount: 0 };
    entry.amount += amount;
    buckets.set(key, entry);
  }
  const ORDER = ['0–30', '31–60', '61–90', '90+', 'undated'];
  openDeferred.push(...[...buckets.values()].sort((a, b) => (a.payer < b.payer ? -1 : a.payer > b.payer ? 1 : ORDER.indexOf(a.bucket) - ORDER.indexOf(b.bucket))));

  const claims = new Map<string, { claim: string; payer: string; amount: Cents }>();
  for (const o of offsets) {
    const amount = cents(o.amount);
    const claim = o.linked_pcn || o.linked_icn;
    if (o.category !== 'recoupment' || amount === null || !claim) continue;
    const key = `${claim}\u0000${payerOf(o)}`;
    const c = claims.get(key) ?? { claim, payer: payerOf(o), amount: 0 };
    c.amount += amount;
    claims.set(key, c);
  }
  const topClaims = [...claims.values()].sort((a, b) => b.amount - a.amount || (a.claim < b.claim ? -1 : 1)).slice(0, 10);

  const payers = [...new Set([...summary.map(payerOf), ...byPayerMonth.map((p) => p.payer)])].sort();
  const recoupmentsAndDeferrals = offsets.filter((o) => o.category === 'recoupment' || o.category === 'deferred_recoupment').length;
  return { kpis, byPayerMonth, openDeferred, lagDays, topClaims, escalations, suspense, payers, months: [...new Set(byPayerMonth.map((p) => p.month))], undrawn, recoupmentsAndDeferrals };
}
