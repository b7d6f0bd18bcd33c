// A bank's CSV export → BankLines: finds the header row (or applies the user's bank.csv mapping), reads
// each row's money and date, and reports what it cannot read. csv-parse does the CSV; no I/O here.

import { Parser } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { finished } from 'node:stream/promises';
import { makeDiagnostic } from '../diagnostics/diagnostics.js';
import type { Cents } from '../remit/money.js';
import { type BankAmount, parseBankAmount, parseBankDate } from './amounts.js';
import type { BankCsvMapping, BankLine, BankSink } from './model.js';

/** The header must be among the first rows (a few rows of account information may come before it). */
const HEADER_WITHIN_ROWS = 10;
/** Bytes looked at to choose the delimiter before parsing starts (the header line must be in them). */
const SNIFF_BYTES = 64 * 1024;
/** A row longer than this (an unclosed quote swallowing the file) stops the reading instead of filling memory. */
const MAX_ROW_BYTES = 1024 * 1024;

type Role = 'date' | 'amount' | 'credit' | 'debit' | 'description' | 'reference' | 'account' | 'type';

/** Header names recognised for each column, compared after normalizeHeader; earlier names win. */
const HEADER_NAMES: Record<Role, readonly string[]> = {
  date: ['date', 'posting date', 'post date', 'posted date', 'transaction date', 'trans date', 'effective date', 'value date', 'booking date'],
  amount: ['amount', 'transaction amount', 'amount usd', 'net amount'],
  credit: ['credit', 'credits', 'deposit', 'deposits', 'credit amount', 'amount credit'],
  debit: ['debit', 'debits', 'withdrawal', 'withdrawals', 'debit amount', 'amount debit'],
  description: ['description', 'memo', 'details', 'transaction description', 'narrative', 'payee', 'name', 'transaction details', 'text', 'additional info', 'memo description'],
  reference: ['reference', 'ref', 'bank reference', 'reference number', 'ref number', 'check number', 'check', 'transaction id', 'trace number', 'customer reference'],
  account: ['account', 'account number'],
  // a column saying which way the money went, with the amount written unsigned (Capital One and others)
  type: ['transaction type', 'type', 'cr dr', 'dr cr', 'credit debit', 'debit credit', 'credit or debit'],
};

/** Column indexes of one file, from its header row; -1 where the file has no such column. */
interface Columns {
  date: number;
  amount: number;
  credit: number;
  debit: number;
  /** Every description-like column, in file order: their non-empty cells are joined. */
  description: number[];
  reference: number;
  account: number;
  /** A credit/debit column: its word decides the sign of an unsigned amount. */
  type: number;
  /** The header cells, for messages. */
  names: string[];
}

/** A row before the header was found: what a BANK_CSV_COLUMNS message names. */
interface Candidate {
  cells: string[];
  line: number;
  byteOffset: number;
  /** With a mapping: the mapped names this row lacks. */
  missing: string[];
}

export interface BankCsvOptions {
  /** The user's bank.csv mapping: overrides header detection for the columns it names. */
  mapping?: BankCsvMapping;
}

/**
 * Reads one CSV export: write(chunk)… end(). Rows are parsed as the bytes arrive (csv-parse's Parser
 * hands each record to on_record synchronously, and nothing is queued behind it); end() resolves when
 * the last row is read. Never throws for bad input: every problem is a coded diagnostic with the line and
 * byte offset where its row starts.
 */
export class BankCsvReader {
  private readonly file: string;
  private readonly sink: BankSink;
  private readonly mapping: BankCsvMapping | undefined;
  /** Bytes held until the delimiter is chosen (at most SNIFF_BYTES plus one chunk). */
  private head: Buffer[] = [];
  private headBytes = 0;
  private parser: Parser | null = null;
  private columns: Columns | null = null;
  /** Non-blank rows seen while looking for the header. */
  private rowsBeforeHeader = 0;
  private first: Candidate | null = null;
  private best: Candidate | null = null;
  /** Where the next row starts: the line after the last row's end and the byte after its record delimiter. */
  private nextLine = 1;
  private nextByte = 0;
  /** Set once reading stops: a CSV error, or no header in the first rows. */
  private done = false;
  private sinkError: { err: unknown } | null = null;

  constructor(file: string, sink: BankSink, options: BankCsvOptions = {}) {
    this.file = file;
    this.sink = sink;
    this.mapping = options.mapping;
  }

  /** True once nothing more will be read (malformed CSV or no header): the caller may stop feeding. */
  get stopped(): boolean {
    return this.done;
  }

  /** True once the header row was found (the file could be read as a statement). */
  get headerFound(): boolean {
    return this.columns !== null;
  }

  write(chunk: Buffer | string): void {
    if (this.done) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.parser === null) {
      this.head.push(buf);
      this.headBytes += buf.length;
      if (this.headBytes >= SNIFF_BYTES) this.startParser(false);
      return;
    }
    this.feed(buf);
  }

  async end(): Promise<void> {
    if (this.parser === null && !this.done) this.startParser(true);
    const parser = this.parser;
    if (parser !== null && !this.done) {
      parser.end();
      try {
        await finished(parser);
      } catch (err) {
        this.failed(err);
      }
    }
    parser?.destroy();
    if (this.sinkError !== null) throw this.sinkError.err;
    if (this.columns === null && !this.done) this.noHeader();
    this.done = true;
  }

  /** Chooses the delimiter from the bytes held (the whole input when `atEnd`), starts csv-parse and gives it those bytes. */
  private startParser(atEnd: boolean): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : head[0] === 0xff && head[1] === 0xfe ? 2 : 0;
    this.nextByte = bom;
    const text = head.toString(bom === 2 ? 'utf16le' : 'utf8', bom);
    this.parser = new Parser({
      delimiter: this.chooseDelimiter(text, atEnd),
      bom: true,
      trim: true,
      relax_column_count: true,
      // a stray quote inside a cell (12" PIPE) is text; a quote that opens a cell must still close
      relax_quotes: true,
      // blank lines come through as records so that every row's first line and byte are known
      skip_empty_lines: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      max_record_size: MAX_ROW_BYTES,
      on_record: (cells: string[], info) => {
        try {
          this.row(cells, info.bytes);
        } catch (err) {
          this.sinkError = { err };
          throw err;
        }
        return null; // nothing is queued in the stream: rows go to the sink as they are read
      },
    });
    this.parser.on('error', (err) => this.failed(err));
    this.parser.resume();
    this.feed(head);
  }

  private feed(buf: Buffer): void {
    const parser = this.parser!;
    parser.write(buf);
    if (parser.errored !== null) this.failed(parser.errored);
  }

  /**
   * Comma, unless the header line (the first of the first lines that reads as a header with its own
   * delimiter) has more semicolons or tabs than commas. Lines are split here only to count characters.
   */
  private chooseDelimiter(text: string, atEnd: boolean): string {
    const split = text.split(/\r\n|\n|\r/);
    if (!atEnd) split.pop(); // the last line may be cut at the end of the bytes held
    const lines = split.filter((l) => l.trim() !== '');
    for (const line of lines.slice(0, HEADER_WITHIN_ROWS)) {
      const delimiter = likelyDelimiter(line);
      let cells: string[];
      try {
        cells = (parseSync(line, { delimiter, trim: true, relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
      } catch {
        continue;
      }
      if (this.headerOf(cells).columns !== null) return delimiter;
    }
    return lines.length > 0 ? likelyDelimiter(lines[0]!) : ',';
  }

  /**
   * One CSV record, ending at byte `endByte` (after its record delimiter). Its lines are counted here: a
   * record spans one line plus the line breaks inside its quoted cells (csv-parse's own `lines` counts a
   * CRLF inside quotes twice).
   */
  private row(cells: string[], endByte: number): void {
    const line = this.nextLine;
    const byteOffset = this.nextByte;
    this.nextLine = line + 1 + cells.reduce((n, c) => n + lineBreaks(c), 0);
    this.nextByte = endByte;
    if (this.done || cells.every((c) => c === '')) return;
    if (this.columns === null) this.lookForHeader(cells, line, byteOffset);
    else this.transaction(this.columns, cells, line, byteOffset);
  }

  private lookForHeader(cells: string[], line: number, byteOffset: number): void {
    this.rowsBeforeHeader++;
    const { columns, missing } = this.headerOf(cells);
    if (columns !== null) {
      this.columns = columns;
      return;
    }
    const candidate = { cells, line, byteOffset, missing };
    this.first ??= candidate;
    if (this.best === null || missing.length < this.best.missing.length) this.best = candidate;
    if (this.rowsBeforeHeader >= HEADER_WITHIN_ROWS) {
      this.noHeader();
      this.done = true;
    }
  }

  /** The columns when `cells` is a header row (a date column and an amount, credit or debit column). */
  private headerOf(cells: string[]): { columns: Columns | null; missing: string[] } {
    const names = cells.map(normalizeHeader);
    const m = this.mapping;
    const missing: string[] = [];
    const mapped = (key: keyof Omit<BankCsvMapping, 'dateFormat'>): number | undefined => {
      const wanted = m?.[key];
      if (wanted === undefined) return undefined;
      const at = names.indexOf(normalizeHeader(wanted));
      if (at === -1) missing.push(`"${wanted}" (bank.csv.${key})`);
      return at;
    };
    const date = mapped('date') ?? find(names, 'date');
    const mappedAmount = mapped('amount');
    const mappedCredit = mapped('credit');
    const mappedDebit = mapped('debit');
    const moneyMapped = mappedAmount !== undefined || mappedCredit !== undefined || mappedDebit !== undefined;
    let amount = mappedAmount ?? (moneyMapped ? -1 : find(names, 'amount'));
    const credit = mappedCredit ?? (moneyMapped || amount !== -1 ? -1 : find(names, 'credit'));
    const debit = mappedDebit ?? (moneyMapped || amount !== -1 ? -1 : find(names, 'debit'));
    if (credit !== -1 || debit !== -1) amount = -1;
    const mappedDescription = mapped('description');
    const description = mappedDescription !== undefined ? [mappedDescription] : names.flatMap((n, i) => (HEADER_NAMES.description.includes(n) ? [i] : []));
    const reference = mapped('reference') ?? find(names, 'reference');
    const account = mapped('account') ?? find(names, 'account');
    const type = mapped('type') ?? find(names, 'type');
    if (missing.length > 0 || date === -1 || (amount === -1 && credit === -1 && debit === -1)) return { columns: null, missing };
    return { columns: { date, amount, credit, debit, description: description.filter((i) => i !== -1), reference, account, type, names: cells }, missing };
  }

  private noHeader(): void {
    const first = this.first;
    const where = first === null ? { file: this.file } : { file: this.file, line: first.line, byteOffset: first.byteOffset };
    if (first === null) {
      this.sink.diagnostic(makeDiagnostic('BANK_CSV_COLUMNS', 'the CSV holds no rows: no header with a date and an amount column', where));
      return;
    }
    const best = this.best!;
    if (best.missing.length > 0) {
      this.sink.diagnostic(
        makeDiagnostic(
          'BANK_CSV_COLUMNS',
          `the bank.csv mapping names ${best.missing.length === 1 ? 'a column' : 'columns'} this file's header does not have: ${best.missing.join(', ')}; the headers found are ${quoteCells(best.cells)}`,
          { file: this.file, line: best.line, byteOffset: best.byteOffset },
        ),
      );
      return;
    }
    this.sink.diagnostic(
      makeDiagnostic(
        'BANK_CSV_COLUMNS',
        `no header row with a date column and an amount (or credit/debit) column in the first ${this.rowsBeforeHeader} ${this.rowsBeforeHeader === 1 ? 'row' : 'rows'}; the first row is ${quoteCells(first.cells)}; name the columns in the config file: bank.csv.date and bank.csv.amount (or bank.csv.credit / bank.csv.debit)`,
        where,
      ),
    );
  }

  /** A row after the header: a BankLine, or skipped with the reason reported. */
  private transaction(c: Columns, cells: string[], line: number, byteOffset: number): void {
    const cell = (i: number): string => (i >= 0 ? (cells[i] ?? '').trim() : '');
    const money = readMoney(c, cell);
    const { bad } = money;
    let amount = money.amount;
    const where = { file: this.file, line, byteOffset };
    // "Debit" / "Credit" in a type column: the amount is written unsigned, the word gives its direction
    if (c.type !== -1 && bad === null && amount !== 0) {
      const word = cell(c.type).toLowerCase();
      if (/^(debit|dr|d|withdrawal|payment|check|fee)\b/.test(word)) amount = -Math.abs(amount);
      else if (/^(credit|cr|c|deposit)\b/.test(word)) amount = Math.abs(amount);
    }
    if (bad === null && amount === 0) return; // a balance line, or nothing moved
    const dateText = cell(c.date);
    if (dateText === '') {
      this.sink.diagnostic(makeDiagnostic('BANK_BAD_DATE', 'a row with no date is not a transaction (a total or balance row); skipped', where, 'info'));
      return;
    }
    if (bad !== null) {
      this.sink.diagnostic(makeDiagnostic('BANK_BAD_AMOUNT', `${JSON.stringify(bad.text.slice(0, 30))} in column ${JSON.stringify(c.names[bad.column] ?? '')} is not an amount (${bad.reason}); the row was skipped`, where));
      return;
    }
    const date = parseBankDate(dateText, this.mapping?.dateFormat);
    if (date === null) {
      this.sink.diagnostic(
        makeDiagnostic('BANK_BAD_DATE', `${JSON.stringify(dateText.slice(0, 30))} in column ${JSON.stringify(c.names[c.date] ?? '')} is not a date ${this.mapping?.dateFormat ?? 'in MM/DD/YYYY, YYYY-MM-DD or YYYYMMDD'}; the row is kept without a date`, where),
      );
    }
    const bankLine: BankLine = {
      file: this.file,
      format: 'csv',
      line,
      byteOffset,
      account: cell(c.account),
      date,
      amount,
      typeCode: '',
      reference: cell(c.reference),
      customerReference: '',
      text: c.description
        .map(cell)
        .filter((t) => t !== '')
        .join(' ')
        .trim(),
    };
    this.sink.line(bankLine);
  }

  /** csv-parse stopped (an unclosed quote, a row too long): the rows before it are kept; reading stops. */
  private failed(err: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.sinkError !== null) return;
    const code = (err as { code?: string } | null)?.code ?? 'error';
    const what = code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote opened here is never closed' : code === 'CSV_MAX_RECORD_SIZE' ? `a row is longer than ${MAX_ROW_BYTES} bytes (an unclosed quote?)` : `the CSV cannot be read past this row (${code})`;
    this.sink.diagnostic(makeDiagnostic('BANK_CSV_MALFORMED', `${what}; the rows before it are kept, the rest of the file is not read`, { file: this.file, line: this.nextLine, byteOffset: this.nextByte }));
  }
}

/** Header text → the form names are compared in: lower case, `(USD)`-style notes and punctuation dropped. */
export function normalizeHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A row's money: the signed amount column, or credit (+) and debit (−) netted; the first cell that is not an amount. */
function readMoney(c: Columns, cell: (i: number) => string): { amount: Cents; bad: { column: number; text: string; reason: string } | null } {
  let amount: Cents = 0;
  let bad: { column: number; text: string; reason: string } | null = null;
  // amount is signed (negative or in parentheses is a debit); a debit written as negative is still a debit
  const sources: ReadonlyArray<readonly [number, 'signed' | 'credit' | 'debit']> = [
    [c.amount, 'signed'],
    [c.credit, 'credit'],
    [c.debit, 'debit'],
  ];
  for (const [column, kind] of sources) {
    if (column === -1) continue;
    const a: BankAmount = parseBankAmount(cell(column));
    if (a.kind === 'bad') bad ??= { column, text: cell(column), reason: a.reason };
    // a negative credit is a reversal of one (kept negative); a debit written either way is money out
    else if (a.kind === 'amount') amount += kind === 'signed' || kind === 'credit' ? a.cents : -Math.abs(a.cents);
  }
  return { amount, bad };
}

function find(names: readonly string[], role: Role): number {
  for (const wanted of HEADER_NAMES[role]) {
    const at = names.indexOf(wanted);
    if (at !== -1) return at;
  }
  return -1;
}

/** Semicolon or tab when the line has more of them than commas (European and spreadsheet exports). */
function likelyDelimiter(line: string): string {
  const count = (ch: string): number => line.split(ch).length - 1;
  const commas = count(',');
  const semicolons = count(';');
  const tabs = count('\t');
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas) return '\t';
  return ',';
}

function lineBreaks(cell: string): number {
  if (!cell.includes('\n') && !cell.includes('\r')) return 0;
  return cell.match(/\r\n|\r|\n/g)!.length;
}

/**
 * The cells of a row that should have been a header, for a message. A row that is not a header may be a
 * transaction (a patient's name on a card or Zelle payment): a cell with a digit, or longer than a
 * header, is not quoted, only counted.
 */
function quoteCells(cells: readonly string[]): string {
  const headerLike = (c: string): boolean => c.length <= 30 && !/\d/.test(c);
  if (!cells.every(headerLike)) return `a row of ${cells.length} cells that is not a header (its values are not shown)`;
  const shown = cells.slice(0, 12).map((c) => JSON.stringify(c));
  return shown.join(', ') + (cells.length > 12 ? `, … (${cells.length} cells)` : '');
}
