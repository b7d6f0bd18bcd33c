// `recoup report <names>`: reports answered from the ledger alone (no input files), with filters, in every
// format; the run's Outcome for main.ts.

import { PayerAliases } from '../analysis/payer-aliases.js';
import { payerId } from '../analysis/build-rows.js';
import { DEPOSIT_STATUSES } from '../analysis/deposits.js';
import { redactRow } from '../analysis/redact.js';
import type { ReportName } from '../analysis/rows.js';
import { usageError } from '../diagnostics/errors.js';
import { loadCarcFile } from '../input/carc-file.js';
import { reportFromLedger } from '../query/ledger-report.js';
import { openSinks } from '../report/sinks.js';
import { writeLedgerDashboard } from './dashboard-command.js';
import { ledgerDisplayName, openExistingLedger } from '../store/open.js';
import type { Ledger } from '../store/store.js';
import { todayDate } from '../x12/dates.js';
import type { Outcome } from './exit.js';
import { type CliIO, makeChalk } from './io.js';
import { loadConfig, outputFromConfig, matchOptions } from './config.js';
import { type FlagNames, type Format, ledgerPath, parseCliOptions, reportNamesSchema, reportOptionsSchema } from './options.js';
import { pageOut } from './pager.js';

export async function runReport(names: string[], raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const parsed = parseCliOptions(reportOptionsSchema, raw, flags);
  const config = loadConfig(parsed.config, io.env);
  const given = raw as Record<string, unknown>;
  const aliases = new PayerAliases(config.payers);
  const opts = {
    ...parsed,
    escalateOver: given.escalateOver === undefined ? (config.escalateOver ?? parsed.escalateOver) : parsed.escalateOver,
    // --payer may name the payer by any of its aliases
    payer: parsed.payer === undefined ? undefined : (aliases.find(parsed.payer)?.id ?? parsed.payer),
  };
  // the dashboard: one HTML page made of several reports (issue 15)
  const words = names.flatMap((n) => n.split(',')).map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  if (words.includes('dashboard')) {
    if (words.length > 1) throw usageError('dashboard is a page of its own: ask for it alone (recoup report dashboard -o dashboard.html)');
    if (given.format !== undefined && opts.format !== 'html') throw usageError(`--format ${opts.format}: the dashboard is HTML (give -o dashboard.html)`);
    if (opts.csv || opts.json || opts.xlsx) throw usageError('the dashboard is HTML: leave out --csv, --json and --xlsx');
    // a page that looks filtered but is not would mislead: only the filters the whole page honours
    if (opts.category !== undefined || opts.status !== undefined) throw usageError('the dashboard takes --from, --to and --payer; --category and --status filter single reports (recoup report offsets …)');
    const path = ledgerPath(opts.ledger, io.env, config.ledger);
    if (path === undefined) throw usageError('recoup report reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)');
    const shown = ledgerDisplayName(path);
    const ledger = openExistingLedger(path);
    try {
      const figures = await writeLedgerDashboard(
        ledger,
        {
          path: shown,
          output: opts.output ?? outputFromConfig(config, 'html', ['dashboard']),
          from: opts.from,
          to: opts.to,
          payer: opts.payer,
          payerTyped: parsed.payer,
          asOf: opts.asOf ?? todayDate(),
          escalateOver: opts.escalateOver,
          redact: opts.redact,
          aliases,
          appealWindows: config.appealWindows,
          match: matchOptions(config),
        },
        io,
      );
      if (!opts.quiet) io.stderr.write(`recoup: dashboard from ${shown}: ${figures.remittances} remittance(s)${opts.output ? `, written to ${opts.output}` : ''}\n`);
      if (opts.payer !== undefined && !ledgerHasPayer(ledger, opts.payer, aliases)) {
        io.stderr.write(`recoup: no remittance of payer ${JSON.stringify(parsed.payer)} in ${shown} (give its name or id as the reports show them)\n`);
        return 'not_found';
      }
      return 'ok';
    } finally {
      ledger.close();
    }
  }
  if (opts.format === 'html') throw usageError('--format html is the dashboard: recoup report dashboard -o dashboard.html');
  const names_ = reportNamesSchema.safeParse(names);
  if (!names_.success) throw usageError(names_.error.issues[0]!.message);
  const reports: ReportName[] = names_.data;
  // --status names a deposit status for the deposits report (claims and balances have their own: checked by the rows they match)
  if (opts.status !== undefined && reports.includes('deposits') && !reports.some((r) => r === 'claims' || r === 'balances') && !(DEPOSIT_STATUSES as readonly string[]).includes(opts.status)) {
    throw usageError(`--status: unknown deposit status ${JSON.stringify(opts.status)}; choose from ${DEPOSIT_STATUSES.join(', ')}`);
  }
  const output = opts.output ?? outputFromConfig(config, opts.format, reports);
  const carc = opts.carcFile !== undefined ? await loadCarcFile(opts.carcFile) : undefined;
  const path = ledgerPath(opts.ledger, io.env, config.ledger);
  if (path === undefined) throw usageError('recoup report reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)');
  const shown = ledgerDisplayName(path);
  const ledger = openExistingLedger(path);
  try {
    const sinks = await openCommandSinks(io, { format: opts.format, reports, output, color: opts.color, pager: opts.pager });
    let figures;
    try {
      figures = reportFromLedger(ledger, {
        reports,
        filter: { from: opts.from, to: opts.to, payer: opts.payer },
        category: opts.category,
        status: opts.status,
        asOf: opts.asOf ?? todayDate(),
        escalateOver: opts.escalateOver,
        carc,
        aliases,
        appealWindows: config.appealWindows,
        match: matchOptions(config),
        onRow: opts.redact ? (report, row) => sinks.onRow(report, redactRow(report, row)) : (report, row) => sinks.onRow(report, row),
      });
    } catch (err) {
      await sinks.abort();
      throw err;
    }
    const counted: Array<readonly [string, string, number | string]> = [
      ['ledger', 'Ledger', shown],
      ['remittances', 'Remittances', figures.remittances],
      ...(figures.claims !== undefined ? [['claims', 'Claims', figures.claims] as const] : []),
      ...(figures.offsets !== undefined ? [['offsets', 'Provider-level offsets', figures.offsets] as const] : []),
      ...(figures.bankLines !== undefined ? [['bank_lines', 'Bank statement lines', figures.bankLines] as const] : []),
      ['without_report_data', 'Remittances without report data (recorded before recoup kept it)', figures.withoutReportData],
    ];
    await sinks.finish({
      figures: counted.map(([, label, value]) => [label, value] as const),
      data: Object.fromEntries(counted.map(([key, , value]) => [key, value])),
      diagnostics: [],
    });
    if (!opts.quiet) {
      const parts = [`${figures.remittances} remittance(s)`];
      if (figures.claims !== undefined) parts.push(`${figures.claims} claim(s)`);
      if (figures.offsets !== undefined) parts.push(`${figures.offsets} provider-level offset(s)`);
      if (figures.bankLines !== undefined) parts.push(`${figures.bankLines} bank statement line(s)`);
      const older = figures.withoutReportData
        ? `; ${figures.withoutReportData} remittance(s) recorded by an older recoup have no report data and are left out (record their files into a new ledger to report them)`
        : '';
      io.stderr.write(`recoup: from ${shown}: ${parts.join(', ')}${older}\n`);
    }
    // deposits with no statement recorded: unknown, said, never an empty report that reads as "all deposited"
    if (reports.includes('deposits') && figures.bankLines === 0) {
      io.stderr.write(`recoup: ${shown} holds no bank statement lines: record a statement first (recoup scan --bank <statement> --ledger ${shown})\n`);
      if (names.flatMap((n) => n.split(',')).some((n) => n.trim().toLowerCase() === 'deposits')) return 'not_found';
    }
    // a payer that is not in the ledger is a mistake to say, not an empty report that looks like "nothing owed"
    if (opts.payer !== undefined && !ledgerHasPayer(ledger, opts.payer, aliases)) {
      io.stderr.write(`recoup: no remittance of payer ${JSON.stringify(parsed.payer)} in ${shown} (give its name or id as the reports show them)\n`);
      return 'not_found';
    }
    return figures.withoutReportData > 0 ? 'incomplete' : 'ok';
  } finally {
    ledger.close();
  }
}

/**
 * The sinks of a command that reads the ledger: a file (-o) or stdout; at a terminal, tables fit its
 * width and go through the pager; colour only for a terminal.
 */
export function openCommandSinks(io: CliIO, o: { format: Format; reports: ReportName[]; output: string | undefined; color: boolean; pager: boolean }): ReturnType<typeof openSinks> {
  return openSinks({
    format: o.format,
    reports: o.reports,
    output: o.output,
    stdout: io.stdout,
    chalk: makeChalk(o.color, o.output === undefined && io.stdoutIsTTY, io.env),
    width: o.output === undefined && io.stdoutIsTTY ? io.columns : undefined,
    writeTable: (text) => pageOut(io, text, { enabled: o.pager }),
    stdoutIsTTY: io.stdoutIsTTY,
  });
}

/** Whether any remittance of the ledger (at any date) is of this payer, by id or name in any case, aliases applied. */
function ledgerHasPayer(ledger: Ledger, payer: string, aliases: PayerAliases): boolean {
  const want = payer.toLowerCase();
  return ledger.recordedRemittances({}).remittances.some((r) => {
    aliases.apply(r.head);
    return payerId(r.head).toLowerCase() === want || r.head.payer.name.toLowerCase() === want;
  });
}
