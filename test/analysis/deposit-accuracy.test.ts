// Deposit matching accuracy on generated months with ground truth (issue 14): every EFT with a trace
// number matched right, at least 95 % of batched check deposits resolved, zero wrong matches, every
// deposit without an ERA and every ERA without a deposit reported. Read through the real readers (BAI2 and
// the bank's CSV export, whose descriptions are cut short) and the real scan.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/analysis/rows.js';
import { scan } from '../../src/scan/scan.js';
import { type BankMonth, type BankTruth, generateBankMonth, writeBankMonthFiles } from '../support/bank-synth.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Score {
  efts: number;
  eftsRight: number;
  batches: number;
  batchesRight: number;
  singles: number;
  singlesRight: number;
  extras: number;
  extrasReported: number;
  missing: number;
  missingReported: number;
  wrong: string[];
  ambiguous: number;
}

async function measure(month: BankMonth, statement: 'bai2' | 'csv'): Promise<Score> {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-deposits-'));
  dirs.push(dir);
  const written = writeBankMonthFiles(dir, month);
  const result = await scan(written.eras, { reports: ['deposits'], bank: [statement === 'bai2' ? written.bai2 : written.csv] });
  expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  const rows = result.reports.deposits!;
  const byLine = new Map<number, Row>();
  for (const r of rows) if (r.bank_line !== '') byLine.set(Number(r.bank_line), r);
  const s: Score = { efts: 0, eftsRight: 0, batches: 0, batchesRight: 0, singles: 0, singlesRight: 0, extras: 0, extrasReported: 0, missing: 0, missingReported: 0, wrong: [], ambiguous: 0 };
  const traces = (r: Row): string => r.trace_numbers!.split(' ').filter(Boolean).sort().join(' ');
  for (const t of month.truth) {
    const row = byLine.get(statement === 'bai2' ? t.line : t.csvRow);
    expect(row, `a row for bank line ${statement === 'bai2' ? t.line : t.csvRow}`).toBeDefined();
    const want = [...t.traces].sort().join(' ');
    const got = traces(row!);
    if (row!.status === 'ambiguous') s.ambiguous++;
    // a wrong match: the row names remittances, and they are not the deposit's
    if (got !== '' && got !== want) s.wrong.push(`${t.kind} ${t.date} ${t.amount}: truth [${want}] got [${got}] (${row!.match_basis})`);
    const right = got === want && (t.mismatch === undefined ? row!.status === 'matched' : row!.status === 'amount_mismatch' && row!.match_basis === 'trace_number');
    tally(s, t, right, row!);
  }
  for (const trace of month.erasWithoutDeposit) {
    s.missing++;
    if (rows.some((r) => r.status === 'era_without_deposit' && r.trace_numbers === trace)) s.missingReported++;
  }
  return s;
}

function tally(s: Score, t: BankTruth, right: boolean, row: Row): void {
  switch (t.kind) {
    case 'eft':
      s.efts++;
      if (right) s.eftsRight++;
      break;
    case 'check_batch':
      s.batches++;
      if (right) s.batchesRight++;
      break;
    case 'single_check':
      s.singles++;
      if (right) s.singlesRight++;
      break;
    case 'extra':
      s.extras++;
      // an extra is reported as a credit no ERA explains, or as one that is not an insurance payment at all
      if (row.status === 'deposit_without_era' || row.status === 'other_credit') s.extrasReported++;
      break;
  }
}

const SEEDS = [1, 2, 3, 4, 5];

describe('deposit matching on generated months (400 ERAs each: EFTs, batched checks, 5 % never paid, 5 % credits without an ERA)', () => {
  for (const statement of ['bai2', 'csv'] as const) {
    it(`${statement}: every EFT right, >= 95 % of check batches, no wrong match, every missing and extra item reported`, async () => {
      const total: Score = { efts: 0, eftsRight: 0, batches: 0, batchesRight: 0, singles: 0, singlesRight: 0, extras: 0, extrasReported: 0, missing: 0, missingReported: 0, wrong: [], ambiguous: 0 };
      for (const seed of SEEDS) {
        const s = await measure(generateBankMonth({ seed, eras: 400 }), statement);
        for (const k of Object.keys(total) as Array<keyof Score>) {
          if (k === 'wrong') total.wrong.push(...s.wrong.map((w) => `seed ${seed}: ${w}`));
          else (total[k] as number) += s[k] as number;
        }
      }
      // the figures for the closing note
      console.log(
        `${statement}: EFTs ${total.eftsRight}/${total.efts}, check batches ${total.batchesRight}/${total.batches} (${((100 * total.batchesRight) / total.batches).toFixed(1)} %), ` +
          `single checks ${total.singlesRight}/${total.singles}, extras reported ${total.extrasReported}/${total.extras}, ERAs without deposit reported ${total.missingReported}/${total.missing}, ` +
          `ambiguous ${total.ambiguous}, wrong ${total.wrong.length}`,
      );
      expect(total.wrong).toEqual([]);
      expect(total.eftsRight).toBe(total.efts);
      expect(total.batchesRight / total.batches).toBeGreaterThanOrEqual(0.95);
      expect(total.extrasReported).toBe(total.extras);
      expect(total.missingReported).toBe(total.missing);
      expect(total.singlesRight).toBe(total.singles);
    });
  }
});
