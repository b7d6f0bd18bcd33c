// BAI2 balance-reporting files (BAI2 technical reference, version 2) → BankLines, every trailer's control total
// and record count checked. Push parser, no I/O: holds one record with its 88s and running totals.

import { isUtf8 } from 'node:buffer';
import { type DiagnosticCode, makeDiagnostic } from '../diagnostics/diagnostics.js';
import { type Cents, formatMoney } from '../remit/money.js';
import { parseBai2Amount, parseBai2Date } from './amounts.js';
import type { BankLine, BankSink } from './model.js';

const enum Byte {
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
}

/** A physical record longer than this is not BAI2 (records are 80 characters or so): skipped, memory stays flat. */
const MAX_RECORD_BYTES = 1024 * 1024;

/** Where a record starts: its 1-based physical line and the 0-based offset of the line's first byte. */
interface Place {
  line: number;
  byteOffset: number;
}

/** A record with the 88 continuations that follow it, joined (BAI2 technical reference: 88 continues the previous record). */
interface LogicalRecord extends Place {
  code: string;
  /** Everything after the record code and its comma, continuations appended. */
  body: string;
  /** Physical records it was read from (1 + its 88s): every one counts in the trailers' record counts. */
  physical: number;
  /** 16 only: where the text field begins in `body`, or -1 while the fields before it are not all there. */
  textFrom: number;
}

/** What a trailer is checked against. `total` is null once an amount in it could not be read. */
interface Container extends Place {
  total: Cents | null;
  records: number;
}

interface Account extends Container {
  number: string;
}

interface Group extends Container {
  date: string | null;
  accounts: number;
}

interface BaiFile extends Container {
  groups: number;
}

/** The fields of a 16 before its text: type code, amount, funds type and its extras, bank and customer reference. */
interface DetailHead {
  typeCode: string;
  amount: string;
  bankReference: string;
  customerReference: string;
  /** Index in the body where the text begins; -1 when the record ends before the text field. */
  textFrom: number;
}

/** Reads one BAI2 file. Never throws for bad input: every problem is a coded diagnostic with line and byte offset. */
export class Bai2Reader {
  private readonly file: string;
  private readonly sink: BankSink;
  /** The unfinished physical line at the end of the last chunk (a copy: it never pins a whole chunk). */
  private carry: Buffer | null = null;
  private carryAt = 0;
  private bytes = 0;
  private lineNumber = 0;
  /** Inside a physical line longer than MAX_RECORD_BYTES: its bytes are dropped until its line feed. */
  private skippingLong = false;
  private current: LogicalRecord | null = null;
  private baiFile: BaiFile | null = null;
  private group: Group | null = null;
  private account: Account | null = null;
  private fileClosed = false;
  private afterTrailerReported = false;

  constructor(file: string, sink: BankSink) {
    this.file = file;
    this.sink = sink;
  }

  write(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let data = buf;
    let at = this.bytes;
    if (this.carry !== null) {
      data = Buffer.concat([this.carry, buf]);
      at = this.carryAt;
      this.carry = null;
    }
    this.bytes += buf.length;
    let start = 0;
    for (let lf = data.indexOf(Byte.LineFeed); lf !== -1; lf = data.indexOf(Byte.LineFeed, start)) {
      if (this.skippingLong) {
        this.skippingLong = false;
        this.lineNumber++;
      } else if (lf - start > MAX_RECORD_BYTES) {
        this.tooLong(at + start);
        this.lineNumber++;
      } else {
        this.physicalLine(data, start, lf, at + start);
      }
      start = lf + 1;
    }
    if (start === data.length || this.skippingLong) return;
    if (data.length - start > MAX_RECORD_BYTES) {
      // the same finding whether the long line arrives whole or in pieces
      this.tooLong(at + start);
      this.skippingLong = true;
      return;
    }
    this.carry = Buffer.from(data.subarray(start));
    this.carryAt = at + start;
  }

  end(): void {
    if (this.carry !== null && !this.skippingLong) this.physicalLine(this.carry, 0, this.carry.length, this.carryAt);
    this.carry = null;
    this.flush();
    const open: string[] = [];
    if (this.account !== null) open.push(`account (03 at line ${this.account.line}, no 49)`);
    if (this.group !== null) open.push(`group (02 at line ${this.group.line}, no 98)`);
    if (this.baiFile !== null) open.push(`file (01 at line ${this.baiFile.line}, no 99)`);
    const innermost = this.account ?? this.group ?? this.baiFile;
    if (innermost !== null) {
      this.report('BAI2_MISSING_TRAILER', `the statement ends inside ${joinList(open)}: it is cut short`, innermost);
    }
    this.account = null;
    this.group = null;
    this.baiFile = null;
  }

  /** A physical record too long to be BAI2: it ends the record before it and counts in the trailers, but is not read. */
  private tooLong(byteOffset: number): void {
    this.flush();
    const place = { line: this.lineNumber + 1, byteOffset };
    if (this.afterTrailer(place)) return;
    this.countIn(1);
    this.report('BAI2_STRUCTURE', `a record longer than ${MAX_RECORD_BYTES} bytes is not BAI2; it was skipped`, place);
  }

  /** One physical line, [start, end) of data without its line feed, starting at file offset `at`. */
  private physicalLine(data: Buffer, start: number, end: number, at: number): void {
    this.lineNumber++;
    if (end > start && data[end - 1] === Byte.CarriageReturn) end--;
    if (this.lineNumber === 1 && end - start >= 3 && data[start] === 0xef && data[start + 1] === 0xbb && data[start + 2] === 0xbf) {
      start += 3;
      at += 3;
    }
    let text = data.toString('latin1', start, end);
    // BAI2 is ASCII; text fields from some banks carry UTF-8, which is decoded as such when it is valid
    if (/[^\x00-\x7f]/.test(text) && isUtf8(data.subarray(start, end))) text = data.toString('utf8', start, end);
    let record = text.trim(); // trailing spaces: fixed-length records padded to 80 characters
    if (record === '') return;
    if (record.endsWith('/')) record = record.slice(0, -1);
    const comma = record.indexOf(',');
    const code = comma === -1 ? record : record.slice(0, comma);
    const body = comma === -1 ? '' : record.slice(comma + 1);
    const place = { line: this.lineNumber, byteOffset: at };
    if (code === '88') this.continuation(body, place);
    else {
      this.flush();
      this.current = { code, body, physical: 1, textFrom: code === '16' ? readDetailHead(body).textFrom : -1, ...place };
    }
  }

  /** An 88 adds fields to the record before it, or, once a 16's text has begun, more text (joined by one space). */
  private continuation(body: string, place: Place): void {
    const r = this.current;
    if (r === null) {
      if (this.afterTrailer(place)) return;
      this.countIn(1);
      this.report('BAI2_STRUCTURE', '88 continuation with no record before it to continue; skipped', place);
      return;
    }
    r.physical++;
    if (r.code === '16' && r.textFrom !== -1) {
      r.body += ` ${body}`;
    } else {
      r.body += `,${body}`;
      if (r.code === '16') r.textFrom = readDetailHead(r.body).textFrom;
    }
  }

  /** The logical record is complete (the next record is not an 88, or the input ended): act on it. */
  private flush(): void {
    const r = this.current;
    if (r === null) return;
    this.current = null;
    if (this.afterTrailer(r)) return;
    switch (r.code) {
      case '01':
        return this.fileHeader(r);
      case '02':
        return this.groupHeader(r);
      case '03':
        return this.accountHeader(r);
      case '16':
        return this.detail(r);
      case '49':
        return this.accountTrailer(r);
      case '98':
        return this.groupTrailer(r);
      case '99':
        return this.fileTrailer(r);
      default:
        this.countIn(r.physical);
        this.report('BAI2_STRUCTURE', `unknown record code ${JSON.stringify(r.code.slice(0, 8))}; skipped`, r);
    }
  }

  /** Records after the 99 are not part of the file: said once, at the first. */
  private afterTrailer(place: Place): boolean {
    if (!this.fileClosed) return false;
    if (!this.afterTrailerReported) {
      this.afterTrailerReported = true;
      this.report('BAI2_STRUCTURE', 'records after the 99 file trailer were ignored (this is the first of them)', place);
    }
    return true;
  }

  private fileHeader(r: LogicalRecord): void {
    if (this.baiFile !== null) {
      this.countIn(r.physical);
      this.report('BAI2_STRUCTURE', `a second 01 file header (the file began at line ${this.baiFile.line}); skipped`, r);
      return;
    }
    this.baiFile = { line: r.line, byteOffset: r.byteOffset, total: 0, records: r.physical, groups: 0 };
  }

  private groupHeader(r: LogicalRecord): void {
    if (this.baiFile === null) {
      this.report('BAI2_STRUCTURE', '02 group header before any 01 file header; skipped', r);
      return;
    }
    if (this.group !== null) this.closeGroupUnended(`the 02 at line ${r.line}`);
    // 02: ultimate receiver, originator, group status, as-of date (field 5 counting the record code), …
    const asOf = (field(r.body, 3) ?? '').trim();
    const date = parseBai2Date(asOf);
    if (date === null) {
      this.report('BANK_BAD_DATE', `02 as-of date ${JSON.stringify(asOf)} is not a YYMMDD date; the group's lines have no date`, r);
    }
    this.group = { line: r.line, byteOffset: r.byteOffset, date, total: 0, records: r.physical, accounts: 0 };
    this.baiFile.groups++;
    this.baiFile.records += r.physical;
  }

  private accountHeader(r: LogicalRecord): void {
    if (this.group === null) {
      this.countIn(r.physical);
      this.report('BAI2_STRUCTURE', '03 account record with no 02 group open; skipped', r);
      return;
    }
    if (this.account !== null) this.closeAccountUnended(`the 03 at line ${r.line}`);
    // 03: account number, currency, then summary items: type code, amount (signed), item count, funds type [+ extras]
    const fields = r.body.split(',');
    let total: Cents | null = 0;
    let bad: string | null = null;
    for (let i = 2; i < fields.length; i = skipFundsType(fields, i + 3)) {
      const text = (fields[i + 1] ?? '').trim();
      if (text === '') continue; // a summary item may give no amount
      const cents = parseBai2Amount(text, true);
      if (cents === null) bad ??= text;
      else if (total !== null) total += cents;
    }
    if (bad !== null) {
      total = null;
      this.report('BANK_BAD_AMOUNT', `03 summary amount ${JSON.stringify(bad.slice(0, 20))} is not a whole number of cents; the account's control total could not be checked`, r);
    }
    this.account = { line: r.line, byteOffset: r.byteOffset, number: (fields[0] ?? '').trim(), total, records: 0 };
    this.group.accounts++;
    this.countIn(r.physical);
  }

  private detail(r: LogicalRecord): void {
    const account = this.account;
    this.countIn(r.physical);
    if (account === null) {
      this.report('BAI2_STRUCTURE', '16 detail record with no 03 account open; skipped', r);
      return;
    }
    const head = readDetailHead(r.body);
    const amountText = head.amount.trim();
    const cents = parseBai2Amount(amountText, false);
    if (cents === null) {
      account.total = null;
      this.report('BANK_BAD_AMOUNT', `16 amount ${JSON.stringify(amountText.slice(0, 20))} is not a whole number of cents; the line was skipped and the account's control total could not be checked`, r);
      return;
    }
    if (account.total !== null) account.total += cents;
    const typeCode = head.typeCode.trim();
    const type = /^\d{3}$/.test(typeCode) ? Number(typeCode) : 0;
    // BAI2 technical reference, type codes: 100–399 credit activity, 400–699 debit activity; the rest are
    // status (000–099), loan (700–799) or bank-specific (900–999) codes, which say nothing about money in or out
    if (type < 100 || type > 699) {
      this.report('BAI2_TYPE_CODE', `16 type code ${JSON.stringify(typeCode.slice(0, 8))} is not a credit (100-399) or debit (400-699) detail code; the line was not listed`, r);
      return;
    }
    if (cents === 0) return;
    const line: BankLine = {
      file: this.file,
      format: 'bai2',
      line: r.line,
      byteOffset: r.byteOffset,
      account: account.number,
      date: this.group?.date ?? null,
      amount: type < 400 ? cents : -cents,
      typeCode,
      reference: head.bankReference.trim(),
      customerReference: head.customerReference.trim(),
      text: head.textFrom === -1 ? '' : r.body.slice(head.textFrom).trim(),
    };
    this.sink.line(line);
  }

  private accountTrailer(r: LogicalRecord): void {
    const account = this.account;
    this.countIn(r.physical);
    if (account === null) {
      this.report('BAI2_STRUCTURE', '49 account trailer with no 03 account open; skipped', r);
      return;
    }
    // 49: account control total, number of records (03, 16, 88 and 49)
    const stated = this.checkTrailer(r, account, "the account's amounts", 'the account has', '03 through 49');
    this.addToGroup(account.total ?? stated);
    this.account = null;
  }

  private groupTrailer(r: LogicalRecord): void {
    const group = this.group;
    if (group === null) {
      this.countIn(r.physical);
      this.report('BAI2_STRUCTURE', '98 group trailer with no 02 group open; skipped', r);
      return;
    }
    if (this.account !== null) this.closeAccountUnended(`the 98 at line ${r.line}`);
    this.countIn(r.physical);
    // 98: group control total, number of accounts, number of records (02 through 98)
    const stated = this.checkTrailer(r, group, "the group's accounts", 'the group has', '02 through 98');
    this.checkCount(r, field(r.body, 1), group.accounts, 'account', 'the group has');
    this.addToFile(group.total ?? stated);
    this.group = null;
  }

  private fileTrailer(r: LogicalRecord): void {
    const baiFile = this.baiFile;
    if (baiFile === null) {
      this.report('BAI2_STRUCTURE', '99 file trailer with no 01 file header before it; skipped', r);
      return;
    }
    if (this.group !== null) this.closeGroupUnended(`the 99 at line ${r.line}`);
    this.countIn(r.physical);
    // 99: file control total, number of groups, number of records (01 through 99)
    this.checkTrailer(r, baiFile, "the file's groups", 'the file has', '01 through 99');
    this.checkCount(r, field(r.body, 1), baiFile.groups, 'group', 'the file has');
    this.baiFile = null;
    this.fileClosed = true;
  }

  /**
   * Checks a trailer's control total (its first field) against what was read, and its record count (its
   * last field). Returns the stated total, or null when it cannot be read.
   */
  private checkTrailer(r: LogicalRecord, c: Container, sumOf: string, has: string, span: string): Cents | null {
    const fields = r.body.split(',');
    const totalText = (fields[0] ?? '').trim();
    const stated = parseBai2Amount(totalText, true);
    if (stated === null) {
      this.report('BANK_BAD_AMOUNT', `${r.code} control total ${JSON.stringify(totalText.slice(0, 20))} is not a whole number of cents; it could not be checked`, r);
    } else if (c.total === null) {
      // an amount inside could not be read: already reported, and the total is not checked
    } else if (stated !== c.total) {
      this.report('BAI2_CONTROL_TOTAL', `${r.code} says ${formatMoney(stated)}, ${sumOf} add up to ${formatMoney(c.total)}`, r);
    }
    const countField = r.code === '49' ? 1 : 2;
    this.checkCount(r, fields[countField], c.records, 'record', has, ` (${span}, counting 88 continuations)`);
    return stated;
  }

  /** A container's total goes up to its parent; once a part is unknown the parent's sum is too. */
  private addToGroup(total: Cents | null): void {
    if (this.group === null) return;
    this.group.total = total === null || this.group.total === null ? null : this.group.total + total;
  }

  private addToFile(total: Cents | null): void {
    if (this.baiFile === null) return;
    this.baiFile.total = total === null || this.baiFile.total === null ? null : this.baiFile.total + total;
  }

  /** A new 03 or a 98 arrived with an account open: the account's 49 is missing. Its lines are kept. */
  private closeAccountUnended(before: string): void {
    const account = this.account!;
    this.report('BAI2_MISSING_TRAILER', `the account (03 at line ${account.line}) has no 49 trailer before ${before}`, account);
    this.addToGroup(account.total);
    this.account = null;
  }

  /** A new 02 or a 99 arrived with a group open: its 98 (and its account's 49, if one is open) is missing. */
  private closeGroupUnended(before: string): void {
    const group = this.group!;
    const account = this.account;
    const what = account !== null ? `the account (03 at line ${account.line}) and the group (02 at line ${group.line}) have no 49 and 98 trailers` : `the group (02 at line ${group.line}) has no 98 trailer`;
    this.report('BAI2_MISSING_TRAILER', `${what} before ${before}`, account ?? group);
    if (account !== null) this.addToGroup(account.total);
    this.addToFile(group.total);
    this.account = null;
    this.group = null;
  }

  /** Every physical record counts in the account, group and file open around it. */
  private countIn(n: number): void {
    if (this.account !== null) this.account.records += n;
    if (this.group !== null) this.group.records += n;
    if (this.baiFile !== null) this.baiFile.records += n;
  }

  /** A trailer count (records, accounts, groups) against what was read. */
  private checkCount(r: LogicalRecord, text: string | undefined, actual: number, noun: string, has: string, note = ''): void {
    const t = (text ?? '').trim();
    if (!/^\d{1,9}$/.test(t)) {
      this.report('BAI2_RECORD_COUNT', `${r.code} gives no ${noun} count (${JSON.stringify(t.slice(0, 12))}); ${has} ${plural(actual, noun)}${note}`, r);
    } else if (Number(t) !== actual) {
      this.report('BAI2_RECORD_COUNT', `${r.code} says ${plural(Number(t), noun)}, ${has} ${actual}${note}`, r);
    }
  }

  private report(code: DiagnosticCode, message: string, place: Place): void {
    this.sink.diagnostic(makeDiagnostic(code, message, { file: this.file, line: place.line, byteOffset: place.byteOffset }));
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function joinList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** The i-th comma-separated field of a body (0-based), or undefined past the end. */
function field(body: string, i: number): string | undefined {
  let start = 0;
  for (let k = 0; k < i; k++) {
    const comma = body.indexOf(',', start);
    if (comma === -1) return undefined;
    start = comma + 1;
  }
  const comma = body.indexOf(',', start);
  return body.slice(start, comma === -1 ? body.length : comma);
}

/**
 * The index after a funds type and its extra fields (BAI2 technical reference, funds type): blank, 0, 1,
 * 2, Z have none; V a value date and time; S three amounts; D a count n and n (days, amount) pairs.
 */
function skipFundsType(fields: readonly string[], at: number): number {
  switch ((fields[at] ?? '').trim().toUpperCase()) {
    case 'V':
      return at + 3;
    case 'S':
      return at + 4;
    case 'D': {
      const n = (fields[at + 1] ?? '').trim();
      return at + 2 + (/^\d{1,6}$/.test(n) ? 2 * Number(n) : 0);
    }
    default:
      return at + 1;
  }
}

/** Splits a 16 up to its text: the text is the last field and runs to the end of the record, commas included. */
function readDetailHead(body: string): DetailHead {
  let pos = 0;
  const next = (): string => {
    if (pos > body.length) return '';
    const comma = body.indexOf(',', pos);
    const end = comma === -1 ? body.length : comma;
    const value = body.slice(pos, end);
    pos = end + 1;
    return value;
  };
  const typeCode = next();
  const amount = next();
  const funds = next().trim().toUpperCase();
  let extras = 0;
  if (funds === 'V') extras = 2;
  else if (funds === 'S') extras = 3;
  else if (funds === 'D') {
    const n = next().trim();
    extras = /^\d{1,6}$/.test(n) ? 2 * Number(n) : 0;
  }
  for (let k = 0; k < extras && pos <= body.length; k++) next();
  const bankReference = next();
  const customerReference = next();
  return { typeCode, amount, bankReference, customerReference, textFrom: pos <= body.length ? pos : -1 };
}
