// Where a scan's rows go: one sink per run over the chosen format — CSV (one file per report in a
// directory), NDJSON (streamed), JSON and tables (built at the end) — to stdout or -o, with back-pressure,
// and with every output abandoned (temporary files and created folders removed) when the run fails.

import type { ChalkInstance } from 'chalk';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { ReportName, Row } from '../analysis/rows.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { RecoupError, usageError } from '../diagnostics/errors.js';
import { CsvReportWriter } from './csv.js';
import { ndjsonLine, ndjsonRunLines, renderJson } from './json.js';
import { BlockWriter, fileTarget, type OutputTarget, stdoutTarget, writeOut } from './output.js';
import { renderTable } from './table.js';
import { openXlsxWriter } from './xlsx.js';

export type SinkFormat = 'table' | 'csv' | 'json' | 'ndjson' | 'xlsx' | 'html';

/** What a run came to, for the outputs that carry it (the workbook's first sheet, JSON): figures and diagnostics. */
export interface RunInfo {
  /** The run's figures in order, for people (the workbook's Run sheet), e.g. ['Files', 4], ['Remittances', 4]. */
  figures: ReadonlyArray<readonly [label: string, value: number | string]>;
  /** The same figures with stable keys, for programs (JSON `run`), e.g. { files: 4, remittances: 4 }. */
  data: Readonly<Record<string, number | string>>;
  /** Every diagnostic of the run (codes and positions; never segment text). */
  diagnostics: readonly Diagnostic[];
}

export interface SinkOptions {
  format: SinkFormat;
  reports: readonly ReportName[];
  /** -o: a file, or with CSV a directory; undefined = stdout. */
  output: string | undefined;
  stdout: Writable;
  chalk: ChalkInstance;
  /** Terminal width for tables (only when they go to a terminal). */
  width: number | undefined;
  /** Where table text goes instead of stdout (the pager at a terminal); only the table format, only without -o. */
  writeTable?: (text: string) => Promise<void>;
  /** Whether stdout is a terminal (a workbook is never written to one). */
  stdoutIsTTY?: boolean;
  /** html: the page made of the collected rows (the dashboard). */
  renderHtml?: (rows: ReadonlyMap<ReportName, Row[]>) => Promise<string>;
}

/** What `-o` names before the run: nothing yet, a directory, or something else (a file, a device). */
export async function destinationKind(path: string): Promise<'missing' | 'directory' | 'other'> {
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
  return new RecoupError('IO_OUTPUT', `cannot write ${path}: ${why}`);
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

export interface Sinks {
  onRow(report: ReportName, row: Row): void;
  /** Resolves when the outputs have room again; undefined when they have room now (back-pressure). */
  waitForRoom(): Promise<void> | undefined;
  /** Completes every output; `run` is what the run came to, for the outputs that carry it (xlsx, json). */
  finish(run?: RunInfo): Promise<void>;
  /** Abandons every output: temporary files removed, folders this run created removed, targets untouched. */
  abort(): Promise<void>;
}

/** Opens the outputs; a write that fails while finishing (disk full) becomes a coded IO_OUTPUT error. */
export async function openSinks(o: SinkOptions): Promise<Sinks> {
  const sinks = await openSinksRaw(o);
  const { output } = o;
  return {
    ...sinks,
    finish: (run?: RunInfo) =>
      sinks.finish(run).catch((err: unknown) => {
        if (err instanceof RecoupError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const what = output === undefined ? 'the output' : output;
        throw new RecoupError('IO_OUTPUT', `cannot write ${what}: ${code ?? (err as Error).message}${output === undefined ? '' : '; the incomplete report was removed'}`);
      }),
  };
}

async function openSinksRaw(o: SinkOptions): Promise<Sinks> {
  const { format, reports, output } = o;
  if (format === 'xlsx' && output === undefined && o.stdoutIsTTY) {
    throw usageError('a workbook is a file, not text for the terminal: give -o <file>.xlsx (or redirect: > file.xlsx)');
  }
  if (format === 'html' && output === undefined && o.stdoutIsTTY) {
    throw usageError('the dashboard is an HTML file: give -o <file>.html (or redirect: > report.html)');
  }
  const kind = output === undefined ? undefined : await destinationKind(output);
  // several CSV reports and -o names nothing yet: it becomes the directory (created below, once the options are known good)
  const toDir = output !== undefined && (output.endsWith('/') || kind === 'directory' || (format === 'csv' && reports.length > 1 && kind === 'missing'));
  if (toDir && format !== 'csv') throw usageError(`-o ${output} is a directory; a directory takes --format csv (one file per report); give a file name for ${format}`);
  if (format === 'csv' && !toDir && reports.length > 1) {
    throw usageError(
      `CSV holds one report; ${reports.join(', ')} were asked for — choose one, or give -o <directory> for one file per report${output !== undefined ? ` (${output} is a file)` : ''}`,
    );
  }
  const open = async (path: string | undefined): Promise<OutputTarget> => {
    if (path === undefined) return stdoutTarget(o.stdout);
    try {
      return await fileTarget(path);
    } catch (err) {
      throw await cannotWrite(path, err);
    }
  };

  if (format === 'csv') {
    let firstCreated: string | undefined;
    if (toDir) {
      firstCreated = await mkdir(output!, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        throw new RecoupError('IO_OUTPUT', `cannot create the output directory ${output}: ${err.code ?? err.message}`);
      });
    }
    const writers = new Map<ReportName, { target: OutputTarget; writer: CsvReportWriter }>();
    try {
      for (const r of reports) {
        const target = await open(toDir ? join(output!, `${r}.csv`) : output);
        writers.set(r, { target, writer: new CsvReportWriter(r, target.stream) });
      }
    } catch (err) {
      for (const w of writers.values()) await w.target.abort();
      if (toDir) await removeCreatedFolders(output!, firstCreated);
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
        if (toDir) await removeCreatedFolders(output!, firstCreated);
      },
    };
  }

  const target = await open(output);
  if (format === 'xlsx') {
    // stdout is left open (ending process.stdout and writing to it again fails); a file is ended, then renamed
    let book: Awaited<ReturnType<typeof openXlsxWriter>>;
    try {
      book = await openXlsxWriter(target.stream, reports, { end: output !== undefined });
    } catch (err) {
      await target.abort(); // no temporary file left behind when the workbook cannot even start
      throw err;
    }
    return {
      onRow: (report, row) => book.row(report, row),
      waitForRoom: () => (book.needsDrain ? book.drained() : undefined),
      finish: async (run) => {
        await book.finish(run ?? { figures: [], data: {}, diagnostics: [] });
        await target.commit();
      },
      abort: async () => {
        await book.abort();
        await target.abort();
      },
    };
  }
  if (format === 'ndjson') {
    const lines = new BlockWriter(target.stream);
    return {
      onRow: (report, row) => lines.add(ndjsonLine(report, row)),
      waitForRoom: () => (lines.needsDrain ? lines.drained() : undefined),
      finish: async (run) => {
        if (run) lines.add(ndjsonRunLines({ run: run.data, diagnostics: run.diagnostics }));
        await lines.end();
        await target.commit();
      },
      abort: () => target.abort(),
    };
  }
  const collected = new Map<ReportName, Row[]>(reports.map((r) => [r, []]));
  return {
    onRow: (report, row) => collected.get(report)?.push(row),
    waitForRoom: () => undefined,
    finish: async (run) => {
      if (format === 'html') {
        await writeOut(target.stream, await o.renderHtml!(collected));
        await target.commit();
        return;
      }
      const text = format === 'json' ? renderJson(reports, collected, run ? { run: run.data, diagnostics: run.diagnostics } : undefined) : reports.map((r) => renderTable(r, collected.get(r)!, o.chalk, o.width)).join('\n');
      if (format === 'table' && output === undefined && o.writeTable) await o.writeTable(text);
      else await writeOut(target.stream, text);
      await target.commit();
    },
    abort: () => target.abort(),
  };
}

