// JSON (all chosen reports in one object, with the run's figures and diagnostics) and NDJSON (one line
// per row with a `report` field, then the diagnostics and the run's figures), typed for programs:
// amounts are JSON numbers with the file's exact two-decimal value (cents / 100, printed exactly), counts
// numbers, flags booleans, dates "YYYY-MM-DD" strings; a value that could not be read or does not apply
// is null. CSV keeps amounts as text.

import { COLUMNS, type ColumnKind, type ReportName, type Row } from '../analysis/rows.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { parseAmount } from '../remit/money.js';

export type JsonValue = string | number | boolean | null;

/** The figures and diagnostics a JSON output ends with. */
export interface JsonRun {
  run: Record<string, number | string>;
  diagnostics: readonly Diagnostic[];
}

const kinds: Record<string, ReadonlyArray<readonly [string, ColumnKind]>> = {};
for (const [report, cols] of Object.entries(COLUMNS)) kinds[report] = cols.map((c) => [c.key, c.kind] as const);

/**
 * An amount as a JSON number: integer cents / 100 is the double nearest the decimal, and JavaScript
 * prints that double as the decimal itself (e.g. 1234.5 for "1234.50"), so no digit is ever lost.
 */
function amount(text: string): number | null {
  if (text === '') return null;
  const p = parseAmount(text);
  return p.ok ? p.cents / 100 : null;
}

function typed(kind: ColumnKind, v: string): JsonValue {
  switch (kind) {
    case 'amount':
      return amount(v);
    case 'count':
      return /^-?\d+$/.test(v) ? Number(v) : null;
    case 'flag':
      return v === 'yes' ? true : v === 'no' ? false : null;
    case 'date':
      return v === '' ? null : v;
    default:
      return v;
  }
}

export function toJsonRow(report: ReportName, row: Row): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, kind] of kinds[report]!) out[key] = typed(kind, row[key] ?? '');
  return out;
}

export function ndjsonLine(report: ReportName, row: Row): string {
  return JSON.stringify({ report, ...toJsonRow(report, row) }) + '\n';
}

/** A diagnostic as data: code, severity, message and where (never segment text). */
function diagnosticJson({ excerpt: _excerpt, ...d }: Diagnostic): Record<string, JsonValue> {
  return { ...d };
}

/** The NDJSON lines after the rows: one per diagnostic, then the run's figures. */
export function ndjsonRunLines(run: JsonRun): string {
  let out = '';
  for (const d of run.diagnostics) out += JSON.stringify({ report: 'diagnostic', ...diagnosticJson(d) }) + '\n';
  return out + JSON.stringify({ report: 'run', ...run.run }) + '\n';
}

export function renderJson(reports: readonly ReportName[], rows: ReadonlyMap<ReportName, Row[]>, run?: JsonRun): string {
  const obj: Record<string, unknown> = {};
  for (const r of reports) obj[r] = (rows.get(r) ?? []).map((row) => toJsonRow(r, row));
  if (run) {
    obj.run = run.run;
    obj.diagnostics = run.diagnostics.map(diagnosticJson);
  }
  return JSON.stringify(obj, null, 2) + '\n';
}
