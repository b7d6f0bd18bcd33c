// Links each PLB offset to the claim it came from. Candidates come from a ClaimSource (the run's compact
// index, or the ledger with every earlier run), keyed by CLP07, CLP01 and REF*F8, and remittances by TRN02.
// A wrong link is worse than no link: several distinct claims → `ambiguous`, never a guess; a claim of
// another payer is linked only on a unique exact match of a long identifier, and flagged cross_payer.

import type { Cents } from '../remit/money.js';
import { isCollection, isDeferral } from './deferrals.js';
import { referenceKeys, type ReferenceKey } from './references.js';

export type LinkBasis = 'icn' | 'pcn' | 'icn_suffix' | 'medicare_layout' | 'original_reference' | 'deferred_pair' | 'trace_number' | 'ambiguous' | 'none';

/** What the index keeps of a claim: enough to link and to show where it was paid. */
export interface ClaimRef {
  pcn: string;
  icn: string;
  originalReference: string;
  statusCode: string;
  payerKey: string;
  patient: string;
  traceNumber: string;
  paymentDate: string;
  file: string;
  paid: Cents;
  /** Order seen (earlier = smaller): insertion order in the run, or the ledger's claim id. */
  seq: number;
  /** The ledger's claim id, when the claim came from (or was recorded in) the ledger. */
  ledgerId?: number;
}

export interface RemittanceRef {
  traceNumber: string;
  payerKey: string;
  paymentDate: string;
  file: string;
  ledgerId?: number;
}

/** Where candidates come from: the run's memory index, or the ledger. */
export interface ClaimSource {
  claimsByIcn(icn: string): ClaimRef[];
  claimsByPcn(pcn: string): ClaimRef[];
  claimsByOriginalReference(reference: string): ClaimRef[];
  remittancesByTrace(trace: string): RemittanceRef[];
  hasClaimIcn(icn: string): boolean;
  /**
   * Optional: the lookup keys about to be asked for, all at once (a store across a network answers them
   * in a few set queries instead of one round trip each).
   */
  prefetch?(keys: readonly string[]): void;
}

export interface Link {
  basis: LinkBasis;
  claim: ClaimRef | null;
  remittance: RemittanceRef | null;
  crossPayer: boolean;
  /** Candidates when ambiguous, or a word on how the link was made. */
  note: string;
}

export interface OffsetToLink {
  payerKey: string;
  reasonCode: string;
  reference: string | null;
  amount: Cents;
  /** The file and trace number of the remittance the PLB sits in: an FB naming its own check prefers it. */
  ownFile?: string;
  ownTrace?: string;
}

/** How far a chain of corrections (REF*F8 → an ICN that was itself corrected …) is followed. */
const MAX_CHAIN = 32;

/**
 * A reference matching more claims than this is not an identifier of one claim (a reused patient account
 * number, a payer's placeholder): the offset is ambiguous without listing them, and lookups stop there.
 */
export const MAX_CANDIDATES = 50;

/** Identifiers shorter than this are too common to link across payers. */
const LONG_IDENTIFIER = 8;

/** The matching rules over any ClaimSource. */
export class Linker {
  private readonly source: ClaimSource;
  /** ICN → the ICN at the root of its chain (bounded: cleared when large). */
  private readonly roots = new Map<string, string>();

  constructor(source: ClaimSource) {
    this.source = source;
  }

  /**
   * A claim and everything chained to it are one claim: an original (ICN A), its reversal, its correction
   * (ICN B, REF*F8 A), B's reversal and B's correction (ICN C, REF*F8 B) … to any depth, across files and
   * runs (835-domain.md §4). The family is named by the root of the chain, found by following REF*F8
   * from any claim carrying the ICN to an ICN that was seen.
   */
  private family(c: ClaimRef): string {
    const start = c.originalReference && this.source.hasClaimIcn(c.originalReference) ? c.originalReference : c.icn;
    return start ? `icn:${this.rootOf(start)}` : `pcn:${c.pcn}`;
  }

  private rootOf(icn: string): string {
    const cached = this.roots.get(icn);
    if (cached !== undefined) return cached;
    const visited = new Set([icn]);
    let root = icn;
    for (let step = 0; step < MAX_CHAIN; step++) {
      const next = this.source
        .claimsByIcn(root)
        .map((m) => m.originalReference)
        .find((ref) => ref !== '' && !visited.has(ref) && this.source.hasClaimIcn(ref));
      if (next === undefined) break;
      visited.add(next);
      root = next;
    }
    if (this.roots.size > 100_000) this.roots.clear();
    for (const v of visited) this.roots.set(v, root);
    return root;
  }

  /** The claim that represents a family: the earliest payment that is not a reversal. */
  private representative(members: ClaimRef[]): ClaimRef {
    const originals = members.filter((m) => m.statusCode !== '22' && !(m.originalReference && this.source.hasClaimIcn(m.originalReference)));
    const pool = originals.length > 0 ? originals : members.filter((m) => m.statusCode !== '22');
    return (pool.length > 0 ? pool : members).reduce((a, b) => (a.seq <= b.seq ? a : b));
  }

  private resolve(matches: ClaimRef[], basis: LinkBasis, payerKey: string, key: string): Link | null {
    if (matches.length === 0) return null;
    if (matches.length > MAX_CANDIDATES) return { basis: 'ambiguous', claim: null, remittance: null, crossPayer: false, note: `matches more than ${MAX_CANDIDATES} claims` };
    const families = new Map<string, ClaimRef[]>();
    for (const m of matches) push(families, this.family(m), m);
    const samePayer = new Map([...families].filter(([, ms]) => ms.some((m) => m.payerKey === payerKey)));
    const pick = samePayer.size > 0 ? samePayer : families;
    if (pick.size > 1) {
      const names = [...pick.values()].map((ms) => {
        const r = this.representative(ms);
        return `${r.pcn}/${r.icn}`;
      });
      return { basis: 'ambiguous', claim: null, remittance: null, crossPayer: false, note: `matches ${pick.size} claims: ${names.join('; ')}` };
    }
    const members = [...pick.values()][0]!;
    const claim = this.representative(members.some((m) => m.payerKey === payerKey) ? members.filter((m) => m.payerKey === payerKey) : members);
    if (samePayer.size === 0) {
      if (key.length < LONG_IDENTIFIER) return null;
      return { basis, claim, remittance: null, crossPayer: true, note: 'cross_payer: the claim was paid by another payer' };
    }
    return { basis, claim, remittance: null, crossPayer: false, note: claim.statusCode === '22' ? 'the original payment was not seen; linked to its reversal' : '' };
  }

  /** Direct link from the reference alone (no deferred pairing). */
  linkDirect(o: OffsetToLink): Link {
    const keys = referenceKeys(o.reference);
    if (keys.length === 0) return none('no reference');
    const basisOf = (k: ReferenceKey, field: 'icn' | 'pcn'): LinkBasis =>
      k.source === 'medicare_layout' ? 'medicare_layout' : k.source === 'icn_suffix' ? 'icn_suffix' : field;
    // 1) payer claim control number (X12-recommended), 2) original reference chain, 3) patient control number
    for (const field of ['icn', 'f8', 'pcn'] as const) {
      for (const k of keys) {
        if (field === 'pcn' && k.source === 'icn_suffix') continue;
        const found =
          field === 'icn' ? this.source.claimsByIcn(k.value) : field === 'f8' ? this.source.claimsByOriginalReference(k.value) : this.source.claimsByPcn(k.value);
        if (found.length === 0) continue;
        const basis: LinkBasis = field === 'f8' ? 'original_reference' : basisOf(k, field);
        const link = this.resolve(found, basis, o.payerKey, k.value);
        if (link) return link;
      }
    }
    // FB references are often a TRN02: the link is to a remittance, not a claim (835-domain.md §3.1)
    for (const k of keys) {
      const rems = this.source.remittancesByTrace(k.value);
      if (rems.length === 0) continue;
      const same = rems.filter((r) => r.payerKey === o.payerKey);
      let pool = same.length > 0 ? same : rems;
      // an FB/L6 naming the check it sits in: that remittance, even when another file has the same trace
      const own = pool.filter((r) => r.file === o.ownFile && r.traceNumber === o.ownTrace);
      if (pool.length > 1 && own.length === 1) pool = own;
      if (pool.length === 1) return { basis: 'trace_number', claim: null, remittance: pool[0]!, crossPayer: same.length === 0, note: same.length === 0 ? 'cross_payer' : '' };
      return { basis: 'ambiguous', claim: null, remittance: null, crossPayer: false, note: `matches ${pool.length} remittances with trace ${k.value}` };
    }
    return none('no claim or remittance with this reference was seen');
  }
}

function none(note: string): Link {
  return { basis: 'none', claim: null, remittance: null, crossPayer: false, note };
}

/** Adds a value to a key's list (an empty key is not a key). */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  if (key === '' || key === undefined) return;
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Where candidates come from, plus reading a claim back by its `seq` (to rebuild a stored link). */
export interface ClaimStore extends ClaimSource {
  claimBySeq(seq: number): ClaimRef | null;
}

/** The links of a run's offsets, rebuilt one at a time: a large run keeps ~13 bytes per offset, not a Link. */
export interface LinkTable {
  readonly length: number;
  get(i: number): Link;
}

const BASES: readonly LinkBasis[] = ['icn', 'pcn', 'icn_suffix', 'medicare_layout', 'original_reference', 'deferred_pair', 'trace_number', 'ambiguous', 'none'];

class CompactLinks implements LinkTable {
  private readonly basis: Uint8Array;
  private readonly crossPayer: Uint8Array;
  /** The linked claim's seq, or -1. */
  private readonly seq: Float64Array;
  private readonly remittances = new Map<number, RemittanceRef>();
  private readonly notes = new Map<number, string>();
  private readonly source: ClaimStore;

  constructor(source: ClaimStore, readonly length: number) {
    this.source = source;
    this.basis = new Uint8Array(length);
    this.crossPayer = new Uint8Array(length);
    this.seq = new Float64Array(length).fill(-1);
  }

  set(i: number, l: Link): void {
    this.basis[i] = BASES.indexOf(l.basis);
    this.crossPayer[i] = l.crossPayer ? 1 : 0;
    this.seq[i] = l.claim ? l.claim.seq : -1;
    if (l.remittance) this.remittances.set(i, l.remittance);
    else this.remittances.delete(i);
    if (l.note !== '') this.notes.set(i, l.note);
    else this.notes.delete(i);
  }

  get(i: number): Link {
    const seq = this.seq[i]!;
    const claim = seq >= 0 ? this.source.claimBySeq(seq) : null;
    const basis = BASES[this.basis[i]!]!;
    if (seq >= 0 && claim === null) return none('the linked claim could not be read back (its file changed during the run)');
    return { basis, claim, remittance: this.remittances.get(i) ?? null, crossPayer: this.crossPayer[i] === 1, note: this.notes.get(i) ?? '' };
  }
}

/**
 * Links a whole run's offsets. Direct links first; then a collection (WO/FB positive) that found nothing
 * inherits the link of an earlier deferral (WO/FB negative) with the same reference — `deferred_pair`.
 * Offsets are read through `offsetAt`, links kept compact (LinkTable), so memory stays small on big runs.
 */
export function linkOffsetTable(
  source: ClaimStore,
  count: number,
  offsetAt: (i: number) => OffsetToLink,
  priorDeferral?: (payerKey: string, reference: string) => Link | null,
): LinkTable {
  const linker = new Linker(source);
  const table = new CompactLinks(source, count);
  if (source.prefetch) {
    const keys = new Set<string>();
    for (let i = 0; i < count; i++) for (const k of referenceKeys(offsetAt(i).reference)) keys.add(k.value);
    source.prefetch([...keys]);
  }
  const deferrals = new Map<string, Link>();
  const unresolved: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = offsetAt(i);
    const l = linker.linkDirect(o);
    table.set(i, l);
    if (isDeferral(o.reasonCode, o.amount) && o.reference && (l.claim || l.remittance)) deferrals.set(`${o.payerKey}\u0000${o.reference.trim()}`, l);
    if (isCollection(o.reasonCode, o.amount) && (l.basis === 'none' || l.basis === 'ambiguous') && o.reference) unresolved.push(i);
  }
  for (const i of unresolved) {
    // a collection that finds nothing, or several claims, is the collection of the earlier deferral with the
    // same reference (X12: the same FCN on WO− and WO+; 835-domain.md §3.1 option 3)
    const o = offsetAt(i);
    const d = deferrals.get(`${o.payerKey}\u0000${o.reference!.trim()}`) ?? priorDeferral?.(o.payerKey, o.reference!.trim()) ?? null;
    if (d) table.set(i, { ...d, basis: 'deferred_pair', note: `same reference as an earlier deferral (${d.basis})` });
  }
  return table;
}

/** linkOffsetTable over an array, every link built. */
export function linkOffsets(source: ClaimStore, offsets: readonly OffsetToLink[], priorDeferral?: (payerKey: string, reference: string) => Link | null): Link[] {
  const table = linkOffsetTable(source, offsets.length, (i) => offsets[i]!, priorDeferral);
  return Array.from({ length: table.length }, (_, i) => table.get(i));
}
