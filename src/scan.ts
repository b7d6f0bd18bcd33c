// `recoup scan`: runs every input through the parser and the analysis, and hands report rows to a sink.
// Claims, adjustments and payments stream out as they are read; offsets (which link to claims seen
// anywhere in the run) and the summary come out when the run finishes.

import type { Readable } from 'node:stream';
import { checkClaimBalance, checkRemittanceBalance } from './analysis/balance.js';
import { adjustmentRows, claimRow, offsetRow, patientName, paymentDate, payerId, paymentRow } from './analysis/build-rows.js';
import { ClaimIndex, linkOffsets } from './analysis/link.js';
import { isKnownPlbCode } from './analysis/codes.js';
import type { ReportName, Row } from './analysis/rows.js';
import { SummaryBuilder } from './analysis/summary.js';
import { type Diagnostic, makeDiagnostic } from './diagnostics.js';
import { expandInputs } from './inputs.js';
import { parseFile } from './read.js';
import type { Claim, ProviderAdjustment, Remittance } from './remit/model.js';

export interface ScanOptions {
  reports: readonly ReportName[];
  /** A licensed CARC list (code → description) for the adjustments report. */
  carc?: ReadonlyMap<string, string>;
  onRow: (report: ReportName, row: Row) => void;
  onDiagnostic: (diagnostic: Diagnostic) => void;
  stdin?: Readable;
}

export interface ScanStats {
  files: number;
  unreadableFiles: number;
  remittances: number;
  balancedRemittances: number;
  unbalancedRemittances: number;
  claims: number;
  offsets: number;
  skippedTransactions: number;
  errors: number;
  warnings: number;
  bytes: number;
}

interface PendingOffset {
  remittance: Remittance;
  adjustment: ProviderAdjustment;
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
  private readonly index = new ClaimIndex();
  private readonly reversals: ReversalIndex = { remittance: null, byPcn: new Map(), byIcn: new Map() };
  readonly stats: ScanStats = {
    files: 0,
    unreadableFiles: 0,
    remittances: 0,
    balancedRemittances: 0,
    unbalancedRemittances: 0,
    claims: 0,
    offsets: 0,
    skippedTransactions: 0,
    errors: 0,
    warnings: 0,
    bytes: 0,
  };

  constructor(options: ScanOptions) {
    this.options = options;
    this.wants = new Set(options.reports);
  }

  private diagnostic(d: Diagnostic): void {
    if (d.severity === 'error') this.stats.errors++;
    else if (d.severity === 'warning') this.stats.warnings++;
    this.options.onDiagnostic(d);
  }

  /** Reads one input ('-' = stdin). Never throws for bad input. */
  async scanFile(path: string): Promise<void> {
    this.stats.files++;
    const outcome = await parseFile(
      path,
      {
        claim: (c, r) => this.onClaim(c, r),
        remittance: (r) => this.onRemittance(r),
        transactionSkipped: () => this.stats.skippedTransactions++,
        diagnostic: (d) => this.diagnostic(d),
      },
      { keepClaims: false, ...(this.options.stdin ? { stdin: this.options.stdin } : {}) },
    );
    this.stats.bytes += outcome.bytes;
    if (!outcome.readable) this.stats.unreadableFiles++;
  }

  private onClaim(c: Claim, r: Remittance): void {
    this.stats.claims++;
    this.index.addClaim({
      pcn: c.patientControlNumber,
      icn: c.payerClaimControlNumber,
      originalReference: c.originalReference,
      statusCode: c.statusCode,
      payerKey: payerId(r),
      patient: patientName(c),
      traceNumber: r.trace.number,
      paymentDate: paymentDate(r),
      file: r.file,
      paid: c.paid,
    });
    const balance = checkClaimBalance(c, r.file);
    for (const d of balance.diagnostics) this.diagnostic(d);
    const correctsIcn = this.pairReversal(c, r);
    if (this.wants.has('claims')) this.options.onRow('claims', claimRow(r, c, balance.balanced, correctsIcn));
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
    this.stats.remittances++;
    if (r.trace.number) this.index.addRemittance({ traceNumber: r.trace.number, payerKey: payerId(r), paymentDate: paymentDate(r), file: r.file });
    let l6 = 0;
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
      this.offsets.push({ remittance: r, adjustment: a });
    }
    this.stats.offsets += r.providerAdjustments.length;
    const balance = checkRemittanceBalance(r, l6);
    for (const d of balance.diagnostics) this.diagnostic(d);
    if (balance.balanced) this.stats.balancedRemittances++;
    else this.stats.unbalancedRemittances++;
    this.summary.add(r, balance.balanced);
    if (this.wants.has('payments')) this.options.onRow('payments', paymentRow(r, balance.balanced, balance.difference));
  }

  /** Emits the rows that need the whole run (offsets, summary) and returns the run's figures. */
  finish(): ScanStats {
    if (this.wants.has('offsets')) {
      const links = linkOffsets(
        this.index,
        this.offsets.map((o) => ({ payerKey: payerId(o.remittance), reasonCode: o.adjustment.reasonCode, reference: o.adjustment.reference, amount: o.adjustment.amount })),
      );
      this.offsets.forEach((o, i) => this.options.onRow('offsets', offsetRow(o.remittance, o.adjustment, links[i]!)));
    }
    if (this.wants.has('summary')) for (const row of this.summary.rows()) this.options.onRow('summary', row);
    return this.stats;
  }
}

export interface ScanResult {
  reports: Partial<Record<ReportName, Row[]>>;
  diagnostics: Diagnostic[];
  stats: ScanStats;
}

/**
 * Library entry point: `import { scan } from 'recoup'`. Reads files and directories (recursively) and
 * returns the same rows the CLI prints.
 */
export async function scan(paths: readonly string[], options: { reports?: readonly ReportName[]; carc?: ReadonlyMap<string, string> } = {}): Promise<ScanResult> {
  const reports = options.reports ?? ['summary', 'payments', 'offsets', 'claims', 'adjustments'];
  const out: Partial<Record<ReportName, Row[]>> = {};
  for (const r of reports) out[r] = [];
  const diagnostics: Diagnostic[] = [];
  const scanner = new Scanner({
    reports,
    ...(options.carc ? { carc: options.carc } : {}),
    onRow: (report, row) => out[report]!.push(row),
    onDiagnostic: (d) => diagnostics.push(d),
  });
  const expanded = await expandInputs(paths);
  diagnostics.push(...expanded.diagnostics);
  for (const input of expanded.inputs) await scanner.scanFile(input);
  const stats = scanner.finish();
  return { reports: out, diagnostics, stats };
}
