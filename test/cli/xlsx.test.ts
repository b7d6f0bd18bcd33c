// The month-end workbook from the command line (issue 13): `recoup report offsets --ledger db --from
// --to --xlsx -o october.xlsx` read back — real types, zero-padded ids and a 19-character reference
// intact, totals equal to the CSV's to the cent; and scan --xlsx, written 0600 and only to a file.

import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { COLUMNS, type ReportName } from '../../src/analysis/rows.js';
import { parseAmount } from '../../src/remit/money.js';
import { ROOT } from '../helpers.js';
import { run } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-xlsx-cli-'));

/** October: trace and PLB reference with leading zeros, a 19-character reference, a 12-digit ICN. */
const OCTOBER = [
  'ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *241015*1200*^*00501*000000901*0*P*:~',
  'GS*HP*PAYER*PROVIDER*20241015*1200*901*X*005010X221A1~',
  'ST*835*0001~',
  'BPR*I*95.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20241015~',
  'TRN*1*0054905075*1512345678~',
  'N1*PR*OCTOBER HEALTH*XV*OCT01~',
  'N1*PE*MAPLE FAMILY CLINIC*XX*1234567893~',
  'LX*1~',
  'CLP*PCN0001*1*200*100**12*900005053309~',
  'NM1*QC*1*DOE*JANE~',
  'CAS*CO*45*100~',
  'PLB*1234567893*20241231*WO:0012345678901234567*5.00*L6*-0.25~',
  'SE*11*0001~',
  'GE*1*901~',
  'IEA*1*000000901~',
].join('\n');

function column(ws: ExcelJS.Worksheet, report: ReportName, key: string): ExcelJS.Cell[] {
  const col = COLUMNS[report].findIndex((c) => c.key === key) + 1;
  const cells: ExcelJS.Cell[] = [];
  for (let r = 2; r <= ws.rowCount; r++) cells.push(ws.getRow(r).getCell(col));
  return cells;
}

const centsOf = (text: string): number => {
  const p = parseAmount(text);
  if (!p.ok) throw new Error(text);
  return p.cents;
};

describe('the month-end workbook', () => {
  it('recoup report offsets,claims --from --to --xlsx -o october.xlsx: types, ids and totals', async () => {
    const dir = tmp();
    const db = join(dir, 'recoup.db');
    const october = join(dir, 'october.835');
    writeFileSync(october, OCTOBER);
    for (const f of ['fixtures/demo', october]) expect((await run(['scan', f, '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    const out = join(dir, 'october.xlsx');
    const r = await run(['report', 'offsets,claims', '--ledger', db, '--from', '2024-10-01', '--to', '2024-10-31', '--xlsx', '-o', out]);
    expect(r).toMatchObject({ exitCode: 0, code: undefined, stdout: '' });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const csv = (await run(['report', 'offsets', '--ledger', db, '--from', '2024-10-01', '--to', '2024-10-31', '--csv'])).stdout.trimEnd().split('\n');

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Offsets', 'Claims']);
    const offsets = book.getWorksheet('Offsets')!;
    expect(csv).toHaveLength(3); // header and two offsets: only October's
    const traces = column(offsets, 'offsets', 'trace_number');
    expect(traces[0]!.type).toBe(ExcelJS.ValueType.String);
    expect(traces[0]!.value).toBe('0054905075');
    const refs = column(offsets, 'offsets', 'reference');
    expect(refs[0]!.value).toBe('0012345678901234567');
    expect(refs[0]!.type).toBe(ExcelJS.ValueType.String);
    const amounts = column(offsets, 'offsets', 'amount');
    expect(amounts.slice(0, 2).map((c) => [c.type, c.value, c.numFmt])).toEqual([
      [ExcelJS.ValueType.Number, 5, '#,##0.00'],
      [ExcelJS.ValueType.Number, -0.25, '#,##0.00'],
    ]);
    const dates = column(offsets, 'offsets', 'payment_date');
    expect((dates[0]!.value as Date).toISOString()).toBe('2024-10-15T00:00:00.000Z');
    // the totals row: equal to the CSV's amounts summed in cents
    const amountAt = COLUMNS.offsets.findIndex((c) => c.key === 'amount');
    const csvCents = csv.slice(1).reduce((sum, line) => sum + centsOf(line.split(',')[amountAt]!), 0);
    const total = amounts[2]!;
    expect(Math.round(((total.type === ExcelJS.ValueType.Formula ? total.result : total.value) as number) * 100)).toBe(csvCents);
    expect(csvCents).toBe(475);
    const claims = book.getWorksheet('Claims')!;
    expect(column(claims, 'claims', 'icn')[0]!.value).toBe('900005053309');
    expect(column(claims, 'claims', 'icn')[0]!.type).toBe(ExcelJS.ValueType.String);
    const runSheet = book.getWorksheet('Run')!;
    const figures = new Map<string, unknown>();
    runSheet.eachRow((row) => figures.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(figures.get('Remittances')).toBe(1);
    expect(figures.get('Provider-level offsets')).toBe(2);
  });

  it('scan --xlsx -o: a workbook of the run; never written to a terminal', async () => {
    const dir = tmp();
    const out = join(dir, 'demo.xlsx');
    expect((await run(['scan', 'fixtures/demo', '--xlsx', '-o', out, '-q'], { cwd: ROOT })).exitCode).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Summary', 'Payments', 'Offsets', 'Balances']);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const tty = await run(['scan', 'fixtures/demo', '--xlsx'], { stdoutIsTTY: true });
    expect(tty).toMatchObject({ exitCode: 2, code: 'USAGE', stderr: 'recoup: a workbook is a file, not text for the terminal: give -o <file>.xlsx (or redirect: > file.xlsx)\n' });
  });
});
