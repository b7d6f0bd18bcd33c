// Every core (issue 18): the inputs of a scan are cut into tasks — each small file whole, a large file in
// parts that start at an interchange (ISA) found by a byte scan — parsed by a pool of worker threads
// (./scan-worker.ts), and merged back by the main thread in input order, so every report, diagnostic
// and figure is the same as with --jobs 1. The main thread only merges: it replays each task's events
// through the same Scanner methods a --jobs 1 scan calls (claimFacts, remittanceEnd, …).
//
// Exactness of parts: a part is parsed by a fresh parser from its ISA. That reads the rest of the file as
// the one parser would have only if the part before ended between interchanges (all segments complete, no
// envelope open: RemittanceParser.atBoundary). The worker of a part checks this where its part ends; when
// it does not hold (an interchange without its IEA across the cut), it reads on to the next cut where it
// does, and the parts it read over are dropped unread by the main thread. Segment numbers count from 1 in
// each part; the main thread adds the segments of the parts before (byte offsets are the file's already).

import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { PayerAlias } from '../analysis/payer-aliases.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { FileOutcome } from '../input/parse.js';
import type { Remittance } from '../remit/model.js';
import { readIsa } from '../x12/delimiters.js';
import type { ClaimFacts, ClaimPrepOptions } from './claim-facts.js';
import { BATCH_EVENTS, ClaimDecoder, CREDIT, EventKind, type TaskMessage, type WorkerReply } from './parallel-protocol.js';

/** How a scan uses the cores. */
export interface ParallelOptions {
  /** Worker threads (1: no workers, the main thread parses). */
  jobs: number;
  /** Below this many input bytes in all, workers are not worth starting (default 4 MiB); given, it also
   * lifts the rule that tasks must average 8 KiB (tests force workers with minBytes: 0). */
  minBytes?: number;
  /** Parts of a large file are about this size (default: the file over 8 × jobs, 2–4 MiB). */
  partBytes?: number;
  /** Events per batch, batches a task may send ahead, input bytes given out ahead of the merge (default BATCH_EVENTS, CREDIT, 16 MiB; tests set them small). */
  batchEvents?: number;
  credit?: number;
  windowBytes?: number;
}

/** The default --jobs: the cores this process may use. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

const MIN_PARALLEL_BYTES = 4 * 1024 * 1024;
/** Below this many bytes per task on average, the inputs are read in the main thread. */
const MIN_AVERAGE_TASK = 8 * 1024;
const MIN_PART = 2 * 1024 * 1024;
const MAX_PART = 4 * 1024 * 1024;
/** How far past a planned cut the byte scan looks for an ISA before giving the cut up. */
const CUT_WINDOW = 1024 * 1024;

/** One unit of work, in input order. `main`: read by the main thread (stdin, not a regular file). */
export type Task =
  | { kind: 'main'; path: string }
  | { kind: 'file'; path: string; size: number }
  | { kind: 'part'; path: string; start: number; stops: number[]; first: boolean; last: boolean; size: number };

/**
 * Cuts the inputs into tasks; null when parallel parsing is not worth it (one small input, or too few
 * bytes in all). `split`: large files may be cut into parts (not with a ledger, which hashes and records
 * each file in one transaction as it is read).
 */
export async function planTasks(inputs: readonly string[], options: ParallelOptions & { split: boolean }): Promise<Task[] | null> {
  if (options.jobs <= 1) return null;
  const tasks: Task[] = [];
  let total = 0;
  let workerTasks = 0;
  // the sizes, a few hundred stat calls at a time (an inbox of 10,000 files waited on them one by one)
  const sizes: number[] = [];
  for (let i = 0; i < inputs.length; i += 256) {
    const batch = inputs.slice(i, i + 256).map((path) => (path === '-' ? -1 : stat(path).then((st) => (st.isFile() ? st.size : -1), () => -1)));
    sizes.push(...(await Promise.all(batch)));
  }
  for (const [k, path] of inputs.entries()) {
    const size = sizes[k]!;
    if (size < 0) {
      tasks.push({ kind: 'main', path });
      continue;
    }
    total += size;
    const partBytes = options.partBytes ?? Math.min(MAX_PART, Math.max(MIN_PART, Math.ceil(size / (options.jobs * 8))));
    const cuts = options.split && size >= 2 * partBytes ? await findCuts(path, size, partBytes) : [];
    if (cuts.length === 0) {
      tasks.push({ kind: 'file', path, size });
      workerTasks++;
      continue;
    }
    const starts = [0, ...cuts];
    starts.forEach((start, i) =>
      tasks.push({ kind: 'part', path, start, stops: cuts.filter((c) => c > start), first: i === 0, last: i === starts.length - 1, size: (starts[i + 1] ?? size) - start }),
    );
    workerTasks += starts.length;
  }
  if (workerTasks < 2 || total < (options.minBytes ?? MIN_PARALLEL_BYTES)) return null;
  // tiny files cost the main thread more to merge from a worker than to read itself: 10,000 ERAs of 1.5 KB
  // took 2.4 s in one thread and 2.7 s with two workers (261 files of 400 KB: 4.3 s and 3.7 s)
  if (options.minBytes === undefined && total / workerTasks < MIN_AVERAGE_TASK) return null;
  return tasks;
}

/**
 * Byte offsets near every `partBytes` where an interchange starts: a segment terminator, white space, then
 * an ISA that reads whole with the file's first ISA's separators. None when the file does not start with
 * an ISA (a bare ST, junk, not X12): it is read whole, as --jobs 1 reads it.
 */
export async function findCuts(path: string, size: number, partBytes: number): Promise<number[]> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 4096));
    await handle.read(head, 0, head.length, 0);
    if (head.toString('latin1', 0, 3) !== 'ISA') return [];
    const first = readIsa(head, 0, true);
    if (first.kind !== 'ok') return [];
    const terminator = first.delimiters.segment.charCodeAt(0);
    const element = first.delimiters.element.charCodeAt(0);
    const cuts: number[] = [];
    const window = Buffer.alloc(CUT_WINDOW + 512);
    for (let target = partBytes; target < size - partBytes / 2; target += partBytes) {
      const from = Math.max(target, (cuts[cuts.length - 1] ?? 0) + 1);
      const { bytesRead } = await handle.read(window, 0, window.length, from);
      const buf = window.subarray(0, bytesRead);
      let t = buf.indexOf(terminator);
      while (t !== -1) {
        let p = t + 1;
        while (p < buf.length && (buf[p] === 0x0a || buf[p] === 0x0d || buf[p] === 0x20 || buf[p] === 0x09)) p++;
        if (buf[p] === 0x49 && buf[p + 1] === 0x53 && buf[p + 2] === 0x41 && buf[p + 3] === element) {
          const isa = readIsa(buf, p, from + bytesRead >= size);
          if (isa.kind === 'ok') {
            cuts.push(from + p);
            break;
          }
        }
        if (p >= CUT_WINDOW) break;
        t = buf.indexOf(terminator, t + 1);
      }
    }
    return cuts;
  } finally {
    await handle.close();
  }
}

/** What the main thread does with a task's events (the Scanner's merge methods). */
export interface MergeSink {
  diagnostic(d: Diagnostic): void;
  skipped(type: string): void;
  claim(f: ClaimFacts, r: Remittance): void;
  remittanceEnd(r: Remittance): void;
  bytes(count: number): void;
  /** Called between batches: a promise pauses merging (and so the workers) until the output has room. */
  waitForOutput(): Promise<void> | undefined;
}

interface TaskState {
  task: Task & { kind: 'file' | 'part' };
  /** Batches not merged yet; `final`: the events that came with the done message (no credit to give back). */
  batches: Array<Extract<WorkerReply, { type: 'batch' }> & { final?: boolean }>;
  done: Extract<WorkerReply, { type: 'done' }> | null;
  failed: Extract<WorkerReply, { type: 'failed' }> | null;
  worker: PoolWorker | null;
  wake: (() => void) | null;
  /** Dropped: a part the part before it read over. */
  dropped: boolean;
}

interface PoolWorker {
  worker: Worker;
  /** Tasks given to it and not yet done, in order (the first is running), and their input bytes. */
  tasks: number[];
  queued: number;
}

/**
 * Tasks queued in a worker at once, so it goes on to the next without waiting for the main thread (which
 * takes in replies only between merges): two, and more while they are small (an inbox of small ERAs).
 */
const QUEUE_BYTES = 4 * 1024 * 1024;
const QUEUE_TASKS = 64;
/** Input bytes given out ahead of the merge: parsed and not yet merged, their events wait in memory. */
const WINDOW_BYTES = 16 * 1024 * 1024;

/** A pool of scan workers working through the tasks ahead of the merge (a bounded window of them). */
export class ScanPool {
  private readonly workers: PoolWorker[] = [];
  private readonly states: Array<TaskState | null>;
  private readonly tasks: readonly Task[];
  private next = 0;
  private merged = 0;
  /** Input bytes of the tasks given out and not merged yet. */
  private ahead = 0;
  private readonly windowBytes: number;

  /** Input bytes given out and not merged yet (the back-pressure test reads it). */
  get aheadBytes(): number {
    return this.ahead;
  }
  private closed = false;
  private fatal: Error | null = null;

  /** Batches received so far (for the back-pressure test). */
  received = 0;

  constructor(
    tasks: readonly Task[],
    jobs: number,
    private readonly setup: { prep: ClaimPrepOptions; aliases: readonly PayerAlias[] | null; hash: boolean; batchEvents?: number; credit?: number; windowBytes?: number },
  ) {
    this.tasks = tasks;
    this.windowBytes = setup.windowBytes ?? WINDOW_BYTES;
    this.states = tasks.map((t) => (t.kind === 'main' ? null : { task: t, batches: [], done: null, failed: null, worker: null, wake: null, dropped: false }));
    const url = workerUrl();
    for (let i = 0; i < jobs; i++) {
      const w: PoolWorker = { worker: new Worker(url), tasks: [], queued: 0 };
      w.worker.on('message', (m: WorkerReply) => this.onReply(w, m));
      w.worker.on('error', (err) => this.onFatal(err));
      w.worker.on('exit', (code) => {
        if (!this.closed) this.onFatal(new Error(`a scan worker stopped (exit ${code})`));
      });
      this.workers.push(w);
    }
    this.assign();
  }

  private onFatal(err: Error): void {
    this.fatal ??= err;
    for (const s of this.states) {
      const wake = s?.wake;
      if (wake) {
        s.wake = null;
        wake();
      }
    }
  }

  private onReply(w: PoolWorker, m: WorkerReply): void {
    const s = this.states[m.id];
    if (!s) return;
    if (m.type === 'batch') {
      this.received++;
      // a dropped part's events are thrown away as they come; its worker gets its credit back
      if (s.dropped) w.worker.postMessage({ type: 'ack', id: m.id });
      else s.batches.push(m);
    } else {
      if (!s.dropped) {
        if (m.type === 'done') {
          s.batches.push({ type: 'batch', id: m.id, ...m.last, final: true });
          s.done = m;
        } else s.failed = m;
      }
      w.tasks = w.tasks.filter((t) => t !== m.id);
      w.queued -= s.task.size;
      s.worker = null;
      this.assign();
    }
    const wake = s.wake;
    s.wake = null;
    wake?.();
  }

  /** Gives workers the next tasks (a few queued each), no further than the window ahead of the merge. */
  private assign(): void {
    for (;;) {
      // the worker with the least queued, if it may take one more
      let w: PoolWorker | null = null;
      for (const x of this.workers) if (w === null || x.queued < w.queued) w = x;
      if (w === null || (w.tasks.length >= 2 && (w.queued >= QUEUE_BYTES || w.tasks.length >= QUEUE_TASKS))) return;
      // tasks the main thread reads (stdin, not a file) and parts dropped before they started are passed
      while (this.next < this.tasks.length && (this.states[this.next] === null || this.states[this.next]!.dropped)) this.next++;
      if (this.next >= this.tasks.length) return;
      // a hard limit: what was parsed and not merged yet is held in memory (only the task the merge waits
      // for may go past it, when nothing else is out)
      if (this.ahead > 0 && this.ahead + this.states[this.next]!.task.size > this.windowBytes) return;
      const id = this.next++;
      const s = this.states[id]!;
      const t = s.task;
      w.tasks.push(id);
      w.queued += t.size;
      this.ahead += t.size;
      s.worker = w;
      const message: TaskMessage = {
        type: 'task',
        id,
        path: t.path,
        start: t.kind === 'part' ? t.start : 0,
        stops: t.kind === 'part' ? t.stops : null,
        hash: this.setup.hash && t.kind === 'file',
        prep: this.setup.prep,
        aliases: this.setup.aliases === null ? null : [...this.setup.aliases],
        batchEvents: this.setup.batchEvents ?? BATCH_EVENTS,
        credit: this.setup.credit ?? CREDIT,
      };
      w.worker.postMessage(message);
    }
  }

  /** Marks task `id` as merged (or dropped): the window moves on. */
  private advance(id: number): void {
    this.merged = Math.max(this.merged, id + 1);
    const s = this.states[id];
    if (s) {
      if (s.worker !== null || s.done !== null || s.failed !== null) this.ahead -= s.task.size;
      s.batches = [];
      s.done = null;
    }
    this.assign();
  }

  /** A part the part before read over: what its worker sends (if it started) is thrown away. */
  drop(id: number): void {
    const s = this.states[id];
    if (!s) return;
    s.dropped = true;
    // its worker stops reading it (or skips it, still queued)
    if (s.worker !== null) {
      s.worker.worker.postMessage({ type: 'cancel', id });
      for (const _ of s.batches) s.worker.worker.postMessage({ type: 'ack', id });
    }
    this.advance(id);
  }

  /** Merges task `id`'s events into `sink` in order; resolves with the parse outcome of that task. */
  async merge(id: number, sink: MergeSink, segmentBase: number): Promise<{ outcome: FileOutcome; end: number; sha256: string | null }> {
    const s = this.states[id]!;
    const remittances = new Map<number, Remittance>();
    let current: Remittance | null = null;
    for (;;) {
      if (this.fatal) throw this.fatal;
      const batch = s.batches.shift();
      if (batch !== undefined) {
        if (!batch.final) s.worker?.worker.postMessage({ type: 'ack', id });
        const ev = batch.events;
        const claims = new ClaimDecoder(batch.claims);
        for (let i = 0; i < ev.length; ) {
          switch (ev[i] as EventKind) {
            case EventKind.Claim: {
              const f = claims.next();
              if (segmentBase !== 0) shiftFacts(f, segmentBase);
              sink.claim(f, current!);
              i += 1;
              break;
            }
            case EventKind.Remittance: {
              const r = ev[i + 2] as Remittance;
              if (segmentBase !== 0) shiftRemittance(r, segmentBase);
              remittances.set(ev[i + 1] as number, r);
              current = r;
              i += 3;
              break;
            }
            case EventKind.RemittanceEnd: {
              const key = ev[i + 1] as number;
              const r = ev[i + 2] as Remittance;
              let mine = remittances.get(key);
              if (mine !== r) {
                if (segmentBase !== 0) shiftRemittance(r, segmentBase);
                if (mine === undefined) mine = r;
                else Object.assign(mine, r);
              }
              remittances.delete(key);
              sink.remittanceEnd(mine);
              current = null;
              i += 3;
              break;
            }
            case EventKind.Diagnostic: {
              const d = ev[i + 1] as Diagnostic;
              if (segmentBase !== 0 && d.segment !== undefined) d.segment += segmentBase;
              sink.diagnostic(d);
              i += 2;
              break;
            }
            case EventKind.Skipped:
              sink.skipped(ev[i + 1] as string);
              i += 2;
              break;
            default:
              throw new Error(`unknown scan worker event ${String(ev[i])}`);
          }
        }
        sink.bytes(batch.bytes);
        const wait = sink.waitForOutput();
        if (wait !== undefined) await wait;
        continue;
      }
      if (s.failed !== null) {
        const err = new Error(`a scan worker failed on ${s.task.path}: ${s.failed.message}`);
        err.stack = s.failed.stack;
        throw err;
      }
      if (s.done !== null) {
        const done = s.done;
        this.advance(id);
        return { outcome: done.outcome, end: done.end, sha256: done.sha256 };
      }
      await new Promise<void>((res) => {
        s.wake = res;
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

function shiftFacts(f: ClaimFacts, base: number): void {
  f.segment += base;
  for (const d of f.diagnostics) if (d.segment !== undefined) d.segment += base;
}

function shiftRemittance(r: Remittance, base: number): void {
  r.origin = { ...r.origin, segment: r.origin.segment + base };
  for (const a of r.providerAdjustments) a.origin = { ...a.origin, segment: a.origin.segment + base };
}

/** The worker's compiled module: beside this one in dist/ (tests run this file from src/ after `npm run build`). */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace(/\/src\/scan\/parallel\.ts$/, '/dist/scan/scan-worker.js'));
  return new URL('./scan-worker.js', here);
}
