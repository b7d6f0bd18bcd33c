// Bytes in, segments out: the streaming X12 tokenizer. write(chunk) / end(), no I/O of its own.
// Scans bytes for the segment terminator (Buffer.indexOf), decodes only finished segments, and keeps the
// absolute byte offset and ordinal of every segment. Delimiters are re-read at every ISA. Knows nothing of 835.

import { type Diagnostic, type DiagnosticCode, makeDiagnostic } from '../diagnostics/diagnostics.js';
import { isAscii } from 'node:buffer';
import { Byte, DEFAULT_DELIMITERS, type Delimiters, isAlphaNumeric, isWhitespace, readIsa, separatorAfterCode, startsIsa } from './delimiters.js';

/**
 * A copy of `s` that does not keep a larger string alive. V8 makes substrings of 13+ characters "sliced"
 * views of their parent: a value kept for the whole run (a payer name, a PLB reference) would otherwise pin
 * the 64 KiB block it was read from. Concatenating then slicing forces a fresh flat copy.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * One segment. Elements are found on demand in the decoded text the segment came in (on the fast path a
 * whole block of the input), so segments nothing reads cost no splitting. Valid after the sink call too.
 */
export class Segment {
  /** Segment id, upper-cased (`clp` in a file reads as `CLP`). */
  readonly id: string;
  /** 1-based ordinal of the segment in the file. */
  readonly number: number;
  /** Absolute byte offset of the segment's first byte. */
  readonly offset: number;
  /** Delimiters in force for this segment. */
  readonly delimiters: Delimiters;
  private readonly source: string;
  private readonly from: number;
  private readonly to: number;
  /** The element the cursor is at, and where it starts in `source` (see startOf). */
  private cursorIndex = 0;
  private cursorStart: number;
  private split: string[] | null;

  constructor(id: string, number: number, offset: number, delimiters: Delimiters, source: string, from: number, to: number, elements: string[] | null = null) {
    this.id = id;
    this.number = number;
    this.offset = offset;
    this.delimiters = delimiters;
    this.source = source;
    this.from = from;
    this.to = to;
    this.split = elements;
    this.cursorStart = from;
  }

  /** elements[0] is the id as written; elements[n] is element n (CLP01 = elements[1]). Not trimmed; safe to keep. */
  get elements(): string[] {
    if (this.split === null) this.split = this.source.slice(this.from, this.to).split(this.delimiters.element).map(ownString);
    return this.split;
  }

  /** How many elements there are, the id included (the index of the last element + 1). */
  get size(): number {
    if (this.split !== null) return this.split.length;
    let n = 1;
    const src = this.source;
    const sep = this.delimiters.element;
    for (let p = src.indexOf(sep, this.from); p !== -1 && p < this.to; p = src.indexOf(sep, p + 1)) n++;
    return n;
  }

  /** Element i as written, or '' when the segment has fewer elements. */
  raw(i: number): string {
    if (this.split !== null) return this.split[i] ?? '';
    const start = this.startOf(i);
    return start < 0 ? '' : this.source.slice(start, this.endOf(start));
  }

  /** Element i without surrounding white space, or ''. */
  el(i: number): string {
    const s = this.raw(i);
    const n = s.length;
    return n > 0 && (s.charCodeAt(0) <= 0x20 || s.charCodeAt(n - 1) <= 0x20) ? s.trim() : s;
  }

  /** Element i read in place by `parse(text, start, end)` (no substring is made); null when absent. */
  read<T>(i: number, parse: (text: string, start: number, end: number) => T): T | null {
    if (this.split !== null) return i < this.split.length ? parse(this.split[i]!, 0, this.split[i]!.length) : null;
    const start = this.startOf(i);
    return start < 0 ? null : parse(this.source, start, this.endOf(start));
  }

  /**
   * Where element i starts in `source`, or -1. Handlers read elements mostly in order, so a cursor moves
   * forward from the last one asked for: no array of positions per segment.
   */
  private startOf(i: number): number {
    if (i < this.cursorIndex) {
      this.cursorIndex = 0;
      this.cursorStart = this.from;
    }
    const src = this.source;
    const sep = this.delimiters.element;
    let k = this.cursorIndex;
    let p = this.cursorStart;
    while (k < i) {
      const q = src.indexOf(sep, p);
      if (q === -1 || q >= this.to) return -1;
      p = q + 1;
      k++;
    }
    this.cursorIndex = k;
    this.cursorStart = p;
    return p;
  }

  private endOf(start: number): number {
    const q = this.source.indexOf(this.delimiters.element, start);
    return q === -1 || q > this.to ? this.to : q;
  }
}

export interface TokenizerSink {
  segment(segment: Segment): void;
  diagnostic(diagnostic: Diagnostic): void;
}

export interface TokenizerOptions {
  /** File name put into diagnostics. */
  file?: string;
  /** A segment longer than this is an X12_SEGMENT_TOO_LONG error, not an out-of-memory (issue #7). */
  maxSegmentBytes?: number;
  /** How many leading bytes may hold no ISA/ST before the input is declared not X12. */
  maxLeadingJunk?: number;
  /** Delimiters already known, to start mid-file at a segment (no ISA or ST needed first). */
  delimiters?: Delimiters;
  /** The absolute byte offset of the first byte written (a part of a file split at an ISA; default 0). */
  baseOffset?: number;
}

type Mode = 'seek' | 'segments' | 'skip-long' | 'stopped';

const DEFAULT_MAX_SEGMENT = 1024 * 1024;
const DEFAULT_MAX_JUNK = 64 * 1024;
/** Latin-1 text that could start an interchange (`ISA*`) or a bare transaction (`ST*835`). */
const START_PATTERN = /(?<![A-Za-z0-9])(?:ISA[^A-Za-z0-9\s]|ST[^A-Za-z0-9\s]\d{3})/gi;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const EMPTY = Buffer.alloc(0);
/** Valid segment ids seen, by their character codes (ASCII, as written) → the upper-cased id. */
const SEGMENT_IDS = new Map<number, string>();

export class SegmentTokenizer {
  private readonly sink: TokenizerSink;
  private readonly file: string | undefined;
  private readonly maxSegment: number;
  private readonly maxJunk: number;
  private mode: Mode = 'seek';
  private delimiters: Delimiters | null = null;
  private terminatorByte = 0;
  private elementSeparator = '';
  /** Unconsumed bytes; buf[0] is at absolute offset `base`. */
  private buf: Buffer = EMPTY;
  private base = 0;
  private segmentCount = 0;
  private sawContent = false;
  private sawSegment = false;
  private ended = false;
  /** Stray characters before segment ids are reported once per interchange (some files prefix every segment). */
  private strayReported = false;
  private reportedBadIsaAt = -1;
  /** Absolute offset of the first non-blank byte skipped while seeking (-1: none yet). */
  private junkStart = -1;
  /** Set after a broken ISA was reported: the bytes skipped after it need no second message. */
  private afterBadIsa = false;
  /** The unconsumed bytes decoded as Latin-1 (during one process() call), and whether they are all ASCII. */
  private block: string | null = null;
  private blockAscii = false;
  /** Next LF / CR at or after the current segment in `block` (-1: not looked yet, -2: none). */
  private lfAt = -1;
  private crAt = -1;

  constructor(sink: TokenizerSink, options: TokenizerOptions = {}) {
    this.sink = sink;
    this.file = options.file;
    this.maxSegment = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT;
    this.maxJunk = options.maxLeadingJunk ?? DEFAULT_MAX_JUNK;
    this.base = options.baseOffset ?? 0;
    if (options.delimiters !== undefined) {
      this.setDelimiters(options.delimiters);
      this.mode = 'segments';
    }
  }

  /** True once the input was judged not to be X12; further bytes are ignored. */
  get stopped(): boolean {
    return this.mode === 'stopped';
  }

  /** Between segments with nothing held back: what follows starts afresh (a part boundary, ./parallel). */
  get atSegmentBoundary(): boolean {
    return this.mode === 'segments' && this.buf.length === 0;
  }

  /** Number of segments seen so far. */
  get segments(): number {
    return this.segmentCount;
  }

  write(chunk: Buffer): void {
    if (this.mode === 'stopped' || chunk.length === 0) return;
    if (this.buf.length === 0) this.buf = chunk;
    else this.buf = Buffer.concat([this.buf, chunk]);
    this.process(false);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.mode !== 'stopped') this.process(true);
    if (this.mode === 'stopped') return;
    if (!this.sawSegment) {
      if (!this.sawContent) this.report('X12_EMPTY_FILE', 'the file is empty or holds only white space', 0);
      else this.report('X12_NOT_X12', 'no ISA or ST segment was found: this is not an X12 file', 0);
    }
    this.buf = EMPTY;
  }

  private process(eof: boolean): void {
    let pos = 0;
    const buf = this.buf;
    // the block is decoded once; an all-ASCII block (nearly every 835) takes the fast path per segment
    this.block = null;
    this.blockAscii = false;
    this.lfAt = -1;
    this.crAt = -1;
    for (;;) {
      if (this.mode === 'seek') {
        const r = this.seek(buf, pos, eof);
        if (r < 0) {
          pos = -r - 1;
          break;
        }
        pos = r;
        continue;
      }
      if (this.mode === 'skip-long') {
        const t = buf.indexOf(this.terminatorByte, pos);
        if (t === -1) {
          pos = buf.length;
          break;
        }
        pos = t + 1;
        this.mode = 'segments';
        continue;
      }
      if (this.mode === 'stopped') {
        pos = buf.length;
        break;
      }
      // mode 'segments'
      while (pos < buf.length && isWhitespace(buf[pos]!)) pos++;
      if (pos >= buf.length) break;
      this.sawContent = true;
      if (buf.length - pos < 4 && !eof && couldStartIsa(buf, pos)) break;
      if (startsIsa(buf, pos)) {
        const isa = readIsa(buf, pos, eof);
        if (isa.kind === 'need-more') break;
        if (isa.kind === 'bad') {
          this.segmentCount++;
          this.report('X12_BAD_ISA', `cannot read the ISA segment: ${isa.reason}; looking for the next ISA`, this.base + pos, this.segmentCount, 'ISA');
          this.afterBadIsa = true;
          this.mode = 'seek';
          pos += 3;
          continue;
        }
        this.setDelimiters(isa.delimiters);
        this.segmentCount++;
        this.sawSegment = true;
        const isaText = isa.elements.join(isa.delimiters.element);
        this.sink.segment(new Segment('ISA', this.segmentCount, this.base + pos, isa.delimiters, isaText, 0, isaText.length, isa.elements));
        pos += isa.length;
        continue;
      }
      const t = buf.indexOf(this.terminatorByte, pos);
      if (t === -1) {
        if (buf.length - pos > this.maxSegment) {
          this.segmentCount++;
          this.report('X12_SEGMENT_TOO_LONG', `a segment is longer than ${this.maxSegment} bytes without a terminator; skipped`, this.base + pos, this.segmentCount);
          this.mode = 'skip-long';
          pos = buf.length;
          break;
        }
        if (eof) {
          this.segmentCount++;
          this.report('X12_MISSING_TERMINATOR', `the last segment has no segment terminator ${JSON.stringify(this.delimiters!.segment)}`, this.base + pos, this.segmentCount);
          this.emitSegment(buf, pos, buf.length);
          pos = buf.length;
        }
        break;
      }
      if (t - pos > this.maxSegment) {
        this.segmentCount++;
        this.report('X12_SEGMENT_TOO_LONG', `a segment of ${t - pos} bytes is longer than the cap of ${this.maxSegment}; skipped`, this.base + pos, this.segmentCount);
        pos = t + 1;
        continue;
      }
      this.segmentCount++;
      if (this.block === null) {
        this.block = buf.toString('latin1');
        this.blockAscii = isAscii(buf);
      }
      if (!this.blockAscii || !this.emitFast(buf, this.block, pos, t)) this.emitSegment(buf, pos, t);
      pos = t + 1;
    }
    this.block = null;
    this.consume(pos);
  }

  /**
   * Looks for the start of X12 (ISA, or a bare ST) from `pos`. Returns the position to continue from
   * (mode changed), or -(keepFrom + 1) when more bytes are needed and bytes before keepFrom can go.
   */
  private seek(buf: Buffer, pos: number, eof: boolean): number {
    const atFileStart = !this.sawSegment;
    if (atFileStart && this.base + pos === 0 && buf.length > 0) {
      const kind = sniffBinary(buf);
      if (kind !== null && (buf.length >= 8 || eof)) {
        this.sawContent = true;
        this.report('X12_NOT_X12', `this is ${kind}, not an X12 file`, 0);
        this.mode = 'stopped';
        return -(buf.length + 1);
      }
    }
    let from = pos;
    // a UTF-8 BOM and white space before ISA are ordinary; anything else skipped is reported
    if (this.base + from === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3;
    while (from < buf.length && isWhitespace(buf[from]!)) from++;
    if (from >= buf.length) return -(buf.length + 1); // nothing but white space so far: wait (or, at eof, stop)
    this.sawContent = true;
    if (this.junkStart < 0) this.junkStart = this.base + from;
    const scanEnd = Math.min(buf.length, from + this.maxJunk + 8);
    const text = buf.toString('latin1', from, scanEnd);
    let brokenIsa = false;
    START_PATTERN.lastIndex = 0;
    for (let m = START_PATTERN.exec(text); m !== null; m = START_PATTERN.exec(text)) {
      const at = from + m.index;
      const isIsa = m[0][0] === 'I' || m[0][0] === 'i';
      if (isIsa) {
        const isa = readIsa(buf, at, eof);
        if (isa.kind === 'need-more') return -(from + 1);
        if (isa.kind === 'bad') {
          // An ISA where the data starts is a broken envelope; one inside prose is just a word.
          if (at === from) {
            brokenIsa = true;
            if (this.reportedBadIsaAt === this.base + at) continue; // already said, before more bytes came
            this.reportedBadIsaAt = this.base + at;
            this.segmentCount++;
            this.report('X12_BAD_ISA', `cannot read the ISA segment: ${isa.reason}; looking for the next ISA`, this.base + at, this.segmentCount, 'ISA');
          }
          continue;
        }
      } else if (!this.chooseBareDelimiters(buf, at, eof)) {
        return -(from + 1);
      }
      const junkStart = this.junkStart;
      this.junkStart = -1;
      const quiet = brokenIsa || this.afterBadIsa;
      this.afterBadIsa = false;
      if (this.base + at > junkStart && !quiet) {
        this.report('X12_JUNK_SKIPPED', `skipped ${this.base + at - junkStart} bytes that are not X12 before the next segment`, junkStart);
      }
      this.mode = 'segments';
      return at;
    }
    if (atFileStart && this.base + scanEnd > this.maxJunk) {
      this.report('X12_NOT_X12', `no ISA or ST segment in the first ${this.maxJunk} bytes: this is not an X12 file`, this.base + from);
      this.mode = 'stopped';
      return -(buf.length + 1);
    }
    if (scanEnd < buf.length) return from + this.maxJunk; // mid-file resync: go on scanning the rest
    if (eof) return -(buf.length + 1);
    // keep a few bytes in case "ISA*" is split across chunks; drop the rest so memory stays flat
    return -(Math.max(from, buf.length - 8) + 1);
  }

  /** A transaction without ISA: default delimiters, with the element separator as written after `ST`. */
  private chooseBareDelimiters(buf: Buffer, at: number, eof: boolean): boolean {
    const element = String.fromCharCode(buf[at + 2]!);
    const window = buf.toString('latin1', at, Math.min(buf.length, at + 4096));
    let segment = DEFAULT_DELIMITERS.segment;
    if (!window.includes('~')) {
      if (!eof && window.length < 4096) return false; // wait: the terminator may still come
      if (window.includes('\n')) segment = '\n';
    }
    let component = element === ':' ? '>' : DEFAULT_DELIMITERS.component;
    // With no ISA16 to say it, the composites show it: `SVC*HC>99213`, `PLB*…*WO>REF123` (issue #11 §4)
    const seen = inferComponent(window, element, segment);
    if (seen !== null && seen !== component) {
      component = seen;
      this.report('X12_COMPONENT_INFERRED', `no ISA: the component separator ${JSON.stringify(seen)} was inferred from the composites (SVC01, PLB03) instead of the default ${JSON.stringify(DEFAULT_DELIMITERS.component)}`, this.base + at, undefined, 'ST');
    }
    this.setDelimiters({ element, component, repetition: null, segment });
    return true;
  }

  private setDelimiters(d: Delimiters): void {
    this.delimiters = d;
    this.strayReported = false;
    this.terminatorByte = d.segment.charCodeAt(0);
    this.elementSeparator = d.element;
  }

  /**
   * The fast path: an ASCII segment with a clean id and no CR/LF inside becomes a view on the decoded
   * block. Anything unusual returns false and goes the careful way (emitSegment).
   */
  private emitFast(buf: Buffer, text: string, start: number, end: number): boolean {
    const term = this.terminatorByte;
    let to = end;
    if (term !== Byte.LF && term !== Byte.CR) {
      // hard-wrapped files put CR/LF inside segments: the careful path removes them
      if (this.lfAt !== -2 && this.lfAt < start) this.lfAt = nextOrNone(text, '\n', start);
      if (this.lfAt !== -2 && this.lfAt < end) return false;
      if (this.crAt !== -2 && this.crAt < start) this.crAt = nextOrNone(text, '\r', start);
      if (this.crAt !== -2 && this.crAt < end) return false;
    } else if (to > start && buf[to - 1] === Byte.CR) {
      to--;
    }
    const sep = text.indexOf(this.elementSeparator, start);
    const idEnd = sep === -1 || sep > to ? to : sep;
    const length = idEnd - start;
    if (length !== 2 && length !== 3) return false;
    // the same few ids repeat millions of times: one shared string each, its hash computed once
    const code = (text.charCodeAt(start) << 16) | (text.charCodeAt(start + 1) << 8) | (length === 3 ? text.charCodeAt(start + 2) : 0);
    let id = SEGMENT_IDS.get(code);
    if (id === undefined) {
      const raw = text.slice(start, idEnd);
      if (!isSegmentId(raw)) return false;
      id = isUpper(raw) ? raw : raw.toUpperCase();
      if (SEGMENT_IDS.size < 4096) SEGMENT_IDS.set(code, id);
    }
    this.sawSegment = true;
    this.sink.segment(new Segment(id, this.segmentCount, this.base + start, this.delimiters!, text, start, to));
    return true;
  }

  private emitSegment(buf: Buffer, start: number, end: number): void {
    let text = buf.toString('latin1', start, end);
    if (NON_ASCII.test(text)) {
      const utf8 = buf.toString('utf8', start, end);
      if (!utf8.includes('\ufffd')) text = utf8;
    }
    const term = this.terminatorByte;
    if (term !== Byte.LF && term !== Byte.CR) {
      // hard-wrapped files put CR/LF inside segments; they are never data
      if (text.includes('\n') || text.includes('\r')) text = text.replace(/[\r\n]+/g, '');
    } else if (text.endsWith('\r')) {
      text = text.slice(0, -1);
    }
    const elements = text.split(this.elementSeparator);
    let id = elements[0]!;
    const offset = this.base + start;
    if (!isSegmentId(id)) {
      const cleaned = id.replace(/^[^A-Za-z0-9]+/, '');
      if (cleaned !== id && isSegmentId(cleaned)) {
        if (!this.strayReported) {
          this.strayReported = true;
          this.report('X12_JUNK_SKIPPED', `skipped stray character(s) ${JSON.stringify(id.slice(0, id.length - cleaned.length))} before segment ${cleaned.toUpperCase()} (later ones in this interchange are skipped without a message)`, offset, this.segmentCount);
        }
        elements[0] = cleaned;
        id = cleaned;
      } else {
        if (text.trim() === '') return;
        // the text is not quoted: with an odd terminator, a "segment id" can be part of a patient's name
        this.report('X12_BAD_SEGMENT_ID', `a segment id of ${id.length} characters that are not 2-3 letters or digits; segment skipped`, offset, this.segmentCount);
        return;
      }
    }
    this.sawSegment = true;
    this.sink.segment(new Segment(id.toUpperCase(), this.segmentCount, offset, this.delimiters!, text, 0, text.length, elements.map(ownString)));
  }

  private consume(pos: number): void {
    if (pos >= this.buf.length) {
      this.base += this.buf.length;
      this.buf = EMPTY;
    } else if (pos > 0) {
      this.base += pos;
      // copy so a large chunk is not kept alive by a small remainder
      this.buf = Buffer.from(this.buf.subarray(pos));
    }
  }

  private report(code: DiagnosticCode, message: string, byteOffset: number, segment?: number, segmentId?: string): void {
    this.sink.diagnostic(
      makeDiagnostic(code, message, {
        ...(this.file !== undefined ? { file: this.file } : {}),
        ...(segment !== undefined ? { segment } : {}),
        byteOffset,
        ...(segmentId !== undefined ? { segmentId } : {}),
      }),
    );
  }
}

function isSegmentId(id: string): boolean {
  const n = id.length;
  if (n < 2 || n > 3) return false;
  const c0 = id.charCodeAt(0);
  if (!((c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a))) return false;
  for (let i = 1; i < n; i++) if (!isAlphaNumeric(id.charCodeAt(i))) return false;
  return true;
}

function nextOrNone(text: string, c: string, from: number): number {
  const at = text.indexOf(c, from);
  return at === -1 ? -2 : at;
}

function isUpper(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return false;
  }
  return true;
}

function couldStartIsa(buf: Buffer, pos: number): boolean {
  const want = [0x69, 0x73, 0x61];
  for (let i = 0; i < 3 && pos + i < buf.length; i++) if ((buf[pos + i]! | 0x20) !== want[i]) return false;
  return true;
}

/** Recognises common non-X12 files by their first bytes, for a clearer message. */
function sniffBinary(buf: Buffer): string | null {
  if (buf.length >= 4 && buf.toString('latin1', 0, 4) === '%PDF') return 'a PDF document';
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return 'a ZIP archive (or an Office document)';
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'a gzip-compressed file';
  const n = Math.min(buf.length, 512);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return 'a binary file';
  return null;
}

/**
 * The component separator a bare transaction's composites use: the character after a two-character
 * qualifier in SVC01 (`HC>99213`) or a reason code in PLB03 (`WO>REF`); null when none is seen.
 */
export function inferComponent(window: string, element: string, segment: string): string | null {
  for (const seg of window.split(segment)) {
    const id = seg.trimStart().slice(0, 3).toUpperCase();
    let composites: string[] = [];
    const els = seg.trimStart().split(element);
    if (id === 'SVC') composites = [els[1] ?? ''];
    else if (id === 'PLB') composites = els.filter((_, i) => i >= 3 && i % 2 === 1);
    for (const c of composites) {
      const ch = separatorAfterCode(c, element + segment);
      if (ch !== null) return ch;
    }
  }
  return null;
}
