// The run's claim index for linking, compact enough for files of millions of claims: per claim it keeps
// 32-bit hashes of CLP07 and CLP01, its ordinal in two open-addressing tables, and the low 32 bits of its
// byte position (file and high bits change rarely and are kept as breakpoints): about 30 bytes a claim.
// When an offset's reference hits a hash, the claim is read back from disk at that position and checked
// against the real key, so a hash collision can never make a link.
// Claims read from standard input cannot be read back: their details are kept in memory instead.

import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_CANDIDATES, type ClaimRef, type ClaimStore, type RemittanceRef } from '../analysis/link.js';
import type { Delimiters } from '../x12/delimiters.js';
import { parseAmount } from '../remit/money.js';

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

  /** Adds a claim of the most recently added remittance. */
  addClaim(path: string, byteOffset: number, c: IndexedClaim): void {
    const i = this.n++;
    const fileIdx = this.fileIndex(path);
    const high = Math.floor(byteOffset / 2 ** 32) * 2 ** 32;
    const base = fileIdx * 2 ** 40 + high;
    if (this.breakBases.length === 0 || this.breakBases[this.breakBases.length - 1] !== base) {
      this.breakOrdinals.push(i);
      this.breakBases.push(base);
    }
    this.lowPositions.push(byteOffset - high);
    const icnHash = c.icn === '' ? 0 : hash32(c.icn, ICN_SEED);
    const pcnHash = c.pcn === '' ? 0 : hash32(c.pcn, PCN_SEED);
    this.icnHashes.push(icnHash);
    this.pcnHashes.push(pcnHash);
    if (icnHash !== 0) this.byIcn.add(icnHash, i);
    if (pcnHash !== 0) this.byPcn.add(pcnHash, i);
    if (c.originalReference !== '') this.byF8.add(hash32(c.originalReference, F8_SEED), i);
    if (path === '-') {
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
 * Reads one claim (CLP through the next CLP/LX/PLB/SE) back from its file. Each segment is decoded on its
 * own, so the strings a cached claim keeps do not pin a whole read buffer in memory.
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
 * One read buffer for all read-backs (strings decoded from it are copies), instead of a fresh
 * allocation for each of the hundreds of thousands of reads that linking a large run makes.
 */
let scratch = Buffer.allocUnsafeSlow(1024);

function readClaimFrom(fd: number, offset: number, d: Delimiters): IndexedClaim | null {
  let size = 1024;
  for (;;) {
    if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(size);
    const buf = scratch;
    let got: number;
    try {
      got = readSync(fd, buf, 0, size, offset);
    } catch {
      return null;
    }
    const parsed = parseClaim(buf, got, d, got < size);
    if (parsed !== 'need-more') return parsed;
    if (size >= 4 * 1024 * 1024) return null;
    size *= 4;
  }
}

/** The segment id at `from` (after stray characters and white space, as the tokenizer skips), upper-cased. */
function idAt(buf: Buffer, from: number, to: number, element: number): string {
  let i = from;
  while (i < to && !isAlphaNumericByte(buf[i]!)) i++;
  let id = '';
  for (let k = i; k < to && k < i + 4 && buf[k] !== element; k++) {
    const b = buf[k]!;
    id += String.fromCharCode(b >= 0x61 && b <= 0x7a ? b - 0x20 : b);
  }
  return id;
}

function isAlphaNumericByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * The claim starting at buf[0]: CLP, then NM1*QC and REF*F8 up to the next CLP/LX/PLB/SE. Only those
 * segments are decoded. 'need-more' when the buffer ends inside the claim.
 */
function parseClaim(buf: Buffer, got: number, d: Delimiters, eof: boolean): IndexedClaim | null | 'need-more' {
  const terminator = d.segment.charCodeAt(0);
  const element = d.element.charCodeAt(0);
  let c: IndexedClaim | null = null;
  let last = '';
  let firstName = '';
  let start = 0;
  while (start < got) {
    let end = buf.indexOf(terminator, start);
    if (end === -1 || end >= got) {
      if (!eof) return 'need-more';
      end = got;
    }
    const id = idAt(buf, start, end, element);
    if (c === null) {
      if (id !== 'CLP') return null;
      const e = decodeSegment(buf, start, end).split(d.element);
      const paid = parseAmount(field(e, 4));
      c = { pcn: field(e, 1), icn: field(e, 7), originalReference: '', statusCode: field(e, 2), patient: '', paid: paid.ok ? paid.cents : 0 };
    } else if (id === 'CLP' || id === 'LX' || id === 'PLB' || id === 'SE') {
      return finish(c, last, firstName);
    } else if (id === 'NM1' || id === 'REF') {
      const e = decodeSegment(buf, start, end).split(d.element);
      if (id === 'NM1' && field(e, 1) === 'QC') {
        last = field(e, 3);
        firstName = field(e, 4);
      } else if (id === 'REF' && field(e, 1) === 'F8') c.originalReference = field(e, 2);
    }
    start = end + 1;
  }
  if (c === null) return eof ? null : 'need-more';
  return eof ? finish(c, last, firstName) : 'need-more';
}

const field = (e: string[], i: number): string => (e[i] ?? '').trim();

/** One segment's text, as the tokenizer reads it: UTF-8 unless invalid, without leading junk or CR/LF. */
function decodeSegment(buf: Buffer, from: number, to: number): string {
  let text = buf.toString('utf8', from, to);
  if (text.includes('\ufffd')) text = buf.toString('latin1', from, to);
  return text.replace(/^[^A-Za-z0-9]+/, '').replace(/[\r\n]+/g, '');
}

function finish(c: IndexedClaim, last: string, first: string): IndexedClaim {
  c.patient = last === '' && first === '' ? '' : first === '' ? last : `${last}, ${first}`;
  return c;
}
