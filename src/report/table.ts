// Terminal tables for people: a readable subset of each report's columns, codes in words (categories,
// link bases, statuses; CSV and JSON keep the stable identifiers), amounts right-aligned with thousands
// separators, money taken back in red, a totals row that adds up from the rows shown, and one line under
// the table saying what the signs mean.
//
// Layout: a rule under the header and above the Total row, columns separated by │, no rule between rows
// and no frame. Without a width (a pipe, a file) every column is shown. With a width (stdout is a
// terminal) every line fits it and no identifier is ever cut: labels shorten, columns with nothing in
// them go, then columns are chosen by rank and the least important dropped (named in one dim line under
// the table); only free text (a payer name when the payer id is beside it, a note) is cut, with …. The
// summary stacks one block per payer when its columns do not fit; any table whose essential columns do
// not fit stacks one block per row.
//
// Written here rather than with cli-table3, which was the cost: it took 0.97 s for 2,000 offsets and 12.9 s
// for 10,000 (it grows faster than the row count); this layout renders 50,000 offsets in about 0.16 s, or
// 0.09 s narrowed to 80 columns (same machine, 2 shared cores).

import type { ChalkInstance } from 'chalk';
import { COLUMNS, type ReportName, type Row } from '../analysis/rows.js';
import { formatCents, formatMoney, parseAmount } from '../remit/money.js';

type Tone = 'bad' | 'good' | null;

export interface GridColumn {
  /** Header. */
  label: string;
  /** Header when the table is narrowed. */
  short?: string;
  /** Row key, or a function of the row: the raw value (tones and totals see it). */
  value: string | ((row: Row) => string);
  /** What people read in place of a code (category labels…); `narrow`: the shorter form for a narrowed table. */
  words?: (raw: string, narrow: boolean) => string;
  kind: 'text' | 'amount' | 'count';
  /** 0: always shown; otherwise the larger, the sooner dropped when the table does not fit. */
  rank: number;
  /** Free text (a note): the only kind of text that is ever cut (…). Identifiers, codes and amounts never are. */
  free?: boolean;
  /**
   * The payer's name and id. The id is shown beside the name when two payers of the table share a name, and
   * when a narrowed table needs the room: a payer name is cut only when its payer id is shown beside it.
   */
  payer?: 'name' | 'id';
  /** Summed into the totals row. An empty amount in such a column could not be read: shown as unknown. */
  total?: boolean;
  /** An empty amount means unknown here too (not "not applicable"). */
  emptyIsUnknown?: boolean;
  /** Whether the column applies to a row at all: where it does not, an empty cell is blank, not unknown. */
  applies?: (row: Row) => boolean;
  /** Colour for a cell. A column with a cell marked bad (a problem to see) is kept before any other rank. */
  tone?: (row: Row, value: string) => Tone;
}

export interface GridSpec {
  title: string;
  columns: GridColumn[];
  /** One line under the table: what the signs of its amounts mean. */
  legend?: string;
  /** Where a person finds the columns a narrowed table leaves out. */
  everyColumn: string;
  /** Narrow: one block per row (the summary: one per payer) rather than a table without some of its columns. */
  stackWhenNarrow?: boolean;
  /** A totals row under the rows (when there are two or more). */
  totals?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Display width: what a terminal shows, not string length ('…', '│' and accented letters are one column,
// CJK and emoji two, combining marks none).

// eslint-disable-next-line no-control-regex
const PLAIN = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x7f) return cp < 0x20 ? 0 : 1;
  if (cp < 0xa0) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  return isWide(cp) ? 2 : 1;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns a terminal gives the text (colour codes take none). */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let w = 0;
  for (const ch of text.includes('\x1b') ? text.replace(ANSI, '') : text) w += charWidth(ch);
  return w;
}

/** Text cut to `width` columns, ending in … when cut. */
function cutTo(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Words wrapped to `width` columns (a word longer than the width is left whole). No width: one line. */
export function wrapText(text: string, width: number | undefined): string[] {
  if (width === undefined || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (displayWidth(line) + 1 + displayWidth(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Parts joined by `sep` on as few lines of `width` columns as they fit on (a part too wide is wrapped). */
export function joinParts(parts: readonly string[], sep: string, width: number | undefined): string[] {
  if (width === undefined) return [parts.join(sep)];
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line !== '' && displayWidth(line) + displayWidth(sep) + displayWidth(part) <= width) line += sep + part;
    else {
      if (line !== '') lines.push(line);
      const wrapped = wrapText(part, width);
      lines.push(...wrapped.slice(0, -1));
      line = wrapped[wrapped.length - 1]!;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Text from a file for the terminal: its control characters (escape sequences) are never sent, shown as �. */
export const clean = (text: string): string => (PLAIN.test(text) ? text : text.replace(CONTROL, '\ufffd'));

// ---------------------------------------------------------------------------------------------------------
// Words for people.

const CATEGORY_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  recoupment: ['Recoupment', 'Recoupment'],
  deferred_recoupment: ['Deferred recoupment', 'Deferred'],
  refund_acknowledged: ['Refund acknowledged', 'Refund ack.'],
  interest: ['Interest', 'Interest'],
  penalty: ['Penalty', 'Penalty'],
  withholding: ['Withholding', 'Withholding'],
  other: ['Other', 'Other'],
};

const LINK_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  icn: ['ICN', 'ICN'],
  pcn: ['Patient acct', 'Acct'],
  original_reference: ['Original ref.', 'Orig. ref.'],
  trace_number: ['Check trace', 'Trace'],
  deferred_pair: ['Earlier deferral', 'Deferral'],
  ambiguous: ['Ambiguous', 'Ambiguous'],
  none: ['Not linked', 'None'],
};

const STATUS_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  open: ['Open', 'Open'],
  partly_collected: ['Partly collected', 'Partly'],
  collected: ['Collected', 'Collected'],
};

const AGING_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  open_deferral: ['Open deferral', 'Deferral'],
  unlinked_recoupment: ['Unlinked recoupment', 'Unlinked'],
};

const DEPOSIT_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  matched: ['Matched', 'Matched'],
  amount_mismatch: ['Amount differs', 'Differs'],
  deposit_without_era: ['No ERA', 'No ERA'],
  era_without_deposit: ['No deposit', 'No dep.'],
  ambiguous: ['Ambiguous', 'Ambig.'],
  other_credit: ['Not insurance', 'Other'],
  debit: ['Debit', 'Debit'],
};

const BASIS_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  trace_number: ['Trace number', 'Trace'],
  amount_date: ['Amount and date', 'Amt+date'],
  batch: ['Check batch', 'Batch'],
  none: ['', ''],
};

const wordsFrom =
  (table: Readonly<Record<string, readonly [string, string]>>) =>
  (raw: string, narrow: boolean): string => {
    const w = table[raw];
    return w ? w[narrow ? 1 : 0] : raw;
  };

/** An offset category in words ("Deferred recoupment"), as tables show it; CSV and JSON keep the identifier. */
export const categoryWords = wordsFrom(CATEGORY_WORDS);

// ---------------------------------------------------------------------------------------------------------
// The reports' tables.

const takenBack = (_row: Row, v: string): Tone => (v !== '' && !v.startsWith('-') && v !== '0.00' ? 'bad' : null);

const otherAdjustments = (row: Row): string => {
  let cents = 0;
  for (const k of ['penalties', 'withholding', 'other']) {
    const p = parseAmount(row[k] ?? '0');
    if (!p.ok) return ''; // one of them unknown: so is their sum
    cents += p.cents;
  }
  return formatCents(cents);
};

/**
 * Money taken back net of refunds acknowledged: a 72 (negative) gives back on the check a refund the office
 * had already mailed, so the recoupment that collects it (WO positive) is not money lost. Staff read
 * "Taken back 105.00" as lost when 45.00 of it cancels out; the net is what the payer really kept.
 */
const netTakenBack = (row: Row): string => {
  const t = parseAmount(row.taken_back ?? '');
  const r = parseAmount(row.refunds_acknowledged ?? '');
  return t.ok && r.ok ? formatCents(t.cents + r.cents) : '';
};

const COLUMNS_EVERYWHERE = '--csv or --xlsx for every column';

/** The offsets table's Review cell: ESCALATE while an escalated offset has no decision; else a decision recorded. */
const reviewMark = (row: Row): string => {
  const status = row.review_status ?? '';
  if (row.escalate === 'yes' && (status === '' || status === 'new' || status === 'reviewed')) return 'ESCALATE';
  return status === 'new' ? '' : status;
};

/** A deposits row of a bank line (not an ERA without a deposit); one that names remittances. */
const onStatement = (row: Row): boolean => (row.bank_line ?? '') !== '';
const carriesEras = (row: Row): boolean => (row.trace_numbers ?? '') !== '';

const TABLES: Partial<Record<ReportName, GridSpec>> = {
  summary: {
    title: 'Summary by payer',
    legend: 'Positive adjustments were withheld from the checks; negative ones were added to them. Net taken = taken back less refunds acknowledged.',
    everyColumn: COLUMNS_EVERYWHERE,
    stackWhenNarrow: true,
    totals: true,
    columns: [
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 0, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 0, payer: 'id' },
      { label: 'Checks', value: 'checks', kind: 'count', rank: 1, total: true },
      { label: 'Claim payments', short: 'Claim pmts', value: 'claim_payments', kind: 'amount', rank: 1, total: true },
      { label: 'Taken back', value: 'taken_back', kind: 'amount', rank: 1, total: true, tone: takenBack },
      { label: 'Deferred', value: 'deferred', kind: 'amount', rank: 1, total: true },
      { label: 'Refunds ack.', short: 'Refunds', value: 'refunds_acknowledged', kind: 'amount', rank: 1, total: true },
      { label: 'Net taken', value: netTakenBack, kind: 'amount', rank: 1, total: true, tone: takenBack },
      { label: 'Interest', value: 'interest', kind: 'amount', rank: 1, total: true },
      { label: 'Other adj.', short: 'Other', value: otherAdjustments, kind: 'amount', rank: 1, total: true },
      { label: 'Paid', value: 'paid', kind: 'amount', rank: 0, total: true },
      { label: 'Unbalanced', short: 'Unbal.', value: 'unbalanced', kind: 'count', rank: 1, total: true, tone: (_r, v) => (v !== '0' ? 'bad' : null) },
      // the suspense figure --fail-on unlinked uses: money taken or owed with no single claim (issue #11 §4)
      { label: 'Unlinked', value: 'unlinked_recoupments', kind: 'count', rank: 1, total: true, tone: (_r, v) => (v !== '0' && v !== '' ? 'bad' : null) },
    ],
  },
  balances: {
    title: 'Deferred recoupments (money the payer may still take back)',
    legend: 'Deferred amounts are negative: added to a check for now, to be taken back later.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Deferred on', short: 'Date', value: 'deferred_date', kind: 'text', rank: 0 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 7, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 7, payer: 'id' },
      { label: 'Trace', value: 'trace_number', kind: 'text', rank: 0 },
      { label: 'Code', value: 'reason_code', kind: 'text', rank: 9 },
      { label: 'Reference', value: 'reference', kind: 'text', rank: 2 },
      { label: 'Deferred', value: 'deferred', kind: 'amount', rank: 3, total: true },
      { label: 'Collected', value: 'collected', kind: 'amount', rank: 4, total: true },
      { label: 'Outstanding', value: 'outstanding', kind: 'amount', rank: 0, total: true, tone: takenBack },
      { label: 'Age (days)', short: 'Age', value: 'age_days', kind: 'count', rank: 8 },
      { label: 'Status', value: 'status', words: wordsFrom(STATUS_WORDS), kind: 'text', rank: 5 },
      { label: 'Linked claim', short: 'Linked', value: 'linked_pcn', kind: 'text', rank: 6 },
      { label: 'Linked ICN', value: 'linked_icn', kind: 'text', rank: 10 },
    ],
  },
  offsets: {
    title: 'Provider-level offsets (PLB)',
    legend: 'Positive amounts were withheld from the check; negative ones were added to it.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Date', value: 'payment_date', kind: 'text', rank: 0 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 6, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 6, payer: 'id' },
      { label: 'Trace', value: 'trace_number', kind: 'text', rank: 0 },
      { label: 'Code', value: 'reason_code', kind: 'text', rank: 5 },
      { label: 'Category', value: 'category', words: categoryWords, kind: 'text', rank: 2 },
      { label: 'Reference', value: 'reference', kind: 'text', rank: 3 },
      { label: 'Amount', value: 'amount', kind: 'amount', rank: 0, total: true, tone: (row, v) => (row.category === 'recoupment' && !v.startsWith('-') ? 'bad' : null) },
      { label: 'Linked claim', short: 'Linked', value: 'linked_pcn', kind: 'text', rank: 4 },
      { label: 'Linked ICN', value: 'linked_icn', kind: 'text', rank: 7 },
      { label: 'Linked by', value: 'link_basis', words: wordsFrom(LINK_WORDS), kind: 'text', rank: 8 },
      // --escalate-over: a marker a reviewer can scan for, in colour and without; with a ledger, the
      // decision recorded (recoup review) replaces it
      { label: 'Review', value: reviewMark, kind: 'text', rank: 1, tone: (row) => (reviewMark(row) === 'ESCALATE' ? 'bad' : null) },
      // the id typed into `recoup review set` (issue 16)
      { label: 'Id', value: 'offset_id', kind: 'text', rank: 7 },
    ],
  },
  suspense: {
    title: 'Suspense (recoupments and deferrals no single claim explains), oldest first',
    legend: 'Positive amounts were taken back; negative ones are deferred (to be taken back later). Age counted to --as-of.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Id', value: 'offset_id', kind: 'text', rank: 0 },
      { label: 'Date', value: 'payment_date', kind: 'text', rank: 0 },
      { label: 'Age', value: 'age_days', kind: 'count', rank: 1 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 4, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 4, payer: 'id' },
      { label: 'Trace', value: 'trace_number', kind: 'text', rank: 2 },
      { label: 'Code', value: 'reason_code', kind: 'text', rank: 5 },
      { label: 'Reference', value: 'reference', kind: 'text', rank: 1 },
      { label: 'Amount', value: 'amount', kind: 'amount', rank: 0, total: true },
      { label: 'Linked by', value: 'link_basis', words: wordsFrom(LINK_WORDS), kind: 'text', rank: 3 },
      { label: 'Review', value: 'review_status', kind: 'text', rank: 6 },
    ],
  },
  reversals: {
    title: 'Payment reversals (the original payment, its correction, and the offsets that collected it)',
    legend: 'Reversed is negative (taken back); net change = reversed + the correction paid.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Date', value: 'reversal_date', kind: 'text', rank: 0 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 6, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 6, payer: 'id' },
      { label: 'Patient acct', short: 'Acct', value: 'pcn', kind: 'text', rank: 0 },
      { label: 'ICN', value: 'reversal_icn', kind: 'text', rank: 1 },
      { label: 'Reversed', value: 'reversed', kind: 'amount', rank: 0, total: true },
      { label: 'Paid first on', short: 'Orig.', value: 'original_payment_date', kind: 'text', rank: 4 },
      { label: 'Corrected on', short: 'Corr.', value: 'correction_date', kind: 'text', rank: 5 },
      { label: 'Correction paid', short: 'Corr. paid', value: 'correction_paid', kind: 'amount', rank: 2, total: true },
      { label: 'Net change', short: 'Net', value: 'net_change', kind: 'amount', rank: 1, total: true },
      { label: 'Offsets', value: 'offsets', kind: 'count', rank: 3, total: true },
      { label: 'Deferred', value: 'deferred', kind: 'amount', rank: 4, total: true },
      { label: 'Collected', value: 'collected', kind: 'amount', rank: 3, total: true },
      { label: 'Offset ids', value: 'offset_ids', kind: 'text', rank: 7, free: true },
    ],
  },
  queue: {
    title: 'Review queue',
    legend: 'Days left = days to the appeal deadline (negative: past it; empty once an appeal is filed or the takeback agreed). Positive amounts were withheld from the check.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Id', value: 'offset_id', kind: 'text', rank: 0 },
      { label: 'Status', value: 'review_status', kind: 'text', rank: 0, tone: (row) => (row.escalate === 'yes' && (row.review_status === 'new' || row.review_status === 'reviewed') ? 'bad' : null) },
      // an escalation waits for a manager: kept at any width
      { label: 'Escalate', short: 'Esc.', value: (row) => (row.escalate === 'yes' ? 'yes' : ''), kind: 'text', rank: 0 },
      { label: 'Appeal by', value: 'appeal_deadline', kind: 'text', rank: 2 },
      { label: 'Days left', short: 'Left', value: 'days_left', kind: 'count', rank: 0, tone: (row, v) => (v !== '' && Number(v) <= 7 ? 'bad' : null) },
      { label: 'Date', value: 'payment_date', kind: 'text', rank: 4 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 1, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 1, payer: 'id' },
      { label: 'Code', value: 'reason_code', kind: 'text', rank: 5 },
      { label: 'Amount', value: 'amount', kind: 'amount', rank: 0, total: true },
      { label: 'Recovered', value: 'recovered', kind: 'amount', rank: 6, total: true, applies: (row) => row.recovered !== '' },
      { label: 'Linked claim', short: 'Linked', value: (row) => row.linked_pcn || (row.link_basis === 'none' || row.link_basis === 'ambiguous' ? 'suspense' : ''), kind: 'text', rank: 3 },
      { label: 'Reference', value: 'reference', kind: 'text', rank: 7 },
      { label: 'Last note', value: 'last_note', kind: 'text', rank: 8, free: true },
    ],
  },
  history: {
    title: 'Review history (append-only)',
    everyColumn: COLUMNS_EVERYWHERE,
    columns: [
      { label: 'When (UTC)', short: 'When', value: 'at', kind: 'text', rank: 0 },
      { label: 'By', value: 'by', kind: 'text', rank: 0 },
      { label: 'From', value: 'from_status', kind: 'text', rank: 0 },
      { label: 'To', value: 'to_status', kind: 'text', rank: 0 },
      { label: 'Recovered', value: 'recovered', kind: 'amount', rank: 1 },
      { label: 'Note', value: 'note', kind: 'text', rank: 2, free: true },
    ],
  },
  payments: {
    title: 'Payments',
    legend: 'Provider adjustments: positive ones were withheld from the check; negative ones were added to it.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Date', value: 'payment_date', kind: 'text', rank: 0 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 3, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 3, payer: 'id' },
      { label: 'Trace', value: 'trace_number', kind: 'text', rank: 0 },
      { label: 'Method', short: 'Via', value: 'payment_method', kind: 'text', rank: 7 },
      { label: 'Claims', value: 'claims', kind: 'count', rank: 5, total: true },
      { label: 'Provider adj.', short: 'Prov. adj.', value: 'provider_adjustments', kind: 'amount', rank: 2, total: true },
      { label: 'Paid', value: 'paid', kind: 'amount', rank: 0, total: true },
      { label: 'Balanced', value: 'balanced', kind: 'text', rank: 4, tone: (_r, v) => (v === 'no' ? 'bad' : null) },
      { label: 'Difference', short: 'Diff.', value: 'difference', kind: 'amount', rank: 6, emptyIsUnknown: true, tone: (_r, v) => (v !== '0.00' ? 'bad' : null) },
    ],
  },
  claims: {
    title: 'Claims',
    legend: 'A reversal (status 22) takes back an earlier payment: its amounts are negative.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Trace', value: 'trace_number', kind: 'text', rank: 4 },
      { label: 'Patient acct', short: 'Acct', value: 'pcn', kind: 'text', rank: 0 },
      { label: 'Status', value: 'status_code', kind: 'text', rank: 5 },
      { label: 'ICN', value: 'icn', kind: 'text', rank: 0 },
      { label: 'Service date', short: 'Service', value: 'service_date', kind: 'text', rank: 3 },
      { label: 'Charge', value: 'charge', kind: 'amount', rank: 2, total: true },
      { label: 'Paid', value: 'paid', kind: 'amount', rank: 0, total: true },
      { label: 'Reversal', short: 'Rev.', value: 'reversal', kind: 'text', rank: 6 },
      { label: 'Corrects', value: 'corrects_icn', kind: 'text', rank: 7 },
      { label: 'Balanced', value: 'balanced', kind: 'text', rank: 8, tone: (_r, v) => (v === 'no' ? 'bad' : null) },
    ],
  },
  adjustments: {
    title: 'Claim adjustments (CAS)',
    legend: 'Positive adjustments reduced what was paid; negative ones increased it.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Trace', value: 'trace_number', kind: 'text', rank: 3 },
      { label: 'Patient acct', short: 'Acct', value: 'pcn', kind: 'text', rank: 0 },
      { label: 'Level', value: 'level', kind: 'text', rank: 5 },
      { label: 'Procedure', short: 'Proc.', value: 'procedure', kind: 'text', rank: 4 },
      { label: 'Group', value: 'group_code', kind: 'text', rank: 1 },
      { label: 'Reason', value: 'reason_code', kind: 'text', rank: 0 },
      { label: 'Amount', value: 'amount', kind: 'amount', rank: 0, total: true },
    ],
  },
  deposits: {
    title: 'Deposits (bank statement and remittances)',
    legend: 'Difference = the deposit less what its ERAs paid (BPR02). Provider adj. = what PLB took from the claim payments: why a deposit is smaller than the claims it pays.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Date', value: 'deposit_date', kind: 'text', rank: 0 },
      { label: 'Status', value: 'status', words: wordsFrom(DEPOSIT_WORDS), kind: 'text', rank: 0, tone: (_r, v) => (v === 'matched' || v === 'debit' || v === 'other_credit' ? null : 'bad') },
      { label: 'Deposit', value: 'deposit_amount', kind: 'amount', rank: 0, total: true, applies: onStatement },
      { label: 'Traces', value: 'trace_numbers', kind: 'text', rank: 1 },
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 4, payer: 'name' },
      { label: 'ERA paid', value: 'era_paid', kind: 'amount', rank: 1, total: true, applies: carriesEras },
      { label: 'Difference', short: 'Diff.', value: 'difference', kind: 'amount', rank: 2, total: true, applies: (r) => onStatement(r) && carriesEras(r), tone: (_r, v) => (v !== '' && v !== '0.00' ? 'bad' : null) },
      { label: 'Claim payments', short: 'Claim pmts', value: 'claim_payments', kind: 'amount', rank: 3, total: true, applies: carriesEras },
      { label: 'Provider adj.', short: 'Prov. adj.', value: 'provider_adjustments', kind: 'amount', rank: 2, total: true, applies: carriesEras, tone: takenBack },
      { label: 'Matched by', value: 'match_basis', words: wordsFrom(BASIS_WORDS), kind: 'text', rank: 5 },
      { label: 'Bank text', value: 'bank_text', kind: 'text', rank: 7, free: true },
      { label: 'Note', value: 'note', kind: 'text', rank: 6, free: true },
    ],
  },
  aging: {
    title: 'Aging (money still in question, by age in days)',
    legend: 'Open deferrals: the payer may still take them back; unlinked recoupments: taken with no single claim to explain them.',
    everyColumn: COLUMNS_EVERYWHERE,
    totals: true,
    columns: [
      { label: 'Payer', value: 'payer_name', kind: 'text', rank: 0, payer: 'name' },
      { label: 'Payer id', value: 'payer_id', kind: 'text', rank: 0, payer: 'id' },
      { label: 'Kind', value: 'kind', words: wordsFrom(AGING_WORDS), kind: 'text', rank: 0 },
      { label: 'Items', value: 'items', kind: 'count', rank: 3, total: true },
      { label: '0-30', value: 'days_0_30', kind: 'amount', rank: 1, total: true },
      { label: '31-60', value: 'days_31_60', kind: 'amount', rank: 1, total: true },
      { label: '61-90', value: 'days_61_90', kind: 'amount', rank: 1, total: true },
      { label: 'Over 90', value: 'days_over_90', kind: 'amount', rank: 1, total: true },
      { label: 'Undated', value: 'undated', kind: 'amount', rank: 2, total: true },
      { label: 'Total', value: 'total', kind: 'amount', rank: 0, total: true },
      { label: 'Oldest', value: 'oldest_date', kind: 'text', rank: 4 },
      { label: 'As of', value: 'as_of', kind: 'text', rank: 5 },
    ],
  },
};

/** A report without a table of its own: every column, in order (amounts as amounts). */
function plainSpec(report: ReportName): GridSpec {
  return {
    title: report,
    everyColumn: COLUMNS_EVERYWHERE,
    columns: COLUMNS[report].map((col, i) => ({
      label: col.label ?? col.key,
      value: col.key,
      kind: col.kind === 'amount' ? 'amount' : col.kind === 'count' ? 'count' : 'text',
      rank: i === 0 ? 0 : i,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The layout.

/** Free text is never cut below this many columns. */
const FREE_MIN = 10;
/** Between two columns. */
const SEP = ' │ ';
const SEP_WIDTH = 3;

interface Prepared {
  col: GridColumn;
  /** The raw value of each row (what tones see). */
  raw: string[];
  /** What each row shows: full words, and the narrow ones when the column has words. */
  full: string[];
  narrow: string[];
  totalText: string;
  /** Natural widths (widest cell or label), full and narrowed. */
  wFull: number;
  wNarrow: number;
  empty: boolean;
  /** A cell marked bad: the column is kept before any other rank (rank 1 at most). */
  alert: boolean;
}

interface Layout {
  /** Per column: full label and words (else the short ones). */
  full: boolean[];
  shown: Prepared[];
  widths: number[];
  /** Free-text columns that may be cut to their width. */
  cuttable: boolean[];
  dropped: string[];
}

function prepare(spec: GridSpec, rows: readonly Row[]): Prepared[] {
  const withTotals = spec.totals === true && rows.length > 1;
  return spec.columns.map((col) => {
    const n = rows.length;
    const raw = new Array<string>(n);
    const full = new Array<string>(n);
    let narrow = full;
    let totalCents = 0;
    let totalUnknown = false;
    let wFull = displayWidth(col.label);
    let wNarrow = displayWidth(col.short ?? col.label);
    let empty = true;
    let alert = false;
    const wordCache = col.words ? new Map<string, readonly [string, string]>() : null;
    if (wordCache) narrow = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      const value = typeof col.value === 'string' ? (row[col.value] ?? '') : col.value(row);
      raw[i] = value;
      let shown = value;
      if (col.kind === 'amount' && value === '' && (col.total || col.emptyIsUnknown) && (col.applies === undefined || col.applies(row))) {
        shown = 'unknown';
        if (col.total) totalUnknown = true;
      } else if (col.kind === 'amount' && value !== '') {
        const p = parseAmount(value);
        if (p.ok) {
          shown = formatMoney(p.cents);
          if (col.total) totalCents += p.cents;
        }
      } else if (col.kind === 'count' && col.total) totalCents += Number(value) || 0;
      if (shown !== '') empty = false;
      if (!alert && col.tone && col.tone(row, value) === 'bad') alert = true;
      if (wordCache) {
        let w = wordCache.get(shown);
        if (!w) {
          w = [clean(col.words!(shown, false)), clean(col.words!(shown, true))];
          wordCache.set(shown, w);
        }
        full[i] = w[0];
        narrow[i] = w[1];
        const a = displayWidth(w[0]);
        const b = displayWidth(w[1]);
        if (a > wFull) wFull = a;
        if (b > wNarrow) wNarrow = b;
      } else {
        const text = clean(shown);
        full[i] = text;
        const w = displayWidth(text);
        if (w > wFull) wFull = w;
        if (w > wNarrow) wNarrow = w;
      }
    }
    const totalText = !withTotals || !col.total ? '' : totalUnknown ? 'unknown' : col.kind === 'amount' ? formatMoney(totalCents) : String(totalCents);
    if (totalText !== '') {
      wFull = Math.max(wFull, totalText.length);
      wNarrow = Math.max(wNarrow, totalText.length);
    }
    return { col, raw, full, narrow, totalText, wFull, wNarrow, empty, alert };
  });
}

/** Two payers of the table with the same name and different ids. */
function payersShareAName(rows: readonly Row[]): boolean {
  const ids = new Map<string, string>();
  for (const r of rows) {
    const name = r.payer_name ?? '';
    const id = r.payer_id ?? '';
    const seen = ids.get(name);
    if (seen === undefined) ids.set(name, id);
    else if (seen !== id) return true;
  }
  return false;
}

/** Width of a table of these columns (with the Total label in the first column without a total of its own). */
function tableWidth(cols: readonly Prepared[], widths: readonly number[], withTotals: boolean): number {
  let w = 0;
  let labelled = !withTotals;
  for (let i = 0; i < cols.length; i++) {
    let cw = widths[i]!;
    if (!labelled && cols[i]!.totalText === '') {
      cw = Math.max(cw, 5);
      labelled = true;
    }
    w += cw + (i > 0 ? SEP_WIDTH : 0);
  }
  return w;
}

/** The columns to show and their widths; null when they cannot fit (stack blocks instead). */
function chooseLayout(spec: GridSpec, prep: Prepared[], rows: readonly Row[], width: number | undefined): Layout | null {
  const withTotals = spec.totals === true && rows.length > 1;
  const shareName = payersShareAName(rows);
  const idCol = prep.find((p) => p.col.payer === 'id');
  const nameCol = prep.find((p) => p.col.payer === 'name');
  const hasIds = idCol !== undefined && idCol.full.some((v) => v !== '');
  // every column (the payer id only when two payers share a name)
  const all = prep.filter((p) => p.col.payer !== 'id' || (shareName && hasIds));
  const fullWidths = all.map((p) => p.wFull);
  if (width === undefined || tableWidth(all, fullWidths, withTotals) <= width) {
    return { full: all.map(() => true), shown: all, widths: fullWidths, cuttable: all.map(() => false), dropped: [] };
  }
  // narrowed: short labels and words; the same columns if they fit so
  const narrowWidths = all.map((p) => p.wNarrow);
  if (tableWidth(all, narrowWidths, withTotals) <= width) {
    return widen({ full: all.map(() => false), shown: all, widths: narrowWidths, cuttable: all.map(() => false), dropped: [] }, width, withTotals);
  }
  if (spec.stackWhenNarrow) return null;

  // units chosen together: the payer name with its id when the id is shown (it may then be cut)
  const candidates = prep.filter((p) => !p.empty && p.col.payer !== 'id');
  const minWidth = new Map<Prepared, number>();
  const withId = new Set<Prepared>();
  for (const p of candidates) minWidth.set(p, p.wNarrow);
  for (const p of candidates) if (p.col.free) minWidth.set(p, Math.max(displayWidth(p.col.short ?? p.col.label), Math.min(p.wNarrow, FREE_MIN)));
  if (nameCol && idCol && hasIds && candidates.includes(nameCol)) {
    const nameMin = Math.max(displayWidth(nameCol.col.short ?? nameCol.col.label), Math.min(nameCol.wNarrow, FREE_MIN));
    // the id beside the name: always when two payers share a name; else when cutting the name saves room
    if (shareName || nameMin + SEP_WIDTH + idCol.wNarrow < nameCol.wNarrow) {
      withId.add(nameCol);
      minWidth.set(nameCol, nameMin);
    }
  }
  const rankOf = (p: Prepared): number => (p.alert ? Math.min(p.col.rank, 1) : p.col.rank);
  const order = (set: Set<Prepared>): Prepared[] => {
    const out: Prepared[] = [];
    for (const p of prep) {
      if (set.has(p)) out.push(p);
      else if (p === idCol && nameCol && set.has(nameCol) && withId.has(nameCol)) out.push(p);
    }
    return out;
  };
  const widthOf = (set: Set<Prepared>): number => {
    const cols = order(set);
    return tableWidth(cols, cols.map((p) => minWidth.get(p) ?? p.wNarrow), withTotals);
  };
  const chosen = new Set<Prepared>();
  for (const p of candidates) if (rankOf(p) === 0) chosen.add(p);
  if (widthOf(chosen) > width) return null;
  const byRank = candidates.filter((p) => rankOf(p) > 0).sort((a, b) => rankOf(a) - rankOf(b));
  for (const p of byRank) {
    chosen.add(p);
    if (widthOf(chosen) > width) chosen.delete(p);
  }
  const shown = order(chosen);
  const widths = shown.map((p) => minWidth.get(p) ?? p.wNarrow);
  const cuttable = shown.map((p) => (minWidth.get(p) ?? p.wNarrow) < p.wNarrow);
  // the room left goes to the columns that were cut, in order
  let room = width - tableWidth(shown, widths, withTotals);
  for (let i = 0; i < shown.length && room > 0; i++) {
    if (!cuttable[i]) continue;
    const grow = Math.min(room, shown[i]!.wNarrow - widths[i]!);
    widths[i]! += grow;
    room -= grow;
  }
  const dropped = candidates.filter((p) => !chosen.has(p)).map((p) => p.col.label);
  return widen({ full: shown.map(() => false), shown, widths, cuttable, dropped }, width, withTotals);
}

/** The room left gives columns back their full labels and words, the most important first. */
function widen(layout: Layout, width: number, withTotals: boolean): Layout {
  const { shown, widths, full, cuttable } = layout;
  const byRank = shown.map((_p, i) => i).sort((a, b) => shown[a]!.col.rank - shown[b]!.col.rank);
  for (const i of byRank) {
    if (cuttable[i]) continue;
    const before = widths[i]!;
    widths[i] = Math.max(before, shown[i]!.wFull);
    if (tableWidth(shown, widths, withTotals) <= width) full[i] = true;
    else widths[i] = before;
  }
  return layout;
}

function paint(c: ChalkInstance, text: string, tone: Tone): string {
  return tone === 'bad' ? c.red(text) : tone === 'good' ? c.green(text) : text;
}

/** A padded cell with only its text coloured (the padding stays plain). */
function paintPadded(c: ChalkInstance, cell: string, text: string, tone: Tone, right: boolean): string {
  const spaces = cell.length - text.length;
  return right ? cell.slice(0, spaces) + paint(c, text, tone) : paint(c, text, tone) + cell.slice(text.length);
}

function pad(text: string, width: number, right: boolean): string {
  const w = displayWidth(text);
  if (w >= width) return text;
  return right ? ' '.repeat(width - w) + text : text + ' '.repeat(width - w);
}

function renderRows(spec: GridSpec, prep: Prepared[], rows: readonly Row[], layout: Layout, c: ChalkInstance): string[] {
  const { shown, widths, cuttable, full } = layout;
  const withTotals = spec.totals === true && rows.length > 1 && shown.some((p) => p.totalText !== '');
  const totalAt = withTotals ? shown.findIndex((p) => p.totalText === '') : -1;
  const ws = widths.map((w, i) => (i === totalAt ? Math.max(w, 5) : w));
  const right = shown.map((p) => p.col.kind !== 'text');
  const last = shown.length - 1;
  const lines: string[] = [];
  const line = (cells: string[]): string => {
    let s = '';
    for (let i = 0; i < cells.length; i++) s += (i > 0 ? SEP : '') + cells[i];
    return s.trimEnd();
  };
  // header
  lines.push(line(shown.map((p, i) => {
    const label = full[i] ? p.col.label : (p.col.short ?? p.col.label);
    return c.bold(i === last && !right[i] ? label : pad(label, ws[i]!, right[i]!));
  })));
  const rule = ws.map((w) => '─'.repeat(w)).join('─┼─');
  lines.push(rule);
  const texts = shown.map((p, i) => (full[i] ? p.full : p.narrow));
  for (let r = 0; r < rows.length; r++) {
    let s = '';
    for (let i = 0; i <= last; i++) {
      const p = shown[i]!;
      let text = texts[i]![r]!;
      if (cuttable[i]) text = cutTo(text, ws[i]!);
      const tone = p.col.tone ? p.col.tone(rows[r]!, p.raw[r]!) : null;
      const cell = i === last && !right[i] ? text : pad(text, ws[i]!, right[i]!);
      s += (i > 0 ? SEP : '') + (tone && text !== '' ? paintPadded(c, cell, text, tone, right[i]!) : cell);
    }
    lines.push(s.trimEnd());
  }
  if (withTotals) {
    lines.push(rule);
    lines.push(line(shown.map((p, i) => {
      const t = i === totalAt ? 'Total' : p.totalText;
      const cell = i === last && !right[i] ? t : pad(t, ws[i]!, right[i]!);
      return t === '' ? cell : c.bold(cell);
    })));
  }
  return lines;
}

/**
 * One block per row: a heading (the payer, with its id) and the other columns as label/value pairs in as
 * many columns of pairs as fit, down then across; then a block of the totals.
 */
function renderStacked(spec: GridSpec, prep: Prepared[], rows: readonly Row[], width: number, c: ChalkInstance): string[] {
  const withTotals = spec.totals === true && rows.length > 1;
  const headingCols = prep.filter((p) => p.col.payer !== undefined);
  const fields = prep.filter((p) => p.col.payer === undefined);
  const blocks: Array<{ heading: string; pairs: Array<{ label: string; value: string; tone: Tone; right: boolean }> }> = [];
  for (let r = 0; r < rows.length; r++) {
    const name = headingCols.find((p) => p.col.payer === 'name')?.full[r] ?? '';
    const id = headingCols.find((p) => p.col.payer === 'id')?.full[r] ?? '';
    // the payer id is never cut: only the name, when the line is too long
    const idPart = id !== '' ? ` (${id})` : '';
    blocks.push({
      heading: headingCols.length === 0 ? '' : cutTo(name || '(no name)', Math.max(FREE_MIN, width - displayWidth(idPart))) + idPart,
      pairs: fields.map((p) => ({ label: p.col.label, value: p.full[r]!, tone: p.col.tone ? p.col.tone(rows[r]!, p.raw[r]!) : null, right: p.col.kind !== 'text' })),
    });
  }
  if (withTotals) {
    blocks.push({
      heading: 'Total',
      pairs: fields.filter((p) => p.totalText !== '').map((p) => ({ label: p.col.label, value: p.totalText, tone: null, right: true })),
    });
  }
  const n = fields.length;
  const labelW = Math.max(...fields.map((p) => displayWidth(p.col.label)));
  const valueW = Math.max(1, ...blocks.flatMap((b) => b.pairs.map((q) => displayWidth(q.value))));
  const indent = 2;
  const gap = 3;
  const pairW = labelW + 2 + valueW;
  const across = Math.max(1, Math.min(n, Math.floor((width - indent + gap) / (pairW + gap))));
  const lines: string[] = [];
  for (const b of blocks) {
    if (lines.length > 0 || b.heading !== '') lines.push('');
    if (b.heading !== '') lines.push(c.bold(b.heading));
    const down = Math.ceil(b.pairs.length / across);
    for (let d = 0; d < down; d++) {
      const parts: string[] = [];
      for (let a = 0; a < across; a++) {
        const q = b.pairs[a * down + d];
        if (!q) continue;
        const value = pad(q.value, valueW, q.right);
        parts.push(`${pad(q.label, labelW, false)}  ${q.tone && q.value !== '' ? paintPadded(c, value, q.value, q.tone, q.right) : value}`);
      }
      lines.push((' '.repeat(indent) + parts.join(' '.repeat(gap))).trimEnd());
    }
  }
  return lines;
}

/** The table of rows, the line naming the columns left out, and the legend (see the top of this file). */
export function gridLines(spec: GridSpec, rows: readonly Row[], c: ChalkInstance, width?: number): string[] {
  if (width !== undefined && !(width > 0)) width = undefined;
  const lines: string[] = [];
  const prep = prepare(spec, rows);
  const layout = chooseLayout(spec, prep, rows, width);
  if (layout) {
    lines.push(...renderRows(spec, prep, rows, layout, c));
    if (layout.dropped.length > 0) {
      lines.push(...wrapText(`(narrow terminal: ${layout.dropped.join(', ')} not shown; ${spec.everyColumn})`, width).map((l) => c.dim(l)));
    }
  } else {
    lines.push(...renderStacked(spec, prep, rows, width!, c));
  }
  if (spec.legend) lines.push(...wrapText(spec.legend, width).map((l) => c.dim(l)));
  return lines;
}

/** A report's table for the terminal: its title and row count, then gridLines. */
export function renderGrid(spec: GridSpec, rows: readonly Row[], c: ChalkInstance, width?: number): string {
  if (width !== undefined && !(width > 0)) width = undefined;
  const count = `${rows.length} row${rows.length === 1 ? '' : 's'}`;
  const lines: string[] = [];
  if (width === undefined || displayWidth(`${spec.title}  ${count}`) <= width) lines.push(`${c.bold(spec.title)}  ${c.dim(count)}`);
  else lines.push(...wrapText(spec.title, width).map((l) => c.bold(l)), c.dim(count));
  if (rows.length === 0) return `${lines.join('\n')}\n  (none)\n`;
  lines.push(...gridLines(spec, rows, c, width));
  return `${lines.join('\n')}\n`;
}

export function renderTable(report: ReportName, rows: readonly Row[], c: ChalkInstance, width?: number): string {
  return renderGrid(TABLES[report] ?? plainSpec(report), rows, c, width);
}
