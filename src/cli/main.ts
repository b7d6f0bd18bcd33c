// The recoup command line: the commander program (flags, help), each command's run, and where a run's
// Outcome or RecoupError becomes its exit code (through the one table in exit.ts: 0 ok, 1 the reports are
// incomplete or an output could not be written, 2 usage error, 3 --fail-on met, 70 internal error).

import { Command, CommanderError, Option } from 'commander';
import type { ErrorCode } from '../diagnostics/errors.js';
import { RecoupError } from '../diagnostics/errors.js';
import { runCodes } from './codes-command.js';
import { EXIT, exitForError, exitForOutcome, type Outcome } from './exit.js';
import { runInspect } from './inspect-command.js';
import { type CliIO, processIO } from './io.js';
import { flagNames, FORMATS } from './options.js';
import { runReport } from './report-command.js';
import { runReviewHistory, runReviewList, runReviewSet } from './review-command.js';
import { runScan } from './scan-command.js';
import { runTrace } from './trace-command.js';
import { VERSION } from './version.js';
import { defaultJobs } from '../scan/parallel.js';

/** The output flags scan and report share (declared once; parsed by the shared part of their schemas). */
const outputOption = {
  format: () => new Option('-f, --format <format>', 'output format (default: table)').choices([...FORMATS]),
  csv: () => new Option('--csv', 'same as --format csv'),
  json: () => new Option('--json', 'same as --format json'),
  xlsx: () => new Option('--xlsx', 'same as --format xlsx: one Excel workbook, a sheet per report (with -o, or redirected to a file)'),
  output: () => new Option('-o, --output <path>', 'write to a file, or with CSV to a directory (one <report>.csv per report)'),
};

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function createProgram(io: CliIO, setOutcome: (outcome: Outcome) => void): Command {
  const program = new Command();
  program
    .name('recoup')
    .description('Find where the deposit went: reads X12 835 remittance files, separates claim adjustments from\nprovider-level offsets (PLB), links offsets to their claims and checks that every remittance balances.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run recoup --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes:
  0  success (warnings do not change it)
  1  the reports are incomplete: an input could not be read or was not X12, or an error was found in
     one (an amount or segment that could not be read, a remittance cut short); the other inputs are
     still processed. Also: an output or the ledger could not be written
  2  usage error (unknown option, bad value); recoup review: an unknown id or a change refused
  3  a --fail-on condition was met (1 outranks 3)

Examples:
  recoup scan era.835                    summary and provider-level offsets of a remittance
  recoup scan today/ --bank statement.bai        (which deposit carries which remittance, and why it is short)
  recoup scan inbox/ --format html -o report.html   (the one-page dashboard of this run)
  recoup scan inbox/ --csv > offsets.csv offsets of every 835 under inbox/, for a spreadsheet
  recoup report summary --ledger l.db    the summary of everything recorded, without reading files
  recoup trace MFC1002 --ledger l.db     the life of one claim, from the ledger
  recoup review list --ledger l.db --due-within 7   the work queue: appeal deadlines within a week
  recoup codes WO                        what a PLB reason code means
  recoup inspect era.835                 envelopes, transactions and diagnostics of a file
  recoup inspect --format json inbox/    the same as JSON, for every X12 file under inbox/`,
    );

  program
    .command('scan')
    .description('Reconcile 835 remittances: what each check paid, what was taken back at the provider level (PLB) and why,\nand whether every remittance balances.')
    .argument('[paths...]', "835 files or directories (searched recursively); '-' or a pipe for standard input")
    .option('-r, --report <names>', 'reports to produce, comma-separated or repeated: summary, payments, offsets, claims, adjustments, balances, aging, deposits, suspense, reversals, all', collect)
    .addOption(outputOption.format())
    .addOption(outputOption.csv())
    .addOption(outputOption.json())
    .addOption(outputOption.xlsx())
    .addOption(outputOption.output())
    .option('--carc-file <csv>', 'your licensed CARC list (columns code,description) for the adjustments report')
    .option('--ledger <file>', 'SQLite ledger: record what is read and link offsets to claims of earlier runs (or set RECOUP_LEDGER)')
    .option('--bank <statement>', 'a bank statement (BAI2, or a bank CSV export) or a folder of them: match each deposit to its remittances (repeatable)', collect)
    .option('--as-of <date>', 'date (YYYY-MM-DD) the age of open deferred balances is counted to (default: today)')
    .option('--new-only', 'with a ledger: skip files already recorded (for nightly runs over an inbox)')
    .option('--jobs <n>', `worker threads that parse large inputs (default: the cores, here ${defaultJobs()}; 1: this thread only); the reports are the same`)
    .option('--escalate-over <amount>', 'flag offsets whose absolute amount is over this (escalate column, highlighted, counted)')
    .option('--fail-on <conditions>', 'exit 3 when any is met: unbalanced, unlinked, escalated, warnings, deposits; with a ledger: due, unapproved (comma-separated)', collect)
    .option('--redact', 'mask patient names and member ids in every report (initials, last 4 characters)')
    .option('--config <file>', 'settings file (default: the nearest recoup.config.json upward, or RECOUP_CONFIG)')
    .option('--no-pager', 'never page a long table through $PAGER (never done when stdout is not a terminal)')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only errors on stderr')
    .option('-v, --verbose', 'print every diagnostic')
    .addHelpText(
      'after',
      `
Reports (CSV headers / JSON keys are stable):
  summary      per payer: checks, claim payments, money taken back, deferred, refunds, interest, paid
  payments     one row per remittance (check/EFT), with its balance check
  offsets      one row per provider-level adjustment (PLB pair): reason, category, reference, amount
  claims       one row per claim (CLP), reversals and corrections marked
  adjustments  one row per claim or service adjustment (CAS triplet)
  balances     every deferred recoupment (WO/FB negative), what was collected since, what is outstanding
               (with --ledger: the whole history in the ledger)
  aging        by payer: open deferrals and unlinked recoupments in 0-30, 31-60, 61-90, 90+ day buckets
  deposits     with --bank: each bank line and the remittances it carries (matched by trace number, by
               amount and date, or as a batch of checks), deposits without an ERA, ERAs without a deposit
  suspense     recoupments and deferrals linked to no single claim, oldest first, aged to --as-of
  reversals    each reversal (CLP02 22) with the payment it takes back, its correction and the offsets
               that collected it

Defaults: table shows summary then offsets; --csv writes offsets; --json/ndjson hold summary, payments, offsets.
With --bank: table shows deposits then offsets; --csv writes deposits; JSON and workbooks add deposits.
A positive adjustment amount was withheld from the check; a negative one was added to it.

Exit codes: 0 success (warnings do not change it), 1 the reports are incomplete (an input could not be
read, or any error-level diagnostic) or an output could not be written, 2 usage error, 3 a --fail-on
condition was met (1 outranks 3). Data goes to stdout (or -o); diagnostics and the summary line to stderr.

Examples:
  recoup scan era.835
  recoup scan fixtures/demo
  recoup scan fixtures/demo --escalate-over 50 --fail-on escalated,unbalanced
  recoup scan --ledger ~/recoup.db --new-only /inbox --csv -o /reports/$(date +%F)/   (nightly, from cron)
  recoup scan today/ --bank statement.bai        (which deposit carries which remittance, and why it is short)
  recoup scan inbox/ --format html -o report.html   (the one-page dashboard of this run)
  recoup scan inbox/ --csv > offsets.csv
  recoup scan inbox/ --csv --report summary,payments,offsets -o reports/
  recoup scan inbox/ --json --report all | jq '.offsets[] | select(.category == "recoupment")'`,
    )
    .action(async (paths: string[], raw: unknown, cmd: Command) => {
      setOutcome(await runScan(paths, raw, io, flagNames(cmd)));
    });

  program
    .command('report')
    .description('Reports answered from the ledger alone, without reading any file: what was paid, taken back, deferred and still open, for any period or payer.')
    .argument('<reports...>', 'summary, payments, offsets, claims, adjustments, balances, aging, deposits, suspense, reversals, all (comma-separated or several);\nor dashboard: one HTML page of KPIs, charts and the suspense list (-o dashboard.html)')
    .option('--ledger <file>', 'the ledger written by recoup scan --ledger (or set RECOUP_LEDGER)')
    .addOption(outputOption.format())
    .addOption(outputOption.csv())
    .addOption(outputOption.json())
    .addOption(outputOption.xlsx())
    .addOption(outputOption.output())
    .option('--from <date>', 'payment dates from this day (YYYY-MM-DD)')
    .option('--to <date>', 'payment dates up to this day, inclusive (YYYY-MM-DD)')
    .option('--payer <name or id>', 'one payer, by its name or its id (payer_id)')
    .option('--category <category>', 'offsets of one category: recoupment, deferred_recoupment, refund_acknowledged, interest, penalty, withholding, other')
    .option('--status <status>', 'claims with this status code (CLP02: 1, 2, 4, 22 …); balances with this status (open, partly_collected, collected);\ndeposits with this status (matched, amount_mismatch, deposit_without_era, era_without_deposit, ambiguous, debit)')
    .option('--as-of <date>', 'date (YYYY-MM-DD) open balances and aging are counted to (default: today)')
    .option('--escalate-over <amount>', 'flag offsets whose absolute amount is over this (escalate column)')
    .option('--carc-file <csv>', 'your licensed CARC list (columns code,description) for the adjustments report')
    .option('--redact', 'mask patient names and member ids in every report (initials, last 4 characters)')
    .option('--config <file>', 'settings file (default: the nearest recoup.config.json upward, or RECOUP_CONFIG)')
    .option('--no-pager', 'never page a long table through $PAGER (never done when stdout is not a terminal)')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only errors on stderr')
    .addHelpText(
      'after',
      `
Offsets are linked again against every claim the ledger holds, so a report after several nightly runs
gives what one scan over all their files gives. aging: open deferred balances and unlinked recoupments
by payer, in 0-30, 31-60, 61-90 and 90+ day buckets as of --as-of.

Examples:
  recoup report summary --ledger ~/recoup.db
  recoup report offsets --ledger ~/recoup.db --from 2024-10-01 --to 2024-10-31 --xlsx -o october.xlsx
  recoup report aging --ledger ~/recoup.db --as-of 2024-12-31
  recoup report deposits --ledger ~/recoup.db --status era_without_deposit
  recoup report dashboard --ledger ~/recoup.db --from 2024-01-01 --to 2024-12-31 -o dashboard.html
  recoup report offsets --ledger ~/recoup.db --payer ACME01 --category recoupment --csv`,
    )
    .action(async (names: string[], raw: unknown, cmd: Command) => {
      setOutcome(await runReport(names, raw, io, flagNames(cmd)));
    });

  program
    .command('trace')
    .description('The life of one claim from the ledger: original payment, reversals and corrections, every offset\ntaken against it, interest, and what is still outstanding.')
    .argument('<claim>', 'patient control number (CLP01), payer claim control number (CLP07), or an offset id (the claim its link names)')
    .option('--ledger <file>', 'the ledger written by recoup scan --ledger (or set RECOUP_LEDGER)')
    .addOption(new Option('-f, --format <format>', 'output format (default: table); html: the one-page financial summary for an appeal').choices(['table', 'json', 'csv', 'html']))
    .option('-o, --output <file>', 'write to this file (created 0600, complete or not at all) instead of standard output')
    .option('--redact', "show the patient's name as initials")
    .option('--config <file>', 'settings file (default: the nearest recoup.config.json upward, or RECOUP_CONFIG)')
    .option('--no-pager', 'never page a long table through $PAGER (never done when stdout is not a terminal)')
    .option('--no-color', 'never colour the output')
    .addHelpText(
      'after',
      `
--format html is one self-contained page (no network, no script) that prints on one sheet of Letter or
A4: the claim's identifiers, original payment, reversals, corrections, offsets, interest, totals, what
was received and what is still owed, and the deposit that carried each when bank statements were recorded.

Examples:
  recoup trace MFC1002 --ledger ~/recoup.db
  recoup trace MFC1002 --ledger ~/recoup.db --format html -o appeal-MFC1002.html
  recoup trace 2224001000102 --ledger ~/recoup.db --format json > appeal-MFC1002.json`,
    )
    .action(async (id: string, raw: unknown, cmd: Command) => {
      setOutcome(await runTrace(id, raw, io, flagNames(cmd)));
    });

  // the review work queue (issue 16)
  const review = program
    .command('review')
    .description('The work queue of offsets kept in the ledger: review, approve, dispute, appeal, and the deadlines to do it by.')
    .addHelpText(
      'after',
      `
Statuses and the changes allowed (an offset starts new):
  new       → reviewed, approved, accepted, disputed, appealed
  reviewed  → approved, accepted, disputed, appealed
  approved  → disputed, appealed        (a manager approved the takeback: what an escalated offset needs)
  accepted  → disputed, appealed        (the office agrees with the takeback)
  disputed  → appealed, approved, accepted
  appealed  → won, lost                 (won needs --recovered: the money paid back)
  lost      → appealed, accepted        (a further appeal level)
  any decision → reviewed, with --note  (a correction: the history keeps both)
The queue (review list) shows money withheld not yet approved, accepted or won, oldest first. The appeal
deadline is the offset's payment date plus the payer's window (config appealDays; default 60 days).

Examples:
  recoup review list --ledger ~/recoup.db --due-within 7            the morning list
  recoup review set k7x2m9qf3a --status approved --note "posted"    approve an escalation
  recoup review set k7x2m9qf3a --status appealed --note "appeal #4411 mailed"
  recoup review set k7x2m9qf3a --status won --recovered 450.00
  recoup review history k7x2m9qf3a`,
    );

  review
    .command('list')
    .description('The queue: offsets not yet resolved, oldest first, with status, linked claim, amount and days left to appeal.')
    .option('--ledger <file>', 'the ledger written by recoup scan --ledger (or set RECOUP_LEDGER)')
    .addOption(new Option('-f, --format <format>', 'output format (default: table)').choices(['table', 'csv', 'json', 'ndjson', 'xlsx']))
    .addOption(outputOption.csv())
    .addOption(outputOption.json())
    .addOption(outputOption.xlsx())
    .addOption(outputOption.output())
    .option('--status <statuses>', 'only these review statuses (comma-separated): new, reviewed, approved, disputed, appealed, won, lost, accepted', collect)
    .option('--all', 'every offset, whatever its status or category (interest and refunds too)')
    .option('--payer <name or id>', 'one payer, by its name or its id (payer_id)')
    .option('--category <category>', 'offsets of one category: recoupment, deferred_recoupment, refund_acknowledged, interest, penalty, withholding, other')
    .option('--over <amount>', 'offsets whose absolute amount is over this')
    .option('--due-within <days>', 'appeal deadline within this many days of --as-of (or already past), no appeal filed')
    .option('--unlinked', 'only offsets linked to no single claim (the suspense list)')
    .option('--from <date>', 'payment dates from this day (YYYY-MM-DD)')
    .option('--to <date>', 'payment dates up to this day, inclusive (YYYY-MM-DD)')
    .option('--as-of <date>', 'the day days left are counted from (default: today)')
    .option('--escalate-over <amount>', 'offsets over this need approval (escalate column; --fail-on unapproved)')
    .option('--fail-on <conditions>', 'exit 3 when any is met by the offsets listed: due, unapproved (comma-separated)', collect)
    .option('--redact', 'mask patient names (initials)')
    .option('--config <file>', 'settings file (default: the nearest recoup.config.json upward, or RECOUP_CONFIG)')
    .option('--no-pager', 'never page a long table through $PAGER (never done when stdout is not a terminal)')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only errors on stderr')
    .action(async (raw: unknown, cmd: Command) => {
      setOutcome(await runReviewList(raw, io, flagNames(cmd)));
    });

  review
    .command('set')
    .description('Record a decision on one or more offsets: a new status, a note, or the money an appeal won back. Appended to the audit trail; all or nothing.')
    .argument('<ids...>', 'offset ids (the offset_id column), or unique prefixes of at least 6 characters')
    .option('--ledger <file>', 'the ledger written by recoup scan --ledger (or set RECOUP_LEDGER)')
    .option('--status <status>', 'new status: reviewed, approved, disputed, appealed, won, lost, accepted')
    .option('--note <text>', 'a note kept with the change (no patient data, please: it is shown in lists)')
    .option('--by <name>', 'who decided (default: your login name)')
    .option('--recovered <amount>', 'with --status won: the money the payer paid back (or later, to correct it)')
    .option('--config <file>', 'settings file (default: the nearest recoup.config.json upward, or RECOUP_CONFIG)')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only errors on stderr')
    .action(async (ids: string[], raw: unknown, cmd: Command) => {
      setOutcome(await runReviewSet(ids, raw, io, flagNames(cmd)));
    });

  review
    .command('history')
    .description('The audit trail of one offset: who changed what, when, from which status to which, with notes.')
    .argument('<id>', 'offset id (or a unique prefix of at least 6 characters)')
    .option('--ledger <file>', 'the ledger written by recoup scan --ledger (or set RECOUP_LEDGER)')
    .addOption(new Option('-f, --format <format>', 'output format (default: table)').choices(['table', 'csv', 'json', 'ndjson']))
    .addOption(outputOption.csv())
    .addOption(outputOption.json())
    .option('--config <file>', 'settings file (default: the nearest recoup.config.json upward, or RECOUP_CONFIG)')
    .option('--no-pager', 'never page a long table through $PAGER (never done when stdout is not a terminal)')
    .option('--no-color', 'never colour the output')
    .action(async (id: string, raw: unknown, cmd: Command) => {
      setOutcome(await runReviewHistory(id, raw, io, flagNames(cmd)));
    });

  program
    .command('codes')
    .description('Explain a PLB reason code, a CAS group code or a claim status (CLP02); a CARC with --carc-file.\nWithout a code, list them all.')
    .argument('[code]', 'the code, e.g. WO, FB, L6, 72, CO, 22')
    .option('--carc-file <csv>', 'your licensed CARC list (columns code,description)')
    .addHelpText(
      'after',
      `
Examples:
  recoup codes WO
  recoup codes CR          (a PLB reason and a 4010 CAS group: both are shown)
  recoup codes 45 --carc-file carc.csv
  recoup codes`,
    )
    .action(async (code: string | undefined, raw: unknown, cmd: Command) => {
      setOutcome(await runCodes(code, raw, io, flagNames(cmd)));
    });

  program
    .command('inspect')
    .description('Show the envelopes (ISA/GS/ST), transactions and diagnostics of X12 835 files.')
    .argument('[paths...]', "files or directories ('-' for standard input)")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print nothing for files without problems')
    .addHelpText(
      'after',
      `
Lists every diagnostic, including the balance checks recoup scan makes (BALANCE_…).
Exit codes: 0 no errors (warnings do not change it), 1 a file could not be read or has an error-level
diagnostic, 2 usage error.

Examples:
  recoup inspect era.835
  recoup inspect fixtures/demo
  cat era.835 | recoup inspect -
  recoup inspect --format json era.835 | jq '.[0].interchanges[0].groups'`,
    )
    .action(async (paths: string[], raw: unknown, cmd: Command) => {
      setOutcome(await runInspect(paths, raw, io, flagNames(cmd)));
    });

  return program;
}

/** What a CLI run came to: its exit code, and the code of the error that stopped it, if one did. */
export interface CliResult {
  exitCode: number;
  /** USAGE for anything commander or an option schema rejects; the RecoupError's code otherwise. */
  code?: ErrorCode;
}

/** Runs the CLI in this process (tests pass their own streams). Never throws for bad input or usage. */
export async function runCli(argv: readonly string[], ioOverrides: Partial<CliIO> = {}): Promise<CliResult> {
  const io = { ...processIO(), ...ioOverrides };
  guardOutput(io);
  let outcome: Outcome = 'ok';
  const program = createProgram(io, (o) => {
    outcome = o;
  });
  try {
    await program.parseAsync([...argv]);
    return { exitCode: exitForOutcome(outcome) };
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is a usage error
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { exitCode: EXIT.ok };
      return { exitCode: exitForError('USAGE'), code: 'USAGE' };
    }
    if (err instanceof RecoupError) {
      // a usage mistake reads as a sentence; anything else carries its stable code, as diagnostics do
      io.stderr.write(err.code === 'USAGE' ? `recoup: ${err.message}\n` : `recoup: error ${err.code}: ${err.message}\n`);
      return { exitCode: exitForError(err), code: err.code };
    }
    io.stderr.write(`recoup: internal error: ${(err as Error)?.message ?? String(err)}\n(please report this; run with RECOUP_DEBUG=1 for details)\n`);
    if (io.env.RECOUP_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return { exitCode: EXIT.internal };
  }
}

/** Runs the CLI; resolves to the exit code (bin/recoup.js). */
export async function run(argv: readonly string[], ioOverrides: Partial<CliIO> = {}): Promise<number> {
  return (await runCli(argv, ioOverrides)).exitCode;
}

/**
 * A reader that stops early (`recoup … | head`) closes our stdout: end quietly. Any other write failure
 * (disk full) is a clear one-line error and a non-zero exit, never a stack trace. The stream fails outside
 * any command's control flow, so this is the one exit taken directly — with the codes of the table.
 */
function guardOutput(io: CliIO): void {
  const stream = io.stdout as NodeJS.WritableStream & { __recoupGuarded?: boolean };
  if (stream.__recoupGuarded || typeof stream.on !== 'function') return;
  stream.__recoupGuarded = true;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT.ok);
    io.stderr.write(`recoup: error IO_OUTPUT: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(exitForError('IO_OUTPUT'));
  });
}
