// Prints `recoup trace`: one claim's life as a table for people, CSV for a spreadsheet, or JSON.

import type { ChalkInstance } from 'chalk';
import { stringify } from 'csv-stringify/sync';
import { type ClaimTrace, TRACE_COLUMNS } from '../analysis/claim-trace.js';
import type { Row } from '../analysis/rows.js';
import { formatMoney, parseAmount } from '../remit/money.js';
import { neutralizeCell } from './csv.js';
import { categoryWords, clean, displayWidth, type GridSpec, gridLines, joinParts, wrapText } from './table.js';

/** An amount's text as a JSON number (exact: cents / 100), or null when empty or unreadable. */
function jsonAmount(text: string | undefined): number | null {
  const p = parseAmount(text ?? '');
  return text !== undefined && text !== '' && p.ok ? p.cents / 100 : null;
}

/** Cents for people, or "unknown" when an amount it depends on could not be read. */
export const moneyOrUnknown = (c: number | null): string => (c === null ? 'unknown' : formatMoney(c));

/** The trace as data, typed as the scan's JSON is: amounts are numbers, missing values null. */
export function renderTraceJson(t: ClaimTrace): string {
  const events = t.events.map((e) => ({ ...e, amount: jsonAmount(e.amount), interest: jsonAmount(e.interest), date: e.date === '' ? null : e.date }));
  const totals: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(t.totals)) totals[k] = jsonAmount(v);
  totals.net_received = t.settlement.netReceived === null ? null : t.settlement.netReceived / 100;
  totals.still_owed = t.settlement.stillOwed === null ? null : t.settlement.stillOwed / 100;
  return JSON.stringify({ claim: t.query, patient: t.patient, events, totals }, null, 2) + '\n';
}

export function renderTraceCsv(t: ClaimTrace): string {
  const rows = t.events.map((e) => TRACE_COLUMNS.map((k) => (k === 'amount' || k === 'interest' || k === 'date' ? e[k] ?? '' : neutralizeCell(e[k] ?? ''))));
  return stringify([TRACE_COLUMNS as unknown as string[], ...rows]);
}

const EVENT_WORDS: Readonly<Record<string, string>> = { payment: 'Payment', reversal: 'Reversal', correction: 'Correction' };

/** An event in words: a claim's payment, reversal or correction; an offset by its category ("Recoupment"). */
const eventWords = (raw: string, narrow: boolean): string => EVENT_WORDS[raw] ?? categoryWords(raw, narrow);

const TRACE_TABLE: GridSpec = {
  title: 'Claim',
  legend: "Claim amounts are what the payer paid (a reversal's are negative); offsets: positive was withheld from a check, negative was added to it.",
  everyColumn: '--format csv or --format json for every column',
  columns: [
    { label: 'Date', value: 'date', kind: 'text', rank: 0 },
    { label: 'Event', value: (e) => (e.event === 'offset' ? (e.category ?? '') : (e.event ?? '')), words: eventWords, kind: 'text', rank: 0 },
    { label: 'Trace', value: 'trace_number', kind: 'text', rank: 2 },
    { label: 'Patient acct', short: 'Acct', value: 'pcn', kind: 'text', rank: 6 },
    { label: 'ICN', value: 'icn', kind: 'text', rank: 3 },
    { label: 'Code', value: 'reason_code', kind: 'text', rank: 5 },
    { label: 'Reference', value: 'reference', kind: 'text', rank: 4 },
    { label: 'Amount', value: 'amount', kind: 'amount', rank: 0, emptyIsUnknown: true, tone: (e) => (e.category === 'recoupment' ? 'bad' : null) },
    { label: 'Note', value: 'note', kind: 'text', rank: 7, free: true },
    { label: 'Deposit', value: 'deposit', kind: 'text', rank: 8, free: true },
  ],
};

/**
 * The trace for people: the claim and patient, its events (narrowed to `width` columns like every table),
 * the totals, and last what it came to — net received and still owed (defined in src/analysis/claim-trace.ts).
 */
export function renderTraceTable(t: ClaimTrace, c: ChalkInstance, width?: number): string {
  if (width !== undefined && !(width > 0)) width = undefined;
  const money = (k: string): string => {
    const text = t.totals[k] ?? '';
    const p = parseAmount(text);
    return text !== '' && p.ok ? formatMoney(p.cents) : 'unknown';
  };
  const claim = `Claim ${clean(t.query)}`;
  const patient = t.patient ? `  patient ${clean(t.patient)}` : '';
  const lines = [
    ...(width === undefined || displayWidth(claim + patient) <= width ? [`${c.bold(claim)}${patient}`] : wrapText(claim + patient, width)),
    ...gridLines(TRACE_TABLE, t.events as Row[], c, width),
    ...joinParts(
      [
        `Net claim payments ${money('net_claim_payments')}`,
        `recouped ${money('recouped')}`,
        `refunds acknowledged ${money('refunds_acknowledged')}`,
        `interest ${money('interest')}`,
        `deferred still outstanding ${money('deferred_outstanding')}`,
      ],
      '   ',
      width,
    ),
    ...joinParts(
      [
        `${c.bold(`Net received ${moneyOrUnknown(t.settlement.netReceived)}`)} ${c.dim('(claim payments and interest, less what offsets took back)')}`,
        `${c.bold(`Still owed ${moneyOrUnknown(t.settlement.stillOwed)}`)} ${c.dim('(deferred, not yet taken back)')}`,
      ],
      '   ',
      width,
    ),
  ];
  return lines.join('\n') + '\n';
}
