// CSV rendering: header row from the column contract (by csv-stringify), one line per row (our quoting,
// held equal to csv-stringify by a property test), written in blocks.
// Text cells that a spreadsheet would run as a formula (= + - @ tab CR at the start) are prefixed with
// an apostrophe; amount, count and date columns stay plain so they sum as numbers.

import { stringify as stringifySync } from 'csv-stringify/sync';
import type { Writable } from 'node:stream';
import { COLUMNS, type ReportName, type Row } from '../analysis/rows.js';
import { BlockWriter } from './output.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Rows are turned into CSV a batch at a time and written in blocks of about 64 KiB (BlockWriter): one
 * write per row was the largest cost of a claims report. `needsDrain` tells the scan to wait before reading more.
 */
export class CsvReportWriter {
  private readonly out: BlockWriter;
  private readonly keys: string[];
  private readonly textKeys: boolean[];
  private batch: string[][] = [];
  private header = true;

  constructor(report: ReportName, out: Writable) {
    const cols = COLUMNS[report];
    this.out = new BlockWriter(out);
    this.keys = cols.map((c) => c.key);
    this.textKeys = cols.map((c) => c.kind === 'text' || c.kind === 'code');
  }

  row(row: Row): void {
    const values = new Array<string>(this.keys.length);
    for (let i = 0; i < this.keys.length; i++) {
      const v = row[this.keys[i]!] ?? '';
      values[i] = this.textKeys[i] ? neutralizeCell(v) : v;
    }
    this.batch.push(values);
    if (this.batch.length >= BATCH_ROWS) this.flushBatch();
  }

  /** True when the output has more queued than it wants: the caller should await `drained()`. */
  get needsDrain(): boolean {
    return this.out.needsDrain;
  }

  drained(): Promise<void> {
    return this.out.drained();
  }

  /** Writes what is left (the header alone for a report with no rows); resolves when the output took it. */
  end(): Promise<void> {
    this.flushBatch();
    return this.out.end();
  }

  /** Stringifies the batch into the block writer. */
  private flushBatch(): void {
    if (this.header) this.out.add(stringifySync([], { header: true, columns: this.keys }));
    this.header = false;
    for (const values of this.batch) this.out.add(csvLine(values));
    this.batch = [];
  }
}

/** Characters that make csv-stringify quote a cell. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV line, quoted as csv-stringify quotes (a cell with a comma, quote or line break goes in double
 * quotes, its quotes doubled). A property test holds this equal to csv-stringify on any row; the header
 * still comes from csv-stringify. Written out here because per-row calls into it were a third of a claims run.
 */
export function csvLine(values: string[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }
  return line + '\n';
}

const BATCH_ROWS = 256;
