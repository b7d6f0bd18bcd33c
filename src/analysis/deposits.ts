// Which bank deposit carries which remittance: the matching rules (trace number, amount and date, a batch
// of checks), in that order, each refusing to guess — a wrong match is worse than none, so a deposit with
// two possible answers is `ambiguous` and names them. Pure: bank lines and remittance facts in, matches out.
//
// Facts (835-domain.md §6; NACHA healthcare EFT / CAQH CORE 370 reassociation rule): a healthcare EFT is
// an ACH CCD+ credit whose addenda carries the 835's TRN segment `TRN*1*<TRN02>*<TRN03>\`; its amount is
// BPR02 and its effective date BPR16. Paper checks are deposited together, with no trace on the bank line.

import type { BankLine } from '../bank/model.js';
import { type Cents, formatCents } from '../remit/money.js';

/** What matching needs of one remittance (from the run, or from the ledger). */
export interface DepositRemittance {
  /** Unique within one matching call (run order, or the ledger's id). */
  key: number;
  file: string;
  payerName: string;
  payerId: string;
  /** TRN02: the check or EFT trace number. */
  traceNumber: string;
  /** TRN03: the originating company id (`1` + the payer's EIN), as the ACH addenda repeats it. */
  originator: string;
  /** BPR16 (else DTM*405), YYYY-MM-DD; null if the file has none. */
  paymentDate: string | null;
  /** BPR04: ACH, BOP, CHK, FWT, NON. */
  method: string;
  /** BPR02; null when it could not be read. */
  paid: Cents | null;
  /** Σ CLP04; null when a claim payment could not be read. */
  claimPayments: Cents | null;
  /** Σ PLB amounts (positive = withheld); null when one could not be read. */
  providerAdjustments: Cents | null;
  /** How many PLB adjustments the remittance carries. */
  offsets: number;
}

export type DepositStatus = 'matched' | 'amount_mismatch' | 'deposit_without_era' | 'era_without_deposit' | 'ambiguous' | 'other_credit' | 'debit';
export type DepositBasis = 'trace_number' | 'amount_date' | 'batch' | 'none';

export const DEPOSIT_STATUSES: readonly DepositStatus[] = ['matched', 'amount_mismatch', 'deposit_without_era', 'era_without_deposit', 'ambiguous', 'other_credit', 'debit'];

/** One row of the deposits report before formatting: a bank line (with what it carries), or a remittance no deposit carries. */
export interface DepositMatch {
  status: DepositStatus;
  basis: DepositBasis;
  /** The bank line; null for a remittance without a deposit. */
  line: BankLine | null;
  /** The remittances the deposit carries (matched, amount_mismatch), or the one that has no deposit. */
  remittances: DepositRemittance[];
  /** For an ambiguous deposit: the remittances it could carry. */
  possible: DepositRemittance[];
  /** For `ambiguous`: what it could be (remittances, sets of checks, or other deposits), each a readable label. */
  candidates: string[];
  /** Why, in a sentence, when the status alone does not say (ambiguous, a trace for an ERA not read, …). */
  note: string;
  /** For a remittance without a deposit: the first and last day (YYYY-MM-DD) its deposit could post on. */
  window?: readonly [string, string] | null;
}

export interface MatchOptions {
  /** EFT/ACH: deposit date − payment date, in business days (Monday–Friday; bank holidays are not known). Default [-1, 3]. */
  eftWindow?: readonly [number, number];
  /** Checks: deposit date − check date, in calendar days. Default [0, 15]. */
  checkWindow?: readonly [number, number];
  /** Most checks in one batch deposit. Default 6. */
  maxBatch?: number;
  /** Search steps allowed per batch deposit before it is called ambiguous (too many possible sets). Default 20,000. */
  batchBudget?: number;
  /** Most open checks in a deposit's window for a batch search; more is called ambiguous at once. Default 250. */
  maxBatchPool?: number;
}

/** How many deposits an ambiguous remittance's row names (the rest are counted). */
const CANDIDATES_NAMED = 5;

export const DEFAULT_EFT_WINDOW: readonly [number, number] = [-1, 3];
export const DEFAULT_CHECK_WINDOW: readonly [number, number] = [0, 15];

/** A remittance expects a deposit when it pays something (BPR02 > 0) and is not an EFT-free notification. */
export function expectsDeposit(r: DepositRemittance): boolean {
  return r.paid !== null && r.paid > 0 && r.method !== 'NON';
}

const isCheck = (r: DepositRemittance): boolean => r.method === 'CHK';

// ---- dates as day numbers (days since 1970-01-01, UTC); inputs are validated YYYY-MM-DD ----

function dayNumber(date: string): number {
  return Math.round(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000);
}

/** 1970-01-01 was a Thursday: day 0 → weekday 4 (0 = Sunday). */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;
const isBusinessDay = (day: number): boolean => weekday(day) !== 0 && weekday(day) !== 6;

/** The day `n` business days from `day` (n may be negative; n = 0 is `day` itself). */
function addBusinessDays(day: number, n: number): number {
  let d = day;
  let left = Math.abs(n);
  const step = n < 0 ? -1 : 1;
  while (left > 0) {
    d += step;
    if (isBusinessDay(d)) left--;
  }
  return d;
}

// ---- trace numbers in bank text ----

interface TraceHints {
  /**
   * Traces written whole in a `TRN*1*<trace>*…` wrapper, with the originator id when the wrapper has it
   * (`cut`: the text ends inside the originator, so only its start is known).
   */
  complete: { trace: string; originator: string; cut: boolean }[];
  /** A wrapper cut off inside the trace (`…TRN*1*12345` at the end of the text): the trace starts so. */
  prefix: string | null;
  /** Every other word of the text that could be a trace number. */
  words: string[];
  /** What kind of credit the line is, from its BAI2 type code and its words. */
  kind: CreditKind;
  /** "DEPOSIT 3 ITEMS": how many checks the bank says the deposit holds. */
  items: number | null;
  /** Numbers of 9 or 10 digits in the text: a company id (TRN03 / the ACH originator) may be among them. */
  ids: string[];
}

/**
 * What a bank credit can carry: `ach` (an EFT: HCCLAIMPMT, ACH, the TRN addenda, BAI2 ACH credit type
 * codes), `check` (a deposit of paper checks: BAI2 301 or the words DEPOSIT, CHECKS, ITEMS, LOCKBOX),
 * `not_payer` (card settlements, transfers between accounts, interest: never an insurance payment, so
 * never matched by amount), or `unknown` (either).
 */
export type CreditKind = 'ach' | 'check' | 'not_payer' | 'unknown';

/** BAI2 detail type codes of ACH credits (142 ACH credit received, 145 ACH concentration, 165 preauthorized ACH credit, 166 ACH settlement, 169 miscellaneous ACH credit). */
const ACH_TYPES = new Set(['142', '145', '165', '166', '169']);
/** BAI2 deposit type codes: 172 deposit correction, 173 bank-prepared deposit, 174 other deposit, 175 cash letter credit, 301 commercial deposit. */
const DEPOSIT_TYPES = new Set(['172', '173', '174', '175', '301']);
/** BAI2 147 bank card deposit: card settlements, never an insurance payment. */
const NOT_PAYER_TYPES = new Set(['147']);
/** The two marks only a healthcare EFT carries: the company entry description and the reassociation addenda. */
const HEALTHCARE_EFT = /HCCLAIMPMT|TRN\*1\*/i;
const NOT_PAYER = /\b(VISA|MASTERCARD|AMEX|AMERICAN EXPRESS|DISCOVER|MERCHANT|CARD|BANKCARD|BNKCD|SETTLEMENT|TRANSFER|XFER|ZELLE|VENMO|PAYPAL|INTEREST|PAYROLL|REFUND FROM|LOAN)\b/;
const ACH_WORDS = /\bACH\b|\bCCD\+?|\bEFT\b/;
const CHECK_WORDS = /\b(DEPOSIT|DEP|CHECKS?|CHKS?|ITEMS?|LOCKBOX|BRANCH|TELLER|MOBILE|REMOTE)\b/;
const ITEM_COUNT = /\b(\d{1,2})\s*(ITEMS?|CHECKS?|CHKS?)\b/;

/**
 * HCCLAIMPMT or the TRN addenda make a line a healthcare EFT whatever else it says; then words of card
 * settlements and transfers (before generic ACH words: a card processor's settlement is an ACH credit
 * too); then the BAI2 type code; then words of ACH credits and of deposits of checks.
 */
function creditKind(line: BankLine, text: string): CreditKind {
  const upper = text.toUpperCase();
  if (HEALTHCARE_EFT.test(upper)) return 'ach';
  if (NOT_PAYER.test(upper) || NOT_PAYER_TYPES.has(line.typeCode)) return 'not_payer';
  if (ACH_TYPES.has(line.typeCode)) return 'ach';
  if (DEPOSIT_TYPES.has(line.typeCode)) return 'check';
  if (ACH_WORDS.test(upper)) return 'ach';
  if (CHECK_WORDS.test(upper)) return 'check';
  return 'unknown';
}

const WRAPPER = /TRN\*1\*([^*\\\s]*)(\*([^*\\\s]*))?(\\)?/gi;
/** A bare word must be at least this long to be taken for a trace number (not a count, a day or a branch number). */
const MIN_BARE_TRACE = 6;

function traceHints(line: BankLine): TraceHints {
  const complete: TraceHints['complete'] = [];
  let prefix: string | null = null;
  const words: string[] = [];
  const ids: string[] = [];
  // each field on its own: a wrapper cut at the end of the description is cut, whatever field follows
  for (const text of [line.text, line.reference, line.customerReference]) {
    if (text === '') continue;
    for (const m of text.matchAll(WRAPPER)) {
      const trace = m[1]!.toUpperCase();
      if (trace === '') continue;
      const end = m.index + m[0].length;
      // whole when something follows the trace in the wrapper (`*` or `\`) or the text goes on after it
      if (m[2] !== undefined || m[4] !== undefined || end < text.length) complete.push({ trace, originator: m[3] ?? '', cut: m[4] === undefined && end === text.length });
      else prefix = trace;
    }
    for (const w of text.replace(WRAPPER, ' ').split(/[\s*\\,;:#|=()/]+/)) {
      if (w.length >= MIN_BARE_TRACE && /\d/.test(w)) words.push(w.toUpperCase());
      if (/^\d{9,10}$/.test(w)) ids.push(w);
    }
  }
  const items = ITEM_COUNT.exec(line.text.toUpperCase());
  return { complete, prefix, words, kind: creditKind(line, line.text), items: items ? Number(items[1]) : null, ids };
}

/** A company id without the leading `1` of "1 + EIN". */
const nineDigits = (id: string): string => (id.length === 10 && id.startsWith('1') ? id.slice(1) : id);

/** TRN03 as written in the addenda and in the 835 may differ by the leading `1` of "1 + EIN"; a cut one is compared by its start. */
function sameOriginator(a: string, b: string, cut = false): boolean {
  if (a === '' || b === '') return true;
  if (cut) return b.startsWith(a) || (b.length === 10 && b.startsWith('1') && b.slice(1).startsWith(a));
  const norm = (s: string): string => (s.length === 10 && s.startsWith('1') ? s.slice(1) : s);
  return a === b || norm(a) === norm(b);
}

/** A short label naming a remittance for the candidates list. */
export function remittanceLabel(r: DepositRemittance): string {
  return `${r.traceNumber} (${r.payerName || r.payerId || 'payer unknown'}, ${r.paymentDate ?? 'no date'}, ${r.paid === null ? 'amount unknown' : formatCents(r.paid)})`;
}

/** A short label naming a bank line for the candidates list. */
export function bankLineLabel(l: BankLine): string {
  return `${l.file} line ${l.line} (${l.date ?? 'no date'}, ${formatCents(l.amount)})`;
}

// ---- the matcher ----

interface Pending {
  line: BankLine;
  day: number | null;
  hints: TraceHints;
  result: DepositMatch | null;
  /** Decided by trace number (or by a trace for an ERA not read): later rules leave it alone. */
  final: boolean;
  /** The last batch search: its pool and answer, reused while no check of the pool is taken (rounds repeat). */
  batch?: { checksTaken: number; poolSize: number; found: BatchSearch };
}

/**
 * Matches bank credits to remittances. Returns one entry per bank line (credits and debits, in the order
 * given) followed by one per remittance that expects a deposit and has none, in payment-date order. A
 * remittance whose date window ends before the first statement date is not expected on these statements
 * and is left out; one whose window ends after the last is listed with a note (it may still arrive).
 */
export function matchDeposits(lines: readonly BankLine[], remittances: readonly DepositRemittance[], options: MatchOptions = {}): DepositMatch[] {
  const eftWindow = options.eftWindow ?? DEFAULT_EFT_WINDOW;
  const checkWindow = options.checkWindow ?? DEFAULT_CHECK_WINDOW;
  const maxBatch = options.maxBatch ?? 6;
  const budget = options.batchBudget ?? 20_000;
  const maxPool = options.maxBatchPool ?? 250;

  const expecting = remittances.filter(expectsDeposit);
  // traces are looked up among every remittance: one paying nothing, or whose BPR02 is unreadable, is still named
  const byTrace = new Map<string, DepositRemittance[]>();
  for (const r of remittances) push(byTrace, r.traceNumber.toUpperCase(), r);
  const taken = new Set<number>(); // remittance keys a deposit carries
  // remittances a deposit names by trace without being sure (two deposits, two remittances, an unreadable
  // amount): no other deposit takes them by amount, and they are listed as ambiguous
  const reserved = new Set<number>();
  const pending: (Pending | null)[] = lines.map((line) =>
    line.amount < 0 ? null : { line, day: line.date === null ? null : dayNumber(line.date), hints: traceHints(line), result: null, final: false },
  );
  const credits = pending.filter((p): p is Pending => p !== null);
  const windows = new Map<number, [number, number] | null>();
  for (const r of remittances) windows.set(r.key, dateWindow(r, eftWindow, checkWindow));
  // a check is never in an ACH credit, an EFT never in a deposit of checks
  const fitsKind = (p: Pending, r: DepositRemittance): boolean => (isCheck(r) ? p.hints.kind !== 'ach' : p.hints.kind !== 'check');
  const payingNothing = (r: DepositRemittance): boolean => r.paid === 0 || r.method === 'NON';

  // 1. the trace number in the bank text (and the same payer when the addenda names one)
  const claimedBy = new Map<number, Pending[]>();
  for (const p of credits) {
    const found = new Map<number, DepositRemittance>();
    let unknownTrace: string | null = null;
    for (const { trace, originator, cut } of p.hints.complete) {
      const hits = (byTrace.get(trace) ?? []).filter((r) => sameOriginator(originator, r.originator, cut));
      if (hits.length === 0) unknownTrace ??= trace;
      for (const r of hits) found.set(r.key, r);
    }
    // a wrapper cut right after a whole trace: that trace, when no other starts so
    if (p.hints.prefix !== null) {
      const exact = byTrace.get(p.hints.prefix) ?? [];
      if (exact.length > 0 && !expecting.some((r) => r.traceNumber.toUpperCase() !== p.hints.prefix && r.traceNumber.toUpperCase().startsWith(p.hints.prefix!))) {
        for (const r of exact) found.set(r.key, r);
      }
    }
    // a bare word is a trace only without a whole wrapper naming another, in the remittance's date window,
    // for a line that can carry it, and when the amount agrees or the word is too long to be a coincidence
    if (p.hints.complete.length === 0 && p.day !== null) {
      for (const w of p.hints.words) {
        for (const r of byTrace.get(w) ?? []) {
          const win = windows.get(r.key);
          if (win == null || p.day < win[0] || p.day > win[1] || !fitsKind(p, r)) continue;
          if (r.paid === p.line.amount || w.length >= 8) found.set(r.key, r);
        }
      }
    }
    const named = [...found.values()];
    let hits = named.filter((r) => !payingNothing(r));
    if (hits.length > 1) {
      // one trace number on two remittances (a reissue): the one whose amount is the deposit's, if only one is
      const exact = hits.filter((r) => r.paid === p.line.amount);
      if (exact.length === 1) hits = exact;
    }
    if (hits.length === 1 && hits[0]!.paid !== null) {
      push(claimedBy, hits[0]!.key, p);
      const r = hits[0]!;
      p.result = { status: r.paid === p.line.amount ? 'matched' : 'amount_mismatch', basis: 'trace_number', line: p.line, remittances: [r], possible: [], candidates: [], note: '' };
      p.final = true;
    } else if (hits.length === 1) {
      // its ERA is found, but what it paid could not be read: neither matched nor a mismatch
      const r = hits[0]!;
      reserved.add(r.key);
      p.result = ambiguous(p.line, [r], [remittanceLabel(r)], `its trace number names ${r.traceNumber}, whose amount (BPR02) could not be read: the difference is unknown`);
      p.final = true;
    } else if (hits.length > 1) {
      for (const r of hits) reserved.add(r.key);
      p.result = ambiguous(p.line, hits, hits.map(remittanceLabel), 'its trace number is on more than one remittance');
      p.final = true;
    } else if (named.length > 0) {
      p.result = { status: 'deposit_without_era', basis: 'none', line: p.line, remittances: [], possible: [], candidates: [], note: `carries trace number ${named[0]!.traceNumber}, whose remittance pays nothing (BPR02 0.00)` };
      p.final = true;
    } else if (unknownTrace !== null) {
      // the addenda names an ERA not read: never matched to another ERA by its amount
      p.result = { status: 'deposit_without_era', basis: 'none', line: p.line, remittances: [], possible: [], candidates: [], note: `carries trace number ${unknownTrace}, which no remittance read has` };
      p.final = true;
    }
  }
  // one remittance claimed by two deposits by trace: neither is sure, and no other deposit takes it by amount
  for (const [key, claimants] of claimedBy) {
    if (claimants.length === 1) {
      taken.add(key);
      continue;
    }
    reserved.add(key);
    for (const p of claimants) {
      const r = p.result!.remittances[0]!;
      p.result = ambiguous(p.line, [r], claimants.filter((q) => q !== p).map((q) => bankLineLabel(q.line)), `another deposit carries the same trace number ${r.traceNumber}`);
    }
  }

  // 2 and 3, repeated while they make progress (each match shrinks the others' choices): the exact
  // amount of one remittance in its date window, then a set of checks that adds up to the deposit
  // a company id (TRN03, "1" + EIN) written in the text keeps only that payer's remittances
  const originators = new Set<string>();
  for (const r of expecting) if (r.originator !== '') originators.add(nineDigits(r.originator));
  const fitsPayer = (p: Pending, r: DepositRemittance): boolean => {
    const named = p.hints.ids.map(nineDigits).filter((id) => originators.has(id));
    return named.length === 0 || named.includes(nineDigits(r.originator));
  };
  const inWindow = (r: DepositRemittance, day: number): boolean => {
    const w = windows.get(r.key);
    return w !== null && w !== undefined && day >= w[0] && day <= w[1];
  };
  const fitsPrefix = (p: Pending, r: DepositRemittance): boolean => p.hints.prefix === null || r.traceNumber.toUpperCase().startsWith(p.hints.prefix);
  const byAmount = new Map<Cents, DepositRemittance[]>();
  for (const r of expecting) push(byAmount, r.paid!, r);
  const checks = expecting.filter((r) => isCheck(r) && r.paymentDate !== null).sort((a, b) => (a.paymentDate! < b.paymentDate! ? -1 : a.paymentDate! > b.paymentDate! ? 1 : a.key - b.key));
  const checkDays = checks.map((r) => dayNumber(r.paymentDate!));

  /** How many checks deposits carry so far: a batch search is redone only when it has changed. */
  let checksTaken = 0;
  let progress = true;
  while (progress) {
    progress = false;
    const open = credits.filter((p) => !p.final && (p.result === null || p.result.status === 'ambiguous'));
    for (const p of open) p.result = null;
    // rule 2
    const amountCandidates = new Map<Pending, DepositRemittance[]>();
    const wantedBy = new Map<number, Pending[]>();
    for (const p of open) {
      if (p.day === null) continue;
      // not insurance money; or the bank counted several checks in it
      if (p.hints.kind === 'not_payer' || (p.hints.items !== null && p.hints.items !== 1)) continue;
      const list = (byAmount.get(p.line.amount) ?? []).filter((r) => !taken.has(r.key) && !reserved.has(r.key) && inWindow(r, p.day!) && fitsPrefix(p, r) && fitsKind(p, r) && fitsPayer(p, r));
      if (list.length === 0) continue;
      amountCandidates.set(p, list);
      for (const r of list) push(wantedBy, r.key, p);
    }
    for (const [p, list] of amountCandidates) {
      if (list.length === 1 && wantedBy.get(list[0]!.key)!.length === 1) {
        const r = list[0]!;
        taken.add(r.key);
        if (isCheck(r)) checksTaken++;
        p.result = { status: 'matched', basis: 'amount_date', line: p.line, remittances: [r], possible: [], candidates: [], note: '' };
        progress = true;
      } else if (list.length > 1) {
        p.result = ambiguous(p.line, list, list.map(remittanceLabel), `${list.length} remittances of this amount fall in its date window`);
      } else {
        const rivals = wantedBy.get(list[0]!.key)!.filter((q) => q !== p);
        p.result = ambiguous(p.line, list, [remittanceLabel(list[0]!)], `another deposit of this amount could carry the same remittance: ${rivals.map((q) => bankLineLabel(q.line)).join(', ')}`);
      }
    }
    if (progress) continue;
    // rule 3, for deposits no single remittance fits
    const sets = new Map<Pending, DepositRemittance[]>();
    const inSets = new Map<number, Pending[]>();
    for (const p of open) {
      if (p.day === null || amountCandidates.has(p) || p.hints.kind === 'ach' || p.hints.kind === 'not_payer') continue;
      // the last search holds while no check has been taken since (each round takes some, or stops)
      if (!p.batch || p.batch.checksTaken !== checksTaken) {
        let poolSize = 0;
        const from = lowerBound(checkDays, p.day - checkWindow[1]);
        const inRange = (i: number): boolean => i < checks.length && checkDays[i]! <= p.day! - checkWindow[0];
        const open = (r: DepositRemittance): boolean => !taken.has(r.key) && !reserved.has(r.key) && r.paid! < p.line.amount;
        for (let i = from; inRange(i); i++) if (open(checks[i]!)) poolSize++;
        // "DEPOSIT 3 ITEMS": the bank counted the checks, so only sets of that size
        const items = p.hints.items;
        let found: BatchSearch;
        if (items !== null && (items < 2 || items > maxBatch)) found = { kind: 'none' };
        // more checks than a search can tell apart: sets of their amounts coincide (and searching costs)
        else if (poolSize > maxPool) found = { kind: 'gave_up' };
        else {
          const pool: DepositRemittance[] = [];
          for (let i = from; inRange(i); i++) if (open(checks[i]!)) pool.push(checks[i]!);
          found = findBatches(pool, p.line.amount, maxBatch, budget, items ?? undefined);
        }
        p.batch = { checksTaken, poolSize, found };
      }
      const { found, poolSize } = p.batch;
      if (found.kind === 'one') {
        sets.set(p, found.set);
        for (const r of found.set) push(inSets, r.key, p);
      } else if (found.kind === 'many') {
        // every open check of its window may be in it (a third set is not looked for): see unresolvedBatches
        p.result = ambiguous(p.line, [], found.sets.map((set) => set.map((r) => r.traceNumber).join(' + ')), 'more than one set of checks in its date window adds up to its amount');
      } else if (found.kind === 'gave_up') {
        p.result = ambiguous(p.line, [], [], `too many checks in its date window (${poolSize}) to find the one set that adds up to its amount`);
      }
    }
    for (const [p, set] of sets) {
      // rivals: another deposit whose only set shares a check, or one that wants a check of the set by its amount
      const rivals = new Set<Pending>();
      for (const r of set) for (const q of [...inSets.get(r.key)!, ...(wantedBy.get(r.key) ?? [])]) if (q !== p) rivals.add(q);
      if (rivals.size > 0) {
        p.result = ambiguous(p.line, set, [set.map((r) => r.traceNumber).join(' + ')], `its only set of checks shares a check with the set of ${[...rivals].map((q) => bankLineLabel(q.line)).join(', ')}`);
        continue;
      }
      for (const r of set) taken.add(r.key);
      checksTaken += set.length;
      p.result = { status: 'matched', basis: 'batch', line: p.line, remittances: [...set].sort((a, b) => a.key - b.key), possible: [], candidates: [], note: '' };
      progress = true;
    }
  }

  const out: DepositMatch[] = pending.map((p, i) => {
    if (p === null) return { status: 'debit', basis: 'none', line: lines[i]!, remittances: [], possible: [], candidates: [], note: '' };
    // a card settlement, a transfer, interest: money in, but no insurance payment to look for
    if (p.result === null && p.hints.kind === 'not_payer') return (p.result = { status: 'other_credit', basis: 'none', line: p.line, remittances: [], possible: [], candidates: [], note: 'not an insurance payment (card settlement, transfer or interest)' });
    return (p.result ??= { status: 'deposit_without_era', basis: 'none', line: p.line, remittances: [], possible: [], candidates: [], note: '' });
  });

  // remittances that expect money no deposit carries: a candidate of an ambiguous deposit, or missing
  const maybeIn = new Map<number, BankLine[]>();
  for (const p of credits) if (p.result!.status === 'ambiguous') for (const r of p.result!.possible) push(maybeIn, r.key, p.line);
  // deposits of checks left ambiguous: any open check of their window may be in one (found by day, not listed per deposit)
  const unresolvedBatches = credits.filter((p) => p.result!.status === 'ambiguous' && p.batch !== undefined && p.result!.possible.length === 0).sort((a, b) => a.day! - b.day!);
  const batchDays = unresolvedBatches.map((p) => p.day!);
  const inBatchWindow = (r: DepositRemittance): BankLine[] => {
    if (!isCheck(r) || r.paymentDate === null) return [];
    const pay = dayNumber(r.paymentDate);
    const out: BankLine[] = [];
    for (let i = lowerBound(batchDays, pay + checkWindow[0]); i < batchDays.length && batchDays[i]! <= pay + checkWindow[1]; i++) {
      if (unresolvedBatches[i]!.line.amount > r.paid!) out.push(unresolvedBatches[i]!.line);
    }
    return out;
  };
  let first: number | null = null;
  let last: number | null = null;
  for (const l of lines) {
    if (l.date === null) continue;
    const d = dayNumber(l.date);
    if (first === null || d < first) first = d;
    if (last === null || d > last) last = d;
  }
  const missing = expecting
    .filter((r) => !taken.has(r.key))
    .sort((a, b) => ((a.paymentDate ?? '') < (b.paymentDate ?? '') ? -1 : (a.paymentDate ?? '') > (b.paymentDate ?? '') ? 1 : a.key - b.key));
  for (const r of missing) {
    const direct = maybeIn.get(r.key) ?? [];
    const batches = inBatchWindow(r);
    const maybe = batches.length === 0 ? direct : [...direct, ...batches.filter((l) => !direct.includes(l))];
    if (maybe.length > 0) {
      const w = windows.get(r.key) ?? null;
      const named = maybe.slice(0, CANDIDATES_NAMED).map(bankLineLabel);
      if (maybe.length > CANDIDATES_NAMED) named.push(`and ${maybe.length - CANDIDATES_NAMED} more`);
      out.push({ status: 'ambiguous', basis: 'none', line: null, remittances: [r], possible: [], candidates: named, note: maybe.length === 1 ? 'a deposit that could carry it could also carry others' : 'more than one deposit could carry it', window: w && [dateOf(w[0]), dateOf(w[1])] });
      continue;
    }
    const w = windows.get(r.key) ?? null;
    // not on these statements: its deposit was due before the first of them
    if (w !== null && first !== null && w[1] < first) continue;
    const note = w === null ? 'no payment date: cannot say when its deposit was due' : last !== null && w[1] > last ? `may still arrive: expected by ${dateOf(w[1])}, the statements read end ${dateOf(last)}` : `expected by ${dateOf(w[1])}`;
    out.push({ status: 'era_without_deposit', basis: 'none', line: null, remittances: [r], possible: [], candidates: [], note, window: w && [dateOf(w[0]), dateOf(w[1])] });
  }
  return out;
}

/** The days a remittance's deposit may post on, as day numbers; null without a payment date. */
function dateWindow(r: DepositRemittance, eftWindow: readonly [number, number], checkWindow: readonly [number, number]): [number, number] | null {
  if (r.paymentDate === null) return null;
  const pay = dayNumber(r.paymentDate);
  if (isCheck(r)) return [pay + checkWindow[0], pay + checkWindow[1]];
  return [addBusinessDays(pay, eftWindow[0]), addBusinessDays(pay, eftWindow[1])];
}

function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Calendar days from payment to deposit (the largest, for a batch); null when a date is missing. */
export function daysToDeposit(m: DepositMatch): number | null {
  if (m.line?.date == null || m.remittances.length === 0) return null;
  let most: number | null = null;
  for (const r of m.remittances) {
    if (r.paymentDate === null) return null;
    const d = dayNumber(m.line.date) - dayNumber(r.paymentDate);
    if (most === null || d > most) most = d;
  }
  return most;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function ambiguous(line: BankLine, possible: DepositRemittance[], candidates: string[], note: string): DepositMatch {
  return { status: 'ambiguous', basis: 'none', line, remittances: [], possible, candidates, note };
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type BatchSearch = { kind: 'none' } | { kind: 'one'; set: DepositRemittance[] } | { kind: 'many'; sets: DepositRemittance[][] } | { kind: 'gave_up' };

/**
 * Sets of 2…maxBatch checks from `pool` whose amounts add up to `target` exactly: none, exactly one, or
 * more than one (the first two found are returned). Depth-first over the checks in ascending amount, the
 * last check of a set found by binary search; stops after `budget` steps (then the answer is not known).
 * `size` asks for sets of exactly that many checks.
 */
export function findBatches(pool: readonly DepositRemittance[], target: Cents, maxBatch: number, budget: number, size?: number): BatchSearch {
  const n = pool.length;
  if (n < 2) return { kind: 'none' };
  const items = [...pool].sort((a, b) => a.paid! - b.paid! || a.key - b.key);
  const amounts = new Float64Array(n);
  for (let i = 0; i < n; i++) amounts[i] = items[i]!.paid!;
  const found: number[][] = [];
  const chosen: number[] = [];
  let steps = 0;
  let gaveUp = false;
  /** The first index ≥ from whose amount is ≥ value. */
  const firstAtLeast = (from: number, value: number): number => {
    let lo = from;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (amounts[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const search = (start: number, remaining: Cents, left: number): void => {
    if (++steps > budget) {
      gaveUp = true;
      return;
    }
    if (left === 1) {
      for (let i = firstAtLeast(start, remaining); i < n && amounts[i] === remaining; i++) {
        found.push([...chosen, i]);
        if (found.length >= 2) return;
      }
      return;
    }
    // the left-1 largest amounts: with this one first, the most a set can reach
    let largest = 0;
    for (let k = 0; k < left - 1; k++) largest += amounts[n - 1 - k]!;
    for (let i = start; i <= n - left; i++) {
      const a = amounts[i]!;
      // ascending amounts: this and the next left-1 are the least a set starting here can be
      let least = a;
      for (let k = 1; k < left; k++) least += amounts[i + k]!;
      if (least > remaining) return;
      if (a + largest < remaining) continue;
      chosen.push(i);
      search(i + 1, remaining - a, left - 1);
      chosen.pop();
      if (found.length >= 2 || gaveUp) return;
    }
  };
  for (let k = size ?? 2; k <= Math.min(size ?? maxBatch, n); k++) {
    search(0, target, k);
    if (found.length >= 2 || gaveUp) break;
  }
  if (found.length >= 2) return { kind: 'many', sets: found.map((set) => set.map((i) => items[i]!)) };
  if (gaveUp) return { kind: 'gave_up' };
  if (found.length === 1) return { kind: 'one', set: found[0]!.map((i) => items[i]!) };
  return { kind: 'none' };
}

/**
 * When two bank lines are the same transaction (a statement read twice, a daily and a monthly statement
 * that overlap): the same account, date, amount and bank reference. Lines without a bank reference have
 * no identity — two deposits of one amount on one day are common — and are never folded together.
 */
export function bankLineIdentity(l: BankLine): string | null {
  // references that name nothing: empty, all zeros, NONREF
  if (l.date === null || /^0*$/.test(l.reference) || /^(NONREF|NONE|N\/?A)$/i.test(l.reference)) return null;
  return `${l.account}\u0000${l.date}\u0000${l.amount}\u0000${l.reference}`;
}
