// Public library surface: `import { … } from 'recoup'`. Typed, ESM.
export { parseBuffer, parseFile, RemittanceParser, type FileOutcome, type ParseHandlers, type ParseOptions } from './input/parse.js';
export { inspectFile, type InspectFile } from './input/inspect.js';
export { expandInputs } from './input/paths.js';
export { parseAmount, formatCents, type Cents } from './remit/money.js';
export type * from './remit/model.js';
export { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics/diagnostics.js';
export { ERROR_CODES, RecoupError, type ErrorCode } from './diagnostics/errors.js';
export { Scanner, type ScanOptions } from './scan/scanner.js';
export { scan, type ScanResult } from './scan/scan.js';
export type { ScanStats } from './scan/stats.js';
export { COLUMNS, REPORT_NAMES, type ReportName, type Row } from './analysis/rows.js';
export { categorizeOffset, PLB_REASONS, type OffsetCategory } from './analysis/codes.js';
export { matchDeposits, type DepositMatch, type DepositRemittance, type DepositStatus, type DepositBasis, type MatchOptions } from './analysis/deposits.js';
export type { BankLine, BankCsvMapping, BankFormat } from './bank/model.js';
