// The ledger as the rest of recoup sees it: one interface over a storage engine (SQLite today,
// src/store/sqlite.ts), used by the scan to record what it reads and to look up earlier runs, by
// `recoup trace`, and by the balances report. All SQL lives in this folder; a second engine is one new
// file implementing `Ledger` (and a branch in open.ts).

import type { ClaimRef, ClaimStore, Link } from '../analysis/link.js';
import type { BalanceOffset } from '../analysis/deferrals.js';
import type { RemittanceIdentity } from '../analysis/duplicates.js';
import type { TraceClaim, TraceOffset } from '../analysis/claim-trace.js';
import type { Cents } from '../remit/money.js';
import type { RemittanceHead } from '../analysis/build-rows.js';
import type { ReportName, Row } from '../analysis/rows.js';
import type { RemittanceFigures } from '../analysis/summary.js';
import type { BankFormat, BankLine } from '../bank/model.js';
import type { DepositRemittance } from '../analysis/deposits.js';
import type { ReviewEvent, ReviewState } from '../analysis/review.js';

export interface RemittanceRecord extends RemittanceIdentity {
  file: string;
  payerName: string;
  transactionControl: string;
}

export interface ClaimRecord {
  /** The claims report row and adjustments rows, as the scan made them (for `recoup report`). */
  row: Row;
  adjustments: readonly Row[];
  pcn: string;
  icn: string;
  originalReference: string;
  statusCode: string;
  patient: string;
  charge: Cents;
  paid: Cents;
  interest: Cents | null;
}

export interface OffsetRecord {
  /** The stable id (src/analysis/offset-id.ts); stored with a -N suffix if another offset has it. */
  uid: string;
  /** Order of the offset in the run (PLB pairs in file order). */
  pairSeq: number;
  providerId: string;
  /** PLB02 (YYYY-MM-DD). */
  fiscalPeriodDate: string | null;
  /** The amount could not be read (kept as 0). */
  unreadable: boolean;
  reasonCode: string;
  reference: string | null;
  amount: Cents;
  category: string;
}

/** What a remittance's reports need besides its claims and offsets, kept when it is settled at its SE. */
export interface RemittanceSnapshot {
  head: RemittanceHead;
  figures: RemittanceFigures;
  paymentRow: Row;
}

/** Which recorded remittances a report covers: payment dates from/to (YYYY-MM-DD, inclusive), a payer name or id. */
export interface LedgerFilter {
  from?: string | undefined;
  to?: string | undefined;
  payer?: string | undefined;
}

/** A remittance as `recoup report` reads it back. */
export interface RecordedRemittance extends RemittanceSnapshot {
  id: number;
}

/** A claim's rows as `recoup report` reads them back. */
export interface RecordedClaim {
  /** The ledger's claim id (its order among every claim recorded). */
  id: number;
  remittanceId: number;
  statusCode: string;
  icn: string;
  originalReference: string;
  row: Row;
  adjustments: Row[];
}

/** An offset as `recoup report` reads it back to link it again. */
export interface RecordedOffset {
  id: number;
  /** The stable id shown in reports and typed into `recoup review`. */
  uid: string;
  remittanceId: number;
  providerId: string;
  fiscalPeriodDate: string | null;
  reasonCode: string;
  reference: string | null;
  amount: Cents;
  unreadable: boolean;
}

/** The link found for a recorded offset (derived data, stored after the run's files are recorded). */
export interface OffsetLinkRecord {
  offsetId: number;
  basis: string;
  claimId: number | null;
  remittanceId: number | null;
  note: string;
}

/** A bank statement file as recorded (by content hash, like an 835 file). */
export interface BankFileRecord {
  path: string;
  format: BankFormat;
  sha256: string;
  bytes: number;
}

/** A bank line as the ledger holds it: the line as read, with its id and its statement's content hash. */
export interface RecordedBankLine extends BankLine {
  id: number;
  fileSha: string;
}

/** The reports recoup computes (deferral pairing, deposit matching) that an engine serving BI tools keeps in tables (Ledger.publish). */
export const PUBLISHED: readonly ReportName[] = ['balances', 'deposits'];

/** An offset a typed id (or prefix) names, with enough to say which one it is. */
export interface OffsetIdMatch {
  uid: string;
  amount: Cents;
  unreadable: boolean;
  reasonCode: string;
  reference: string | null;
  traceNumber: string;
  paymentDate: string;
  payerName: string;
  /** The claim its stored link names (null: linked to no single claim). */
  linkedClaimId: number | null;
}

/** A review event to append (its order is given by the ledger). */
export type ReviewEventInput = Omit<ReviewEvent, 'seq'>;

export interface LedgerCounts {
  files: number;
  remittances: number;
  claims: number;
  offsets: number;
}

export interface Ledger extends ClaimStore {
  /** Where it is, for messages. */
  readonly path: string;

  // ---- recording one input file: all of it or nothing ----
  /** Whether a file with this content (sha256) is already recorded. */
  isFileRecorded(sha256: string): boolean;
  /** Starts the file's transaction and records the file (its content hash is given at commit); returns its id. */
  beginFile(path: string): number;
  /** Records a remittance as its first claim arrives, or at its SE when it has none (its content is not known yet). */
  insertRemittance(fileId: number, r: RemittanceRecord): number;
  /**
   * At a remittance's SE: when the ledger already holds the same payment with the same content (the rule
   * of src/analysis/duplicates.ts), what was just recorded of it is removed and false returned.
   */
  settleRemittance(id: number, identity: RemittanceIdentity, content: string, snapshot: RemittanceSnapshot): boolean;
  insertClaim(remittanceId: number, c: ClaimRecord): void;
  /** Records an offset; returns its ledger id and the stable id it is stored under. */
  insertOffset(remittanceId: number, o: OffsetRecord): { id: number; uid: string };
  /**
   * An engine that learns only when the file is sent that another offset had the id (PostgreSQL, batched)
   * tells here the suffixed id the offset was stored under; undefined when it kept its own.
   */
  correctedOffsetUid?(id: number): string | undefined;
  /**
   * An engine that serves BI tools (PostgreSQL) keeps the reports recoup computes (balances, deposits) in
   * tables: this replaces one with the rows of the whole ledger as of a date.
   */
  publish?(report: ReportName, rows: readonly Row[], asOf: string): void;
  /** Ends the file's transaction: records its hash and size, and commits. */
  commitFile(fileId: number, sha256: string, bytes: number): void;
  /** Abandons the file's transaction: nothing of it stays. */
  rollbackFile(): void;

  // ---- bank statements (issue 14): a statement is recorded whole, in one transaction ----
  isBankFileRecorded(sha256: string): boolean;
  /**
   * Records a statement and its lines. A line whose identity (bankLineIdentity: account, date, amount and
   * bank reference) is already recorded, from this or another statement, is not recorded again: those are returned.
   */
  recordBankFile(file: BankFileRecord, lines: readonly BankLine[]): { repeated: BankLine[] };
  /** Every bank line recorded, by date and then in the order recorded. */
  bankLines(): RecordedBankLine[];
  /** What deposit matching needs of every remittance with report data (key = the ledger's remittance id). */
  depositRemittances(): DepositRemittance[];

  // ---- links ----
  /** Stores the links found for offsets of this run, in one transaction. */
  saveLinks(links: readonly OffsetLinkRecord[]): void;
  /** The link of the most recent earlier deferral (WO/FB negative) of this payer with this reference. */
  priorDeferralLink(payerKey: string, reference: string): Link | null;

  // ---- reading ----
  /** Every offset recorded, chronologically, with its stored link: input for the balances report. */
  balanceOffsets(): BalanceOffset[];
  /** A claim family for `recoup trace`: claims whose CLP01, CLP07 or REF*F8 is the query, and every claim chained to them. */
  claimFamily(query: string): TraceClaim[];
  /** The offsets linked to any of these claims, by payment date. */
  offsetsLinkedTo(claimIds: readonly number[]): TraceOffset[];
  claimById(id: number): ClaimRef | null;
  /** Remittances with report data that pass the filter, in the order recorded; and how many have none (recorded before schema 3). */
  recordedRemittances(filter: LedgerFilter): { remittances: RecordedRemittance[]; withoutReportData: number };
  /** The claims of the remittances that pass the filter, in the order recorded (streamed); CARC texts from `carc`. */
  recordedClaims(filter: LedgerFilter, carc?: ReadonlyMap<string, string>): Iterable<RecordedClaim>;
  /** Every recorded offset, in the order recorded. */
  recordedOffsets(): RecordedOffset[];
  counts(): LedgerCounts;

  // ---- the review work queue (issue 16) ----
  /** Offsets whose stable id starts with this (normalized) prefix, at most 11, by id. */
  offsetsByIdPrefix(prefix: string): OffsetIdMatch[];
  /** The audit trail, in the order recorded: every event, or one offset's. */
  reviewEvents(offsetId?: string): ReviewEvent[];
  /**
   * Appends review events in one transaction that holds the write lock from before it reads: `decide` gets
   * the current state of these offsets and returns the events to append, or throws (nothing is written).
   * Events are never updated or deleted.
   */
  appendReviewEvents(offsetIds: readonly string[], decide: (states: ReadonlyMap<string, ReviewState>) => ReviewEventInput[]): ReviewEvent[];
  close(): void;
}
