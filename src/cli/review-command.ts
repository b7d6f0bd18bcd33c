// `recoup review list | set | history` (issue 16): the work queue of offsets kept in the ledger — who
// reviewed, approved, disputed or appealed what, with deadlines — read and written through the Ledger
// interface; the run's Outcome (or a RecoupError: unknown id, refused transition) for main.ts.

import { userInfo } from 'node:os';
import { normalizeOffsetId, isOffsetIdLike, OFFSET_ID_LENGTH } from '../analysis/offset-id.js';
import { PayerAliases } from '../analysis/payer-aliases.js';
import { redactRow } from '../analysis/redact.js';
import { DEFAULT_DUE_WITHIN, NEW_STATE, refuseChange, type ReviewChange, type ReviewEvent } from '../analysis/review.js';
import type { Row } from '../analysis/rows.js';
import { RecoupError, usageError } from '../diagnostics/errors.js';
import { byDeadline, filterQueue, isDue, isUnapproved, type QueueItem, reviewQueue } from '../query/review-queue.js';
import { formatCents } from '../remit/money.js';
import { ledgerDisplayName, openExistingLedger } from '../store/open.js';
import type { Ledger, OffsetIdMatch } from '../store/store.js';
import { todayDate } from '../x12/dates.js';
import { loadConfig, outputFromConfig } from './config.js';
import type { Outcome } from './exit.js';
import type { CliIO } from './io.js';
import { openCommandSinks } from './report-command.js';
import { type FlagNames, ledgerPath, parseCliOptions, reviewHistorySchema, reviewListSchema, reviewSetSchema } from './options.js';

function reviewLedgerPath(flag: string | undefined, io: CliIO, fromConfig: string | undefined): string {
  const path = ledgerPath(flag, io.env, fromConfig);
  if (path === undefined) throw usageError('recoup review works on the ledger: give --ledger <file> (or set RECOUP_LEDGER)');
  return path;
}

export async function runReviewList(raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(reviewListSchema, raw, flags);
  const config = loadConfig(opts.config, io.env);
  const given = raw as Record<string, unknown>;
  const aliases = new PayerAliases(config.payers);
  const escalateOver = given.escalateOver === undefined ? (config.escalateOver ?? opts.escalateOver) : opts.escalateOver;
  const failOn = given.failOn === undefined && config.failOn !== undefined ? new Set([...config.failOn].filter((c) => c === 'due' || c === 'unapproved')) : opts.failOn;
  if (failOn.has('unapproved') && escalateOver === undefined) throw usageError('--fail-on unapproved needs --escalate-over <amount> (or escalateOver in the config file): it is about offsets over it');
  const asOf = opts.asOf ?? todayDate();
  const path = reviewLedgerPath(opts.ledger, io, config.ledger);
  const shown = ledgerDisplayName(path);
  const ledger = openExistingLedger(path);
  let items: QueueItem[];
  try {
    items = reviewQueue(ledger, { asOf, escalateOver, aliases, appealWindows: config.appealWindows });
  } finally {
    ledger.close();
  }
  const payer = opts.payer === undefined ? undefined : (aliases.find(opts.payer)?.id ?? opts.payer);
  // a payer the ledger does not have is a mistake to say, not an empty list that reads as "nothing to do"
  if (payer !== undefined && filterQueue(items, { all: true, payer }).length === 0) {
    const known = [...new Map(items.map((i) => [`${i.row.payer_name} (${i.row.payer_id})`, true])).keys()].sort();
    io.stderr.write(`recoup: no offset of payer ${JSON.stringify(opts.payer)} in ${shown}; give its name or id as the reports show them${known.length > 0 ? `: ${known.join(', ')}` : ''}\n`);
    return 'not_found';
  }
  const filtered = filterQueue(items, {
    statuses: opts.status,
    all: opts.all,
    payer,
    category: opts.category,
    over: opts.over,
    dueWithin: opts.dueWithin,
    unlinked: opts.unlinked,
    from: opts.from,
    to: opts.to,
  });
  // the morning list (--due-within): the nearest deadline first; otherwise the oldest payment first
  const listed = opts.dueWithin !== undefined ? byDeadline(filtered) : filtered;
  const output = opts.output ?? outputFromConfig(config, opts.format, ['queue']);
  const sinks = await openCommandSinks(io, { format: opts.format, reports: ['queue'], output, color: opts.color, pager: opts.pager });
  try {
    for (const i of listed) sinks.onRow('queue', opts.redact ? redactRow('queue', i.row) : i.row);
  } catch (err) {
    await sinks.abort();
    throw err;
  }
  const dueWithin = opts.dueWithin ?? config.dueWithin ?? DEFAULT_DUE_WITHIN;
  const due = listed.filter((i) => isDue(i, dueWithin));
  const unapproved = listed.filter(isUnapproved);
  await sinks.finish({
    figures: [
      ['Ledger', shown],
      ['As of', asOf],
      ['Offsets listed', listed.length],
      [`Appeal deadline within ${dueWithin} days, no appeal filed`, due.length],
      ...(escalateOver !== undefined ? [['Escalated, not yet decided', unapproved.length] as const] : []),
    ],
    data: { ledger: shown, as_of: asOf, listed: listed.length, due: due.length, due_within: dueWithin, ...(escalateOver !== undefined ? { unapproved: unapproved.length } : {}) },
    diagnostics: [],
  });
  if (!opts.quiet) {
    const open = items.filter((i) => filterQueue([i], {}).length === 1).length;
    io.stderr.write(`recoup: ${listed.length} offset(s) listed of ${items.length} in ${shown} (${open} in the queue); ${dueWords(due, dueWithin)} as of ${asOf}\n`);
    if (escalateOver === undefined) io.stderr.write('recoup: no escalation threshold (--escalate-over, or escalateOver in recoup.config.json): the Escalate column is empty\n');
  }
  const met: string[] = [];
  if (failOn.has('due') && due.length > 0) met.push(`due: ${dueWords(due, dueWithin)}, no appeal filed${namedItems(due)}`);
  if (failOn.has('unapproved') && unapproved.length > 0) met.push(`unapproved: ${unapproved.length} offset(s) over ${formatCents(escalateOver!)} not yet approved or decided${namedItems(unapproved)}`);
  for (const m of met) io.stderr.write(`recoup: --fail-on ${m}\n`);
  return met.length > 0 ? 'fail_on' : 'ok';
}

/** The --fail-on due / unapproved lines for a scan with a ledger: the whole ledger's queue after the run. */
export function queueFailOnLines(ledger: Ledger, o: { due: boolean; unapproved: boolean; asOf: string; escalateOver: number | undefined; aliases: PayerAliases; config: ReturnType<typeof loadConfig> }): string[] {
  const items = reviewQueue(ledger, { asOf: o.asOf, escalateOver: o.escalateOver, aliases: o.aliases, appealWindows: o.config.appealWindows });
  const dueWithin = o.config.dueWithin ?? DEFAULT_DUE_WITHIN;
  const met: string[] = [];
  const due = byDeadline(items.filter((i) => isDue(i, dueWithin)));
  if (o.due && due.length > 0) met.push(`due: ${dueWords(due, dueWithin)} in ${ledger.path}, no appeal filed${namedItems(due)}`);
  const unapproved = items.filter(isUnapproved);
  if (o.unapproved && unapproved.length > 0) met.push(`unapproved: ${unapproved.length} offset(s) over ${formatCents(o.escalateOver ?? 0)} in ${ledger.path} not yet approved or decided${namedItems(unapproved)}`);
  return met;
}

/** "2 offset(s) past their appeal deadline and 1 with it within 7 days": overdue ones never read as still due. */
function dueWords(due: readonly QueueItem[], days: number): string {
  const past = due.filter((i) => (i.daysLeft ?? 0) < 0).length;
  const soon = due.length - past;
  if (due.length === 0) return `no appeal deadline within ${days} days`;
  return [past > 0 ? `${past} offset(s) past their appeal deadline` : '', soon > 0 ? `${soon} offset(s) with the appeal deadline within ${days} days` : ''].filter((x) => x !== '').join(' and ');
}

/** Up to ten offsets named on stderr (id, payer, date, code, amount, deadline: no patient data). */
function namedItems(items: readonly QueueItem[]): string {
  const when = (i: QueueItem): string => (!i.row.appeal_deadline ? '' : i.daysLeft !== null && i.daysLeft < 0 ? `, appeal deadline ${i.row.appeal_deadline} passed ${-i.daysLeft} days ago` : `, appeal by ${i.row.appeal_deadline}`);
  const shown = items.slice(0, 10).map((i) => `\n  ${i.row.offset_id}  ${i.row.payer_name} ${i.row.payment_date} ${i.row.reason_code} ${i.row.amount === '' ? 'unknown amount' : i.row.amount}${when(i)}  (${i.state.status})`);
  return shown.join('') + (items.length > 10 ? `\n  … and ${items.length - 10} more (recoup review list)` : '');
}

/** The offsets the typed ids name: each exactly, or by a unique prefix; an unknown or ambiguous one stops everything. */
function resolveIds(ledger: Ledger, typed: readonly string[], writing = true): OffsetIdMatch[] {
  const out: OffsetIdMatch[] = [];
  const unchanged = writing ? '; nothing was changed' : '';
  for (const t of typed) {
    const id = normalizeOffsetId(t);
    if (/^[0-9a-z]{1,5}$/.test(id)) {
      throw new RecoupError('REVIEW_UNKNOWN_ID', `${JSON.stringify(t)} is too short to name one offset: give at least 6 characters of its id (the offset_id column)${unchanged}`);
    }
    if (!isOffsetIdLike(id)) {
      throw new RecoupError('REVIEW_UNKNOWN_ID', `${JSON.stringify(t)} is not an offset id: ids are ${OFFSET_ID_LENGTH} letters and digits (the offset_id column of the offsets report and recoup review list); give at least 6 of them${unchanged}`);
    }
    const found = ledger.offsetsByIdPrefix(id);
    const exact = found.filter((m) => m.uid === id);
    const pick = exact.length === 1 ? exact : found;
    if (pick.length === 0) throw new RecoupError('REVIEW_UNKNOWN_ID', `no offset with id ${JSON.stringify(t)} in ${ledger.path}${unchanged}`);
    if (pick.length > 1) {
      const names = pick.slice(0, 10).map((m) => `\n  ${describe(m)}`).join('');
      throw new RecoupError('REVIEW_AMBIGUOUS_ID', `${JSON.stringify(t)} names ${pick.length > 10 ? 'more than 10' : pick.length} offsets; give more of the id:${names}${writing ? '\nnothing was changed' : ''}`);
    }
    if (!out.some((m) => m.uid === pick[0]!.uid)) out.push(pick[0]!);
  }
  return out;
}

function describe(m: OffsetIdMatch): string {
  return `${m.uid}  ${m.payerName} ${m.paymentDate} trace ${m.traceNumber} ${m.reasonCode}${m.reference ? ` ${m.reference}` : ''} ${m.unreadable ? 'unknown amount' : formatCents(m.amount)}`;
}

/** Who is recording: --by, else the login name. */
function whoAmI(io: CliIO): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no passwd entry (a container's numeric user): fall back to the environment
  }
  return io.env.USER || io.env.LOGNAME || 'unknown';
}

export async function runReviewSet(ids: string[], raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(reviewSetSchema, raw, flags);
  const config = loadConfig(opts.config, io.env);
  const change: ReviewChange = { to: opts.status, note: (opts.note ?? '').trim(), recovered: opts.recovered ?? null };
  if (change.to === undefined && change.note === '' && change.recovered === null) throw usageError('nothing to record: give --status <status>, --note <text> or --recovered <amount>');
  const by = opts.by ?? whoAmI(io);
  const path = reviewLedgerPath(opts.ledger, io, config.ledger);
  const ledger = openExistingLedger(path);
  let events: ReviewEvent[];
  let matches: OffsetIdMatch[];
  /** The recovered amount each offset had before, to say when a new one replaces it. */
  const before = new Map<string, number | null>();
  try {
    matches = resolveIds(ledger, ids);
    const amounts = new Map(matches.map((m) => [m.uid, m.unreadable ? null : m.amount]));
    events = ledger.appendReviewEvents(
      matches.map((m) => m.uid),
      (states) => {
        const refused: string[] = [];
        const at = new Date().toISOString();
        const out = matches.map((m) => {
          const state = states.get(m.uid) ?? NEW_STATE;
          before.set(m.uid, state.recovered);
          const why = refuseChange(state, change, amounts.get(m.uid) ?? null);
          if (why !== null) refused.push(`${m.uid} ${why}`);
          return { offsetId: m.uid, at, by, from: state.status, to: change.to ?? state.status, note: change.note, recovered: change.recovered };
        });
        if (refused.length > 0) {
          throw new RecoupError('REVIEW_TRANSITION', `${refused.join('\n  ')}\nnothing was changed${matches.length > 1 ? ' (for any of the offsets given)' : ''}`);
        }
        return out;
      },
    );
  } finally {
    ledger.close();
  }
  if (!opts.quiet) {
    for (const e of events) {
      const m = matches.find((x) => x.uid === e.offsetId)!;
      const was = before.get(e.offsetId);
      const replaced = e.recovered !== null && was !== undefined && was !== null ? ` (replaces ${formatCents(was)})` : '';
      const what = e.from === e.to ? `${e.to} (${e.recovered !== null ? `recovered ${formatCents(e.recovered)}${replaced}` : 'note'})` : `${e.from} → ${e.to}${e.recovered !== null ? `, recovered ${formatCents(e.recovered)}${replaced}` : ''}`;
      io.stdout.write(`${e.offsetId}  ${what}  by ${e.by}  (${m.payerName} ${m.paymentDate} ${m.reasonCode} ${m.unreadable ? 'unknown amount' : formatCents(m.amount)})\n`);
    }
  }
  return 'ok';
}

export async function runReviewHistory(id: string, raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(reviewHistorySchema, raw, flags);
  const config = loadConfig(opts.config, io.env);
  const path = reviewLedgerPath(opts.ledger, io, config.ledger);
  const ledger = openExistingLedger(path);
  let rows: Row[];
  let match: OffsetIdMatch;
  try {
    match = resolveIds(ledger, [id], false)[0]!;
    rows = ledger.reviewEvents(match.uid).map((e) => ({
      offset_id: e.offsetId,
      seq: String(e.seq),
      at: e.at,
      by: e.by,
      from_status: e.from,
      to_status: e.to,
      recovered: e.recovered === null ? '' : formatCents(e.recovered),
      note: e.note,
    }));
  } finally {
    ledger.close();
  }
  const sinks = await openCommandSinks(io, { format: opts.format, reports: ['history'], output: undefined, color: opts.color, pager: opts.pager });
  for (const r of rows) sinks.onRow('history', r);
  await sinks.finish({ figures: [['Offset', describe(match)], ['Events', rows.length]], data: { offset_id: match.uid, events: rows.length }, diagnostics: [] });
  if (rows.length === 0) io.stderr.write(`recoup: ${match.uid} has no review events yet: it is new\n`);
  return 'ok';
}
