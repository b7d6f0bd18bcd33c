// The figures of a scan run (files, remittances, balance results, offsets, diagnostics by severity), as
// the CLI's summary line, --fail-on and the library's ScanResult read them.

import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { Cents } from '../remit/money.js';
import type { DepositFigures } from '../analysis/deposit-rows.js';

/** An offset of the suspense list, as named on stderr (no patient data: references are payer ids). */
export interface UnlinkedOffset {
  file: string;
  traceNumber: string;
  reasonCode: string;
  reference: string;
  amount: Cents;
  basis: string;
}

/** How many suspense offsets a run keeps to name (the offsets report has them all). */
export const UNLINKED_LISTED = 200;

export interface ScanStats {
  files: number;
  unreadableFiles: number;
  remittances: number;
  balancedRemittances: number;
  unbalancedRemittances: number;
  /** Remittances whose balance could not be checked (an amount could not be read, or no BPR). */
  unknownBalanceRemittances: number;
  /** Remittances read a second time in this run (same payer, trace, amount, date): counted once. */
  duplicateRemittances: number;
  claims: number;
  offsets: number;
  skippedTransactions: number;
  /** Skipped transactions by ST01 (837, 999, …), for the summary line. */
  skippedByType: Record<string, number>;
  /** Remittances read to the end of their data without an SE: reported, and flagged. */
  incompleteRemittances: number;
  /** Files skipped by --new-only because the ledger already has them. */
  skippedKnownFiles: number;
  /** Offsets flagged by --escalate-over. */
  escalatedOffsets: number;
  /** Recoupments and deferrals (money taken or owed) with no single claim or remittance found. */
  unlinkedRecoupments: number;
  /** The first UNLINKED_LISTED of them, to name when --fail-on unlinked fires. */
  unlinkedList: UnlinkedOffset[];
  /** Service, claim or remittance balance checks that failed, or could not be made (an amount unreadable). */
  balanceFailures: number;
  errors: number;
  warnings: number;
  bytes: number;
  /** Bank statements given (--bank), and those that could not be read at all. */
  bankFiles: number;
  unreadableBankFiles: number;
  /** The deposit figures, when bank lines were matched (null: no statement, so deposits are unknown). */
  deposits: DepositFigures | null;
}

export function emptyStats(): ScanStats {
  return {
    files: 0,
    unreadableFiles: 0,
    remittances: 0,
    balancedRemittances: 0,
    unbalancedRemittances: 0,
    unknownBalanceRemittances: 0,
    duplicateRemittances: 0,
    claims: 0,
    offsets: 0,
    skippedTransactions: 0,
    skippedByType: {},
    incompleteRemittances: 0,
    skippedKnownFiles: 0,
    escalatedOffsets: 0,
    unlinkedRecoupments: 0,
    unlinkedList: [],
    balanceFailures: 0,
    errors: 0,
    warnings: 0,
    bytes: 0,
    bankFiles: 0,
    unreadableBankFiles: 0,
    deposits: null,
  };
}

/** Counts a diagnostic by severity, and a failed balance check as a balance failure. */
export function countDiagnostic(stats: ScanStats, d: Diagnostic): void {
  if (d.code === 'BALANCE_SERVICE' || d.code === 'BALANCE_CLAIM' || d.code === 'BALANCE_REMITTANCE') stats.balanceFailures++;
  if (d.severity === 'error') stats.errors++;
  else if (d.severity === 'warning') stats.warnings++;
}

/** Counts a non-835 transaction that was skipped, by its ST01. */
export function countSkipped(stats: ScanStats, type: string): void {
  stats.skippedTransactions++;
  const key = type === '' ? '(blank)' : type.slice(0, 6);
  stats.skippedByType[key] = (stats.skippedByType[key] ?? 0) + 1;
}
