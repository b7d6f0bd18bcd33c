// A plain in-memory ClaimStore for unit tests of the linking rules: every claim kept as an object.
// The scan itself uses the compact index (src/claim-index/) or the ledger (src/store/).

import { type ClaimRef, type ClaimStore, push, type RemittanceRef } from '../../src/analysis/link.js';

export class ClaimIndex implements ClaimStore {
  private seq = 0;
  private readonly byIcn = new Map<string, ClaimRef[]>();
  private readonly byPcn = new Map<string, ClaimRef[]>();
  private readonly byF8 = new Map<string, ClaimRef[]>();
  private readonly byTrace = new Map<string, RemittanceRef[]>();

  private readonly all: ClaimRef[] = [];

  addClaim(claim: Omit<ClaimRef, 'seq'>): void {
    const ref: ClaimRef = { ...claim, seq: this.seq++ };
    this.all.push(ref);
    push(this.byIcn, ref.icn, ref);
    push(this.byPcn, ref.pcn, ref);
    push(this.byF8, ref.originalReference, ref);
  }

  addRemittance(r: RemittanceRef): void {
    push(this.byTrace, r.traceNumber, r);
  }

  get claimCount(): number {
    return this.seq;
  }

  claimsByIcn(icn: string): ClaimRef[] {
    return this.byIcn.get(icn) ?? [];
  }
  claimsByPcn(pcn: string): ClaimRef[] {
    return this.byPcn.get(pcn) ?? [];
  }
  claimsByOriginalReference(reference: string): ClaimRef[] {
    return this.byF8.get(reference) ?? [];
  }
  remittancesByTrace(trace: string): RemittanceRef[] {
    return this.byTrace.get(trace) ?? [];
  }
  hasClaimIcn(icn: string): boolean {
    return this.byIcn.has(icn);
  }
  claimBySeq(seq: number): ClaimRef | null {
    return this.all[seq] ?? null;
  }
}
