// Public library surface: `import { … } from 'recoup'`. Typed, ESM.
export { parseBuffer, parseFile, RemittanceParser, type FileOutcome, type ParseHandlers, type ParseOptions } from './read.js';
export { inspectFile, type InspectFile } from './inspect.js';
export { expandInputs } from './inputs.js';
export { parseAmount, formatCents, type Cents } from './remit/money.js';
export type * from './remit/model.js';
export { DIAGNOSTIC_CODES, RecoupError, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.js';
