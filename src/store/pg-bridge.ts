// A synchronous door to PostgreSQL: the `pg` client runs in a worker thread; the calling thread posts a
// batch of statements and sleeps on a shared flag (Atomics.wait) until the worker has the results. The
// Ledger interface is synchronous (the scan records claims inside the parser's callbacks), so the
// PostgreSQL ledger keeps it that way: one round trip per batch, and batches are made large.

import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** One statement of a batch; `rows: true` returns its rows (as arrays when `array`). */
export interface Statement {
  sql: string;
  params?: readonly unknown[];
  rows?: boolean;
}

/** What PostgreSQL said when a statement failed (no connection secret is ever in it). */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly connect: boolean,
  ) {
    super(message);
    this.name = 'PgError';
  }
}

// The worker: CommonJS, evaluated from this string so that it runs the same from src/ (tests) and dist/.
// `pg` is resolved from this package (createRequire on the path given). BIGINT (int8) columns come back
// as numbers: ids and cents stay far below 2^53.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const pg = createRequire(workerData.base)('pg');
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
const flag = new Int32Array(workerData.shared);
const port = workerData.port;
let client = null;
async function handle(msg) {
  if (msg.op === 'connect') {
    client = new pg.Client({ connectionString: msg.url, application_name: 'recoup' });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      err.connectFailed = true;
      throw err;
    }
    return {};
  }
  if (msg.op === 'batch') {
    const results = [];
    for (const s of msg.statements) {
      const r = await client.query({ text: s.sql, values: s.params || [] });
      results.push(s.rows ? r.rows : r.rowCount);
    }
    return { results };
  }
  if (msg.op === 'end') {
    if (client) await client.end().catch(() => {});
    client = null;
    return {};
  }
  throw new Error('unknown operation ' + msg.op);
}
function reply(m) {
  port.postMessage(m);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
}
// one message at a time, in the order sent: a batch sent ahead must be done before the next one starts
let queue = Promise.resolve();
port.on('message', (msg) => {
  queue = queue.then(() =>
    handle(msg).then(
      (r) => reply({ ok: true, ...r }),
      (err) => reply({ ok: false, message: String(err && err.message || err), code: err && err.code, connect: !!(err && err.connectFailed) }),
    ),
  );
});
`;

// PostgreSQL text cannot hold U+0000, which SQLite keeps and which a damaged file can carry (and the bank
// line identity uses as a separator). It is stored as U+E000 (private use) and read back as U+0000, so both
// engines give the same output.
const NUL = '\u0000';
const NUL_STORED = '\ue000';

// JSON text (the kept report rows and heads) writes it as the escape \u0000, which jsonb refuses too: that
// escape (when its backslash is not itself escaped) is stored as \ue000 and read back as \u0000.
const JSON_NUL = /(?<=(?:^|[^\\])(?:\\\\)*)\\u0000/g;
const JSON_NUL_STORED = /(?<=(?:^|[^\\])(?:\\\\)*)\\ue000/g;

function toPg(v: unknown): unknown {
  if (typeof v === 'string') {
    let s = v.includes(NUL) ? v.replaceAll(NUL, NUL_STORED) : v;
    if (s.includes('\\u0000')) s = s.replace(JSON_NUL, '\\ue000');
    return s;
  }
  if (Array.isArray(v)) return v.map(toPg);
  return v;
}

function fromPgRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const r = row as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    const v = r[k];
    if (typeof v !== 'string') continue;
    let s = v.includes(NUL_STORED) ? v.replaceAll(NUL_STORED, NUL) : v;
    if (s.includes('\\ue000')) s = s.replace(JSON_NUL_STORED, '\\u0000');
    r[k] = s;
  }
  return r;
}

/** How long one batch may take before the ledger is reported unreachable (a lock held by another process waits this long). */
const CALL_TIMEOUT_MS = 10 * 60 * 1000;

export class PgBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** Replies the worker has posted (it counts them up in the shared flag). */
  private readonly flag: Int32Array;
  /** Messages posted; replies are in the same order. */
  private sent = 0;
  /** Replies read so far. */
  private received = 0;
  /** The first failure of a batch sent without waiting: thrown at the next call that waits. */
  private deferred: PgError | null = null;
  private closed = false;

  constructor() {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { base: createRequire(import.meta.url).resolve('pg'), shared, port: port2 }, transferList: [port2] });
    this.worker.unref();
    this.port.unref();
  }

  /** Posts a message; with `wait`, sleeps until its reply (and every earlier one) is in, and returns it. */
  private call(msg: unknown, wait = true): Record<string, unknown> {
    if (this.closed) throw new PgError('the ledger connection is closed', undefined, false);
    this.port.postMessage(msg);
    this.sent++;
    if (!wait) return {};
    for (;;) {
      const replies = Atomics.load(this.flag, 0);
      if (replies >= this.sent) break;
      if (Atomics.wait(this.flag, 0, replies, CALL_TIMEOUT_MS) === 'timed-out') throw new PgError(`no answer from PostgreSQL in ${CALL_TIMEOUT_MS / 60_000} minutes`, undefined, false);
    }
    let last: (Record<string, unknown> & { ok: boolean; message?: string; code?: string; connect?: boolean }) | null = null;
    while (this.received < this.sent) {
      const got = receiveMessageOnPort(this.port);
      if (!got) throw new PgError('the PostgreSQL worker gave no answer', undefined, false);
      this.received++;
      last = got.message as typeof last;
      // a batch sent without waiting that failed: its error is the one to tell (what follows failed with it)
      if (this.received < this.sent && !last!.ok && this.deferred === null) this.deferred = new PgError(last!.message ?? 'PostgreSQL failed', last!.code, false);
    }
    if (this.deferred !== null) {
      const e = this.deferred;
      this.deferred = null;
      throw e;
    }
    if (!last!.ok) throw new PgError(last!.message ?? 'PostgreSQL failed', last!.code, last!.connect === true);
    return last!;
  }

  /**
   * Connects. An address with `sslmode=` gets libpq's meaning of it (`require`: encrypted, certificate not
   * checked), as psql users expect; pg's own reading treats require as verify-full.
   */
  connect(url: string): void {
    const libpq = /[?&]sslmode=/i.test(url) && !/[?&]uselibpqcompat=/i.test(url) ? `${url}&uselibpqcompat=true` : url;
    this.call({ op: 'connect', url: libpq });
  }

  /** Runs the statements in order, in one round trip; each result is its rows (rows: true) or its row count. */
  batch(statements: readonly Statement[]): unknown[] {
    if (statements.length === 0) return [];
    const sent = statements.map((s) => (s.params ? { ...s, params: s.params.map(toPg) } : s));
    const results = this.call({ op: 'batch', statements: sent }).results as unknown[];
    return results.map((r) => (Array.isArray(r) ? r.map(fromPgRow) : r));
  }

  /**
   * Sends the statements without waiting (their rows are not wanted): parsing goes on while PostgreSQL
   * writes. A failure is thrown by the next call that waits.
   */
  send(statements: readonly Statement[]): void {
    if (statements.length === 0) return;
    this.call({ op: 'batch', statements: statements.map((s) => (s.params ? { ...s, params: s.params.map(toPg), rows: false } : { ...s, rows: false })) }, false);
  }

  /** The rows of one query. */
  rows<T>(sql: string, params: readonly unknown[] = []): T[] {
    return this.batch([{ sql, params, rows: true }])[0] as T[];
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'end' });
    } catch {
      // closing anyway
    }
    this.closed = true;
    void this.worker.terminate();
  }
}
