// BankCsvReader: header detection and the bank.csv mapping, every BankLine field and diagnostic of the CSV
// fixtures, money and date text, and the same result however the bytes are chunked.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBankAmount, parseBankDate } from '../../src/bank/amounts.js';
import { BankCsvReader, normalizeHeader } from '../../src/bank/bank-csv.js';
import type { BankCsvMapping, BankLine } from '../../src/bank/model.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { ROOT } from '../helpers.js';

const dir = join(ROOT, 'fixtures', 'bank');
const fixture = (name: string): Buffer => readFileSync(join(dir, name));

interface Read {
  lines: BankLine[];
  diagnostics: Diagnostic[];
  headerFound: boolean;
}

/** Reads bytes whole, or in the given chunk sizes (the rest in one last chunk). */
async function readCsv(data: Buffer | string, options: { mapping?: BankCsvMapping; chunks?: readonly number[]; file?: string } = {}): Promise<Read> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const lines: BankLine[] = [];
  const diagnostics: Diagnostic[] = [];
  const reader = new BankCsvReader(options.file ?? 'test.csv', { line: (l) => lines.push(l), diagnostic: (d) => diagnostics.push(d) }, options.mapping ? { mapping: options.mapping } : {});
  if (options.chunks === undefined) reader.write(buf);
  else {
    let at = 0;
    for (const n of options.chunks) {
      if (at >= buf.length) break;
      reader.write(buf.subarray(at, at + n));
      at += n;
    }
    if (at < buf.length) reader.write(buf.subarray(at));
  }
  await reader.end();
  return { lines, diagnostics, headerFound: reader.headerFound };
}

const csvLine = (l: Partial<BankLine>): BankLine => ({ file: 'test.csv', format: 'csv', line: 0, byteOffset: 0, account: '', date: null, amount: 0, typeCode: '', reference: '', customerReference: '', text: '', ...l });

const ODD_MAPPING: BankCsvMapping = { date: 'Txn Dt', amount: 'Amt', description: 'Payor / Memo', reference: 'Bank Ref ID', dateFormat: 'DD/MM/YYYY' };

describe('the CSV fixtures', () => {
  it('date-description-amount.csv: $ and thousands, parentheses, M/D/YYYY, a cut trace, a totals row and a balance row (CRLF)', async () => {
    const r = await readCsv(fixture('date-description-amount.csv'));
    expect(r.lines).toEqual([
      csvLine({ line: 2, byteOffset: 38, date: '2024-01-05', amount: 1_200_000, text: 'AETNA HCCLAIMPMT TRN*1*883421900012345*1066033492\\' }),
      csvLine({ line: 3, byteOffset: 127, date: '2024-01-05', amount: 45_032, text: 'CIGNA HLTHCARE HCCLAIMPMT TRN*1*1G45388' }),
      csvLine({ line: 4, byteOffset: 200, date: '2024-01-05', amount: 21_500, text: 'UNITEDHEALTHCARE HCCLAIMPMT QT8642' }),
      csvLine({ line: 5, byteOffset: 268, date: '2024-01-05', amount: -1_200, text: 'MONTHLY SERVICE FEE' }),
      csvLine({ line: 6, byteOffset: 321, date: '2024-01-08', amount: 123_456, text: 'DEPOSIT, BRANCH 012' }),
      csvLine({ line: 7, byteOffset: 378, date: '2024-01-08', amount: -80_000, text: 'CHECK 1042' }),
    ]);
    // "Total credits" has an amount but no date: not a transaction; "Ending balance" has no amount: skipped silently
    expect(r.diagnostics).toEqual([{ code: 'BANK_BAD_DATE', severity: 'info', file: 'test.csv', line: 8, byteOffset: 422, message: expect.any(String) }]);
  });

  it('credit-debit-preamble.csv: two account rows before the header, Credit and Debit columns, Check # as reference', async () => {
    const r = await readCsv(fixture('credit-debit-preamble.csv'));
    expect(r.diagnostics).toEqual([]);
    expect(r.lines).toEqual([
      csvLine({ line: 4, byteOffset: 121, date: '2024-01-05', amount: 1_200_000, text: 'AETNA HCCLAIMPMT TRN*1*883421900012345*1066033492\\' }),
      csvLine({ line: 5, byteOffset: 209, date: '2024-01-05', amount: -80_000, reference: '1042', text: 'CHECK 1042' }),
      csvLine({ line: 6, byteOffset: 256, date: '2024-01-05', amount: -1_500, text: 'WIRE FEE' }), // written -15.00 in Debit: still a debit
      csvLine({ line: 8, byteOffset: 342, date: '2024-01-08', amount: 9_876_543, text: 'NOVITAS HCCLAIMPMT TRN*1*98765432101*1311234567\\' }), // YYYYMMDD
    ]);
  });

  it('odd-headers.csv without a mapping: BANK_CSV_COLUMNS at the first row, naming its cells and the config keys', async () => {
    const r = await readCsv(fixture('odd-headers.csv'));
    expect(r.lines).toEqual([]);
    expect(r.headerFound).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.byteOffset])).toEqual([['BANK_CSV_COLUMNS', 1, 0]]);
    const message = r.diagnostics[0]!.message;
    for (const part of ['"Txn Dt", "Payor / Memo", "Amt", "Bank Ref ID"', 'bank.csv.date', 'bank.csv.amount', 'bank.csv.credit', 'bank.csv.debit']) expect(message).toContain(part);
  });

  it('odd-headers.csv with the mapping (day-first dates)', async () => {
    const r = await readCsv(fixture('odd-headers.csv'), { mapping: ODD_MAPPING });
    expect(r.diagnostics).toEqual([]);
    expect(r.lines).toEqual([
      csvLine({ line: 2, byteOffset: 36, date: '2024-01-05', amount: 1_200_000, reference: '081000030000101', text: 'AETNA HCCLAIMPMT TRN*1*883421900012345*1066033492\\' }),
      csvLine({ line: 3, byteOffset: 123, date: '2024-01-05', amount: 315_075, reference: '081000030000201', text: 'BCBSTX HCCLAIMPMT TRN*1*202401050007788*1750000001\\' }),
      csvLine({ line: 4, byteOffset: 210, date: '2024-01-08', amount: -2_500, reference: 'FEE0108', text: 'ACCOUNT ANALYSIS FEE' }),
    ]);
  });

  it('a mapping naming a header the file lacks: BANK_CSV_COLUMNS naming it and the headers found', async () => {
    const r = await readCsv(fixture('odd-headers.csv'), { mapping: { ...ODD_MAPPING, amount: 'Amount' } });
    expect(r.lines).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.byteOffset])).toEqual([['BANK_CSV_COLUMNS', 1, 0]]);
    expect(r.diagnostics[0]!.message).toBe('the bank.csv mapping names a column this file\'s header does not have: "Amount" (bank.csv.amount); the headers found are "Txn Dt", "Payor / Memo", "Amt", "Bank Ref ID"');
  });

  it('unclosed-quote.csv: BANK_CSV_MALFORMED at the row the quote opens, the row before it kept, nothing after', async () => {
    const r = await readCsv(fixture('unclosed-quote.csv'));
    expect(r.lines).toEqual([csvLine({ line: 2, byteOffset: 24, date: '2024-01-05', amount: 1_200_000, text: 'AETNA HCCLAIMPMT TRN*1*883421900012345*1066033492\\' })]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line, d.byteOffset])).toEqual([['BANK_CSV_MALFORMED', 'error', 3, 95]]);
  });

  it('semicolon.csv: the header line has more semicolons than commas; commas stay inside cells', async () => {
    const r = await readCsv(fixture('semicolon.csv'));
    expect(r.diagnostics).toEqual([]);
    expect(r.lines).toEqual([
      csvLine({ line: 2, byteOffset: 34, date: '2024-01-05', amount: 1_200_000, reference: '081000030000101', text: 'AETNA HCCLAIMPMT TRN*1*883421900012345*1066033492\\' }),
      csvLine({ line: 3, byteOffset: 121, date: '2024-01-05', amount: -1_200, reference: 'FEE0105', text: 'MONTHLY FEE, ACCOUNT 6789' }),
      csvLine({ line: 4, byteOffset: 173, date: '2024-01-08', amount: 125_000, reference: '4455003', text: 'MOBILE DEPOSIT; 2 CHECKS' }),
    ]);
  });
});

describe('header detection', () => {
  it.each([
    ['Date,Description,Amount', '01/05/2024,X,12.00', '2024-01-05', 1_200],
    ['Posting Date,Amount (USD),Memo,Ref #', '01/05/2024,-3.00,FEE,R1', '2024-01-05', -300],
    ['  TRANS. DATE ,Transaction Details,Debit Amount,Credit Amount,Reference Number', '01/05/2024,X,,4.00,R2', '2024-01-05', 400],
    // both are date names; value date comes first in the list of names
    ['Booking Date\tValue Date\tNarrative\tAmount USD', '2024-01-05\t2024-01-06\tX\t5.00', '2024-01-06', 500],
    ['Account Number,Post Date,Check,Payee,Withdrawals,Deposits', '123,01/05/2024,1043,ACME,6.00,', '2024-01-05', -600],
  ])('%j is a header', async (header, row, date, amount) => {
    const r = await readCsv(`${header}\n${row}\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.lines.map((l) => [l.date, l.amount])).toEqual([[date, amount]]);
  });

  it.each([['Date,Description,Balance'], ['Description,Amount'], ['When,What,How much']])('%j is not a header', async (header) => {
    const r = await readCsv(`${header}\n`);
    expect(r.headerFound).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BANK_CSV_COLUMNS']);
  });

  it.each([
    ['  Posting Date  ', 'posting date'],
    ['Check #', 'check'],
    ['Ref.', 'ref'],
    ['Amount (USD)', 'amount'],
    ['TRANS. DATE', 'trans date'],
    ['Payor / Memo', 'payor memo'],
  ])('normalizeHeader(%j) = %j', (text, normalized) => {
    expect(normalizeHeader(text)).toBe(normalized);
  });

  it('every column: account, reference, and several description columns joined', async () => {
    const text = 'Account Number,Date,Payee,Memo,Amount,Trace Number\n000123456789,01/05/2024,AETNA,HCCLAIMPMT TRN*1*88342190*1066033492\\,12.00,883421900012345\n000123456789,01/05/2024,,FEE,-1.00,\n';
    const r = await readCsv(text);
    expect(r.lines).toEqual([
      csvLine({ line: 2, byteOffset: 51, account: '000123456789', date: '2024-01-05', amount: 1_200, reference: '883421900012345', text: 'AETNA HCCLAIMPMT TRN*1*88342190*1066033492\\' }),
      csvLine({ line: 3, byteOffset: text.indexOf('000123456789,01/05/2024,,FEE'), account: '000123456789', date: '2024-01-05', amount: -100, text: 'FEE' }),
    ]);
  });

  it('the header must be within the first 10 rows', async () => {
    const preamble = Array.from({ length: 10 }, (_, i) => `Note ${i},x`).join('\n');
    const r = await readCsv(`${preamble}\nDate,Amount\n01/05/2024,1.00\n`);
    expect(r.lines).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.byteOffset])).toEqual([['BANK_CSV_COLUMNS', 1, 0]]);
    const nine = Array.from({ length: 9 }, (_, i) => `Note ${i},x`).join('\n');
    expect((await readCsv(`${nine}\n\n\nDate,Amount\n01/05/2024,1.00\n`)).lines.map((l) => l.line)).toEqual([13]);
  });

  it('an empty CSV: BANK_CSV_COLUMNS', async () => {
    const r = await readCsv('\n\n');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BANK_CSV_COLUMNS']);
    expect(r.headerFound).toBe(false);
  });

  it('a mapping with only some names: the rest is detected', async () => {
    const r = await readCsv('Buchungstag,Amount,Description\n2024-01-05,10.00,X\n', { mapping: { date: 'buchungstag' } });
    expect(r.lines).toEqual([csvLine({ line: 2, byteOffset: 31, date: '2024-01-05', amount: 1_000, text: 'X' })]);
  });
});

describe('rows', () => {
  it('a date that cannot be read: BANK_BAD_DATE warning, the line kept with no date', async () => {
    const r = await readCsv('Date,Amount\n02/30/2024,5.00\n');
    expect(r.lines).toEqual([csvLine({ line: 2, byteOffset: 12, date: null, amount: 500 })]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line, d.byteOffset])).toEqual([['BANK_BAD_DATE', 'warning', 2, 12]]);
  });

  it('an amount that cannot be read: BANK_BAD_AMOUNT, the row skipped', async () => {
    const r = await readCsv('Date,Amount\n01/05/2024,12,50\n01/05/2024,"12,50"\n01/05/2024,1.5.0\n01/06/2024,3.00\n');
    // "12,50" unquoted is two cells (12 and 50): 12.00 is read; quoted, it is refused
    expect(r.lines.map((l) => [l.line, l.amount])).toEqual([
      [2, 1_200],
      [5, 300],
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.byteOffset])).toEqual([
      ['BANK_BAD_AMOUNT', 3, 29],
      ['BANK_BAD_AMOUNT', 4, 48],
    ]);
  });

  it('a quoted description over two lines: the next row starts on the right line and byte', async () => {
    const text = 'Date,Description,Amount\r\n01/05/2024,"FIRST\r\nSECOND",1.00\r\n\r\n01/06/2024,NEXT,2.00';
    const r = await readCsv(text);
    expect(r.lines.map((l) => [l.line, l.byteOffset, l.text, l.amount])).toEqual([
      [2, 25, 'FIRST\r\nSECOND', 100],
      [5, 60, 'NEXT', 200],
    ]);
    expect(text.slice(60, 70)).toBe('01/06/2024');
  });

  it('a BOM: offsets count it', async () => {
    const r = await readCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Date,Amount\n01/05/2024,1.00\n')]));
    expect(r.lines).toEqual([csvLine({ line: 2, byteOffset: 15, date: '2024-01-05', amount: 100 })]);
  });

  it('tab-separated', async () => {
    const r = await readCsv('Date\tDescription\tAmount\n2024-01-05\tA, B\t1,000.00\n');
    expect(r.lines).toEqual([csvLine({ line: 2, byteOffset: 24, date: '2024-01-05', amount: 100_000, text: 'A, B' })]);
  });

  it('a quote left open over more than 1 MiB stops with BANK_CSV_MALFORMED instead of filling memory', async () => {
    const r = await readCsv(`Date,Description,Amount\n01/05/2024,A,1.00\n01/05/2024,"${'X'.repeat(1_200_000)}\n`, { chunks: Array.from({ length: 30 }, () => 65_536) });
    expect(r.lines.map((l) => l.line)).toEqual([2]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.byteOffset])).toEqual([['BANK_CSV_MALFORMED', 3, 42]]);
  });

  it('an exception thrown by the sink is the caller\'s: end() rejects with it, it is not a diagnostic', async () => {
    const reader = new BankCsvReader('t.csv', {
      line: () => {
        throw new Error('sink failed');
      },
      diagnostic: () => {},
    });
    reader.write('Date,Amount\n01/05/2024,1.00\n');
    await expect(reader.end()).rejects.toThrow('sink failed');
  });
});

describe('which way the money went (review findings)', () => {
  it('a Transaction Type column with unsigned amounts: Debit is money out, Credit money in; Balance is never the amount', async () => {
    const r = await readCsv(
      'Account Number,Transaction Description,Transaction Date,Transaction Type,Transaction Amount,Balance\n' +
        '3600,Withdrawal to Savings,04/05/24,Debit,150.00,1000.00\n' +
        '3600,HCCLAIMPMT ACME TRN*1*EFT1*1999999999\\,04/05/24,Credit,412.50,1412.50\n',
    );
    expect(r.lines.map((l) => [l.account, l.amount, l.text])).toEqual([
      ['3600', -15_000, 'Withdrawal to Savings'],
      ['3600', 41_250, 'HCCLAIMPMT ACME TRN*1*EFT1*1999999999\\'],
    ]);
  });

  it('a negative value in a Credit column is a credit reversed: kept negative', async () => {
    const r = await readCsv('Date,Description,Credit,Debit\n04/05/2024,RETURNED DEPOSIT,-200.00,\n04/05/2024,DEPOSIT,300.00,\n');
    expect(r.lines.map((l) => l.amount)).toEqual([-20_000, 30_000]);
  });

  it('QuickBooks "Memo/Description" is the description', async () => {
    const r = await readCsv('Date,Memo/Description,Amount\n04/05/2024,HCCLAIMPMT SUMMIT TRN*1*S1*1600000004\\,150.00\n');
    expect(r.lines[0]!.text).toBe('HCCLAIMPMT SUMMIT TRN*1*S1*1600000004\\');
  });

  it('a headerless file: the message never quotes a transaction (a patient may be named in it)', async () => {
    const r = await readCsv('"04/05/2024","45.00","*","","ZELLE FROM JANE Q DOE COPAY DOB 01/02/1980"\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toBe('BANK_CSV_COLUMNS');
    expect(r.diagnostics[0]!.message).not.toMatch(/DOE|JANE|1980/);
    expect(r.diagnostics[0]!.message).toContain('a row of 5 cells that is not a header (its values are not shown)');
  });
});

describe('money and date text', () => {
  it.each([
    ['$1,234.56', 123_456],
    ['1234.56', 123_456],
    ['1234.5', 123_450],
    ['-1,234.56', -123_456],
    ['(1,234.56)', -123_456],
    ['1,234.56-', -123_456],
    ['+12.00', 1_200],
    ['12.00 CR', 1_200],
    ['12.00DR', -1_200],
    ['$-12.00', -1_200],
    ['-$12.00', -1_200],
    ['($12.00)', -1_200],
    ['  7  ', 700],
    ['.5', 50],
    ['1,234,567.00', 123_456_700],
    ['0.00', 0],
  ])('parseBankAmount(%j) = %d cents', (text, cents) => {
    expect(parseBankAmount(text)).toEqual({ kind: 'amount', cents });
  });

  it.each([[''], ['   '], ['-'], ['$ -']])('parseBankAmount(%j) is blank', (text) => {
    expect(parseBankAmount(text)).toEqual({ kind: 'blank' });
  });

  it.each([['12,50'], ['1,2345.00'], ['1.235'], ['(12.00)-'], ['--12'], ['12.00 CR-'], ['$'], ['abc'], ['1e3'], ['1 234.00']])('parseBankAmount(%j) is refused', (text) => {
    expect(parseBankAmount(text).kind).toBe('bad');
  });

  it.each([
    ['2024-01-05', undefined, '2024-01-05'],
    ['20240105', undefined, '2024-01-05'],
    ['01/05/2024', undefined, '2024-01-05'],
    ['1/5/2024', undefined, '2024-01-05'],
    ['01/05/24', undefined, '2024-01-05'],
    ['12/31/69', undefined, '2069-12-31'],
    ['01/01/70', undefined, '1970-01-01'],
    ['01-05-2024', undefined, '2024-01-05'],
    ['02/29/2024', undefined, '2024-02-29'],
    ['02/29/2023', undefined, null],
    ['13/01/2024', undefined, null],
    ['2024-13-01', undefined, null],
    ['Jan 5 2024', undefined, null],
    ['05/01/2024', 'DD/MM/YYYY', '2024-01-05'],
    ['5.1.2024', 'DD/MM/YYYY', '2024-01-05'],
    ['31/12/24', 'DD/MM/YYYY', '2024-12-31'],
    ['01/05/2024', 'MM/DD/YYYY', '2024-01-05'],
    ['2024/01/05', 'YYYY-MM-DD', '2024-01-05'],
    ['01/05/2024', 'YYYY-MM-DD', null],
  ] as const)('parseBankDate(%j, %s) = %s', (text, format, date) => {
    expect(parseBankDate(text, format)).toBe(date);
  });
});

describe('chunking never changes the result', () => {
  const names = ['date-description-amount.csv', 'credit-debit-preamble.csv', 'odd-headers.csv', 'unclosed-quote.csv', 'semicolon.csv'];
  const mappingFor = (name: string): BankCsvMapping | undefined => (name === 'odd-headers.csv' ? ODD_MAPPING : undefined);

  it.each(names)('%s: byte by byte equals whole', async (name) => {
    const data = fixture(name);
    const whole = await readCsv(data, { mapping: mappingFor(name) });
    expect(await readCsv(data, { mapping: mappingFor(name), chunks: Array.from({ length: data.length }, () => 1) })).toEqual(whole);
  });

  it('random splits (fast-check) of every fixture', async () => {
    const wholes = await Promise.all(names.map((n) => readCsv(fixture(n), { mapping: mappingFor(n) })));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: names.length - 1 }), fc.array(fc.integer({ min: 1, max: 61 }), { maxLength: 30 }), async (i, chunks) => {
        expect(await readCsv(fixture(names[i]!), { mapping: mappingFor(names[i]!), chunks })).toEqual(wholes[i]);
      }),
      { numRuns: 200, seed: 20240108 },
    );
  });

  it('a CSV larger than the bytes looked at for the delimiter, split at odd places', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')};"PAYMENT ${i}; REF";${i + 1},00`);
    const data = Buffer.from(`Date;Description;Amount\n${rows.join('\n')}\n`.replace(/,00/g, '.00'));
    const whole = await readCsv(data);
    expect(whole.diagnostics).toEqual([]);
    expect(whole.lines).toHaveLength(3_000);
    expect(whole.lines[2_999]).toEqual(csvLine({ line: 3_001, byteOffset: data.lastIndexOf('2024-01-04;"PAYMENT 2999'), date: '2024-01-04', amount: 300_000, text: 'PAYMENT 2999; REF' }));
    expect(await readCsv(data, { chunks: Array.from({ length: 200 }, (_, i) => 997 + i) })).toEqual(whole);
  });
});
