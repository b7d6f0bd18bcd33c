// `recoup report dashboard` and `recoup scan --format html`: the one-file HTML dashboard (issue 15) made
// from the rows of the summary, offsets, balances, aging (and deposits) reports — from the ledger with
// `report`'s filters, or from a scan's run — written to -o (or stdout).

import { dashboardData } from '../analysis/dashboard-data.js';
import type { PayerAliases } from '../analysis/payer-aliases.js';
import type { AppealWindows } from '../analysis/review.js';
import { redactRow } from '../analysis/redact.js';
import type { ReportName, Row } from '../analysis/rows.js';
import type { Cents } from '../remit/money.js';
import { RecoupError, usageError } from '../diagnostics/errors.js';
import { type MatchOptions } from '../analysis/deposits.js';
import { reportFromLedger } from '../query/ledger-report.js';
import { renderDashboard } from '../report/dashboard.js';
import { fileTarget, stdoutTarget, writeOut } from '../report/output.js';
import type { Ledger } from '../store/store.js';
import { todayDate } from '../x12/dates.js';
import type { CliIO } from './io.js';

/** The dashboard page from collected report rows. */
export async function dashboardHtml(
  rows: ReadonlyMap<ReportName, Row[]>,
  meta: { source: string; period: string; payer?: string | undefined; asOf?: string | undefined; escalateOver: Cents | undefined; deposits: boolean },
): Promise<string> {
  const data = dashboardData({
    summary: rows.get('summary') ?? [],
    offsets: rows.get('offsets') ?? [],
    balances: rows.get('balances') ?? [],
    aging: rows.get('aging') ?? [],
    deposits: meta.deposits ? (rows.get('deposits') ?? []) : undefined,
    escalateOver: meta.escalateOver,
    payerFiltered: meta.payer !== undefined,
  });
  return renderDashboard(data, { source: meta.source, period: meta.period, payer: meta.payer, asOf: meta.asOf, generated: todayDate() });
}

export interface LedgerDashboardOptions {
  path: string;
  output: string | undefined;
  from: string | undefined;
  to: string | undefined;
  payer: string | undefined;
  /** The payer as typed (for the page). */
  payerTyped: string | undefined;
  asOf: string;
  escalateOver: Cents | undefined;
  redact: boolean;
  aliases: PayerAliases;
  match: MatchOptions;
  /** The config's appeal windows (the offsets' appeal deadlines). */
  appealWindows?: AppealWindows | undefined;
}

/** `recoup report dashboard`: the ledger's reports with the filters, as one HTML file. */
export async function writeLedgerDashboard(ledger: Ledger, o: LedgerDashboardOptions, io: CliIO): Promise<{ remittances: number }> {
  if (o.output === undefined && io.stdoutIsTTY) throw usageError('the dashboard is an HTML file: give -o <file>.html (or redirect: > dashboard.html)');
  const withDeposits = ledger.bankLines().length > 0;
  const reports: ReportName[] = ['summary', 'offsets', 'balances', 'aging', ...(withDeposits ? (['deposits'] as const) : [])];
  const rows = new Map<ReportName, Row[]>(reports.map((r) => [r, []]));
  const figures = reportFromLedger(ledger, {
    reports,
    filter: { from: o.from, to: o.to, payer: o.payer },
    asOf: o.asOf,
    escalateOver: o.escalateOver,
    aliases: o.aliases,
    appealWindows: o.appealWindows,
    match: o.match,
    onRow: (report, row) => rows.get(report)?.push(o.redact ? redactRow(report, row) : row),
  });
  const period = o.from || o.to ? `payment dates ${o.from ?? 'from the first'} to ${o.to ?? 'the last'}` : 'all payment dates';
  const html = await dashboardHtml(rows, { source: o.path, period, payer: o.payerTyped, asOf: o.asOf, escalateOver: o.escalateOver, deposits: withDeposits });
  const target =
    o.output === undefined
      ? stdoutTarget(io.stdout)
      : await fileTarget(o.output).catch((err: NodeJS.ErrnoException) => {
          throw new RecoupError('IO_OUTPUT', `cannot write ${o.output}: ${err.code ?? err.message}`);
        });
  try {
    await writeOut(target.stream, html);
    await target.commit();
  } catch (err) {
    await target.abort();
    throw err;
  }
  return { remittances: figures.remittances };
}
