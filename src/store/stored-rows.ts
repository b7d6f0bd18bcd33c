// What both ledger engines (sqlite.ts, postgres.ts) do alike with the rows their queries return: turning
// them into the records the rest of recoup reads (claims and remittances for linking, balance inputs,
// kept report rows, deposit facts). Engine-neutral: no SQL here, only the shapes the queries select.

import type { ClaimRef, RemittanceRef } from '../analysis/link.js';
import type { BalanceOffset } from '../analysis/deferrals.js';
import type { RemittanceIdentity } from '../analysis/duplicates.js';
import type { TraceClaim } from '../analysis/claim-trace.js';
import { rowFromStored, type RowContext, storedValues } from '../analysis/row-storage.js';
import type { ReportName, Row } from '../analysis/rows.js';
import type { RemittanceHead } from '../analysis/build-rows.js';
import type { DepositRemittance } from '../analysis/deposits.js';
import { depositRemittance } from '../analysis/deposit-rows.js';
import type { RemittanceFigures } from '../analysis/summary.js';
import type { RecordedClaim, RecordedRemittance } from './store.js';

/** A claim with its remittance's payer, trace, date and file, as CLAIM_SELECT of either engine names it. */
export type ClaimRow = TraceClaim & { payerKey: string };

/** A remittance for linking by trace number. */
export interface RemittanceRow {
  id: number;
  trace_number: string;
  payer_key: string;
  payment_date: string;
  file_path: string;
}

/** A remittance's kept report data (null for one recorded before schema 3). */
export interface StoredRemittance {
  id: number;
  head: string | null;
  figures: string | null;
  payment_row: string | null;
}

/** A claim's kept rows with what derives the rest. */
export interface StoredClaim {
  id: number;
  remittance_id: number;
  pcn: string;
  icn: string;
  original_reference: string;
  status_code: string;
  file_path: string;
  trace_number: string;
  report_row: string | null;
  adjustment_rows: string | null;
}

export const NO_CONTEXT: RowContext = { file: '', traceNumber: '', pcn: '', icn: '', statusCode: '' };

/** A report row kept as a JSON array of its stored columns (src/analysis/row-storage.ts). */
export function rowJson(report: ReportName, row: Row): string {
  return JSON.stringify(storedValues(report, row));
}

export function claimRef(row: ClaimRow): ClaimRef {
  return {
    pcn: row.pcn,
    icn: row.icn,
    originalReference: row.originalReference,
    statusCode: row.statusCode,
    patient: row.patient,
    payerKey: row.payerKey,
    traceNumber: row.traceNumber,
    paymentDate: row.paymentDate,
    file: row.file,
    paid: row.paid,
    seq: row.id,
    ledgerId: row.id,
  };
}

/** A claim row as `recoup trace` reads it (without the payer key). */
export function traceClaim({ payerKey: _payerKey, ...claim }: ClaimRow): TraceClaim {
  return claim;
}

export function remittanceRef(r: RemittanceRow): RemittanceRef {
  return { traceNumber: r.trace_number, payerKey: r.payer_key, paymentDate: r.payment_date, file: r.file_path, ledgerId: r.id };
}

/** A recorded remittance's identity with its TRN03, read from the head it kept (schema 3 on). */
export function withTracePayer<T extends RemittanceIdentity & { head: string | null }>(x: T): T {
  if (x.head === null) return x;
  return { ...x, tracePayerId: (JSON.parse(x.head) as RemittanceHead).trace.payerId };
}

/** A trace claim whose kept claims row says its CLP04 could not be read: marked paidUnknown. */
export function withPaidKnown(c: TraceClaim, reportRow: string | null | undefined): TraceClaim {
  if (reportRow == null) return c;
  return rowFromStored('claims', JSON.parse(reportRow) as string[], NO_CONTEXT).paid === '' ? { ...c, paidUnknown: true } : c;
}

/** The balances report's input from the offsets-with-links query of either engine. */
export function balanceOffsetOf(x: Record<string, string | number | null>): BalanceOffset {
  return {
    payerKey: x.payer_key as string,
    payerName: x.payer_name as string,
    date: x.payment_date as string,
    trace: x.trace_number as string,
    file: x.file_path as string,
    code: x.reason_code as string,
    reference: (x.reference as string | null) ?? null,
    amount: x.amount as number,
    linkBasis: x.link_basis as string,
    linkedPcn: x.pcn as string,
    linkedIcn: x.icn as string,
    linkedPatient: x.patient as string,
  };
}

/** Remittances with their report data; those recorded before the ledger kept it are counted, not read. */
export function recordedRemittancesOf(rows: Iterable<StoredRemittance>): { remittances: RecordedRemittance[]; withoutReportData: number } {
  const remittances: RecordedRemittance[] = [];
  let withoutReportData = 0;
  for (const r of rows) {
    if (r.head === null || r.figures === null || r.payment_row === null) {
      withoutReportData++;
      continue;
    }
    remittances.push({ id: r.id, head: JSON.parse(r.head), figures: JSON.parse(r.figures), paymentRow: rowFromStored('payments', JSON.parse(r.payment_row), NO_CONTEXT) });
  }
  return { remittances, withoutReportData };
}

/** A claim's kept rows back as report rows (null when it has none); CARC texts from `carc`. */
export function recordedClaimOf(c: StoredClaim, carc?: ReadonlyMap<string, string>): RecordedClaim | null {
  if (c.report_row === null) return null;
  const ctx: RowContext = { file: c.file_path, traceNumber: c.trace_number, pcn: c.pcn, icn: c.icn, statusCode: c.status_code, carc };
  const adjustments = c.adjustment_rows === null ? [] : (JSON.parse(c.adjustment_rows) as string[][]).map((a) => rowFromStored('adjustments', a, ctx));
  return { id: c.id, remittanceId: c.remittance_id, statusCode: c.status_code, icn: c.icn, originalReference: c.original_reference, row: rowFromStored('claims', JSON.parse(c.report_row), ctx), adjustments };
}

/** What deposit matching needs of a remittance with report data (null for one without). */
export function depositRemittanceOf(r: StoredRemittance & { head: string; offsets: number }): DepositRemittance | null {
  if (r.figures === null || r.payment_row === null) return null;
  const method = rowFromStored('payments', JSON.parse(r.payment_row), NO_CONTEXT).payment_method ?? '';
  return depositRemittance(r.id, JSON.parse(r.head) as RemittanceHead, JSON.parse(r.figures) as RemittanceFigures, method, r.offsets);
}
