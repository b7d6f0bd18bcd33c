// A bank statement line, whatever format it came in (BAI2 or a bank's CSV export), and what the readers
// report through. Plain data: no I/O here; src/input/bank-file.ts streams a file into a reader.

import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { Cents } from '../remit/money.js';

export type BankFormat = 'bai2' | 'csv';

/** One transaction on a statement: a BAI2 16 record (with its 88 continuations) or one CSV row. */
export interface BankLine {
  /** The statement's display name (as given on the command line). */
  file: string;
  format: BankFormat;
  /** 1-based line number of the record (BAI2: the 16 record; CSV: the row's first line). */
  line: number;
  /** 0-based byte offset of that line in the file. */
  byteOffset: number;
  /** The account the line belongs to (BAI2 03 account number; CSV: an account column if present, else ''). */
  account: string;
  /** Posting date YYYY-MM-DD (BAI2: the group's as-of date 02-04; CSV: the date column); null if unreadable. */
  date: string | null;
  /** Cents, signed: a credit (money in) is positive, a debit (money out) negative. Never 0 for a kept line. */
  amount: Cents;
  /** BAI2 detail type code (e.g. '165', '301', '475'); '' for CSV. */
  typeCode: string;
  /** The bank's reference for the line (BAI2 16 bank reference; CSV: a reference/check-number column). */
  reference: string;
  /** BAI2 16 customer reference ('' for CSV). */
  customerReference: string;
  /** Description / BAI2 text with its 88 continuations joined by one space; as written, trimmed. */
  text: string;
}

/** Where a reader sends what it reads. Readers never throw for bad input: they report a diagnostic. */
export interface BankSink {
  line(line: BankLine): void;
  diagnostic(d: Diagnostic): void;
}

/**
 * How to read a bank's CSV export when its headers are not recognised (config file `bank.csv`). Each
 * column is named by its header text (case and surrounding space ignored). Either `amount` (signed:
 * negative or in parentheses is a debit) or `credit` and/or `debit` (unsigned) must be given.
 */
export interface BankCsvMapping {
  date?: string;
  amount?: string;
  credit?: string;
  debit?: string;
  description?: string;
  reference?: string;
  account?: string;
  /** A column saying Credit or Debit (CR/DR) when the amounts are written unsigned. */
  type?: string;
  /** How dates are written: 'MM/DD/YYYY' (also M/D/YYYY and MM/DD/YY), 'DD/MM/YYYY', 'YYYY-MM-DD'. Default: detected. */
  dateFormat?: 'MM/DD/YYYY' | 'DD/MM/YYYY' | 'YYYY-MM-DD';
}
