// The messages between the main thread and the scan workers (./parallel.ts, ./scan-worker.ts): what a
// task is, and the flat event lists a worker sends back in input order.

import type { PayerAlias } from '../analysis/payer-aliases.js';
import type { FileOutcome } from '../input/parse.js';
import type { ClaimPrepOptions } from './claim-facts.js';

/**
 * A batch is a flat array: a kind, then its payload. Claim: ClaimFacts. Remittance (first sight, before
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
}

export type WorkerReply =
  | { type: 'batch'; id: number; events: unknown[]; bytes: number }
  /** end: where a part stopped (a boundary, or the file's size); -1 for a whole file. */
  | { type: 'done'; id: number; outcome: FileOutcome; end: number; sha256: string | null }
  | { type: 'failed'; id: number; message: string; stack: string };
