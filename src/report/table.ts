// Terminal tables (cli-table3 + chalk): a readable subset of each report's columns, amounts right-aligned
// with thousands separators, money taken back in red, a totals row that adds up from the rows shown.

import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { ReportName, Row } from '../analysis/rows.js';
import { formatCents, formatMoney, parseAmount } from '../remit/money.js';

interface TableColumn {
  label: string;
  /** Row key, or a function of the row. */
  value: string | ((row: Row) => string);
  kind: 'text' | 'amount' | 'count';
  /** Summed into the totals row. An empty amount in such a column could not be read: shown as unknown. */
  total?: boolean;
  /** An empty amount means unknown here too (not "not applicable"). */
  emptyIsUnknown?: boolean;
  /** Colour for a cell. */
  tone?: (row: Row, value: string) => 'bad' | 'good' | null;
}

/** `PCN / ICN` of the claim an offset or deferral is linked to. */
const linkedClaim = (row: Row): string => (row.linked_pcn ? `${row.linked_pcn}${row.linked_icn ? ` / ${row.linked_icn}` : ''}` : '');
const takenBack = (_row: Row, v: string): 'bad' | null => (v !== '' && !v.startsWith('-') && v !== '0.00' ? 'bad' : null);

const otherAdjustments = (row: Row): string => {
  let cents = 0;
  for (const k of ['penalties', 'withholding', 'other']) {
    const p = parseAmount(row[k] ?? '0');
    if (!p.ok) return ''; // one of them unknown: so is their sum
    cents += p.cents;
  }
  return formatCents(cents);
};

const TABLES: Partial<Record<ReportName, { title: string; columns: TableColumn[] }>> = {
  summary: {
    title: 'Summary by payer (positive adjustments were withheld from the checks)',
    columns: [
      { label: 'Payer', value: 'payer_name', kind: 'text' },
      { label: 'Checks', value: 'checks', kind: 'count', total: true },
      { label: 'Claim payments', value: 'claim_payments', kind: 'amount', total: true },
      { label: 'Taken back', value: 'taken_back', kind: 'amount', total: true, tone: takenBack },
      { label: 'Deferred', value: 'deferred', kind: 'amount', total: true },
      { label: 'Refunds ack.', value: 'refunds_acknowledged', kind: 'amount', total: true },
      { label: 'Interest', value: 'interest', kind: 'amount', total: true },
      { label: 'Other adj.', value: otherAdjustments, kind: 'amount', total: true },
      { label: 'Paid', value: 'paid', kind: 'amount', total: true },
      { label: 'Unbalanced', value: 'unbalanced', kind: 'count', total: true, tone: (_r, v) => (v !== '0' ? 'bad' : null) },
      // the suspense figure --fail-on unlinked uses: money taken or owed with no single claim (issue #11 §4)
      { label: 'Unlinked', value: 'unlinked_recoupments', kind: 'count', total: true, tone: (_r, v) => (v !== '0' && v !== '' ? 'bad' : null) },
    ],
  },
  balances: {
    title: 'Deferred recoupments (money the payer may still take back)',
    columns: [
      { label: 'Deferred on', value: 'deferred_date', kind: 'text' },
      { label: 'Payer', value: 'payer_name', kind: 'text' },
      { label: 'Trace', value: 'trace_number', kind: 'text' },
      { label: 'Code', value: 'reason_code', kind: 'text' },
      { label: 'Reference', value: 'reference', kind: 'text' },
      { label: 'Deferred', value: 'deferred', kind: 'amount', total: true },
      { label: 'Collected', value: 'collected', kind: 'amount', total: true },
      { label: 'Outstanding', value: 'outstanding', kind: 'amount', total: true, tone: takenBack },
      { label: 'Age (days)', value: 'age_days', kind: 'count' },
      { label: 'Status', value: 'status', kind: 'text' },
      { label: 'Linked claim', value: linkedClaim, kind: 'text' },
    ],
  },
  offsets: {
    title: 'Provider-level offsets (PLB)',
    columns: [
      { label: 'Date', value: 'payment_date', kind: 'text' },
      { label: 'Payer', value: 'payer_name', kind: 'text' },
      { label: 'Trace', value: 'trace_number', kind: 'text' },
      { label: 'Code', value: 'reason_code', kind: 'text' },
      { label: 'Category', value: 'category', kind: 'text' },
      { label: 'Reference', value: 'reference', kind: 'text' },
      { label: 'Amount', value: 'amount', kind: 'amount', total: true, tone: (row, v) => (row.category === 'recoupment' && !v.startsWith('-') ? 'bad' : null) },
      { label: 'Linked claim', value: linkedClaim, kind: 'text' },
      { label: 'Link', value: 'link_basis', kind: 'text' },
      // --escalate-over: a marker a reviewer can scan for, in colour and without
      { label: 'Review', value: (row) => (row.escalate === 'yes' ? 'ESCALATE' : ''), kind: 'text', tone: (row) => (row.escalate === 'yes' ? 'bad' : null) },
    ],
  },
  payments: {
    title: 'Payments',
    columns: [
      { label: 'Date', value: 'payment_date', kind: 'text' },
      { label: 'Payer', value: 'payer_name', kind: 'text' },
      { label: 'Trace', value: 'trace_number', kind: 'text' },
      { label: 'Method', value: 'payment_method', kind: 'text' },
      { label: 'Claims', value: 'claims', kind: 'count', total: true },
      { label: 'Provider adj.', value: 'provider_adjustments', kind: 'amount', total: true },
      { label: 'Paid', value: 'paid', kind: 'amount', total: true },
      { label: 'Balanced', value: 'balanced', kind: 'text', tone: (_r, v) => (v === 'no' ? 'bad' : null) },
      { label: 'Difference', value: 'difference', kind: 'amount', emptyIsUnknown: true, tone: (_r, v) => (v !== '0.00' ? 'bad' : null) },
    ],
  },
  claims: {
    title: 'Claims',
    columns: [
      { label: 'Trace', value: 'trace_number', kind: 'text' },
      { label: 'Patient acct', value: 'pcn', kind: 'text' },
      { label: 'Status', value: 'status_code', kind: 'text' },
      { label: 'ICN', value: 'icn', kind: 'text' },
      { label: 'Service date', value: 'service_date', kind: 'text' },
      { label: 'Charge', value: 'charge', kind: 'amount', total: true },
      { label: 'Paid', value: 'paid', kind: 'amount', total: true },
      { label: 'Reversal', value: 'reversal', kind: 'text' },
      { label: 'Corrects', value: 'corrects_icn', kind: 'text' },
      { label: 'Balanced', value: 'balanced', kind: 'text', tone: (_r, v) => (v === 'no' ? 'bad' : null) },
    ],
  },
  adjustments: {
    title: 'Claim adjustments (CAS)',
    columns: [
      { label: 'Trace', value: 'trace_number', kind: 'text' },
      { label: 'Patient acct', value: 'pcn', kind: 'text' },
      { label: 'Level', value: 'level', kind: 'text' },
      { label: 'Procedure', value: 'procedure', kind: 'text' },
      { label: 'Group', value: 'group_code', kind: 'text' },
      { label: 'Reason', value: 'reason_code', kind: 'text' },
      { label: 'Amount', value: 'amount', kind: 'amount', total: true },
    ],
  },
};

function cellValue(col: TableColumn, row: Row): string {
  return typeof col.value === 'string' ? row[col.value] ?? '' : col.value(row);
}

/**
 * Column widths that fit `width` terminal columns: text columns are narrowed (cells truncated with …),
 * amount and count columns never are. Null when everything fits, or when nothing can be narrowed enough.
 */
function fitWidths(natural: number[], kinds: TableColumn['kind'][], width: number): number[] | null {
  const total = (ws: number[]): number => ws.reduce((t, w) => t + w, 0) + ws.length + 1; // borders
  if (total(natural) <= width) return null;
  const ws = [...natural];
  const MIN = 6;
  while (total(ws) > width) {
    let widest = -1;
    for (let i = 0; i < ws.length; i++) if (kinds[i] === 'text' && ws[i]! > MIN && (widest < 0 || ws[i]! > ws[widest]!)) widest = i;
    if (widest < 0) break; // amounts are never cut: the table may still be wider than the terminal
    ws[widest]!--;
  }
  return ws;
}

export function renderTable(report: ReportName, rows: readonly Row[], c: ChalkInstance, width?: number): string {
  const spec = TABLES[report]!;
  const totals = spec.columns.map(() => 0);
  /** Total columns with a cell that is unknown (an amount that could not be read): their total is too. */
  const unknownTotals = new Set<number>();
  const body: Array<Array<{ text: string; tone: 'bad' | 'good' | null }>> = [];
  for (const row of rows) {
    body.push(
      spec.columns.map((col, i) => {
        const raw = cellValue(col, row);
        let shown = raw;
        if (col.kind === 'amount' && raw === '' && (col.total || col.emptyIsUnknown)) {
          shown = 'unknown';
          if (col.total) unknownTotals.add(i);
        } else if (col.kind === 'amount' && raw !== '') {
          const p = parseAmount(raw);
          if (p.ok) {
            shown = formatMoney(p.cents);
            if (col.total) totals[i]! += p.cents;
          }
        } else if (col.kind === 'count' && col.total) totals[i]! += Number(raw) || 0;
        return { text: shown, tone: col.tone?.(row, raw) ?? null };
      }),
    );
  }
  const totalRow =
    rows.length > 1 && spec.columns.some((col) => col.total)
      ? spec.columns.map((col, i) => (i === 0 ? 'Total' : !col.total ? '' : unknownTotals.has(i) ? 'unknown' : col.kind === 'amount' ? formatMoney(totals[i]!) : String(totals[i])))
      : null;
  const natural = spec.columns.map((col, i) => Math.max(col.label.length, ...body.map((r) => r[i]!.text.length), totalRow ? totalRow[i]!.length : 0) + 2);
  const fitted = width !== undefined ? fitWidths(natural, spec.columns.map((col) => col.kind), width) : null;
  const table = new Table({
    head: spec.columns.map((col) => c.bold(col.label)),
    colAligns: spec.columns.map((col) => (col.kind === 'text' ? 'left' : 'right')),
    style: { head: [], border: [] },
    ...(fitted ? { colWidths: fitted, truncate: '…' } : {}),
  });
  const clip = (text: string, i: number): string => (fitted && text.length > fitted[i]! - 2 ? `${text.slice(0, Math.max(1, fitted[i]! - 3))}…` : text);
  for (const r of body) table.push(r.map((cell, i) => {
    const text = clip(cell.text, i);
    return cell.tone === 'bad' ? c.red(text) : cell.tone === 'good' ? c.green(text) : text;
  }));
  if (totalRow) table.push(totalRow.map((t, i) => (t === '' ? '' : c.bold(clip(t, i)))));
  const heading = `${c.bold(spec.title)}  ${c.dim(`${rows.length} row${rows.length === 1 ? '' : 's'}`)}`;
  if (rows.length === 0) return `${heading}\n  (none)\n`;
  return `${heading}\n${table.toString()}\n`;
}
