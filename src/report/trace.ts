// Prints `recoup trace`: one claim's life as a table for people, CSV for a spreadsheet, or JSON.

import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { type ClaimTrace, TRACE_COLUMNS } from '../analysis/claim-trace.js';
import { formatMoney, parseAmount } from '../remit/money.js';
import { neutralizeCell } from './csv.js';

export function renderTraceJson(t: ClaimTrace): string {
  return JSON.stringify({ claim: t.query, patient: t.patient, events: t.events, totals: t.totals }, null, 2) + '\n';
}

export function renderTraceCsv(t: ClaimTrace): string {
  const rows = t.events.map((e) => TRACE_COLUMNS.map((k) => (k === 'amount' || k === 'interest' || k === 'date' ? e[k] ?? '' : neutralizeCell(e[k] ?? ''))));
  return stringify([TRACE_COLUMNS as unknown as string[], ...rows]);
}

export function renderTraceTable(t: ClaimTrace, c: ChalkInstance): string {
  const table = new Table({
    head: ['Date', 'Event', 'Trace', 'Patient acct', 'ICN', 'Code', 'Reference', 'Amount', 'Note'].map((h) => c.bold(h)),
    colAligns: ['left', 'left', 'left', 'left', 'left', 'left', 'left', 'right', 'left'],
    style: { head: [], border: [] },
  });
  for (const e of t.events) {
    const p = parseAmount(e.amount ?? '');
    const amount = p.ok ? formatMoney(p.cents) : e.amount ?? '';
    table.push([e.date ?? '', e.event ?? '', e.trace_number ?? '', e.pcn ?? '', e.icn ?? '', e.reason_code ?? '', e.reference ?? '', e.category === 'recoupment' ? c.red(amount) : amount, e.note ?? '']);
  }
  const money = (k: string): string => {
    const p = parseAmount(t.totals[k] ?? '0');
    return p.ok ? formatMoney(p.cents) : '';
  };
  const lines = [
    `${c.bold(`Claim ${t.query}`)}${t.patient ? `  patient ${t.patient}` : ''}`,
    table.toString(),
    `Net claim payments ${money('net_claim_payments')}   recouped ${money('recouped')}   refunds acknowledged ${money('refunds_acknowledged')}   interest ${money('interest')}   deferred still outstanding ${money('deferred_outstanding')}`,
  ];
  return lines.join('\n') + '\n';
}
