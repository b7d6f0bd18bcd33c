// When two remittances are the same one: the one rule the run (RepeatDetector: REMIT_DUPLICATE,
// REMIT_TRACE_REUSED) and the ledger (LEDGER_REMITTANCE_KNOWN) both use. Clearinghouses re-send ERAs; a re-sent ERA must not double
// a total, and a reissue under the same trace number must not be merged into the first silently.

import { type Diagnostic, makeDiagnostic } from '../diagnostics/diagnostics.js';
import type { Remittance } from '../remit/model.js';
import type { Cents } from '../remit/money.js';
import { paymentDate, payerId } from './build-rows.js';

/**
 * What names one payment: the payer, the check/EFT trace number (TRN02), the amount (BPR02) and the
 * payment date. Control numbers (ISA13, ST02) are left out on purpose: a re-sent file gets new ones.
 */
export interface RemittanceIdentity {
  payerKey: string;
  traceNumber: string;
  paid: Cents;
  paymentDate: string;
  /** TRN03, the payer's own company id in the trace: unlike payerKey, no config alias renames it. */
  tracePayerId?: string;
}

export function remittanceIdentity(r: Remittance): RemittanceIdentity {
  return { payerKey: payerId(r), traceNumber: r.trace.number, paid: r.payment.amount, paymentDate: paymentDate(r), tracePayerId: r.trace.payerId };
}

/**
 * The ledger's form of samePayment: the payer is the same by its key, or — for what was recorded before a
 * config alias renamed the payer — by the TRN03 both traces carry.
 */
export function samePaymentRecorded(recorded: RemittanceIdentity, now: RemittanceIdentity): boolean {
  const payer = recorded.payerKey === now.payerKey || (now.tracePayerId !== undefined && now.tracePayerId !== '' && recorded.tracePayerId === now.tracePayerId);
  return payer && recorded.traceNumber === now.traceNumber && recorded.paid === now.paid && recorded.paymentDate === now.paymentDate;
}

/** Payer and trace number: remittances that share it are the same payment, a reissue or a correction. */
export function traceKey(id: RemittanceIdentity): string | null {
  // without a trace number nothing identifies the payment: never call two such remittances the same
  return id.traceNumber === '' ? null : `${id.payerKey}\u0000${id.traceNumber}`;
}

/** Same payer and trace, and the same amount and date: the same payment read again. */
export function samePayment(a: RemittanceIdentity, b: RemittanceIdentity): boolean {
  return a.payerKey === b.payerKey && a.traceNumber === b.traceNumber && a.paid === b.paid && a.paymentDate === b.paymentDate;
}

/** What a remittance holds, in a few numbers: two reads of the same ERA agree on all of them. */
export function contentFingerprint(r: Remittance): string {
  const t = r.totals;
  return [r.claimCount, t.claimCharge, t.claimPaid, t.providerAdjustments, r.providerAdjustments.length, r.segmentCount, r.payee.id].join('|');
}

/** A remittance already read in this run (REMIT_DUPLICATE names it). */
interface SeenRemittance {
  identity: RemittanceIdentity;
  file: string;
  segment: number;
  byteOffset: number;
  /** contentFingerprint plus the claim digest; set at its SE. */
  fingerprint: string | null;
}

/**
 * A claim as the repeat check sees it: the remittance's content digest up to and including this claim
 * (claimDigest over its claims in order from DIGEST_START; the scan's ClaimFacts carry it, made where the
 * claim is parsed).
 */
export interface ClaimKey {
  digest: number;
}

/** The content digest of a remittance's claims before its first. */
export const DIGEST_START = 0x811c9dc5;

/** The content digest after one more claim: its CLP01, CLP07, CLP03 and CLP04. */
export function claimDigest(digest: number, pcn: string, icn: string, charge: Cents, paid: Cents): number {
  const h = Math.imul(fnv(fnv(digest, pcn), icn) ^ (charge | 0), FNV_PRIME) >>> 0;
  return Math.imul(h ^ (paid | 0), FNV_PRIME) >>> 0;
}

/** What the scan does with a remittance at its SE. */
export type RepeatVerdict<C extends ClaimKey> =
  /** Count it; `replay` are claims held back while it looked like a repeat, to be counted first. */
  | { count: true; replay: C[] }
  /** A repeat of a payment already read: nothing of it is counted again (said as REMIT_DUPLICATE). */
  | { count: false };

/**
 * How many claims of a probable repeat are held until its SE shows whether its content is the same: enough
 * for any ERA a payer re-sends by hand; past it, a differing repeat is an error rather than memory growth
 * (held claims keep their input blocks alive: a 3.7 MB remittance beside a copy of it peaked at 35 MB).
 */
export const HOLD_CLAIMS = 20_000;

/**
 * Finds the remittances of a run that repeat one already read. Claims stream out before SE, so the
 * question is asked at a remittance's first claim, when its header (payer, TRN, BPR) is complete: a new
 * payment counts at once; the same payment again has its claims held until SE, where its content decides
 * — the same (or a copy cut short) is a re-send, other content a reissue, a correction or a payment split
 * over several transactions, counted. One remittance is read at a time, so its state lives in fields.
 */
export class RepeatDetector<C extends ClaimKey> {
  private readonly report: (d: Diagnostic) => void;
  /** Remittances read so far, by payer and trace number. */
  private readonly seen = new Map<string, SeenRemittance[]>();
  /** The same entries by payment (samePayment's four fields): a lookup, not a scan of every reissue of a trace. */
  private readonly byPayment = new Map<string, SeenRemittance[]>();
  /** The remittance being read, and what was decided for it at its first claim. */
  private current: Remittance | null = null;
  /** Its entry in `seen` when it is a new payment; null for a probable repeat (then `repeats` is set). */
  private entry: SeenRemittance | null = null;
  private repeats: SeenRemittance | null = null;
  private held: C[] = [];
  private overflow = false;
  private digest = 0;

  constructor(report: (d: Diagnostic) => void) {
    this.report = report;
  }

  /** At each claim: true when it counts now, false when it is held (its remittance looks like a repeat). */
  claim(c: C, r: Remittance): boolean {
    this.open(r);
    this.digest = c.digest;
    if (this.repeats === null) return true;
    if (this.overflow) return false;
    if (this.held.length < HOLD_CLAIMS) this.held.push(c);
    else {
      this.overflow = true;
      this.held = [];
    }
    return false;
  }

  /** At SE: whether the remittance counts. */
  end(r: Remittance): RepeatVerdict<C> {
    this.open(r);
    const fingerprint = this.fingerprint(r);
    const first = this.repeats;
    if (first === null) {
      if (this.entry !== null) this.entry.fingerprint = fingerprint;
      return { count: true, replay: [] };
    }
    const position = { file: r.file, segment: r.origin.segment, byteOffset: r.origin.byteOffset, segmentId: 'ST' };
    const reads = this.seen.get(traceKey(first.identity)!)!;
    const payments = this.byPayment.get(paymentKey(first.identity))!;
    // any earlier read with the same content: a check split over several ST is several remittances, and a
    // re-sent copy repeats each of them; a copy cut short (no SE) is never a distinct reissue
    const same = payments.find((e) => e.fingerprint === null || e.fingerprint === fingerprint);
    if (same !== undefined || !r.closed) {
      const at = placeOf(same ?? first);
      this.report(
        makeDiagnostic(
          'REMIT_DUPLICATE',
          same !== undefined
            ? `remittance ST ${r.transactionControl} (trace ${first.identity.traceNumber}) was already read at ${at}: a re-sent ERA, counted once`
            : `remittance ST ${r.transactionControl} (trace ${first.identity.traceNumber}) is cut short (no SE) and repeats the payment read at ${at}: not counted again`,
          position,
        ),
      );
      return { count: false };
    }
    if (this.overflow) {
      this.report(
        makeDiagnostic(
          'REMIT_DUPLICATE_DIFFERS',
          `remittance ST ${r.transactionControl} has the payer, trace ${first.identity.traceNumber}, amount and date of the one at ${placeOf(first)} but other claims, more than ${HOLD_CLAIMS} of them: only the first is in the reports — scan the two files separately`,
          position,
        ),
      );
      return { count: false };
    }
    this.report(
      makeDiagnostic(
        'REMIT_TRACE_REUSED',
        `remittance ST ${r.transactionControl} has the payer, trace ${first.identity.traceNumber}, amount and date of the one at ${placeOf(first)} but other claims or adjustments (a reissue, a correction, or a payment split over several remittances); both are counted`,
        position,
      ),
    );
    const entry = { identity: first.identity, file: r.file, segment: r.origin.segment, byteOffset: r.origin.byteOffset, fingerprint };
    reads.push(entry);
    payments.push(entry);
    const replay = this.held;
    this.repeats = null;
    this.held = [];
    return { count: true, replay };
  }

  /** What the remittance holds, for the ledger's settleRemittance: the fingerprint the run compares. */
  fingerprint(r: Remittance): string {
    return `${contentFingerprint(r)}|${r === this.current ? this.digest : 0}`;
  }

  /** The first sight of a remittance (its first claim, or its SE when it has none): a new payment or not. */
  private open(r: Remittance): void {
    if (r === this.current) return;
    this.current = r;
    this.entry = null;
    this.repeats = null;
    this.held = [];
    this.overflow = false;
    this.digest = DIGEST_START;
    const identity = remittanceIdentity(r);
    const key = traceKey(identity);
    if (key === null) return;
    const reads = this.seen.get(key) ?? [];
    const pkey = paymentKey(identity);
    this.repeats = this.byPayment.get(pkey)?.[0] ?? null;
    if (this.repeats !== null) return;
    const other = reads[0];
    if (other !== undefined) {
      this.report(
        makeDiagnostic(
          'REMIT_TRACE_REUSED',
          `remittance ST ${r.transactionControl} has the payer and trace number ${identity.traceNumber} of the one at ${placeOf(other)}, with another amount or date: a reissue or a correction; both are counted`,
          { file: r.file, segment: r.origin.segment, byteOffset: r.origin.byteOffset, segmentId: 'ST' },
        ),
      );
    }
    this.entry = { identity, file: r.file, segment: r.origin.segment, byteOffset: r.origin.byteOffset, fingerprint: null };
    reads.push(this.entry);
    this.seen.set(key, reads);
    this.byPayment.set(pkey, [this.entry]);
  }
}

/** samePayment as a key: two identities have the same key exactly when samePayment holds. */
function paymentKey(id: RemittanceIdentity): string {
  return JSON.stringify([id.payerKey, id.traceNumber, id.paid, id.paymentDate]);
}

function placeOf(e: SeenRemittance): string {
  return `${e.file} segment ${e.segment} (byte ${e.byteOffset})`;
}

const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of a string, continued from `h`, with a separator after it. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME) >>> 0;
  return Math.imul(h ^ 0xff, FNV_PRIME) >>> 0;
}
