// `recoup scan` at the terminal: options in, the scan run over the inputs, rows to the sinks, diagnostics
// and the run summary to stderr, and the run's Outcome (main.ts turns it into the exit code).

import { stat } from 'node:fs/promises';
import { PayerAliases } from '../analysis/payer-aliases.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { RecoupError, usageError } from '../diagnostics/errors.js';
import { loadCarcFile } from '../input/carc-file.js';
import { expandBankPaths, expandInputs } from '../input/paths.js';
import { formatDiagnostic } from '../report/diagnostic-lines.js';
import { redactRow } from '../analysis/redact.js';
import { depositSummaryLine, runFigures, runSummaryLine, unlinkedLines } from '../report/run-summary.js';
import { destinationKind, openSinks } from '../report/sinks.js';
import { dashboardHtml } from './dashboard-command.js';
import { todayDate } from '../x12/dates.js';
import { Scanner } from '../scan/scanner.js';
import { defaultJobs } from '../scan/parallel.js';
import type { ScanStats } from '../scan/stats.js';
import { openLedger } from '../store/open.js';
import { type Ledger, PUBLISHED } from '../store/store.js';
import { reportFromLedger } from '../query/ledger-report.js';
import type { ReportName, Row } from '../analysis/rows.js';
import { type Outcome, worse } from './exit.js';
import { type CliIO, makeChalk } from './io.js';
import { loadConfig, outputFromConfig, matchOptions } from './config.js';
import { type FailOn, type FlagNames, ledgerPath, parseCliOptions, scanOptionsSchema } from './options.js';
import { pageOut } from './pager.js';
import { queueFailOnLines } from './review-command.js';
import { Progress } from './progress.js';

/** How many warnings are printed before the rest are only counted (errors are always printed). */
const WARNING_LINES = 50;
/** How many diagnostics a workbook or JSON output lists (the counts are always complete). */
const KEPT_DIAGNOSTICS = 10_000;

export async function runScan(paths: string[], raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const parsed = parseCliOptions(scanOptionsSchema, raw, flags);
  // the config file fills what the command line left out (flags, then RECOUP_LEDGER, then the file)
  const config = loadConfig(parsed.config, io.env);
  const given = raw as Record<string, unknown>;
  const opts = {
    ...parsed,
    ledger: ledgerPath(parsed.ledger, io.env, config.ledger),
    // the config's due/unapproved need a ledger: without one they are left out (typed on the command line, they are an error)
    failOn:
      given.failOn === undefined && config.failOn !== undefined
        ? new Set([...config.failOn].filter((c) => (c !== 'due' && c !== 'unapproved') || ledgerPath(parsed.ledger, io.env, config.ledger) !== undefined))
        : parsed.failOn,
    escalateOver: given.escalateOver === undefined ? (config.escalateOver ?? parsed.escalateOver) : parsed.escalateOver,
    output: parsed.output ?? outputFromConfig(config, parsed.format, parsed.reports),
  };
  const carc = opts.carcFile !== undefined ? await loadCarcFile(opts.carcFile) : undefined;

  // deposits need bank lines: from --bank, or a ledger that holds statements; `all` takes it only then
  if (opts.reports.includes('deposits') && opts.bank.length === 0 && opts.ledger === undefined) {
    const typed = ((given.report as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((w) => w.trim().toLowerCase());
    if (typed.includes('deposits')) throw usageError('--report deposits needs a bank statement to match: --bank <file or folder> (BAI2 or a bank CSV export), or a ledger that holds statements (--ledger)');
    opts.reports = opts.reports.filter((r) => r !== 'deposits');
  }
  const matchDeposits = opts.bank.length > 0 || opts.reports.includes('deposits');

  // with --bank, the 835s may all be in the ledger already: no path means no 835 input (not stdin)
  const list = paths.length > 0 ? paths : io.stdinIsTTY || opts.bank.length > 0 ? [] : ['-'];
  // a statement matched against the ledger alone: the deposits are the report (no offsets were read)
  if (list.length === 0 && given.report === undefined) opts.reports = ['deposits'];
  if (list.length === 0 && opts.bank.length === 0) {
    const fromLedger = opts.ledger !== undefined ? `; to report from the ledger without reading files: recoup report ${opts.reports.join(',')} --ledger …` : '';
    throw usageError(`no input: give one or more 835 files or directories, or pipe a file into standard input${fromLedger}`);
  }

  const chalkErr = makeChalk(opts.color, io.stderrIsTTY, io.env);
  let warningsShown = 0;
  let warningsHidden = 0;
  // the workbook's first sheet and JSON carry the run's diagnostics (a bounded number of them)
  const keepDiagnostics = opts.format === 'xlsx' || opts.format === 'json' || opts.format === 'ndjson';
  const kept: Diagnostic[] = [];
  const showDiagnostic = (d: Diagnostic): void => {
    if (keepDiagnostics && kept.length < KEPT_DIAGNOSTICS) kept.push(d);
    if (d.severity !== 'error') {
      if (opts.quiet) return;
      if (!opts.verbose && warningsShown >= WARNING_LINES) {
        warningsHidden++;
        return;
      }
      warningsShown++;
    }
    progress?.clear();
    io.stderr.write(formatDiagnostic(d, chalkErr, opts.verbose) + '\n');
  };

  const expanded = await expandInputs(list);
  const { inputs } = expanded;
  const bank = await expandBankPaths(opts.bank);
  const inputProblems = [...expanded.diagnostics, ...bank.diagnostics];
  let progress: Progress | null = null;
  if (io.stderrIsTTY && !opts.quiet) {
    let total = 0;
    for (const input of inputs) if (input !== '-') total += await stat(input).then((st) => st.size, () => 0);
    // RECOUP_PROGRESS_AFTER_MS: when the bar first appears (default 500 ms; tests set 0)
    const after = Number(io.env.RECOUP_PROGRESS_AFTER_MS);
    progress = new Progress(io.stderr, total, inputs.length, Number.isFinite(after) && io.env.RECOUP_PROGRESS_AFTER_MS !== undefined ? after : undefined);
  }
  let outcome: Outcome = inputProblems.length > 0 ? 'incomplete' : 'ok';
  for (const d of inputProblems) showDiagnostic(d);

  const outputKindBefore = opts.output === undefined ? undefined : await destinationKind(opts.output);
  const ledgerAt = opts.ledger;
  if (opts.newOnly && ledgerAt === undefined) throw usageError('--new-only needs a ledger (--ledger <file> or RECOUP_LEDGER) to know which files were already read');
  const queueFailOn = { due: opts.failOn.has('due'), unapproved: opts.failOn.has('unapproved') };
  if ((queueFailOn.due || queueFailOn.unapproved) && ledgerAt === undefined) {
    throw usageError(`--fail-on ${queueFailOn.due ? 'due' : 'unapproved'} needs a ledger (--ledger <file> or RECOUP_LEDGER): review decisions and deadlines are kept there`);
  }
  if (queueFailOn.unapproved && opts.escalateOver === undefined) throw usageError('--fail-on unapproved needs --escalate-over <amount> (or escalateOver in the config file): it is about offsets over it');
  let queueMet: string[] = [];
  const ledger = ledgerAt !== undefined ? openLedger(ledgerAt) : undefined;
  let scanner: Scanner;
  let nothingRead = false;
  try {
    const sinks = await openSinks({
      format: opts.format,
      reports: opts.reports,
      output: opts.output,
      stdout: io.stdout,
      chalk: makeChalk(opts.color, opts.output === undefined && io.stdoutIsTTY, io.env),
      width: opts.output === undefined && io.stdoutIsTTY ? io.columns : undefined,
      // a table taller than the terminal goes through the pager (src/cli/pager.ts; never when piped, --no-pager)
      writeTable: (text) => pageOut(io, text, { enabled: opts.pager }),
      stdoutIsTTY: io.stdoutIsTTY,
      renderHtml: (rows) =>
        dashboardHtml(rows, {
          source: `${inputs.length} file${inputs.length === 1 ? '' : 's'} scanned${bank.inputs.length > 0 ? ` and ${bank.inputs.length} bank statement${bank.inputs.length === 1 ? '' : 's'}` : ''}`,
          period: 'this run',
          asOf: opts.asOf ?? todayDate(),
          escalateOver: opts.escalateOver,
          deposits: opts.reports.includes('deposits'),
        }),
    });
    scanner = new Scanner({
      reports: opts.reports,
      ...(carc ? { carc } : {}),
      ...(ledger ? { ledger } : {}),
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      ...(opts.escalateOver !== undefined ? { escalateOver: opts.escalateOver } : {}),
      ...(config.payers.length > 0 ? { payerAliases: new PayerAliases(config.payers) } : {}),
      appealWindows: config.appealWindows,
      ...(opts.newOnly ? { newOnly: true } : {}),
      parallel: { jobs: opts.jobs ?? defaultJobs() },
      ...(matchDeposits
        ? {
            deposits: {
              ...(config.bank?.csv ? { csv: config.bank.csv } : {}),
              match: matchOptions(config),
            },
          }
        : {}),
      ...(progress ? { onBytes: (n: number) => progress!.addBytes(n) } : {}),
      waitForOutput: () => sinks.waitForRoom(),
      onRow: opts.redact ? (report, row) => sinks.onRow(report, redactRow(report, row)) : (report, row) => sinks.onRow(report, row),
      onDiagnostic: showDiagnostic,
      stdin: io.stdin,
    });
    try {
      await scanner.scanFiles(inputs, () => progress?.fileDone());
      for (const _ of bank.diagnostics) scanner.bankPathProblem();
      for (const statement of bank.inputs) await scanner.scanBankFile(statement);
      progress?.clear();
      scanner.finish();
      // a ledger that serves BI tools keeps the reports recoup computes up to date (issue 17)
      if (ledger?.publish) publishReports(ledger, { asOf: opts.asOf ?? todayDate(), aliases: new PayerAliases(config.payers), config });
      // the review queue's conditions look at the whole ledger after this run was recorded (issue 16)
      if (ledger && (queueFailOn.due || queueFailOn.unapproved)) {
        queueMet = queueFailOnLines(ledger, { ...queueFailOn, asOf: opts.asOf ?? todayDate(), escalateOver: opts.escalateOver, aliases: new PayerAliases(config.payers), config });
      }
      // no input could be read (all missing, unreadable or not X12): a header-only report must not replace a good one
      const st = scanner.stats;
      nothingRead = st.unreadableFiles + st.unreadableBankFiles === st.files + st.bankFiles;
      if (nothingRead && opts.output !== undefined) await sinks.abort();
      else await sinks.finish({ ...runFigures(scanner.stats, { inputProblems: inputProblems.length }), diagnostics: kept });
    } catch (err) {
      await sinks.abort();
      // the output failed while inputs were still being read (disk full): an output error, not a bug
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (!(err instanceof RecoupError) && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
        throw new RecoupError('IO_OUTPUT', `cannot write ${opts.output ?? 'the output'}: ${code}${opts.output === undefined ? '' : '; the incomplete report was removed'}`);
      }
      throw err;
    }
  } finally {
    ledger?.close();
  }
  const s = scanner.stats;
  if (nothingRead && opts.output !== undefined) io.stderr.write(`recoup: nothing was read; ${opts.output} was ${outputKindBefore === 'missing' ? 'not created' : 'left as it was'}\n`);
  // any error-level diagnostic (an unreadable input, an amount or segment that could not be read, a
  // remittance cut short…) means the reports are incomplete
  if (s.unreadableFiles > 0 || s.unreadableBankFiles > 0 || s.errors > 0 || s.incompleteRemittances > 0) outcome = 'incomplete';
  // --fail-on: a policy outcome; an input that could not be read (incomplete) outranks it
  const met = [...failOnReasons(opts.failOn, s), ...queueMet];
  for (const m of met) io.stderr.write(`recoup: --fail-on ${m}\n`);
  if (opts.failOn.has('deposits') && s.deposits === null) io.stderr.write('recoup: --fail-on deposits: no bank statement lines were read (--bank), so deposits were not checked\n');
  if (met.length > 0) outcome = worse(outcome, 'fail_on');
  if (warningsHidden > 0) io.stderr.write(`… ${warningsHidden} more warning${warningsHidden === 1 ? '' : 's'} not shown (--verbose shows all)\n`);
  if (!opts.quiet) {
    io.stderr.write(runSummaryLine(s, { inputProblems: inputProblems.length, escalating: opts.escalateOver !== undefined }));
    if (matchDeposits) io.stderr.write(depositSummaryLine(s));
  }
  return outcome;
}

/** Balances and deposits of the whole ledger, into its BI tables (PostgreSQL: recoup_balances, recoup_deposits). */
function publishReports(ledger: Ledger, o: { asOf: string; aliases: PayerAliases; config: ReturnType<typeof loadConfig> }): void {
  const rows = new Map<ReportName, Row[]>(PUBLISHED.map((r) => [r, []]));
  reportFromLedger(ledger, {
    reports: PUBLISHED,
    filter: {},
    asOf: o.asOf,
    aliases: o.aliases,
    appealWindows: o.config.appealWindows,
    match: matchOptions(o.config),
    onRow: (report, row) => rows.get(report)?.push(row),
  });
  for (const [report, list] of rows) ledger.publish!(report, list, o.asOf);
}

/** The --fail-on conditions the run met, each as the line that says why. */
function failOnReasons(failOn: ReadonlySet<FailOn>, s: ScanStats): string[] {
  const met: string[] = [];
  if (failOn.has('unbalanced') && s.balanceFailures > 0) {
    const unknown = s.unknownBalanceRemittances ? `, ${s.unknownBalanceRemittances} could not be checked (an amount unreadable)` : '';
    met.push(`unbalanced: ${s.unbalancedRemittances} remittance(s) unbalanced${unknown}; ${s.balanceFailures} balance check(s) failed or not made`);
  }
  if (failOn.has('unlinked') && s.unlinkedRecoupments > 0) met.push(`unlinked: ${s.unlinkedRecoupments} recoupment(s) or deferral(s) not linked to one claim${unlinkedLines(s)}`);
  if (failOn.has('escalated') && s.escalatedOffsets > 0) met.push(`escalated: ${s.escalatedOffsets} offset(s) over the --escalate-over amount`);
  if (failOn.has('warnings') && s.warnings + s.errors > 0) met.push(`warnings: ${s.warnings} warning(s), ${s.errors} error(s)`);
  // deposits a person must look at: not matched, matched with another amount, or money overdue (not "may still arrive")
  const d = s.deposits;
  if (failOn.has('deposits') && d !== null) {
    const overdue = d.erasWithoutDeposit - d.erasMayStillArrive;
    if (d.amountMismatches + d.depositsWithoutEra + d.ambiguousDeposits + overdue > 0) {
      met.push(`deposits: ${d.amountMismatches} amount mismatch(es), ${d.depositsWithoutEra} deposit(s) without an ERA, ${d.ambiguousDeposits} ambiguous, ${overdue} ERA(s) overdue without a deposit`);
    }
  }
  return met;
}
