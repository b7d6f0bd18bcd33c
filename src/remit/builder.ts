// Builds one Remittance from the segments of one ST…SE, following the loop table in loops.ts.
// Claims can be streamed out as each closes (onClaim) so a remittance with a million claims stays flat.
// Never throws on content: bad amounts, dates and misplaced segments become positioned diagnostics.

import { type Diagnostic, type DiagnosticCode, makeDiagnostic } from '../diagnostics/diagnostics.js';
import type { TransactionEnd, TransactionInfo } from '../x12/envelope.js';
import { ccyymmdd, isCalendarDate } from '../x12/dates.js';
import { DEFAULT_DELIMITERS, separatorAfterCode } from '../x12/delimiters.js';
import { ownString, type Segment } from '../x12/tokenizer.js';
import { findOpener, LOOP_OPENERS, type LoopId } from './loops.js';
import type { Adjustment, Claim, Party, ProviderAdjustment, Remittance, ServiceLine } from './model.js';
import { amountCents, type Cents, parseAmount } from './money.js';

export interface BuilderOptions {
  file: string;
  /** Keep every claim on Remittance.claims (default true). Streaming callers set false and use onClaim. */
  keepClaims?: boolean;
  /** Called when a claim (with its service lines) is complete. The remittance header is filled by then. */
  onClaim?: (claim: Claim, remittance: Remittance) => void;
  onDiagnostic?: (diagnostic: Diagnostic) => void;
}

type Handler = (b: RemittanceBuilder, seg: Segment) => void;

interface OpenLoop {
  id: LoopId;
  depth: number;
}

export class RemittanceBuilder {
  private readonly options: BuilderOptions;
  private remit: Remittance | null = null;
  private loops: OpenLoop[] = [];
  private claim: Claim | null = null;
  private service: ServiceLine | null = null;
  private sawBpr = false;
  private sawTrn = false;
  private is5010 = true;
  private errors = 0;
  private warnings = 0;
  private lastDateText = '';
  private lastDateIso: string | null = null;
  /** Where BPR was (for the BPR16 fallback message). */
  private bprOrigin: { segment: number; byteOffset: number } | null = null;
  /** A second N1*PR / N1*PE after the first: the party claims read from here on belong to. */
  private claimPayer: Party | null = null;
  private claimPayee: Party | null = null;
  /** Every identifier the payee is known by in 1000B (N104, each REF02), for the PLB01 check. */
  private readonly payeeIds = new Set<string>();

  constructor(options: BuilderOptions) {
    this.options = options;
  }

  start(info: TransactionInfo): void {
    this.remit = emptyRemittance(this.options.file, info);
    this.loops = [{ id: 'header', depth: 0 }];
    this.claim = null;
    this.service = null;
    this.sawBpr = false;
    this.sawTrn = false;
    this.bprOrigin = null;
    this.claimPayer = null;
    this.claimPayee = null;
    this.payeeIds.clear();
    this.errors = 0;
    this.warnings = 0;
    const version = this.remit.version || info.interchange?.version || '';
    this.is5010 = !/^0*4/.test(version);
  }

  segment(seg: Segment): void {
    const handlers = HANDLER_MAP.get(seg.id);
    const opener = handlers === undefined && !OPENER_IDS.has(seg.id) ? undefined : findOpener(seg.id, seg);
    if (opener !== undefined) {
      if (opener.requires !== undefined && !this.loops.some((l) => l.id === opener.requires)) {
        this.report('REMIT_UNEXPECTED_SEGMENT', `${seg.id} outside a ${opener.requires} loop (no CLP before it); ignored`, seg);
        return;
      }
      this.closeLoops(opener.depth);
      this.loops.push({ id: opener.opens, depth: opener.depth });
    }
    if (handlers === undefined) {
      // a segment nothing reads (N3, PER, MOA …) is never split; one the 835 does not define is said
      if (!KNOWN_835_SEGMENTS.has(seg.id)) this.unknownSegment(seg);
      return;
    }
    const handler = handlers.get(this.loops[this.loops.length - 1]!.id);
    if (handler !== undefined) handler(this, seg);
  }

  end(end: TransactionEnd): Remittance {
    this.closeLoops(1);
    const r = this.remit!;
    r.segmentCount = end.segmentCount;
    r.closed = end.closed;
    if (!this.sawBpr) {
      r.unreadable = [...r.unreadable, 'BPR02'];
      this.report('REMIT_MISSING_SEGMENT', `remittance ST ${r.transactionControl} has no BPR segment: the payment amount is unknown`, undefined, r.origin);
    } else if (r.payment.date === null) {
      // the payment date is BPR16; without it the production date is the nearest thing (said, not silent)
      const where = this.bprOrigin ?? r.origin;
      const d = makeDiagnostic(
        'REMIT_NO_PAYMENT_DATE',
        r.productionDate !== null
          ? `remittance ST ${r.transactionControl}: BPR16 (payment date) is empty or invalid; the production date DTM*405 is used as the payment date`
          : `remittance ST ${r.transactionControl}: no payment date (BPR16 and DTM*405 are empty or invalid)`,
        { file: this.options.file, segment: where.segment, byteOffset: where.byteOffset, segmentId: 'BPR', element: 'BPR16' },
      );
      this.warnings++;
      this.options.onDiagnostic?.(d);
    }
    if (!this.sawTrn) this.report('REMIT_MISSING_SEGMENT', `remittance ST ${r.transactionControl} has no TRN segment: the check/EFT trace number is unknown`, undefined, r.origin);
    r.errors = this.errors;
    r.warnings = this.warnings;
    this.remit = null;
    return r;
  }

  // ---- loop bookkeeping ----

  private closeLoops(depth: number): void {
    while (this.loops.length > 1 && this.loops[this.loops.length - 1]!.depth >= depth) {
      const closed = this.loops.pop()!;
      if (closed.id === '2110') this.finishService();
      else if (closed.id === '2100') this.finishClaim();
    }
  }

  private finishService(): void {
    if (this.service !== null && this.claim !== null) this.claim.services.push(this.service);
    this.service = null;
  }

  private finishClaim(): void {
    this.finishService();
    const c = this.claim;
    const r = this.remit!;
    if (c === null) return;
    this.claim = null;
    r.claimCount++;
    if (c.paid > 0) r.claimsPaid++;
    r.totals.claimCharge += c.charge;
    r.totals.claimPaid += c.paid;
    if (c.paid > 0) r.totals.grossClaimPaid += c.paid;
    r.totals.patientResponsibility += c.patientResponsibility ?? 0;
    r.totals.claimInterest += c.interest ?? 0;
    for (const a of c.adjustments) r.totals.claimAdjustments += a.amount;
    for (const s of c.services) for (const a of s.adjustments) r.totals.claimAdjustments += a.amount;
    if (this.options.keepClaims !== false) r.claims.push(c);
    this.options.onClaim?.(c, r);
  }

  // ---- element helpers used by the handlers ----

  get remittance(): Remittance {
    return this.remit!;
  }
  get currentClaim(): Claim | null {
    return this.claim;
  }
  set currentClaim(c: Claim | null) {
    this.claim = c;
  }
  get currentService(): ServiceLine | null {
    return this.service;
  }
  set currentService(s: ServiceLine | null) {
    this.service = s;
  }
  get version5010(): boolean {
    return this.is5010;
  }

  /**
   * N1*PR (1000A) or N1*PE (1000B). The first one names the remittance's party. A second one (several
   * payees in one remittance, or a payer loop repeated after the claims) does not overwrite it: it is said,
   * and the claims read after it carry it (Claim.payer / Claim.payee).
   */
  party(seg: Segment, which: 'payer' | 'payee'): void {
    const r = this.remittance;
    const first = r[which];
    if (first.name === '' && first.id === '' && r.claimCount === 0 && this.claim === null) {
      readParty(seg, first);
      if (which === 'payee' && first.id !== '') this.payeeIds.add(first.id);
      return;
    }
    const next: Party = { name: '', idQualifier: '', id: '', additionalId: '' };
    readParty(seg, next);
    if (which === 'payer') this.claimPayer = next;
    else {
      this.claimPayee = next;
      if (next.id !== '') this.payeeIds.add(next.id);
    }
    this.report(
      'REMIT_SECOND_PARTY',
      `a second ${which} (N1*${which === 'payer' ? 'PR' : 'PE'}) in remittance ST ${r.transactionControl}: the remittance keeps the first; claims after this one are reported under the new ${which}`,
      seg,
      undefined,
      'N101',
    );
  }

  /**
   * A segment id the 835 does not define. Its id is left out of the position and message (only --verbose
   * shows the segment): with an odd terminator (`'` in O'DAY) such an "id" can be part of a patient's name.
   */
  unknownSegment(seg: Segment): void {
    this.warnings++;
    const d = makeDiagnostic('REMIT_UNKNOWN_SEGMENT', 'a segment id the 835 does not define; ignored (--verbose shows the segment)', { file: this.options.file, segment: seg.number, byteOffset: seg.offset });
    this.options.onDiagnostic?.({ ...d, excerpt: excerptOf(seg) });
  }

  /** Gives a new claim the payer / payee it is read under, when that differs from the remittance's. */
  assignParties(c: Claim): void {
    if (this.claimPayer !== null) c.payer = this.claimPayer;
    if (this.claimPayee !== null) c.payee = this.claimPayee;
  }

  /** REF in 1000A/1000B: the additional id of the party being read (the second one's, after a repeat). */
  partyRef(seg: Segment, which: 'payer' | 'payee'): void {
    const qualifier = el(seg, 1);
    if (which === 'payee') {
      if (el(seg, 2) !== '') this.payeeIds.add(kept(seg, 2));
      if (qualifier !== 'TJ') return;
      const party = this.claimPayee ?? this.remittance.payee;
      if (party.additionalId === '') party.additionalId = kept(seg, 2);
    } else if (qualifier === '2U') {
      (this.claimPayer ?? this.remittance.payer).additionalId = kept(seg, 2);
    }
  }

  /** PLB01 should name the payee (835-domain.md §1.1): an offset for another provider is said, not absorbed silently. */
  checkPlbProvider(seg: Segment, providerId: string): void {
    if (this.payeeIds.size === 0 || providerId === '' || this.payeeIds.has(providerId)) return;
    this.report('PLB_OTHER_PROVIDER', `PLB01 does not match the payee's identifiers (N1*PE N104 or its REF): this adjustment may belong to another provider; attributed to the payee`, seg, undefined, 'PLB01');
  }
  markBpr(seg: Segment): void {
    this.sawBpr = true;
    this.bprOrigin = origin(seg);
  }
  markTrn(): void {
    this.sawTrn = true;
  }

  /**
   * An amount the balancing equations use (BPR02, CLP03/04, SVC02/03, CAS, PLB). When it cannot be read it
   * counts as 0 in the totals *and* its element is recorded on the claim and the remittance, so their
   * balance is unknown and the amount is shown as unknown (issue #11 §2). Null when unreadable.
   */
  readBalancing(seg: Segment, index: number): Cents | null {
    const cents = this.readAmount(seg, index);
    if (cents !== null) return cents;
    const element = designator(seg.id, index);
    // nearly every claim has none: they all share one empty list, replaced on the first entry
    if (this.claim !== null) this.claim.unreadable = [...this.claim.unreadable, element];
    if (this.remit !== null) this.remit.unreadable = [...this.remit.unreadable, element];
    return null;
  }

  /** readBalancing, with an unreadable amount counted as 0 (the element is recorded). */
  balancingAmount(seg: Segment, index: number): Cents {
    return this.readBalancing(seg, index) ?? 0;
  }

  /** The amount in cents, or null after reporting why it could not be read. The text stays out of the message (PHI). */
  private readAmount(seg: Segment, index: number): Cents | null {
    const inPlace = seg.read(index, amountCents); // the usual plain amount, without a substring
    if (inPlace !== null) return inPlace;
    const text = seg.el(index);
    if (text === '') {
      this.report('REMIT_BAD_AMOUNT', `${designator(seg.id, index)} is empty; an amount is required (reported as unknown)`, seg, undefined, designator(seg.id, index));
      return null;
    }
    const parsed = parseAmount(text);
    if (parsed.ok) return parsed.cents;
    this.report('REMIT_BAD_AMOUNT', `${designator(seg.id, index)} is not a valid amount (${parsed.reason}); reported as unknown`, seg, undefined, designator(seg.id, index));
    return null;
  }

  /** An amount outside the balancing equations (CLP05, AMT): absent → null, invalid → error + null (shown empty). */
  optionalAmount(seg: Segment, index: number): Cents | null {
    const text = seg.el(index);
    if (text === '') return null;
    return this.readAmount(seg, index);
  }

  date(seg: Segment, index: number): string | null {
    const text = seg.el(index);
    if (text === '') return null;
    if (text === this.lastDateText) return this.lastDateIso; // service lines repeat their dates
    const iso = ccyymmdd(text);
    if (iso !== null && isCalendarDate(iso)) {
      this.lastDateText = text;
      this.lastDateIso = iso;
      return iso;
    }
    this.report('REMIT_BAD_DATE', `${designator(seg.id, index)} is not a valid date (expected CCYYMMDD from 1800 on)`, seg, undefined, designator(seg.id, index));
    return null;
  }

  report(code: DiagnosticCode, message: string, seg?: Segment, origin?: { segment: number; byteOffset: number }, element?: string): void {
    const d = makeDiagnostic(code, message, {
      file: this.options.file,
      ...(seg !== undefined ? { segment: seg.number, byteOffset: seg.offset, segmentId: seg.id } : {}),
      ...(origin !== undefined ? { segment: origin.segment, byteOffset: origin.byteOffset, segmentId: 'ST' } : {}),
      ...(element !== undefined ? { element } : {}),
      ...(seg !== undefined ? { excerpt: excerptOf(seg) } : {}),
    });
    if (d.severity === 'error') this.errors++;
    else if (d.severity === 'warning') this.warnings++;
    this.options.onDiagnostic?.(d);
  }
}

// ---- segment handlers, keyed by segment id then by the loop the segment is in ----

const el = (seg: Segment, i: number): string => seg.el(i);
/** A value kept with the remittance for the whole run: copied so it does not pin the input block. */
const kept = (seg: Segment, i: number): string => ownString(seg.el(i));
const origin = (seg: Segment) => ({ segment: seg.number, byteOffset: seg.offset });

function readParty(seg: Segment, party: Party): void {
  party.name = kept(seg, 2);
  party.idQualifier = kept(seg, 3);
  party.id = kept(seg, 4);
}

function readCas(b: RemittanceBuilder, seg: Segment, into: Adjustment[]): void {
  const group = el(seg, 1);
  if (group === 'CR' && b.version5010) {
    b.report('REMIT_CAS_GROUP_CR', 'CAS group code CR (corrections and reversals) was removed in 5010; read as in 4010', seg, undefined, 'CAS01');
  }
  // CAS02-04, 05-07 … 17-19: up to six (reason, amount, quantity) triplets, every one kept.
  for (let t = 0; t < 6; t++) {
    const ri = 2 + t * 3;
    const reason = el(seg, ri);
    const amountText = el(seg, ri + 1);
    if (reason === '' && amountText === '') continue;
    const amount = b.readBalancing(seg, ri + 1);
    const adjustment: Adjustment = { group, reason, amount: amount ?? 0, quantity: el(seg, ri + 2), triplet: t + 1, origin: origin(seg) };
    if (amount === null) adjustment.unreadable = true;
    into.push(adjustment);
  }
}

/**
 * The component separator a composite (SVC01, PLB03) is written with: ISA16, unless the element does not
 * contain it but reads as a two-character qualifier followed by another separator character
 * (`HC>99213` under ISA16 `:`), which is then said and used rather than losing the code silently.
 */
function componentSeparatorOf(b: RemittanceBuilder, seg: Segment, index: number, text: string): string {
  const sep = seg.delimiters.component;
  if (text.includes(sep)) return sep;
  const other = separatorAfterCode(text, seg.delimiters.element);
  if (other === null) return sep;
  b.report(
    'REMIT_COMPONENT_SEPARATOR',
    `${designator(seg.id, index)} is a composite written with ${JSON.stringify(other)} where the interchange's component separator (ISA16) is ${JSON.stringify(sep)}; read with ${JSON.stringify(other)}`,
    seg,
    undefined,
    designator(seg.id, index),
  );
  return other;
}

/** SVC01 as qualifier, code and modifiers; the usual `HC:99213` without building a list. */
function procedure(b: RemittanceBuilder, seg: Segment): { qualifier: string; code: string; modifiers: string[] } {
  const text = seg.raw(1);
  const sep = text.includes(seg.delimiters.component) ? seg.delimiters.component : componentSeparatorOf(b, seg, 1, text);
  const first = text.indexOf(sep);
  if (first !== -1 && text.indexOf(sep, first + 1) === -1 && text.charCodeAt(0) > 0x20 && text.charCodeAt(text.length - 1) > 0x20) {
    return { qualifier: text.slice(0, first), code: text.slice(first + 1), modifiers: [] };
  }
  const proc = text.split(sep);
  return {
    qualifier: (proc[0] ?? '').trim(),
    code: (proc[1] ?? '').trim(),
    modifiers: proc
      .slice(2, 6)
      .map((m) => m.trim())
      .filter((m) => m !== ''),
  };
}

const HANDLERS: Record<string, Partial<Record<LoopId, Handler>>> = {
  BPR: {
    header: (b, seg) => {
      b.markBpr(seg);
      const p = b.remittance.payment;
      p.handlingCode = el(seg, 1);
      p.amount = b.balancingAmount(seg, 2);
      p.creditDebit = el(seg, 3);
      p.method = el(seg, 4);
      p.format = el(seg, 5);
      p.date = b.date(seg, 16);
    },
  },
  TRN: {
    header: (b, seg) => {
      b.markTrn();
      const t = b.remittance.trace;
      t.type = el(seg, 1);
      t.number = kept(seg, 2);
      t.payerId = kept(seg, 3);
      t.supplementalCode = kept(seg, 4);
    },
  },
  DTM: {
    header: (b, seg) => {
      if (el(seg, 1) === '405') b.remittance.productionDate = b.date(seg, 2);
    },
    '2100': (b, seg) => {
      const c = b.currentClaim!;
      const q = el(seg, 1);
      if (q === '232') c.statementFrom = b.date(seg, 2);
      else if (q === '233') c.statementTo = b.date(seg, 2);
      else if (q === '050') c.receivedDate = b.date(seg, 2);
    },
    '2110': (b, seg) => {
      const s = b.currentService!;
      const q = el(seg, 1);
      if (q === '472' || q === '150') s.serviceDate = b.date(seg, 2);
      else if (q === '151') s.serviceDateEnd = b.date(seg, 2);
    },
  },
  N1: {
    '1000A': (b, seg) => b.party(seg, 'payer'),
    '1000B': (b, seg) => b.party(seg, 'payee'),
  },
  REF: {
    '1000A': (b, seg) => b.partyRef(seg, 'payer'),
    '1000B': (b, seg) => b.partyRef(seg, 'payee'),
    '2100': (b, seg) => {
      if (el(seg, 1) === 'F8') b.currentClaim!.originalReference = el(seg, 2);
    },
    '2110': (b, seg) => {
      if (el(seg, 1) === '6R') b.currentService!.lineControl = el(seg, 2);
    },
  },
  CLP: {
    '2100': (b, seg) => {
      b.currentClaim = {
        patientControlNumber: el(seg, 1),
        statusCode: el(seg, 2),
        charge: 0,
        paid: 0,
        patientResponsibility: b.optionalAmount(seg, 5),
        filingIndicator: el(seg, 6),
        payerClaimControlNumber: el(seg, 7),
        facilityType: el(seg, 8),
        frequency: el(seg, 9),
        patientLastName: '',
        patientFirstName: '',
        memberId: '',
        originalReference: '',
        statementFrom: null,
        statementTo: null,
        receivedDate: null,
        interest: null,
        adjustments: [],
        services: [],
        unreadable: NONE,
        origin: origin(seg),
      };
      // read once the claim is open, so an unreadable CLP03/CLP04 counts against it
      const c = b.currentClaim!;
      b.assignParties(c);
      c.charge = b.balancingAmount(seg, 3);
      c.paid = b.balancingAmount(seg, 4);
    },
  },
  CAS: {
    '2100': (b, seg) => readCas(b, seg, b.currentClaim!.adjustments),
    '2110': (b, seg) => readCas(b, seg, b.currentService!.adjustments),
    '2000': (b, seg) => b.report('REMIT_UNEXPECTED_SEGMENT', 'CAS before any CLP; ignored', seg),
    header: (b, seg) => b.report('REMIT_UNEXPECTED_SEGMENT', 'CAS before any CLP; ignored', seg),
  },
  NM1: {
    '2100': (b, seg) => {
      const c = b.currentClaim!;
      const entity = el(seg, 1);
      if (entity === 'QC') {
        c.patientLastName = el(seg, 3);
        c.patientFirstName = el(seg, 4);
        if (el(seg, 9) !== '') c.memberId = el(seg, 9);
      } else if (entity === 'IL' && c.memberId === '') {
        c.memberId = el(seg, 9);
      }
    },
  },
  AMT: {
    '2100': (b, seg) => {
      if (el(seg, 1) === 'I') b.currentClaim!.interest = b.optionalAmount(seg, 2);
    },
    '2110': (b, seg) => {
      if (el(seg, 1) === 'B6') b.currentService!.allowed = b.optionalAmount(seg, 2);
    },
  },
  SVC: {
    '2110': (b, seg) => {
      const proc = procedure(b, seg);
      b.currentService = {
        procedureQualifier: proc.qualifier,
        procedureCode: proc.code,
        modifiers: proc.modifiers,
        charge: b.balancingAmount(seg, 2),
        paid: b.balancingAmount(seg, 3),
        revenueCode: el(seg, 4),
        units: el(seg, 5),
        serviceDate: null,
        serviceDateEnd: null,
        lineControl: '',
        allowed: null,
        adjustments: [],
        origin: origin(seg),
      };
    },
  },
  PLB: {
    summary: (b, seg) => {
      const r = b.remittance;
      r.plbSegments++;
      const providerId = kept(seg, 1);
      const fiscalPeriodDate = b.date(seg, 2);
      // PLB03/04 … PLB13/14: (adjustment identifier, amount) pairs; read every pair present.
      const last = seg.size - 1;
      let anyRead = false;
      for (let i = 3, pair = 1; i <= last; i += 2, pair++) {
        const idText = seg.raw(i);
        const amountText = seg.el(i + 1);
        if (idText.trim() === '' && amountText === '') continue;
        const parts = idText.split(componentSeparatorOf(b, seg, i, idText));
        const reasonCode = ownString((parts[0] ?? '').trim());
        const reference = parts.length > 1 ? ownString(parts.slice(1).join(seg.delimiters.component)) : null;
        if (reasonCode === '' || amountText === '') {
          b.report(
            'REMIT_PLB_INCOMPLETE',
            reasonCode === '' ? `PLB amount in ${designator('PLB', i + 1)} has no adjustment reason code; skipped` : `PLB adjustment ${reasonCode} in ${designator('PLB', i)} has no amount; skipped`,
            seg,
            undefined,
            designator('PLB', reasonCode === '' ? i + 1 : i),
          );
          continue;
        }
        const read = b.readBalancing(seg, i + 1);
        const amount = read ?? 0;
        if (amount === 0 && b.version5010 && parseAmount(amountText).ok) {
          b.report('REMIT_ZERO_PLB', `PLB adjustment ${reasonCode} of 0.00 in ${designator('PLB', i + 1)} (not allowed in 5010)`, seg, undefined, designator('PLB', i + 1));
        }
        const adjustment: ProviderAdjustment = {
          providerId,
          fiscalPeriodDate,
          reasonCode,
          reference: reference === null || reference.trim() === '' ? null : reference,
          amount,
          pair,
          element: designator('PLB', i),
          origin: origin(seg),
        };
        if (read === null) adjustment.unreadable = true;
        r.providerAdjustments.push(adjustment);
        r.totals.providerAdjustments += amount;
        anyRead = true;
      }
      // a PLB with no adjustment read (cut short after PLB01) says nothing about whose it is
      if (anyRead) b.checkPlbProvider(seg, providerId);
    },
  },
};

/** HANDLERS as maps, for one lookup per segment. */
const HANDLER_MAP = new Map(Object.entries(HANDLERS).map(([id, byLoop]) => [id, new Map(Object.entries(byLoop) as Array<[LoopId, Handler]>)]));
const OPENER_IDS = new Set(LOOP_OPENERS.map((o) => o.segment));
/** The empty `unreadable` list every claim and remittance starts with (frozen: entries replace it). */
const NONE: readonly string[] = Object.freeze([]);
/** Every segment id the 835 (4010 and 5010) defines inside ST…SE; anything else is said, not dropped silently. */
const KNOWN_835_SEGMENTS = new Set(['ST', 'SE', 'BPR', 'TRN', 'CUR', 'REF', 'DTM', 'N1', 'N2', 'N3', 'N4', 'PER', 'RDM', 'LX', 'TS3', 'TS2', 'CLP', 'CAS', 'NM1', 'MIA', 'MOA', 'AMT', 'QTY', 'SVC', 'LQ', 'PLB']);

function excerptOf(seg: Segment): string {
  const text = seg.elements.join(seg.delimiters.element);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function designator(id: string, index: number): string {
  return `${id}${index < 10 ? '0' : ''}${index}`;
}

function emptyRemittance(file: string, info: TransactionInfo): Remittance {
  const party = (): Party => ({ name: '', idQualifier: '', id: '', additionalId: '' });
  return {
    file,
    interchangeControl: info.interchange?.controlNumber ?? null,
    groupControl: info.group?.controlNumber ?? null,
    transactionControl: info.controlNumber,
    version: info.group?.version || info.implementation || info.interchange?.version || '',
    delimiters: info.interchange?.delimiters ?? { ...DEFAULT_DELIMITERS },
    origin: { segment: info.segment, byteOffset: info.byteOffset },
    payment: { handlingCode: '', amount: 0, creditDebit: '', method: '', format: '', date: null },
    trace: { type: '', number: '', payerId: '', supplementalCode: '' },
    productionDate: null,
    payer: party(),
    payee: party(),
    claims: [],
    claimCount: 0,
    claimsPaid: 0,
    providerAdjustments: [],
    plbSegments: 0,
    totals: { claimCharge: 0, claimPaid: 0, grossClaimPaid: 0, patientResponsibility: 0, providerAdjustments: 0, claimInterest: 0, claimAdjustments: 0 },
    unreadable: NONE,
    segmentCount: 0,
    closed: true,
    errors: 0,
    warnings: 0,
  };
}
