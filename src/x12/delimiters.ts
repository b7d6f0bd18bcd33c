// Delimiters of one interchange, read from its ISA segment. Knows nothing about segments after the ISA.
// ISA layout (835-domain.md §7): element separator at byte 3, ISA11 repetition separator (00501+ only),
// ISA16 component separator, then the segment terminator. Real files do not always pad ISA fields, so we
// find ISA16 by counting element separators (16 of them), which equals the fixed offsets 104/105 when padded.

export interface Delimiters {
  /** Element separator (ISA byte 3). */
  element: string;
  /** Component (sub-element) separator, ISA16. */
  component: string;
  /** Repetition separator, ISA11 — only for version 00501 and later; null in 4010 where ISA11 is `U`. */
  repetition: string | null;
  /** Segment terminator: the byte after ISA16. */
  segment: string;
}

/** Delimiters used for transactions that arrive without an ISA envelope. */
export const DEFAULT_DELIMITERS: Delimiters = { element: '*', component: ':', repetition: null, segment: '~' };

/** Byte values the scanners compare against. */
export const Byte = {
  Tab: 0x09,
  LF: 0x0a,
  CR: 0x0d,
  Space: 0x20,
} as const;

/** How far (bytes) we look for the 16th element separator before calling an ISA broken. Padded ISAs are 106 bytes. */
const MAX_ISA_BYTES = 256;

export type IsaReadResult =
  | { kind: 'ok'; delimiters: Delimiters; /** bytes from "ISA" through the terminator */ length: number; elements: string[] }
  | { kind: 'need-more' }
  | { kind: 'bad'; reason: string };

export function isAlphaNumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

export function isWhitespace(byte: number): boolean {
  return byte === Byte.Space || byte === Byte.LF || byte === Byte.CR || byte === Byte.Tab;
}

/** True when the bytes at `pos` read `ISA` (any case) followed by a possible element separator. */
export function startsIsa(buf: Buffer, pos: number): boolean {
  return (
    pos + 3 < buf.length &&
    (buf[pos]! | 0x20) === 0x69 &&
    (buf[pos + 1]! | 0x20) === 0x73 &&
    (buf[pos + 2]! | 0x20) === 0x61 &&
    isSeparatorByte(buf[pos + 3]!)
  );
}

function isSeparatorByte(byte: number): boolean {
  return !isAlphaNumeric(byte) && byte !== Byte.Space && byte !== 0;
}

/**
 * Reads the ISA that starts at `start`. Waits ('need-more') until the terminator byte has arrived,
 * unless `eof` says no more bytes will come.
 */
export function readIsa(buf: Buffer, start: number, eof: boolean): IsaReadResult {
  const elementByte = buf[start + 3];
  if (elementByte === undefined) return eof ? { kind: 'bad', reason: 'the ISA segment is cut short' } : { kind: 'need-more' };
  // The separator at start+3 is the first of the 16 that precede ISA01 … ISA16.
  let seen = 1;
  let p = start + 4;
  const limit = Math.min(buf.length, start + MAX_ISA_BYTES);
  for (; p < limit; p++) {
    if (buf[p] === elementByte && ++seen === 16) break;
  }
  if (seen < 16) {
    if (p >= buf.length && !eof && buf.length < start + MAX_ISA_BYTES) return { kind: 'need-more' };
    return { kind: 'bad', reason: `the ISA segment has ${seen} elements before its end, expected 16` };
  }
  // p is the 16th element separator; ISA16 is the next byte, the terminator the one after.
  if (p + 2 >= buf.length) return eof ? { kind: 'bad', reason: 'the ISA segment is cut short after ISA16' } : { kind: 'need-more' };
  const componentByte = buf[p + 1]!;
  const terminatorByte = buf[p + 2]!;
  if (!isSeparatorByte(componentByte) || isWhitespace(componentByte)) {
    return { kind: 'bad', reason: `ISA16 (component separator) is ${JSON.stringify(String.fromCharCode(componentByte))}, which cannot be a delimiter` };
  }
  if (isAlphaNumeric(terminatorByte) || terminatorByte === Byte.Space || terminatorByte === 0) {
    return { kind: 'bad', reason: `the byte after ISA16 is ${JSON.stringify(String.fromCharCode(terminatorByte))}, which cannot be a segment terminator` };
  }
  if (new Set([elementByte, componentByte, terminatorByte]).size !== 3) {
    return { kind: 'bad', reason: 'the element separator, component separator and segment terminator are not all different' };
  }
  const element = String.fromCharCode(elementByte);
  const elements = buf.toString('latin1', start, p).split(element);
  elements.push(String.fromCharCode(componentByte));
  const version = (elements[12] ?? '').trim();
  const isa11 = elements[11] ?? '';
  let repetition: string | null = null;
  // Issue #2 / 835-domain.md §7: ISA11 is a repetition separator only from 00501 on; in 4010 it is `U`.
  if (version >= '00501' && isa11.length === 1) {
    const r = isa11.charCodeAt(0);
    if (isSeparatorByte(r) && r !== elementByte && r !== componentByte && r !== terminatorByte) repetition = isa11;
  }
  return {
    kind: 'ok',
    delimiters: { element, component: String.fromCharCode(componentByte), repetition, segment: String.fromCharCode(terminatorByte) },
    length: p + 3 - start,
    elements,
  };
}

/** Printable name of a delimiter for messages and `inspect` (`~`, `\n`, `\r`). */
export function showDelimiter(d: string | null): string {
  if (d === null) return '(none)';
  if (d === '\n') return '\\n';
  if (d === '\r') return '\\r';
  if (d === '\t') return '\\t';
  return d;
}

/** Characters seen as component separators (ISA16) in the wild; none of them occurs inside a code. */
const COMPONENT_CANDIDATES = ':>^|\\!<}@';

/**
 * The separator a composite is written with when it reads as a two-character qualifier or reason code
 * followed by a separator character (`HC>99213`, `WO>REF123`); null otherwise. `taken` holds the other
 * delimiters in force, which cannot be it.
 */
export function separatorAfterCode(text: string, taken: string): string | null {
  if (text.length < 4 || !isAlphaNumeric(text.charCodeAt(0)) || !isAlphaNumeric(text.charCodeAt(1))) return null;
  const ch = text.charAt(2);
  return COMPONENT_CANDIDATES.includes(ch) && !taken.includes(ch) ? ch : null;
}
