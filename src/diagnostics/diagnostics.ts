// Diagnostics: the stable codes every layer reports findings in the data with, and where in a file a
// finding is. Diagnostics are data (collected, printed by a reporter); failures that stop a run are
// RecoupErrors (./errors.ts).

export type Severity = 'error' | 'warning' | 'info';

/**
 * Every diagnostic code recoup can emit, with its default severity and a one-line meaning.
 * The code is the contract (tests and scripts match on it); message wording is not.
 */
export const DIAGNOSTIC_CODES = {
  // --- input / file level ---
  IO_NOT_FOUND: { severity: 'error', meaning: 'The path does not exist.' },
  IO_NOT_A_FILE: { severity: 'error', meaning: 'The path is not a regular file (for example a directory where a file was expected).' },
  IO_PERMISSION: { severity: 'error', meaning: 'The file could not be opened: permission denied.' },
  IO_READ_FAILED: { severity: 'error', meaning: 'Reading the file failed part-way.' },
  IO_NO_INPUT: { severity: 'error', meaning: 'A directory or pattern held no X12 files.' },
  // --- x12 framing (src/x12) ---
  X12_EMPTY_FILE: { severity: 'error', meaning: 'The file is empty or holds only white space.' },
  X12_NOT_X12: { severity: 'error', meaning: 'No ISA or ST segment was found near the start: the file is not X12.' },
  X12_BAD_ISA: { severity: 'error', meaning: 'An ISA segment could not be read (delimiters missing, not distinct, or the segment is cut short).' },
  X12_NO_ISA: { severity: 'warning', meaning: 'A transaction has no ISA envelope; it was read with the default delimiters * : ~.' },
  X12_JUNK_SKIPPED: { severity: 'warning', meaning: 'Bytes that are not X12 were skipped (text before ISA, stray characters before a segment).' },
  X12_MISSING_TERMINATOR: { severity: 'warning', meaning: 'The last segment has no segment terminator.' },
  X12_BAD_SEGMENT_ID: { severity: 'error', meaning: 'A segment id is not 2-3 letters or digits; the segment was skipped.' },
  X12_SEGMENT_TOO_LONG: { severity: 'error', meaning: 'A segment is longer than the safety cap; it was skipped.' },
  X12_COUNT_MISMATCH: { severity: 'warning', meaning: 'A trailer count (SE01, GE01, IEA01) does not match what was read.' },
  X12_CONTROL_MISMATCH: { severity: 'warning', meaning: 'A trailer control number (SE02, GE02, IEA02) does not match its header.' },
  X12_MISSING_TRAILER: { severity: 'warning', meaning: 'An envelope was not closed (SE, GE or IEA missing). A missing SE is an error: the remittance is cut short.' },
  X12_UNEXPECTED_TRAILER: { severity: 'warning', meaning: 'A trailer (SE, GE, IEA) appeared with no matching header open.' },
  X12_OUTSIDE_ENVELOPE: { severity: 'warning', meaning: 'Segments appeared outside any ST…SE transaction; they were ignored.' },
  X12_NOT_835: { severity: 'warning', meaning: 'A transaction set other than 835 (for example 837, 999, 277) was skipped.' },
  X12_COMPONENT_INFERRED: { severity: 'info', meaning: 'With no ISA, the component separator was inferred from the data (SVC01, PLB03) instead of the default colon.' },
  // --- 835 model (src/remit) ---
  REMIT_BAD_AMOUNT: { severity: 'error', meaning: 'An amount is not a decimal number with at most two places.' },
  REMIT_BAD_DATE: { severity: 'warning', meaning: 'A date is not a valid CCYYMMDD date.' },
  REMIT_MISSING_SEGMENT: { severity: 'error', meaning: 'A required segment (BPR, TRN) is missing from a remittance.' },
  REMIT_UNEXPECTED_SEGMENT: { severity: 'warning', meaning: 'A segment appeared where the 835 does not allow it (for example SVC before any CLP); it was ignored.' },
  REMIT_PLB_INCOMPLETE: { severity: 'error', meaning: 'A PLB adjustment identifier has no amount (odd number of elements) or an amount has no reason code.' },
  REMIT_ZERO_PLB: { severity: 'warning', meaning: 'A PLB adjustment of zero dollars (not allowed in 5010).' },
  REMIT_CAS_GROUP_CR: { severity: 'warning', meaning: 'CAS group code CR (4010 corrections and reversals) in a 5010 file; accepted.' },
  REMIT_UNKNOWN_SEGMENT: { severity: 'warning', meaning: 'A segment id the 835 does not define (inside ST…SE); ignored.' },
  REMIT_NO_PAYMENT_DATE: { severity: 'warning', meaning: 'BPR16 (payment date) is empty or invalid; the production date DTM*405 is used instead, or there is no date at all.' },
  REMIT_SECOND_PARTY: { severity: 'warning', meaning: 'A second payer (N1*PR) or payee (N1*PE) in one remittance; the remittance keeps the first, claims after it carry the new one.' },
  REMIT_COMPONENT_SEPARATOR: { severity: 'warning', meaning: 'A composite (SVC01, PLB03) is written with another component separator than ISA16; it was read with the one it uses.' },
  REMIT_DUPLICATE: { severity: 'warning', meaning: 'The same remittance (payer, trace number, amount, date and content) was read twice in this run; counted once.' },
  REMIT_DUPLICATE_DIFFERS: { severity: 'error', meaning: 'A remittance has the payer, trace number, amount and date of one already read but other content; only the first is in the reports (they are incomplete).' },
  REMIT_TRACE_REUSED: { severity: 'warning', meaning: 'Two remittances of one payer share a trace number (TRN02) but differ in amount, date or content: a reissue or a correction. Both are counted.' },
  // --- bank statements (src/bank) ---
  BANK_FORMAT_UNKNOWN: { severity: 'error', meaning: 'A --bank file is neither BAI2 (starts with an 01 record) nor a CSV export with a header row; nothing was read from it.' },
  BANK_CSV_COLUMNS: { severity: 'error', meaning: 'A bank CSV header has no date column or no amount (or credit/debit) column recognised; map them in the config file (bank.csv).' },
  BANK_CSV_MALFORMED: { severity: 'error', meaning: 'A bank CSV cannot be read past a point (for example a quote that is never closed); the lines before it are kept.' },
  BANK_BAD_AMOUNT: { severity: 'error', meaning: 'A bank line\'s amount is not a number with at most two decimal places; the line was skipped.' },
  BANK_BAD_DATE: { severity: 'warning', meaning: 'A bank line\'s date cannot be read; the line is kept without a date (it can match by trace number only).' },
  BANK_LINE_REPEATED: { severity: 'info', meaning: 'The same bank line (account, date, amount and bank reference) was read before, from this or another statement; counted once.' },
  BAI2_STRUCTURE: { severity: 'error', meaning: 'A BAI2 record is out of place (for example a 16 before any 03, an unknown record code, or a record after 99); it was skipped.' },
  BAI2_CONTROL_TOTAL: { severity: 'error', meaning: 'A BAI2 control total (49, 98 or 99) does not equal the sum of the amounts read; the lines are kept, but the statement may be incomplete.' },
  BAI2_RECORD_COUNT: { severity: 'warning', meaning: 'A BAI2 trailer\'s record, account or group count does not match what was read.' },
  BAI2_MISSING_TRAILER: { severity: 'error', meaning: 'A BAI2 account, group or file is not closed (49, 98 or 99 missing): the statement is cut short.' },
  BAI2_TYPE_CODE: { severity: 'warning', meaning: 'A BAI2 16 record\'s type code is not a credit (100-399) or debit (400-699) detail code; the line is not read (its amount still counts in the control totals).' },
  // --- ledger (src/store) ---
  LEDGER_FILE_KNOWN: { severity: 'info', meaning: 'This file (same content) is already in the ledger; nothing was recorded again.' },
  LEDGER_REMITTANCE_KNOWN: { severity: 'info', meaning: 'The same payment (payer, trace number, amount and date) is already in the ledger; not recorded again.' },
  // --- analysis (src/analysis) ---
  PLB_UNKNOWN_CODE: { severity: 'warning', meaning: 'A PLB reason code that is not one of the 41 codes of 5010; kept, categorised other.' },
  PLB_OTHER_PROVIDER: { severity: 'warning', meaning: 'PLB01 is not one of the payee\'s identifiers (N1*PE N104, 1000B REF): the adjustment may belong to another provider.' },
  BALANCE_SERVICE: { severity: 'warning', meaning: 'A service line does not balance: SVC02 − Σ service CAS ≠ SVC03.' },
  BALANCE_CLAIM: { severity: 'warning', meaning: 'A claim does not balance: CLP03 − Σ claim and service CAS ≠ CLP04.' },
  BALANCE_REMITTANCE: { severity: 'warning', meaning: 'A remittance does not balance: Σ CLP04 − Σ PLB ≠ BPR02.' },
  BALANCE_ZERO_PAYMENT: { severity: 'warning', meaning: 'BPR02 is zero but BPR01 is not H (notification only) or P (prenote), or BPR02 is negative.' },
  BALANCE_INTEREST: { severity: 'warning', meaning: 'The PLB L6 interest total does not equal Σ AMT*I of the claims.' },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Where in an input a finding is. Every field is optional because file-level findings have no segment. */
export interface Position {
  file?: string;
  /** 1-based line number (bank statements, which are line-oriented; X12 positions use segment). */
  line?: number;
  /** 1-based ordinal of the segment in the file. */
  segment?: number;
  /** 0-based byte offset of the first byte of the segment (or of the problem) in the file. */
  byteOffset?: number;
  segmentId?: string;
  /** Element designator, e.g. `CLP04` or `PLB03-2`. */
  element?: string;
}

export interface Diagnostic extends Position {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** The segment's text, for --verbose only: it may hold patient data, so it is never printed by default. */
  excerpt?: string;
}

export function makeDiagnostic(code: DiagnosticCode, message: string, position: Position = {}, severity?: Severity): Diagnostic {
  return { code, severity: severity ?? DIAGNOSTIC_CODES[code].severity, message, ...position };
}

/** Formats a position the way every message in recoup names a place: `era.835 segment 57 (byte 2140) CLP04`. */
export function describePosition(p: Position): string {
  const parts: string[] = [];
  if (p.file !== undefined) parts.push(p.file);
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  if (p.segment !== undefined) parts.push(`segment ${p.segment}${p.segmentId ? ` ${p.segmentId}` : ''}`);
  if (p.byteOffset !== undefined) parts.push(`byte ${p.byteOffset}`);
  if (p.element !== undefined) parts.push(p.element);
  return parts.join(', ');
}
