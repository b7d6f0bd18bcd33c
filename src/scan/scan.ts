// The library entry point, `import { scan } from 'recoup'`: reads files and directories and returns the
// rows the CLI prints, with the run's diagnostics and figures.

import type { ReportName, Row } from '../analysis/rows.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { expandBankPaths, expandInputs } from '../input/paths.js';
import type { MatchOptions } from '../analysis/deposits.js';
import type { BankCsvMapping } from '../bank/model.js';
import type { Cents } from '../remit/money.js';
import { redactRow } from '../analysis/redact.js';
import { Scanner } from './scanner.js';
import { defaultJobs } from './parallel.js';
import type { ScanStats } from './stats.js';

export interface ScanResult {
  reports: Partial<Record<ReportName, Row[]>>;
  diagnostics: Diagnostic[];
  stats: ScanStats;
}

/**
 * Reads files and directories (recursively) and returns the same rows the CLI prints. With `ledger` (a
 * path), records what it reads there and links against earlier runs, as `recoup scan --ledger` does.
 */
export async function scan(
  paths: readonly string[],
  options: {
    reports?: readonly ReportName[];
    carc?: ReadonlyMap<string, string>;
    ledger?: string;
    asOf?: string;
    escalateOver?: Cents;
    redact?: boolean;
    /** Bank statements (BAI2 or CSV files, or folders of them) to match deposits against (the deposits report). */
    bank?: readonly string[];
    /** How to read a bank CSV export whose headers are not recognised. */
    bankCsv?: BankCsvMapping;
    /** The deposit date windows. */
    match?: MatchOptions;
    /** Worker threads for large inputs (default: the cores; 1: none); the result is the same. */
    jobs?: number;
  } = {},
): Promise<ScanResult> {
  const reports = options.reports ?? ['summary', 'payments', 'offsets', 'claims', 'adjustments'];
  const out: Partial<Record<ReportName, Row[]>> = {};
  for (const r of reports) out[r] = [];
  const diagnostics: Diagnostic[] = [];
  // the ledger (and SQLite) is loaded only when asked for: `import 'recoup'` stays light
  const ledger = options.ledger !== undefined ? (await import('../store/open.js')).openLedger(options.ledger) : undefined;
  try {
    const scanner = new Scanner({
      reports,
      ...(options.carc ? { carc: options.carc } : {}),
      ...(ledger ? { ledger } : {}),
      ...(options.asOf ? { asOf: options.asOf } : {}),
      ...(options.escalateOver !== undefined ? { escalateOver: options.escalateOver } : {}),
      ...(options.bank !== undefined || reports.includes('deposits')
        ? { deposits: { ...(options.bankCsv ? { csv: options.bankCsv } : {}), ...(options.match ? { match: options.match } : {}) } }
        : {}),
      parallel: { jobs: options.jobs ?? defaultJobs() },
      onRow: (report, row) => out[report]!.push(options.redact ? redactRow(report, row) : row),
      onDiagnostic: (d) => diagnostics.push(d),
    });
    const expanded = await expandInputs(paths);
    diagnostics.push(...expanded.diagnostics);
    await scanner.scanFiles(expanded.inputs);
    const bank = await expandBankPaths(options.bank ?? []);
    diagnostics.push(...bank.diagnostics);
    for (const statement of bank.inputs) await scanner.scanBankFile(statement);
    const stats = scanner.finish();
    return { reports: out, diagnostics, stats };
  } finally {
    ledger?.close();
  }
}
