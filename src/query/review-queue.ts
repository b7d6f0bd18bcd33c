// The review work queue read from the ledger (issue 16): every offset as `recoup report offsets` links it,
// with its review state from the audit trail, its appeal deadline and the days left; the filters of
// `recoup review list`; and the --fail-on due / unapproved conditions cron asks for.

import { daysBetween } from '../analysis/deferrals.js';
import type { PayerAliases } from '../analysis/payer-aliases.js';
import { isSuspenseRow } from '../analysis/review-reports.js';
import { type AppealWindows, CLOSED, DECIDED, deadlineOpen, foldStates, isReviewable, NEW_STATE, type ReviewState, type ReviewStatus } from '../analysis/review.js';
import type { OffsetCategory } from '../analysis/codes.js';
import type { Row } from '../analysis/rows.js';
import { type Cents, formatCents, parseAmount } from '../remit/money.js';
import type { Ledger } from '../store/store.js';
import { reportFromLedger } from './ledger-report.js';

export interface QueueOptions {
  asOf: string;
  escalateOver?: Cents | undefined;
  aliases?: PayerAliases | undefined;
  appealWindows?: AppealWindows | undefined;
}

export interface QueueItem {
  /** The queue report's row. */
  row: Row;
  state: ReviewState;
  category: OffsetCategory;
  /** Absolute amount in cents, null when it could not be read. */
  amount: Cents | null;
  /** The amount as written (positive: withheld), null when it could not be read. */
  signed: Cents | null;
  /** Days from --as-of to the appeal deadline (negative: past it), null when there is no deadline. */
  daysLeft: number | null;
  escalated: boolean;
  /** Linked to no single claim or remittance (the suspense list). */
  unlinked: boolean;
}

/** Every offset of the ledger with its review state, oldest payment first (then in the order recorded). */
export function reviewQueue(ledger: Ledger, o: QueueOptions): QueueItem[] {
  const states = foldStates(ledger.reviewEvents());
  const items: Array<QueueItem & { order: number }> = [];
  reportFromLedger(ledger, {
    reports: ['offsets'],
    filter: {},
    asOf: o.asOf,
    escalateOver: o.escalateOver,
    aliases: o.aliases,
    appealWindows: o.appealWindows,
    onRow: (_report, offset) => {
      const state = states.get(offset.offset_id ?? '') ?? NEW_STATE;
      const deadline = offset.appeal_deadline ?? '';
      // days left only while the deadline still matters (no appeal filed or decided, nothing agreed)
      const daysLeft = deadline === '' || !deadlineOpen(state.status) ? null : daysBetween(o.asOf, deadline);
      const p = parseAmount(offset.amount ?? '');
      const last = state.last;
      items.push({
        order: items.length,
        state,
        category: (offset.category ?? 'other') as OffsetCategory,
        amount: p.ok ? Math.abs(p.cents) : null,
        signed: p.ok ? p.cents : null,
        daysLeft,
        escalated: offset.escalate === 'yes',
        unlinked: isSuspenseRow(offset),
        row: {
          offset_id: offset.offset_id ?? '',
          review_status: state.status,
          appeal_deadline: deadline,
          days_left: daysLeft === null ? '' : String(daysLeft),
          escalate: offset.escalate ?? '',
          payer_name: offset.payer_name ?? '',
          payer_id: offset.payer_id ?? '',
          payment_date: offset.payment_date ?? '',
          trace_number: offset.trace_number ?? '',
          reason_code: offset.reason_code ?? '',
          category: offset.category ?? '',
          reference: offset.reference ?? '',
          amount: offset.amount ?? '',
          recovered: state.recovered === null ? '' : formatCents(state.recovered),
          link_basis: offset.link_basis ?? '',
          linked_pcn: offset.linked_pcn ?? '',
          linked_icn: offset.linked_icn ?? '',
          linked_patient: offset.linked_patient ?? '',
          last_by: last?.by ?? '',
          last_at: last?.at ?? '',
          last_note: last?.note ?? '',
          file: offset.file ?? '',
        },
      });
    },
  });
  const date = (i: QueueItem): string => (i.row.payment_date === '' ? '9999-99-99' : i.row.payment_date!);
  return items.sort((a, b) => (date(a) < date(b) ? -1 : date(a) > date(b) ? 1 : a.order - b.order));
}

/** What `recoup review list` narrows the queue to. */
export interface QueueFilter {
  /** These statuses only; default: the open ones (not approved, accepted, won or lost) of offsets in the queue. */
  statuses?: readonly ReviewStatus[] | undefined;
  /** Every offset, whatever its status or category. */
  all?: boolean | undefined;
  payer?: string | undefined;
  category?: string | undefined;
  /** Absolute amount over this (cents). */
  over?: Cents | undefined;
  /** Appeal deadline within this many days of --as-of (or past), with the window still open. */
  dueWithin?: number | undefined;
  unlinked?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function filterQueue(items: readonly QueueItem[], f: QueueFilter): QueueItem[] {
  const payer = f.payer?.toLowerCase();
  return items.filter((i) => {
    // interest, refunds and deferrals are not in the queue: shown with --all, or when their category is asked for
    if (!f.all && f.category === undefined && !isReviewable(i.category, i.signed)) return false;
    if (f.statuses !== undefined) {
      if (!f.statuses.includes(i.state.status)) return false;
    } else if (!f.all && CLOSED.has(i.state.status)) return false;
    if (payer !== undefined && (i.row.payer_id ?? '').toLowerCase() !== payer && (i.row.payer_name ?? '').toLowerCase() !== payer) return false;
    if (f.category !== undefined && i.category !== f.category) return false;
    if (f.over !== undefined && (i.amount === null || i.amount <= f.over)) return false;
    if (f.dueWithin !== undefined && !isDue(i, f.dueWithin)) return false;
    if (f.unlinked && !i.unlinked) return false;
    const d = i.row.payment_date ?? '';
    if (f.from !== undefined && (d === '' || d < f.from)) return false;
    if (f.to !== undefined && (d === '' || d > f.to)) return false;
    return true;
  });
}

/** An appeal deadline within `days` (or past) of an offset in the queue with no appeal filed and nothing agreed. */
export function isDue(i: QueueItem, days: number): boolean {
  return isReviewable(i.category, i.signed) && deadlineOpen(i.state.status) && i.daysLeft !== null && i.daysLeft <= days;
}

/** The morning list's order: the nearest deadline first (past ones first of all), then the oldest payment. */
export function byDeadline(items: readonly QueueItem[]): QueueItem[] {
  const left = (i: QueueItem): number => i.daysLeft ?? Number.MAX_SAFE_INTEGER;
  return [...items].sort((a, b) => left(a) - left(b));
}

/** An escalated offset (over --escalate-over) with no decision yet: still new or only reviewed. */
export function isUnapproved(i: QueueItem): boolean {
  return i.escalated && isReviewable(i.category, i.signed) && !DECIDED.has(i.state.status);
}
