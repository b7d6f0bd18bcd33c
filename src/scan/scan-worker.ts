// The worker thread of a parallel scan (./parallel.ts): parses one task at a time — a whole file, or a
// part of one that starts at an ISA — and sends back, in input order, what the main thread's Scanner
// needs: diagnostics, remittances, each claim's facts (./claim-facts.ts) and skipped transactions. It
// never decides anything that needs the whole run. Sending waits on credit from the main thread, so a
// slow output holds the workers back and memory stays flat.

import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { PayerAliases } from '../analysis/payer-aliases.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { type FileOutcome, type ParseHandlers, parseFile, parseRange } from '../input/parse.js';
import type { Claim, Remittance } from '../remit/model.js';
import { ClaimPreparer } from './claim-facts.js';
import { ClaimEncoder, EventKind, type TaskMessage, type WorkerReply } from './parallel-protocol.js';

const port = parentPort!;
/** Credit left for the running task (batches it may send before the main thread acknowledges one). */
let credit = 0;
let running = -1;
let resume: (() => void) | null = null;

/** Tasks given ahead (the main thread keeps a few queued here, so a worker never waits for the next file). */
const queue: TaskMessage[] = [];
let busy = false;

/** Tasks the main thread no longer wants (a part the part before read over): skipped, or stopped between chunks. */
const cancelled = new Set<number>();

port.on('message', (m: { type: 'ack'; id: number } | { type: 'cancel'; id: number } | TaskMessage) => {
  if (m.type === 'cancel') {
    cancelled.add(m.id);
    if (m.id === running) {
      const r = resume;
      resume = null;
      r?.();
    }
    return;
  }
  if (m.type === 'ack') {
    if (m.id !== running) return;
    credit++;
    const r = resume;
    resume = null;
    r?.();
    return;
  }
  queue.push(m);
  if (!busy) void pump();
});

async function pump(): Promise<void> {
  busy = true;
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    try {
      if (cancelled.delete(task.id)) skipTask(task.id);
      else await runTask(task);
    } catch (err) {
      const e = err as Error;
      post({ type: 'failed', id: task.id, message: e?.message ?? String(err), stack: e?.stack ?? '' });
    }
  }
  busy = false;
}

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

/** One encoder per kind for the worker's life (its buffer is reused from task to task). */
const encoders = new Map<boolean, ClaimEncoder>();
function encoderFor(allKeys: boolean): ClaimEncoder {
  let e = encoders.get(allKeys);
  if (e === undefined) encoders.set(allKeys, (e = new ClaimEncoder(allKeys)));
  return e;
}

/** A task cancelled before it started: done at once, with nothing (the main thread only counts it off). */
function skipTask(id: number): void {
  const outcome = { file: '', bytes: 0, segments: 0, remittances: 0, readable: true, errors: 0, warnings: 0 };
  post({ type: 'done', id, outcome, end: Number.MAX_SAFE_INTEGER, sha256: null, last: { events: [], claims: { nums: new Float64Array(0), strs: [], extras: [] }, bytes: 0 } });
}

async function runTask(task: TaskMessage): Promise<void> {
  running = task.id;
  credit = task.credit;
  const preparer = new ClaimPreparer(task.prep);
  const aliases = task.aliases !== null ? new PayerAliases(task.aliases) : null;
  const hash: Hash | null = task.hash ? createHash('sha256') : null;
  let events: unknown[] = [];
  // the ledger records every claim's keys; otherwise the main thread needs their hashes only
  const encoder = encoderFor(task.prep.keepsRows);
  let bytes = 0;
  const ids = new Map<Remittance, number>();
  let nextId = 0;
  const idOf = (r: Remittance): number => {
    let id = ids.get(r);
    if (id === undefined) {
      id = nextId++;
      ids.set(r, id);
      events.push(EventKind.Remittance, id, r);
    }
    return id;
  };
  const flush = (): void => {
    if (events.length === 0 && bytes === 0) return;
    const claims = encoder.take();
    port.postMessage({ type: 'batch', id: task.id, events, claims, bytes } satisfies WorkerReply, [claims.nums.buffer as ArrayBuffer]);
    credit--;
    events = [];
    bytes = 0;
  };
  /** The task is done: its last events go with the message that says so. */
  const done = (outcome: FileOutcome, end: number, sha256: string | null): void => {
    const claims = encoder.take();
    post({ type: 'done', id: task.id, outcome, end, sha256, last: { events, claims, bytes } }, [claims.nums.buffer as ArrayBuffer]);
  };
  const handlers: ParseHandlers = {
    claim: (c: Claim, r: Remittance) => {
      if (aliases) {
        aliases.apply(r);
        if (c.payer) aliases.applyParty(c.payer);
      }
      idOf(r);
      encoder.add(preparer.prepare(c, r));
      events.push(EventKind.Claim);
    },
    remittance: (r: Remittance) => {
      aliases?.apply(r);
      const id = idOf(r);
      ids.delete(r);
      events.push(EventKind.RemittanceEnd, id, r);
    },
    transactionSkipped: (info) => events.push(EventKind.Skipped, info.type),
    diagnostic: (d: Diagnostic) => events.push(EventKind.Diagnostic, d),
    bytes: (chunk: Buffer) => {
      bytes += chunk.length;
      hash?.update(chunk);
    },
    cancelled: () => cancelled.has(task.id),
    afterChunk: () => {
      if (events.length < task.batchEvents || cancelled.has(task.id)) return undefined;
      flush();
      if (credit > 0) return undefined;
      return new Promise<void>((res) => {
        resume = res;
      });
    },
  };
  if (task.stops === null) {
    done(await parseFile(task.path, handlers, { keepClaims: false }), -1, hash?.digest('hex') ?? null);
  } else {
    const outcome = await parseRange(task.path, task.start, task.stops, handlers, { keepClaims: false });
    done(outcome, outcome.end, null);
  }
  cancelled.delete(task.id);
  running = -1;
}
