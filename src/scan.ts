// `recoup scan`: runs every input through the parser and the analysis, and hands report rows to a sink.
// Claims, adjustments and payments stream out as they are read; offsets (which link to claims seen
// anywhere in the run) and the summary come out when the run finishes.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { type BalanceState, checkClaimBalance, checkRemittanceBalance } from './analysis/balance.js';
import { remittanceIdentity, RepeatDetector } from './analysis/duplicates.js';
import { adjustmentRows, claimRow, offsetRow, type OffsetFields, patientName, paymentDate, payerId, paymentRow, remittanceHead, type RemittanceHead } from './analysis/build-rows.js';
import { type ClaimRef, type ClaimSource, type ClaimStore, linkOffsetTable, type LinkTable, MAX_CANDIDATES } from './analysis/link.js';
import { CompactClaimIndex } from './claim-index.js';
import { categorizeOffset } from './analysis/codes.js';
import { type BalanceOffset, computeBalances } from './analysis/balances.js';
import type { Ledger } from './ledger/ledger.js';
import { isKnownPlbCode } from './analysis/codes.js';
import type { ReportName, Row } from './analysis/rows.js';
import { isUnlinkedRecoupment, SummaryBuilder } from './analysis/summary.js';
import { type Diagnostic, makeDiagnostic } from './diagnostics.js';
import { expandInputs } from './inputs.js';
import { parseFile } from './read.js';
import type { Claim, ProviderAdjustment, Remittance } from './remit/model.js';
import type { Cents } from './remit/money.js';

export interface ScanOptions {
  reports: readonly ReportName[];
  /** A licensed CARC list (code → description) for the adjustments report. */
  carc?: ReadonlyMap<string, string>;
  onRow: (report: ReportName, row: Row) => void;
  onDiagnostic: (diagnostic: Diagnostic) => void;
  stdin?: Readable;
  /** Record what is read, and link against earlier runs. */
  ledger?: Ledger;
  /** Date (YYYY-MM-DD) the age of open balances is counted to; default today. */
  asOf?: string;
  /** Offsets whose absolute amount exceeds this (cents) are flagged for review. */
  escalateOver?: Cents;
  /** With a ledger: skip files whose content is already recorded, without reading them for reports. */
  newOnly?: boolean;
  /** Raw bytes read, for a progress display. */
  onBytes?: (count: number) => void;
  /** Called between input chunks: a promise pauses reading until the output has room (back-pressure). */
  waitForOutput?: () => Promise<void> | undefined;
}

/** sha256 of a file's content, streamed. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** An offset of the suspense list, as named on stderr (no patient data: references are payer ids). */
export interface UnlinkedOffset {
  file: string;
  traceNumber: string;
  reasonCode: string;
  reference: string;
  amount: Cents;
  basis: string;
}

/** How many suspense offsets a run keeps to name (the offsets report has them all). */
export const UNLINKED_LISTED = 200;

export interface ScanStats {
  files: number;
  unreadableFiles: number;
  remittances: number;
  balancedRemittances: number;
  unbalancedRemittances: number;
  /** Remittances whose balance could not be checked (an amount could not be read, or no BPR). */
  unknownBalanceRemittances: number;
  /** Remittances read a second time in this run (same payer, trace, amount, date): counted once. */
  duplicateRemittances: number;
  claims: number;
  offsets: number;
  skippedTransactions: number;
  /** Skipped transactions by ST01 (837, 999, …), for the summary line. */
  skippedByType: Record<string, number>;
  /** Remittances read to the end of their data without an SE: reported, and flagged. */
  incompleteRemittances: number;
  /** Files skipped by --new-only because the ledger already has them. */
  skippedKnownFiles: number;
  /** Offsets flagged by --escalate-over. */
  escalatedOffsets: number;
  /** Recoupments and deferrals (money taken or owed) with no single claim or remittance found. */
  unlinkedRecoupments: number;
  /** The first UNLINKED_LISTED of them, to name when --fail-on unlinked fires. */
  unlinkedList: UnlinkedOffset[];
  /** Service, claim or remittance balance checks that failed, or could not be made (an amount unreadable). */
  balanceFailures: number;
  errors: number;
  warnings: number;
  bytes: number;
}

/** An offset kept until the run ends (linking needs every claim): one small object, sharing its remittance's head. */
interface PendingOffset extends OffsetFields {
  remittance: RemittanceHead;
  /** Its row in the ledger, when it was recorded in this run. */
  ledgerId: number | undefined;
}

/** Ledger bookkeeping for the file being read (one SQLite transaction). */
interface FileRecording {
  fileId: number;
  hash: ReturnType<typeof createHash>;
  /** Remittance → its ledger id, or null when it was already recorded. */
  remittanceIds: Map<Remittance, number | null>;
  /** "already recorded" notes, said only if the file as a whole is not already recorded. */
  knownRemittances: Diagnostic[];
}

/** Per-remittance memory for pairing a correction with the reversal before it (same CLP01 or CLP07). */
interface ReversalIndex {
  remittance: Remittance | null;
  byPcn: Map<string, string>;
  byIcn: Map<string, string>;
}

export class Scanner {
  private readonly options: ScanOptions;
  private readonly wants: ReadonlySet<ReportName>;
  private readonly summary = new SummaryBuilder();
  private readonly offsets: PendingOffset[] = [];
  private readonly strings = new Map<string, string>();
  private readonly index = new CompactClaimIndex();
  /** The path being read ('-' for stdin), and the remittances already registered in the index. */
  private currentPath = '';
  private readonly indexed = new WeakSet<Remittance>();
  private recording: FileRecording | null = null;
  /** Links made at finish(), in offset order (for balances and the summary). */
  private links: LinkTable | null = null;
  private readonly reversals: ReversalIndex = { remittance: null, byPcn: new Map(), byIcn: new Map() };
  /** Remittances of this run that repeat one already read (a re-sent ERA). */
  private readonly repeats = new RepeatDetector((d) => this.diagnostic(d));
  readonly stats: ScanStats = {
    files: 0,
    unreadableFiles: 0,
    remittances: 0,
    balancedRemittances: 0,
    unbalancedRemittances: 0,
    unknownBalanceRemittances: 0,
    duplicateRemittances: 0,
    claims: 0,
    offsets: 0,
    skippedTransactions: 0,
    skippedByType: {},
    incompleteRemittances: 0,
    skippedKnownFiles: 0,
    escalatedOffsets: 0,
    unlinkedRecoupments: 0,
    unlinkedList: [],
    balanceFailures: 0,
    errors: 0,
    warnings: 0,
    bytes: 0,
  };

  /** Bytes held by the run's claim index (for the benchmark). */
  get indexBytes(): number {
    return this.index.bytes;
  }

  constructor(options: ScanOptions) {
    this.options = options;
    this.wants = new Set(options.reports);
  }

  /** One shared copy of strings repeated on many offsets (provider id, reason code, period date). */
  private intern(s: string): string {
    let v = this.strings.get(s);
    if (v === undefined) {
      if (this.strings.size > 10_000) this.strings.clear();
      this.strings.set(s, s);
      v = s;
    }
    return v;
  }

  private diagnostic(d: Diagnostic): void {
    if (d.code === 'BALANCE_SERVICE' || d.code === 'BALANCE_CLAIM' || d.code === 'BALANCE_REMITTANCE') this.stats.balanceFailures++;
    if (d.severity === 'error') this.stats.errors++;
    else if (d.severity === 'warning') this.stats.warnings++;
    this.options.onDiagnostic(d);
  }

  /** Reads one input ('-' = stdin). Never throws for bad input; ledger failures stop the run (RecoupError). */
  async scanFile(path: string): Promise<void> {
    this.stats.files++;
    this.currentPath = path;
    const ledger = this.options.ledger;
    if (ledger && this.options.newOnly && path !== '-') {
      const sha = await fileSha256(path).catch(() => null);
      if (sha !== null && ledger.isFileRecorded(sha)) {
        this.stats.skippedKnownFiles++;
        this.diagnostic(makeDiagnostic('LEDGER_FILE_KNOWN', `${path} is already in the ledger; skipped (--new-only)`, { file: path }));
        return;
      }
    }
    if (ledger) {
      ledger.beginFile();
      this.recording = { fileId: ledger.insertFile(path, `pending:${process.pid}:${Date.now()}:${this.stats.files}`, 0), hash: createHash('sha256'), remittanceIds: new Map(), knownRemittances: [] };
    }
    let outcome;
    try {
      outcome = await parseFile(
        path,
        {
          claim: (c, r) => this.onClaim(c, r),
          remittance: (r) => this.onRemittance(r),
          transactionSkipped: (info) => {
            this.stats.skippedTransactions++;
            const type = info.type === '' ? '(blank)' : info.type.slice(0, 6);
            this.stats.skippedByType[type] = (this.stats.skippedByType[type] ?? 0) + 1;
          },
          diagnostic: (d) => this.diagnostic(d),
          ...(this.options.waitForOutput ? { afterChunk: this.options.waitForOutput } : {}),
          ...(ledger || this.options.onBytes
            ? {
                bytes: (chunk: Buffer) => {
                  this.recording?.hash.update(chunk);
                  this.options.onBytes?.(chunk.length);
                },
              }
            : {}),
        },
        { keepClaims: false, ...(this.options.stdin ? { stdin: this.options.stdin } : {}) },
      );
    } catch (err) {
      if (ledger) ledger.rollbackFile();
      this.recording = null;
      throw err;
    }
    this.stats.bytes += outcome.bytes;
    if (!outcome.readable) this.stats.unreadableFiles++;
    if (ledger) this.finishRecording(ledger, path, outcome.readable, outcome.bytes);
  }

  /** Commits the file's transaction, unless the file was unreadable or its content is already recorded. */
  private finishRecording(ledger: Ledger, path: string, readable: boolean, bytes: number): void {
    const rec = this.recording!;
    this.recording = null;
    const sha = rec.hash.digest('hex');
    if (!readable) {
      ledger.rollbackFile();
      return;
    }
    if (ledger.isFileRecorded(sha)) {
      ledger.rollbackFile();
      for (const o of this.offsets) if (o.remittance.file === (path === '-' ? '<stdin>' : path)) o.ledgerId = undefined;
      this.diagnostic(makeDiagnostic('LEDGER_FILE_KNOWN', `${path === '-' ? '<stdin>' : path} is already in the ledger (same content); nothing recorded again`, { file: path === '-' ? '<stdin>' : path }));
      return;
    }
    ledger.database.prepare('UPDATE files SET sha256 = ?, bytes = ? WHERE id = ?').run(sha, bytes, rec.fileId);
    ledger.commitFile();
    for (const d of rec.knownRemittances) this.diagnostic(d);
  }

  /** The ledger id of a remittance, recording it on first sight; null when it is already recorded. */
  private ledgerRemittance(r: Remittance): number | null {
    const rec = this.recording;
    if (!rec || !this.options.ledger) return null;
    const known = rec.remittanceIds.get(r);
    if (known !== undefined) return known;
    const id = this.options.ledger.insertRemittance(rec.fileId, {
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

  /**
   * At SE, with the remittance's content known: when the ledger already holds the same payment with the
   * same content (the run's rule, src/analysis/duplicates.ts), what was just recorded of it is taken back
   * and it is said; otherwise it stays. Returns the id to record offsets under, or null.
   */
  private settleRemittance(r: Remittance, id: number | null): number | null {
    const rec = this.recording;
    if (id === null || rec === null || !this.options.ledger) return id;
    if (this.options.ledger.settleRemittance(id, remittanceIdentity(r), this.repeats.fingerprint(r))) return id;
    rec.remittanceIds.set(r, null);
    rec.knownRemittances.push(
      makeDiagnostic('LEDGER_REMITTANCE_KNOWN', `remittance ST ${r.transactionControl} (trace ${r.trace.number}) is already in the ledger; not recorded again`, {
        file: r.file,
        segment: r.origin.segment,
        byteOffset: r.origin.byteOffset,
        segmentId: 'ST',
      }),
    );
    return null;
  }

  /**
   * The payment a reversal (CLP02 = 22) takes back: the latest earlier non-reversal claim with the same
   * CLP07 (or the CLP07 its REF*F8 names), preferring the same payer. Null when it was not seen.
   */
  private reversedPayment(c: Claim, r: Remittance): ClaimRef | null {
    const source: ClaimSource = this.options.ledger ?? this.index;
    const keys = [c.payerClaimControlNumber, c.originalReference].filter((k) => k !== '');
    const found = keys.flatMap((k) => source.claimsByIcn(k)).filter((x) => x.statusCode !== '22');
    if (found.length === 0 || found.length > MAX_CANDIDATES) return null; // too many payments to name one
    const same = found.filter((x) => x.payerKey === payerId(r));
    const pool = same.length > 0 ? same : found;
    return pool.reduce((a, b) => (a.seq >= b.seq ? a : b));
  }

  /** Registers a remittance in the claim index once, before its first claim. */
  private indexRemittance(r: Remittance): void {
    if (this.indexed.has(r)) return;
    this.indexed.add(r);
    this.index.addRemittance({
      traceNumber: r.trace.number,
      payerKey: payerId(r),
      paymentDate: paymentDate(r),
      file: r.file,
      offset: r.origin.byteOffset,
      delimiters: r.delimiters,
      path: this.currentPath,
    });
  }

  private onClaim(c: Claim, r: Remittance): void {
    // a claim of a remittance that looks read before is held until its SE decides (RepeatDetector)
    if (this.repeats.claim(c, r)) this.countClaim(c, r);
  }

  private countClaim(c: Claim, r: Remittance): void {
    this.stats.claims++;
    const reversed = c.statusCode === '22' && this.wants.has('claims') ? this.reversedPayment(c, r) : null;
    if (this.options.ledger) {
      const rid = this.ledgerRemittance(r);
      if (rid !== null) {
        this.options.ledger.insertClaim(rid, {
          pcn: c.patientControlNumber,
          icn: c.payerClaimControlNumber,
          originalReference: c.originalReference,
          statusCode: c.statusCode,
          patient: patientName(c),
          charge: c.charge,
          paid: c.paid,
          interest: c.interest,
        });
      }
    } else {
      this.indexRemittance(r);
      this.index.addClaim(this.currentPath, c.origin.byteOffset, {
        pcn: c.patientControlNumber,
        icn: c.payerClaimControlNumber,
        originalReference: c.originalReference,
        statusCode: c.statusCode,
        patient: patientName(c),
        paid: c.paid,
      });
    }
    const balance = checkClaimBalance(c, r.file);
    for (const d of balance.diagnostics) this.diagnostic(d);
    if (balance.balanced === 'unknown') this.stats.balanceFailures++;
    const correctsIcn = this.pairReversal(c, r);
    if (this.wants.has('claims')) this.options.onRow('claims', claimRow(r, c, balance.balanced, correctsIcn, reversed));
    if (this.wants.has('adjustments')) for (const row of adjustmentRows(r, c, this.options.carc)) this.options.onRow('adjustments', row);
  }

  /**
   * A reversal (CLP02 = 22) is remembered for the rest of its remittance; a later claim with the same
   * CLP01 or CLP07 is its correction (835-domain.md §4). REF*F8 on the correction names the original directly.
   */
  private pairReversal(c: Claim, r: Remittance): string {
    const idx = this.reversals;
    if (idx.remittance !== r) {
      idx.remittance = r;
      idx.byPcn.clear();
      idx.byIcn.clear();
    }
    if (c.statusCode === '22') {
      if (c.patientControlNumber) idx.byPcn.set(c.patientControlNumber, c.payerClaimControlNumber);
      if (c.payerClaimControlNumber) idx.byIcn.set(c.payerClaimControlNumber, c.payerClaimControlNumber);
      return '';
    }
    if (c.originalReference) return c.originalReference;
    return idx.byIcn.get(c.payerClaimControlNumber) ?? idx.byPcn.get(c.patientControlNumber) ?? '';
  }

  private onRemittance(r: Remittance): void {
    const verdict = this.repeats.end(r);
    if (!verdict.count) {
      this.stats.duplicateRemittances++;
      return;
    }
    for (const c of verdict.replay) this.countClaim(c, r);
    this.stats.remittances++;
    if (!r.closed) this.stats.incompleteRemittances++;
    const rid = this.options.ledger ? this.settleRemittance(r, this.ledgerRemittance(r)) : null;
    if (!this.options.ledger) this.indexRemittance(r);
    let l6 = 0;
    let head: RemittanceHead | undefined;
    for (const a of r.providerAdjustments) {
      if (a.reasonCode === 'L6') l6 += a.amount;
      if (!isKnownPlbCode(a.reasonCode)) {
        this.diagnostic(
          makeDiagnostic('PLB_UNKNOWN_CODE', `PLB reason code ${JSON.stringify(a.reasonCode.slice(0, 10))} is not a 5010 provider adjustment code; kept as "other"`, {
            file: r.file,
            segment: a.origin.segment,
            byteOffset: a.origin.byteOffset,
            segmentId: 'PLB',
            element: `${a.element}-1`,
          }),
        );
      }
      head ??= remittanceHead(r);
      const pending: PendingOffset = {
        remittance: head,
        providerId: this.intern(a.providerId),
        fiscalPeriodDate: a.fiscalPeriodDate === null ? null : this.intern(a.fiscalPeriodDate),
        reasonCode: this.intern(a.reasonCode),
        reference: a.reference,
        amount: a.amount,
        ...(a.unreadable ? { unreadable: true as const } : {}),
        ledgerId: undefined,
      };
      if (rid !== null && this.options.ledger) {
        pending.ledgerId = this.options.ledger.insertOffset(rid, {
          pairSeq: this.offsets.length,
          providerId: a.providerId,
          reasonCode: a.reasonCode,
          reference: a.reference,
          amount: a.amount,
          category: categorizeOffset(a.reasonCode, a.amount),
        });
      }
      this.offsets.push(pending);
    }
    this.stats.offsets += r.providerAdjustments.length;
    const balance = checkRemittanceBalance(r, l6);
    for (const d of balance.diagnostics) this.diagnostic(d);
    // a remittance cut short (no SE) may balance as far as it was read, but it is not known to balance
    const balanced: BalanceState = r.closed ? balance.balanced : 'no';
    if (balanced === 'yes') this.stats.balancedRemittances++;
    else if (balanced === 'no') this.stats.unbalancedRemittances++;
    else {
      this.stats.unknownBalanceRemittances++;
      this.stats.balanceFailures++;
    }
    this.summary.add(r, balanced === 'yes');
    if (this.wants.has('payments')) this.options.onRow('payments', paymentRow(r, balanced, balance.difference));
  }

  /** Links every offset of the run (against the run, or the ledger's history), stores the links. */
  private linkAll(): LinkTable {
    const ledger = this.options.ledger;
    const source: ClaimStore = ledger ?? this.index;
    const offsets = this.offsets;
    const links = linkOffsetTable(
      source,
      offsets.length,
      (i) => {
        const o = offsets[i]!;
        return { payerKey: payerId(o.remittance), reasonCode: o.reasonCode, reference: o.reference, amount: o.amount, ownFile: o.remittance.file, ownTrace: o.remittance.trace.number };
      },
      ledger ? (payerKey, reference) => ledger.priorDeferralLink(payerKey, reference) : undefined,
    );
    if (ledger) {
      ledger.transaction(() => {
        offsets.forEach((o, i) => {
          if (o.ledgerId === undefined) return;
          const l = links.get(i);
          ledger.setOffsetLink(o.ledgerId, l.basis, l.claim?.ledgerId ?? null, l.remittance?.ledgerId ?? null, l.note);
        });
      });
    }
    return links;
  }

  /** Emits the rows that need the whole run (offsets, summary) and returns the run's figures. */
  finish(): ScanStats {
    try {
      this.links = this.linkAll();
      // one link at a time: a run with hundreds of thousands of offsets never holds them all as objects
      const limit = this.options.escalateOver;
      const wantsOffsets = this.wants.has('offsets');
      this.offsets.forEach((o, i) => {
        const escalated = limit !== undefined && Math.abs(o.amount) > limit;
        const category = categorizeOffset(o.reasonCode, o.amount);
        const link = this.links!.get(i);
        this.summary.addLink(o.remittance, o.amount, category, link, paymentDate(o.remittance), escalated, !o.unreadable);
        if (escalated) this.stats.escalatedOffsets++;
        if (isUnlinkedRecoupment(category, link)) {
          this.stats.unlinkedRecoupments++;
          if (this.stats.unlinkedList.length < UNLINKED_LISTED) {
            this.stats.unlinkedList.push({ file: o.remittance.file, traceNumber: o.remittance.trace.number, reasonCode: o.reasonCode, reference: o.reference ?? '', amount: o.amount, basis: link.basis });
          }
        }
        if (wantsOffsets) this.options.onRow('offsets', offsetRow(o.remittance, o, link, escalated));
      });
      if (this.wants.has('summary')) for (const row of this.summary.rows()) this.options.onRow('summary', row);
      if (this.wants.has('balances')) for (const row of computeBalances(this.balanceInputs(), this.options.asOf ?? today())) this.options.onRow('balances', row);
    } finally {
      this.index.closeFiles();
    }
    return this.stats;
  }

  /** Deferrals and collections: the ledger's whole history when there is one, else this run. */
  private balanceInputs(): BalanceOffset[] {
    const ledger = this.options.ledger;
    if (ledger) return ledger.balanceOffsets();
    const rows = this.offsets.map((o, i) => {
      const l = this.links!.get(i);
      return {
        payerKey: payerId(o.remittance),
        payerName: o.remittance.payer.name,
        date: paymentDate(o.remittance),
        trace: o.remittance.trace.number,
        file: o.remittance.file,
        code: o.reasonCode,
        reference: o.reference,
        amount: o.amount,
        linkBasis: l.basis,
        linkedPcn: l.claim?.pcn ?? '',
        linkedIcn: l.claim?.icn ?? '',
        linkedPatient: l.claim?.patient ?? '',
      };
    });
    // chronological, stable within a day
    return rows.map((r, i) => ({ r, i })).sort((a, b) => (a.r.date < b.r.date ? -1 : a.r.date > b.r.date ? 1 : a.i - b.i)).map((x) => x.r);
  }
}

export interface ScanResult {
  reports: Partial<Record<ReportName, Row[]>>;
  diagnostics: Diagnostic[];
  stats: ScanStats;
}

/**
 * Library entry point: `import { scan } from 'recoup'`. Reads files and directories (recursively) and
 * returns the same rows the CLI prints. With `ledger` (a path), records what it reads there and links
 * against earlier runs, as `recoup scan --ledger` does.
 */
export async function scan(
  paths: readonly string[],
  options: {
    reports?: readonly ReportName[];
    carc?: ReadonlyMap<string, string>;
    ledger?: string;
    asOf?: string;
    escalateOver?: Cents;
    redact?: boolean;
  } = {},
): Promise<ScanResult> {
  const reports = options.reports ?? ['summary', 'payments', 'offsets', 'claims', 'adjustments'];
  const out: Partial<Record<ReportName, Row[]>> = {};
  for (const r of reports) out[r] = [];
  const diagnostics: Diagnostic[] = [];
  const { Ledger } = await import('./ledger/ledger.js');
  const { redactRow } = await import('./report/redact.js');
  const ledger = options.ledger !== undefined ? Ledger.open(options.ledger) : undefined;
  try {
    const scanner = new Scanner({
      reports,
      ...(options.carc ? { carc: options.carc } : {}),
      ...(ledger ? { ledger } : {}),
      ...(options.asOf ? { asOf: options.asOf } : {}),
      ...(options.escalateOver !== undefined ? { escalateOver: options.escalateOver } : {}),
      onRow: (report, row) => out[report]!.push(options.redact ? redactRow(report, row) : row),
      onDiagnostic: (d) => diagnostics.push(d),
    });
    const expanded = await expandInputs(paths);
    diagnostics.push(...expanded.diagnostics);
    for (const input of expanded.inputs) await scanner.scanFile(input);
    const stats = scanner.finish();
    return { reports: out, diagnostics, stats };
  } finally {
    ledger?.close();
  }
}
