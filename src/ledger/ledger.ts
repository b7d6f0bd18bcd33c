// The ledger: a local SQLite file (better-sqlite3) of remittances, claims and offsets seen in earlier
// runs, so offsets can be linked across nightly runs and deferred balances tracked until collected.
// One SQLite transaction per input file: a crash leaves a file fully recorded or not at all.
// Holds patient data: the file is created 0600 (SQLite gives its -wal/-shm files the same mode).

import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { RecoupError } from '../diagnostics.js';
import type { ClaimRef, ClaimSource, Link, RemittanceRef } from '../analysis/link.js';
import type { Cents } from '../remit/money.js';
import type { BalanceOffset } from '../analysis/balances.js';
import { type RemittanceIdentity, samePayment, traceKey } from '../analysis/duplicates.js';

export const SCHEMA_VERSION = 2;

/** Test hook (see insertClaim): kill this process after this many claims are inserted; 0 = never. */
const KILL_AFTER_CLAIMS = Math.max(0, Math.floor(Number(process.env.RECOUP_TEST_KILL_AFTER_CLAIMS ?? 0)) || 0);
let claimsInserted = 0;

/** Migrations by target version; each runs inside one transaction. */
const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE files (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL,
      sha256 TEXT NOT NULL UNIQUE,
      bytes INTEGER NOT NULL,
      recorded_at TEXT NOT NULL
    );
    CREATE TABLE remittances (
      id INTEGER PRIMARY KEY,
      file_id INTEGER NOT NULL REFERENCES files(id),
      file_path TEXT NOT NULL,
      payer_key TEXT NOT NULL,
      payer_name TEXT NOT NULL,
      trace_number TEXT NOT NULL,
      transaction_control TEXT NOT NULL,
      payment_date TEXT NOT NULL,
      paid INTEGER NOT NULL,
      UNIQUE (payer_key, trace_number, transaction_control)
    );
    CREATE INDEX remittances_trace ON remittances(trace_number);
    CREATE TABLE claims (
      id INTEGER PRIMARY KEY,
      remittance_id INTEGER NOT NULL REFERENCES remittances(id),
      pcn TEXT NOT NULL,
      icn TEXT NOT NULL,
      original_reference TEXT NOT NULL,
      status_code TEXT NOT NULL,
      patient TEXT NOT NULL,
      charge INTEGER NOT NULL,
      paid INTEGER NOT NULL,
      interest INTEGER
    );
    CREATE INDEX claims_icn ON claims(icn);
    CREATE INDEX claims_pcn ON claims(pcn);
    CREATE INDEX claims_f8 ON claims(original_reference) WHERE original_reference <> '';
    CREATE TABLE offsets (
      id INTEGER PRIMARY KEY,
      remittance_id INTEGER NOT NULL REFERENCES remittances(id),
      pair_seq INTEGER NOT NULL,
      provider_id TEXT NOT NULL,
      reason_code TEXT NOT NULL,
      reference TEXT,
      amount INTEGER NOT NULL,
      category TEXT NOT NULL,
      link_basis TEXT,
      linked_claim_id INTEGER REFERENCES claims(id),
      linked_remittance_id INTEGER REFERENCES remittances(id),
      link_note TEXT
    );
    CREATE INDEX offsets_reference ON offsets(reference);
    CREATE INDEX offsets_linked_claim ON offsets(linked_claim_id);
  `,
  // 2: a remittance is the same one when payer, trace, amount, date and content agree
  // (src/analysis/duplicates.ts), not when ST02 does: re-sent files get new control numbers, and a reissue
  // under one trace number may keep ST02 0001. The table is rebuilt without UNIQUE(payer, trace, ST02),
  // with a content fingerprint ('' for rows recorded before: matched on the payment alone); ids are kept.
  2: `
    CREATE TABLE remittances_v2 (
      id INTEGER PRIMARY KEY,
      file_id INTEGER NOT NULL REFERENCES files(id),
      file_path TEXT NOT NULL,
      payer_key TEXT NOT NULL,
      payer_name TEXT NOT NULL,
      trace_number TEXT NOT NULL,
      transaction_control TEXT NOT NULL,
      payment_date TEXT NOT NULL,
      paid INTEGER NOT NULL,
      content TEXT NOT NULL DEFAULT ''
    );
    INSERT INTO remittances_v2 (id, file_id, file_path, payer_key, payer_name, trace_number, transaction_control, payment_date, paid)
      SELECT id, file_id, file_path, payer_key, payer_name, trace_number, transaction_control, payment_date, paid FROM remittances;
    DROP TABLE remittances;
    ALTER TABLE remittances_v2 RENAME TO remittances;
    CREATE INDEX remittances_trace ON remittances(trace_number);
    CREATE INDEX remittances_payer_trace ON remittances(payer_key, trace_number);
  `,
};

const SQLITE_HEADER = 'SQLite format 3\u0000';

function ledgerError(code: string, message: string): RecoupError {
  return new RecoupError(code, message, { exitCode: 1 });
}

/** Refuses anything that is not an SQLite database before SQLite can touch (and rewrite) it. */
function checkExistingFile(path: string): void {
  const st = statSync(path);
  if (!st.isFile()) throw ledgerError('LEDGER_NOT_SQLITE', `ledger ${path} is not a regular file`);
  if (st.size === 0) return; // an empty file is a new ledger (created by us, or by the user with touch)
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    readSync(fd, buf, 0, 16, 0);
    if (buf.toString('latin1') !== SQLITE_HEADER) throw ledgerError('LEDGER_NOT_SQLITE', `ledger ${path} is not an SQLite database; it was not touched`);
  } finally {
    closeSync(fd);
  }
}

/** A claim as the ledger stores it, with its remittance's payer, trace, date and file. */
export interface ClaimRow {
  id: number;
  pcn: string;
  icn: string;
  original_reference: string;
  status_code: string;
  patient: string;
  paid: number;
  payer_key: string;
  trace_number: string;
  payment_date: string;
  file_path: string;
}

export class Ledger implements ClaimSource {
  readonly path: string;
  private readonly db: Database.Database;
  private inFile = false;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  static open(path: string, options: { busyTimeoutMs?: number } = {}): Ledger {
    if (existsSync(path)) checkExistingFile(path);
    else {
      try {
        closeSync(openSync(path, 'wx', 0o600));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') throw ledgerError('LEDGER_OPEN_FAILED', `cannot create ledger ${path}: ${code ?? (err as Error).message}`);
      }
    }
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 10 * 60 * 1000 });
    } catch (err) {
      throw ledgerError('LEDGER_OPEN_FAILED', `cannot open ledger ${path}: ${(err as Error).message}`);
    }
    const ledger = new Ledger(path, db);
    // Another process creating the same new ledger can hold it for a moment where SQLite does not wait
    // (switching to WAL): that is "busy", not damage — wait and try again rather than call it corrupt.
    for (let attempt = 1; ; attempt++) {
      try {
        ledger.prepareSchema();
        return ledger;
      } catch (err) {
        const busy = String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
        if (busy && attempt < 100) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
          continue;
        }
        db.close();
        if (err instanceof RecoupError) throw err;
        if (busy) throw ledgerError('LEDGER_OPEN_FAILED', `ledger ${path} stayed locked by another process for 5 seconds while being set up; try again`);
        throw ledgerError('LEDGER_CORRUPT', `ledger ${path} cannot be read (${(err as Error).message}); it was not changed`);
      }
    }
  }

  private prepareSchema(): void {
    // quick_check reads every page: a damaged file fails here, before anything is written
    const check = this.db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw ledgerError('LEDGER_CORRUPT', `ledger ${this.path} is damaged (${String(check)}); it was not changed`);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw ledgerError('LEDGER_TOO_NEW', `ledger ${this.path} has schema version ${version}; this recoup knows up to ${SCHEMA_VERSION} — upgrade recoup`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // foreign keys go on after the migrations: rebuilding a table others refer to (v2) needs them off
    // (better-sqlite3 turns them on by default, and the pragma cannot change inside a transaction)
    this.db.pragma('foreign_keys = OFF');
    for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        // another process may have migrated while we waited for the lock
        const now = this.db.pragma('user_version', { simple: true }) as number;
        if (now < v) {
          this.db.exec(MIGRATIONS[v]!);
          this.db.pragma(`user_version = ${v}`);
        }
        this.db.exec('COMMIT');
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    }
    this.db.pragma('foreign_keys = ON');
  }

  close(): void {
    if (this.inFile) this.rollbackFile();
    this.db.close();
  }

  // ---- recording one input file (one transaction) ----

  beginFile(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.inFile = true;
  }

  isFileRecorded(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM files WHERE sha256 = ?').get(sha256) !== undefined;
  }

  /** Inserts the file row; remittances of this file point at it. */
  insertFile(path: string, sha256: string, bytes: number): number {
    const r = this.db.prepare('INSERT INTO files (path, sha256, bytes, recorded_at) VALUES (?, ?, ?, ?)').run(path, sha256, bytes, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  /**
   * Records a remittance as its first claim arrives (its content is not known yet); settleRemittance
   * decides at its SE whether it was already recorded.
   */
  insertRemittance(fileId: number, r: RemittanceIdentity & { file: string; payerName: string; transactionControl: string }): number {
    const res = this.db
      .prepare('INSERT INTO remittances (file_id, file_path, payer_key, payer_name, trace_number, transaction_control, payment_date, paid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(fileId, r.file, r.payerKey, r.payerName, r.traceNumber, r.transactionControl, r.paymentDate, r.paid);
    return Number(res.lastInsertRowid);
  }

  /**
   * At a remittance's SE: when the ledger already holds the same payment (payer, trace, amount, date) with
   * the same content — the rule of src/analysis/duplicates.ts, the one a run uses for REMIT_DUPLICATE — the
   * rows just recorded for it are removed and false is returned; otherwise its content is stored (true).
   */
  settleRemittance(id: number, identity: RemittanceIdentity, content: string): boolean {
    if (traceKey(identity) !== null) {
      const recorded = this.db
        .prepare('SELECT id, payer_key AS payerKey, trace_number AS traceNumber, paid, payment_date AS paymentDate, content FROM remittances WHERE payer_key = ? AND trace_number = ? AND id <> ?')
        .all(identity.payerKey, identity.traceNumber, id) as Array<RemittanceIdentity & { id: number; content: string }>;
      if (recorded.some((x) => samePayment(x, identity) && (x.content === content || x.content === ''))) {
        this.db.prepare('DELETE FROM claims WHERE remittance_id = ?').run(id);
        this.db.prepare('DELETE FROM offsets WHERE remittance_id = ?').run(id);
        this.db.prepare('DELETE FROM remittances WHERE id = ?').run(id);
        return false;
      }
    }
    this.db.prepare('UPDATE remittances SET content = ? WHERE id = ?').run(content, id);
    return true;
  }

  setRemittancePaid(id: number, paid: Cents): void {
    this.db.prepare('UPDATE remittances SET paid = ? WHERE id = ?').run(paid, id);
  }

  insertClaim(remittanceId: number, c: { pcn: string; icn: string; originalReference: string; statusCode: string; patient: string; charge: Cents; paid: Cents; interest: Cents | null }): void {
    this.db
      .prepare('INSERT INTO claims (remittance_id, pcn, icn, original_reference, status_code, patient, charge, paid, interest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(remittanceId, c.pcn, c.icn, c.originalReference, c.statusCode, c.patient, c.charge, c.paid, c.interest);
    // ---- test hook: a crash at an exact point (test/ledger/ledger.test.ts, crash safety) ----
    // RECOUP_TEST_KILL_AFTER_CLAIMS=N makes the process kill itself with SIGKILL right after the N-th claim
    // of this run is inserted. Claims are only inserted inside an input file's transaction, so the kill
    // always lands before that file commits. Read once at start-up; never set outside the tests.
    if (KILL_AFTER_CLAIMS > 0 && ++claimsInserted === KILL_AFTER_CLAIMS) process.kill(process.pid, 'SIGKILL');
  }

  insertOffset(remittanceId: number, o: { pairSeq: number; providerId: string; reasonCode: string; reference: string | null; amount: Cents; category: string }): number {
    const r = this.db
      .prepare('INSERT INTO offsets (remittance_id, pair_seq, provider_id, reason_code, reference, amount, category) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(remittanceId, o.pairSeq, o.providerId, o.reasonCode, o.reference, o.amount, o.category);
    return Number(r.lastInsertRowid);
  }

  commitFile(): void {
    this.db.exec('COMMIT');
    this.inFile = false;
  }

  rollbackFile(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.inFile = false;
  }

  // ---- lookups for linking ----

  private claimsWhere(where: string, key: string | number): ClaimRef[] {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.pcn, c.icn, c.original_reference, c.status_code, c.patient, c.paid, r.payer_key, r.trace_number, r.payment_date, r.file_path
         FROM claims c JOIN remittances r ON r.id = c.remittance_id WHERE ${where} ORDER BY c.id`,
      )
      .all(key) as ClaimRow[];
    return rows.map((row) => ({
      pcn: row.pcn,
      icn: row.icn,
      originalReference: row.original_reference,
      statusCode: row.status_code,
      patient: row.patient,
      payerKey: row.payer_key,
      traceNumber: row.trace_number,
      paymentDate: row.payment_date,
      file: row.file_path,
      paid: row.paid,
      seq: row.id,
      ledgerId: row.id,
    }));
  }

  claimsByIcn(icn: string): ClaimRef[] {
    return this.claimsWhere('c.icn = ?', icn);
  }
  claimsByPcn(pcn: string): ClaimRef[] {
    return this.claimsWhere('c.pcn = ?', pcn);
  }
  claimsByOriginalReference(ref: string): ClaimRef[] {
    return this.claimsWhere("c.original_reference = ? AND c.original_reference <> ''", ref);
  }

  remittancesByTrace(trace: string): RemittanceRef[] {
    const rows = this.db.prepare('SELECT id, trace_number, payer_key, payment_date, file_path FROM remittances WHERE trace_number = ? ORDER BY id').all(trace) as Array<{
      id: number;
      trace_number: string;
      payer_key: string;
      payment_date: string;
      file_path: string;
    }>;
    return rows.map((r) => ({ traceNumber: r.trace_number, payerKey: r.payer_key, paymentDate: r.payment_date, file: r.file_path, ledgerId: r.id }));
  }

  hasClaimIcn(icn: string): boolean {
    return this.db.prepare('SELECT 1 FROM claims WHERE icn = ? LIMIT 1').get(icn) !== undefined;
  }

  /** Stores the link found for an offset (derived data; written after the run's files are recorded). */
  setOffsetLink(offsetId: number, basis: string, claimId: number | null, remittanceId: number | null, note: string): void {
    this.db.prepare('UPDATE offsets SET link_basis = ?, linked_claim_id = ?, linked_remittance_id = ?, link_note = ? WHERE id = ?').run(basis, claimId, remittanceId, note, offsetId);
  }

  transaction<T>(fn: () => T): T {
    // IMMEDIATE: take the write lock first. A deferred transaction that reads, then writes while another
    // process holds the lock fails at once with "database is locked" (SQLite cannot wait there without
    // risking a deadlock); found by the two-process test under load (issue #7).
    return this.db.transaction(fn).immediate();
  }

  /** A ledger claim's seq is its id. */
  claimBySeq(seq: number): ClaimRef | null {
    return this.claimById(seq);
  }

  claimById(id: number): ClaimRef | null {
    return this.claimsWhere('c.id = ?', id)[0] ?? null;
  }

  remittanceById(id: number): RemittanceRef | null {
    const r = this.db.prepare('SELECT id, trace_number, payer_key, payment_date, file_path FROM remittances WHERE id = ?').get(id) as
      | { id: number; trace_number: string; payer_key: string; payment_date: string; file_path: string }
      | undefined;
    return r ? { traceNumber: r.trace_number, payerKey: r.payer_key, paymentDate: r.payment_date, file: r.file_path, ledgerId: r.id } : null;
  }

  /**
   * The link of the most recent earlier deferral (WO/FB negative) of this payer with this reference,
   * for `deferred_pair` across runs.
   */
  priorDeferralLink(payerKey: string, reference: string): Link | null {
    const row = this.db
      .prepare(
        `SELECT o.link_basis, o.linked_claim_id, o.linked_remittance_id, o.link_note FROM offsets o JOIN remittances r ON r.id = o.remittance_id
         WHERE r.payer_key = ? AND trim(o.reference) = ? AND o.amount < 0 AND o.reason_code IN ('WO', 'FB')
           AND (o.linked_claim_id IS NOT NULL OR o.linked_remittance_id IS NOT NULL)
         ORDER BY o.id DESC LIMIT 1`,
      )
      .get(payerKey, reference) as { link_basis: string; linked_claim_id: number | null; linked_remittance_id: number | null; link_note: string | null } | undefined;
    if (!row) return null;
    return {
      basis: row.link_basis as Link['basis'],
      claim: row.linked_claim_id !== null ? this.claimById(row.linked_claim_id) : null,
      remittance: row.linked_remittance_id !== null ? this.remittanceById(row.linked_remittance_id) : null,
      crossPayer: (row.link_note ?? '').startsWith('cross_payer'),
      note: row.link_note ?? '',
    };
  }

  /** Every offset recorded, chronologically, with its stored link — input for the balances report. */
  balanceOffsets(): BalanceOffset[] {
    const rows = this.db
      .prepare(
        `SELECT r.payer_key, r.payer_name, r.payment_date, r.trace_number, r.file_path, o.reason_code, o.reference, o.amount,
                coalesce(o.link_basis, 'none') AS link_basis, coalesce(c.pcn, '') AS pcn, coalesce(c.icn, '') AS icn, coalesce(c.patient, '') AS patient
         FROM offsets o JOIN remittances r ON r.id = o.remittance_id LEFT JOIN claims c ON c.id = o.linked_claim_id
         ORDER BY r.payment_date, o.id`,
      )
      .all() as Array<Record<string, string | number | null>>;
    return rows.map((x) => ({
      payerKey: x.payer_key as string,
      payerName: x.payer_name as string,
      date: x.payment_date as string,
      trace: x.trace_number as string,
      file: x.file_path as string,
      code: x.reason_code as string,
      reference: (x.reference as string | null) ?? null,
      amount: x.amount as number,
      linkBasis: x.link_basis as string,
      linkedPcn: x.pcn as string,
      linkedIcn: x.icn as string,
      linkedPatient: x.patient as string,
    }));
  }

  counts(): { files: number; remittances: number; claims: number; offsets: number } {
    const one = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      files: one('SELECT count(*) n FROM files'),
      remittances: one('SELECT count(*) n FROM remittances'),
      claims: one('SELECT count(*) n FROM claims'),
      offsets: one('SELECT count(*) n FROM offsets'),
    };
  }

  /** Raw access for `recoup trace` queries. */
  get database(): Database.Database {
    return this.db;
  }
}

