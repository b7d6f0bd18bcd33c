// `recoup scan` without the terminal: runs every input through the parser and the analysis, and hands
// report rows to a sink. Claims, adjustments and payments stream out as they are read; offsets (which
// link to claims seen anywhere in the run) and the summary come out when the run finishes.
// The orchestrator only: where claims are kept is a RunRecorder (./recorder.ts), the offsets wait in
// RunOffsets (./offsets.ts), reversals are paired by ./reversals.ts, the figures are ScanStats (./stats.ts).

import { type BalanceState, checkRemittanceBalance } from '../analysis/balance-checks.js';
import { type AgingItem, computeAging, openDeferrals, unlinkedRecoupment } from '../analysis/aging.js';
import { offsetRow, payerId, paymentDate, paymentRow, remittanceHead, type RemittanceHead } from '../analysis/build-rows.js';
import { AppealWindows, NEW_STATE, offsetReview } from '../analysis/review.js';
import { type ReversalClaim, reversalRows, suspenseRows } from '../analysis/review-reports.js';
import { categorizeOffset, isKnownPlbCode } from '../analysis/codes.js';
import { computeBalances } from '../analysis/deferrals.js';
import type { PayerAliases } from '../analysis/payer-aliases.js';
import { RepeatDetector } from '../analysis/duplicates.js';
import { offsetId } from '../analysis/offset-id.js';
import type { ReportName, Row } from '../analysis/rows.js';
import { isUnlinkedRecoupment, remittanceFigures, SummaryBuilder } from '../analysis/summary.js';
import { type Diagnostic, makeDiagnostic } from '../diagnostics/diagnostics.js';
import type { Readable } from 'node:stream';
import { parseFile } from '../input/parse.js';
import type { Claim, Remittance } from '../remit/model.js';
import { type Cents, formatCents } from '../remit/money.js';
import type { Ledger } from '../store/store.js';
import { todayDate } from '../x12/dates.js';
import { createHash } from 'node:crypto';
import { depositFigures, depositRemittanceOf, depositRow, payerDeposits } from '../analysis/deposit-rows.js';
import type { MatchOptions } from '../analysis/deposits.js';
import type { BankCsvMapping, BankLine } from '../bank/model.js';
import { readBankFile } from '../input/bank-file.js';
import { displayName } from '../input/parse.js';
import { runDeposits } from './deposits.js';
import { RunOffsets } from './offsets.js';
import { type MergeSink, type ParallelOptions, planTasks, ScanPool, type Task } from './parallel.js';
import { IndexRecorder, LedgerRecorder, type RunRecorder } from './recorder.js';
import { reversedPayment } from './reversals.js';
import { ClaimPreparer, type ClaimFacts, type ClaimPrepOptions } from './claim-facts.js';
import { countDiagnostic, countSkipped, emptyStats, type ScanStats, UNLINKED_LISTED } from './stats.js';

export type { ScanStats, UnlinkedOffset } from './stats.js';
export { UNLINKED_LISTED } from './stats.js';

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
  /** Payer names and ids that are one payer (the config file's payers), applied before anything is counted. */
  payerAliases?: PayerAliases;
  /**
   * Match bank deposits (issue 14): given when statements are read (scanBankFile) or the deposits report is
   * wanted; how to read bank CSV exports and the matching windows.
   */
  deposits?: { csv?: BankCsvMapping; match?: MatchOptions };
  /** Each payer's appeal window (config `appealDays`), for the offsets' appeal_deadline; default 60 days. */
  appealWindows?: AppealWindows;
  /** Parse with worker threads (--jobs; ./parallel.ts): the same reports, sooner on large inputs. */
  parallel?: ParallelOptions;
}

export class Scanner {
  private readonly options: ScanOptions;
  private readonly wants: ReadonlySet<ReportName>;
  private readonly recorder: RunRecorder;
  private readonly offsets = new RunOffsets();
  private readonly summary = new SummaryBuilder();
  /** Remittances of this run that repeat one already read (a re-sent ERA). */
  private readonly repeats = new RepeatDetector<ClaimFacts>((d) => this.diagnostic(d));
  /** Makes each claim's facts (--jobs 1; workers have their own). */
  private readonly preparer: ClaimPreparer;
  readonly stats: ScanStats = emptyStats();
  /** Reversals and corrections of the run, kept for the reversals report (a few per thousand claims). */
  private readonly reversalClaims: ReversalClaim[] = [];

  constructor(options: ScanOptions) {
    this.options = options;
    this.wants = new Set(options.reports);
    this.recorder = options.ledger ? new LedgerRecorder(options.ledger, (d) => this.diagnostic(d)) : new IndexRecorder();
    this.preparer = new ClaimPreparer(this.prepOptions);
  }

  /** What a ClaimPreparer needs to make the facts this run wants (sent to workers). */
  get prepOptions(): ClaimPrepOptions {
    return { reports: this.options.reports, keepsRows: this.recorder.keepsRows, ...(this.options.carc ? { carc: this.options.carc } : {}) };
  }

  /** The pool of the last parallel scanFiles (tests read how many batches it received). */
  pool: ScanPool | null = null;

  /** How the last scanFiles used workers (null: in this thread): tasks, parts of files, parts read over. */
  parallelRun: { tasks: number; parts: number; dropped: number } | null = null;

  /** Bytes held by the run's claim index (for the benchmark). */
  get indexBytes(): number {
    return this.recorder.indexBytes;
  }

  private diagnostic(d: Diagnostic): void {
    countDiagnostic(this.stats, d);
    this.options.onDiagnostic(d);
  }

  /** Reads one input ('-' = stdin). Never throws for bad input; ledger failures stop the run (RecoupError). */
  async scanFile(path: string): Promise<void> {
    if (!(await this.beginInput(path))) return;
    const recorder = this.recorder;
    const onBytes = this.options.onBytes;
    let outcome;
    try {
      outcome = await parseFile(
        path,
        {
          claim: (c, r) => this.onClaim(c, r),
          remittance: (r) => this.onRemittance(r),
          transactionSkipped: (info) => countSkipped(this.stats, info.type),
          diagnostic: (d) => this.diagnostic(d),
          ...(this.options.waitForOutput ? { afterChunk: this.options.waitForOutput } : {}),
          ...(this.options.ledger || onBytes
            ? {
                bytes: (chunk: Buffer) => {
                  recorder.bytes(chunk);
                  onBytes?.(chunk.length);
                },
              }
            : {}),
        },
        { keepClaims: false, ...(this.options.stdin ? { stdin: this.options.stdin } : {}) },
      );
    } catch (err) {
      recorder.abortFile();
      throw err;
    }
    this.endInput(path, outcome.readable, outcome.bytes);
  }

  /** Counts an input and opens its recording; false when --new-only skips it (already in the ledger). */
  private async beginInput(path: string): Promise<boolean> {
    this.stats.files++;
    if (this.options.newOnly && (await this.recorder.alreadyRecorded(path))) {
      this.stats.skippedKnownFiles++;
      this.diagnostic(makeDiagnostic('LEDGER_FILE_KNOWN', `${path} is already in the ledger; skipped (--new-only)`, { file: path }));
      return false;
    }
    this.recorder.beginFile(path);
    return true;
  }

  private endInput(path: string, readable: boolean, bytes: number, sha256?: string): void {
    this.stats.bytes += bytes;
    if (!readable) this.stats.unreadableFiles++;
    this.recorder.endFile(path, readable, bytes, sha256);
  }

  /**
   * Reads the inputs in order, as scanFile on each would. With `parallel` (--jobs above 1) and inputs
   * large enough to be worth it, worker threads parse them (./parallel.ts) and this thread merges what
   * they send in input order, through the same methods: the reports and diagnostics are the same.
   */
  async scanFiles(paths: readonly string[], onFileDone?: () => void): Promise<void> {
    const p = this.options.parallel;
    // a ledger hashes and records each file in one transaction as it is read: its files are not cut
    const tasks = p ? await planTasks(paths, { ...p, split: this.options.ledger === undefined }) : null;
    if (tasks === null || p === undefined) {
      for (const path of paths) {
        await this.scanFile(path);
        onFileDone?.();
      }
      return;
    }
    this.parallelRun = { tasks: tasks.length, parts: tasks.filter((t) => t.kind === 'part').length, dropped: 0 };
    const pool = new ScanPool(tasks, p.jobs, {
      prep: this.prepOptions,
      aliases: this.options.payerAliases?.list ?? null,
      hash: this.options.ledger !== undefined,
      ...(p.batchEvents !== undefined ? { batchEvents: p.batchEvents } : {}),
      ...(p.credit !== undefined ? { credit: p.credit } : {}),
      ...(p.windowBytes !== undefined ? { windowBytes: p.windowBytes } : {}),
    });
    this.pool = pool;
    const sink: MergeSink = {
      diagnostic: (d) => this.diagnostic(d),
      skipped: (type) => countSkipped(this.stats, type),
      claim: (f, r) => this.claimFacts(f, r),
      remittanceEnd: (r) => this.remittanceEnd(r),
      bytes: (n) => this.options.onBytes?.(n),
      waitForOutput: () => this.options.waitForOutput?.(),
    };
    try {
      for (let i = 0; i < tasks.length; i++) {
        const t = tasks[i]!;
        if (t.kind === 'main') {
          await this.scanFile(t.path);
          onFileDone?.();
          continue;
        }
        // the file's tasks: itself whole, or its parts (planTasks lists them together, the last marked)
        const ids = [i];
        if (t.kind === 'part') while (!(tasks[i] as Task & { kind: 'part' }).last) ids.push(++i);
        await this.mergeFile(pool, tasks, ids, sink);
        onFileDone?.();
      }
    } finally {
      await pool.close();
    }
  }

  /** One file from the workers: its parts merged in order, a part read over by the one before dropped. */
  private async mergeFile(pool: ScanPool, tasks: readonly Task[], ids: readonly number[], sink: MergeSink): Promise<void> {
    const path = tasks[ids[0]!]!.path;
    if (!(await this.beginInput(path))) {
      for (const id of ids) pool.drop(id);
      return;
    }
    let segments = 0;
    let bytes = 0;
    let readable = true;
    let sha256: string | null = null;
    let reached = 0;
    try {
      for (const id of ids) {
        const t = tasks[id]!;
        if (t.kind === 'part' && t.start < reached) {
          pool.drop(id);
          this.parallelRun!.dropped++;
          continue;
        }
        const done = await pool.merge(id, sink, segments);
        segments += done.outcome.segments;
        bytes += done.outcome.bytes;
        readable &&= done.outcome.readable;
        sha256 = done.sha256;
        reached = done.end;
      }
    } catch (err) {
      this.recorder.abortFile();
      throw err;
    }
    this.endInput(path, readable, bytes, sha256 ?? undefined);
  }

  /**
   * Reads one bank statement (BAI2 or CSV) whole and keeps its lines for deposit matching at finish().
   * Never throws for bad input (coded diagnostics); a statement or line read before is counted once.
   */
  /** A --bank path that could not be expanded (missing, unreadable folder, a folder without statements): a statement given, not read. */
  bankPathProblem(): void {
    this.stats.bankFiles++;
    this.stats.unreadableBankFiles++;
  }

  async scanBankFile(path: string): Promise<void> {
    this.stats.bankFiles++;
    const file = displayName(path);
    const lines: BankLine[] = [];
    const hash = createHash('sha256');
    const csv = this.options.deposits?.csv;
    const outcome = await readBankFile(path, { line: (l) => lines.push(l), diagnostic: (d) => this.diagnostic(d) }, { ...(csv ? { csv } : {}), onBytes: (chunk) => hash.update(chunk) });
    if (!outcome.readable || outcome.format === null) {
      this.stats.unreadableBankFiles++;
      return;
    }
    const kept = this.recorder.bankStatement({ path: file, format: outcome.format, sha256: hash.digest('hex'), bytes: outcome.bytes }, lines);
    if (kept.known) {
      this.diagnostic(makeDiagnostic('LEDGER_FILE_KNOWN', `${file} (same content) was read before; its lines are counted once`, { file }));
      return;
    }
    for (const l of kept.repeated) {
      this.diagnostic(makeDiagnostic('BANK_LINE_REPEATED', `the bank line of ${l.date} for ${formatCents(l.amount)} with bank reference ${l.reference} was read before; counted once`, { file: l.file, line: l.line, byteOffset: l.byteOffset }));
    }
  }

  private onClaim(c: Claim, r: Remittance): void {
    const aliases = this.options.payerAliases;
    if (aliases) {
      aliases.apply(r);
      if (c.payer) aliases.applyParty(c.payer);
    }
    this.claimFacts(this.preparer.prepare(c, r), r);
  }

  /**
   * A claim's facts, in input order (made here from onClaim, or by a worker): a claim of a remittance
   * that looks read before is held until its SE decides (RepeatDetector).
   */
  claimFacts(f: ClaimFacts, r: Remittance): void {
    if (this.repeats.claim(f, r)) this.countClaim(f, r);
  }

  private countClaim(f: ClaimFacts, r: Remittance): void {
    this.stats.claims++;
    const keeps = this.recorder.keepsRows;
    const row = f.row;
    const forReversals = this.wants.has('reversals') && (f.statusCode === '22' || f.correctsIcn !== '');
    // the payment a reversal takes back is looked up (in the run or the ledger) before this claim is recorded
    if (f.statusCode === '22' && row !== null) {
      const reversed = reversedPayment(this.recorder.source, f, r);
      if (reversed !== null) {
        row.reverses_trace_number = reversed.traceNumber;
        row.reverses_payment_date = reversed.paymentDate;
      }
    }
    if (forReversals) this.reversalClaims.push({ row: row!, paymentDate: paymentDate(r), payerId: payerId(r) });
    this.recorder.claim(f, r, keeps ? { row: row!, adjustments: f.adjustments! } : null);
    for (const d of f.diagnostics) this.diagnostic(d);
    if (f.balanced === 'unknown') this.stats.balanceFailures++;
    if (this.wants.has('claims')) this.options.onRow('claims', row!);
    if (this.wants.has('adjustments')) for (const a of f.adjustments!) this.options.onRow('adjustments', a);
  }

  private onRemittance(r: Remittance): void {
    this.options.payerAliases?.apply(r);
    this.remittanceEnd(r);
  }

  /** A remittance at its SE, payer aliases applied (here from onRemittance, or by a worker), in input order. */
  remittanceEnd(r: Remittance): void {
    const verdict = this.repeats.end(r);
    if (!verdict.count) {
      this.stats.duplicateRemittances++;
      return;
    }
    for (const c of verdict.replay) this.countClaim(c, r);
    this.stats.remittances++;
    if (!r.closed) this.stats.incompleteRemittances++;
    let l6 = 0;
    let head: RemittanceHead | undefined;
    const firstOffset = this.offsets.length;
    // the stable ids of its offsets (src/analysis/offset-id.ts): made of the payment and its content
    const content = r.providerAdjustments.length > 0 ? this.repeats.fingerprint(r) : '';
    const idParts = { tracePayerId: r.trace.payerId, traceNumber: r.trace.number, paymentDate: paymentDate(r), paid: r.payment.amount, content };
    for (const [k, a] of r.providerAdjustments.entries()) {
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
      this.offsets.add(head, a, offsetId({ ...idParts, position: k + 1 }));
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
    const wantsPayments = this.wants.has('payments');
    const payment = wantsPayments || this.recorder.keepsRows ? paymentRow(r, balanced, balance.difference) : null;
    const figures = remittanceFigures(r, balanced === 'yes');
    this.recorder.remittance(
      r,
      () => this.repeats.fingerprint(r),
      () => ({ head: head ?? remittanceHead(r), figures, paymentRow: payment! }),
    );
    r.providerAdjustments.forEach((a, k) => this.recorder.offset(r, firstOffset + k, a, this.offsets.at(firstOffset + k).uid));
    if (this.options.deposits) this.recorder.depositRemittance(r, depositRemittanceOf(0, r, head ?? remittanceHead(r), figures));
    this.summary.addFigures(r, figures);
    if (wantsPayments) this.options.onRow('payments', payment!);
  }

  /** Links the run's offsets, emits the rows that need the whole run (offsets, summary, balances), returns the figures. */
  finish(): ScanStats {
    try {
      const links = this.offsets.link(this.recorder.source, this.recorder.priorDeferral);
      this.recorder.saveLinks(links);
      // one link at a time: a run with hundreds of thousands of offsets never holds them all as objects
      const limit = this.options.escalateOver;
      const wantsOffsets = this.wants.has('offsets');
      const wantsAging = this.wants.has('aging');
      const aging: AgingItem[] = [];
      // the review work queue (issue 16): the ledger's review states (none without a ledger: unknown)
      const states = this.recorder.reviewStates();
      if (states) this.summary.countReviews();
      const windows = this.options.appealWindows ?? new AppealWindows();
      const keepRows = this.wants.has('suspense') || this.wants.has('reversals');
      const offsetRows: Row[] = [];
      for (let i = 0; i < this.offsets.length; i++) {
        const o = this.offsets.at(i);
        const uid = this.recorder.storedUid(i) ?? o.uid;
        const escalated = limit !== undefined && Math.abs(o.amount) > limit;
        const category = categorizeOffset(o.reasonCode, o.amount);
        const link = links.get(i);
        this.summary.addLink(o.remittance, o.amount, category, link, paymentDate(o.remittance), escalated, !o.unreadable);
        if (escalated) this.stats.escalatedOffsets++;
        if (isUnlinkedRecoupment(category, link)) {
          this.stats.unlinkedRecoupments++;
          if (this.stats.unlinkedList.length < UNLINKED_LISTED) {
            this.stats.unlinkedList.push({ file: o.remittance.file, traceNumber: o.remittance.trace.number, reasonCode: o.reasonCode, reference: o.reference ?? '', amount: o.amount, basis: link.basis });
          }
        }
        const unlinked = wantsAging ? unlinkedRecoupment(o.remittance, o.amount, category, link, !o.unreadable) : null;
        if (unlinked) aging.push(unlinked);
        const amount = o.unreadable ? null : o.amount;
        if (states) this.summary.addReview(o.remittance, states.get(uid) ?? NEW_STATE, escalated, category, amount);
        if (wantsOffsets || keepRows) {
          const row = offsetRow(o.remittance, o, link, escalated, offsetReview(uid, category, amount, paymentDate(o.remittance), payerId(o.remittance), windows, states));
          if (wantsOffsets) this.options.onRow('offsets', row);
          if (keepRows) offsetRows.push(row);
        }
      }
      if (this.options.deposits) {
        const inputs = this.recorder.depositInputs();
        if (inputs.lines.length > 0) {
          const matches = runDeposits(inputs, this.options.deposits.match);
          this.stats.deposits = depositFigures(matches);
          this.summary.setDeposits(payerDeposits(matches));
          if (this.wants.has('deposits')) for (const m of matches) this.options.onRow('deposits', depositRow(m));
        }
      }
      if (this.wants.has('summary')) for (const row of this.summary.rows()) this.options.onRow('summary', row);
      const asOf = this.options.asOf ?? todayDate();
      if (this.wants.has('suspense')) for (const row of suspenseRows(offsetRows, asOf)) this.options.onRow('suspense', row);
      if (this.wants.has('reversals')) for (const row of reversalRows(this.reversalClaims, offsetRows)) this.options.onRow('reversals', row);
      if (this.wants.has('balances') || wantsAging) {
        const balances = computeBalances(this.recorder.balanceInputs(this.offsets, links), asOf);
        if (this.wants.has('balances')) for (const row of balances) this.options.onRow('balances', row);
        if (wantsAging) for (const row of computeAging([...openDeferrals(balances), ...aging], asOf)) this.options.onRow('aging', row);
      }
    } finally {
      this.recorder.close();
    }
    return this.stats;
  }
}
