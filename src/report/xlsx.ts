// The Excel workbook (-f xlsx): how report rows become typed cells (amounts, counts and dates as numbers
// and dates; identifiers always as text, so trace numbers, ICNs and references keep every digit), the
// layout (a "Run" sheet first, then one sheet per report — more when a report passes Excel's row limit —
// with a bold frozen header, an autofilter and an exact totals row), and the spool that makes this possible
// while rows of several reports arrive interleaved: each report's rows go to its own temporary file (0600,
// unlinked as soon as it is open where the system allows) and the workbook is written from them at finish,
// one sheet at a time through exceljs' streaming writer, so memory stays flat however many rows there are.
// exceljs is loaded only when a workbook is asked for.

import { type FileHandle, mkdtemp, open, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { setTimeout as delay, setImmediate as nextTurn } from 'node:timers/promises';
import type ExcelJSModule from 'exceljs';
import { type ColumnKind, COLUMNS, type ReportName, type Row } from '../analysis/rows.js';
import { RecoupError } from '../diagnostics/errors.js';
import { amountCents, parseAmount } from '../remit/money.js';
import { BlockWriter, waitForDrain } from './output.js';
import type { RunInfo } from './sinks.js';

export interface XlsxWriterOptions {
  /** End `out` once the workbook is written (default true). Pass false for process.stdout. */
  end?: boolean;
  /** Where the spool files go (default os.tmpdir()). */
  spoolDir?: string;
  /**
   * Rows on one sheet (default and at most MAX_SHEET_ROWS, what Excel holds): a report with more continues
   * on sheets named "Claims (2)", "Claims (3)", … each with its header, filter and totals.
   */
  rowsPerSheet?: number;
}

export interface XlsxWriter {
  /** Takes one row of a report given at open (rows of other reports are ignored). Never blocks; see needsDrain. */
  row(report: ReportName, row: Row): void;
  /** True when the spool has more queued than it wants: the caller should await `drained()` before reading on. */
  readonly needsDrain: boolean;
  /** Resolves when the spool has room again; rejects if writing the spool failed. */
  drained(): Promise<void>;
  /**
   * Writes the whole workbook to `out` (Run sheet, then one sheet per report in the order given) and resolves
   * once `out` has taken every byte (and has finished, when ending it). The spool is removed either way.
   */
  finish(run: RunInfo): Promise<void>;
  /** Abandons the workbook: stops writing, removes the spool. `out` is neither ended nor touched further. */
  abort(): Promise<void>;
}

/** The sheet holding the run's figures and diagnostics; always first. */
export const RUN_SHEET = 'Run';

/**
 * Rows an Excel sheet holds (1,048,576) less the header and the totals row. A report can pass it: the
 * adjustments of a 200 MB 835 are about two million rows.
 */
export const MAX_SHEET_ROWS = 1_048_576 - 2;

/**
 * Columns whose values do not add up, so they get no total: a percentage, an average, an age, a line
 * quantity, and the paid amount of the claim an offset links to (several offsets can link to one claim).
 */
const NOT_ADDITIVE: ReadonlySet<string> = new Set(['age_days', 'offset_rate_percent', 'avg_recoupment_lag_days', 'quantity', 'linked_claim_paid']);

/**
 * Amounts that are empty when the remittance does not carry them (CLP05, AMT*I): nothing to add, not unknown,
 * as the remittance's own totals count them. Everywhere else an empty amount could not be read, and makes
 * its column's total unknown.
 */
const EMPTY_IS_NONE: Partial<Record<ReportName, ReadonlySet<string>>> = { claims: new Set(['patient_responsibility', 'interest']) };

/** Rows looked at for column widths, and the widest a column is made (characters). */
const WIDTH_ROWS = 200;
const MAX_WIDTH = 50;

/** Bytes of sheet XML let wait for the zip before rows wait for it. */
const ZIP_QUEUE = 4 * 1024 * 1024;

const AMOUNT_FORMAT = '#,##0.00';
const COUNT_FORMAT = '#,##0';
const DATE_FORMAT = 'yyyy-mm-dd';
const TEXT_FORMAT = '@';

type CellValue = string | number | Date | null;

interface Style {
  numFmt?: string;
  font?: { bold?: boolean; italic?: boolean };
}

// One style object per kind, shared by every cell of that kind: exceljs maps a style object to its id once.
const STYLE = {
  text: { numFmt: TEXT_FORMAT },
  amount: { numFmt: AMOUNT_FORMAT },
  tenths: { numFmt: '#,##0.0' },
  count: { numFmt: COUNT_FORMAT },
  date: { numFmt: DATE_FORMAT },
  number: {},
  header: { font: { bold: true } },
  totalLabel: { font: { bold: true } },
  totalAmount: { numFmt: AMOUNT_FORMAT, font: { bold: true } },
  totalCount: { numFmt: COUNT_FORMAT, font: { bold: true } },
  totalUnknown: { font: { bold: true, italic: true } },
} satisfies Record<string, Style>;

/**
 * How a column's text becomes a cell: the cell value (null = empty), its style, and what it adds to the
 * column's total. One object, filled again for every cell: a claims workbook has millions of them.
 */
const converted: { value: CellValue; style: Style; units: number | null } = { value: null, style: STYLE.text, units: null };

function convert(kind: ColumnKind, key: string, text: string): typeof converted {
  converted.units = null;
  if (text === '') {
    converted.value = null;
    return converted;
  }
  switch (kind) {
    case 'amount': {
      const cents = amountCents(text) ?? centsOrNull(text);
      if (cents === null) break;
      converted.value = cents / 100;
      converted.style = key === 'avg_recoupment_lag_days' ? STYLE.tenths : STYLE.amount;
      converted.units = cents;
      return converted;
    }
    case 'count': {
      if (!COUNT.test(text)) break;
      converted.value = converted.units = Number(text);
      converted.style = STYLE.count;
      return converted;
    }
    case 'date': {
      const date = excelDate(text);
      if (date === null) break;
      converted.value = date;
      converted.style = STYLE.date;
      return converted;
    }
    default:
      break;
  }
  // text, code and flag columns, and anything that did not read as its kind: the text itself, as a string
  converted.value = text;
  converted.style = STYLE.text;
  return converted;
}

const COUNT = /^-?\d{1,15}$/;

/** The forms of decimal text amountCents leaves to the full parser (".5", "1.230"). */
function centsOrNull(text: string): number | null {
  const parsed = parseAmount(text);
  return parsed.ok ? parsed.cents : null;
}

/** "YYYY-MM-DD" → that day at UTC midnight; null when not a real date Excel can show (it starts at 1900-03-01). */
function excelDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  if (date.getTime() < Date.UTC(1900, 2, 1)) return null;
  return date;
}

/** 1 → A, 27 → AA. */
function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

/** Characters a value takes on screen in its column (amounts gain thousands separators). */
function displayWidth(kind: ColumnKind, text: string): number {
  if (kind === 'date') return 10;
  if (kind === 'amount' || kind === 'count') {
    const digits = text.replace(/^-/, '').split('.')[0]!.length;
    return text.length + Math.max(0, Math.floor((digits - 1) / 3)) + (kind === 'amount' && !text.includes('.') ? 3 : 0);
  }
  return text.length;
}

/** "claims" → "Claims"; characters a sheet name cannot hold are replaced; at most 31 characters; unique. */
function sheetName(report: string, taken: Set<string>): string {
  const base = (report.charAt(0).toUpperCase() + report.slice(1)).replace(/[[\]:*?/\\]/g, '_').replace(/^'|'$/g, '_').slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()) || name.toLowerCase() === 'history'; i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * A spooled row is its values joined by the unit separator (U+001F) on one line; a row whose values hold a
 * separator or a line break (never seen in an 835, but a file name may) is written as a JSON array after a
 * record separator (U+001E) instead. Joining and splitting cost a third of JSON for a claims report.
 */
const SEP = '\u001f';
const JSON_LINE = '\u001e';

/** True when `line` (values joined by SEP) splits back into exactly `count` values on one line. */
function plain(line: string, count: number): boolean {
  if (line.includes('\n') || line.includes(JSON_LINE)) return false;
  let seps = 0;
  for (let i = line.indexOf(SEP); i >= 0; i = line.indexOf(SEP, i + 1)) seps++;
  return seps === count - 1;
}

function parseLine(line: string): string[] {
  return line.charCodeAt(0) === 0x1e ? (JSON.parse(line.slice(1)) as string[]) : line.split(SEP);
}

function spoolError(dir: string, err: unknown): RecoupError {
  const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new RecoupError('IO_OUTPUT', `cannot write the workbook's temporary files in ${dir}: ${why}`, { cause: err });
}

/** One report's rows on disk, one line each (see SEP); read back once at finish. */
class Spool {
  private readonly stream: Writable;
  private readonly lines: BlockWriter;
  private failure: RecoupError | null = null;
  private reading: Readable | undefined;

  private constructor(
    private readonly handle: FileHandle,
    private readonly dir: string,
    /** Still to remove (the system would not unlink an open file). */
    private path: string | undefined,
  ) {
    this.stream = handle.createWriteStream({ start: 0, autoClose: false, highWaterMark: 256 * 1024 });
    this.stream.on('error', (err) => this.fail(err));
    this.lines = new BlockWriter(this.stream);
  }

  static async open(dir: string, name: string): Promise<Spool> {
    const path = join(dir, name);
    const handle = await open(path, 'wx+', 0o600).catch((err: unknown) => {
      throw spoolError(dir, err);
    });
    // unlinked at once where the system allows: nothing is left behind even if the process is killed
    const removed = await unlink(path).then(
      () => true,
      () => false,
    );
    return new Spool(handle, dir, removed ? undefined : path);
  }

  /** The first failure, in words that name the temporary folder (not the workbook's destination). */
  private fail(err: unknown): RecoupError {
    return (this.failure ??= spoolError(this.dir, err));
  }

  add(values: string[]): void {
    const line = values.join(SEP);
    this.lines.add((plain(line, values.length) ? line : JSON_LINE + JSON.stringify(values)) + '\n');
  }

  /** True also once writing failed, so that the caller asks `drained()` and learns why. */
  get needsDrain(): boolean {
    return this.failure !== null || this.lines.needsDrain;
  }

  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.lines.drained().catch((err: unknown) => {
      throw this.fail(err);
    });
  }

  /** Writes what is queued; rejects if any write to the spool failed (a full disk). */
  async endWriting(): Promise<void> {
    try {
      await this.lines.end();
      await new Promise<void>((resolve, reject) => {
        this.stream.end(() => (this.failure ? reject(this.failure) : resolve()));
      });
    } catch (err) {
      throw this.fail(err);
    }
    if (this.failure) throw this.failure;
  }

  /** The rows, in the order they were added, a chunk of lines at a time. */
  async *rows(): AsyncGenerator<string[][]> {
    const input: Readable = this.handle.createReadStream({ start: 0, autoClose: false, encoding: 'utf8', highWaterMark: 256 * 1024 });
    this.reading = input;
    let rest = '';
    for await (const chunk of input as AsyncIterable<string>) {
      const text = rest + chunk;
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        rest = text;
        continue;
      }
      rest = text.slice(last + 1);
      const rows: string[][] = [];
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0 && nl <= last; nl = text.indexOf('\n', start)) {
        rows.push(parseLine(text.slice(start, nl)));
        start = nl + 1;
      }
      yield rows;
    }
    if (rest !== '') yield [parseLine(rest)];
  }

  /** Closes and removes the file; never throws. */
  async dispose(): Promise<void> {
    this.reading?.destroy();
    if (!this.stream.destroyed) this.stream.destroy();
    await this.handle.close().catch(() => {});
    if (this.path !== undefined) await unlink(this.path).catch(() => {});
    this.path = undefined;
  }
}

interface SheetPlan {
  report: ReportName;
  name: string;
  keys: string[];
  kinds: ColumnKind[];
  widths: number[];
  rows: number;
  spool: Spool;
}

/** Bytes queued on a stream's writable side (archiver's streams are readable-stream's, without `writableLength`). */
function queued(stream: Writable): number {
  return stream.writableLength ?? (stream as unknown as { _writableState?: { length?: number } })._writableState?.length ?? 0;
}

/** Passes the zip's bytes to `out`, one chunk at a time, each taken (write callback) before the next: back-pressure end to end. */
class Forward extends Writable {
  /** Set when the workbook is abandoned: nothing more reaches `out`. */
  detached = false;

  constructor(private readonly out: Writable) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.detached) return callback();
    this.out.write(chunk, (err) => callback(err ?? null));
  }
}

/** The parts of exceljs' streaming writer used here (its typings describe the in-memory workbook). */
interface StreamRow {
  getCell(col: number): { value: unknown; style: unknown };
  commit(): void;
}
interface StreamSheet {
  /** The sheet's XML stream (exceljs' StreamBuf); `pipes` are where it writes: the zip's entry stream. */
  stream?: { pipes?: Writable[] };
  columns: Array<{ width: number }>;
  autoFilter: string | null;
  addRow(values: unknown[]): StreamRow;
  commit(): void;
}
interface StreamBook {
  creator: string;
  lastModifiedBy: string;
  zip: { on(event: 'error' | 'warning', listener: (err: Error) => void): void; unpipe(destination: Writable): void; abort(): void };
  addWorksheet(name: string, options?: { views?: unknown[] }): StreamSheet;
  commit(): Promise<void>;
}

/**
 * Opens a workbook over `out` for the given reports (their sheets in this order, after "Run"). Rows are
 * spooled as they come; nothing is written to `out` until `finish`. Call `row` for every row (honouring
 * `needsDrain`/`drained()`), then `finish(run)` once, or `abort()` if the run fails (also after a failed finish).
 */
export async function openXlsxWriter(out: Writable, reports: readonly ReportName[], options: XlsxWriterOptions = {}): Promise<XlsxWriter> {
  const { default: ExcelJS } = (await import('exceljs')) as { default: typeof ExcelJSModule };
  const parent = options.spoolDir ?? tmpdir();
  const dir = await mkdtemp(join(parent, 'recoup-xlsx-')).catch((err: unknown) => {
    throw spoolError(parent, err);
  });
  const plans = new Map<ReportName, SheetPlan>();
  const taken = new Set<string>([RUN_SHEET.toLowerCase()]);
  const rowsPerSheet = Math.max(1, Math.min(MAX_SHEET_ROWS, Math.floor(options.rowsPerSheet ?? MAX_SHEET_ROWS)));
  try {
    for (const report of reports) {
      if (plans.has(report)) continue;
      const columns = COLUMNS[report] ?? [];
      const keys = columns.map((c) => c.key);
      const spool = await Spool.open(dir, `${plans.size}.rows`);
      plans.set(report, {
        report,
        name: sheetName(report, taken),
        keys,
        kinds: columns.map((c) => c.kind),
        widths: keys.map((k) => k.length + 3), // room for the autofilter button
        rows: 0,
        spool,
      });
    }
  } catch (err) {
    for (const p of plans.values()) await p.spool.dispose();
    await rmdir(dir).catch(() => {});
    throw err;
  }
  // the spool files are unlinked already where the system allows it; the folder then goes too
  let dirLeft = await rmdir(dir).then(
    () => false,
    () => true,
  );
  const all = [...plans.values()];
  let state: 'open' | 'finishing' | 'done' = 'open';
  let stop: (() => void) | undefined;

  const cleanup = async (): Promise<void> => {
    for (const p of all) await p.spool.dispose();
    if (dirLeft) await rmdir(dir).catch(() => {});
    dirLeft = false;
  };

  return {
    row(report, row) {
      const plan = plans.get(report);
      if (plan === undefined || state !== 'open') return;
      if (plan.keys.length === 0) {
        // a report without a declared column contract: its first row's keys, as text
        plan.keys = Object.keys(row);
        plan.kinds = plan.keys.map(() => 'text');
        plan.widths = plan.keys.map((k) => k.length + 3);
      }
      const { keys, kinds, widths } = plan;
      const values = new Array<string>(keys.length);
      for (let i = 0; i < keys.length; i++) values[i] = row[keys[i]!] ?? '';
      if (plan.rows < WIDTH_ROWS) {
        for (let i = 0; i < keys.length; i++) widths[i] = Math.min(MAX_WIDTH, Math.max(widths[i]!, displayWidth(kinds[i]!, values[i]!) + 2));
      }
      plan.rows++;
      plan.spool.add(values);
    },

    get needsDrain() {
      return all.some((p) => p.spool.needsDrain);
    },

    drained() {
      return Promise.all(all.map((p) => p.spool.drained())).then(() => undefined);
    },

    async finish(run) {
      if (state !== 'open') throw new Error('the workbook is already finished or abandoned');
      state = 'finishing';
      try {
        for (const p of all) await p.spool.endWriting();
        // a report with more rows than a sheet holds continues on further sheets, named now that the counts are known
        const names = new Map(
          all.map((p) => {
            const parts = Math.max(1, Math.ceil(p.rows / rowsPerSheet));
            const more = Array.from({ length: parts - 1 }, (_, k) => {
              const suffix = ` (${k + 2})`;
              return sheetName(p.name.slice(0, 31 - suffix.length) + suffix, taken);
            });
            return [p, [p.name, ...more]] as const;
          }),
        );

        const sink = new Forward(out);
        const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false }) as unknown as StreamBook;
        book.creator = 'recoup';
        book.lastModifiedBy = 'recoup';
        let stopped = false;
        let failed: Error | null = null;
        const broken = new Promise<never>((_, reject) => {
          const fail = (err: Error): void => {
            failed ??= err;
            stopped = true;
            reject(err);
          };
          sink.on('error', fail);
          book.zip.on('error', fail);
          stop = () => fail(new Error('the workbook was abandoned'));
        });
        broken.catch(() => {});
        const check = (): void => {
          if (stopped) throw failed ?? new Error('the workbook was abandoned');
        };
        /**
         * Lets the zip and the output catch up: rows become XML faster than it is compressed and written, and
         * exceljs hands a sheet's XML to the zip's entry stream without waiting (it ignores back-pressure), so
         * that stream's queue is watched here and the rows wait while it is long. From there to `out` every
         * step is a pipe, which waits for the next.
         */
        const keepUp = async (sheet?: StreamSheet): Promise<void> => {
          await nextTurn();
          check();
          const entry = sheet?.stream?.pipes?.[0];
          while (entry && queued(entry) > ZIP_QUEUE) {
            await Promise.race([new Promise((resolve) => entry.once('drain', resolve)), delay(25), broken]);
            check();
          }
          if (sink.writableNeedDrain) await Promise.race([waitForDrain(sink), broken]);
          check();
        };

        const work = async (): Promise<void> => {
          await writeRunSheet(book, run, keepUp);
          for (const p of all) await writeReport(book, p, names.get(p)!, rowsPerSheet, keepUp);
          await book.commit();
        };
        try {
          await Promise.race([work(), broken]);
        } catch (err) {
          // stop the zip and let nothing more reach `out` (what it already took stays: the caller abandons the output)
          stopped = true;
          sink.detached = true;
          try {
            book.zip.unpipe(sink);
            book.zip.abort();
          } catch {
            // already ended
          }
          throw err;
        }
        if (options.end ?? true) await endStream(out);
        state = 'done';
      } catch (err) {
        state = 'done';
        throw err;
      } finally {
        stop = undefined;
        await cleanup();
      }
    },

    async abort() {
      state = 'done';
      stop?.();
      await cleanup();
    },
  };
}

/** Ends `out` and resolves once it has finished (every byte handed to the system), rejects on its error. */
function endStream(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.writableFinished) return resolve();
    const onError = (err: Error): void => reject(err);
    out.once('error', onError);
    out.end((err?: Error | null) => {
      out.off('error', onError);
      if (err) reject(err);
      else resolve();
    });
  });
}

async function writeRunSheet(book: StreamBook, run: RunInfo, keepUp: (sheet?: StreamSheet) => Promise<void>): Promise<void> {
  const sheet = book.addWorksheet(RUN_SHEET);
  // `line` for bank statements (line-oriented), `segment` for X12
  const header = ['code', 'severity', 'file', 'line', 'segment', 'byte', 'element', 'message'];
  const widths = [12, 10, 10, 7, 9, 8, 9, 12];
  const widen = (i: number, text: string): void => {
    widths[i] = Math.min(i === 7 ? 2 * MAX_WIDTH : MAX_WIDTH, Math.max(widths[i]!, text.length + 2));
  };
  for (const [label, value] of run.figures) {
    widen(0, label);
    widen(1, String(value));
  }
  for (const d of run.diagnostics.slice(0, WIDTH_ROWS)) {
    [d.code, d.severity, d.file ?? '', String(d.line ?? ''), String(d.segment ?? ''), String(d.byteOffset ?? ''), d.element ?? '', d.message].forEach((v, i) => widen(i, v));
  }
  sheet.columns = widths.map((width) => ({ width }));

  const put = (cells: CellValue[], styles: Style | readonly Style[]): void => {
    const row = sheet.addRow([]);
    cells.forEach((value, i) => {
      if (value === null) return;
      const cell = row.getCell(i + 1);
      cell.value = value;
      cell.style = Array.isArray(styles) ? styles[i] : styles;
    });
    row.commit();
  };
  put(['figure', 'value'], STYLE.header);
  for (const [label, value] of run.figures) {
    const number = typeof value === 'number' && Number.isFinite(value);
    put([label, number ? value : String(value)], [STYLE.text, number ? STYLE.number : STYLE.text]);
  }
  put([], STYLE.text);
  put(header, STYLE.header);
  const diagnosticStyles = [STYLE.text, STYLE.text, STYLE.text, STYLE.number, STYLE.number, STYLE.number, STYLE.text, STYLE.text];
  let n = 0;
  for (const d of run.diagnostics) {
    // codes and positions and the message; never the segment's text (it may hold patient data)
    put([d.code, d.severity, d.file ?? null, d.line ?? null, d.segment ?? null, d.byteOffset ?? null, d.element ?? null, d.message], diagnosticStyles);
    if (++n % 2000 === 0) await keepUp(sheet);
  }
  sheet.commit();
  await keepUp();
}

/** Writes a report's sheets from its spool: one, or as many as its rows need (see rowsPerSheet). */
async function writeReport(
  book: StreamBook,
  plan: SheetPlan,
  names: readonly string[],
  rowsPerSheet: number,
  keepUp: (sheet?: StreamSheet) => Promise<void>,
): Promise<void> {
  const split = names.length > 1;
  let part = 0;
  let sheet = new ReportSheet(book, plan, names[0]!);
  for await (const rows of plan.spool.rows()) {
    for (const values of rows) {
      if (sheet.count === rowsPerSheet) {
        sheet.close(split);
        sheet = new ReportSheet(book, plan, names[++part]!);
      }
      sheet.add(values);
    }
    await keepUp(sheet.sheet);
  }
  sheet.close(split);
  await keepUp();
}

/** One sheet of a report: header (bold, frozen), rows as typed cells, then the totals row and the autofilter. */
class ReportSheet {
  readonly sheet: StreamSheet;
  count = 0;
  private readonly keys: string[];
  private readonly kinds: ColumnKind[];
  /** Columns that get a total: amounts and counts that add up. */
  private readonly additive: boolean[];
  private readonly emptyIsNone: boolean[];
  /** Per column: the sum in cents (amounts) or units (counts), and whether a row's value was unknown. */
  private readonly sums: number[];
  private readonly unknown: boolean[];

  constructor(book: StreamBook, plan: SheetPlan, name: string) {
    this.keys = plan.keys;
    this.kinds = plan.kinds;
    this.additive = this.keys.map((k, i) => (this.kinds[i] === 'amount' || this.kinds[i] === 'count') && !NOT_ADDITIVE.has(k));
    this.emptyIsNone = this.keys.map((k) => EMPTY_IS_NONE[plan.report]?.has(k) === true);
    this.sums = this.keys.map(() => 0);
    this.unknown = this.keys.map(() => false);
    this.sheet = book.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
    this.sheet.columns = plan.widths.map((w) => ({ width: w }));
    const header = this.sheet.addRow([]);
    this.keys.forEach((key, i) => {
      const cell = header.getCell(i + 1);
      cell.value = key;
      cell.style = STYLE.header;
    });
    header.commit();
  }

  add(values: readonly string[]): void {
    const { keys, kinds, additive } = this;
    const row = this.sheet.addRow([]);
    for (let i = 0; i < keys.length; i++) {
      const text = values[i] ?? '';
      const { value, style, units } = convert(kinds[i]!, keys[i]!, text);
      if (additive[i]) {
        if (units !== null) this.sums[i]! += units;
        else if (text !== '' || !this.emptyIsNone[i]) this.unknown[i] = true;
      }
      if (value === null) continue;
      const cell = row.getCell(i + 1);
      cell.value = value;
      cell.style = style;
    }
    row.commit();
    this.count++;
  }

  /** Writes the totals row (when there are rows and sums) under the filtered range, and commits the sheet. */
  close(split: boolean): void {
    const { keys, kinds, additive } = this;
    const width = keys.length;
    const last = this.count + 1;
    if (this.count > 0 && additive.some(Boolean)) {
      const totals = this.sheet.addRow([]);
      if (!additive[0]) {
        const cell = totals.getCell(1);
        cell.value = split ? 'Total of this sheet' : 'Total';
        cell.style = STYLE.totalLabel;
      }
      for (let i = 0; i < width; i++) {
        if (!additive[i]) continue;
        const cell = totals.getCell(i + 1);
        if (this.unknown[i]) {
          // a row's value is unknown: a partial sum would look like the total, so the total is unknown too
          cell.value = 'unknown';
          cell.style = STYLE.totalUnknown;
          continue;
        }
        const letter = columnLetter(i + 1);
        const isAmount = kinds[i] === 'amount';
        // SUBTOTAL(109, …) sums what the autofilter shows; the cached result is the exact sum of every row
        cell.value = { formula: `SUBTOTAL(109,${letter}2:${letter}${last})`, result: isAmount ? this.sums[i]! / 100 : this.sums[i]! };
        cell.style = isAmount ? STYLE.totalAmount : STYLE.totalCount;
      }
      totals.commit();
    }
    if (width > 0) this.sheet.autoFilter = `A1:${columnLetter(width)}${last}`;
    this.sheet.commit();
  }
}
