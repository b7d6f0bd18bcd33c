// A synthetic month (or year) of ERAs and the bank statement that pays them, with ground truth, for the
// deposit matcher (bank line ↔ 835 remittance). Deterministic for a seed; linear in the size asked for
// (100,000 ERAs over a year take a few seconds).
//
// The story: several payers pay a clinic. Most pay by EFT (an ACH CCD+ credit, company entry description
// HCCLAIMPMT, addenda `TRN*1*<TRN02>*<TRN03>\`), which reaches the bank 0–2 business days after the
// payment date (BPR16), a few a day early. Some pay by paper check; the clinic deposits the checks in
// batches of 1–6 (one deposit line, no trace number on it), 0–10 days after the latest check of the batch
// and never more than 15 days after the earliest. Some money never arrives; the bank also shows credits no
// ERA explains (card settlements, transfers, EFTs for an ERA never received) and a few debits. The BAI2
// statement keeps the full addenda text; the CSV export cuts some EFT descriptions short.
//
// What the generator promises, so that the truth is knowable from the data (the matcher's rules):
// - TRN02 is unique across the whole set (every payer, EFTs, checks, zero payments, and the unknown traces
//   of extra EFTs), and never equals a payer's TRN03 or a bank reference.
// - An EFT remittance's BPR02 equals no other money remittance's BPR02 (any payer, either method) within
//   16 days, so an exact amount in the EFT window always names one remittance. Check remittances may
//   share amounts with each other (the matcher must cope), never with an EFT within 16 days.
// - Amount-mismatched EFT deposits and extra credits carry amounts no money remittance of the set has.
// - A mismatched EFT keeps its full description in the CSV (its trace is the only way to find it).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney, type Cents } from '../../src/remit/money.js';
import { renderFile, rng, type SynthClaim, type SynthFile, type SynthPlb, type SynthRemittance } from './synth.js';

export interface BankMonthOptions {
  seed: number;
  /** Remittances with money (BPR02 > 0). */
  eras: number;
  /** 'YYYY-MM': the first day of the span (default '2024-03'). Payment dates are business days of the span. */
  month?: string;
  /** Span in calendar days (default 30). */
  days?: number;
  /** Share of the money ERAs paid by check (default 0.2); the rest are EFTs. */
  checkShare?: number;
  /** Share of the money ERAs whose money never arrives (default 0.05). */
  missingDepositShare?: number;
  /** Bank credits with no ERA, as a share of `eras` (default 0.05): card settlements, transfers, EFTs for an ERA never received. */
  extraDepositShare?: number;
  /** Share of the EFT deposits whose CSV description is cut short so the TRN wrapper is lost (default 0.2). */
  truncatedShare?: number;
  /** Share of the EFT deposits whose amount differs from BPR02 (default 0.01). */
  mismatchShare?: number;
  /** Extra remittances with BPR02 = 0 (notifications, no deposit), as a share of `eras` (default 0.02). */
  zeroPayShare?: number;
  /** Debit lines: fees, checks the clinic wrote, ACH debits (default 10). */
  debits?: number;
}

export interface BankTruth {
  /** 1-based line of this credit's 16 record in the BAI2 text. */
  line: number;
  /** 1-based line of this credit in the CSV text (the header is line 1). */
  csvRow: number;
  /** The deposit amount (positive cents). */
  amount: Cents;
  /** The deposit (posting) date, YYYY-MM-DD. */
  date: string;
  /** TRN02 of every remittance this deposit carries ([] = a credit no ERA explains). */
  traces: string[];
  kind: 'eft' | 'check_batch' | 'single_check' | 'extra';
  /** Deposit − Σ BPR02, when the deposit was generated with an amount mismatch. */
  mismatch?: Cents;
  /** The CSV description lost the TRN wrapper (the BAI2 text keeps it). */
  truncated?: boolean;
}

export interface BankMonth {
  /** The 835s (render each with renderFile), one file per payment date, in date order. */
  files: SynthFile[];
  /** One BAI2 file: one 02 group per posting day, one account (03), valid 49/98/99 totals and counts. */
  bai2: string;
  /** The same credits and debits as a bank's CSV export (Date,Description,Amount,Reference), newest first. */
  csv: string;
  /** One per bank credit, in BAI2 order. */
  truth: BankTruth[];
  /** TRN02 of the money remittances whose money never arrives, in payment-date order. */
  erasWithoutDeposit: string[];
}

export interface BankSynthPayer {
  name: string;
  /** N1*PR N104 (XV). */
  id: string;
  /** TRN03: `1` + a 9-digit EIN. */
  originator: string;
  /** Length of this payer's EFT trace numbers (9–15). */
  eftDigits: number;
  /** Length of this payer's check numbers (6–10). */
  checkDigits: number;
  /** Share of the remittances. */
  share: number;
  /** Relative propensity to pay by check (Medicare hardly ever does; workers' comp and auto often do). */
  checkWeight: number;
  icnPrefix: string;
}

export const BANK_SYNTH_PAYERS: readonly BankSynthPayer[] = [
  { name: 'SYNTH COMMERCIAL', id: '900000001', originator: '1362739571', eftDigits: 15, checkDigits: 8, share: 0.28, checkWeight: 1, icnPrefix: '01' },
  { name: 'SYNTH MEDICARE', id: '900000002', originator: '1526004410', eftDigits: 10, checkDigits: 9, share: 0.24, checkWeight: 0.15, icnPrefix: '2224' },
  { name: 'SYNTH MEDICAID', id: '900000003', originator: '1746001208', eftDigits: 12, checkDigits: 7, share: 0.16, checkWeight: 0.6, icnPrefix: '03' },
  { name: 'SYNTH BLUE PLAN', id: '900000004', originator: '1231578930', eftDigits: 11, checkDigits: 10, share: 0.14, checkWeight: 0.8, icnPrefix: '04' },
  { name: 'SYNTH WORKERS COMP', id: '900000005', originator: '1942210587', eftDigits: 13, checkDigits: 6, share: 0.08, checkWeight: 4, icnPrefix: '05' },
  { name: 'SYNTH AUTO MUTUAL', id: '900000006', originator: '1581920374', eftDigits: 9, checkDigits: 8, share: 0.1, checkWeight: 2.5, icnPrefix: '06' },
];

/** The clinic's operating account (BAI2 03). */
export const BANK_SYNTH_ACCOUNT = '4000123456';

const SURNAMES = ['ADAMS', 'BAKER', 'CHEN', 'DIAZ', 'EVANS', 'FOSTER', 'GREEN', 'HUGHES', 'ITO', 'JAMES', 'KHAN', 'LOPEZ', 'MORRIS', 'NOVAK', 'ORTIZ', 'PRICE'];
const GIVEN = ['ALEX', 'BETH', 'CHRIS', 'DANA', 'ELLA', 'FINN', 'GRACE', 'HUGO', 'IRIS', 'JACK', 'KATE', 'LEO', 'MAYA', 'NOAH', 'OLGA', 'PAUL'];

/** Largest distance (days) at which two remittances' equal amounts could confuse a matcher's window. */
const AMOUNT_GUARD_DAYS = 16;
/** How far apart (calendar days) the checks of one deposit may be dated. */
const BATCH_SPAN_DAYS = 6;
/** Deposit batch sizes 1..6 (index = size): mostly 2–4. */
const BATCH_SIZE_WEIGHTS = [0, 0.12, 0.26, 0.28, 0.19, 0.1, 0.05];
/** Calendar days from the latest check to the deposit, 0..10: mostly soon. */
const DEPOSIT_DELAY_WEIGHTS = [10, 15, 15, 12, 10, 8, 8, 6, 6, 5, 5];
/** EFT arrival in business days after BPR16: −1, 0, 1, 2. */
const EFT_DELAY = [-1, 0, 1, 2];
const EFT_DELAY_WEIGHTS = [3, 45, 37, 15];

// ---------- days: integers since 1970-01-01 (UTC), Monday–Friday are business days ----------

const DAY_MS = 86_400_000;
const dayOf = (isoDate: string): number => Math.round(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
const isoCache = new Map<number, string>();
function isoOf(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}
const ccyymmdd = (day: number): string => isoOf(day).replace(/-/g, '');
const yymmdd = (day: number): string => ccyymmdd(day).slice(2);
const mmddyyyy = (day: number): string => {
  const s = isoOf(day);
  return `${s.slice(5, 7)}/${s.slice(8, 10)}/${s.slice(0, 4)}`;
};
/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;
const isBusinessDay = (day: number): boolean => {
  const w = weekday(day);
  return w !== 0 && w !== 6;
};
function addBusinessDays(day: number, n: number): number {
  let d = day;
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0; ) {
    d += step;
    if (isBusinessDay(d)) left--;
  }
  return d;
}

// ---------- the generator ----------

interface Era {
  remittance: SynthRemittance;
  payer: number;
  day: number;
  amount: Cents;
  check: boolean;
  missing: boolean;
}

interface BankItem {
  day: number;
  /** Signed: credit > 0, debit < 0. */
  amount: Cents;
  type: string;
  funds: string;
  text: string;
  /** Where the BAI2 text is split into 16 + 88 (the index of a space), or −1. */
  split: number;
  csvText: string;
  customerReference: string;
  /** The check number for a check the clinic wrote; otherwise the bank reference goes in the CSV. */
  csvReference: string | null;
  truth: BankTruth | null;
  order: number;
}

function share(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1 (got ${v})`);
  return v;
}

/** Generates the ERAs of a span and the bank statement (BAI2 and CSV) that pays them, with the truth. */
export function generateBankMonth(options: BankMonthOptions): BankMonth {
  const n = options.eras;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`eras must be a whole number ≥ 0 (got ${n})`);
  const month = options.month ?? '2024-03';
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`month must be YYYY-MM (got ${month})`);
  const spanDays = options.days ?? 30;
  if (!Number.isInteger(spanDays) || spanDays < 1) throw new RangeError(`days must be a whole number ≥ 1 (got ${spanDays})`);
  const checkShare = share('checkShare', options.checkShare, 0.2);
  const missingShare = share('missingDepositShare', options.missingDepositShare, 0.05);
  const extraShare = share('extraDepositShare', options.extraDepositShare, 0.05);
  const truncatedShare = share('truncatedShare', options.truncatedShare, 0.2);
  const mismatchShare = share('mismatchShare', options.mismatchShare, 0.01);
  const zeroShare = share('zeroPayShare', options.zeroPayShare, 0.02);
  const debitCount = options.debits ?? 10;
  if (!Number.isInteger(debitCount) || debitCount < 0) throw new RangeError(`debits must be a whole number ≥ 0 (got ${debitCount})`);

  const rand = rng(options.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const weighted = (weights: readonly number[]): number => {
    let total = 0;
    for (const w of weights) total += w;
    let x = rand() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  };
  /** Log-uniform cents between lo and hi dollars: many small amounts, a few large. */
  const logCents = (lo: number, hi: number): Cents => Math.round(Math.exp(Math.log(lo * 100) + rand() * (Math.log(hi * 100) - Math.log(lo * 100))));
  const digits = (len: number): string => {
    let s = String(1 + Math.floor(rand() * 9));
    while (s.length < len) s += String(Math.floor(rand() * 10));
    return s;
  };
  /** Every reference number handed out (traces, check numbers, originators): never given twice. */
  const usedNumbers = new Set<string>(BANK_SYNTH_PAYERS.map((p) => p.originator));
  const uniqueDigits = (len: number): string => {
    for (;;) {
      const s = digits(len);
      if (!usedNumbers.has(s)) {
        usedNumbers.add(s);
        return s;
      }
    }
  };

  const start = dayOf(`${month}-01`);
  const businessDays: number[] = [];
  for (let d = start; d < start + spanDays; d++) if (isBusinessDay(d)) businessDays.push(d);
  if (businessDays.length === 0) throw new RangeError(`the span ${month} + ${spanDays} days has no business day`);
  const payerShares = BANK_SYNTH_PAYERS.map((p) => p.share);

  // 1. who pays when, in date order; then which of them pay by check (exactly round(n × checkShare),
  //    chosen by weighted sampling without replacement so check-heavy payers get more)
  const draws: Array<{ payer: number; day: number; seq: number }> = [];
  for (let i = 0; i < n; i++) draws.push({ payer: weighted(payerShares), day: pick(businessDays), seq: i });
  draws.sort((a, b) => a.day - b.day || a.payer - b.payer || a.seq - b.seq);
  const isCheck = new Uint8Array(n);
  const checkCount = Math.round(n * checkShare);
  if (checkCount > 0) {
    const keys = draws.map((d, i) => ({ i, key: Math.log(rand()) / BANK_SYNTH_PAYERS[d.payer]!.checkWeight }));
    keys.sort((a, b) => b.key - a.key || a.i - b.i);
    for (let k = 0; k < checkCount; k++) isCheck[keys[k]!.i] = 1;
  }

  // 2. the remittances
  let pcnSeq = 1;
  let icnSeq = 1;
  const recentClaims: SynthClaim[][] = BANK_SYNTH_PAYERS.map(() => []);
  // each payer's checks count up from a number that leaves room for a year of checks (first digit 1–4)
  const nextCheck = BANK_SYNTH_PAYERS.map((p) => (1 + Math.floor(rand() * 4)) * 10 ** (p.checkDigits - 1) + Math.floor(rand() * 10 ** (p.checkDigits - 1)));
  const newClaim = (payer: number, paid: Cents, day: number, status: string): SynthClaim => {
    const p = BANK_SYNTH_PAYERS[payer]!;
    const charge = paid === 0 ? logCents(60, 900) : paid + Math.round(paid * (0.1 + rand() * 1.4));
    return {
      pcn: `PC${String(pcnSeq++).padStart(7, '0')}`,
      status,
      charge,
      paid,
      icn: `${p.icnPrefix}${String(icnSeq++).padStart(9, '0')}`,
      last: pick(SURNAMES),
      first: pick(GIVEN),
      member: `W${digits(9)}`,
      serviceDate: ccyymmdd(day - int(7, 60)),
    };
  };
  /** BPR02 amounts already used, with their day and method, to keep EFT amounts unambiguous. */
  const amountsSeen = new Map<Cents, number[]>(); // day * 2 + (eft ? 1 : 0)
  const allAmounts = new Set<Cents>();
  const amountConflicts = (amount: Cents, day: number, eft: boolean): boolean => {
    const seen = amountsSeen.get(amount);
    if (seen === undefined) return false;
    for (const code of seen) {
      const otherDay = code >> 1;
      if (Math.abs(otherDay - day) > AMOUNT_GUARD_DAYS) continue;
      if (eft || (code & 1) === 1) return true;
    }
    return false;
  };
  const eras: Era[] = [];
  for (let i = 0; i < n; i++) {
    const { payer, day } = draws[i]!;
    const p = BANK_SYNTH_PAYERS[payer]!;
    const check = isCheck[i] === 1;
    const claims: SynthClaim[] = [];
    const claimCount = 1 + weighted([0.4, 0.3, 0.2, 0.1]);
    for (let c = 0; c < claimCount; c++) claims.push(newClaim(payer, logCents(40, 4000), day, rand() < 0.08 ? '2' : '1'));
    const claimTotal = claims.reduce((t, c) => t + c.paid, 0);
    const plbs: SynthPlb[] = [];
    if (rand() < 0.1) {
      // a recoupment: WO withholds part of an earlier overpayment from this payment
      const earlier = recentClaims[payer]!;
      const target = earlier.length > 0 ? pick(earlier) : null;
      const base = target ? target.paid : claimTotal;
      const amount = Math.max(1, Math.min(Math.round(base * (0.1 + rand() * 0.9)), Math.round(claimTotal * 0.6)));
      plbs.push(
        target
          ? { code: 'WO', reference: target.icn, amount, expect: { pcn: target.pcn, icn: target.icn } }
          : { code: 'WO', reference: `${p.icnPrefix}9${digits(8)}`, amount, expect: null },
      );
    }
    let amount = claimTotal - plbs.reduce((t, x) => t + x.amount, 0);
    // one cent more on the first claim until the amount cannot be confused with another payment nearby
    while (amountConflicts(amount, day, !check)) {
      claims[0]!.paid++;
      claims[0]!.charge++;
      amount++;
    }
    let codes = amountsSeen.get(amount);
    if (codes === undefined) amountsSeen.set(amount, (codes = []));
    codes.push(day * 2 + (check ? 0 : 1));
    allAmounts.add(amount);
    let trace: string;
    if (check) {
      let num: number;
      do {
        num = nextCheck[payer]!;
        nextCheck[payer] = num + int(1, 12);
      } while (usedNumbers.has(String(num)));
      trace = String(num);
      usedNumbers.add(trace);
    } else trace = uniqueDigits(p.eftDigits);
    const remittance: SynthRemittance = { payerName: p.name, payerId: p.id, trace, date: ccyymmdd(day), claims, plbs, method: check ? 'CHK' : 'ACH', originator: p.originator };
    eras.push({ remittance, payer, day, amount, check, missing: false });
    const recent = recentClaims[payer]!;
    for (const c of claims) recent.push(c);
    if (recent.length > 400) recent.splice(0, recent.length - 200);
  }

  // 3. notifications with nothing to pay (BPR02 = 0): denied claims
  const zeroRemittances: Array<{ remittance: SynthRemittance; payer: number; day: number }> = [];
  const zeroCount = Math.round(n * zeroShare);
  for (let i = 0; i < zeroCount; i++) {
    const payer = weighted(payerShares);
    const p = BANK_SYNTH_PAYERS[payer]!;
    const day = pick(businessDays);
    const claims: SynthClaim[] = [];
    for (let c = 1 + weighted([0.7, 0.3]); c > 0; c--) claims.push(newClaim(payer, 0, day, '4'));
    zeroRemittances.push({ remittance: { payerName: p.name, payerId: p.id, trace: uniqueDigits(p.eftDigits), date: ccyymmdd(day), claims, plbs: [], originator: p.originator }, payer, day });
  }

  // 4. money that never arrives
  const sample = (count: number, from: number): number[] => {
    // partial Fisher–Yates: `count` distinct indexes of [0, from), in random order
    const idx = Array.from({ length: from }, (_, i) => i);
    const take = Math.min(count, from);
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(rand() * (from - i));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    return idx.slice(0, take);
  };
  for (const i of sample(Math.round(n * missingShare), n)) eras[i]!.missing = true;

  const items: BankItem[] = [];
  const item = (x: Omit<BankItem, 'order'>): void => {
    items.push({ ...x, order: rand() });
  };
  const freshAmount = (amount: Cents, step: Cents): Cents => {
    let a = amount;
    while (allAmounts.has(a)) a += step;
    return a;
  };
  const eftText = (p: BankSynthPayer, trace: string): { text: string; split: number } => {
    const head = `HCCLAIMPMT ${p.name}`;
    // some banks put the addenda in an 88 continuation; joined with one space it reads the same
    return { text: `${head} TRN*1*${trace}*${p.originator}\\`, split: rand() < 0.25 ? head.length : -1 };
  };
  const truncate = (p: BankSynthPayer, trace: string): string => {
    const head = `HCCLAIMPMT ${p.name}`;
    // the export's column is too narrow: either the trace is gone, or it stays bare with the wrapper cut
    if (rand() < 0.5) return head.slice(0, int(Math.min(18, head.length), head.length)).trimEnd();
    return `${head} TRN*1*${trace}*${p.originator.slice(0, int(0, 3))}`;
  };
  const eftType = (): string => ['165', '169', '174'][weighted([80, 15, 5])]!;

  // 5. EFT deposits
  const efts = eras.filter((e) => !e.check && !e.missing);
  const mismatched = new Set(sample(Math.round(efts.length * mismatchShare), efts.length));
  const clean = efts.map((_, i) => i).filter((i) => !mismatched.has(i));
  const truncated = new Set(sample(Math.min(clean.length, Math.round(efts.length * truncatedShare)), clean.length).map((k) => clean[k]!));
  efts.forEach((e, i) => {
    const p = BANK_SYNTH_PAYERS[e.payer]!;
    const day = addBusinessDays(e.day, EFT_DELAY[weighted(EFT_DELAY_WEIGHTS)]!);
    let amount = e.amount;
    const truth: BankTruth = { line: 0, csvRow: 0, amount, date: isoOf(day), traces: [e.remittance.trace], kind: 'eft' };
    if (mismatched.has(i)) {
      // a fee taken out, or a payment that was combined with something else
      const delta = rand() < 0.7 ? -int(25, Math.min(3500, Math.max(25, Math.floor(e.amount / 2)))) : int(100, 5000);
      amount = freshAmount(e.amount + delta, delta < 0 ? -1 : 1);
      if (amount <= 0) amount = freshAmount(e.amount + 1, 1);
      truth.amount = amount;
      truth.mismatch = amount - e.amount;
    }
    const { text, split } = eftText(p, e.remittance.trace);
    let csvText = text;
    if (truncated.has(i)) {
      csvText = truncate(p, e.remittance.trace);
      truth.truncated = true;
    }
    item({ day, amount, type: eftType(), funds: '0', text, split, csvText, customerReference: '', csvReference: null, truth });
  });

  // 6. check deposits: batches of 1–6 checks, mostly from one payer, some mixing two
  const checks = eras.filter((e) => e.check && !e.missing);
  const taken = new Uint8Array(checks.length);
  let head = 0;
  for (;;) {
    while (head < checks.length && taken[head] === 1) head++;
    if (head >= checks.length) break;
    const first = checks[head]!;
    taken[head] = 1;
    const batch = [first];
    const size = weighted(BATCH_SIZE_WEIGHTS);
    const mixed = rand() < 0.3;
    let second = -1;
    for (let j = head + 1; j < checks.length && batch.length < size && checks[j]!.day <= first.day + BATCH_SPAN_DAYS; j++) {
      if (taken[j] === 1) continue;
      const payer = checks[j]!.payer;
      if (payer !== first.payer) {
        if (!mixed) continue;
        if (second === -1) second = payer;
        else if (payer !== second) continue;
      }
      taken[j] = 1;
      batch.push(checks[j]!);
    }
    const latest = batch.reduce((m, c) => Math.max(m, c.day), first.day);
    let day = Math.min(latest + weighted(DEPOSIT_DELAY_WEIGHTS), first.day + 15);
    // banks post on business days: a weekend deposit posts on Monday, or on Friday when Monday is too late
    while (!isBusinessDay(day) && day < first.day + 15) day++;
    while (!isBusinessDay(day)) day--;
    const amount = batch.reduce((t, c) => t + c.amount, 0);
    const text = batch.length > 1 ? (rand() < 0.6 ? `DEPOSIT ${batch.length} ITEMS` : 'BRANCH DEPOSIT') : pick(['DEPOSIT 1 ITEM', 'BRANCH DEPOSIT', 'MOBILE DEPOSIT']);
    item({
      day,
      amount,
      type: '301',
      funds: '1',
      text,
      split: -1,
      csvText: text,
      customerReference: '',
      csvReference: null,
      truth: { line: 0, csvRow: 0, amount, date: isoOf(day), traces: batch.map((c) => c.remittance.trace), kind: batch.length > 1 ? 'check_batch' : 'single_check' },
    });
  }

  // 7. credits no ERA explains
  const extraCount = Math.round(n * extraShare);
  for (let i = 0; i < extraCount; i++) {
    const day = pick(businessDays);
    const kind = weighted([45, 20, 35]);
    if (kind === 0) {
      const amount = freshAmount(logCents(30, 2500), 1);
      const text = pick(['VISA SETTLEMENT', 'VISA SETTLEMENT', 'MC SETTLEMENT', 'AMEX SETTLEMENT']);
      item({ day, amount, type: '169', funds: '0', text, split: -1, csvText: text, customerReference: '', csvReference: null, truth: { line: 0, csvRow: 0, amount, date: isoOf(day), traces: [], kind: 'extra' } });
    } else if (kind === 1) {
      const amount = freshAmount(int(2, 50) * 50_000, 50_000);
      const text = 'TRANSFER FROM SAVINGS';
      item({ day, amount, type: '206', funds: 'Z', text, split: -1, csvText: text, customerReference: '', csvReference: null, truth: { line: 0, csvRow: 0, amount, date: isoOf(day), traces: [], kind: 'extra' } });
    } else {
      // an EFT whose ERA never came (sent to another clearinghouse, or still in the payer's queue)
      const p = BANK_SYNTH_PAYERS[weighted(payerShares)]!;
      const trace = uniqueDigits(p.eftDigits);
      const amount = freshAmount(logCents(40, 4000) + (rand() < 0.5 ? logCents(40, 4000) : 0), 1);
      const { text, split } = eftText(p, trace);
      const cut = rand() < truncatedShare;
      const truth: BankTruth = { line: 0, csvRow: 0, amount, date: isoOf(day), traces: [], kind: 'extra' };
      if (cut) truth.truncated = true;
      item({ day, amount, type: eftType(), funds: '0', text, split, csvText: cut ? truncate(p, trace) : text, customerReference: '', csvReference: null, truth });
    }
  }

  // 8. debits
  let checkWritten = 1001 + int(0, 400);
  for (let i = 0; i < debitCount; i++) {
    const day = pick(businessDays);
    const kind = weighted([40, 35, 25]);
    if (kind === 0) {
      const num = String(checkWritten);
      checkWritten += int(1, 3);
      item({ day, amount: -logCents(100, 5000), type: '475', funds: 'Z', text: `CHECK ${num}`, split: -1, csvText: `CHECK ${num}`, customerReference: num, csvReference: num, truth: null });
    } else if (kind === 1) {
      const text = pick(['ACCOUNT ANALYSIS FEE', 'SERVICE CHARGE', 'WIRE TRANSFER FEE']);
      item({ day, amount: -logCents(5, 150), type: '698', funds: 'Z', text, split: -1, csvText: text, customerReference: '', csvReference: null, truth: null });
    } else {
      const text = pick(['PAYROLL SERVICE DEBIT', 'IRS USATAXPYMT', 'MEDICAL SUPPLY CO ACH DEBIT']);
      item({ day, amount: -logCents(2000, 30000), type: '451', funds: 'Z', text, split: -1, csvText: text, customerReference: '', csvReference: null, truth: null });
    }
  }

  // 9. the statement: posting order; bank references count up in that order
  items.sort((a, b) => a.day - b.day || a.order - b.order);
  const bankRefs: string[] = [];
  let refSeq = 4_810_000_000_000_000 + int(0, 9_999_999) * 100;
  for (let i = 0; i < items.length; i++) {
    refSeq += int(1, 97);
    bankRefs.push(String(refSeq));
  }
  const bai2Lines: string[] = [];
  const lastDay = items.length > 0 ? items[items.length - 1]!.day : businessDays[businessDays.length - 1]!;
  bai2Lines.push(`01,021000021,SYNTHCLINIC,${yymmdd(lastDay + 1)},0600,1,,,2/`);
  let balance = 18_500_000 + int(0, 5_000_000);
  let fileTotal = 0;
  let groups = 0;
  for (let i = 0; i < items.length; ) {
    const day = items[i]!.day;
    let j = i;
    let creditTotal = 0;
    let debitTotal = 0;
    let creditItems = 0;
    let debitItems = 0;
    while (j < items.length && items[j]!.day === day) {
      const a = items[j]!.amount;
      if (a > 0) {
        creditTotal += a;
        creditItems++;
      } else {
        debitTotal -= a;
        debitItems++;
      }
      j++;
    }
    const opening = balance;
    balance += creditTotal - debitTotal;
    const groupStart = bai2Lines.length;
    bai2Lines.push(`02,SYNTHCLINIC,021000021,1,${yymmdd(day)},2400,USD,2/`);
    const accountStart = bai2Lines.length;
    // status: 010 opening and 015 closing ledger; summary: 100 total credits, 400 total debits (with counts)
    bai2Lines.push(`03,${BANK_SYNTH_ACCOUNT},USD,010,${opening},,,015,${balance},,,100,${creditTotal},${creditItems},,400,${debitTotal},${debitItems},/`);
    // the account control total is the sum of every amount in the 03 and 16 records
    let accountTotal = opening + balance + creditTotal + debitTotal;
    for (let k = i; k < j; k++) {
      const it = items[k]!;
      const amount = Math.abs(it.amount);
      accountTotal += amount;
      const lead = `16,${it.type},${amount},${it.funds},${bankRefs[k]!},${it.customerReference},`;
      if (it.truth) it.truth.line = bai2Lines.length + 1;
      // the text is the last field of a 16 record and runs to the end of the line (no '/')
      if (it.split >= 0) bai2Lines.push(lead + it.text.slice(0, it.split), `88,${it.text.slice(it.split + 1)}`);
      else bai2Lines.push(lead + it.text);
    }
    bai2Lines.push(`49,${accountTotal},${bai2Lines.length - accountStart + 1}/`);
    bai2Lines.push(`98,${accountTotal},1,${bai2Lines.length - groupStart + 1}/`);
    fileTotal += accountTotal;
    groups++;
    i = j;
  }
  bai2Lines.push(`99,${fileTotal},${groups},${bai2Lines.length + 1}/`);

  // the CSV export lists the newest first
  const csvLines = ['Date,Description,Amount,Reference'];
  for (let k = items.length - 1; k >= 0; k--) {
    const it = items[k]!;
    if (it.truth) it.truth.csvRow = csvLines.length + 1;
    const money = `${it.amount < 0 ? '-' : ''}$${formatMoney(Math.abs(it.amount))}`;
    csvLines.push(`${mmddyyyy(it.day)},"${it.csvText.replace(/"/g, '""')}","${money}",${it.csvReference ?? bankRefs[k]!}`);
  }

  // 10. the 835 files: one per payment date, payers in a fixed order
  const byDay = new Map<number, Array<{ remittance: SynthRemittance; payer: number }>>();
  for (const e of [...eras, ...zeroRemittances]) {
    let list = byDay.get(e.day);
    if (list === undefined) byDay.set(e.day, (list = []));
    list.push(e);
  }
  const files: SynthFile[] = [...byDay.keys()]
    .sort((a, b) => a - b)
    .map((day) => ({
      name: `${ccyymmdd(day)}-era.835`,
      remittances: byDay
        .get(day)!
        .sort((a, b) => a.payer - b.payer || (a.remittance.trace < b.remittance.trace ? -1 : a.remittance.trace > b.remittance.trace ? 1 : 0))
        .map((x) => x.remittance),
    }));

  return {
    files,
    bai2: bai2Lines.join('\n') + '\n',
    csv: csvLines.join('\n') + '\n',
    truth: items.filter((it) => it.truth !== null).map((it) => it.truth!),
    erasWithoutDeposit: eras.filter((e) => e.missing).map((e) => e.remittance.trace),
  };
}

/** Writes the 835s (renderFile, control numbers 1, 2, …), statement.bai and statement.csv into `dir`. */
export function writeBankMonthFiles(dir: string, month: BankMonth): { eras: string[]; bai2: string; csv: string } {
  mkdirSync(dir, { recursive: true });
  const eras = month.files.map((f, i) => {
    const path = join(dir, f.name);
    writeFileSync(path, renderFile(f, i + 1));
    return path;
  });
  const bai2 = join(dir, 'statement.bai');
  const csv = join(dir, 'statement.csv');
  writeFileSync(bai2, month.bai2);
  writeFileSync(csv, month.csv);
  return { eras, bai2, csv };
}
