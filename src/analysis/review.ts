// The review work queue's rules (issue 16), with no storage: review statuses and the transitions allowed
// between them, an offset's current state folded from its append-only events, appeal deadlines, which
// offsets are in the queue, and the appeal KPIs. The events themselves are kept by the ledger (src/store).

import type { Cents } from '../remit/money.js';
import type { OffsetCategory } from './codes.js';
import type { OffsetReview } from './build-rows.js';

export const REVIEW_STATUSES = ['new', 'reviewed', 'approved', 'disputed', 'appealed', 'won', 'lost', 'accepted'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * The transitions allowed (DESIGN "Review work queue"). An offset starts `new`. `approved` is a manager's
 * approval of a takeback (what an escalated offset needs before it is posted); `accepted` is the office
 * agreeing with it without one. Either can be reopened by disputing or appealing while the window is open.
 * An appeal ends `won` or `lost` (which may be appealed again at the next level, or accepted). A decision
 * recorded by mistake is corrected by setting the offset back to `reviewed`, with a note saying why
 * (CORRECTION): the audit trail keeps both. Nothing goes back to `new`, nothing repeats the status it
 * has, and an appeal's outcome is recorded only for an appeal.
 */
export const TRANSITIONS: Readonly<Record<ReviewStatus, readonly ReviewStatus[]>> = {
  new: ['reviewed', 'approved', 'accepted', 'disputed', 'appealed'],
  reviewed: ['approved', 'accepted', 'disputed', 'appealed'],
  approved: ['reviewed', 'disputed', 'appealed'],
  accepted: ['reviewed', 'disputed', 'appealed'],
  disputed: ['reviewed', 'appealed', 'approved', 'accepted'],
  appealed: ['reviewed', 'won', 'lost'],
  lost: ['reviewed', 'appealed', 'accepted'],
  won: ['reviewed'],
};

/** Going back to `reviewed` from a decision: a correction, which needs a note saying why. */
export function isCorrection(from: ReviewStatus, to: ReviewStatus | undefined): boolean {
  return to === 'reviewed' && from !== 'new' && from !== 'reviewed';
}

/** Statuses that are a decision: an escalated offset in one of them is handled (--fail-on unapproved). */
export const DECIDED: ReadonlySet<ReviewStatus> = new Set(['approved', 'disputed', 'appealed', 'won', 'lost', 'accepted']);

/**
 * Statuses that close an offset: it leaves the queue (`review list --all` still shows it). A lost appeal
 * stays: the office still decides between the next appeal level and accepting the takeback.
 */
export const CLOSED: ReadonlySet<ReviewStatus> = new Set(['approved', 'accepted', 'won']);

/** Statuses after which the first appeal window no longer matters: an appeal was filed or decided, or the office agreed. */
const DEADLINE_MET: ReadonlySet<ReviewStatus> = new Set(['appealed', 'won', 'lost', 'accepted', 'approved']);

/** The appeal window when the config names none for the payer (days from the offset's payment date). */
export const DEFAULT_APPEAL_DAYS = 60;

/** The days ahead `--fail-on due` looks when neither --due-within nor the config says. */
export const DEFAULT_DUE_WITHIN = 7;

/**
 * Offsets a person reviews: money the payer withheld (a positive amount, or one that could not be read).
 * Money added to the check is not in the queue — interest (L6), a refund acknowledged (72), a deferral
 * (WO/FB negative: the later collection is what is reviewed and appealed), or any other negative
 * adjustment; such offsets can still be given a status.
 */
export function isReviewable(category: OffsetCategory, amount: Cents | null): boolean {
  if (amount !== null && amount <= 0) return false;
  return category !== 'interest' && category !== 'refund_acknowledged' && category !== 'deferred_recoupment';
}

/** One entry of an offset's audit trail, as stored (never updated, never deleted). */
export interface ReviewEvent {
  /** The ledger's order of events (ascending = the order they happened). */
  seq: number;
  offsetId: string;
  /** When it was recorded: ISO 8601 UTC. */
  at: string;
  by: string;
  from: ReviewStatus;
  to: ReviewStatus;
  note: string;
  /** Money the payer paid back through the appeal (recorded with `won`, or corrected later), cents. */
  recovered: Cents | null;
}

/** An offset's state now: its status and what the events say of it. */
export interface ReviewState {
  status: ReviewStatus;
  /** Ever appealed (a later `lost` or `won` still counts the appeal filed). */
  appealed: boolean;
  /** The last appeal outcome recorded (a lost appeal later accepted is still lost; corrected back to reviewed: none). */
  outcome: 'won' | 'lost' | null;
  /** The latest recovered amount recorded (won), or null. */
  recovered: Cents | null;
  last: ReviewEvent | null;
  events: number;
}

export const NEW_STATE: ReviewState = { status: 'new', appealed: false, outcome: null, recovered: null, last: null, events: 0 };

/** Folds one more event (in order) into a state. */
export function applyEvent(s: ReviewState, e: ReviewEvent): ReviewState {
  // a correction back to reviewed takes back what the mistaken decision said (an appeal filed, its outcome)
  // (a filing corrected away was not an appeal; an outcome corrected away leaves the appeal filed)
  const corrected = isCorrection(e.from, e.to);
  return {
    status: e.to,
    appealed: (corrected && e.from === 'appealed' ? false : s.appealed) || e.to === 'appealed',
    outcome: e.to === 'won' || e.to === 'lost' ? e.to : corrected && (e.from === 'won' || e.from === 'lost') ? null : s.outcome,
    // an event on a won offset is a note or a corrected amount
    recovered: e.recovered !== null ? e.recovered : e.to === 'won' ? s.recovered : null,
    last: e,
    events: s.events + 1,
  };
}

/** Every offset's state from its events (events in ledger order). */
export function foldStates(events: Iterable<ReviewEvent>): Map<string, ReviewState> {
  const out = new Map<string, ReviewState>();
  for (const e of events) out.set(e.offsetId, applyEvent(out.get(e.offsetId) ?? NEW_STATE, e));
  return out;
}

/** What a `review set` asks for one offset. */
export interface ReviewChange {
  /** The new status; undefined for a note (or a recovered amount) that keeps the status. */
  to: ReviewStatus | undefined;
  note: string;
  recovered: Cents | null;
}

/**
 * Why a change cannot be made to an offset in this state (a sentence for the user), or null when it can.
 * `amount` is the offset's amount (what --recovered may not exceed), null when it could not be read.
 */
export function refuseChange(state: ReviewState, change: ReviewChange, amount: Cents | null): string | null {
  const to = change.to ?? state.status;
  if (change.to !== undefined && change.to === state.status) {
    const who = state.last ? ` (by ${state.last.by} at ${state.last.at})` : '';
    return `is already ${state.status}${who}`;
  }
  if (change.to !== undefined && !TRANSITIONS[state.status].includes(change.to)) {
    const next = TRANSITIONS[state.status];
    const fix = state.status !== 'new' && state.status !== 'reviewed' ? ' (a decision recorded by mistake: --status reviewed --note "why")' : '';
    return `cannot go from ${state.status} to ${change.to}; from ${state.status} it can go to ${next.join(', ')}${fix}`;
  }
  if (change.recovered !== null) {
    if (to !== 'won') return `--recovered is the money won back on appeal: give it with --status won (the offset is ${to})`;
    if (amount !== null && change.recovered > Math.abs(amount)) return `--recovered ${centsText(change.recovered)} is more than the ${centsText(Math.abs(amount))} taken back`;
  } else if (change.to === 'won') {
    return 'won needs --recovered <amount>: the money the payer paid back (0 if none yet; record it later with --recovered)';
  }
  if (change.to === undefined && change.recovered === null && change.note === '') return 'nothing to record: give --status, --note or --recovered';
  if (isCorrection(state.status, change.to) && change.note === '') return `going back from ${state.status} to reviewed corrects a decision: say why with --note`;
  return null;
}

function centsText(c: Cents): string {
  const a = Math.abs(c);
  return `${c < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** YYYY-MM-DD plus whole days. */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The last day to appeal: the offset's payment date plus the payer's window; '' when the date is unknown. */
export function appealDeadline(paymentDate: string, days: number): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(paymentDate) ? addDays(paymentDate, days) : '';
}

/** Whether the deadline still matters for an offset in this status (no appeal filed, nothing agreed). */
export function deadlineOpen(status: ReviewStatus): boolean {
  return !DEADLINE_MET.has(status);
}

/** The appeal windows: a default and some payers' own (by payer id, after aliases). */
export class AppealWindows {
  constructor(
    private readonly byPayer: ReadonlyMap<string, number> = new Map(),
    readonly defaultDays: number = DEFAULT_APPEAL_DAYS,
  ) {}

  daysFor(payerId: string): number {
    return this.byPayer.get(payerId) ?? this.defaultDays;
  }
}

/** Per-payer appeal figures for the summary (issue 16). */
export interface AppealTotals {
  filed: number;
  won: number;
  lost: number;
  recovered: Cents;
}

export function emptyAppealTotals(): AppealTotals {
  return { filed: 0, won: 0, lost: 0, recovered: 0 };
}

/** Counts an offset's appeal: filed when ever appealed; won or lost by the last outcome recorded. */
export function addAppeal(t: AppealTotals, s: ReviewState): void {
  if (s.appealed) t.filed++;
  if (s.outcome === 'won') {
    t.won++;
    t.recovered += s.recovered ?? 0;
  } else if (s.outcome === 'lost') t.lost++;
}

/**
 * An offset's review columns: its id, its status (from the ledger's states; '' when there is no ledger, so
 * nothing is remembered) and its appeal deadline (for offsets in the queue, when the payment date is known).
 */
export function offsetReview(uid: string, category: OffsetCategory, amount: Cents | null, paymentDate: string, payerId: string, windows: AppealWindows, states: ReadonlyMap<string, ReviewState> | null): OffsetReview {
  return {
    uid,
    status: states === null ? '' : (states.get(uid)?.status ?? 'new'),
    deadline: isReviewable(category, amount) ? appealDeadline(paymentDate, windows.daysFor(payerId)) : '',
  };
}
