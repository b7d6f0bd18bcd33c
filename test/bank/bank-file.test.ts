// readBankFile: format detection from the first bytes, every fixture through the file system, I/O failures
// as the coded diagnostics the X12 reader uses, and every byte handed to onBytes.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BankCsvMapping, BankLine } from '../../src/bank/model.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { readBankFile } from '../../src/input/bank-file.js';
import { ROOT } from '../helpers.js';

const fixtures = join(ROOT, 'fixtures', 'bank');
const scratch = mkdtempSync(join(tmpdir(), 'recoup-bank-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function read(path: string, csv?: BankCsvMapping) {
  const lines: BankLine[] = [];
  const diagnostics: Diagnostic[] = [];
  const chunks: Buffer[] = [];
  const outcome = await readBankFile(path, { line: (l) => lines.push(l), diagnostic: (d) => diagnostics.push(d) }, { ...(csv ? { csv } : {}), onBytes: (c) => chunks.push(c) });
  return { outcome, lines, diagnostics, bytes: Buffer.concat(chunks) };
}

function write(name: string, data: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, data);
  return path;
}

describe('the fixtures through the file system', () => {
  it.each([
    ['good.bai2', 'bai2', 10, []],
    ['control-totals-wrong.bai2', 'bai2', 10, ['BAI2_CONTROL_TOTAL', 'BAI2_CONTROL_TOTAL']],
    ['record-count-wrong.bai2', 'bai2', 2, ['BAI2_RECORD_COUNT']],
    ['cut-short.bai2', 'bai2', 4, ['BAI2_MISSING_TRAILER']],
    ['out-of-place.bai2', 'bai2', 1, ['BAI2_STRUCTURE', 'BANK_BAD_AMOUNT', 'BAI2_TYPE_CODE']],
    ['date-description-amount.csv', 'csv', 6, ['BANK_BAD_DATE']],
    ['credit-debit-preamble.csv', 'csv', 4, []],
    ['unclosed-quote.csv', 'csv', 1, ['BANK_CSV_MALFORMED']],
    ['semicolon.csv', 'csv', 3, []],
  ])('%s: %s, %d lines, %j', async (name, format, lineCount, codes) => {
    const path = join(fixtures, name);
    const r = await read(path);
    const data = readFileSync(path);
    expect(r.outcome).toEqual({ readable: true, bytes: data.length, format });
    expect(r.bytes.equals(data)).toBe(true);
    expect(r.lines).toHaveLength(lineCount);
    expect(r.diagnostics.map((d) => d.code)).toEqual(codes);
    for (const l of r.lines) expect(l.file).toBe(path);
  });

  it('odd-headers.csv is unreadable without the mapping and read with it', async () => {
    const path = join(fixtures, 'odd-headers.csv');
    const without = await read(path);
    expect(without.outcome).toEqual({ readable: false, bytes: 257, format: 'csv' });
    expect(without.diagnostics.map((d) => d.code)).toEqual(['BANK_CSV_COLUMNS']);
    const withMapping = await read(path, { date: 'Txn Dt', amount: 'Amt', description: 'Payor / Memo', reference: 'Bank Ref ID', dateFormat: 'DD/MM/YYYY' });
    expect(withMapping.outcome).toEqual({ readable: true, bytes: 257, format: 'csv' });
    expect(withMapping.lines.map((l) => [l.date, l.amount, l.reference])).toEqual([
      ['2024-01-05', 1_200_000, '081000030000101'],
      ['2024-01-05', 315_075, '081000030000201'],
      ['2024-01-08', -2_500, 'FEE0108'],
    ]);
  });
});

describe('format detection', () => {
  it('BAI2 after a BOM and blank lines', async () => {
    const good = readFileSync(join(fixtures, 'good.bai2'));
    const path = write('bom.bai2', Buffer.concat([Buffer.from('\ufeff\n\r\n  '), good]));
    const r = await read(path);
    expect(r.outcome.format).toBe('bai2');
    expect(r.diagnostics).toEqual([]);
    expect(r.lines[0]).toMatchObject({ line: 6, byteOffset: 3 + 3 + 2 + good.indexOf('16,165,1200000') });
  });

  it('an X12 file given after --bank: BANK_FORMAT_UNKNOWN, nothing read', async () => {
    const x12 = readFileSync(join(ROOT, 'fixtures', 'demo', '01-acme-2024-01-05.835'));
    const r = await read(write('era.835', x12));
    expect(r.outcome).toEqual({ readable: false, bytes: x12.length, format: null });
    expect(r.lines).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['BANK_FORMAT_UNKNOWN', 'error']]);
    expect(r.diagnostics[0]!.message).toContain('835 inputs');
  });

  it.each([
    ['empty', ''],
    ['only white space and a BOM', '\ufeff \r\n\t\n'],
  ])('%s: BANK_FORMAT_UNKNOWN', async (_name, text) => {
    const r = await read(write('empty.csv', text));
    expect(r.outcome).toEqual({ readable: false, bytes: Buffer.byteLength(text), format: null });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BANK_FORMAT_UNKNOWN']);
  });

  it('a file of two characters is read as CSV and says it has no header', async () => {
    const r = await read(write('short.csv', 'ab'));
    expect(r.outcome).toEqual({ readable: false, bytes: 2, format: 'csv' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BANK_CSV_COLUMNS']);
  });

  it('a BAI2 file over several 64 KiB chunks', async () => {
    const records = ['01,BANK,CLINIC,240105,0600,1,80,,2/', '02,CLINIC,BANK,1,240104,2400,USD,2/', '03,1,USD,/'];
    for (let k = 0; k < 5_000; k++) records.push(`16,165,${100 + k},0,REF${k},,HCCLAIMPMT TRN*1*TRACE${k}*1512345678\\`);
    const total = Array.from({ length: 5_000 }, (_, k) => 100 + k).reduce((a, b) => a + b, 0);
    records.push(`49,${total},5002/`, `98,${total},1,5004/`, `99,${total},1,5006/`);
    const text = `${records.join('\n')}\n`;
    const r = await read(write('large.bai2', text));
    expect(text.length).toBeGreaterThan(3 * 64 * 1024);
    expect(r.diagnostics).toEqual([]);
    expect(r.lines).toHaveLength(5_000);
    expect(r.lines[4_999]).toMatchObject({ line: 5_003, byteOffset: text.indexOf('16,165,5099,'), reference: 'REF4999', amount: 5_099 });
  });
});

describe('I/O failures are the X12 reader\'s codes', () => {
  it('a missing path: IO_NOT_FOUND', async () => {
    const r = await read(join(scratch, 'missing.bai2'));
    expect(r.outcome).toEqual({ readable: false, bytes: 0, format: null });
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([['IO_NOT_FOUND', join(scratch, 'missing.bai2')]]);
  });

  it('a directory: IO_NOT_A_FILE', async () => {
    const path = join(scratch, 'statements');
    mkdirSync(path);
    const r = await read(path);
    expect(r.outcome.readable).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['IO_NOT_A_FILE']);
  });

  // root reads any file whatever its mode (test/cli/faults.test.ts checks this as nobody)
  it.skipIf(process.getuid?.() === 0)('a file that may not be read: IO_PERMISSION', async () => {
    const path = write('locked.csv', 'Date,Amount\n');
    chmodSync(path, 0o000);
    const r = await read(path);
    expect(r.outcome.readable).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['IO_PERMISSION']);
  });
});
