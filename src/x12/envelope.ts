// ISA/GS/ST…SE/GE/IEA framing over a stream of segments: who sent what, and whether the envelopes close
// and count right. Every envelope problem is a diagnostic, never a throw. Knows nothing of 835 meaning;
// it only passes the segments of accepted transaction sets (by ST01) on to the sink.

import { type Diagnostic, type DiagnosticCode, makeDiagnostic, type Severity } from '../diagnostics/diagnostics.js';
import { type Delimiters, showDelimiter } from './delimiters.js';
import type { Segment } from './tokenizer.js';
import { ccyymmdd } from './dates.js';

export interface InterchangeInfo {
  /** ISA13 (null for transactions that arrived without an ISA). */
  controlNumber: string | null;
  /** ISA05/ISA06 and ISA07/ISA08, trimmed. */
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA09 + ISA10 as YYYY-MM-DD and HH:MM (ISA09 is YYMMDD; years 00-69 are read as 20xx). */
  date: string | null;
  time: string | null;
  /** ISA12, e.g. 00501 or 00401. */
  version: string;
  /** ISA15: P production, T test. */
  usage: string;
  delimiters: Delimiters;
  segment: number;
  byteOffset: number;
  /** True for the stand-in interchange of transactions that had no ISA. */
  headerless: boolean;
}

export interface GroupInfo {
  /** GS01 functional identifier (HP for 835). */
  functionalId: string;
  senderId: string;
  receiverId: string;
  /** GS04 as YYYY-MM-DD. */
  date: string | null;
  /** GS06. */
  controlNumber: string;
  /** GS08, e.g. 005010X221A1. */
  version: string;
  segment: number;
  byteOffset: number;
}

export interface TransactionInfo {
  /** ST01, e.g. 835. */
  type: string;
  /** ST02. */
  controlNumber: string;
  /** ST03 implementation reference, when present. */
  implementation: string | null;
  segment: number;
  byteOffset: number;
  interchange: InterchangeInfo | null;
  group: GroupInfo | null;
}

export interface TransactionEnd {
  /** Segments read from ST through SE (or through the last segment before the transaction was cut off). */
  segmentCount: number;
  /** False when SE never came (another ST, GS, ISA or the end of input closed it). */
  closed: boolean;
}

export interface EnvelopeSink {
  interchangeStart?(info: InterchangeInfo): void;
  interchangeEnd?(info: InterchangeInfo, groups: number): void;
  groupStart?(info: GroupInfo): void;
  groupEnd?(info: GroupInfo, transactions: number): void;
  transactionStart(info: TransactionInfo): void;
  transactionSegment(segment: Segment): void;
  transactionEnd(info: TransactionInfo, end: TransactionEnd): void;
  /** A transaction of a type not accepted was skipped. */
  transactionSkipped?(info: TransactionInfo): void;
  diagnostic(diagnostic: Diagnostic): void;
}

export interface EnvelopeOptions {
  file?: string;
  /** ST01 values passed on to the sink; others are skipped with X12_NOT_835. Default: all. */
  acceptTypes?: readonly string[];
}

interface OpenTransaction {
  info: TransactionInfo;
  count: number;
  accepted: boolean;
}

export class EnvelopeReader {
  private readonly sink: EnvelopeSink;
  private readonly file: string | undefined;
  private readonly accept: ReadonlySet<string> | null;
  private interchange: InterchangeInfo | null = null;
  private interchangeGroups = 0;
  private group: GroupInfo | null = null;
  private groupTransactions = 0;
  private transaction: OpenTransaction | null = null;
  private stray: { id: string; number: number; offset: number; count: number } | null = null;

  constructor(sink: EnvelopeSink, options: EnvelopeOptions = {}) {
    this.sink = sink;
    this.file = options.file;
    this.accept = options.acceptTypes ? new Set(options.acceptTypes) : null;
  }

  /** Nothing open (no interchange, group, transaction or stray segments): the next ISA starts afresh. */
  get idle(): boolean {
    return this.interchange === null && this.group === null && this.transaction === null && this.stray === null;
  }

  segment(seg: Segment): void {
    switch (seg.id) {
      case 'ISA':
        return this.openInterchange(seg);
      case 'IEA':
        return this.closeInterchange(seg);
      case 'GS':
        return this.openGroup(seg);
      case 'GE':
        return this.closeGroup(seg);
      case 'ST':
        return this.openTransaction(seg);
      case 'SE':
        return this.closeTransaction(seg);
      default: {
        const t = this.transaction;
        if (t !== null) {
          t.count++;
          if (t.accepted) this.sink.transactionSegment(seg);
          return;
        }
        if (this.stray === null) this.stray = { id: seg.id, number: seg.number, offset: seg.offset, count: 1 };
        else this.stray.count++;
      }
    }
  }

  /** Closes whatever is still open at the end of input. */
  end(): void {
    this.flushStray();
    if (this.transaction !== null) this.abandonTransaction('the end of the input');
    if (this.group !== null) {
      this.report('X12_MISSING_TRAILER', `functional group ${this.group.controlNumber} has no GE trailer before the end of the input`, this.group.segment, this.group.byteOffset, 'GS');
      this.sink.groupEnd?.(this.group, this.groupTransactions);
      this.group = null;
    }
    if (this.interchange !== null) {
      if (!this.interchange.headerless) {
        this.report('X12_MISSING_TRAILER', `interchange ${this.interchange.controlNumber} has no IEA trailer before the end of the input`, this.interchange.segment, this.interchange.byteOffset, 'ISA');
      }
      this.sink.interchangeEnd?.(this.interchange, this.interchangeGroups);
    }
    this.interchange = null;
  }

  private openInterchange(seg: Segment): void {
    this.flushStray();
    if (this.transaction !== null) this.abandonTransaction('a new ISA');
    if (this.group !== null) {
      this.report('X12_MISSING_TRAILER', `functional group ${this.group.controlNumber} has no GE trailer before the next ISA`, this.group.segment, this.group.byteOffset, 'GS');
      this.sink.groupEnd?.(this.group, this.groupTransactions);
      this.group = null;
    }
    if (this.interchange !== null) {
      if (!this.interchange.headerless) {
        this.report('X12_MISSING_TRAILER', `interchange ${this.interchange.controlNumber} has no IEA trailer before the next ISA`, this.interchange.segment, this.interchange.byteOffset, 'ISA');
      }
      this.sink.interchangeEnd?.(this.interchange, this.interchangeGroups);
    }
    const e = seg.elements;
    const el = (i: number): string => (e[i] ?? '').trim();
    this.interchange = {
      controlNumber: el(13),
      senderQualifier: el(5),
      senderId: el(6),
      receiverQualifier: el(7),
      receiverId: el(8),
      date: isaDate(el(9)),
      time: hhmm(el(10)),
      version: el(12),
      usage: el(15),
      delimiters: seg.delimiters,
      segment: seg.number,
      byteOffset: seg.offset,
      headerless: false,
    };
    this.interchangeGroups = 0;
    this.sink.interchangeStart?.(this.interchange);
  }

  private closeInterchange(seg: Segment): void {
    this.flushStray();
    if (this.transaction !== null) this.abandonTransaction('IEA');
    if (this.group !== null) {
      this.report('X12_MISSING_TRAILER', `functional group ${this.group.controlNumber} has no GE trailer before IEA`, this.group.segment, this.group.byteOffset, 'GS');
      this.sink.groupEnd?.(this.group, this.groupTransactions);
      this.group = null;
    }
    const ic = this.interchange;
    if (ic === null || ic.headerless) {
      this.report('X12_UNEXPECTED_TRAILER', 'IEA with no ISA open', seg.number, seg.offset, 'IEA');
      return;
    }
    const count = (seg.elements[1] ?? '').trim();
    if (!sameNumber(count, String(this.interchangeGroups))) {
      this.report('X12_COUNT_MISMATCH', `IEA01 says ${JSON.stringify(count)} functional groups, ${this.interchangeGroups} were read`, seg.number, seg.offset, 'IEA', 'IEA01');
    }
    const control = (seg.elements[2] ?? '').trim();
    if (!sameNumber(control, ic.controlNumber ?? '')) {
      this.report('X12_CONTROL_MISMATCH', `IEA02 ${JSON.stringify(control)} does not match ISA13 ${JSON.stringify(ic.controlNumber)}`, seg.number, seg.offset, 'IEA', 'IEA02');
    }
    this.sink.interchangeEnd?.(ic, this.interchangeGroups);
    this.interchange = null;
  }

  private openGroup(seg: Segment): void {
    this.flushStray();
    if (this.transaction !== null) this.abandonTransaction('a new GS');
    if (this.group !== null) {
      this.report('X12_MISSING_TRAILER', `functional group ${this.group.controlNumber} has no GE trailer before the next GS`, this.group.segment, this.group.byteOffset, 'GS');
      this.sink.groupEnd?.(this.group, this.groupTransactions);
    }
    const e = seg.elements;
    const el = (i: number): string => (e[i] ?? '').trim();
    if (this.interchange === null) {
      this.report('X12_NO_ISA', 'functional group GS has no ISA envelope; read with the default delimiters', seg.number, seg.offset, 'GS');
      this.interchange = headerlessInterchange(seg);
      this.interchangeGroups = 0;
      this.sink.interchangeStart?.(this.interchange);
    }
    this.interchangeGroups++;
    this.group = {
      functionalId: el(1),
      senderId: el(2),
      receiverId: el(3),
      date: ccyymmdd(el(4)),
      controlNumber: el(6),
      version: el(8),
      segment: seg.number,
      byteOffset: seg.offset,
    };
    this.groupTransactions = 0;
    this.sink.groupStart?.(this.group);
  }

  private closeGroup(seg: Segment): void {
    this.flushStray();
    if (this.transaction !== null) this.abandonTransaction('GE');
    const g = this.group;
    if (g === null) {
      this.report('X12_UNEXPECTED_TRAILER', 'GE with no GS open', seg.number, seg.offset, 'GE');
      return;
    }
    const count = (seg.elements[1] ?? '').trim();
    if (!sameNumber(count, String(this.groupTransactions))) {
      this.report('X12_COUNT_MISMATCH', `GE01 says ${JSON.stringify(count)} transaction sets, ${this.groupTransactions} were read`, seg.number, seg.offset, 'GE', 'GE01');
    }
    const control = (seg.elements[2] ?? '').trim();
    if (!sameNumber(control, g.controlNumber)) {
      this.report('X12_CONTROL_MISMATCH', `GE02 ${JSON.stringify(control)} does not match GS06 ${JSON.stringify(g.controlNumber)}`, seg.number, seg.offset, 'GE', 'GE02');
    }
    this.sink.groupEnd?.(g, this.groupTransactions);
    this.group = null;
  }

  private openTransaction(seg: Segment): void {
    this.flushStray();
    if (this.transaction !== null) this.abandonTransaction('the next ST');
    if (this.interchange === null) {
      this.interchange = headerlessInterchange(seg);
      this.interchangeGroups = 0;
      this.sink.interchangeStart?.(this.interchange);
    }
    if (this.interchange.headerless && this.group === null) {
      const d = seg.delimiters;
      this.report(
        'X12_NO_ISA',
        `transaction ST ${(seg.elements[2] ?? '').trim()} has no ISA envelope; read with delimiters ${showDelimiter(d.element)} ${showDelimiter(d.component)} ${showDelimiter(d.segment)}`,
        seg.number,
        seg.offset,
        'ST',
      );
    }
    this.groupTransactions++;
    const type = (seg.elements[1] ?? '').trim();
    const info: TransactionInfo = {
      type,
      controlNumber: (seg.elements[2] ?? '').trim(),
      implementation: (seg.elements[3] ?? '').trim() || null,
      segment: seg.number,
      byteOffset: seg.offset,
      interchange: this.interchange,
      group: this.group,
    };
    const accepted = this.accept === null || this.accept.has(type);
    this.transaction = { info, count: 1, accepted };
    if (accepted) this.sink.transactionStart(info);
    else {
      this.report('X12_NOT_835', `transaction set ${type || '(blank)'} (ST ${info.controlNumber}) is not an 835 remittance; skipped`, seg.number, seg.offset, 'ST', 'ST01');
      this.sink.transactionSkipped?.(info);
    }
  }

  private closeTransaction(seg: Segment): void {
    this.flushStray();
    const t = this.transaction;
    if (t === null) {
      this.report('X12_UNEXPECTED_TRAILER', 'SE with no ST open', seg.number, seg.offset, 'SE');
      return;
    }
    t.count++;
    const count = (seg.elements[1] ?? '').trim();
    if (t.accepted && !sameNumber(count, String(t.count))) {
      this.report('X12_COUNT_MISMATCH', `SE01 says ${JSON.stringify(count)} segments, ${t.count} were read from ST to SE`, seg.number, seg.offset, 'SE', 'SE01');
    }
    const control = (seg.elements[2] ?? '').trim();
    if (t.accepted && !sameNumber(control, t.info.controlNumber)) {
      this.report('X12_CONTROL_MISMATCH', `SE02 ${JSON.stringify(control)} does not match ST02 ${JSON.stringify(t.info.controlNumber)}`, seg.number, seg.offset, 'SE', 'SE02');
    }
    this.transaction = null;
    if (t.accepted) this.sink.transactionEnd(t.info, { segmentCount: t.count, closed: true });
  }

  private abandonTransaction(what: string): void {
    const t = this.transaction!;
    this.transaction = null;
    if (!t.accepted) return;
    // without its SE a remittance may be missing claims and PLBs: an error, not a warning, so a run over a
    // truncated file never ends with exit 0 and a report that looks complete (issue #7)
    this.report('X12_MISSING_TRAILER', `transaction ST ${t.info.controlNumber} has no SE trailer before ${what}: it is cut short and may be missing claims and adjustments`, t.info.segment, t.info.byteOffset, 'ST', undefined, 'error');
    this.sink.transactionEnd(t.info, { segmentCount: t.count, closed: false });
  }

  private flushStray(): void {
    const s = this.stray;
    if (s === null) return;
    this.stray = null;
    this.report(
      'X12_OUTSIDE_ENVELOPE',
      s.count === 1 ? `segment ${s.id} is outside any ST…SE transaction; ignored` : `${s.count} segments starting with ${s.id} are outside any ST…SE transaction; ignored`,
      s.number,
      s.offset,
      s.id,
    );
  }

  private report(code: DiagnosticCode, message: string, segment: number, byteOffset: number, segmentId: string, element?: string, severity?: Severity): void {
    this.sink.diagnostic(
      makeDiagnostic(
        code,
        message,
        {
          ...(this.file !== undefined ? { file: this.file } : {}),
          segment,
          byteOffset,
          segmentId,
          ...(element !== undefined ? { element } : {}),
        },
        severity,
      ),
    );
  }
}

function headerlessInterchange(seg: Segment): InterchangeInfo {
  return {
    controlNumber: null,
    senderQualifier: '',
    senderId: '',
    receiverQualifier: '',
    receiverId: '',
    date: null,
    time: null,
    version: '',
    usage: '',
    delimiters: seg.delimiters,
    segment: seg.number,
    byteOffset: seg.offset,
    headerless: true,
  };
}

/** Control numbers and counts compare as numbers when both are digits (`000010216` = `10216`). */
function sameNumber(a: string, b: string): boolean {
  if (a === b) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) === BigInt(b);
  return false;
}

/** ISA09 YYMMDD → YYYY-MM-DD (00-69 → 20xx, as most X12 tools do). */
function isaDate(s: string): string | null {
  if (!/^\d{6}$/.test(s)) return null;
  const yy = Number(s.slice(0, 2));
  return `${yy < 70 ? 2000 + yy : 1900 + yy}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
}


function hhmm(s: string): string | null {
  return /^\d{4}/.test(s) ? `${s.slice(0, 2)}:${s.slice(2, 4)}` : null;
}
