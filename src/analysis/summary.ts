// Per-payer summary: checks, money paid, and provider-level offsets by category. Sums in integer cents;
// provider_adjustments = taken_back + deferred + refunds + interest + penalties + withholding + other.

import type { PayerDeposits } from './deposit-rows.js';
import type { Remittance } from '../remit/model.js';
import { type Cents, formatCents } from '../remit/money.js';
import { categorizeOffset, type OffsetCategory } from './codes.js';
import { payerId, type RemittanceHead } from './build-rows.js';
import { daysBetween } from './deferrals.js';
import type { Link } from './link.js';
import type { Row } from './rows.js';
import { addAppeal, type AppealTotals, DECIDED, emptyAppealTotals, isReviewable, type ReviewState } from './review.js';

/** 123 → "12.3" (integer tenths, no floating point in the output). */
function tenths(n: number): string {
  const neg = n < 0;
  const a = Math.abs(n);
  return `${neg ? '-' : ''}${Math.floor(a / 10)}.${a % 10}`;
}

interface PayerTotals {
  payerName: string;
  payerId: string;
  checks: number;
  paid: Cents;
  claimPayments: Cents;
  claimsPaid: number;
  providerAdjustments: Cents;
  byCategory: Record<OffsetCategory, Cents>;
  unbalanced: number;
  grossClaimPayments: Cents;
  linked: { count: number; amount: Cents };
  ambiguous: { count: number; amount: Cents };
  unlinked: { count: number; amount: Cents };
  lagDays: number;
  lagCount: number;
  escalated: { count: number; amount: Cents };
  /** Recoupments and deferrals linked to no single claim or remittance (the --fail-on unlinked figure). */
  unlinkedRecoupments: { count: number; amount: Cents };
  /** Appeals of this payer's offsets (issue 16; counted only when the ledger's review states are known). */
  appeals: AppealTotals;
  /** Escalated offsets with no decision yet (new or reviewed). */
  escalatedUndecided: number;
  /** Columns whose sum takes in an amount that could not be read: shown as unknown (empty), never as a total. */
  unknown: Set<string>;
}

const CATEGORY_COLUMN: Record<OffsetCategory, string> = {
  recoupment: 'taken_back',
  deferred_recoupment: 'deferred',
  refund_acknowledged: 'refunds_acknowledged',
  interest: 'interest',
  penalty: 'penalties',
  withholding: 'withholding',
  other: 'other',
};

/**
 * Money taken back (recoupment) or owed (deferred_recoupment) that no single claim or remittance explains:
 * the suspense list. The summary's Unlinked column and --fail-on unlinked both count exactly these.
 */
export function isUnlinkedRecoupment(category: OffsetCategory, link: Link): boolean {
  return (category === 'recoupment' || category === 'deferred_recoupment') && (link.basis === 'none' || link.basis === 'ambiguous');
}

/**
 * What one remittance adds to its payer's summary, apart from its offsets' links: small enough for the
 * ledger to keep with the remittance, so `recoup report summary` gives what the scan gave.
 */
export interface RemittanceFigures {
  paid: Cents;
  grossClaimPaid: Cents;
  claimPaid: Cents;
  claimsPaid: number;
  providerAdjustments: Cents;
  /** Σ PLB amounts by category (only the categories present). */
  byCategory: Partial<Record<OffsetCategory, Cents>>;
  /** Summary columns this remittance makes unknown (an amount in them could not be read). */
  unknown: string[];
  balanced: boolean;
}

export function remittanceFigures(r: Remittance, balanced: boolean): RemittanceFigures {
  const byCategory: Partial<Record<OffsetCategory, Cents>> = {};
  const unknown = new Set<string>();
  for (const a of r.providerAdjustments) {
    const category = categorizeOffset(a.reasonCode, a.amount);
    byCategory[category] = (byCategory[category] ?? 0) + a.amount;
    if (a.unreadable) for (const col of ['provider_adjustments', 'net_cash_impact', CATEGORY_COLUMN[category]]) unknown.add(col);
  }
  if (r.unreadable.includes('BPR02')) unknown.add('paid');
  if (r.unreadable.includes('CLP04')) for (const col of ['claim_payments', 'gross_claim_payments', 'offset_rate_percent']) unknown.add(col);
  return {
    paid: r.payment.amount,
    grossClaimPaid: r.totals.grossClaimPaid,
    claimPaid: r.totals.claimPaid,
    claimsPaid: r.claimsPaid,
    providerAdjustments: r.totals.providerAdjustments,
    byCategory,
    unknown: [...unknown],
    balanced,
  };
}

export class SummaryBuilder {
  private readonly payers = new Map<string, PayerTotals>();
  /** Each payer's deposits found and missing (by the summary's payer key); null when no bank statement was read. */
  private deposits: ReadonlyMap<string, PayerDeposits> | null = null;

  /** Whether review states were given (a ledger): without them the appeal columns are unknown. */
  private reviewsKnown = false;

  /** The appeal columns are counted (addReview is called for every offset). */
  countReviews(): void {
    this.reviewsKnown = true;
  }

  /** Counts an offset's review state for the appeal KPIs; `escalated` as addLink was told. */
  addReview(r: RemittanceHead, state: ReviewState, escalated: boolean, category: OffsetCategory, amount: Cents | null): void {
    const t = this.totals(r);
    addAppeal(t.appeals, state);
    // only what the queue holds waits for a decision (not interest, refunds or deferrals)
    if (escalated && isReviewable(category, amount) && !DECIDED.has(state.status)) t.escalatedUndecided++;
  }

  /** The deposit columns: from the deposits matched in this run (null leaves them unknown). */
  setDeposits(deposits: ReadonlyMap<string, PayerDeposits> | null): void {
    this.deposits = deposits;
  }

  private totals(r: RemittanceHead): PayerTotals {
    const id = payerId(r);
    const key = `${id}\u0000${r.payer.name}`;
    let t = this.payers.get(key);
    if (t === undefined) {
      t = {
        payerName: r.payer.name,
        payerId: id,
        checks: 0,
        paid: 0,
        claimPayments: 0,
        claimsPaid: 0,
        providerAdjustments: 0,
        byCategory: { recoupment: 0, deferred_recoupment: 0, refund_acknowledged: 0, interest: 0, penalty: 0, withholding: 0, other: 0 },
        unbalanced: 0,
        grossClaimPayments: 0,
        linked: { count: 0, amount: 0 },
        ambiguous: { count: 0, amount: 0 },
        unlinked: { count: 0, amount: 0 },
        lagDays: 0,
        lagCount: 0,
        escalated: { count: 0, amount: 0 },
        unlinkedRecoupments: { count: 0, amount: 0 },
        appeals: emptyAppealTotals(),
        escalatedUndecided: 0,
        unknown: new Set(),
      };
      this.payers.set(key, t);
    }
    return t;
  }

  add(r: Remittance, balanced: boolean): void {
    this.addFigures(r, remittanceFigures(r, balanced));
  }

  /** Adds one remittance's figures (from a scan, or as the ledger kept them) to its payer's totals. */
  addFigures(r: RemittanceHead, f: RemittanceFigures): void {
    const t = this.totals(r);
    t.grossClaimPayments += f.grossClaimPaid;
    t.checks++;
    t.paid += f.paid;
    t.claimPayments += f.claimPaid;
    t.claimsPaid += f.claimsPaid;
    t.providerAdjustments += f.providerAdjustments;
    for (const [category, amount] of Object.entries(f.byCategory)) t.byCategory[category as OffsetCategory] += amount;
    for (const col of f.unknown) t.unknown.add(col);
    if (!f.balanced) t.unbalanced++;
  }

  /**
   * Counts an offset's link. Amounts here are absolute (an unlinked 72 −45.00 and WO +45.00 are 90.00 of
   * suspense), so linked + ambiguous + unlinked = Σ |PLB|.
   */
  addLink(r: RemittanceHead, amount: Cents, category: OffsetCategory, link: Link, offsetDate: string, escalated = false, amountKnown = true): void {
    const t = this.totals(r);
    if (!amountKnown) {
      t.unknown.add(link.basis === 'ambiguous' ? 'ambiguous_amount' : link.basis === 'none' ? 'unlinked_amount' : 'linked_amount');
      if (isUnlinkedRecoupment(category, link)) t.unknown.add('unlinked_recoupments_amount');
      if (category === 'recoupment') t.unknown.add('offset_rate_percent');
    }
    if (escalated) {
      t.escalated.count++;
      t.escalated.amount += Math.abs(amount);
    }
    const bucket = link.basis === 'ambiguous' ? t.ambiguous : link.basis === 'none' ? t.unlinked : t.linked;
    bucket.count++;
    bucket.amount += Math.abs(amount);
    if (isUnlinkedRecoupment(category, link)) {
      t.unlinkedRecoupments.count++;
      t.unlinkedRecoupments.amount += Math.abs(amount);
    }
    if (category === 'recoupment' && link.claim !== null) {
      const lag = daysBetween(link.claim.paymentDate, offsetDate);
      if (lag !== null) {
        t.lagDays += lag;
        t.lagCount++;
      }
    }
  }

  rows(): Row[] {
    return [...this.payers.values()]
      .sort((a, b) => (a.payerName < b.payerName ? -1 : a.payerName > b.payerName ? 1 : a.payerId < b.payerId ? -1 : 1))
      .map((t) => {
        const row: Row = {
          payer_name: t.payerName,
          payer_id: t.payerId,
          checks: String(t.checks),
          paid: formatCents(t.paid),
          claim_payments: formatCents(t.claimPayments),
          claims_paid: String(t.claimsPaid),
          provider_adjustments: formatCents(t.providerAdjustments),
          unbalanced: String(t.unbalanced),
          linked_offsets: String(t.linked.count),
          linked_amount: formatCents(t.linked.amount),
          ambiguous_offsets: String(t.ambiguous.count),
          ambiguous_amount: formatCents(t.ambiguous.amount),
          unlinked_offsets: String(t.unlinked.count),
          unlinked_amount: formatCents(t.unlinked.amount),
          gross_claim_payments: formatCents(t.grossClaimPayments),
          offset_rate_percent: t.grossClaimPayments > 0 ? formatCents(Math.round((t.byCategory.recoupment * 10000) / t.grossClaimPayments)) : '',
          avg_recoupment_lag_days: t.lagCount > 0 ? tenths(Math.round((t.lagDays * 10) / t.lagCount)) : '',
          net_cash_impact: formatCents(-t.providerAdjustments),
          escalated_offsets: String(t.escalated.count),
          escalated_amount: formatCents(t.escalated.amount),
          unlinked_recoupments: String(t.unlinkedRecoupments.count),
          unlinked_recoupments_amount: formatCents(t.unlinkedRecoupments.amount),
        };
        for (const [cat, col] of Object.entries(CATEGORY_COLUMN)) row[col] = formatCents(t.byCategory[cat as OffsetCategory]);
        const d = this.deposits?.get(`${t.payerId}\u0000${t.payerName}`) ?? (this.deposits ? { found: 0, missing: 0, missingAmount: 0 } : null);
        // appeals (issue 16): appeals_net_cash_impact is the playbook's net cash impact, taken back less
        // what appeals won back (positive: money lost); net_cash_impact stays −Σ PLB, the checks' view
        const a = t.appeals;
        const decided = a.won + a.lost;
        row.appeals_filed = this.reviewsKnown ? String(a.filed) : '';
        row.appeals_won = this.reviewsKnown ? String(a.won) : '';
        row.appeals_lost = this.reviewsKnown ? String(a.lost) : '';
        row.appeal_success_percent = this.reviewsKnown && decided > 0 ? formatCents(Math.round((a.won * 10000) / decided)) : '';
        row.recovered_through_appeals = this.reviewsKnown ? formatCents(a.recovered) : '';
        row.appeals_net_cash_impact = this.reviewsKnown && !t.unknown.has('taken_back') ? formatCents(t.byCategory.recoupment - a.recovered) : '';
        row.escalated_undecided = this.reviewsKnown ? String(t.escalatedUndecided) : '';
        row.deposits_found = d ? String(d.found) : '';
        row.eras_without_deposit = d ? String(d.missing) : '';
        row.eras_without_deposit_amount = d ? formatCents(d.missingAmount) : '';
        for (const col of t.unknown) row[col] = '';
        return row;
      });
  }
}
