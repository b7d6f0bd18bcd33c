// Synthetic ERA sets with ground truth, for the linking accuracy test (issue #4) and the benchmark
// (issue #6). Deterministic for a seed. Every remittance balances; every PLB pair carries the link a
// correct tool must find (a claim, a remittance, or none). Patient names are invented.

import { formatCents, type Cents } from '../../src/remit/money.js';

export interface SynthClaim {
  pcn: string;
  status: string;
  charge: Cents;
  paid: Cents;
  icn: string;
  originalReference?: string;
  last: string;
  first: string;
  member: string;
  interest?: Cents;
  serviceDate: string;
}

export interface SynthPlb {
  code: string;
  reference: string | null;
  amount: Cents;
  /** What a correct link is: a claim (pcn/icn of its original payment), a remittance trace, or nothing. */
  expect: { pcn: string; icn: string } | { trace: string } | null;
}

export interface SynthRemittance {
  payerName: string;
  payerId: string;
  trace: string;
  date: string;
  claims: SynthClaim[];
  plbs: SynthPlb[];
  /** BPR04 payment method: ACH (the default, an EFT) or CHK (a paper check: no bank accounts, BPR16 the check date). */
  method?: 'ACH' | 'CHK';
  /** TRN03 originating company id; default `1` + payerId. */
  originator?: string;
}

export interface SynthFile {
  name: string;
  remittances: SynthRemittance[];
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LAST = ['SMITH', 'JOHNSON', 'LEE', 'GARCIA', 'BROWN', 'NGUYEN', 'PATEL', 'KIM', 'LOPEZ', 'MILLER', 'DAVIS', 'WILSON'];
const FIRST = ['ANA', 'BEN', 'CARA', 'DAN', 'EVE', 'FAY', 'GUS', 'HAL', 'IDA', 'JO', 'KAI', 'LIV'];
const PROCS = ['99212', '99213', '99214', '99215', '93000', '85025', '97110'];

/** Part `i` of `n` of an amount in cents; the parts add up to the whole exactly. */
function share(total: Cents, n: number, i: number): Cents {
  const part = Math.trunc(total / n);
  return i === n - 1 ? total - part * (n - 1) : part;
}

/** Renders one file as X12 text; BPR02 = Σ CLP04 − Σ PLB, so every remittance balances. */
export function renderFile(file: SynthFile, control: number): string {
  const seg: string[] = [];
  const ctl = String(control).padStart(9, '0');
  const d6 = (file.remittances[0]?.date ?? '20240101').slice(2);
  seg.push(`ISA*00*          *00*          *ZZ*${'SYNTHPAYER'.padEnd(15)}*ZZ*${'SYNTHCLINIC'.padEnd(15)}*${d6}*1200*^*00501*${ctl}*0*P*:`);
  seg.push(`GS*HP*SYNTHPAYER*SYNTHCLINIC*${file.remittances[0]?.date ?? '20240101'}*1200*${control}*X*005010X221A1`);
  file.remittances.forEach((r, i) => {
    const st = String(i + 1).padStart(4, '0');
    const body: string[] = [];
    const claimPaid = r.claims.reduce((t, c) => t + c.paid, 0);
    const plbTotal = r.plbs.reduce((t, p) => t + p.amount, 0);
    const amount = claimPaid - plbTotal;
    // BPR16 (the date) is the 16th element: after BPR04 a check leaves BPR05…BPR15 empty, like a zero payment
    if (amount === 0) body.push(`BPR*H*0*C*NON************${r.date}`);
    else if (r.method === 'CHK') body.push(`BPR*I*${formatCents(amount)}*C*CHK************${r.date}`);
    else body.push(`BPR*I*${formatCents(amount)}*C*ACH*CCP*01*011000015*DA*1*1999999999**01*021000021*DA*2*${r.date}`);
    body.push(`TRN*1*${r.trace}*${r.originator ?? `1${r.payerId}`}`);
    body.push(`DTM*405*${r.date}`);
    body.push(`N1*PR*${r.payerName}*XV*${r.payerId}`);
    body.push('N1*PE*SYNTH CLINIC*XX*1234567893');
    if (r.claims.length > 0) body.push('LX*1');
    for (const c of r.claims) {
      body.push(`CLP*${c.pcn}*${c.status}*${formatCents(c.charge)}*${formatCents(c.paid)}*0*12*${c.icn}*11*1`);
      body.push(`NM1*QC*1*${c.last}*${c.first}****MI*${c.member}`);
      if (c.originalReference) body.push(`REF*F8*${c.originalReference}`);
      if (c.interest) body.push(`AMT*I*${formatCents(c.interest)}`);
      body.push(`DTM*232*${c.serviceDate}`);
      // one to three service lines, as real ERAs have; the amounts split so that each line balances
      const digits = Number(c.pcn.replace(/\D/g, '').slice(-4)) || 0;
      const lines = 1 + (digits % 3);
      for (let l = 0; l < lines; l++) {
        const charge = share(c.charge, lines, l);
        const paid = share(c.paid, lines, l);
        body.push(`SVC*HC:${PROCS[(digits + l) % PROCS.length]}*${formatCents(charge)}*${formatCents(paid)}**1`);
        body.push(`DTM*472*${c.serviceDate}`);
        const cas = charge - paid;
        const patientShare = cas > 0 && l % 2 === 0 ? Math.trunc((cas * 3) / 10) : 0;
        if (cas - patientShare !== 0) body.push(`CAS*CO*45*${formatCents(cas - patientShare)}`);
        if (patientShare !== 0) body.push(`CAS*PR*2*${formatCents(patientShare)}`);
        body.push(`REF*6R*${c.pcn}L${l + 1}`);
        body.push(`AMT*B6*${formatCents(paid + patientShare)}`);
      }
    }
    for (let p = 0; p < r.plbs.length; p += 6) {
      const pairs = r.plbs.slice(p, p + 6).map((x) => `${x.reference === null ? x.code : `${x.code}:${x.reference}`}*${formatCents(x.amount)}`);
      body.push(`PLB*1234567893*${r.date.slice(0, 4)}1231*${pairs.join('*')}`);
    }
    seg.push(`ST*835*${st}`, ...body, `SE*${body.length + 2}*${st}`);
  });
  seg.push(`GE*${file.remittances.length}*${control}`, `IEA*1*${ctl}`);
  return seg.join('~\n') + '~\n';
}

export interface ScenarioSetOptions {
  seed: number;
  /** How many story lines (each spans several remittances and files). */
  stories: number;
  /** Plain paid claims per remittance, as background. */
  fillerClaims?: number;
  /**
   * Sets generated with different blocks never share a claim number, ICN or trace number, so many sets can
   * be concatenated into one large file (the benchmark). Block 0 (the default) is the historical numbering.
   * A block holds 10,000 claims, 10,000 corrections and 100 remittances.
   */
  idBlock?: number;
}

interface Payer {
  name: string;
  id: string;
}

const PAYERS: Payer[] = [
  { name: 'SYNTH COMMERCIAL', id: '900000001' },
  { name: 'SYNTH MEDICARE', id: '900000002' },
  { name: 'SYNTH MEDICAID', id: '900000003' },
];

/**
 * A multi-file set telling the stories the linker must handle (issue #4): reversal + correction with
 * WO−…WO+, Medicare FB−…WO+ with a 15-digit FCN, provider refunds 72−/WO+, letter-only WO with a foreign
 * FCN (unlinkable), net-negative checks with FB by trace number, affiliated-provider OB (unlinkable), and
 * L6 interest. Files are in date order; each story's events fall into different files.
 */
export function generateScenarioSet(options: ScenarioSetOptions): SynthFile[] {
  const rand = rng(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const cents = (lo: number, hi: number): Cents => Math.round(lo * 100 + rand() * (hi - lo) * 100);
  const block = options.idBlock ?? 0;
  if (block > 0 && options.stories * 3 + (options.fillerClaims ?? 0) * 15 > 10_000) throw new RangeError('idBlock: a block holds at most 10,000 claims');
  let pcnSeq = 1000 + block * 10_000;
  let icnSeq = 1 + block * 10_000;
  let traceSeq = 1 + block * 100;
  let correctionSeq = 500_000_000 + block * 10_000; // corrections get ICNs from their own range, never an original's
  const correctionIcn = (payer: Payer): string => (payer.id === '900000002' ? `2224${correctionSeq++}` : `${payer.id.slice(-2)}${correctionSeq++}`);
  const newClaim = (payer: Payer, paid: Cents, date: string): SynthClaim => {
    const charge = paid + cents(0, 80);
    const icnBody = String(icnSeq++).padStart(9, '0');
    return {
      pcn: `SYN${pcnSeq++}`,
      status: '1',
      charge,
      paid,
      icn: payer.id === '900000002' ? `2224${icnBody}` : `${payer.id.slice(-2)}${icnBody}`,
      last: pick(LAST),
      first: pick(FIRST),
      member: `M${Math.floor(rand() * 1e9)}`,
      serviceDate: date,
    };
  };
  const days = ['20240105', '20240205', '20240305', '20240405', '20240505'];
  // one remittance per payer per day; each day is a file
  const remits = new Map<string, SynthRemittance>();
  const remit = (payer: Payer, day: number): SynthRemittance => {
    const key = `${payer.id}|${day}`;
    let r = remits.get(key);
    if (!r) {
      r = { payerName: payer.name, payerId: payer.id, trace: `T${payer.id.slice(-1)}${String(traceSeq++).padStart(7, '0')}`, date: days[day]!, claims: [], plbs: [] };
      remits.set(key, r);
    }
    return r;
  };
  for (let s = 0; s < options.stories; s++) {
    const kind = s % 7;
    const payer = kind === 1 ? PAYERS[1]! : pick(PAYERS);
    const d0 = Math.floor(rand() * 2);
    const paid = cents(80, 900);
    const original = newClaim(payer, paid, days[d0]!);
    remit(payer, d0).claims.push(original);
    const target = { pcn: original.pcn, icn: original.icn };
    if (kind === 0) {
      // TR3 option 3: reversal + correction, WO− now with CLP07, WO+ later with the same reference
      const over = cents(10, Math.max(11, paid / 100 - 1));
      const r1 = remit(payer, d0 + 1);
      r1.claims.push({ ...original, status: '22', charge: -original.charge, paid: -original.paid });
      r1.claims.push({ ...original, charge: original.charge, paid: original.paid - over, icn: correctionIcn(payer), originalReference: original.icn });
      r1.plbs.push({ code: 'WO', reference: original.icn, amount: -over, expect: target });
      r1.claims.push(newClaim(payer, cents(200, 400), days[d0 + 1]!));
      const r2 = remit(payer, d0 + 3);
      r2.claims.push(newClaim(payer, cents(200, 400), days[d0 + 3]!));
      r2.plbs.push({ code: 'WO', reference: original.icn, amount: over, expect: target });
    } else if (kind === 1) {
      // Medicare: FB− with the 13-digit ICN padded to 19 + PCN; later WO+ with a 15-digit FCN + PCN (CR7499)
      const over = cents(10, Math.max(11, paid / 100 - 1));
      const r1 = remit(payer, d0 + 1);
      r1.claims.push({ ...original, status: '22', charge: -original.charge, paid: -original.paid });
      r1.claims.push({ ...original, paid: original.paid - over, icn: correctionIcn(payer), originalReference: original.icn });
      r1.claims.push(newClaim(payer, cents(200, 400), days[d0 + 1]!));
      r1.plbs.push({ code: 'FB', reference: `${original.icn.padEnd(19)}${original.pcn}`, amount: -over, expect: target });
      const r2 = remit(payer, d0 + 2);
      r2.claims.push(newClaim(payer, cents(200, 400), days[d0 + 2]!));
      r2.plbs.push({ code: 'WO', reference: `01${original.icn}`.padEnd(19) + original.pcn, amount: over, expect: target });
    } else if (kind === 2) {
      // provider mailed a refund: 72− acknowledges it, WO+ with the same reference
      const refund = cents(5, Math.max(6, paid / 100 - 1));
      const r1 = remit(payer, d0 + 2);
      r1.claims.push(newClaim(payer, cents(200, 400), days[d0 + 2]!));
      r1.plbs.push({ code: '72', reference: original.icn, amount: -refund, expect: target });
      r1.plbs.push({ code: 'WO', reference: original.icn, amount: refund, expect: target });
    } else if (kind === 3) {
      // letter-only WO with a foreign FCN: no claim of ours carries it
      const r1 = remit(payer, d0 + 2);
      r1.claims.push(newClaim(payer, cents(200, 400), days[d0 + 2]!));
      r1.plbs.push({ code: 'WO', reference: `75${String(Math.floor(rand() * 1e13)).padStart(13, '0')}`, amount: cents(5, 60), expect: null });
    } else if (kind === 4) {
      // reversal larger than the check: FB− by this check's TRN02, FB+ later with the same TRN02
      const r1 = remit(payer, d0 + 1);
      r1.claims.push({ ...original, status: '22', charge: -original.charge, paid: -original.paid });
      const net = r1.claims.reduce((t, c) => t + c.paid, 0) - r1.plbs.reduce((t, p) => t + p.amount, 0);
      if (net < 0) {
        r1.plbs.push({ code: 'FB', reference: r1.trace, amount: net, expect: { trace: r1.trace } });
        const r2 = remit(payer, d0 + 3);
        r2.claims.push(newClaim(payer, -net + cents(50, 300), days[d0 + 3]!));
        r2.plbs.push({ code: 'FB', reference: r1.trace, amount: -net, expect: { trace: r1.trace } });
      }
    } else if (kind === 5) {
      // offset for an affiliated provider's debt: references nothing of ours
      const r1 = remit(payer, d0 + 2);
      r1.claims.push(newClaim(payer, cents(300, 600), days[d0 + 2]!));
      r1.plbs.push({ code: 'OB', reference: `AFFIL${Math.floor(rand() * 1e6)}`, amount: cents(5, 80), expect: null });
    } else {
      // prompt-pay interest on a late claim: AMT*I and L6 with no reference
      const r1 = remit(payer, d0 + 1);
      const late = newClaim(payer, cents(100, 300), days[d0 + 1]!);
      late.interest = cents(1, 9);
      r1.claims.push(late);
      r1.plbs.push({ code: 'L6', reference: null, amount: -late.interest, expect: null });
    }
  }
  const filler = options.fillerClaims ?? 0;
  const files: SynthFile[] = [];
  days.forEach((day, i) => {
    const rs = PAYERS.map((p) => remits.get(`${p.id}|${i}`)).filter((r): r is SynthRemittance => r !== undefined);
    for (const r of rs) for (let f = 0; f < filler; f++) r.claims.push(newClaim(PAYERS.find((p) => p.id === r.payerId)!, cents(20, 500), day));
    // a remittance must not go negative: top up with a paid claim when a reversal outweighs it
    for (const r of rs) {
      const net = r.claims.reduce((t, c) => t + c.paid, 0) - r.plbs.reduce((t, p) => t + p.amount, 0);
      if (net < 0) r.claims.push(newClaim(PAYERS.find((p) => p.id === r.payerId)!, -net + 1000, day));
    }
    if (rs.length > 0) files.push({ name: `${day}-era.835`, remittances: rs });
  });
  return files;
}
