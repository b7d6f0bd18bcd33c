// CSV writing (issue #6 made it batched): the output must stay exactly csv-stringify's.
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/analysis/rows.js';
import { CsvReportWriter, csvLine } from '../../src/report/csv.js';

const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '\r', '\n', 'é', '-', '='), maxLength: 8 });

describe('csvLine', () => {
  it('equals csv-stringify on any row, quotes, commas and line breaks included', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), (values) => {
        expect(csvLine(values)).toBe(stringify([values]));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('CsvReportWriter', () => {
  async function written(rows: number): Promise<string> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const w = new CsvReportWriter('payments', out);
    const keys = COLUMNS.payments.map((c) => c.key);
    for (let i = 0; i < rows; i++) w.row(Object.fromEntries(keys.map((k, j) => [k, j === 3 ? `PAYER, ${i}` : `${k}${i}`])));
    await w.end();
    return Buffer.concat(chunks).toString('utf8');
  }

  it('a report with no rows is its header line', async () => {
    expect(await written(0)).toBe(COLUMNS.payments.map((c) => c.key).join(',') + '\n');
  });

  it('thousands of rows in batches and blocks: every row once, in order, quoted where needed', async () => {
    const text = await written(5000);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[1]).toContain('"PAYER, 0"');
    expect(lines[5000]).toContain('"PAYER, 4999"');
  });
});
