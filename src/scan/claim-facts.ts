// What the run keeps of one claim, made where the claim is parsed: in the main thread (--jobs 1) or in a
// worker (./parallel.ts). Everything here depends on the claim and its remittance alone — the balance
// check, the claim's report rows, which claim it corrects within its remittance — so it can be made
// anywhere; what needs the whole run (repeats, the claim index, the reversed payment) is done by the
// Scanner when it commits the facts. Both paths go through ClaimPreparer, so their reports are the same.

import { checkClaimBalance, type BalanceState } from '../analysis/balance-checks.js';
import { adjustmentRows, claimRow, patientName } from '../analysis/build-rows.js';
import type { ReportName, Row } from '../analysis/rows.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { Claim, Remittance } from '../remit/model.js';
import type { ClaimRecord } from '../store/store.js';
import { ReversalPairer } from './reversals.js';
import { claimDigest, DIGEST_START } from '../analysis/duplicates.js';
import { claimKeyHash } from '../claim-index/compact-index.js';

/**
 * A claim as the run sees it: what the ledger records of it (ClaimRecord's keys and amounts) and more;
 * plain data (it crosses from a worker column-wise, ./parallel-protocol.ts).
 */
export interface ClaimFacts extends Omit<ClaimRecord, 'row' | 'adjustments'> {
  /** Where its CLP is (absolute byte offset; segment number as counted in the part that read it). */
  byteOffset: number;
  segment: number;
  balanced: BalanceState;
  /** The balance check's diagnostics, said when the claim is counted. */
  diagnostics: Diagnostic[];
  /** The ICN this claim corrects within its remittance ('' when none). */
  correctsIcn: string;
  /** The claim index's hashes of CLP07, CLP01 and REF*F8. */
  icnHash: number;
  pcnHash: number;
  f8Hash: number;
  /** Its remittance's content digest up to this claim (RepeatDetector). */
  digest: number;
  /** The claims row (without the reversed payment, which the run fills), when a report or the ledger wants it. */
  row: Row | null;
  adjustments: Row[] | null;
}

/** Which rows the run wants made for each claim. */
export interface ClaimPrepOptions {
  reports: readonly ReportName[];
  /** The recorder keeps report rows (a ledger): rows are made even when no report asks for them. */
  keepsRows: boolean;
  carc?: ReadonlyMap<string, string>;
}

export class ClaimPreparer {
  private readonly wantsClaims: boolean;
  private readonly wantsAdjustments: boolean;
  private readonly wantsReversals: boolean;
  private readonly keepsRows: boolean;
  private readonly carc: ReadonlyMap<string, string> | undefined;
  /** Reversals and their corrections pair within one remittance, in claim order. */
  private readonly reversals = new ReversalPairer();
  /** The remittance the running digest is of. */
  private digestOf: Remittance | null = null;
  private digest = DIGEST_START;

  constructor(options: ClaimPrepOptions) {
    this.wantsClaims = options.reports.includes('claims');
    this.wantsAdjustments = options.reports.includes('adjustments');
    this.wantsReversals = options.reports.includes('reversals');
    this.keepsRows = options.keepsRows;
    this.carc = options.carc;
  }

  prepare(c: Claim, r: Remittance): ClaimFacts {
    const correctsIcn = this.reversals.corrects(c, r);
    const forReversals = this.wantsReversals && (c.statusCode === '22' || correctsIcn !== '');
    const balance = checkClaimBalance(c, r.file);
    const row = this.wantsClaims || this.keepsRows || forReversals ? claimRow(r, c, balance.balanced, correctsIcn, null) : null;
    const adjustments = this.wantsAdjustments || this.keepsRows ? adjustmentRows(r, c, this.carc) : null;
    if (this.digestOf !== r) {
      this.digestOf = r;
      this.digest = DIGEST_START;
    }
    this.digest = claimDigest(this.digest, c.patientControlNumber, c.payerClaimControlNumber, c.charge, c.paid);
    return {
      byteOffset: c.origin.byteOffset,
      segment: c.origin.segment,
      pcn: c.patientControlNumber,
      icn: c.payerClaimControlNumber,
      originalReference: c.originalReference,
      statusCode: c.statusCode,
      patient: patientName(c),
      charge: c.charge,
      paid: c.paid,
      interest: c.interest,
      balanced: balance.balanced,
      diagnostics: balance.diagnostics,
      correctsIcn,
      icnHash: claimKeyHash('icn', c.payerClaimControlNumber),
      pcnHash: claimKeyHash('pcn', c.patientControlNumber),
      f8Hash: claimKeyHash('f8', c.originalReference),
      digest: this.digest,
      row,
      adjustments,
    };
  }
}
