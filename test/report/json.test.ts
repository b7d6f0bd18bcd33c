// JSON for programs: amounts are numbers equal to the text to the cent, flags booleans, dates strings,
// unknown values null; the figures and diagnostics of the run come with the rows.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDiagnostic } from '../../src/diagnostics/diagnostics.js';
import { formatCents } from '../../src/remit/money.js';
import { ndjsonLine, ndjsonRunLines, renderJson, toJsonRow } from '../../src/report/json.js';

describe('typed JSON rows', () => {
  it('an offsets row: amount a number, escalate a boolean, dates strings, empty link values as text or null', () => {
    const row = toJsonRow('offsets', {
      file: 'era.835',
      trace_number: '0054905075',
      payment_date: '2024-03-15',
      fiscal_period_date: '',
      reason_code: 'WO',
      reference: '900005053309',
      amount: '-1234.50',
      linked_claim_paid: '',
      escalate: 'yes',
    });
    expect(row).toMatchObject({ trace_number: '0054905075', reference: '900005053309', payment_date: '2024-03-15', fiscal_period_date: null, amount: -1234.5, linked_claim_paid: null, escalate: true });
    expect(JSON.stringify(row)).toContain('"amount":-1234.5,');
  });

  it('flags: yes → true, no → false, unknown or empty → null; counts numbers', () => {
    expect(toJsonRow('payments', { balanced: 'yes', claims: '3', difference: '0.00' })).toMatchObject({ balanced: true, claims: 3, difference: 0 });
    expect(toJsonRow('payments', { balanced: 'no', claims: '', difference: '-0.01' })).toMatchObject({ balanced: false, claims: null, difference: -0.01 });
    expect(toJsonRow('payments', { balanced: 'unknown', paid: '' })).toMatchObject({ balanced: null, paid: null });
  });

  it('every amount survives the trip: the JSON number printed is the text, to the cent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (cents) => {
        const text = formatCents(cents);
        const printed = JSON.stringify(toJsonRow('offsets', { amount: text }).amount);
        // the number printed has the same value as the text (trailing zeros are not part of a JSON number)
        expect(printed).toBe(text.replace(/\.?0+$/, '').replace(/^-0$/, '0') || '0');
      }),
      { numRuns: 2000 },
    );
  });

  it('jq-style sums add up: Σ amounts as numbers equals Σ of the text in cents', () => {
    const amounts = ['60.00', '-45.00', '45.00', '-3.25', '0.10', '0.20'];
    const sum = amounts.map((a) => toJsonRow('offsets', { amount: a }).amount as number).reduce((a, b) => a + b, 0);
    expect(Math.round(sum * 100)).toBe(5705);
  });
});

describe('the run comes with the rows', () => {
  const d = makeDiagnostic('BALANCE_CLAIM', 'claim X does not balance', { file: 'a.835', segment: 12, byteOffset: 400, segmentId: 'CLP' });
  const withExcerpt = { ...d, excerpt: 'CLP*SECRET PATIENT DATA' };

  it('JSON: the reports, then run and diagnostics (no segment text)', () => {
    const text = renderJson(['offsets'], new Map([['offsets', [{ amount: '1.00' }]]]), { run: { files: 1, errors: 0 }, diagnostics: [withExcerpt] });
    const obj = JSON.parse(text);
    expect(Object.keys(obj)).toEqual(['offsets', 'run', 'diagnostics']);
    expect(obj.run).toEqual({ files: 1, errors: 0 });
    expect(obj.diagnostics).toEqual([{ code: 'BALANCE_CLAIM', severity: 'warning', message: 'claim X does not balance', file: 'a.835', segment: 12, byteOffset: 400, segmentId: 'CLP' }]);
    expect(text).not.toContain('SECRET');
  });

  it('NDJSON: a line per row, then one per diagnostic, then the run', () => {
    const lines = (ndjsonLine('offsets', { amount: '2.50' }) + ndjsonRunLines({ run: { files: 2 }, diagnostics: [withExcerpt] })).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.report)).toEqual(['offsets', 'diagnostic', 'run']);
    expect(lines[0].amount).toBe(2.5);
    expect(lines[1]).toMatchObject({ code: 'BALANCE_CLAIM', segment: 12 });
    expect(lines[1].excerpt).toBeUndefined();
    expect(lines[2]).toEqual({ report: 'run', files: 2 });
  });
});
