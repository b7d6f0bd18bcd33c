// The Excel workbook (issue 13 §1): rows written through the writer and read back with exceljs — real cell
// types (identifiers stay text to the last digit, amounts are numbers to the cent, dates are dates), the
// Run sheet first, exact totals, and the spool that lets interleaved reports stream with flat memory.
import { createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { COLUMNS, type ReportName, type Row } from '../../src/analysis/rows.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { parseAmount } from '../../src/remit/money.js';
import type { RunInfo } from '../../src/report/sinks.js';
import { openXlsxWriter } from '../../src/report/xlsx.js';
import { scan } from '../../src/scan/scan.js';
import { ROOT } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'recoup-xlsx-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let files = 0;

const NO_RUN: RunInfo = { figures: [], data: {}, diagnostics: [] };

/** A full row of a report: every column '' except those given. */
function rowOf(report: ReportName, values: Row): Row {
  return Object.fromEntries(COLUMNS[report].map((c) => [c.key, values[c.key] ?? '']));
}

/** Writes the rows (in the order given, reports interleaved) to a new .xlsx file and reads it back. */
async function roundTrip(
  reports: readonly ReportName[],
  rows: ReadonlyArray<readonly [ReportName, Row]>,
  run: RunInfo = NO_RUN,
  rowsPerSheet?: number,
): Promise<{ book: ExcelJS.Workbook; path: string }> {
  const path = join(work, `${++files}.xlsx`);
  const out = createWriteStream(path);
  const spoolDir = mkdtempSync(join(work, 'spool-'));
  const writer = await openXlsxWriter(out, reports, { spoolDir, ...(rowsPerSheet ? { rowsPerSheet } : {}) });
  for (const [report, row] of rows) {
    writer.row(report, row);
    if (writer.needsDrain) await writer.drained();
  }
  await writer.finish(run);
  expect(out.writableFinished).toBe(true);
  expect(readdirSync(spoolDir)).toEqual([]);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  return { book, path };
}

function sheet(book: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = book.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
}

/** The cell of `key` in data row `index` (0-based; row 1 is the header). */
function cellOf(ws: ExcelJS.Worksheet, report: ReportName, index: number, key: string): ExcelJS.Cell {
  const col = COLUMNS[report].findIndex((c) => c.key === key);
  if (col < 0) throw new Error(`no column ${key}`);
  return ws.getRow(index + 2).getCell(col + 1);
}

/** A totals cell: its formula and cached result (exceljs' `value` drops a result of 0), or its plain value. */
function totalOf(ws: ExcelJS.Worksheet, report: ReportName, index: number, key: string): unknown {
  const cell = cellOf(ws, report, index, key);
  return cell.type === ExcelJS.ValueType.Formula ? { formula: cell.formula, result: cell.result } : cell.value;
}

const cents = (text: string): number => {
  const p = parseAmount(text);
  if (!p.ok) throw new Error(`not an amount: ${text}`);
  return p.cents;
};

describe('xlsx cells', () => {
  it('identifiers stay text to the last digit: leading zeros, a 19-digit reference, numeric-looking codes, formula-looking text', async () => {
    const ids = {
      trace_number: '0054905075',
      icn: '1234567890123456789',
      pcn: '000123',
      member_id: '00012345',
      corrects_icn: '900005053309',
      reverses_trace_number: '12345678901234567',
      status_code: '1',
      payer_name: '=SUM(A1:A9)',
      status: '+1-800',
    };
    const { book } = await roundTrip(['claims'], [['claims', rowOf('claims', { ...ids, charge: '10.00', paid: '10.00' })]]);
    const ws = sheet(book, 'Claims');
    for (const [key, value] of Object.entries(ids)) {
      const cell = cellOf(ws, 'claims', 0, key);
      expect(cell.type, key).toBe(ExcelJS.ValueType.String);
      expect(cell.value, key).toBe(value);
    }
  });

  it('amounts are numbers equal to their text to the cent, formatted #,##0.00; an unknown amount stays empty', async () => {
    const amounts = ['-1234.50', '0.01', '-0.07', '1234567890123.99', '250', '.5', '0.00'];
    const rows = amounts.map((a, i) => ['claims', rowOf('claims', { pcn: `P${i}`, charge: a, paid: '' })] as const);
    const { book } = await roundTrip(['claims'], rows);
    const ws = sheet(book, 'Claims');
    amounts.forEach((a, i) => {
      const cell = cellOf(ws, 'claims', i, 'charge');
      expect(cell.type).toBe(ExcelJS.ValueType.Number);
      expect(cell.value).toBe(cents(a) / 100);
      expect(Math.round((cell.value as number) * 100)).toBe(cents(a));
      expect(cell.numFmt).toBe('#,##0.00');
      const unknown = cellOf(ws, 'claims', i, 'paid');
      expect(unknown.type).toBe(ExcelJS.ValueType.Null);
      expect(unknown.value).toBeNull();
    });
  });

  it('dates are dates at UTC midnight formatted yyyy-mm-dd; counts are numbers; flags are text', async () => {
    const { book } = await roundTrip(
      ['payments'],
      [['payments', rowOf('payments', { trace_number: '0001', payment_date: '2024-01-05', claims: '12', claims_paid: '0', balanced: 'yes', paid: '1.00' })]],
    );
    const ws = sheet(book, 'Payments');
    const date = cellOf(ws, 'payments', 0, 'payment_date');
    expect(date.type).toBe(ExcelJS.ValueType.Date);
    expect((date.value as Date).toISOString()).toBe('2024-01-05T00:00:00.000Z');
    expect(date.numFmt).toBe('yyyy-mm-dd');
    expect(cellOf(ws, 'payments', 0, 'claims').value).toBe(12);
    expect(cellOf(ws, 'payments', 0, 'claims_paid').value).toBe(0);
    expect(cellOf(ws, 'payments', 0, 'balanced').value).toBe('yes');
    expect(cellOf(ws, 'payments', 0, 'trace_number').value).toBe('0001');
  });

  it('a value that does not read as its kind is kept as text, not lost or guessed', async () => {
    const { book } = await roundTrip(['claims'], [['claims', rowOf('claims', { charge: '1.235', service_date: '2024-02-30', paid: '5.00' })]]);
    const ws = sheet(book, 'Claims');
    expect(cellOf(ws, 'claims', 0, 'charge').value).toBe('1.235');
    expect(cellOf(ws, 'claims', 0, 'service_date').value).toBe('2024-02-30');
  });
});

describe('xlsx layout', () => {
  it('the Run sheet comes first with the figures, then the diagnostics (codes and positions, never segment text)', async () => {
    const diagnostics: Diagnostic[] = [
      { code: 'CLAIM_UNBALANCED', severity: 'warning', message: 'the claim at segment 57 does not balance', file: 'era.835', segment: 57, byteOffset: 2140, element: 'CLP04', excerpt: 'NM1*QC*1*DOE*JANE' },
      { code: 'EMPTY_INPUT', severity: 'error', message: 'nothing to read' },
    ] as Diagnostic[];
    const run: RunInfo = { figures: [['Files read', 4], ['Remittances', 4], ['Paid', '1,118.25']], diagnostics };
    const { book } = await roundTrip(['summary', 'payments', 'claims'], [], run);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Summary', 'Payments', 'Claims']);
    const ws = sheet(book, 'Run');
    const values = (n: number): unknown[] => (ws.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['figure', 'value']);
    expect(values(2)).toEqual(['Files read', 4]);
    expect(values(3)).toEqual(['Remittances', 4]);
    expect(values(4)).toEqual(['Paid', '1,118.25']);
    expect(values(5)).toEqual([]);
    expect(values(6)).toEqual(['code', 'severity', 'file', 'line', 'segment', 'byte', 'element', 'message']);
    expect(values(7)).toEqual(['CLAIM_UNBALANCED', 'warning', 'era.835', undefined, 57, 2140, 'CLP04', 'the claim at segment 57 does not balance']);
    expect(values(8)).toEqual(['EMPTY_INPUT', 'error', undefined, undefined, undefined, undefined, undefined, 'nothing to read']);
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    let text = '';
    for (const w of book.worksheets) w.eachRow((r) => (text += JSON.stringify(r.values)));
    expect(text).not.toContain('DOE');
  });

  it('header bold and frozen, autofilter over header and rows, widths from the header and the rows (at most 50)', async () => {
    const long = 'X'.repeat(80);
    const rows = [0, 1, 2].map((i) => ['claims', rowOf('claims', { pcn: `P${i}`, payer_name: long, charge: '1.00', paid: '1.00' })] as const);
    const { book } = await roundTrip(['claims'], rows);
    const ws = sheet(book, 'Claims');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe(`A1:U4`);
    const header = ws.getRow(1);
    expect((header.values as unknown[]).slice(1)).toEqual(COLUMNS.claims.map((c) => c.key));
    expect(header.getCell(1).font?.bold).toBe(true);
    COLUMNS.claims.forEach((c, i) => {
      const width = ws.getColumn(i + 1).width ?? 9; // exceljs leaves a column of Excel's default width unset
      expect(width, c.key).toBeGreaterThanOrEqual(Math.min(c.key.length, 50));
      expect(width, c.key).toBeLessThanOrEqual(50);
    });
    expect(ws.getColumn(COLUMNS.claims.findIndex((c) => c.key === 'payer_name') + 1).width).toBe(50);
  });

  it('a report without rows is its header alone; sheet names are the report names', async () => {
    const { book } = await roundTrip(['offsets', 'balances', 'adjustments'], []);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Offsets', 'Balances', 'Adjustments']);
    const ws = sheet(book, 'Offsets');
    expect(ws.rowCount).toBe(1);
    expect(ws.autoFilter).toBe(`A1:${ws.getRow(1).getCell(COLUMNS.offsets.length).address.replace(/\d+$/, '')}1`);
  });
});

describe('xlsx totals', () => {
  it('a totals row under the rows: the exact sum in cents (1,000 × 0.10 − 0.03 is 99.97, not what floats add up to) with SUBTOTAL over the filtered rows', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ['claims', rowOf('claims', { pcn: `P${i}`, charge: '0.10', paid: '0.10' })] as const);
    const all = [...rows, ['claims', rowOf('claims', { pcn: 'last', charge: '-0.03', paid: '-0.03' })] as const];
    let float = 0;
    for (let i = 0; i < 1000; i++) float += 0.1;
    expect(float - 0.03).not.toBe(99.97); // why the sum is taken in cents
    const { book } = await roundTrip(['claims'], all);
    const ws = sheet(book, 'Claims');
    expect(ws.autoFilter).toBe('A1:U1002'); // the totals row stays out of the filter
    expect(totalOf(ws, 'claims', 1001, 'charge')).toEqual({ formula: 'SUBTOTAL(109,G2:G1002)', result: 99.97 });
    expect(cellOf(ws, 'claims', 1001, 'charge').numFmt).toBe('#,##0.00');
    expect(cellOf(ws, 'claims', 1001, 'file').value).toBe('Total');
  });

  it('a column with an unknown amount has an unknown total, not a partial sum; absent interest and patient responsibility add nothing', async () => {
    const { book } = await roundTrip(
      ['claims'],
      [
        ['claims', rowOf('claims', { charge: '100.00', paid: '80.00', interest: '1.25', patient_responsibility: '' })],
        ['claims', rowOf('claims', { charge: '50.00', paid: '', interest: '', patient_responsibility: '20.00' })],
      ],
    );
    const ws = sheet(book, 'Claims');
    const total = (key: string): unknown => totalOf(ws, 'claims', 2, key);
    expect(total('charge')).toMatchObject({ result: 150 });
    expect(total('paid')).toBe('unknown');
    expect(total('interest')).toMatchObject({ result: 1.25 });
    expect(total('patient_responsibility')).toMatchObject({ result: 20 });
    expect(total('claim_adjustments')).toBe('unknown'); // every row's is unknown
    expect(total('icn')).toBeNull();
  });

  it('counts add up; an age, a quantity, a percentage, an average and a linked claim paid get no total', async () => {
    const { book } = await roundTrip(
      ['summary', 'balances', 'adjustments', 'offsets'],
      [
        ['summary', rowOf('summary', { payer_name: 'A', checks: '3', paid: '10.00', offset_rate_percent: '8.11', avg_recoupment_lag_days: '70.0' })],
        ['summary', rowOf('summary', { payer_name: 'B', checks: '4', paid: '-2.50', offset_rate_percent: '1.00', avg_recoupment_lag_days: '3.5' })],
        ['balances', rowOf('balances', { deferred: '-60.00', collected: '60.00', outstanding: '0.00', age_days: '32' })],
        ['adjustments', rowOf('adjustments', { amount: '20.00', quantity: '2' })],
        ['offsets', rowOf('offsets', { amount: '-60.00', linked_claim_paid: '180.00' })],
      ],
    );
    const summary = sheet(book, 'Summary');
    expect(totalOf(summary, 'summary', 2, 'checks')).toEqual({ formula: 'SUBTOTAL(109,C2:C3)', result: 7 });
    expect(totalOf(summary, 'summary', 2, 'paid')).toMatchObject({ result: 7.5 });
    expect(cellOf(summary, 'summary', 2, 'offset_rate_percent').value).toBeNull();
    expect(cellOf(summary, 'summary', 2, 'avg_recoupment_lag_days').value).toBeNull();
    expect(cellOf(summary, 'summary', 0, 'offset_rate_percent').value).toBe(8.11);
    expect(cellOf(summary, 'summary', 1, 'avg_recoupment_lag_days').value).toBe(3.5);
    const balances = sheet(book, 'Balances');
    expect(cellOf(balances, 'balances', 0, 'age_days').value).toBe(32);
    expect(cellOf(balances, 'balances', 1, 'age_days').value).toBeNull();
    expect(totalOf(balances, 'balances', 1, 'outstanding')).toMatchObject({ result: 0 });
    expect(cellOf(sheet(book, 'Adjustments'), 'adjustments', 1, 'quantity').value).toBeNull();
    expect(cellOf(sheet(book, 'Offsets'), 'offsets', 1, 'linked_claim_paid').value).toBeNull();
    expect(totalOf(sheet(book, 'Offsets'), 'offsets', 1, 'amount')).toMatchObject({ result: -60 });
  });
});

describe('xlsx spool', () => {
  it('reports arriving interleaved come out whole and in order, values with separators and line breaks included', async () => {
    // the spool's separators (U+001E, U+001F) must not split a row; XML cannot carry them, so the cell drops them
    const odd = ['a\u001fb', 'line\nbreak', '\u001estart', 'tab\there', 'quote"s, commas', 'é ü 中'];
    const rows: Array<readonly [ReportName, Row]> = [];
    for (let i = 0; i < 3000; i++) {
      rows.push(['claims', rowOf('claims', { pcn: `C${i}`, payer_name: odd[i % odd.length]!, charge: '1.00', paid: '1.00' })]);
      if (i % 3 === 0) rows.push(['adjustments', rowOf('adjustments', { pcn: `C${i}`, amount: '0.01' })]);
    }
    const { book } = await roundTrip(['adjustments', 'claims'], rows);
    const claims = sheet(book, 'Claims');
    const adjustments = sheet(book, 'Adjustments');
    expect(claims.rowCount).toBe(3002);
    expect(adjustments.rowCount).toBe(1002);
    for (let i = 0; i < 3000; i++) {
      expect(cellOf(claims, 'claims', i, 'pcn').value).toBe(`C${i}`);
      expect(cellOf(claims, 'claims', i, 'payer_name').value).toBe(odd[i % odd.length]!.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''));
    }
    expect(cellOf(adjustments, 'adjustments', 999, 'pcn').value).toBe('C2997');
    expect(totalOf(adjustments, 'adjustments', 1000, 'amount')).toMatchObject({ result: 10 });
  });

  it('a report with more rows than a sheet holds goes on over further sheets, each with its header, filter and totals', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ['claims', rowOf('claims', { pcn: `P${String(i).padStart(6, '0')}`, charge: '0.10', paid: '1.00' })] as const);
    const { book } = await roundTrip(['claims', 'payments'], [...rows, ['payments', rowOf('payments', { paid: '5.00' })]], NO_RUN, 1000);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Claims', 'Claims (2)', 'Claims (3)', 'Payments']);
    const parts = ['Claims', 'Claims (2)', 'Claims (3)'].map((n) => sheet(book, n));
    expect(parts.map((w) => w.rowCount)).toEqual([1002, 1002, 502]);
    parts.forEach((ws, k) => {
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(COLUMNS.claims.map((c) => c.key));
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const n = k < 2 ? 1000 : 500;
      expect(ws.autoFilter).toBe(`A1:U${n + 1}`);
      expect(cellOf(ws, 'claims', 0, 'pcn').value).toBe(`P${String(k * 1000).padStart(6, '0')}`);
      expect(cellOf(ws, 'claims', n - 1, 'pcn').value).toBe(`P${String(k * 1000 + n - 1).padStart(6, '0')}`);
      expect(cellOf(ws, 'claims', n, 'file').value).toBe('Total of this sheet');
      expect(totalOf(ws, 'claims', n, 'charge')).toEqual({ formula: `SUBTOTAL(109,G2:G${n + 1})`, result: n / 10 });
    });
    expect(cellOf(sheet(book, 'Payments'), 'payments', 1, 'file').value).toBe('Total');
  });

  it('abort removes the spool, leaves the output open, and writes nothing to it', async () => {
    const spoolDir = mkdtempSync(join(work, 'spool-'));
    const out = new PassThrough();
    let bytes = 0;
    out.on('data', (c: Buffer) => (bytes += c.length));
    const writer = await openXlsxWriter(out, ['claims'], { spoolDir });
    writer.row('claims', rowOf('claims', { pcn: 'P1' }));
    expect(readdirSync(spoolDir)).toEqual([]); // unlinked as soon as opened (this system allows it)
    await writer.abort();
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(bytes).toBe(0);
    expect(out.writableEnded).toBe(false);
  });

  it('abort while finish is writing: finish rejects at once, nothing more reaches the output, the spool goes', async () => {
    const spoolDir = mkdtempSync(join(work, 'spool-'));
    const out = new PassThrough();
    let bytes = 0;
    const writer = await openXlsxWriter(out, ['claims'], { spoolDir });
    for (let i = 0; i < 20_000; i++) {
      writer.row('claims', rowOf('claims', { pcn: `P${i}`, charge: '1.00' }));
      if (writer.needsDrain) await writer.drained();
    }
    let aborting: Promise<void> | undefined;
    out.on('data', (c: Buffer) => {
      bytes += c.length;
      aborting ??= writer.abort();
    });
    await expect(writer.finish(NO_RUN)).rejects.toThrow('abandoned');
    await aborting;
    const seen = bytes;
    await new Promise((r) => setTimeout(r, 100));
    expect(bytes).toBe(seen);
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(out.writableEnded).toBe(false);
  });

  it('end: false leaves the output open after finish; the bytes are a zip', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = await openXlsxWriter(out, ['payments'], { end: false });
    writer.row('payments', rowOf('payments', { trace_number: '0054905075' }));
    await writer.finish(NO_RUN);
    expect(out.writableEnded).toBe(false);
    const bytes = Buffer.concat(chunks);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(cellOf(sheet(book, 'Payments'), 'payments', 0, 'trace_number').value).toBe('0054905075');
  });

  it('an output that fails makes finish reject with its error (no hang) and still removes the spool', async () => {
    const spoolDir = mkdtempSync(join(work, 'spool-'));
    const out = new Writable({
      write(_chunk, _enc, cb) {
        const err = new Error('disk full') as NodeJS.ErrnoException;
        err.code = 'ENOSPC';
        cb(err);
      },
    });
    out.on('error', () => {});
    const writer = await openXlsxWriter(out, ['claims'], { spoolDir });
    for (let i = 0; i < 2000; i++) writer.row('claims', rowOf('claims', { pcn: `P${i}`, charge: '1.00' }));
    await expect(writer.finish(NO_RUN)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(spoolDir)).toEqual([]);
    await writer.abort();
  });
});

describe('xlsx over fixtures/demo', () => {
  it('every identifier reads back as the row text, every amount to the cent, and every total equals the sum of the CSV text', async () => {
    const reports: ReportName[] = ['offsets', 'payments', 'claims', 'adjustments', 'summary', 'balances'];
    const result = await scan([join(ROOT, 'fixtures', 'demo')], { reports, asOf: '2024-06-30' });
    const rows: Array<readonly [ReportName, Row]> = [];
    for (const r of reports) for (const row of result.reports[r]!) rows.push([r, row]);
    expect(rows.length).toBeGreaterThan(20);
    const { book } = await roundTrip(reports, rows, { figures: [['Files read', result.stats.files]], diagnostics: result.diagnostics });
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Offsets', 'Payments', 'Claims', 'Adjustments', 'Summary', 'Balances']);
    let checkedText = 0;
    for (const report of reports) {
      const ws = sheet(book, report[0]!.toUpperCase() + report.slice(1));
      const data = result.reports[report]!;
      expect(data.length, report).toBeGreaterThan(0);
      for (const col of COLUMNS[report]) {
        let sum = 0;
        let unknown = false;
        data.forEach((row, i) => {
          const text = row[col.key]!;
          const cell = cellOf(ws, report, i, col.key);
          if (text === '') {
            expect(cell.value, `${report}.${col.key}`).toBeNull();
            unknown = true;
          } else if (col.kind === 'amount') {
            expect(cell.value, `${report}.${col.key}`).toBe(cents(text) / 100);
            sum += cents(text);
          } else if (col.kind === 'count') {
            expect(cell.value).toBe(Number(text));
            sum += Number(text);
          } else if (col.kind === 'date') {
            expect((cell.value as Date).toISOString().slice(0, 10)).toBe(text);
          } else {
            expect(cell.type, `${report}.${col.key}`).toBe(ExcelJS.ValueType.String);
            expect(cell.value, `${report}.${col.key}`).toBe(text);
            checkedText++;
          }
        });
        const total = totalOf(ws, report, data.length, col.key);
        const additive = (col.kind === 'amount' || col.kind === 'count') && !['age_days', 'offset_rate_percent', 'avg_recoupment_lag_days', 'quantity', 'linked_claim_paid'].includes(col.key);
        const emptyIsNone = report === 'claims' && (col.key === 'interest' || col.key === 'patient_responsibility');
        if (!additive) expect(total, `${report}.${col.key}`).toBe(col === COLUMNS[report][0] ? 'Total' : null);
        else if (unknown && !emptyIsNone) expect(total, `${report}.${col.key}`).toBe('unknown');
        else expect((total as { result: number }).result, `${report}.${col.key}`).toBe(col.kind === 'amount' ? sum / 100 : sum);
      }
    }
    expect(checkedText).toBeGreaterThan(100);
  });
});
