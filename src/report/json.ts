// JSON (all chosen reports in one object) and NDJSON (one line per row with a `report` field).
// Amounts stay decimal text (exact); counts become numbers.

import { COLUMNS, type ReportName, type Row } from '../analysis/rows.js';

const countKeys: Record<string, Set<string>> = {};
for (const [report, cols] of Object.entries(COLUMNS)) countKeys[report] = new Set(cols.filter((c) => c.kind === 'count').map((c) => c.key));

export function toJsonRow(report: ReportName, row: Row): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const counts = countKeys[report]!;
  for (const col of COLUMNS[report]) {
    const v = row[col.key] ?? '';
    out[col.key] = counts.has(col.key) && /^-?\d+$/.test(v) ? Number(v) : v;
  }
  return out;
}

export function ndjsonLine(report: ReportName, row: Row): string {
  return JSON.stringify({ report, ...toJsonRow(report, row) }) + '\n';
}

export function renderJson(reports: readonly ReportName[], rows: ReadonlyMap<ReportName, Row[]>): string {
  const obj: Record<string, unknown> = {};
  for (const r of reports) obj[r] = (rows.get(r) ?? []).map((row) => toJsonRow(r, row));
  return JSON.stringify(obj, null, 2) + '\n';
}
