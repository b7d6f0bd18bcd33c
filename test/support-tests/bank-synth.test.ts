// The bank-statement generator (test/support/bank-synth.ts) keeps its promises: its truth agrees with the
// BAI2 and CSV texts line by line, with the 835s as the project's own parser reads them, and with the
// matcher's windows; the BAI2 control totals are right; the shares are what was asked for.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { parseBuffer } from '../../src/input/parse.js';
import { checkRemittanceBalance } from '../../src/analysis/balance-checks.js';
import type { Remittance } from '../../src/remit/model.js';
import { scan } from '../../src/scan/scan.js';
import { BANK_SYNTH_PAYERS, generateBankMonth, writeBankMonthFiles, type BankMonth, type BankTruth } from '../support/bank-synth.js';
import { renderFile } from '../support/synth.js';

// ---------- independent helpers (not the generator's) ----------

const DAY = 86_400_000;
const dayNumber = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY;
const isWeekday = (day: number): boolean => {
  const w = new Date(day * DAY).getUTCDay();
  return w >= 1 && w <= 5;
};
/** Business days from `from` to `to` (negative when `to` is earlier); both are business days here. */
function businessDaysBetween(from: number, to: number): number {
  let count = 0;
  const step = to >= from ? 1 : -1;
  for (let d = from; d !== to; d += step) if (isWeekday(d + step)) count += step;
  return count;
}
const isoFromCcyymmdd = (s: string): string => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
const isoFromYymmdd = (s: string): string => `20${s.slice(0, 2)}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
const isoFromMmddyyyy = (s: string): string => `${s.slice(6, 10)}-${s.slice(0, 2)}-${s.slice(3, 5)}`;

/** "$1,234.56" / "-$12.00" → cents, without floating point. */
function csvCents(text: string): number {
  const m = /^(-?)\$(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a CSV amount: ${text}`);
  const cents = Number(m[2]!.replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] === '-' ? -cents : cents;
}

/** A small CSV row reader: quoted fields with "" escapes. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (line[q + 1] === '"') {
          v += line.slice(i, q + 1);
          i = q + 2;
        } else {
          v += line.slice(i, q);
          i = q + 1;
          break;
        }
      }
      out.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c === -1 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

interface Bai2Detail {
  line: number;
  type: string;
  amount: number;
  date: string;
  text: string;
}

/** Reads the BAI2 text on its own: details (16 + 88) and the control totals and counts recomputed. */
function readBai2(text: string) {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const details: Bai2Detail[] = [];
  const problems: string[] = [];
  let asOf = '';
  let groupStart = -1;
  let accountStart = -1;
  let accountSum = 0;
  let groupSum = 0;
  let fileSum = 0;
  let groups = 0;
  let accounts = 0;
  let last: Bai2Detail | null = null;
  lines.forEach((raw, i) => {
    const code = raw.slice(0, 2);
    if (code !== '16' && code !== '88' && !raw.endsWith('/')) problems.push(`line ${i + 1} does not end with /`);
    const f = (code === '16' || code === '88' ? raw : raw.slice(0, -1)).split(',');
    if (code !== '88') last = null;
    switch (code) {
      case '01':
        if (i !== 0 || f[8] !== '2') problems.push(`bad 01 at line ${i + 1}`);
        break;
      case '02':
        groupStart = i;
        groupSum = 0;
        accounts = 0;
        asOf = isoFromYymmdd(f[4]!);
        break;
      case '03':
        accountStart = i;
        accountSum = 0;
        for (let k = 3; k + 1 < f.length; k += 4) if (f[k] !== '') accountSum += Number(f[k + 1]);
        break;
      case '16': {
        const amount = Number(f[2]);
        accountSum += amount;
        const textStart = f.slice(0, 6).join(',').length + 1;
        last = { line: i + 1, type: f[1]!, amount, date: asOf, text: raw.slice(textStart) };
        details.push(last);
        break;
      }
      case '88':
        if (last === null) problems.push(`88 at line ${i + 1} continues no 16`);
        else (last as Bai2Detail).text += ` ${raw.slice(3)}`;
        break;
      case '49':
        if (Number(f[1]) !== accountSum) problems.push(`49 at line ${i + 1}: total ${f[1]}, recomputed ${accountSum}`);
        if (Number(f[2]) !== i - accountStart + 1) problems.push(`49 at line ${i + 1}: count ${f[2]}, recomputed ${i - accountStart + 1}`);
        groupSum += accountSum;
        accounts++;
        break;
      case '98':
        if (Number(f[1]) !== groupSum) problems.push(`98 at line ${i + 1}: total ${f[1]}, recomputed ${groupSum}`);
        if (Number(f[2]) !== accounts) problems.push(`98 at line ${i + 1}: accounts ${f[2]}, recomputed ${accounts}`);
        if (Number(f[3]) !== i - groupStart + 1) problems.push(`98 at line ${i + 1}: count ${f[3]}, recomputed ${i - groupStart + 1}`);
        fileSum += groupSum;
        groups++;
        break;
      case '99':
        if (Number(f[1]) !== fileSum) problems.push(`99: total ${f[1]}, recomputed ${fileSum}`);
        if (Number(f[2]) !== groups) problems.push(`99: groups ${f[2]}, recomputed ${groups}`);
        if (Number(f[3]) !== i + 1 || i !== lines.length - 1) problems.push(`99: count ${f[3]}, recomputed ${lines.length}`);
        break;
      default:
        problems.push(`unknown record at line ${i + 1}: ${raw}`);
    }
  });
  return { lines, details, problems, groups };
}

interface Parsed {
  byTrace: Map<string, Remittance>;
  diagnostics: Diagnostic[];
  unbalanced: string[];
}

/** The 835s through the project's own parser. */
function parse835s(month: BankMonth): Parsed {
  const byTrace = new Map<string, Remittance>();
  const diagnostics: Diagnostic[] = [];
  const unbalanced: string[] = [];
  month.files.forEach((f, i) => {
    parseBuffer(f.name, Buffer.from(renderFile(f, i + 1)), {
      remittance(r) {
        if (byTrace.has(r.trace.number)) unbalanced.push(`duplicate trace ${r.trace.number}`);
        byTrace.set(r.trace.number, r);
        const b = checkRemittanceBalance(r, 0);
        if (b.balanced !== 'yes' || b.diagnostics.length > 0) unbalanced.push(r.trace.number);
      },
      diagnostic: (d) => diagnostics.push(d),
    });
  });
  return { byTrace, diagnostics, unbalanced };
}

const month400 = generateBankMonth({ seed: 1, eras: 400 });
const parsed400 = parse835s(month400);
const money = (p: Parsed) => [...p.byTrace.values()].filter((r) => r.payment.amount > 0);

describe('generateBankMonth', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateBankMonth({ seed: 1, eras: 400 })).toEqual(month400);
    const other = generateBankMonth({ seed: 2, eras: 400 });
    expect(other.bai2).not.toBe(month400.bai2);
    expect(other.truth.map((t) => t.amount)).not.toEqual(month400.truth.map((t) => t.amount));
  });

  it('checks its options', () => {
    expect(() => generateBankMonth({ seed: 1, eras: -1 })).toThrow(RangeError);
    expect(() => generateBankMonth({ seed: 1, eras: 10, month: '2024-3' })).toThrow(RangeError);
    expect(() => generateBankMonth({ seed: 1, eras: 10, checkShare: 1.5 })).toThrow(RangeError);
    expect(() => generateBankMonth({ seed: 1, eras: 10, month: '2024-06', days: 2 })).toThrow(/no business day/); // June 1–2, 2024: a weekend
    expect(generateBankMonth({ seed: 1, eras: 10, month: '2024-06', days: 3 }).truth.length).toBeGreaterThan(0);
  });

  it('writes a BAI2 file whose 49/98/99 totals and record counts are right, one group per posting day', () => {
    const bai = readBai2(month400.bai2);
    expect(bai.problems).toEqual([]);
    const postingDays = new Set(month400.truth.map((t) => t.date));
    expect(bai.groups).toBeGreaterThanOrEqual(postingDays.size);
    expect(new Set(bai.details.map((d) => d.date)).size).toBe(bai.groups);
    for (const d of bai.details) expect(isWeekday(dayNumber(d.date))).toBe(true);
    // every credit (type 100–399) has exactly one truth, every debit (400–699) none
    const credits = bai.details.filter((d) => Number(d.type) < 400);
    const debits = bai.details.filter((d) => Number(d.type) >= 400);
    expect(credits.map((d) => d.line)).toEqual(month400.truth.map((t) => t.line));
    expect(debits).toHaveLength(10);
    for (const d of debits) expect(['475', '698', '451']).toContain(d.type);
    for (const d of credits) expect(['165', '169', '174', '206', '301']).toContain(d.type);
  });

  it('states each credit at the BAI2 line and CSV row it names, with its amount and date', () => {
    const bai = readBai2(month400.bai2);
    const csvLines = month400.csv.trimEnd().split('\n');
    expect(csvLines[0]).toBe('Date,Description,Amount,Reference');
    expect(csvLines.length - 1).toBe(bai.details.length);
    const byLine = new Map(bai.details.map((d) => [d.line, d]));
    const rowsSeen = new Set<number>();
    for (const t of month400.truth) {
      const d = byLine.get(t.line)!;
      expect(bai.lines[t.line - 1]!.startsWith('16,')).toBe(true);
      expect([d.amount, d.date]).toEqual([t.amount, t.date]);
      const row = csvFields(csvLines[t.csvRow - 1]!);
      expect(row).toHaveLength(4);
      expect([csvCents(row[2]!), isoFromMmddyyyy(row[0]!)]).toEqual([t.amount, t.date]);
      expect(rowsSeen.has(t.csvRow)).toBe(false);
      rowsSeen.add(t.csvRow);
      // the BAI2 keeps the full text; the CSV has it too unless the truth says it was cut
      const row2 = row[1]!;
      if (t.kind === 'eft' || (t.kind === 'extra' && d.text.startsWith('HCCLAIMPMT'))) {
        const wrapper = /TRN\*1\*(\d+)\*(1\d{9})\\$/.exec(d.text);
        expect(wrapper, d.text).not.toBeNull();
        if (t.kind === 'eft') expect(wrapper![1]).toBe(t.traces[0]);
        if (t.truncated) {
          expect(row2.includes(wrapper![0])).toBe(false);
          expect(d.text.startsWith(row2.split(' TRN*')[0]!)).toBe(true);
        } else expect(row2).toBe(d.text);
      } else {
        expect(t.truncated).toBeUndefined();
        expect(row2).toBe(d.text);
      }
    }
    // debits are negative in the CSV
    for (const d of bai.details.filter((x) => Number(x.type) >= 400)) {
      const rows = csvLines.slice(1).map(csvFields).filter((r) => r[1] === d.text && isoFromMmddyyyy(r[0]!) === d.date);
      expect(rows.some((r) => csvCents(r[2]!) === -d.amount)).toBe(true);
    }
  });

  it('renders 835s the project parses cleanly, every remittance balancing, TRN02 unique across the set', () => {
    expect(parsed400.diagnostics).toEqual([]);
    expect(parsed400.unbalanced).toEqual([]);
    const all = [...parsed400.byTrace.values()];
    expect(all).toHaveLength(400 + 8);
    expect(money(parsed400)).toHaveLength(400);
    expect(month400.files.map((f) => f.name)).toEqual([...month400.files.map((f) => f.name)].sort());
    for (const f of month400.files) for (const r of f.remittances) expect(r.date).toBe(f.remittances[0]!.date);
    for (const r of all) {
      const payer = BANK_SYNTH_PAYERS.find((p) => p.name === r.payer.name)!;
      expect(r.trace.payerId).toBe(payer.originator);
      expect(r.trace.payerId).toMatch(/^1\d{9}$/);
      expect(r.claims.length).toBeGreaterThanOrEqual(1);
      expect(r.claims.length).toBeLessThanOrEqual(4);
      if (r.payment.amount === 0) {
        expect([r.payment.handlingCode, r.payment.method]).toEqual(['H', 'NON']);
        continue;
      }
      expect(r.payment.amount).toBe(r.totals.claimPaid - r.totals.providerAdjustments);
      if (r.payment.method === 'CHK') expect(r.trace.number).toMatch(/^[1-9]\d{5,9}$/);
      else {
        expect(r.payment.method).toBe('ACH');
        expect(r.trace.number).toMatch(/^[1-9]\d{8,14}$/);
      }
      expect(r.payment.date).not.toBeNull();
      expect(isWeekday(dayNumber(r.payment.date!))).toBe(true);
    }
    // a check and an EFT render their BPR as the 835 has it: BPR16 is the date
    const text = renderFile(month400.files[0]!, 1);
    expect(text).toMatch(/BPR\*I\*[\d.]+\*C\*ACH\*CCP\*01\*011000015\*DA\*1\*1999999999\*\*01\*021000021\*DA\*2\*\d{8}~/);
    const checkFile = month400.files.find((f) => f.remittances.some((r) => r.method === 'CHK'))!;
    const bpr = /BPR\*I\*[\d.]+\*C\*CHK[^~]*/.exec(renderFile(checkFile, 1))![0].split('*');
    expect(bpr).toHaveLength(17);
    expect(bpr[16]).toBe(checkFile.remittances[0]!.date);
  });

  it('pays every money remittance once or lists it as never paid; deposits add up to the remittances they carry', () => {
    const seen = new Map<string, BankTruth>();
    for (const t of month400.truth) {
      for (const trace of t.traces) {
        expect(seen.has(trace), trace).toBe(false);
        seen.set(trace, t);
      }
      const sum = t.traces.reduce((s, trace) => s + parsed400.byTrace.get(trace)!.payment.amount, 0);
      if (t.kind === 'extra') expect(t.traces).toEqual([]);
      else if (t.mismatch === undefined) expect(t.amount).toBe(sum);
      else {
        expect(t.kind).toBe('eft');
        expect(t.mismatch).not.toBe(0);
        expect(t.amount - sum).toBe(t.mismatch);
        expect(t.truncated).toBeUndefined();
      }
      if (t.kind === 'eft') expect(t.traces).toHaveLength(1);
      if (t.kind === 'single_check') expect(t.traces).toHaveLength(1);
      if (t.kind === 'check_batch') {
        expect(t.traces.length).toBeGreaterThanOrEqual(2);
        expect(t.traces.length).toBeLessThanOrEqual(6);
      }
      for (const trace of t.traces) expect(parsed400.byTrace.get(trace)!.payment.method).toBe(t.kind === 'eft' ? 'ACH' : 'CHK');
    }
    for (const trace of month400.erasWithoutDeposit) {
      expect(seen.has(trace)).toBe(false);
      expect(parsed400.byTrace.get(trace)!.payment.amount).toBeGreaterThan(0);
    }
    const paid = new Set([...seen.keys(), ...month400.erasWithoutDeposit]);
    expect(paid.size).toBe(400);
    for (const r of money(parsed400)) expect(paid.has(r.trace.number)).toBe(true);
  });

  it('keeps every deposit inside the matcher windows', () => {
    for (const t of month400.truth) {
      const deposit = dayNumber(t.date);
      expect(isWeekday(deposit)).toBe(true);
      const dates = t.traces.map((trace) => dayNumber(parsed400.byTrace.get(trace)!.payment.date!));
      if (t.kind === 'eft') {
        const bd = businessDaysBetween(dates[0]!, deposit);
        expect(bd).toBeGreaterThanOrEqual(-1);
        expect(bd).toBeLessThanOrEqual(3);
      } else if (t.kind !== 'extra') {
        for (const d of dates) {
          expect(deposit - d).toBeGreaterThanOrEqual(0);
          expect(deposit - d).toBeLessThanOrEqual(15);
        }
        expect(deposit - Math.max(...dates)).toBeLessThanOrEqual(10);
      }
    }
  });

  it('gives an EFT amount to one remittance within its window, so an amount alone identifies it', () => {
    const remits = money(parsed400);
    for (const t of month400.truth.filter((x) => x.kind === 'eft' && x.mismatch === undefined)) {
      const deposit = dayNumber(t.date);
      const candidates = remits.filter((r) => {
        if (r.payment.amount !== t.amount) return false;
        const d = dayNumber(r.payment.date!);
        const bd = businessDaysBetween(d, deposit);
        return r.payment.method === 'ACH' ? bd >= -1 && bd <= 3 : deposit - d >= 0 && deposit - d <= 15;
      });
      expect(candidates.map((r) => r.trace.number)).toEqual(t.traces);
    }
    // no payer has two EFTs of one amount within 5 days
    const efts = remits.filter((r) => r.payment.method === 'ACH');
    const byKey = new Map<string, number[]>();
    for (const r of efts) {
      const key = `${r.payer.name}|${r.payment.amount}`;
      byKey.set(key, [...(byKey.get(key) ?? []), dayNumber(r.payment.date!)]);
    }
    for (const days of byKey.values()) for (const a of days) for (const b of days) if (a !== b) expect(Math.abs(a - b)).toBeGreaterThan(5);
    // mismatched deposits and extra credits carry no remittance's amount
    const amounts = new Set(remits.map((r) => r.payment.amount));
    for (const t of month400.truth) if (t.kind === 'extra' || t.mismatch !== undefined) expect(amounts.has(t.amount)).toBe(false);
  });

  it('produces the shares asked for (eras: 400)', () => {
    const remits = money(parsed400);
    const checks = remits.filter((r) => r.payment.method === 'CHK');
    expect(checks).toHaveLength(80);
    expect(month400.erasWithoutDeposit).toHaveLength(20);
    const kinds = (k: BankTruth['kind']) => month400.truth.filter((t) => t.kind === k);
    expect(kinds('extra')).toHaveLength(20);
    const efts = kinds('eft');
    expect(efts.length).toBeGreaterThan(290);
    expect(efts.filter((t) => t.mismatch !== undefined)).toHaveLength(Math.round(efts.length * 0.01));
    expect(efts.filter((t) => t.truncated)).toHaveLength(Math.round(efts.length * 0.2));
    expect([...parsed400.byTrace.values()].filter((r) => r.payment.amount === 0)).toHaveLength(8);
    // check deposits: batches of 1–6, mostly 2–4, several from two payers
    const batches = [...kinds('check_batch'), ...kinds('single_check')];
    const sizes = batches.map((t) => t.traces.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(checks.length - checks.filter((r) => month400.erasWithoutDeposit.includes(r.trace.number)).length);
    expect(sizes.filter((s) => s >= 2 && s <= 4).length / sizes.length).toBeGreaterThan(0.6);
    const payersPerBatch = batches.map((t) => new Set(t.traces.map((x) => parsed400.byTrace.get(x)!.payer.name)).size);
    expect(payersPerBatch.filter((p) => p === 2).length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...payersPerBatch)).toBeLessThanOrEqual(2);
    // payers: several, with their own trace formats; Medicare hardly ever pays by check
    const payerNames = new Set(remits.map((r) => r.payer.name));
    expect(payerNames.size).toBe(6);
    // ~10 % of remittances carry a WO recoupment, and still pay something
    const withPlb = remits.filter((r) => r.providerAdjustments.length > 0);
    expect(withPlb.length).toBeGreaterThan(20);
    expect(withPlb.length).toBeLessThan(70);
    for (const r of withPlb) {
      expect(r.providerAdjustments.map((a) => a.reasonCode)).toEqual(['WO']);
      expect(r.totals.providerAdjustments).toBeGreaterThan(0);
      expect(r.totals.claimPaid).toBeGreaterThan(r.totals.providerAdjustments);
    }
    // claim payments look real: $40–$4,000
    for (const r of remits) for (const c of r.claims) expect(c.paid >= 4000 && c.paid <= 400_000 + 1000).toBe(true);
  });

  it('makes each check batch findable: its checks are among the subsets of check remittances in its window that add up to it', () => {
    // a census for the matcher's author, not a promise: how often a batch's amount is also the sum of other
    // check remittances dated within its window (0…15 days before the deposit), with any 2–6 of them, or
    // with exactly as many as the batch holds (what "DEPOSIT n ITEMS" tells)
    const checks = money(parsed400).filter((r) => r.payment.method === 'CHK');
    const stats = { batches: 0, unique2to6: 0, uniqueSameSize: 0, singles: 0, singlesAmbiguous: 0, extras: 0, extrasEqualToSomeChecks: 0 };
    for (const t of month400.truth) {
      const deposit = dayNumber(t.date);
      const amounts = checks
        .filter((r) => {
          const d = dayNumber(r.payment.date!);
          return deposit - d >= 0 && deposit - d <= 15;
        })
        .map((r) => r.payment.amount)
        .sort((a, b) => a - b);
      const bySize = subsetsBySize(amounts, t.amount, 6);
      if (t.kind === 'check_batch') {
        const k = t.traces.length;
        expect(bySize[k]).toBeGreaterThanOrEqual(1);
        stats.batches++;
        if (bySize.slice(2).reduce((a, b) => a + b, 0) === 1) stats.unique2to6++;
        if (bySize[k] === 1) stats.uniqueSameSize++;
      } else if (t.kind === 'single_check') {
        stats.singles++;
        expect(bySize[1]).toBeGreaterThanOrEqual(1);
        if (bySize[1]! > 1) stats.singlesAmbiguous++;
      } else if (t.kind === 'extra') {
        stats.extras++;
        if (bySize.some((c) => c > 0)) stats.extrasEqualToSomeChecks++;
      }
    }
    console.log(`bank-synth seed 1, 400 ERAs: ${JSON.stringify(stats)}`);
    expect(stats.uniqueSameSize).toBeGreaterThan(stats.batches / 2);
  });

  it('writes the 835s, statement.bai and statement.csv; the library scan reads the 835s with no diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-bank-synth-'));
    dirs.push(dir);
    const paths = writeBankMonthFiles(dir, month400);
    expect(paths.eras).toHaveLength(month400.files.length);
    const result = await scan(paths.eras, { reports: ['payments'] });
    expect(result.diagnostics).toEqual([]);
    expect(result.stats.unbalancedRemittances).toBe(0);
    expect(result.reports.payments).toHaveLength(408);
  });

  it('scales: a year of 20,000 ERAs keeps the same promises', () => {
    const year = generateBankMonth({ seed: 7, eras: 20_000, month: '2024-01', days: 365, debits: 200 });
    const bai = readBai2(year.bai2);
    expect(bai.problems).toEqual([]);
    expect(bai.groups).toBeGreaterThan(250);
    const traces = new Map<string, { amount: number; method: string }>();
    for (const f of year.files)
      for (const r of f.remittances) {
        expect(traces.has(r.trace)).toBe(false);
        const amount = r.claims.reduce((s, c) => s + c.paid, 0) - r.plbs.reduce((s, p) => s + p.amount, 0);
        traces.set(r.trace, { amount, method: r.method ?? 'ACH' });
      }
    expect(traces.size).toBe(20_000 + 400);
    const byLine = new Map(bai.details.map((d) => [d.line, d]));
    let carried = 0;
    for (const t of year.truth) {
      expect(byLine.get(t.line)!.amount).toBe(t.amount);
      const sum = t.traces.reduce((s, x) => s + traces.get(x)!.amount, 0);
      if (t.kind !== 'extra') expect(t.amount - sum).toBe(t.mismatch ?? 0);
      carried += t.traces.length;
    }
    expect(carried + year.erasWithoutDeposit.length).toBe(20_000);
    // check numbers stay at their payer's length for a year of counting up
    for (const [trace, r] of traces) if (r.method === 'CHK') expect(trace).toMatch(/^[1-9]\d{5,9}$/);
  });
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** How many subsets of `sorted` (ascending, positive) add up to `target`, by size (index 1…max). */
function subsetsBySize(sorted: readonly number[], target: number, max: number): number[] {
  const bySize = new Array<number>(max + 1).fill(0);
  const walk = (start: number, size: number, left: number): void => {
    for (let i = start; i < sorted.length; i++) {
      const a = sorted[i]!;
      if (a > left) break; // ascending: nothing further fits
      if (a === left) {
        bySize[size + 1]!++;
        continue;
      }
      if (size + 1 < max) walk(i + 1, size + 1, left - a);
    }
  };
  walk(0, 0, target);
  return bySize;
}
