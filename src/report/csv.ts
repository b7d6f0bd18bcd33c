// CSV rendering with csv-stringify: header row from the column contract, one line per row.
// Text cells that a spreadsheet would run as a formula (= + - @ tab CR at the start) are prefixed with
// an apostrophe; amount, count and date columns stay plain so they sum as numbers.

import { stringify, type Stringifier } from 'csv-stringify';
import type { Writable } from 'node:stream';
import { COLUMNS, type ReportName, type Row } from '../analysis/rows.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export class CsvReportWriter {
  private readonly stringifier: Stringifier;
  private readonly keys: string[];
  private readonly textKeys: Set<string>;
  private readonly done: Promise<void>;

  constructor(report: ReportName, out: Writable) {
    const cols = COLUMNS[report];
    this.keys = cols.map((c) => c.key);
    this.textKeys = new Set(cols.filter((c) => c.kind === 'text' || c.kind === 'code').map((c) => c.key));
    this.stringifier = stringify({ header: true, columns: this.keys, eof: true });
    this.done = new Promise((resolve, reject) => {
      this.stringifier.on('error', reject);
      this.stringifier.on('end', () => resolve());
    });
    this.stringifier.pipe(out, { end: false });
  }

  row(row: Row): void {
    const values = this.keys.map((k) => {
      const v = row[k] ?? '';
      return this.textKeys.has(k) ? neutralizeCell(v) : v;
    });
    this.stringifier.write(values);
  }

  end(): Promise<void> {
    this.stringifier.end();
    return this.done;
  }
}
