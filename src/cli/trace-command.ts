// `recoup trace`: prints the life of one claim from the ledger as a table, JSON or CSV.

import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { RecoupError } from '../diagnostics.js';
import { Ledger } from '../ledger/ledger.js';
import { formatMoney, parseAmount } from '../remit/money.js';
import { neutralizeCell } from '../report/csv.js';
import { TRACE_COLUMNS, traceClaim } from '../trace.js';
import { type CliIO, type FlagNames, makeChalk, parseCliOptions, writeOut } from './io.js';

const traceOptionsSchema = z.object({
  ledger: z.string().min(1, 'needs a value').optional(),
  format: z.enum(['table', 'json', 'csv']).optional(),
  color: z.boolean(),
});

export async function runTrace(id: string, raw: unknown, io: CliIO, flags?: FlagNames): Promise<number> {
  const opts = parseCliOptions(traceOptionsSchema, raw, flags);
  const path = opts.ledger ?? (io.env.RECOUP_LEDGER || undefined);
  if (path === undefined) throw new RecoupError('USAGE', 'recoup trace reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)', { exitCode: 2 });
  const { existsSync } = await import('node:fs');
  if (!existsSync(path)) throw new RecoupError('LEDGER_NOT_FOUND', `ledger ${path} does not exist (record files with recoup scan --ledger ${path} first)`, { exitCode: 1 });
  const ledger = Ledger.open(path);
  let t;
  try {
    t = traceClaim(ledger, id.trim());
  } finally {
    ledger.close();
  }
  if (!t.found) {
    io.stderr.write(`recoup: no claim with patient control number or payer claim number ${JSON.stringify(id)} in ${path}\n`);
    return 1;
  }
  const format = opts.format ?? 'table';
  if (format === 'json') {
    await writeOut(io.stdout, JSON.stringify({ claim: t.query, patient: t.patient, events: t.events, totals: t.totals }, null, 2) + '\n');
    return 0;
  }
  if (format === 'csv') {
    const rows = t.events.map((e) => TRACE_COLUMNS.map((k) => (k === 'amount' || k === 'interest' || k === 'date' ? e[k] ?? '' : neutralizeCell(e[k] ?? ''))));
    await writeOut(io.stdout, stringify([TRACE_COLUMNS as unknown as string[], ...rows]));
    return 0;
  }
  const c = makeChalk(opts.color, io.stdoutIsTTY, io.env);
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
  await writeOut(io.stdout, lines.join('\n') + '\n');
  return 0;
}
