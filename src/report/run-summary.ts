// The lines a scan prints on stderr when it ends: the one-line run summary, and the suspense list named
// when --fail-on unlinked fires. Counts and positions only: no patient data.

import { formatCents, formatMoney } from '../remit/money.js';
import type { ScanStats } from '../scan/stats.js';

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** `recoup: 2 files, 3 remittances (3 balanced, 0 unbalanced), 9 claims, 5 provider-level offsets; 0 errors, 0 warnings` */
export function runSummaryLine(s: ScanStats, extra: { inputProblems: number; escalating: boolean }): string {
  const errors = s.errors + extra.inputProblems;
  return (
    `recoup: ${plural(s.files, 'file')}${s.unreadableFiles ? ` (${s.unreadableFiles} not read)` : ''}, ` +
    `${plural(s.remittances, 'remittance')} (${s.balancedRemittances} balanced, ${s.unbalancedRemittances} unbalanced` +
    `${s.unknownBalanceRemittances ? `, ${s.unknownBalanceRemittances} unknown (an amount could not be read)` : ''}), ` +
    `${s.duplicateRemittances ? `${plural(s.duplicateRemittances, 'duplicate remittance')} counted once, ` : ''}` +
    `${plural(s.claims, 'claim')}, ${plural(s.offsets, 'provider-level offset')}` +
    `${s.skippedKnownFiles ? `, ${plural(s.skippedKnownFiles, 'file')} already in the ledger skipped` : ''}` +
    `${extra.escalating ? `, ${s.escalatedOffsets} escalated` : ''}` +
    `${s.incompleteRemittances ? `, ${plural(s.incompleteRemittances, 'remittance')} cut short (no SE; read as far as they go)` : ''}` +
    `${s.skippedTransactions ? `, ${plural(s.skippedTransactions, 'non-835 transaction')} skipped (${skippedKinds(s.skippedByType)})` : ''}; ` +
    `${plural(errors, 'error')}, ${plural(s.warnings, 'warning')}\n`
  );
}

/**
 * `recoup: deposits: 12 bank credits (9,310.25): 10 matched, 1 amount mismatch (difference -5.00), 1 without an ERA (120.00);
 * 2 ERAs without a deposit (734.50; 1 may still arrive)` — or that there was nothing to match.
 */
export function depositSummaryLine(s: ScanStats): string {
  const d = s.deposits;
  if (d === null) return `recoup: deposits: no bank statement lines to match${s.bankFiles > 0 ? ` (${plural(s.bankFiles, 'statement')} given, ${s.unreadableBankFiles} not read)` : ''}\n`;
  const parts = [`${plural(d.matched, 'matched', 'matched')}`];
  if (d.amountMismatches) parts.push(`${plural(d.amountMismatches, 'amount mismatch', 'amount mismatches')} (difference ${formatMoney(d.mismatchDifference)})`);
  parts.push(`${d.depositsWithoutEra} without an ERA (${formatMoney(d.depositsWithoutEraAmount)})`);
  if (d.ambiguousDeposits) parts.push(`${d.ambiguousDeposits} ambiguous (${formatMoney(d.ambiguousAmount)})`);
  if (d.otherCredits) parts.push(`${d.otherCredits} not insurance (${formatMoney(d.otherCreditAmount)})`);
  const still = d.erasMayStillArrive ? `; ${d.erasMayStillArrive} may still arrive` : '';
  return (
    `recoup: deposits: ${plural(d.credits, 'bank credit')} (${formatMoney(d.creditAmount)}): ${parts.join(', ')}; ` +
    `${plural(d.erasWithoutDeposit, 'ERA')} without a deposit (${formatMoney(d.erasWithoutDepositAmount)}${still})` +
    `${d.debits ? `; ${plural(d.debits, 'debit')} listed (${formatMoney(d.debitAmount)})` : ''}\n`
  );
}

/** Each offset of the suspense list on its own line: where it is, what it is (no patient data). */
export function unlinkedLines(s: ScanStats): string {
  const lines = s.unlinkedList.map(
    (o) => `\n  ${o.file}  trace ${o.traceNumber || '(none)'}  ${o.reasonCode}  reference ${o.reference || '(none)'}  ${formatCents(o.amount)}  ${o.basis === 'ambiguous' ? 'ambiguous' : 'no claim found'}`,
  );
  const more = s.unlinkedRecoupments - s.unlinkedList.length;
  return `:${lines.join('')}${more > 0 ? `\n  … and ${more} more (see the offsets report)` : ''}`;
}

/** "837 ×1, 999 ×2" */
function skippedKinds(byType: Record<string, number>): string {
  return Object.entries(byType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, n]) => `${type} ×${n}`)
    .join(', ');
}

/** The run's figures: a stable key (JSON `run`), a label for people (the workbook's Run sheet), the value. */
function figureTable(s: ScanStats, extra: { inputProblems: number }): Array<readonly [key: string, label: string, value: number]> {
  return [
    ['files', 'Files', s.files],
    ['unreadable_files', 'Files not read', s.unreadableFiles],
    ['skipped_known_files', 'Files already in the ledger (skipped)', s.skippedKnownFiles],
    ['remittances', 'Remittances', s.remittances],
    ['balanced', 'Balanced', s.balancedRemittances],
    ['unbalanced', 'Unbalanced', s.unbalancedRemittances],
    ['balance_unknown', 'Balance unknown (an amount could not be read)', s.unknownBalanceRemittances],
    ['duplicate_remittances', 'Duplicate remittances counted once', s.duplicateRemittances],
    ['cut_short', 'Remittances cut short (no SE)', s.incompleteRemittances],
    ['claims', 'Claims', s.claims],
    ['offsets', 'Provider-level offsets', s.offsets],
    ['escalated_offsets', 'Escalated offsets', s.escalatedOffsets],
    ['unlinked_recoupments', 'Unlinked recoupments and deferrals', s.unlinkedRecoupments],
    ['skipped_transactions', 'Non-835 transactions skipped', s.skippedTransactions],
    ['errors', 'Errors', s.errors + extra.inputProblems],
    ['warnings', 'Warnings', s.warnings],
    ...depositFigureTable(s),
  ];
}

/** The deposit counts, when bank statements were given. */
function depositFigureTable(s: ScanStats): Array<readonly [key: string, label: string, value: number]> {
  if (s.bankFiles === 0 && s.deposits === null) return [];
  const d = s.deposits;
  const rows: Array<readonly [string, string, number]> = [
    ['bank_files', 'Bank statements', s.bankFiles],
    ['unreadable_bank_files', 'Bank statements not read', s.unreadableBankFiles],
  ];
  if (d === null) return rows;
  return [
    ...rows,
    ['bank_credits', 'Bank credits', d.credits],
    ['deposits_matched', 'Deposits matched', d.matched],
    ['amount_mismatches', 'Deposits matched with another amount', d.amountMismatches],
    ['deposits_without_era', 'Deposits without an ERA', d.depositsWithoutEra],
    ['ambiguous_deposits', 'Deposits with more than one possible match', d.ambiguousDeposits],
    ['other_credits', 'Credits that are not insurance payments', d.otherCredits],
    ['eras_without_deposit', 'ERAs without a deposit', d.erasWithoutDeposit],
    ['bank_debits', 'Bank debits listed', d.debits],
  ];
}

/** The run's figures for the outputs that carry them: labelled for people, keyed for programs. */
export function runFigures(s: ScanStats, extra: { inputProblems: number }): { figures: Array<readonly [string, number]>; data: Record<string, number> } {
  const table = figureTable(s, extra);
  return { figures: table.map(([, label, value]) => [label, value] as const), data: Object.fromEntries(table.map(([key, , value]) => [key, value])) };
}
