// Bai2Reader: every BankLine field and every diagnostic (code, line, byte offset) of the BAI2 fixtures,
// the same results however the bytes are chunked, and flat state over a 100,000-record statement.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBai2Amount, parseBai2Date } from '../../src/bank/amounts.js';
import { Bai2Reader } from '../../src/bank/bai2.js';
import type { BankLine } from '../../src/bank/model.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { ROOT } from '../helpers.js';

const dir = join(ROOT, 'fixtures', 'bank');
const fixture = (name: string): Buffer => readFileSync(join(dir, name));

interface Read {
  lines: BankLine[];
  diagnostics: Diagnostic[];
}

/** Reads bytes whole, or in the given chunk sizes (the rest in one last chunk). */
function readBai2(data: Buffer | string, chunks?: readonly number[], file = 'test.bai2'): Read {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out: Read = { lines: [], diagnostics: [] };
  const reader = new Bai2Reader(file, { line: (l) => out.lines.push(l), diagnostic: (d) => out.diagnostics.push(d) });
  if (chunks === undefined) reader.write(buf);
  else {
    let at = 0;
    for (const n of chunks) {
      if (at >= buf.length) break;
      reader.write(buf.subarray(at, at + n));
      at += n;
    }
    if (at < buf.length) reader.write(buf.subarray(at));
  }
  reader.end();
  return out;
}

/** Diagnostics as [code, line, byteOffset] for compact assertions. */
const where = (ds: readonly Diagnostic[]): Array<[string, number | undefined, number | undefined]> => ds.map((d) => [d.code, d.line, d.byteOffset]);

/** Builds a BAI2 text from records, one per line. */
const bai = (...records: string[]): string => `${records.join('\n')}\n`;

const base = { file: 'good.bai2', format: 'bai2' as const };

/** Every line of fixtures/bank/good.bai2, field by field. */
const GOOD_LINES: BankLine[] = [
  { ...base, line: 4, byteOffset: 176, account: '000123456789', date: '2024-01-05', amount: 1_200_000, typeCode: '165', reference: '081000030000101', customerReference: '', text: 'AETNA HCCLAIMPMT TRN*1*883421900012345*1066033492\\' },
  {
    ...base,
    line: 5,
    byteOffset: 261,
    account: '000123456789',
    date: '2024-01-05',
    amount: 45_032,
    typeCode: '169',
    reference: '081000030000102',
    customerReference: 'PPD0105',
    text: 'CIGNA HLTHCARE HCCLAIMPMT PMT, INC TRN*1*1G4538822*1591054378\\ CLAIM PAYMENT FOR SERVICE DATES 01/02/24-01/03/24',
  },
  { ...base, line: 8, byteOffset: 431, account: '000123456789', date: '2024-01-05', amount: 250_000, typeCode: '301', reference: '4455001', customerReference: '', text: 'DEPOSIT AT BRANCH 012' },
  { ...base, line: 9, byteOffset: 494, account: '000123456789', date: '2024-01-05', amount: 21_500, typeCode: '169', reference: '081000030000103', customerReference: '', text: 'UNITEDHEALTHCARE HCCLAIMPMT TRN*1*QT86421077*1411289245\\' },
  { ...base, line: 10, byteOffset: 601, account: '000123456789', date: '2024-01-05', amount: -80_000, typeCode: '475', reference: '000000001042', customerReference: '1042', text: 'CHECK PAID' },
  { ...base, line: 11, byteOffset: 646, account: '000123456789', date: '2024-01-05', amount: -2_500, typeCode: '698', reference: 'FEE0104', customerReference: '', text: 'ACCOUNT ANALYSIS FEE' },
  { ...base, line: 14, byteOffset: 762, account: '000987654321', date: '2024-01-05', amount: 315_075, typeCode: '165', reference: '081000030000201', customerReference: '', text: 'BCBSTX HCCLAIMPMT TRN*1*202401050007788*1750000001\\' },
  { ...base, line: 15, byteOffset: 847, account: '000987654321', date: '2024-01-05', amount: 60_000, typeCode: '301', reference: '4455002', customerReference: '', text: 'MOBILE DEPOSIT' },
  { ...base, line: 20, byteOffset: 1031, account: '000123456789', date: '2024-01-06', amount: 9_876_543, typeCode: '165', reference: '081000030000301', customerReference: '', text: 'NOVITAS HCCLAIMPMT TRN*1*98765432101*1311234567\\' },
  { ...base, line: 21, byteOffset: 1114, account: '000123456789', date: '2024-01-06', amount: -125_000, typeCode: '495', reference: 'WIRE2401060001', customerReference: '', text: 'OUTGOING WIRE' },
];

describe('good.bai2: two groups, three accounts, every funds type, a 16 continued over two 88s', () => {
  it('gives every line exactly, and no diagnostics', () => {
    const r = readBai2(fixture('good.bai2'), undefined, 'good.bai2');
    expect(r.diagnostics).toEqual([]);
    expect(r.lines).toEqual(GOOD_LINES);
  });

  it('offsets point at the 16 record of each line', () => {
    const data = fixture('good.bai2');
    for (const l of GOOD_LINES) expect(data.toString('latin1', l.byteOffset, l.byteOffset + 7)).toBe(`16,${l.typeCode},`);
  });

  it('CRLF line ends, a BOM, blank lines and 80-character padding give the same lines (positions follow the bytes)', () => {
    const text = fixture('good.bai2').toString('latin1');
    const records = text.split('\n').filter((l) => l !== '');
    const padded = records.map((l) => `${l.padEnd(80)}\r\n`);
    const variant = `\ufeff${padded.join('\r\n')}`;
    const bytes = Buffer.from(variant, 'utf8');
    const r = readBai2(bytes, undefined, 'good.bai2');
    expect(r.diagnostics).toEqual([]);
    // each record is followed by a blank CRLF line; the BOM shifts every offset by 3
    const offsetOf = (line: number): number => 3 + padded.slice(0, line - 1).reduce((n, l) => n + l.length + 2, 0);
    expect(r.lines).toEqual(GOOD_LINES.map((l) => ({ ...l, line: 2 * l.line - 1, byteOffset: offsetOf(l.line) })));
    expect(bytes.toString('latin1', offsetOf(5), offsetOf(5) + 7)).toBe('16,169,');
  });
});

describe('the damaged BAI2 fixtures: exact diagnostics, the lines still kept', () => {
  it('control-totals-wrong.bai2: the 49 and the 99 disagree with the amounts (CRLF file)', () => {
    const r = readBai2(fixture('control-totals-wrong.bai2'));
    expect(r.diagnostics).toEqual([
      { code: 'BAI2_CONTROL_TOTAL', severity: 'error', file: 'test.bai2', line: 12, byteOffset: 701, message: "49 says 131,329.06, the account's amounts add up to 131,320.96" },
      { code: 'BAI2_CONTROL_TOTAL', severity: 'error', file: 'test.bai2', line: 24, byteOffset: 1215, message: "99 says 408,193.46, the file's groups add up to 408,193.64" },
    ]);
    expect(r.lines.map((l) => [l.line, l.amount])).toEqual(GOOD_LINES.map((l) => [l.line, l.amount]));
  });

  it('record-count-wrong.bai2: the 49 counts 5 records where the account has 4 (80-character padded records)', () => {
    const r = readBai2(fixture('record-count-wrong.bai2'));
    expect(r.diagnostics).toEqual([
      { code: 'BAI2_RECORD_COUNT', severity: 'warning', file: 'test.bai2', line: 6, byteOffset: 407, message: '49 says 5 records, the account has 4 (03 through 49, counting 88 continuations)' },
    ]);
    expect(r.lines.map((l) => [l.line, l.byteOffset, l.date, l.amount, l.typeCode, l.text])).toEqual([
      [4, 243, '2024-01-09', 332_010, '165', 'MOLINA HCCLAIMPMT TRN*1*MOL0109000123*1954321000\\'],
      [5, 326, '2024-01-09', -1_500, '698', 'WIRE FEE'],
    ]);
  });

  it('cut-short.bai2: no 49, 98 or 99 — one BAI2_MISSING_TRAILER at the open account, the lines read are kept', () => {
    const r = readBai2(fixture('cut-short.bai2'));
    expect(where(r.diagnostics)).toEqual([['BAI2_MISSING_TRAILER', 3, 98]]);
    expect(r.diagnostics[0]!.message).toBe('the statement ends inside account (03 at line 3, no 49), group (02 at line 2, no 98) and file (01 at line 1, no 99): it is cut short');
    expect(r.lines).toEqual(GOOD_LINES.slice(0, 4).map((l) => ({ ...l, file: 'test.bai2' })));
  });

  it('out-of-place.bai2: a 16 before any 03, an amount that is not digits, a type code outside 100–699, a zero amount', () => {
    const r = readBai2(fixture('out-of-place.bai2'));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line, d.byteOffset])).toEqual([
      ['BAI2_STRUCTURE', 'error', 3, 98],
      ['BANK_BAD_AMOUNT', 'error', 6, 280],
      ['BAI2_TYPE_CODE', 'warning', 7, 363],
    ]);
    expect(r.diagnostics[1]!.message).toContain('control total could not be checked');
    // only the good 16 is a line: the zero-amount check (line 8) is not; the counts (which include the skipped records) hold
    expect(r.lines.map((l) => [l.line, l.byteOffset, l.account, l.date, l.amount, l.reference])).toEqual([[5, 197, '000555000111', '2024-01-11', 25_000, '081000030000401']]);
  });
});

describe('record rules', () => {
  const head = ['01,BANK,CLINIC,240105,0600,1,80,,2/', '02,CLINIC,BANK,1,240104,2400,USD,2/'];

  it.each([
    ['records after 99: reported once, at the first', [...head, '03,1,USD,/', '49,0,2/', '98,0,1,4/', '99,0,1,6/', '16,165,100,0,R,,X', '16,165,100,0,R,,X'], [['BAI2_STRUCTURE', 7]]],
    ['a second 01', ['01,BANK,CLINIC,240105,0600,1,80,,2/', ...head.slice(0), '03,1,USD,/', '49,0,2/', '98,0,1,4/', '99,0,1,7/'], [['BAI2_STRUCTURE', 2]]],
    ['03 before 02 (and its 16 and 49 with no account)', [head[0]!, '03,1,USD,/', '16,165,100,0,R,,X', '49,100,3/', '99,0,0,5/'], [['BAI2_STRUCTURE', 2], ['BAI2_STRUCTURE', 3], ['BAI2_STRUCTURE', 4]]],
    ['an unknown record code', [...head, '03,1,USD,/', '17,165,100,0,R,,X', '49,0,3/', '98,0,1,5/', '99,0,1,7/'], [['BAI2_STRUCTURE', 4]]],
    ['an 88 with nothing before it', ['88,MORE TEXT', ...head, '03,1,USD,/', '49,0,2/', '98,0,1,4/', '99,0,1,6/'], [['BAI2_STRUCTURE', 1]]],
    ['a 49 with no account open', [...head, '49,0,1/', '98,0,0,3/', '99,0,1,5/'], [['BAI2_STRUCTURE', 3]]],
    ['98 counts accounts wrong, 99 counts groups wrong', [...head, '03,1,USD,/', '49,0,2/', '98,0,2,4/', '99,0,3,6/'], [['BAI2_RECORD_COUNT', 5], ['BAI2_RECORD_COUNT', 6]]],
    ['a trailer count that is not a number', [...head, '03,1,USD,/', '49,0,X/', '98,0,1,4/', '99,0,1,6/'], [['BAI2_RECORD_COUNT', 4]]],
    ['a new 03 with the account open: the 49 is missing', [...head, '03,1,USD,/', '16,165,100,0,R,,X', '03,2,USD,/', '49,0,2/', '98,100,2,6/', '99,100,1,8/'], [['BAI2_MISSING_TRAILER', 3]]],
    ['a new 02 with the group open: the 98 is missing', [...head, '03,1,USD,/', '49,0,2/', '02,CLINIC,BANK,1,240105,2400,USD,2/', '98,0,0,2/', '99,0,2,7/'], [['BAI2_MISSING_TRAILER', 2]]],
    ['a 99 with an account and a group open', [...head, '03,1,USD,/', '99,0,1,4/'], [['BAI2_MISSING_TRAILER', 3]]],
    ['a control total that is not a number', [...head, '03,1,USD,/', '49,1O0,2/', '98,0,1,4/', '99,0,1,6/'], [['BANK_BAD_AMOUNT', 4]]],
  ])('%s', (_name, records, expected) => {
    expect(readBai2(bai(...records)).diagnostics.map((d) => [d.code, d.line])).toEqual(expected);
  });

  it('the 16 amount is unsigned with two implied decimals; the type code gives the sign', () => {
    const r = readBai2(bai(...head, '03,1,USD,/', '16,100,1,0,A,,', '16,399,100,0,B,,', '16,400,12345,0,C,,', '16,699,7,0,D,,', '16,099,5,0,E,,', '16,700,5,0,F,,', '16,ABC,5,0,G,,', '49,12468,9/', '98,12468,1,11/', '99,12468,1,13/'));
    expect(r.lines.map((l) => [l.typeCode, l.amount, l.reference])).toEqual([
      ['100', 1, 'A'],
      ['399', 100, 'B'],
      ['400', -12_345, 'C'],
      ['699', -7, 'D'],
    ]);
    // the three lines with other codes are not listed but their amounts are in the control total (12,468 = 1+100+12345+7+5+5+5)
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['BAI2_TYPE_CODE', 8],
      ['BAI2_TYPE_CODE', 9],
      ['BAI2_TYPE_CODE', 10],
    ]);
  });

  it('a signed 16 amount is refused: BANK_BAD_AMOUNT, the line skipped, the total not checked, the count still checked', () => {
    const r = readBai2(bai(...head, '03,1,USD,/', '16,165,-100,0,A,,', '16,165,200,0,B,,', '49,999,3/', '98,999,1,6/', '99,999,1,8/'));
    expect(r.lines.map((l) => l.reference)).toEqual(['B']);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['BANK_BAD_AMOUNT', 4],
      ['BAI2_RECORD_COUNT', 6],
    ]);
  });

  it('03 summary amounts are signed and count in the account total; availability amounts (S, D, V) do not', () => {
    const r = readBai2(bai(...head, '03,1,USD,010,-500,,,015,+1000,,V,240104,0800,072,300,,S,100,100,100,074,200,,D,2,0,100,1,100,400,,,/', '16,165,50,S,10,20,20,R,,', '49,1050,3/', '98,1050,1,5/', '99,1050,1,7/'));
    expect(r.diagnostics).toEqual([]);
    expect(r.lines.map((l) => [l.amount, l.reference, l.text])).toEqual([[50, 'R', '']]);
  });

  it('an 03 amount that is not a number: BANK_BAD_AMOUNT at the 03, no control-total check for that account; the group falls back on the 49', () => {
    const r = readBai2(bai(...head, '03,1,USD,010,12.00,,,/', '16,165,100,0,R,,X', '49,1300,3/', '98,1300,1,5/', '99,1301,1,7/'));
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['BANK_BAD_AMOUNT', 3],
      ['BAI2_CONTROL_TOTAL', 7],
    ]);
    expect(r.diagnostics[0]!.message).toContain('could not be checked');
    expect(r.diagnostics[1]!.message).toBe("99 says 13.01, the file's groups add up to 13.00");
  });

  it('an 88 before the text field adds fields; after it, more text joined by one space; one trailing / is stripped', () => {
    const r = readBai2(bai(...head, '03,1,USD,/', '16,165,100,0/', '88,BANKREF,CUSTREF,FIRST PART/', '88,SECOND PART,  WITH COMMA  ', '16,165,100,0,R2,C2/', '49,200,6/', '98,200,1,8/', '99,200,1,10/'));
    expect(r.diagnostics).toEqual([]);
    expect(r.lines.map((l) => [l.line, l.reference, l.customerReference, l.text])).toEqual([
      [4, 'BANKREF', 'CUSTREF', 'FIRST PART SECOND PART,  WITH COMMA'],
      [7, 'R2', 'C2', ''],
    ]);
  });

  it('an unreadable as-of date: BANK_BAD_DATE at the 02, the group lines dated null', () => {
    const r = readBai2(bai(head[0]!, '02,CLINIC,BANK,1,241304,2400,USD,2/', '03,1,USD,/', '16,165,100,0,R,,X', '49,100,3/', '98,100,1,5/', '99,100,1,7/'));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['BANK_BAD_DATE', 'warning', 2]]);
    expect(r.lines.map((l) => l.date)).toEqual([null]);
  });

  it('a line longer than 1 MiB is skipped with BAI2_STRUCTURE, the records around it are read', () => {
    const long = `16,165,100,0,R,,${'X'.repeat(1_100_000)}`;
    const r = readBai2(bai(...head, '03,1,USD,/', long, '16,165,200,0,S,,Y', '49,200,4/', '98,200,1,6/', '99,200,1,8/'), [65_536, 65_536, 65_536]);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['BAI2_STRUCTURE', 4]]);
    expect(r.lines.map((l) => [l.line, l.reference])).toEqual([[5, 'S']]);
  });

  it('non-ASCII text in UTF-8 is decoded as UTF-8; offsets stay byte offsets', () => {
    const r = readBai2(bai(...head, '03,1,USD,/', '16,165,100,0,R,,CAFÉ SEÑOR', '16,165,100,0,S,,NEXT', '49,200,4/', '98,200,1,6/', '99,200,1,8/'));
    expect(r.lines.map((l) => [l.text, l.byteOffset])).toEqual([
      ['CAFÉ SEÑOR', 83],
      ['NEXT', 112], // 83 + 28 bytes (É and Ñ are two bytes each) + the line feed
    ]);
  });
});

describe('amount and date text', () => {
  it.each([
    ['125000', false, 125_000],
    ['0', false, 0],
    ['000000012', false, 12],
    ['+125000', true, 125_000],
    ['-125000', true, -125_000],
    ['-125000', false, null],
    ['+', true, null],
    ['', true, null],
    ['12.50', true, null],
    ['1 000', false, null],
    ['1234567890123456', false, null],
  ])('parseBai2Amount(%j, signed %s) = %s', (text, signed, cents) => {
    expect(parseBai2Amount(text, signed)).toBe(cents);
  });

  it.each([
    ['240105', '2024-01-05'],
    ['691231', '2069-12-31'],
    ['700101', '1970-01-01'],
    ['000229', '2000-02-29'],
    ['230229', null],
    ['241301', null],
    ['2401051', null],
    ['', null],
  ])('parseBai2Date(%j) = %s', (text, date) => {
    expect(parseBai2Date(text)).toBe(date);
  });
});

describe('chunking never changes the result', () => {
  const names = ['good.bai2', 'control-totals-wrong.bai2', 'record-count-wrong.bai2', 'cut-short.bai2', 'out-of-place.bai2'];

  it.each(names)('%s: byte by byte and in odd sizes equals whole', (name) => {
    const data = fixture(name);
    const whole = readBai2(data);
    expect(readBai2(data, Array.from({ length: data.length }, () => 1))).toEqual(whole);
    for (const size of [2, 3, 7, 13, 81, 82, 83, 500]) expect(readBai2(data, Array.from({ length: Math.ceil(data.length / size) }, () => size))).toEqual(whole);
  });

  it('random splits (fast-check) of every fixture, and of a BOM + CRLF copy', () => {
    const inputs = names.flatMap((n) => {
      const data = fixture(n);
      return [data, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')])];
    });
    const wholes = inputs.map((d) => readBai2(d));
    fc.assert(
      fc.property(fc.nat({ max: inputs.length - 1 }), fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 60 }), (i, chunks) => {
        expect(readBai2(inputs[i]!, chunks)).toEqual(wholes[i]);
      }),
      { numRuns: 300, seed: 20240105 },
    );
  });
});

describe('a large statement', () => {
  /** A BAI2 file with one group of `accounts` accounts of `perAccount` 16 records each, control totals right. */
  function* largeStatement(accounts: number, perAccount: number): Generator<string> {
    yield '01,BANK,CLINIC,240105,0600,1,80,,2/\n02,CLINIC,BANK,1,240104,2400,USD,2/\n';
    let groupTotal = 0;
    for (let a = 0; a < accounts; a++) {
      let block = `03,ACCT${a},USD,/\n`;
      let total = 0;
      for (let k = 0; k < perAccount; k++) {
        const cents = 1000 + ((a * perAccount + k) % 997);
        total += cents;
        block += `16,${k % 5 === 0 ? 475 : 165},${cents},0,REF${a}-${k},,HCCLAIMPMT TRN*1*${a}${k}*1512345678\\\n`;
      }
      groupTotal += total;
      yield `${block}49,${total},${perAccount + 2}/\n`;
    }
    yield `98,${groupTotal},${accounts},${accounts * (perAccount + 2) + 2}/\n99,${groupTotal},1,${accounts * (perAccount + 2) + 4}/\n`;
  }

  it('100,000 detail records: every line read, no diagnostics, and the reader holds only running state', () => {
    let lines = 0;
    let sum = 0;
    const diagnostics: Diagnostic[] = [];
    const reader = new Bai2Reader('large.bai2', {
      line: (l) => {
        lines++;
        sum += l.amount;
      },
      diagnostic: (d) => diagnostics.push(d),
    });
    let pending = '';
    let largestState = 0;
    for (const block of largeStatement(100, 1000)) {
      pending += block;
      while (pending.length >= 65_536) {
        reader.write(Buffer.from(pending.slice(0, 65_536), 'latin1'));
        pending = pending.slice(65_536);
        // by design the reader keeps no per-line collection: its whole state stays a few hundred bytes
        largestState = Math.max(largestState, JSON.stringify(reader).length);
      }
    }
    reader.write(Buffer.from(pending, 'latin1'));
    reader.end();
    expect(diagnostics).toEqual([]);
    expect(lines).toBe(100_000);
    expect(sum).not.toBe(0);
    expect(largestState).toBeLessThan(2_000);
  });
});
