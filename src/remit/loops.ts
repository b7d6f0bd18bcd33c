// The 835 loop map, declared as data: which segment opens which loop, at what depth, and which loop
// must be open for it. The builder consults this table instead of scattering loop logic through branches
// (style.md, after LinuxForHealth/x12). Segments that open nothing belong to the innermost open loop.

/**
 * header  — Table 1 (BPR, TRN, CUR, REF, DTM)
 * 1000A   — payer identification (N1*PR)
 * 1000B   — payee identification (N1*PE)
 * 2000    — header number (LX, TS3, TS2)
 * 2100    — claim payment information (CLP …)
 * 2110    — service payment information (SVC …)
 * summary — Table 3 provider adjustment (PLB); a PLB never belongs to the last claim
 */
export type LoopId = 'header' | '1000A' | '1000B' | '1000' | '2000' | '2100' | '2110' | 'summary';

export interface LoopOpener {
  /** Segment id that opens the loop. */
  segment: string;
  /** When set, the segment opens this loop only if its first element is one of these (N101 entity code). */
  qualifiers?: readonly string[];
  opens: LoopId;
  /** Nesting depth: opening at depth d closes every open loop at depth ≥ d. */
  depth: number;
  /** A loop that must be open (at a lower depth) for this opener to be valid. */
  requires?: LoopId;
}

export const LOOP_OPENERS: readonly LoopOpener[] = [
  { segment: 'N1', qualifiers: ['PR'], opens: '1000A', depth: 1 },
  { segment: 'N1', qualifiers: ['PE'], opens: '1000B', depth: 1 },
  { segment: 'N1', opens: '1000', depth: 1 },
  { segment: 'LX', opens: '2000', depth: 1 },
  // LX is required before CLP in 5010, but many files omit it; a CLP still opens a claim.
  { segment: 'CLP', opens: '2100', depth: 2 },
  { segment: 'SVC', opens: '2110', depth: 3, requires: '2100' },
  { segment: 'PLB', opens: 'summary', depth: 1 },
];

const bySegment = new Map<string, LoopOpener[]>();
for (const rule of LOOP_OPENERS) {
  const list = bySegment.get(rule.segment) ?? [];
  list.push(rule);
  bySegment.set(rule.segment, list);
}

/**
 * The rule a segment opens a loop by, or undefined if the segment is a member of the current loop.
 * The first element is read only when a rule depends on it (N101), so other segments are not split.
 */
export function findOpener(segmentId: string, segment: { el(i: number): string }): LoopOpener | undefined {
  const rules = bySegment.get(segmentId);
  if (rules === undefined) return undefined;
  let first: string | undefined;
  for (const r of rules) {
    if (r.qualifiers === undefined) return r;
    first ??= segment.el(1);
    if (r.qualifiers.includes(first)) return r;
  }
  return undefined;
}
