// The messages between the main thread and the scan workers (./parallel.ts, ./scan-worker.ts): what a
// task is, and the flat event lists a worker sends back in input order.

import type { PayerAlias } from '../analysis/payer-aliases.js';
import type { FileOutcome } from '../input/parse.js';
import type { BalanceState } from '../analysis/balance-checks.js';
import type { Row } from '../analysis/rows.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { ClaimFacts, ClaimPrepOptions } from './claim-facts.js';

/**
 * A batch is a flat array: a kind, then its payload. Claim: none (the next claim of the batch's columns,
 * ClaimColumns). Remittance (first sight, before
 * its first claim) and RemittanceEnd (its SE): the task-local id, the Remittance. Diagnostic: a
 * Diagnostic. Skipped: the ST01 of a transaction set that is not an 835.
 */
export const enum EventKind {
  Claim = 1,
  Remittance = 2,
  RemittanceEnd = 3,
  Diagnostic = 4,
  Skipped = 5,
}

/** Events a worker gathers before sending a batch (checked between input chunks). */
export const BATCH_EVENTS = 4096;
/**
 * Batches a worker may send for one task before the main thread has taken one of them: enough for a whole
 * part (./parallel.ts MAX_PART) in summary runs, so a worker ahead of the merge keeps working, while a
 * slow output still stops it.
 */
export const CREDIT = 24;

export interface TaskMessage {
  type: 'task';
  id: number;
  path: string;
  /** A part: the byte it starts at (an ISA) and the boundaries it may stop at; null stops: the whole file. */
  start: number;
  stops: number[] | null;
  /** Hash the file's bytes (sha256) for the ledger (whole files only). */
  hash: boolean;
  prep: ClaimPrepOptions;
  aliases: PayerAlias[] | null;
  /** BATCH_EVENTS and CREDIT, unless a test sets them smaller. */
  batchEvents: number;
  credit: number;
}

export type WorkerReply =
  | { type: 'batch'; id: number; events: unknown[]; claims: ClaimColumns; bytes: number }
  /** end: where a part stopped (a boundary, or the file's size); -1 for a whole file. */
  /** The task's last events come with it (a small file is one message, and needs no acknowledgement). */
  | { type: 'done'; id: number; outcome: FileOutcome; end: number; sha256: string | null; last: { events: unknown[]; claims: ClaimColumns; bytes: number } }
  | { type: 'failed'; id: number; message: string; stack: string };

/**
 * A batch's claims, column-wise: numbers in one Float64Array (moved, not copied), strings and the rare
 * objects in arrays. Cloning an object per claim cost the main thread more than the rest of its work;
 * the main thread now builds each ClaimFacts from plain numbers. The strings a claim's keys are (CLP01,
 * CLP07, REF*F8, the patient) are sent only when the main thread reads them: for the ledger, and for a
 * reversal (the payment it takes back is looked up by them); otherwise their hashes are enough.
 */
export interface ClaimColumns {
  nums: Float64Array;
  strs: string[];
  extras: Array<Diagnostic[] | Row | Row[] | null>;
}

/** Numbers per claim: byteOffset, segment, charge, paid, interest, balanced, 3 hashes, digest, status, flags. */
const NUMS = 12;
const KEYS = 1;
const STATUS_TEXT = 2;
const CORRECTS = 4;
const EXTRAS = 8;
const BALANCED: readonly BalanceState[] = ['yes', 'no', 'unknown'];
/** A status code sent as a number: digits without a leading zero, so it reads back the same. */
const NUMERIC_STATUS = /^(?:0|[1-9]\d?)$/;

export class ClaimEncoder {
  private nums = new Float64Array(NUMS * 64);
  private used = 0;
  private strs: string[] = [];
  private extras: Array<Diagnostic[] | Row | Row[] | null> = [];
  /** Send the key strings of every claim (a ledger records them). */
  private readonly allKeys: boolean;

  constructor(allKeys: boolean) {
    this.allKeys = allKeys;
  }

  add(f: ClaimFacts): void {
    const keys = this.allKeys || f.statusCode === '22';
    const numericStatus = NUMERIC_STATUS.test(f.statusCode);
    const extras = f.diagnostics.length > 0 || f.row !== null || f.adjustments !== null;
    const flags = (keys ? KEYS : 0) | (numericStatus ? 0 : STATUS_TEXT) | (f.correctsIcn !== '' ? CORRECTS : 0) | (extras ? EXTRAS : 0);
    if (this.used + NUMS > this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    const v = this.nums;
    const i = this.used;
    this.used += NUMS;
    v[i] = f.byteOffset;
    v[i + 1] = f.segment;
    v[i + 2] = f.charge;
    v[i + 3] = f.paid;
    v[i + 4] = f.interest ?? Number.NaN;
    v[i + 5] = f.balanced === 'yes' ? 0 : f.balanced === 'no' ? 1 : 2;
    v[i + 6] = f.icnHash;
    v[i + 7] = f.pcnHash;
    v[i + 8] = f.f8Hash;
    v[i + 9] = f.digest;
    v[i + 10] = numericStatus ? Number(f.statusCode) : -1;
    v[i + 11] = flags;
    if (keys) this.strs.push(f.pcn, f.icn, f.originalReference, f.patient);
    if (!numericStatus) this.strs.push(f.statusCode);
    if (f.correctsIcn !== '') this.strs.push(f.correctsIcn);
    if (extras) this.extras.push(f.diagnostics, f.row, f.adjustments);
  }

  /** The columns so far (then empty again). */
  take(): ClaimColumns {
    // the filled part, copied into a buffer of its own (moved to the main thread); this one is reused
    const out = { nums: this.nums.slice(0, this.used), strs: this.strs, extras: this.extras };
    this.used = 0;
    this.strs = [];
    this.extras = [];
    return out;
  }
}

/** Reads a batch's claims back in order, as the ClaimFacts the worker made (keys it did not send are ''). */
export class ClaimDecoder {
  private n = 0;
  private s = 0;
  private x = 0;

  constructor(private readonly c: ClaimColumns) {}

  next(): ClaimFacts {
    const v = this.c.nums;
    const i = this.n;
    this.n += NUMS;
    const flags = v[i + 11]!;
    const strs = this.c.strs;
    let pcn = '';
    let icn = '';
    let originalReference = '';
    let patient = '';
    if (flags & KEYS) {
      pcn = strs[this.s]!;
      icn = strs[this.s + 1]!;
      originalReference = strs[this.s + 2]!;
      patient = strs[this.s + 3]!;
      this.s += 4;
    }
    const statusCode = flags & STATUS_TEXT ? strs[this.s++]! : String(v[i + 10]);
    const correctsIcn = flags & CORRECTS ? strs[this.s++]! : '';
    let diagnostics: Diagnostic[] = [];
    let row: Row | null = null;
    let adjustments: Row[] | null = null;
    if (flags & EXTRAS) {
      const e = this.c.extras;
      diagnostics = e[this.x] as Diagnostic[];
      row = e[this.x + 1] as Row | null;
      adjustments = e[this.x + 2] as Row[] | null;
      this.x += 3;
    }
    const interest = v[i + 4]!;
    return {
      byteOffset: v[i]!,
      segment: v[i + 1]!,
      pcn,
      icn,
      originalReference,
      statusCode,
      patient,
      charge: v[i + 2]!,
      paid: v[i + 3]!,
      interest: Number.isNaN(interest) ? null : interest,
      balanced: BALANCED[v[i + 5]!]!,
      diagnostics,
      correctsIcn,
      icnHash: v[i + 6]!,
      pcnHash: v[i + 7]!,
      f8Hash: v[i + 8]!,
      digest: v[i + 9]!,
      row,
      adjustments,
    };
  }
}
