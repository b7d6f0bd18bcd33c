// Mutations of X12 bytes for the hostile-input tests (issue #7): each is a small, plausible way a file
// gets damaged in transit or by a careless tool. Deterministic given its parameters, so fast-check can
// shrink a failure to the smallest mutation list.

import fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-segment'; which: number }
  | { kind: 'drop-segment'; which: number }
  | { kind: 'swap-delimiters' }
  | { kind: 'huge-element'; at: number }
  | { kind: 'crlf-noise'; at: number[] };

/** Positions are fractions of the file (0..1) so a mutation list applies to any file. */
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fraction, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fraction, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('duplicate-segment' as const), which: fraction }),
  fc.record({ kind: fc.constant('drop-segment' as const), which: fraction }),
  fc.record({ kind: fc.constant('swap-delimiters' as const) }),
  fc.record({ kind: fc.constant('huge-element' as const), at: fraction }),
  fc.record({ kind: fc.constant('crlf-noise' as const), at: fc.array(fraction, { minLength: 1, maxLength: 8 }) }),
);

/** The segment terminator of a file: ISA byte 105 when it starts with an ISA, else `~`. */
export function terminatorOf(buf: Buffer): number {
  const isa = buf.indexOf('ISA');
  return isa >= 0 && buf.length > isa + 105 ? buf[isa + 105]! : 0x7e;
}

/** [start, end) of every segment (terminator included). */
export function segmentRanges(buf: Buffer): Array<[number, number]> {
  const term = terminatorOf(buf);
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === term) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < buf.length) out.push([start, buf.length]);
  return out;
}

/** A 1.2 MB element: past the tokenizer's 1 MiB segment cap. */
export const HUGE_ELEMENT_BYTES = 1_200_000;

export function applyMutation(buf: Buffer, m: Mutation): Buffer {
  const pos = (f: number): number => Math.min(buf.length, Math.floor(f * (buf.length + 1)));
  switch (m.kind) {
    case 'flip': {
      if (buf.length === 0) return buf;
      const out = Buffer.from(buf);
      out[Math.min(buf.length - 1, pos(m.at))] = m.byte;
      return out;
    }
    case 'insert':
      return Buffer.concat([buf.subarray(0, pos(m.at)), Buffer.from(m.bytes), buf.subarray(pos(m.at))]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, pos(m.at)), buf.subarray(Math.min(buf.length, pos(m.at) + m.length))]);
    case 'truncate':
      return buf.subarray(0, pos(m.at));
    case 'duplicate-segment':
    case 'drop-segment': {
      const segs = segmentRanges(buf);
      if (segs.length === 0) return buf;
      const [s, e] = segs[Math.min(segs.length - 1, Math.floor(m.which * segs.length))]!;
      const seg = buf.subarray(s, e);
      return m.kind === 'duplicate-segment' ? Buffer.concat([buf.subarray(0, e), seg, buf.subarray(e)]) : Buffer.concat([buf.subarray(0, s), buf.subarray(e)]);
    }
    case 'swap-delimiters': {
      // element and component separators trade places after the ISA (a tool that "fixed" the delimiters)
      const isaEnd = buf.indexOf('ISA') >= 0 ? buf.indexOf('ISA') + 106 : 0;
      const el = buf.length > 3 ? buf[buf.indexOf('ISA') >= 0 ? buf.indexOf('ISA') + 3 : 0]! : 0x2a;
      const comp = 0x3a;
      const out = Buffer.from(buf);
      for (let i = isaEnd; i < out.length; i++) {
        if (out[i] === el) out[i] = comp;
        else if (out[i] === comp) out[i] = el;
      }
      return out;
    }
    case 'huge-element': {
      const at = pos(m.at);
      return Buffer.concat([buf.subarray(0, at), Buffer.from('*'), Buffer.alloc(HUGE_ELEMENT_BYTES, 0x41), buf.subarray(at)]);
    }
    case 'crlf-noise': {
      const cuts = m.at.map(pos).sort((a, b) => a - b);
      const parts: Buffer[] = [];
      let last = 0;
      for (const c of cuts) {
        parts.push(buf.subarray(last, c), Buffer.from('\r\n'));
        last = c;
      }
      parts.push(buf.subarray(last));
      return Buffer.concat(parts);
    }
  }
}
