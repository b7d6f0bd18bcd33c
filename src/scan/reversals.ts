// Reversals and corrections as claims stream past: which correction follows which reversal in one
// remittance, and which earlier payment a reversal takes back (835-domain.md §4).

import { payerId } from '../analysis/build-rows.js';
import { type ClaimRef, type ClaimSource, MAX_CANDIDATES } from '../analysis/link.js';
import type { Claim, Remittance } from '../remit/model.js';

/**
 * A reversal (CLP02 = 22) is remembered for the rest of its remittance; a later claim with the same
 * CLP01 or CLP07 is its correction. REF*F8 on the correction names the original directly.
 */
export class ReversalPairer {
  private remittance: Remittance | null = null;
  private readonly byPcn = new Map<string, string>();
  private readonly byIcn = new Map<string, string>();

  /** The ICN a claim corrects ('' when it corrects nothing, or is itself a reversal). */
  corrects(c: Claim, r: Remittance): string {
    if (this.remittance !== r) {
      this.remittance = r;
      this.byPcn.clear();
      this.byIcn.clear();
    }
    if (c.statusCode === '22') {
      if (c.patientControlNumber) this.byPcn.set(c.patientControlNumber, c.payerClaimControlNumber);
      if (c.payerClaimControlNumber) this.byIcn.set(c.payerClaimControlNumber, c.payerClaimControlNumber);
      return '';
    }
    if (c.originalReference) return c.originalReference;
    return this.byIcn.get(c.payerClaimControlNumber) ?? this.byPcn.get(c.patientControlNumber) ?? '';
  }
}

/**
 * The payment a reversal (CLP02 = 22) takes back: the latest earlier non-reversal claim with the same
 * CLP07 (or the CLP07 its REF*F8 names), preferring the same payer. Null when it was not seen.
 */
export function reversedPayment(source: ClaimSource, c: { icn: string; originalReference: string }, r: Remittance): ClaimRef | null {
  const keys = [c.icn, c.originalReference].filter((k) => k !== '');
  const found = keys.flatMap((k) => source.claimsByIcn(k)).filter((x) => x.statusCode !== '22');
  if (found.length === 0 || found.length > MAX_CANDIDATES) return null; // too many payments to name one
  const same = found.filter((x) => x.payerKey === payerId(r));
  const pool = same.length > 0 ? same : found;
  return pool.reduce((a, b) => (a.seq >= b.seq ? a : b));
}
