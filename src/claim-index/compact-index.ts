// The run's claim index for linking, compact enough for files of millions of claims: per claim it keeps
// 32-bit hashes of CLP07 and CLP01, its ordinal in two open-addressing tables, and the low 32 bits of its
// byte position (file and high bits change rarely and are kept as breakpoints): about 30 bytes a claim.
// When an offset's reference hits a hash, the claim is read back from disk at that position (with the
// parser's tokenizer) and checked against the real key, so a hash collision can never make a link.
// Claims read from standard input cannot be read back: their details are kept in memory instead.

import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_CANDIDATES, type ClaimRef, type ClaimStore, type RemittanceRef } from '../analysis/link.js';
import { formatPatientName } from '../analysis/build-rows.js';
import { parseAmount } from '../remit/money.js';
import type { Delimiters } from '../x12/delimiters.js';
import { ownString, type Segment, SegmentTokenizer, type TokenizerSink } from '../x12/tokenizer.js';

/** FNV-1a over UTF-16 code units; keys are short identifiers. */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 1 : h; // 0 marks an empty slot
}

/** A growable array of 32-bit values in blocks of 64 Ki: growing never copies or doubles. */
class U32Blocks {
  private readonly blocks: Uint32Array[] = [];
  private n = 0;

  push(v: number): void {
    const b = this.n >>> 16;
    if (b === this.blocks.length) this.blocks.push(new Uint32Array(1 << 16));
    this.blocks[b]![this.n & 0xffff] = v;
    this.n++;
  }

  get(i: number): number {
    return this.blocks[i >>> 16]![i & 0xffff]!;
  }

  get bytes(): number {
    return this.blocks.length * (1 << 18);
  }
}

/**
 * hash → claim ordinals, open addressing with linear probing. Slots hold only ordinals; the hash of each
 * claim's key is in `hashes`, so a slot costs 4 bytes. Duplicates are separate entries.
 */
class OrdinalTable {
  private slots = new Int32Array(1 << 12).fill(-1);
  private count = 0;
  private readonly hashes: U32Blocks;

  constructor(hashes: U32Blocks) {
    this.hashes = hashes;
  }

  add(h: number, ordinal: number): void {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    this.place(h, ordinal);
    this.count++;
  }

  find(h: number): number[] {
    const out: number[] = [];
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = h & mask; slots[i] !== -1; i = (i + 1) & mask) if (this.hashes.get(slots[i]!) === h) out.push(slots[i]!);
    return out;
  }

  private place(h: number, ordinal: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== -1) i = (i + 1) & mask;
    this.slots[i] = ordinal;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    for (let i = 0; i < old.length; i++) if (old[i] !== -1) this.place(this.hashes.get(old[i]!), old[i]!);
  }

  get bytes(): number {
    return this.slots.byteLength;
  }
}

/** hash → ordinals for sparse keys (REF*F8): the hash is stored in the slot. */
class HashMultiMap {
  private keys = new Uint32Array(1 << 8);
  private vals = new Int32Array(1 << 8);
  private count = 0;

  add(h: number, v: number): void {
    if ((this.count + 1) * 4 > this.keys.length * 3) this.grow();
    const mask = this.keys.length - 1;
    let i = h & mask;
    while (this.keys[i] !== 0) i = (i + 1) & mask;
    this.keys[i] = h;
    this.vals[i] = v;
    this.count++;
  }

  find(h: number): number[] {
    const out: number[] = [];
    const mask = this.keys.length - 1;
    for (let i = h & mask; this.keys[i] !== 0; i = (i + 1) & mask) if (this.keys[i] === h) out.push(this.vals[i]!);
    return out;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    this.keys = new Uint32Array(oldK.length * 2);
    this.vals = new Int32Array(oldK.length * 2);
    this.count = 0;
    for (let i = 0; i < oldK.length; i++) if (oldK[i] !== 0) this.add(oldK[i]!, oldV[i]!);
  }

  get bytes(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }
}

interface RemittanceEntry {
  fileIdx: number;
  /** Byte offset of its ST segment (claims of this remittance come after it). */
  offset: number;
  ref: RemittanceRef;
  payerKey: string;
  delimiters: Delimiters;
}

export interface IndexedClaim {
  pcn: string;
  icn: string;
  originalReference: string;
  statusCode: string;
  patient: string;
  paid: number;
}

/** The index's hashes of a claim's keys (0: the key is empty), made where the claim is read (a worker may). */
export interface ClaimKeyHashes {
  icnHash: number;
  pcnHash: number;
  f8Hash: number;
}

export function claimKeyHashes(icn: string, pcn: string, originalReference: string): ClaimKeyHashes {
  return { icnHash: claimKeyHash('icn', icn), pcnHash: claimKeyHash('pcn', pcn), f8Hash: claimKeyHash('f8', originalReference) };
}

/** One of claimKeyHashes, without an object per claim. */
export function claimKeyHash(key: 'icn' | 'pcn' | 'f8', value: string): number {
  return value === '' ? 0 : hash32(value, key === 'icn' ? ICN_SEED : key === 'pcn' ? PCN_SEED : F8_SEED);
}

/** Separates a stdin claim's fields in its one string (cannot occur in X12 text we keep). */
const SEP = '\u0000';
/** Claims read back kept in memory; memory stays flat however many offsets the run links. */
const CACHE_SIZE = 4096;
/** Files kept open for reading claims back. */
const OPEN_FILES = 16;
const ICN_SEED = 0x1234;
const PCN_SEED = 0x5678;
const F8_SEED = 0x9abc;

export class CompactClaimIndex implements ClaimStore {
  private readonly icnHashes = new U32Blocks();
  private readonly pcnHashes = new U32Blocks();
  private readonly byIcn = new OrdinalTable(this.icnHashes);
  private readonly byPcn = new OrdinalTable(this.pcnHashes);
  private readonly byF8 = new HashMultiMap();
  /**
   * A claim's position is fileIdx * 2^40 + its CLP's byte offset. Per claim only the low 32 bits are kept;
   * the rest changes only at a new file or every 4 GiB, and is kept at those ordinals (breakpoints).
   */
  private readonly lowPositions = new U32Blocks();
  private readonly breakOrdinals: number[] = [];
  private readonly breakBases: number[] = [];
  private n = 0;
  private readonly files: string[] = [];
  private readonly fileIds = new Map<string, number>();
  private readonly remittances: RemittanceEntry[] = [];
  private readonly byTrace = new Map<string, RemittanceRef[]>();
  /**
   * Claims that cannot be read back (standard input, read once): kept in memory, compactly — one flat
   * string of their fields and the amount, from ordinal `stdinFirst` on (about 100 bytes a claim).
   */
  private stdinFirst = -1;
  private readonly stdinFields: string[] = [];
  private readonly stdinPaid: number[] = [];
  /** Claims read back recently (bounded, least recently used first), and claims whose file changed. */
  private readonly cache = new Map<number, ClaimRef>();
  private readonly unreadable = new Set<number>();
  /** Open descriptors of files claims are read back from (a few, least recently used closed first). */
  private readonly fds = new Map<number, number | null>();

  /** Registers a remittance before its claims; `file` is the path given ('-' for stdin). */
  addRemittance(r: RemittanceRef & { offset: number; delimiters: Delimiters; path: string }): void {
    const fileIdx = this.fileIndex(r.path);
    const ref: RemittanceRef = { traceNumber: r.traceNumber, payerKey: r.payerKey, paymentDate: r.paymentDate, file: r.file };
    this.remittances.push({ fileIdx, offset: r.offset, ref, payerKey: r.payerKey, delimiters: r.delimiters });
    if (r.traceNumber !== '') {
      const list = this.byTrace.get(r.traceNumber);
      if (list) list.push(ref);
      else this.byTrace.set(r.traceNumber, [ref]);
    }
  }

  /**
   * Adds a claim of the most recently added remittance, by the hashes of its keys (claimKeyHashes); its
   * details are needed only from standard input, which cannot be read back.
   */
  addClaim(path: string, byteOffset: number, h: ClaimKeyHashes, c: IndexedClaim | null): void {
    const i = this.n++;
    const fileIdx = this.fileIndex(path);
    const high = Math.floor(byteOffset / 2 ** 32) * 2 ** 32;
    const base = fileIdx * 2 ** 40 + high;
    if (this.breakBases.length === 0 || this.breakBases[this.breakBases.length - 1] !== base) {
      this.breakOrdinals.push(i);
      this.breakBases.push(base);
    }
    this.lowPositions.push(byteOffset - high);
    const { icnHash, pcnHash, f8Hash } = h;
    this.icnHashes.push(icnHash);
    this.pcnHashes.push(pcnHash);
    if (icnHash !== 0) this.byIcn.add(icnHash, i);
    if (pcnHash !== 0) this.byPcn.add(pcnHash, i);
    if (f8Hash !== 0) this.byF8.add(f8Hash, i);
    if (path === '-') {
      if (c === null) throw new Error('a claim from standard input needs its details in the index');
      if (this.stdinFirst < 0) this.stdinFirst = i;
      // one flat copy: the fields as read are views that would keep whole input blocks alive
      const fields = [c.pcn, c.icn, c.originalReference, c.statusCode, c.patient].map((f) => (f.includes(SEP) ? f.replaceAll(SEP, '') : f));
      this.stdinFields[i - this.stdinFirst] = (SEP + fields.join(SEP)).slice(1);
      this.stdinPaid[i - this.stdinFirst] = c.paid;
    }
  }

  get claimCount(): number {
    return this.n;
  }

  /** Bytes held per claim by the index structures (for the benchmark). */
  get bytes(): number {
    return this.byIcn.bytes + this.byPcn.bytes + this.byF8.bytes + this.icnHashes.bytes + this.pcnHashes.bytes + this.lowPositions.bytes + this.breakOrdinals.length * 16;
  }

  claimsByIcn(icn: string): ClaimRef[] {
    return this.verified(this.byIcn.find(hash32(icn, ICN_SEED)), (c) => c.icn === icn);
  }
  claimsByPcn(pcn: string): ClaimRef[] {
    return this.verified(this.byPcn.find(hash32(pcn, PCN_SEED)), (c) => c.pcn === pcn);
  }
  claimsByOriginalReference(reference: string): ClaimRef[] {
    return this.verified(this.byF8.find(hash32(reference, F8_SEED)), (c) => c.originalReference === reference);
  }
  remittancesByTrace(trace: string): RemittanceRef[] {
    return this.byTrace.get(trace) ?? [];
  }
  hasClaimIcn(icn: string): boolean {
    return this.claimsByIcn(icn).length > 0;
  }
  /** The claim added as number `seq` (its ordinal), read back; null if out of range or unreadable. */
  claimBySeq(seq: number): ClaimRef | null {
    return Number.isInteger(seq) && seq >= 0 && seq < this.n ? this.load(seq) : null;
  }

  private fileIndex(path: string): number {
    let idx = this.fileIds.get(path);
    if (idx === undefined) {
      idx = this.files.length;
      this.files.push(path);
      this.fileIds.set(path, idx);
    }
    return idx;
  }

  /**
   * The claims behind hash hits that really carry the key, in the order seen. Stops after one more than
   * MAX_CANDIDATES: the linker calls a key with that many claims ambiguous, so reading the rest is waste.
   */
  private verified(ordinals: number[], matches: (c: ClaimRef) => boolean): ClaimRef[] {
    const out: ClaimRef[] = [];
    for (const i of ordinals.sort((a, b) => a - b)) {
      const c = this.load(i);
      if (c !== null && matches(c)) out.push(c);
      if (out.length > MAX_CANDIDATES) break;
    }
    return out;
  }

  /** fileIdx * 2^40 + byte offset of claim i. */
  private positionOf(i: number): number {
    let lo = 0;
    let hi = this.breakOrdinals.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.breakOrdinals[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.breakBases[lo]! + this.lowPositions.get(i);
  }

  private fdOf(fileIdx: number): number | null {
    if (this.fds.has(fileIdx)) {
      const fd = this.fds.get(fileIdx)!;
      this.fds.delete(fileIdx);
      this.fds.set(fileIdx, fd);
      return fd;
    }
    let fd: number | null = null;
    try {
      fd = openSync(this.files[fileIdx]!, 'r');
    } catch {
      fd = null; // vanished since it was read: its claims cannot be checked, so they are not linked
    }
    this.fds.set(fileIdx, fd);
    if (this.fds.size > OPEN_FILES) {
      const [oldest, oldFd] = this.fds.entries().next().value!;
      this.fds.delete(oldest);
      if (oldFd !== null) closeSync(oldFd);
    }
    return fd;
  }

  /** Closes the files kept open for reading claims back. The index stays usable (they reopen). */
  closeFiles(): void {
    for (const fd of this.fds.values()) if (fd !== null) closeSync(fd);
    this.fds.clear();
  }

  /** The remittance a claim belongs to: the last one registered at or before its position. */
  private remittanceOf(pos: number): RemittanceEntry {
    let lo = 0;
    let hi = this.remittances.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const r = this.remittances[mid]!;
      if (r.fileIdx * 2 ** 40 + r.offset <= pos) lo = mid;
      else hi = mid - 1;
    }
    return this.remittances[lo]!;
  }

  private load(i: number): ClaimRef | null {
    if (this.stdinFirst >= 0 && i >= this.stdinFirst && i - this.stdinFirst < this.stdinFields.length) {
      const [pcn = '', icn = '', originalReference = '', statusCode = '', patient = ''] = this.stdinFields[i - this.stdinFirst]!.split(SEP);
      const rem = this.remittanceOf(this.positionOf(i));
      return { pcn, icn, originalReference, statusCode, patient, paid: this.stdinPaid[i - this.stdinFirst]!, payerKey: rem.payerKey, traceNumber: rem.ref.traceNumber, paymentDate: rem.ref.paymentDate, file: rem.ref.file, seq: i };
    }
    const cached = this.cache.get(i);
    if (cached) {
      this.cache.delete(i); // re-insert: Map order is the recency order
      this.cache.set(i, cached);
      return cached;
    }
    if (this.unreadable.has(i)) return null;
    const pos = this.positionOf(i);
    const fileIdx = Math.floor(pos / 2 ** 40);
    const offset = pos - fileIdx * 2 ** 40;
    const rem = this.remittanceOf(pos);
    const fd = this.fdOf(fileIdx);
    const claim = fd === null ? null : readClaimFrom(fd, offset, rem.delimiters);
    if (claim === null) {
      this.unreadable.add(i); // the file changed or vanished since it was read: no link rather than a wrong one
      return null;
    }
    const ref: ClaimRef = { ...claim, payerKey: rem.payerKey, traceNumber: rem.ref.traceNumber, paymentDate: rem.ref.paymentDate, file: rem.ref.file, seq: i };
    this.cache.set(i, ref);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return ref;
  }
}

/**
 * Reads one claim (CLP, NM1*QC, REF*F8, up to its first SVC or its end) back from its file, with the
 * parser's tokenizer.
 * The values kept are copies, so a cached claim does not pin the text of a whole read in memory.
 */
export function readClaimAt(path: string, offset: number, d: Delimiters): IndexedClaim | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return readClaimFrom(fd, offset, d);
  } finally {
    closeSync(fd);
  }
}

/**
 * One read buffer for all read-backs (the tokenizer copies what it keeps of it), instead of a fresh
 * allocation for each of the hundreds of thousands of reads that linking a large run makes.
 */
let scratch = Buffer.allocUnsafeSlow(1024);
/** Bytes given to the tokenizer at a time: most claims are a few hundred bytes long. */
const PIECE = 512;

function readClaimFrom(fd: number, offset: number, d: Delimiters): IndexedClaim | null {
  let size = 1024;
  for (;;) {
    if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(size);
    let got: number;
    try {
      got = readSync(fd, scratch, 0, size, offset);
    } catch {
      return null;
    }
    const parsed = parseClaim(scratch.subarray(0, got), d, got < size);
    if (parsed !== 'need-more') return parsed;
    if (size >= 4 * 1024 * 1024) return null;
    size *= 4;
  }
}

/**
 * The claim starting at bytes[0], tokenized as the parser does: CLP, then NM1*QC and REF*F8 until its
 * first service line or its end. Null when bytes[0] does not start a CLP; 'need-more' when the bytes end
 * before that.
 */
function parseClaim(bytes: Buffer, d: Delimiters, eof: boolean): IndexedClaim | null | 'need-more' {
  const reader = new ClaimReader();
  const tokenizer = new SegmentTokenizer(reader, { delimiters: d });
  // fed in pieces, so the claims after this one in the read are mostly left untokenized
  for (let at = 0; at < bytes.length && (reader.state === 'start' || reader.state === 'claim'); at += PIECE) tokenizer.write(bytes.subarray(at, at + PIECE));
  if (eof && (reader.state === 'start' || reader.state === 'claim')) tokenizer.end(); // the last segment may lack its terminator
  if (reader.state === 'not-a-claim') return null;
  if (reader.state === 'start') return eof ? null : 'need-more';
  if (reader.state === 'claim' && !eof) return 'need-more';
  return {
    pcn: ownString(reader.pcn),
    icn: ownString(reader.icn),
    originalReference: ownString(reader.originalReference),
    statusCode: ownString(reader.statusCode),
    patient: ownString(formatPatientName(reader.lastName, reader.firstName)),
    paid: reader.paid,
  };
}

/** Segments after which nothing more of a claim's CLP, NM1*QC and REF*F8 can follow (src/remit/builder.ts). */
const CLAIM_LEVEL_ENDS = new Set(['CLP', 'LX', 'PLB', 'SE', 'SVC', 'N1', 'ST', 'GS', 'GE', 'ISA', 'IEA']);

/** Takes one claim's segments from the tokenizer; the segments after its end are ignored. */
class ClaimReader implements TokenizerSink {
  state: 'start' | 'claim' | 'done' | 'not-a-claim' = 'start';
  pcn = '';
  icn = '';
  originalReference = '';
  statusCode = '';
  paid = 0;
  lastName = '';
  firstName = '';

  segment(seg: Segment): void {
    if (this.state === 'claim') {
      const id = seg.id;
      // where the builder stops taking claim-level segments: the claim ends (next CLP, LX, PLB, SE, a new
      // party N1, an envelope without SE) or its service lines begin (NM1 and REF there are not the claim's)
      if (CLAIM_LEVEL_ENDS.has(id)) this.state = 'done';
      else if (id === 'NM1' && seg.el(1) === 'QC') {
        this.lastName = seg.el(3);
        this.firstName = seg.el(4);
      } else if (id === 'REF' && seg.el(1) === 'F8') this.originalReference = seg.el(2);
    } else if (this.state === 'start') {
      // the CLP must be the very first thing at the position (as the parser found it), else the file changed
      if (seg.id !== 'CLP' || seg.offset !== 0) {
        this.state = 'not-a-claim';
        return;
      }
      this.state = 'claim';
      this.pcn = seg.el(1);
      this.statusCode = seg.el(2);
      this.icn = seg.el(7);
      const paid = parseAmount(seg.el(4));
      this.paid = paid.ok ? paid.cents : 0; // as the builder counts an amount it cannot read
    }
  }

  diagnostic(): void {}
}
