// Public library surface: `import { … } from 'recoup'`. Typed, ESM.
export { parseBuffer, parseFile, RemittanceParser, type FileOutcome, type ParseHandlers, type ParseOptions } from './read.js';
export { inspectFile, type InspectFile } from './inspect.js';
export { expandInputs } from './inputs.js';
export { parseAmount, formatCents, type Cents } from './remit/money.js';
export type * from './remit/model.js';
export { DIAGNOSTIC_CODES, RecoupError, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.js';
export { scan, Scanner, type ScanOptions, type ScanResult, type ScanStats } from './scan.js';
export { COLUMNS, REPORT_NAMES, type ReportName, type Row } from './analysis/rows.js';
export { categorizeOffset, PLB_REASONS, type OffsetCategory } from './analysis/codes.js';
