// Hostile inputs (issue #7): every corpus and fixture file, damaged by fast-check mutations, through the
// whole scan. For each: no exception, only coded diagnostics with sane positions, totals that still
// reconcile across reports, and well under a second. `npm run fuzz` runs the same with a larger budget.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/diagnostics.js';
import { parseAmount } from '../../src/remit/money.js';
import { scan, type ScanResult } from '../../src/scan/scan.js';
import type { Row } from '../../src/analysis/rows.js';
import { corpusFiles, fixtureFiles, read } from '../helpers.js';
import { applyMutation, type Mutation, mutationArb } from './mutate.js';

/** Mutated variants per file; `npm run fuzz` raises it. */
const RUNS = Number(process.env.RECOUP_FUZZ_RUNS ?? 3);
const SEED = Number(process.env.RECOUP_FUZZ_SEED ?? 20261123);

const dir = mkdtempSync(join(tmpdir(), 'recoup-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cents = (s: string | undefined): number => {
  const p = parseAmount(s ?? '');
  if (!p.ok) throw new Error(`not an amount in a report: ${JSON.stringify(s)}`);
  return p.cents;
};
/** The sum of a column, or null when a cell in it is unknown (an amount that could not be read): a total
 * over an unknown amount must itself be unknown, on both sides of every comparison below. */
const sum = (rows: readonly Row[] | undefined, key: string): number | null =>
  (rows ?? []).some((r) => r[key] === '') ? null : (rows ?? []).reduce((t, r) => t + cents(r[key]), 0);
const count = (rows: readonly Row[] | undefined, key: string): number => (rows ?? []).reduce((t, r) => t + Number(r[key]), 0);

/** What must hold for any input, however damaged. */
function checkInvariants(result: ScanResult, size: number): void {
  for (const d of result.diagnostics) {
    expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
    expect(d.message.length).toBeGreaterThan(0);
    if (d.byteOffset !== undefined) {
      expect(d.byteOffset).toBeGreaterThanOrEqual(0);
      expect(d.byteOffset).toBeLessThanOrEqual(size);
    }
    if (d.segment !== undefined) expect(d.segment).toBeGreaterThanOrEqual(1);
  }
  const { summary, payments, offsets, claims } = result.reports;
  // every total printed reconciles with the rows it sums
  expect(count(summary, 'checks')).toBe(payments!.length);
  expect(sum(summary, 'paid')).toBe(sum(payments, 'paid'));
  expect(sum(summary, 'provider_adjustments')).toBe(sum(payments, 'provider_adjustments'));
  expect(sum(summary, 'provider_adjustments')).toBe(sum(offsets, 'amount'));
  expect(count(summary, 'linked_offsets') + count(summary, 'ambiguous_offsets') + count(summary, 'unlinked_offsets')).toBe(offsets!.length);
  expect(count(payments, 'claims')).toBe(claims!.length);
  expect(sum(summary, 'claim_payments')).toBe(sum(claims, 'paid'));
  expect(result.stats.remittances).toBe(payments!.length);
}

async function scanBytes(name: string, bytes: Buffer): Promise<{ result: ScanResult; ms: number }> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const t0 = performance.now();
  const result = await scan([path], { reports: ['summary', 'payments', 'offsets', 'claims', 'adjustments'] });
  return { result, ms: performance.now() - t0 };
}

const inputs = [...corpusFiles(), ...fixtureFiles()];
let tried = 0;
let slowest = 0;

describe(`mutated inputs: ${inputs.length} files × ${RUNS} mutation lists (seed ${SEED})`, () => {
  it.each(inputs.map((p) => [basename(p), p]))('%s', async (_name, path) => {
    const original = read(path);
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (mutations: Mutation[]) => {
        const bytes = mutations.reduce(applyMutation, original);
        const { result, ms } = await scanBytes('case.835', bytes);
        tried++;
        slowest = Math.max(slowest, ms);
        checkInvariants(result, bytes.length);
        expect(ms).toBeLessThan(1000);
      }),
      { numRuns: RUNS, seed: SEED + inputs.indexOf(path), endOnFailure: true },
    );
  });

  afterAll(() => {
    console.log(`fuzz: ${tried} mutated inputs scanned, slowest ${slowest.toFixed(0)} ms`);
  });
});
