// `recoup report`: every report answered from the ledger alone, without reading a file — payments,
// claims and adjustments as the scans recorded them, offsets linked again against every claim the ledger
// holds (so a report after several nightly runs equals one scan over all their files), the summary,
// balances and aging from those links. Filters: payment dates, payer, offset category, status.

import { type AgingItem, computeAging, openDeferrals, unlinkedRecoupment } from '../analysis/aging.js';
import { balanceOffset, offsetRow, payerId, paymentDate, type RemittanceHead } from '../analysis/build-rows.js';
import { categorizeOffset } from '../analysis/codes.js';
import { type BalanceOffset, chronological, computeBalances } from '../analysis/deferrals.js';
import { type ClaimRef, type ClaimStore, linkOffsetTable, MAX_CANDIDATES } from '../analysis/link.js';
import type { PayerAliases } from '../analysis/payer-aliases.js';
import type { ReportName, Row } from '../analysis/rows.js';
import { SummaryBuilder } from '../analysis/summary.js';
import type { Cents } from '../remit/money.js';
import { DEPOSIT_STATUSES, matchDeposits, type MatchOptions } from '../analysis/deposits.js';
import { depositRow, payerDeposits } from '../analysis/deposit-rows.js';
import type { Ledger, LedgerFilter, RecordedClaim, RecordedOffset } from '../store/store.js';
import { AppealWindows, foldStates, NEW_STATE, offsetReview } from '../analysis/review.js';
import { type ReversalClaim, reversalRows, suspenseRows } from '../analysis/review-reports.js';

export interface LedgerReportOptions {
  reports: readonly ReportName[];
  filter: LedgerFilter;
  /** Offsets of this category only (offsets report). */
  category?: string | undefined;
  /** Claims with this CLP02 status code, balances with this status (open, partly_collected, collected). */
  status?: string | undefined;
  /** The date open balances and aging are counted to (YYYY-MM-DD). */
  asOf: string;
  escalateOver?: Cents | undefined;
  /** The deposit date windows (config `bank`). */
  match?: MatchOptions | undefined;
  /** A licensed CARC list for the adjustments report's reason texts. */
  carc?: ReadonlyMap<string, string> | undefined;
  /** The config's payer aliases, applied to what was recorded before (or without) them. */
  aliases?: PayerAliases | undefined;
  /** Each payer's appeal window (config appealDays), for appeal_deadline; default 60 days. */
  appealWindows?: AppealWindows | undefined;
  onRow: (report: ReportName, row: Row) => void;
}

export interface LedgerReportFigures {
  remittances: number;
  /** Remittances recorded before the ledger kept report data (schema 3): not in any report. */
  withoutReportData: number;
  /** Claims reported (undefined when no claims or adjustments report was asked for: not counted). */
  claims: number | undefined;
  /** Offsets reported (undefined when not counted). */
  offsets: number | undefined;
  /** Bank lines the ledger holds (undefined when no deposits were matched: not asked for). */
  bankLines: number | undefined;
}

/** The ledger as linking sees it, with each claim's and remittance's payer id read through the aliases. */
function aliasedStore(ledger: Ledger, aliases: PayerAliases): ClaimStore {
  const claim = (c: ClaimRef): ClaimRef => ({ ...c, payerKey: aliases.idOf(c.payerKey) });
  return {
    claimsByIcn: (k) => ledger.claimsByIcn(k).map(claim),
    claimsByPcn: (k) => ledger.claimsByPcn(k).map(claim),
    claimsByOriginalReference: (k) => ledger.claimsByOriginalReference(k).map(claim),
    remittancesByTrace: (t) => ledger.remittancesByTrace(t).map((r) => ({ ...r, payerKey: aliases.idOf(r.payerKey) })),
    hasClaimIcn: (k) => ledger.hasClaimIcn(k),
    ...(ledger.prefetch ? { prefetch: (keys: readonly string[]) => ledger.prefetch!(keys) } : {}),
    claimBySeq: (seq) => {
      const c = ledger.claimBySeq(seq);
      return c === null ? null : claim(c);
    },
  };
}

/**
 * The payment a reversal takes back, as src/scan/reversals.ts finds it during a scan of files in date
 * order: the latest non-reversal claim paid before it (an earlier payment date, or the same date and
 * recorded before it) with its CLP07 (or the CLP07 its REF*F8 names), same payer first. By date, not by
 * recording order, so files recorded out of order find it too.
 */
function earlierPayment(store: ClaimStore, c: RecordedClaim, payerKey: string, date: string): ClaimRef | null {
  const keys = [c.icn, c.originalReference].filter((k) => k !== '');
  const before = (x: ClaimRef): boolean => x.paymentDate < date || (x.paymentDate === date && x.seq < c.id);
  const found = keys.flatMap((k) => store.claimsByIcn(k)).filter((x) => x.statusCode !== '22' && before(x));
  if (found.length === 0 || found.length > MAX_CANDIDATES) return null;
  const same = found.filter((x) => x.payerKey === payerKey);
  const pool = same.length > 0 ? same : found;
  const later = (a: ClaimRef, b: ClaimRef): boolean => a.paymentDate > b.paymentDate || (a.paymentDate === b.paymentDate && a.seq > b.seq);
  return pool.reduce((a, b) => (later(b, a) ? b : a));
}

/** True when a remittance passes the payment-date and payer filter (payer: its id or name, any case). */
function passes(head: RemittanceHead, f: LedgerFilter): boolean {
  const date = paymentDate(head);
  if (f.from !== undefined && date < f.from) return false;
  if (f.to !== undefined && date > f.to) return false;
  if (f.payer !== undefined && payerId(head).toLowerCase() !== f.payer.toLowerCase() && head.payer.name.toLowerCase() !== f.payer.toLowerCase()) return false;
  return true;
}

export function reportFromLedger(ledger: Ledger, o: LedgerReportOptions): LedgerReportFigures {
  const wants = new Set(o.reports);
  const all = ledger.recordedRemittances({});
  const heads = new Map<number, RemittanceHead>();
  const chosen = new Set<number>();
  const summary = new SummaryBuilder();
  const aliases = o.aliases !== undefined && o.aliases.size > 0 ? o.aliases : undefined;
  const figures: LedgerReportFigures = { remittances: 0, withoutReportData: all.withoutReportData, claims: undefined, offsets: undefined, bankLines: undefined };
  for (const r of all.remittances) {
    // aliases set after a remittance was recorded still make its payer the one payer
    if (aliases) aliases.apply(r.head);
    heads.set(r.id, r.head);
    if (!passes(r.head, o.filter)) continue;
    chosen.add(r.id);
    figures.remittances++;
    summary.addFigures(r.head, r.figures);
    if (wants.has('payments')) o.onRow('payments', aliases ? { ...r.paymentRow, payer_name: r.head.payer.name, payer_id: payerId(r.head) } : r.paymentRow);
  }

  const store: ClaimStore = aliases ? aliasedStore(ledger, aliases) : ledger;
  if (wants.has('claims') || wants.has('adjustments')) {
    figures.claims = 0;
    // the claims of the chosen remittances (chosen above, with the aliases and Unicode case rules of JavaScript)
    for (const c of ledger.recordedClaims({ from: o.filter.from, to: o.filter.to }, o.carc)) {
      if (!chosen.has(c.remittanceId)) continue;
      if (o.status !== undefined && c.statusCode !== o.status) continue;
      figures.claims++;
      let row = aliases ? { ...c.row, payer_name: aliases.nameOf(c.row.payer_name ?? '') } : c.row;
      // a reversal recorded before the payment it takes back was: find that payment now, among the claims
      // recorded before it (as a scan over all the files would have)
      if (c.statusCode === '22' && row.reverses_trace_number === '' && wants.has('claims')) {
        const head = heads.get(c.remittanceId)!;
        const paid = earlierPayment(store, c, payerId(head), paymentDate(head));
        if (paid) row = { ...row, reverses_trace_number: paid.traceNumber, reverses_payment_date: paid.paymentDate };
      }
      if (wants.has('claims')) o.onRow('claims', row);
      if (wants.has('adjustments')) for (const a of c.adjustments) o.onRow('adjustments', a);
    }
  }

  if (wants.has('deposits') || wants.has('summary')) depositsFromLedger(ledger, o, heads, chosen, summary, figures);

  const needsLinks = wants.has('offsets') || wants.has('summary') || wants.has('balances') || wants.has('aging') || wants.has('suspense') || wants.has('reversals');
  if (!needsLinks) return figures;
  // the review work queue (issue 16): every offset's state from the audit trail
  const states = foldStates(ledger.reviewEvents());
  summary.countReviews();
  const windows = o.appealWindows ?? new AppealWindows();
  // every offset is linked again, against every claim of the ledger, in the order recorded (as one scan)
  const offsets: RecordedOffset[] = ledger.recordedOffsets().filter((x) => heads.has(x.remittanceId));
  const headOf = (x: RecordedOffset): RemittanceHead => heads.get(x.remittanceId)!;
  if (wants.has('offsets')) figures.offsets = 0;
  const links = linkOffsetTable(store, offsets.length, (i) => {
    const x = offsets[i]!;
    const h = headOf(x);
    return { payerKey: payerId(h), reasonCode: x.reasonCode, reference: x.reference, amount: x.amount, ownFile: h.file, ownTrace: h.trace.number };
  });
  const payerOnly: LedgerFilter = { payer: o.filter.payer };
  const balanceInputs: BalanceOffset[] = [];
  const aging: AgingItem[] = [];
  // rows the suspense list (chosen remittances) and the reversal log (every offset: a reversal may be
  // collected after the period) are made from
  const chosenRows: Row[] = [];
  const allRows: Row[] = [];
  for (let i = 0; i < offsets.length; i++) {
    const x = offsets[i]!;
    const h = headOf(x);
    const link = links.get(i);
    const category = categorizeOffset(x.reasonCode, x.amount);
    const fields = { providerId: x.providerId, fiscalPeriodDate: x.fiscalPeriodDate, reasonCode: x.reasonCode, reference: x.reference, amount: x.amount, ...(x.unreadable ? { unreadable: true as const } : {}) };
    const escalated = o.escalateOver !== undefined && Math.abs(x.amount) > o.escalateOver;
    const amount = x.unreadable ? null : x.amount;
    const row = offsetRow(h, fields, link, escalated, offsetReview(x.uid, category, amount, paymentDate(h), payerId(h), windows, states));
    if (wants.has('reversals')) allRows.push(row);
    if (chosen.has(x.remittanceId)) {
      summary.addLink(h, x.amount, category, link, paymentDate(h), escalated, !x.unreadable);
      summary.addReview(h, states.get(x.uid) ?? NEW_STATE, escalated, category, amount);
      if (o.category === undefined || category === o.category) {
        if (figures.offsets !== undefined) figures.offsets++;
        if (wants.has('offsets')) o.onRow('offsets', row);
        if (wants.has('suspense')) chosenRows.push(row);
      }
    }
    // balances and aging look at the payer's whole history (a deferral is collected after it was made)
    if (passes(h, payerOnly)) {
      balanceInputs.push(balanceOffset(h, x, link));
      const unlinked = unlinkedRecoupment(h, x.amount, category, link, !x.unreadable);
      if (unlinked) aging.push(unlinked);
    }
  }
  if (wants.has('summary')) for (const row of summary.rows()) o.onRow('summary', row);
  if (wants.has('balances') || wants.has('aging')) {
    const balances = computeBalances(chronological(balanceInputs), o.asOf);
    if (wants.has('balances')) {
      for (const row of balances) {
        const d = row.deferred_date ?? '';
        if (o.filter.from !== undefined && d < o.filter.from) continue;
        if (o.filter.to !== undefined && d > o.filter.to) continue;
        if (o.status !== undefined && row.status !== o.status) continue;
        o.onRow('balances', row);
      }
    }
    if (wants.has('aging')) for (const row of computeAging([...openDeferrals(balances), ...aging], o.asOf)) o.onRow('aging', row);
  }
  if (wants.has('suspense')) for (const row of suspenseRows(chosenRows, o.asOf)) o.onRow('suspense', row);
  if (wants.has('reversals')) {
    // reversals of the chosen remittances; their corrections and offsets at any date
    const claims: ReversalClaim[] = [];
    const chosenReversal = new Set<Row>();
    for (const c of ledger.recordedClaims({})) {
      const head = heads.get(c.remittanceId);
      if (head === undefined || (c.statusCode !== '22' && (c.row.corrects_icn ?? '') === '')) continue;
      let row = aliases ? { ...c.row, payer_name: aliases.nameOf(c.row.payer_name ?? '') } : c.row;
      if (c.statusCode === '22' && row.reverses_trace_number === '') {
        const paid = earlierPayment(store, c, payerId(head), paymentDate(head));
        if (paid) row = { ...row, reverses_trace_number: paid.traceNumber, reverses_payment_date: paid.paymentDate };
      }
      if (chosen.has(c.remittanceId)) chosenReversal.add(row);
      claims.push({ row, paymentDate: paymentDate(head), payerId: payerId(head) });
    }
    for (const row of reversalRows(claims, allRows, (r) => chosenReversal.has(r.row))) o.onRow('reversals', row);
  }
  return figures;
}

/**
 * Deposits matched over every bank line and remittance the ledger holds (a deposit's ERA may have been
 * recorded on another day), then narrowed: --from/--to on the deposit date (or, for an ERA without a
 * deposit, its payment date), --payer on the remittances a row names, --status on the deposit status.
 * The summary's deposit columns count the chosen remittances.
 */
function depositsFromLedger(ledger: Ledger, o: LedgerReportOptions, heads: ReadonlyMap<number, RemittanceHead>, chosen: ReadonlySet<number>, summary: SummaryBuilder, figures: LedgerReportFigures): void {
  const lines = ledger.bankLines();
  figures.bankLines = lines.length;
  if (lines.length === 0) return;
  // the payer as the aliases name it now
  const remittances = ledger.depositRemittances().map((r) => {
    const h = heads.get(r.key);
    return h ? { ...r, payerName: h.payer.name, payerId: payerId(h) } : r;
  });
  const matches = matchDeposits(lines, remittances, o.match ?? {});
  summary.setDeposits(payerDeposits(matches.filter((m) => m.remittances.some((r) => chosen.has(r.key)))));
  if (!o.reports.includes('deposits')) return;
  const f = o.filter;
  const payer = f.payer?.toLowerCase();
  for (const m of matches) {
    const date = m.line?.date ?? m.remittances[0]?.paymentDate ?? '';
    if (f.from !== undefined && date < f.from) continue;
    if (f.to !== undefined && date > f.to) continue;
    if (payer !== undefined && !m.remittances.some((r) => r.payerId.toLowerCase() === payer || r.payerName.toLowerCase() === payer)) continue;
    if (o.status !== undefined && m.status !== o.status) continue;
    o.onRow('deposits', depositRow(m));
  }
}
