// The zod schemas of src/cli/options.ts turn commander's raw values into typed options, and every invalid
// value is one usage error in one format: `<flag as typed>: <what is wrong>`.

import { describe, expect, it } from 'vitest';
import { exitForError } from '../../src/cli/exit.js';
import { parseCliOptions, scanOptionsSchema, traceOptionsSchema } from '../../src/cli/options.js';
import { RecoupError } from '../../src/diagnostics/errors.js';

const parseScan = (raw: Record<string, unknown>) => parseCliOptions(scanOptionsSchema, { color: true, pager: true, ...raw });

function usage(fn: () => unknown): { code: string; exit: number; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RecoupError);
    const e = err as RecoupError;
    return { code: e.code, exit: exitForError(e), message: e.message };
  }
  throw new Error('expected a usage error');
}

describe('scan options, typed', () => {
  it('defaults: the format decides the reports', () => {
    expect(parseScan({})).toMatchObject({ format: 'table', reports: ['summary', 'offsets'], quiet: false, verbose: false, newOnly: false, redact: false });
    expect(parseScan({ csv: true })).toMatchObject({ format: 'csv', reports: ['offsets'] });
    expect(parseScan({ json: true }).reports).toEqual(['summary', 'payments', 'offsets']);
    expect(parseScan({ format: 'ndjson' }).reports).toEqual(['summary', 'payments', 'offsets']);
    expect(parseScan({}).failOn).toEqual(new Set());
    expect(parseScan({}).escalateOver).toBeUndefined();
  });

  it('--report: comma-separated or repeated, any case, each once; all expands in contract order', () => {
    expect(parseScan({ report: ['Offsets, summary', 'offsets', 'claims'] }).reports).toEqual(['offsets', 'summary', 'claims']);
    expect(parseScan({ report: ['payments', 'all'] }).reports).toEqual(['payments', 'summary', 'offsets', 'claims', 'adjustments', 'balances', 'aging', 'deposits', 'suspense', 'reversals']);
  });

  it('--fail-on: a set of known conditions', () => {
    expect([...parseScan({ failOn: ['Unbalanced,warnings', 'unlinked'] }).failOn]).toEqual(['unbalanced', 'warnings', 'unlinked']);
  });

  it('--escalate-over: an amount as people type it, in cents', () => {
    expect(parseScan({ escalateOver: '$1,250.00' }).escalateOver).toBe(125_000);
    expect(parseScan({ escalateOver: ' 50 ' }).escalateOver).toBe(5_000);
    expect(parseScan({ escalateOver: '0.01' }).escalateOver).toBe(1);
  });

  it('--as-of: a real calendar date', () => {
    expect(parseScan({ asOf: '2024-02-29' }).asOf).toBe('2024-02-29');
  });

  it('every invalid value is a usage error (exit 2) naming the flag', () => {
    expect(usage(() => parseScan({ report: ['everything'] }))).toEqual({
      code: 'USAGE',
      exit: 2,
      message: '--report: unknown report "everything"; choose from summary, payments, offsets, claims, adjustments, balances, aging, deposits, suspense, reversals',
    });
    expect(usage(() => parseScan({ report: [' , '] })).message).toBe('--report: needs at least one report name');
    expect(usage(() => parseScan({ failOn: ['unbalanced,sometimes'] })).message).toBe('--fail-on: unknown condition "sometimes"; choose from unbalanced, unlinked, escalated, warnings, deposits, due, unapproved');
    expect(usage(() => parseScan({ escalateOver: '-5' })).message).toBe('--escalate-over: "-5" is not an amount (for example 500 or 1250.00)');
    expect(usage(() => parseScan({ escalateOver: '12.345' })).message).toBe('--escalate-over: "12.345" is not an amount (for example 500 or 1250.00)');
    expect(usage(() => parseScan({ asOf: '2023-02-29' })).message).toBe(
      '--as-of: "2023-02-29" is not a date; expected a real calendar date YYYY-MM-DD (year 1900 or later), e.g. 2024-03-31',
    );
    expect(usage(() => parseScan({ csv: true, json: true })).message).toBe('--format: choose one of --format, --csv, --json and --xlsx');
    expect(usage(() => parseScan({ output: '' })).message).toBe('--output: needs a value');
  });
});

describe('which mistake is reported first, when there are several', () => {
  it('a value is quoted as typed (a space after a comma shows)', () => {
    expect(usage(() => parseScan({ failOn: ['unlinked, bogus'] })).message).toBe('--fail-on: unknown condition " bogus"; choose from unbalanced, unlinked, escalated, warnings, deposits, due, unapproved');
    expect(usage(() => parseScan({ report: ['summary, bogus'] })).message).toMatch(/^--report: unknown report " bogus";/);
  });

  it('plain values first, then the format conflict, then --report, --fail-on, --escalate-over', () => {
    expect(usage(() => parseScan({ report: ['bogus'], asOf: '2024-13-01' })).message).toMatch(/^--as-of: /);
    expect(usage(() => parseScan({ report: ['bogus'], output: '' })).message).toBe('--output: needs a value');
    expect(usage(() => parseScan({ csv: true, json: true, report: ['bogus'] })).message).toBe('--format: choose one of --format, --csv, --json and --xlsx');
    expect(usage(() => parseScan({ csv: true, json: true, escalateOver: 'x' })).message).toBe('--format: choose one of --format, --csv, --json and --xlsx');
    expect(usage(() => parseScan({ escalateOver: 'x', failOn: ['bogus'], report: ['bogus'] })).message).toMatch(/^--report: /);
    expect(usage(() => parseScan({ escalateOver: 'x', failOn: ['bogus'] })).message).toMatch(/^--fail-on: /);
  });
});

describe('trace options', () => {
  it('the format defaults to a table', () => {
    expect(parseCliOptions(traceOptionsSchema, { color: false })).toEqual({ format: 'table', color: false, pager: true });
    expect(usage(() => parseCliOptions(traceOptionsSchema, { color: false, ledger: '' })).message).toBe('--ledger: needs a value');
  });
});
