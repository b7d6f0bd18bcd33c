// `recoup report <names>`: reports answered from the ledger alone (no input files), with filters, in every
// format; the run's Outcome for main.ts.

import { PayerAliases } from '../analysis/payer-aliases.js';
import { redactRow } from '../analysis/redact.js';
import type { ReportName } from '../analysis/rows.js';
import { usageError } from '../diagnostics/errors.js';
import { loadCarcFile } from '../input/carc-file.js';
import { reportFromLedger } from '../query/ledger-report.js';
import { openSinks } from '../report/sinks.js';
import { openExistingLedger } from '../store/open.js';
import { todayDate } from '../x12/dates.js';
import type { Outcome } from './exit.js';
import { type CliIO, makeChalk } from './io.js';
import { loadConfig, outputFromConfig } from './config.js';
import { type FlagNames, ledgerPath, parseCliOptions, reportNamesSchema, reportOptionsSchema } from './options.js';
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
  const names_ = reportNamesSchema.safeParse(names);
  if (!names_.success) throw usageError(names_.error.issues[0]!.message);
  const reports: ReportName[] = names_.data;
  const output = opts.output ?? outputFromConfig(config, opts.format, reports);
  const carc = opts.carcFile !== undefined ? await loadCarcFile(opts.carcFile) : undefined;
  const path = ledgerPath(opts.ledger, io.env, config.ledger);
  if (path === undefined) throw usageError('recoup report reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)');
  const ledger = openExistingLedger(path);
  try {
    const sinks = await openSinks({
      format: opts.format,
      reports,
      output,
      stdout: io.stdout,
      chalk: makeChalk(opts.color, output === undefined && io.stdoutIsTTY, io.env),
      width: output === undefined && io.stdoutIsTTY ? io.columns : undefined,
      writeTable: (text) => pageOut(io, text, { enabled: opts.pager }),
      stdoutIsTTY: io.stdoutIsTTY,
    });
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
        onRow: opts.redact ? (report, row) => sinks.onRow(report, redactRow(report, row)) : (report, row) => sinks.onRow(report, row),
      });
    } catch (err) {
      await sinks.abort();
      throw err;
    }
    await sinks.finish({
      figures: [
        ['Ledger', path],
        ['Remittances', figures.remittances],
        ['Claims', figures.claims],
        ['Provider-level offsets', figures.offsets],
        ['Remittances without report data (recorded before recoup kept it)', figures.withoutReportData],
      ],
      data: { ledger: path, remittances: figures.remittances, claims: figures.claims, offsets: figures.offsets, without_report_data: figures.withoutReportData },
      diagnostics: [],
    });
    if (!opts.quiet) {
      const older = figures.withoutReportData ? `; ${figures.withoutReportData} remittance(s) recorded by an older recoup have no report data and are left out` : '';
      io.stderr.write(`recoup: from ${path}: ${figures.remittances} remittance(s), ${figures.claims} claim(s), ${figures.offsets} provider-level offset(s)${older}\n`);
    }
    return figures.withoutReportData > 0 ? 'incomplete' : 'ok';
  } finally {
    ledger.close();
  }
}
