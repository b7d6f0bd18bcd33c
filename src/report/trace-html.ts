// `recoup trace --format html`: the appeal packet's financial summary — one claim's identifiers, its original
// payment, reversals and corrections, every offset taken against it, interest, the totals and what it came
// to — as one self-contained page that prints on one sheet of Letter or A4. A ClaimTrace in, HTML out; no I/O.

import type { ClaimTrace } from '../analysis/claim-trace.js';
import type { Row } from '../analysis/rows.js';
import { formatMoney, parseAmount } from '../remit/money.js';
import { moneyOrUnknown } from './trace.js';
import { escapeHtml as esc, htmlPage } from './html.js';
import { categoryWords } from './table.js';

export interface TraceHtmlOptions {
  /** The day balances were counted to (the trace's "today"): a printed page says when it was true. */
  asOf?: string;
}

const EVENT_WORDS: Readonly<Record<string, string>> = { payment: 'Payment', reversal: 'Reversal', correction: 'Correction' };

/** How an offset was linked (the `basis` of "linked by <basis>"), in the words the offsets table uses. */
const LINK_WORDS: Readonly<Record<string, string>> = {
  icn: 'ICN',
  pcn: 'Patient acct',
  original_reference: 'Original ref.',
  trace_number: 'Check trace',
  deferred_pair: 'Earlier deferral',
  ambiguous: 'Ambiguous',
  none: 'Not linked',
};

/** An amount as the table shows it (1,234.56); '' stays empty; text that is not an amount is shown as it is. */
function money(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const p = parseAmount(text);
  return p.ok ? formatMoney(p.cents) : text;
}

const eventWords = (e: Row): string => (e.event === 'offset' ? categoryWords(e.category ?? '', false) : (EVENT_WORDS[e.event ?? ''] ?? e.event ?? ''));

/** An offset's note `linked by <basis>[; <why>]` → the basis in words and the rest (candidates, cross-payer…). */
function linkedBy(note: string): { basis: string; detail: string } {
  const m = /^linked by ([a-z_]+)(?:; ([\s\S]*))?$/.exec(note);
  if (m === null) return { basis: '', detail: note };
  return { basis: LINK_WORDS[m[1]!] ?? m[1]!, detail: m[2] ?? '' };
}

/** Distinct non-empty values in order of first appearance. */
function distinct(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ''))];
}

/** A column of the events table: its header, its share of the width, and an event's cell (escaped HTML). */
interface EventColumn {
  label: string;
  share: number;
  num?: boolean;
  cell(e: Row): string;
}

/** Text, then a second line in small type when there is one. */
const withNote = (main: string, note: string): string => `${esc(main)}${note ? `<span class="note">${esc(note)}</span>` : ''}`;

/**
 * The table is laid out fixed, so it prints the same whatever its values: the shares fit dates, 13-character
 * ICNs and trace numbers, and amounts up to -1,234,567.89 in the 186 mm both papers leave (measured with DejaVu
 * Sans, the widest of the usual system fonts); longer values wrap inside their cell. Interest and Deposit are
 * there only when some event has one.
 */
function eventColumns(events: readonly Row[]): EventColumn[] {
  const columns: Array<EventColumn | false> = [
    { label: 'Date', share: 10, cell: (e) => esc(e.date ?? '') },
    { label: 'Event', share: 11, cell: (e) => esc(eventWords(e)) },
    { label: 'Check / EFT trace', share: 13, cell: (e) => esc(e.trace_number ?? '') },
    {
      label: 'Claim no. (ICN) / reference',
      share: 15,
      // a claim's own number, with the REF*F8 of the claim a correction replaces; an offset's PLB03-2 reference
      cell: (e) => (e.event === 'offset' ? esc(e.reference ?? '') : withNote(e.icn ?? '', e.reference ?? '')),
    },
    { label: 'Code', share: 6, cell: (e) => esc(e.reason_code ?? '') },
    {
      label: 'Linked by',
      share: 9,
      cell: (e) => {
        if (e.event !== 'offset') return esc(e.note ?? '');
        const link = linkedBy(e.note ?? '');
        return withNote(link.basis, link.detail);
      },
    },
    // an amount that could not be read is empty in the events: unknown, never a blank that reads as nothing
    { label: 'Amount', share: 11, num: true, cell: (e) => esc(e.amount === '' ? 'unknown' : money(e.amount)) },
    events.some((e) => (e.interest ?? '') !== '') && { label: 'Interest', share: 7, num: true, cell: (e) => esc(money(e.interest)) },
    events.some((e) => (e.deposit ?? '') !== '') && { label: 'Deposit', share: 20, cell: (e) => esc(e.deposit ?? '') },
  ];
  return columns.filter((c): c is EventColumn => c !== false);
}

/** A class per column, for the stylesheet and the tests: `col-date`, `col-amount`… */
const columnClass = (c: EventColumn): string => `col-${c.label.toLowerCase().split(/[^a-z]+/)[0]}${c.num ? ' num' : ''}`;

/**
 * How many rows each event's deposit cell spans: the events of one remittance (a reversal, its correction and
 * the offsets of the same check) were carried by the same deposit, whose text is then shown once for them all;
 * 0 for a row whose deposit a cell above already shows.
 */
function depositSpans(events: readonly Row[]): number[] {
  const spans = events.map(() => 1);
  for (let i = events.length - 1; i > 0; i--) {
    const text = events[i]!.deposit ?? '';
    if (text !== '' && text === events[i - 1]!.deposit) {
      spans[i - 1] = spans[i]! + 1;
      spans[i] = 0;
    }
  }
  return spans;
}

function eventsTable(events: readonly Row[]): string {
  const columns = eventColumns(events);
  const total = columns.reduce((sum, c) => sum + c.share, 0);
  const cols = columns.map((c) => `<col style="width:${((c.share * 100) / total).toFixed(2)}%">`).join('');
  const head = columns.map((c) => `<th class="${columnClass(c)}">${esc(c.label)}</th>`).join('');
  const spans = depositSpans(events);
  const body = events.map((e, i) => {
    const category = e.event === 'offset' ? ` data-category="${esc(e.category ?? '')}"` : '';
    const taken = e.category === 'recoupment' && !(e.amount ?? '').startsWith('-');
    const cells = columns.map((c) => {
      if (c.label === 'Deposit') {
        const span = spans[i]!;
        return span === 0 ? '' : `<td class="${columnClass(c)}"${span > 1 ? ` rowspan="${span}"` : ''} data-deposit>${c.cell(e)}</td>`;
      }
      const data = c.label === 'Amount' ? ' data-amount' : c.label === 'Interest' ? ' data-interest' : '';
      return `<td class="${columnClass(c)}${taken && c.label === 'Amount' ? ' taken' : ''}"${data}>${c.cell(e)}</td>`;
    });
    return `<tr data-event="${esc(e.event ?? '')}"${category}>${cells.join('')}</tr>`;
  });
  return `<table class="events" data-table="events"><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** The claim's identifiers and its original payment, as a definition list. */
function identifiers(t: ClaimTrace): string {
  const claims = t.events.filter((e) => e.event !== 'offset');
  const role = (icn: string): string => {
    const first = claims.find((e) => e.icn === icn);
    return first?.event === 'payment' ? 'original' : (first?.event ?? '');
  };
  const icns = distinct(claims.map((e) => e.icn ?? '')).map((icn) => `${esc(icn)}${role(icn) ? ` <span class="note-inline">(${esc(role(icn))})</span>` : ''}`);
  const payment = claims.find((e) => e.event === 'payment');
  const items: Array<[string, string, string]> = [
    ['pcn', 'Patient account no. (CLP01)', distinct(claims.map((e) => e.pcn ?? '')).map(esc).join(', ')],
    ['icn', 'Payer claim no. (CLP07)', icns.join(', ')],
    ...(t.patient ? [['patient', 'Patient', esc(t.patient)] as [string, string, string]] : []),
    [
      'original_payment',
      'Original payment',
      payment
        ? `${esc(payment.date ?? '')} · check/EFT ${esc(payment.trace_number ?? '')} · <span class="num">${esc(money(payment.amount))}</span>`
        : 'not in the ledger (its first recorded claim is a reversal or correction)',
    ],
  ];
  return `<dl class="ids">${items.map(([key, label, value]) => `<div data-id="${key}"><dt>${esc(label)}</dt><dd>${value}</dd></div>`).join('')}</dl>`;
}

/** The totals (the same five as the table's) and the settlement: net received and still owed, with their definitions. */
function totals(t: ClaimTrace): string {
  const parts: Array<[string, string]> = [
    ['net_claim_payments', 'Net claim payments'],
    ['recouped', 'Recouped'],
    ['refunds_acknowledged', 'Refunds acknowledged'],
    ['interest', 'Interest'],
    ['deferred_outstanding', 'Deferred still outstanding'],
  ];
  const line = (key: string, label: string, amount: string, definition?: string): string =>
    `<tr data-total="${key}"><th>${esc(label)}${definition ? `<span class="note">${esc(definition)}</span>` : ''}</th><td class="num">${esc(amount)}</td></tr>`;
  return (
    '<div class="sums">' +
    `<table class="totals" data-table="totals"><caption>Totals</caption><tbody>${parts.map(([k, label]) => line(k, label, (t.totals[k] ?? '') === '' ? 'unknown' : money(t.totals[k]))).join('')}</tbody></table>` +
    `<table class="totals settlement" data-table="settlement"><caption>What the claim came to</caption><tbody>` +
    line('net_received', 'Net received', moneyOrUnknown(t.settlement.netReceived), 'claim payments and interest, less what offsets took back') +
    line('still_owed', 'Still owed', moneyOrUnknown(t.settlement.stillOwed), 'deferred, not yet taken back') +
    '</tbody></table></div>'
  );
}

const CSS = `
body { max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #4b5563; margin: 0 0 12px; }
.ids { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 6px 18px; margin: 0; }
.ids dt { font-size: 12px; color: #4b5563; }
.ids dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.note-inline { font-weight: normal; color: #4b5563; }
table { border-collapse: collapse; }
.events { width: 100%; table-layout: fixed; font-size: 13px; }
.events th, .events td { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.events th { background: #f3f4f6; font-weight: 600; }
.events th.num, .events td.num { text-align: right; overflow-wrap: normal; }
.events td.col-deposit { font-size: 12px; color: #374151; border-left: 1px solid #e5e7eb; padding-left: 8px; }
.note { display: block; font-size: 11px; color: #4b5563; font-weight: normal; }
.taken { color: #9b1c1c; font-weight: 600; }
.sums { display: flex; flex-wrap: wrap; gap: 12px 40px; margin-top: 14px; align-items: flex-start; }
.totals caption { text-align: left; font-weight: 600; font-size: 15px; padding-bottom: 4px; }
.totals th { text-align: left; font-weight: normal; padding: 2px 18px 2px 0; vertical-align: top; }
.totals td { padding: 2px 0; vertical-align: top; }
.settlement th, .settlement td { font-weight: 700; font-size: 15px; }
.settlement .note { font-weight: normal; }
.legend { font-size: 12px; color: #4b5563; margin: 14px 0 0; }
`;

/** Sized for the 186 × 255 mm both Letter and A4 leave (html.ts): small type, tight rows, nothing split across pages. */
const PRINT_CSS = `
body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.3; }
h1 { font-size: 14pt; }
h2 { font-size: 10.5pt; margin: 10pt 0 4pt; }
.meta { margin-bottom: 6pt; }
.ids { grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 3pt 12pt; }
.ids dt { font-size: 7.5pt; }
.events { font-size: 7.5pt; }
.events th, .events td { padding: 2pt 3pt; }
.events td.col-deposit { font-size: 7pt; }
.note { font-size: 7pt; }
.sums { margin-top: 8pt; gap: 6pt 28pt; }
.totals caption { font-size: 10.5pt; }
.settlement th, .settlement td { font-size: 10.5pt; }
.legend { font-size: 7.5pt; margin-top: 8pt; }
tr, .ids, .sums { break-inside: avoid; }
`;

/** The page: `Claim <pcn/icn> — financial summary`. Every value is escaped; nothing is loaded from anywhere. */
export function renderTraceHtml(t: ClaimTrace, options: TraceHtmlOptions = {}): string {
  const title = `Claim ${t.query} — financial summary`;
  const meta = [
    `${t.events.length} event${t.events.length === 1 ? '' : 's'}`,
    ...(options.asOf ? [`balances as of ${options.asOf}`] : []),
  ];
  const body =
    `<header><h1>${esc(title)}</h1><p class="meta">${esc(meta.join(' · '))}</p></header>` +
    identifiers(t) +
    '<h2>Payments, reversals, corrections and offsets</h2>' +
    eventsTable(t.events) +
    totals(t) +
    `<p class="legend">Amounts in dollars. Claim amounts are what the payer paid (a reversal's are negative); offsets (provider-level adjustments, PLB): ` +
    `positive was withheld from a check, negative was added to it. Interest is the claim's AMT*I, paid through PLB L6.</p>`;
  return htmlPage({ title, body, css: CSS, printCss: PRINT_CSS });
}
