// How the ledger keeps report rows small: a claims or adjustments row is stored without the columns
// that can be derived again when it is read back — the file and trace number (its remittance's), the
// claim's PCN, ICN and reversal flag (for its adjustments), and code descriptions (claim status, CAS
// group, and the CARC text, which comes from --carc-file at report time). Stored rows are JSON arrays of
// the remaining columns in the order of COLUMNS (src/analysis/rows.ts).

import { casGroupText, claimStatusText, yesNo } from './build-rows.js';
import { COLUMNS, type ReportName, type Row } from './rows.js';

/** What a stored row is read back with: its remittance's file and trace, its claim's keys. */
export interface RowContext {
  file: string;
  traceNumber: string;
  pcn: string;
  icn: string;
  statusCode: string;
  carc?: ReadonlyMap<string, string> | undefined;
}

type Derive = (row: Row, ctx: RowContext) => string;

const DERIVED: Partial<Record<ReportName, Readonly<Record<string, Derive>>>> = {
  claims: {
    file: (_r, ctx) => ctx.file,
    trace_number: (_r, ctx) => ctx.traceNumber,
    status: (r) => claimStatusText(r.status_code ?? ''),
    reversal: (r) => yesNo(r.status_code === '22'),
  },
  adjustments: {
    file: (_r, ctx) => ctx.file,
    trace_number: (_r, ctx) => ctx.traceNumber,
    pcn: (_r, ctx) => ctx.pcn,
    icn: (_r, ctx) => ctx.icn,
    group: (r) => casGroupText(r.group_code ?? ''),
    reason: (r, ctx) => ctx.carc?.get(r.reason_code ?? '') ?? '',
    reversal: (_r, ctx) => yesNo(ctx.statusCode === '22'),
  },
};

const storedKeys = (report: ReportName): string[] => COLUMNS[report].map((c) => c.key).filter((k) => DERIVED[report]?.[k] === undefined);
const STORED: Record<ReportName, string[]> = Object.fromEntries((Object.keys(COLUMNS) as ReportName[]).map((r) => [r, storedKeys(r)])) as Record<ReportName, string[]>;

/** The values of a row that are kept (derived columns left out), in column order. */
export function storedValues(report: ReportName, row: Row): string[] {
  return STORED[report].map((k) => row[k] ?? '');
}

/** A stored row back as a full report row: kept values, then the derived columns from the context. */
export function rowFromStored(report: ReportName, values: readonly string[], ctx: RowContext): Row {
  const row: Row = {};
  STORED[report].forEach((k, i) => (row[k] = values[i] ?? ''));
  const derived = DERIVED[report];
  const out: Row = {};
  for (const c of COLUMNS[report]) {
    const d = derived?.[c.key];
    out[c.key] = d ? d(row, ctx) : (row[c.key] ?? '');
  }
  return out;
}
