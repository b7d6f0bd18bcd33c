// `recoup scan`: option handling, where each report goes, and the run summary on stderr.
// Data goes to stdout or -o; diagnostics and the summary line go to stderr.

import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { loadCarcFile } from '../analysis/codes.js';
import { REPORT_NAMES, type ReportName, type Row } from '../analysis/rows.js';
import { type Diagnostic, RecoupError } from '../diagnostics.js';
import { expandInputs } from '../inputs.js';
import { CsvReportWriter, waitForDrain } from '../report/csv.js';
import { formatDiagnostic } from '../report/diagnostics.js';
import { ndjsonLine, renderJson } from '../report/json.js';
import { fileTarget, type OutputTarget, stdoutTarget } from '../report/output.js';
import { redactRow } from '../report/redact.js';
import { renderTable } from '../report/table.js';
import { parseAmount } from '../remit/money.js';
import { Ledger } from '../ledger/ledger.js';
import { Scanner, type ScanStats } from '../scan.js';
import { formatCents } from '../remit/money.js';
import { type CliIO, type FlagNames, makeChalk, parseCliOptions, writeOut } from './io.js';
import { Progress } from './progress.js';
import { isCalendarDate } from '../x12/dates.js';

export const FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

const NEEDS_VALUE = 'needs a value';


export const scanOptionsSchema = z
  .object({
    report: z.array(z.string()).optional(),
    format: z.enum(FORMATS).optional(),
    csv: z.boolean().optional(),
    json: z.boolean().optional(),
    output: z.string().min(1, NEEDS_VALUE).optional(),
    carcFile: z.string().min(1, NEEDS_VALUE).optional(),
    ledger: z.string().min(1, NEEDS_VALUE).optional(),
    asOf: z
      .string()
      .refine((text) => isCalendarDate(text, 1900), { error: (issue) => `${JSON.stringify(issue.input)} is not a date; expected a real calendar date YYYY-MM-DD (year 1900 or later), e.g. 2024-03-31` })
      .optional(),
    color: z.boolean(),
    quiet: z.boolean().optional(),
    verbose: z.boolean().optional(),
    failOn: z.array(z.string()).optional(),
    escalateOver: z.string().optional(),
    newOnly: z.boolean().optional(),
    redact: z.boolean().optional(),
  })
  .refine((o) => [o.format !== undefined, o.csv === true, o.json === true].filter(Boolean).length <= 1, {
    message: 'choose one of --format, --csv and --json',
    path: ['format'],
  });

export type ScanCliOptions = z.infer<typeof scanOptionsSchema>;

export const FAIL_ON = ['unbalanced', 'unlinked', 'escalated', 'warnings'] as const;
type FailOn = (typeof FAIL_ON)[number];

function parseFailOn(values: readonly string[] | undefined): Set<FailOn> {
  const out = new Set<FailOn>();
  for (const v of (values ?? []).flatMap((x) => x.split(','))) {
    const name = v.trim().toLowerCase();
    if (name === '') continue;
    if (!(FAIL_ON as readonly string[]).includes(name)) throw usage(`--fail-on: unknown condition ${JSON.stringify(v)}; choose from ${FAIL_ON.join(', ')}`);
    out.add(name as FailOn);
  }
  return out;
}

function parseEscalate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const p = parseAmount(text.trim().replace(/^\$/, '').replaceAll(',', ''));
  if (!p.ok || p.cents < 0) throw usage(`--escalate-over: ${JSON.stringify(text)} is not an amount (for example 500 or 1250.00)`);
  return p.cents;
}

const DEFAULT_REPORTS: Record<Format, ReportName[]> = {
  table: ['summary', 'offsets'],
  csv: ['offsets'],
  json: ['summary', 'payments', 'offsets'],
  ndjson: ['summary', 'payments', 'offsets'],
};

/** How many warnings are printed before the rest are only counted (errors are always printed). */
const WARNING_LINES = 50;

function usage(message: string): RecoupError {
  return new RecoupError('USAGE', message, { exitCode: 2 });
}

export function parseReports(values: readonly string[] | undefined, format: Format): ReportName[] {
  if (values === undefined || values.length === 0) return DEFAULT_REPORTS[format];
  const out: ReportName[] = [];
  for (const v of values.flatMap((x) => x.split(','))) {
    const name = v.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'all') {
      for (const r of REPORT_NAMES) if (!out.includes(r)) out.push(r);
      continue;
    }
    if (!(REPORT_NAMES as readonly string[]).includes(name)) throw usage(`unknown report ${JSON.stringify(v)}; choose from ${REPORT_NAMES.join(', ')}`);
    if (!out.includes(name as ReportName)) out.push(name as ReportName);
  }
  if (out.length === 0) throw usage('--report needs at least one report name');
  return out;
}

/** What `-o` names before the run: nothing yet, a directory, or something else (a file, a device). */
async function destinationKind(path: string): Promise<'missing' | 'directory' | 'other'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'other';
  }
}

/** Why a file cannot be created at `path`, in words: a missing or non-folder parent is named. */
async function cannotWrite(path: string, err: unknown): Promise<RecoupError> {
  const code = (err as NodeJS.ErrnoException).code;
  let why = code ?? (err as Error).message;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const folder = dirname(path);
    const kind = await destinationKind(folder);
    if (kind === 'missing') why = `the folder ${folder} does not exist`;
    else if (kind === 'other' && code === 'ENOTDIR') why = `${folder} is not a folder`;
  }
  return new RecoupError('IO_OUTPUT', `cannot write ${path}: ${why}`, { exitCode: 1 });
}

/** Removes the folders `mkdir -p` created for this run (from the leaf up to the first one it made), if still empty. */
async function removeCreatedFolders(leaf: string, firstCreated: string | undefined): Promise<void> {
  if (firstCreated === undefined) return;
  const stop = resolve(firstCreated);
  for (let dir = resolve(leaf); ; dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    if (dir === stop || dirname(dir) === dir) return;
  }
}

interface Sinks {
  onRow(report: ReportName, row: Row): void;
  /** Resolves when the outputs have room again; undefined when they have room now (back-pressure). */
  waitForRoom(): Promise<void> | undefined;
  finish(): Promise<void>;
  /** Abandons every output: temporary files removed, folders this run created removed, targets untouched. */
  abort(): Promise<void>;
}

/** Opens the outputs; a write that fails while finishing (disk full) becomes a coded IO_OUTPUT error. */
async function openSinks(format: Format, reports: ReportName[], opts: ScanCliOptions, io: CliIO): Promise<Sinks> {
  const sinks = await openSinksRaw(format, reports, opts, io);
  return {
    ...sinks,
    finish: () =>
      sinks.finish().catch((err: unknown) => {
        if (err instanceof RecoupError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const what = opts.output === undefined ? 'the output' : opts.output;
        throw new RecoupError('IO_OUTPUT', `cannot write ${what}: ${code ?? (err as Error).message}${opts.output === undefined ? '' : '; the incomplete report was removed'}`, { exitCode: 1 });
      }),
  };
}

async function openSinksRaw(format: Format, reports: ReportName[], opts: ScanCliOptions, io: CliIO): Promise<Sinks> {
  const chalk = makeChalk(opts.color, opts.output === undefined && io.stdoutIsTTY, io.env);
  const kind = opts.output === undefined ? undefined : await destinationKind(opts.output);
  // several CSV reports and -o names nothing yet: it becomes the directory (created below, once the options are known good)
  const toDir = opts.output !== undefined && (opts.output.endsWith('/') || kind === 'directory' || (format === 'csv' && reports.length > 1 && kind === 'missing'));
  if (toDir && format !== 'csv') throw usage(`-o ${opts.output} is a directory; a directory takes --format csv (one file per report); give a file name for ${format}`);
  if (format === 'csv' && !toDir && reports.length > 1) {
    throw usage(
      `CSV holds one report; ${reports.join(', ')} were asked for — choose one, or give -o <directory> for one file per report${opts.output !== undefined ? ` (${opts.output} is a file)` : ''}`,
    );
  }
  const open = async (path: string | undefined): Promise<OutputTarget> => {
    if (path === undefined) return stdoutTarget(io.stdout);
    try {
      return await fileTarget(path);
    } catch (err) {
      throw await cannotWrite(path, err);
    }
  };

  if (format === 'csv') {
    let firstCreated: string | undefined;
    if (toDir) {
      firstCreated = await mkdir(opts.output!, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        throw new RecoupError('IO_OUTPUT', `cannot create the output directory ${opts.output}: ${err.code ?? err.message}`, { exitCode: 1 });
      });
    }
    const writers = new Map<ReportName, { target: OutputTarget; writer: CsvReportWriter }>();
    try {
      for (const r of reports) {
        const target = await open(toDir ? join(opts.output!, `${r}.csv`) : opts.output);
        writers.set(r, { target, writer: new CsvReportWriter(r, target.stream) });
      }
    } catch (err) {
      for (const w of writers.values()) await w.target.abort();
      if (toDir) await removeCreatedFolders(opts.output!, firstCreated);
      throw err;
    }
    const all = [...writers.values()].map((w) => w.writer);
    return {
      onRow: (report, row) => writers.get(report)?.writer.row(row),
      waitForRoom: () => (all.some((w) => w.needsDrain) ? Promise.all(all.map((w) => w.drained())).then(() => undefined) : undefined),
      finish: async () => {
        for (const w of writers.values()) {
          await w.writer.end();
          await w.target.commit();
        }
      },
      abort: async () => {
        for (const w of writers.values()) await w.target.abort();
        if (toDir) await removeCreatedFolders(opts.output!, firstCreated);
      },
    };
  }

  const target = await open(opts.output);
  if (format === 'ndjson') {
    // lines are written in blocks of about 64 KiB, not one write each
    let pending = '';
    const stream = target.stream;
    return {
      onRow: (report, row) => {
        pending += ndjsonLine(report, row);
        if (pending.length >= 64 * 1024) {
          stream.write(pending);
          pending = '';
        }
      },
      waitForRoom: () => (stream.writableNeedDrain ? waitForDrain(stream) : undefined),
      finish: async () => {
        await writeOut(stream, pending);
        pending = '';
        await target.commit();
      },
      abort: () => target.abort(),
    };
  }
  const collected = new Map<ReportName, Row[]>(reports.map((r) => [r, []]));
  return {
    onRow: (report, row) => collected.get(report)?.push(row),
    waitForRoom: () => undefined,
    finish: async () => {
      const width = opts.output === undefined && io.stdoutIsTTY ? io.columns : undefined;
      const text = format === 'json' ? renderJson(reports, collected) : reports.map((r) => renderTable(r, collected.get(r)!, chalk, width)).join('\n');
      await writeOut(target.stream, text);
      await target.commit();
    },
    abort: () => target.abort(),
  };
}

export async function runScan(paths: string[], raw: unknown, io: CliIO, flags?: FlagNames): Promise<number> {
  const opts = parseCliOptions(scanOptionsSchema, raw, flags);
  const format: Format = opts.csv ? 'csv' : opts.json ? 'json' : (opts.format ?? 'table');
  const reports = parseReports(opts.report, format);
  const carc = opts.carcFile !== undefined ? await loadCarcFile(opts.carcFile) : undefined;
  const failOn = parseFailOn(opts.failOn);
  const escalateOver = parseEscalate(opts.escalateOver);

  const list = paths.length > 0 ? paths : io.stdinIsTTY ? [] : ['-'];
  if (list.length === 0) throw usage('no input: give one or more 835 files or directories, or pipe a file into standard input');

  const chalkErr = makeChalk(opts.color, io.stderrIsTTY, io.env);
  let warningsShown = 0;
  let warningsHidden = 0;
  const showDiagnostic = (d: Diagnostic): void => {
    if (d.severity !== 'error') {
      if (opts.quiet) return;
      if (!opts.verbose && warningsShown >= WARNING_LINES) {
        warningsHidden++;
        return;
      }
      warningsShown++;
    }
    progress?.clear();
    io.stderr.write(formatDiagnostic(d, chalkErr, opts.verbose === true) + '\n');
  };

  const { inputs, diagnostics: inputProblems } = await expandInputs(list);
  let progress: Progress | null = null;
  if (io.stderrIsTTY && !opts.quiet) {
    let total = 0;
    for (const input of inputs) if (input !== '-') total += await stat(input).then((st) => st.size, () => 0);
    // RECOUP_PROGRESS_AFTER_MS: when the bar first appears (default 500 ms; tests set 0)
    const after = Number(io.env.RECOUP_PROGRESS_AFTER_MS);
    progress = new Progress(io.stderr, total, inputs.length, Number.isFinite(after) && io.env.RECOUP_PROGRESS_AFTER_MS !== undefined ? after : undefined);
  }
  let exit = inputProblems.length > 0 ? 1 : 0;
  for (const d of inputProblems) showDiagnostic(d);

  const outputKindBefore = opts.output === undefined ? undefined : await destinationKind(opts.output);
  const ledgerPath = opts.ledger ?? (io.env.RECOUP_LEDGER || undefined);
  if (opts.newOnly && ledgerPath === undefined) throw usage('--new-only needs a ledger (--ledger <file> or RECOUP_LEDGER) to know which files were already read');
  const ledger = ledgerPath !== undefined ? Ledger.open(ledgerPath) : undefined;
  let scanner: Scanner;
  let nothingRead = false;
  try {
    const sinks = await openSinks(format, reports, opts, io);
    scanner = new Scanner({
      reports,
      ...(carc ? { carc } : {}),
      ...(ledger ? { ledger } : {}),
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      ...(escalateOver !== undefined ? { escalateOver } : {}),
      ...(opts.newOnly ? { newOnly: true } : {}),
      ...(progress ? { onBytes: (n: number) => progress!.addBytes(n) } : {}),
      waitForOutput: () => sinks.waitForRoom(),
      onRow: opts.redact ? (report, row) => sinks.onRow(report, redactRow(report, row)) : (report, row) => sinks.onRow(report, row),
      onDiagnostic: showDiagnostic,
      stdin: io.stdin,
    });
    try {
      for (const input of inputs) {
        await scanner.scanFile(input);
        progress?.fileDone();
      }
      progress?.clear();
      scanner.finish();
      // no input could be read (all missing, unreadable or not X12): a header-only report must not replace a good one
      nothingRead = scanner.stats.unreadableFiles === scanner.stats.files;
      if (nothingRead && opts.output !== undefined) await sinks.abort();
      else await sinks.finish();
    } catch (err) {
      await sinks.abort();
      // the output failed while inputs were still being read (disk full): an output error, not a bug
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (!(err instanceof RecoupError) && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
        throw new RecoupError('IO_OUTPUT', `cannot write ${opts.output ?? 'the output'}: ${code}${opts.output === undefined ? '' : '; the incomplete report was removed'}`, { exitCode: 1 });
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
  if (s.unreadableFiles > 0 || s.errors > 0 || s.incompleteRemittances > 0) exit = 1;
  // --fail-on: a policy outcome (exit 3); an input that could not be read (exit 1) outranks it
  const met: string[] = [];
  if (failOn.has('unbalanced') && s.balanceFailures > 0) {
    const unknown = s.unknownBalanceRemittances ? `, ${s.unknownBalanceRemittances} could not be checked (an amount unreadable)` : '';
    met.push(`unbalanced: ${s.unbalancedRemittances} remittance(s) unbalanced${unknown}; ${s.balanceFailures} balance check(s) failed or not made`);
  }
  if (failOn.has('unlinked') && s.unlinkedRecoupments > 0) met.push(`unlinked: ${s.unlinkedRecoupments} recoupment(s) or deferral(s) not linked to one claim${unlinkedLines(s)}`);
  if (failOn.has('escalated') && s.escalatedOffsets > 0) met.push(`escalated: ${s.escalatedOffsets} offset(s) over the --escalate-over amount`);
  if (failOn.has('warnings') && s.warnings + s.errors > 0) met.push(`warnings: ${s.warnings} warning(s), ${s.errors} error(s)`);
  for (const m of met) io.stderr.write(`recoup: --fail-on ${m}\n`);
  if (met.length > 0 && exit === 0) exit = 3;
  if (warningsHidden > 0) io.stderr.write(`… ${warningsHidden} more warning${warningsHidden === 1 ? '' : 's'} not shown (--verbose shows all)\n`);
  if (!opts.quiet) {
    io.stderr.write(
      `recoup: ${s.files} file${s.files === 1 ? '' : 's'}${s.unreadableFiles ? ` (${s.unreadableFiles} not read)` : ''}, ` +
        `${s.remittances} remittance${s.remittances === 1 ? '' : 's'} (${s.balancedRemittances} balanced, ${s.unbalancedRemittances} unbalanced` +
        `${s.unknownBalanceRemittances ? `, ${s.unknownBalanceRemittances} unknown (an amount could not be read)` : ''}), ` +
        `${s.duplicateRemittances ? `${s.duplicateRemittances} duplicate remittance${s.duplicateRemittances === 1 ? '' : 's'} counted once, ` : ''}` +
        `${s.claims} claim${s.claims === 1 ? '' : 's'}, ${s.offsets} provider-level offset${s.offsets === 1 ? '' : 's'}` +
        `${s.skippedKnownFiles ? `, ${s.skippedKnownFiles} file${s.skippedKnownFiles === 1 ? '' : 's'} already in the ledger skipped` : ''}` +
        `${escalateOver !== undefined ? `, ${s.escalatedOffsets} escalated` : ''}` +
        `${s.incompleteRemittances ? `, ${s.incompleteRemittances} remittance${s.incompleteRemittances === 1 ? '' : 's'} cut short (no SE; read as far as they go)` : ''}` +
        `${s.skippedTransactions ? `, ${s.skippedTransactions} non-835 transaction${s.skippedTransactions === 1 ? '' : 's'} skipped (${skippedKinds(s.skippedByType)})` : ''}; ` +
        `${s.errors + inputProblems.length} error${s.errors + inputProblems.length === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}\n`,
    );
  }
  return exit;
}

/** Each offset of the suspense list on its own line: where it is, what it is (no patient data). */
function unlinkedLines(s: ScanStats): string {
  const lines = s.unlinkedList.map(
    (o) => `\n  ${o.file}  trace ${o.traceNumber || '(none)'}  ${o.reasonCode}  reference ${o.reference || '(none)'}  ${formatCents(o.amount)}  ${o.basis === 'ambiguous' ? 'ambiguous' : 'no claim found'}`,
  );
  const more = s.unlinkedRecoupments - s.unlinkedList.length;
  return `:${lines.join('')}${more > 0 ? `\n  … and ${more} more (see the offsets report)` : ''}`;
}

/** "837 ×1, 999 ×2" */
function skippedKinds(byType: Record<string, number>): string {
  return Object.entries(byType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, n]) => `${type} ×${n}`)
    .join(', ');
}
