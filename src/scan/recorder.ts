// Where a scan keeps the claims it reads, decided once per run: the run's compact index (no ledger), or
// the ledger (one transaction per input file, earlier runs visible to linking). Either way the scan sees
// one RunRecorder and one ClaimStore to link against.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { payerId, paymentDate } from '../analysis/build-rows.js';
import { categorizeOffset } from '../analysis/codes.js';
import type { BalanceOffset } from '../analysis/deferrals.js';
import { remittanceIdentity } from '../analysis/duplicates.js';
import type { ClaimStore, Link, LinkTable } from '../analysis/link.js';
import { CompactClaimIndex } from '../claim-index/compact-index.js';
import { type Diagnostic, makeDiagnostic } from '../diagnostics/diagnostics.js';
import { displayName } from '../input/parse.js';
import type { ProviderAdjustment, Remittance } from '../remit/model.js';
import type { ClaimFacts } from './claim-facts.js';
import type { Row } from '../analysis/rows.js';
import type { BankFileRecord, Ledger, RecordedBankLine, RemittanceSnapshot } from '../store/store.js';
import { bankLineIdentity, type DepositRemittance } from '../analysis/deposits.js';
import type { BankLine } from '../bank/model.js';
import { foldStates, type ReviewState } from '../analysis/review.js';
import type { RunOffsets } from './offsets.js';

export interface RunRecorder {
  /** Where linking and reversal lookups find claims. */
  readonly source: ClaimStore;
  /** Bytes the run's claim index holds (for the benchmark); 0 with a ledger. */
  readonly indexBytes: number;
  /** --new-only: whether this file's content is already recorded (never for stdin, never without a ledger). */
  alreadyRecorded(path: string): Promise<boolean>;
  beginFile(path: string): void;
  /** Every raw chunk of the file, before parsing. */
  bytes(chunk: Buffer): void;
  /** Whether it keeps the report rows of what it records (then the scan makes them even when not asked for). */
  readonly keepsRows: boolean;
  /** A claim that counts (not part of a repeated remittance), with its rows when keepsRows. */
  claim(c: ClaimFacts, r: Remittance, rows: ClaimRows | null): void;
  /**
   * A remittance that counts, at its SE, before its offsets; `fingerprint` and `snapshot` give its content
   * fingerprint and report data when a store needs them.
   */
  remittance(r: Remittance, fingerprint: () => string, snapshot: () => RemittanceSnapshot): void;
  /** An offset of that remittance, kept at `index` of the run's offsets, with its stable id. */
  offset(r: Remittance, index: number, a: ProviderAdjustment, uid: string): void;
  /**
   * The id an offset of the run is stored under when it differs from its stable id (the ledger keeps two
   * offsets with one id apart by a suffix); undefined when it is not (or no longer: a file rolled back).
   */
  storedUid(index: number): string | undefined;
  /** The file was read to its end: keep it (unless unreadable or already recorded); `sha256` when a worker read it (bytes() saw nothing). */
  endFile(path: string, readable: boolean, bytes: number, sha256?: string): void;
  /** Reading the file failed in a way that stops the run: nothing of it is kept. */
  abortFile(): void;
  /** The links found at the end of the run, to store with the offsets. */
  saveLinks(links: LinkTable): void;
  /** The link of an earlier run's deferral with this reference (ledger only). */
  priorDeferral?: (payerKey: string, reference: string) => Link | null;
  /** Deferrals and collections for the balances report: the whole ledger, or this run. */
  balanceInputs(offsets: RunOffsets, links: LinkTable): BalanceOffset[];
  /** A bank statement read whole: kept (run memory or ledger). Returns the lines it already held (counted once) and whether the statement itself was. */
  bankStatement(file: BankFileRecord, lines: readonly BankLine[]): { repeated: BankLine[]; known: boolean };
  /** A remittance that counts (after remittance()), as deposit matching sees it; `key` is filled by the recorder. */
  depositRemittance(r: Remittance, facts: DepositRemittance): void;
  /** What deposit matching runs over, and which of it this run read. */
  depositInputs(): DepositInputs;
  /** Every offset's review state (the ledger's audit trail), or null without a ledger: nothing is remembered. */
  reviewStates(): ReadonlyMap<string, ReviewState> | null;
  /** Releases files held open for reading claims back. */
  close(): void;
}

/** Bank lines and remittances to match: the run's (no ledger) or the whole ledger's, with which are this run's. */
export interface DepositInputs {
  lines: readonly BankLine[];
  remittances: readonly DepositRemittance[];
  isRunLine(l: BankLine): boolean;
  isRunRemittance(r: DepositRemittance): boolean;
}

/** A claim's report rows, as the scan made them. */
export interface ClaimRows {
  row: Row;
  adjustments: Row[];
}

/** No ledger: the run's claims go into the compact index, read back from their files when linking. */
export class IndexRecorder implements RunRecorder {
  readonly keepsRows = false;
  private readonly bankLines: BankLine[] = [];
  /** Each bank line identity read, with the statement (content hash) it was first read from. */
  private readonly bankIdentities = new Map<string, string>();
  private readonly bankShas = new Set<string>();
  private readonly depositRemittances: DepositRemittance[] = [];
  private readonly index = new CompactClaimIndex();
  private readonly indexed = new WeakSet<Remittance>();
  /** The path being read ('-' for stdin). */
  private path = '';

  get source(): ClaimStore {
    return this.index;
  }
  get indexBytes(): number {
    return this.index.bytes;
  }
  alreadyRecorded(): Promise<boolean> {
    return Promise.resolve(false);
  }
  beginFile(path: string): void {
    this.path = path;
  }
  bytes(): void {}

  claim(c: ClaimFacts, r: Remittance): void {
    this.register(r);
    this.index.addClaim(this.path, c.byteOffset, c, this.path === '-' ? c : null);
  }

  remittance(r: Remittance): void {
    this.register(r);
  }
  offset(): void {}

  storedUid(): undefined {
    return undefined;
  }
  endFile(): void {}
  abortFile(): void {}
  saveLinks(): void {}

  balanceInputs(offsets: RunOffsets, links: LinkTable): BalanceOffset[] {
    return offsets.balanceInputs(links);
  }

  bankStatement(file: BankFileRecord, lines: readonly BankLine[]): { repeated: BankLine[]; known: boolean } {
    if (this.bankShas.has(file.sha256)) return { repeated: [...lines], known: true };
    this.bankShas.add(file.sha256);
    const repeated: BankLine[] = [];
    for (const l of lines) {
      const identity = bankLineIdentity(l);
      if (identity !== null) {
        // the same transaction on another statement; two alike on one statement are two transactions
        const from = this.bankIdentities.get(identity);
        if (from !== undefined && from !== file.sha256) {
          repeated.push(l);
          continue;
        }
        this.bankIdentities.set(identity, file.sha256);
      }
      this.bankLines.push(l);
    }
    return { repeated, known: false };
  }

  depositRemittance(_r: Remittance, facts: DepositRemittance): void {
    this.depositRemittances.push({ ...facts, key: this.depositRemittances.length });
  }

  depositInputs(): DepositInputs {
    return { lines: this.bankLines, remittances: this.depositRemittances, isRunLine: () => true, isRunRemittance: () => true };
  }

  reviewStates(): null {
    return null;
  }

  close(): void {
    this.index.closeFiles();
  }

  /** Registers a remittance in the index once, before its first claim (or at its SE when it has none). */
  private register(r: Remittance): void {
    if (this.indexed.has(r)) return;
    this.indexed.add(r);
    this.index.addRemittance({
      traceNumber: r.trace.number,
      payerKey: payerId(r),
      paymentDate: paymentDate(r),
      file: r.file,
      offset: r.origin.byteOffset,
      delimiters: r.delimiters,
      path: this.path,
    });
  }
}

/** sha256 of a file's content, streamed. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The ledger bookkeeping of the file being read (one transaction). */
interface FileRecording {
  fileId: number;
  hash: Hash;
  /** Remittance → its ledger id, or null when it was already recorded. */
  remittanceIds: Map<Remittance, number | null>;
  /** "already recorded" notes, said only if the file as a whole is not already recorded. */
  knownRemittances: Diagnostic[];
  /** Indexes (in the run's offsets) of the offsets recorded from this file. */
  offsets: number[];
}

/** With a ledger: every claim, remittance and offset is recorded as it streams; links are stored at the end. */
export class LedgerRecorder implements RunRecorder {
  readonly keepsRows = true;
  private readonly ledger: Ledger;
  private readonly diagnostic: (d: Diagnostic) => void;
  private recording: FileRecording | null = null;
  /** The ledger id of each offset of the run recorded in this run (by its index in the run's offsets). */
  private readonly offsetIds: Array<number | undefined> = [];
  /** Offsets stored under another id than their stable one (a suffix), by index. */
  private readonly offsetUids = new Map<number, string>();

  readonly priorDeferral: (payerKey: string, reference: string) => Link | null;

  constructor(ledger: Ledger, diagnostic: (d: Diagnostic) => void) {
    this.ledger = ledger;
    this.diagnostic = diagnostic;
    this.priorDeferral = (payerKey, reference) => ledger.priorDeferralLink(payerKey, reference);
  }

  get source(): ClaimStore {
    return this.ledger;
  }
  get indexBytes(): number {
    return 0;
  }

  async alreadyRecorded(path: string): Promise<boolean> {
    if (path === '-') return false;
    const sha = await fileSha256(path).catch(() => null);
    return sha !== null && this.ledger.isFileRecorded(sha);
  }

  beginFile(path: string): void {
    this.recording = { fileId: this.ledger.beginFile(path), hash: createHash('sha256'), remittanceIds: new Map(), knownRemittances: [], offsets: [] };
  }

  bytes(chunk: Buffer): void {
    this.recording?.hash.update(chunk);
  }

  claim(c: ClaimFacts, r: Remittance, rows: ClaimRows | null): void {
    const rid = this.remittanceId(r);
    if (rid === null) return;
    this.ledger.insertClaim(rid, {
      row: rows?.row ?? {},
      adjustments: rows?.adjustments ?? [],
      pcn: c.pcn,
      icn: c.icn,
      originalReference: c.originalReference,
      statusCode: c.statusCode,
      patient: c.patient,
      charge: c.charge,
      paid: c.paid,
      interest: c.interest,
    });
  }

  /**
   * At SE, with the remittance's content known: when the ledger already holds the same payment with the
   * same content (the run's rule, src/analysis/duplicates.ts), what was just recorded of it is taken back
   * and it is said; otherwise it stays, and its offsets are recorded under it.
   */
  remittance(r: Remittance, fingerprint: () => string, snapshot: () => RemittanceSnapshot): void {
    const rec = this.recording;
    const id = this.remittanceId(r);
    if (id === null || rec === null) return;
    if (this.ledger.settleRemittance(id, remittanceIdentity(r), fingerprint(), snapshot())) return;
    rec.remittanceIds.set(r, null);
    rec.knownRemittances.push(
      makeDiagnostic('LEDGER_REMITTANCE_KNOWN', `remittance ST ${r.transactionControl} (trace ${r.trace.number}) is already in the ledger; not recorded again`, {
        file: r.file,
        segment: r.origin.segment,
        byteOffset: r.origin.byteOffset,
        segmentId: 'ST',
      }),
    );
  }

  offset(r: Remittance, index: number, a: ProviderAdjustment, uid: string): void {
    const rec = this.recording;
    const rid = rec?.remittanceIds.get(r);
    if (rec === null || rid === undefined || rid === null) return;
    const stored = this.ledger.insertOffset(rid, {
      uid,
      pairSeq: index,
      providerId: a.providerId,
      reasonCode: a.reasonCode,
      reference: a.reference,
      amount: a.amount,
      category: categorizeOffset(a.reasonCode, a.amount),
      fiscalPeriodDate: a.fiscalPeriodDate,
      unreadable: a.unreadable === true,
    });
    this.offsetIds[index] = stored.id;
    if (stored.uid !== uid) this.offsetUids.set(index, stored.uid);
    rec.offsets.push(index);
  }

  storedUid(index: number): string | undefined {
    const id = this.offsetIds[index];
    return this.offsetUids.get(index) ?? (id === undefined ? undefined : this.ledger.correctedOffsetUid?.(id));
  }

  /** What was recorded of the file's offsets is gone: their ids and any suffix with them. */
  private forgetOffsets(offsets: readonly number[]): void {
    for (const i of offsets) {
      this.offsetIds[i] = undefined;
      this.offsetUids.delete(i);
    }
  }

  /** Commits the file's transaction, unless the file was unreadable or its content is already recorded. */
  endFile(path: string, readable: boolean, bytes: number, sha256?: string): void {
    const rec = this.recording!;
    this.recording = null;
    const sha = sha256 ?? rec.hash.digest('hex');
    if (!readable) {
      // nothing of it stays, so no link may be written for its offsets (their rows are gone)
      this.ledger.rollbackFile();
      this.forgetOffsets(rec.offsets);
      return;
    }
    if (this.ledger.isFileRecorded(sha)) {
      this.ledger.rollbackFile();
      this.forgetOffsets(rec.offsets);
      const display = displayName(path);
      this.diagnostic(makeDiagnostic('LEDGER_FILE_KNOWN', `${display} is already in the ledger (same content); nothing recorded again`, { file: display }));
      return;
    }
    this.ledger.commitFile(rec.fileId, sha, bytes);
    for (const d of rec.knownRemittances) this.diagnostic(d);
  }

  abortFile(): void {
    this.ledger.rollbackFile();
    this.forgetOffsets(this.recording?.offsets ?? []);
    this.recording = null;
  }

  saveLinks(links: LinkTable): void {
    const records = [];
    for (let i = 0; i < this.offsetIds.length; i++) {
      const offsetId = this.offsetIds[i];
      if (offsetId === undefined) continue;
      const l = links.get(i);
      records.push({ offsetId, basis: l.basis, claimId: l.claim?.ledgerId ?? null, remittanceId: l.remittance?.ledgerId ?? null, note: l.note });
    }
    this.ledger.saveLinks(records);
  }

  balanceInputs(): BalanceOffset[] {
    return this.ledger.balanceOffsets();
  }

  /** Statements read in this run (by content), and remittances recorded in this run (by ledger id). */
  private readonly runBankShas = new Set<string>();
  private readonly runRemittanceIds = new Set<number>();

  /** Lines of this run's statements recorded before from another statement (a daily one, then the month's). */
  private readonly runBankIdentities = new Set<string>();

  bankStatement(file: BankFileRecord, lines: readonly BankLine[]): { repeated: BankLine[]; known: boolean } {
    this.runBankShas.add(file.sha256);
    if (this.ledger.isBankFileRecorded(file.sha256)) {
      // read before: its lines may be recorded under an earlier statement that shared them
      for (const l of lines) {
        const identity = bankLineIdentity(l);
        if (identity !== null) this.runBankIdentities.add(identity);
      }
      return { repeated: [], known: true };
    }
    const recorded = this.ledger.recordBankFile(file, lines);
    for (const l of recorded.repeated) this.runBankIdentities.add(bankLineIdentity(l)!);
    return { ...recorded, known: false };
  }

  depositRemittance(r: Remittance): void {
    const id = this.recording?.remittanceIds.get(r);
    if (id !== undefined && id !== null) this.runRemittanceIds.add(id);
  }

  depositInputs(): DepositInputs {
    const shas = this.runBankShas;
    const ids = this.runRemittanceIds;
    return {
      lines: this.ledger.bankLines(),
      remittances: this.ledger.depositRemittances(),
      isRunLine: (l) => shas.has((l as RecordedBankLine).fileSha) || (this.runBankIdentities.size > 0 && this.runBankIdentities.has(bankLineIdentity(l) ?? '')),
      isRunRemittance: (r) => ids.has(r.key),
    };
  }

  reviewStates(): ReadonlyMap<string, ReviewState> {
    return foldStates(this.ledger.reviewEvents());
  }

  close(): void {}

  /** The ledger id of a remittance, recording it on first sight; null when it is already recorded. */
  private remittanceId(r: Remittance): number | null {
    const rec = this.recording;
    if (!rec) return null;
    const known = rec.remittanceIds.get(r);
    if (known !== undefined) return known;
    const id = this.ledger.insertRemittance(rec.fileId, {
      file: r.file,
      payerKey: payerId(r),
      payerName: r.payer.name,
      traceNumber: r.trace.number,
      transactionControl: r.transactionControl,
      paymentDate: paymentDate(r),
      paid: r.payment.amount,
    });
    rec.remittanceIds.set(r, id);
    return id;
  }
}
