// The ledger on SQLite (better-sqlite3): a local file of remittances, claims and offsets seen in earlier
// runs, so offsets can be linked across nightly runs and deferred balances tracked until collected.
// Schema and migrations, and every statement, prepared once when the ledger opens.
// One SQLite transaction per input file: a crash leaves a file fully recorded or not at all.
// Holds patient data: the file is created 0600 (SQLite gives its -wal/-shm files the same mode).

import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { type ErrorCode, RecoupError } from '../diagnostics/errors.js';
import type { ClaimRef, Link, LinkBasis, RemittanceRef } from '../analysis/link.js';
import { DEFERRAL_CODES, type BalanceOffset } from '../analysis/deferrals.js';
import { type RemittanceIdentity, samePaymentRecorded, traceKey } from '../analysis/duplicates.js';
import type { TraceClaim, TraceOffset } from '../analysis/claim-trace.js';
import type { RemittanceHead } from '../analysis/build-rows.js';
import { bankLineIdentity, type DepositRemittance } from '../analysis/deposits.js';
import type { BankLine } from '../bank/model.js';
import { offsetId } from '../analysis/offset-id.js';
import { foldStates, type ReviewEvent, type ReviewState } from '../analysis/review.js';
import type {
  BankFileRecord,
  ClaimRecord,
  Ledger,
  LedgerCounts,
  LedgerFilter,
  OffsetIdMatch,
  OffsetLinkRecord,
  OffsetRecord,
  RecordedBankLine,
  RecordedClaim,
  RecordedOffset,
  RecordedRemittance,
  RemittanceRecord,
  RemittanceSnapshot,
  ReviewEventInput,
} from './store.js';
import {
  balanceOffsetOf,
  claimRef,
  type ClaimRow,
  depositRemittanceOf,
  recordedClaimOf,
  recordedRemittancesOf,
  remittanceRef,
  type RemittanceRow,
  rowJson,
  type StoredClaim,
  type StoredRemittance,
  traceClaim,
  withPaidKnown,
  withTracePayer,
} from './stored-rows.js';

export const SCHEMA_VERSION = 5;

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
  // 3: what `recoup report` needs to answer from the ledger alone what a scan of the same files prints:
  // each remittance's head, summary figures and payments row; each claim's claims row and adjustments
  // rows; each offset's PLB02 date and whether its amount could be read. Rows are JSON arrays in the
  // column order of src/analysis/rows.ts (a change of columns migrates them). Rows recorded before have
  // none and are left out of reports (said).
  3: `
    ALTER TABLE remittances ADD COLUMN head TEXT;
    ALTER TABLE remittances ADD COLUMN figures TEXT;
    ALTER TABLE remittances ADD COLUMN payment_row TEXT;
    ALTER TABLE claims ADD COLUMN report_row TEXT;
    ALTER TABLE claims ADD COLUMN adjustment_rows TEXT;
    ALTER TABLE offsets ADD COLUMN fiscal_period_date TEXT;
    ALTER TABLE offsets ADD COLUMN unreadable INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX remittances_payment_date ON remittances(payment_date);
    CREATE INDEX claims_remittance ON claims(remittance_id);
    CREATE INDEX offsets_remittance ON offsets(remittance_id);
  `,
  // 4: bank statements (issue 14), recorded whole by content hash like 835 files; a line's identity
  // (src/analysis/deposits.ts bankLineIdentity) keeps a transaction on two statements from counting twice.
  // Matches are not stored: they are derived from all lines and remittances each time (a new ERA can
  // settle yesterday's deposit).
  4: `
    CREATE TABLE bank_files (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL,
      sha256 TEXT NOT NULL UNIQUE,
      bytes INTEGER NOT NULL,
      format TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    );
    CREATE TABLE bank_lines (
      id INTEGER PRIMARY KEY,
      bank_file_id INTEGER NOT NULL REFERENCES bank_files(id),
      line INTEGER NOT NULL,
      byte_offset INTEGER NOT NULL,
      account TEXT NOT NULL,
      date TEXT,
      amount INTEGER NOT NULL,
      type_code TEXT NOT NULL,
      reference TEXT NOT NULL,
      customer_reference TEXT NOT NULL,
      text TEXT NOT NULL,
      identity TEXT UNIQUE
    );
    CREATE INDEX bank_lines_date ON bank_lines(date);
  `,
  // 5: the review work queue (issue 16). Each offset gets its stable id (src/analysis/offset-id.ts; filled
  // in for offsets recorded before by MIGRATION_STEPS[5]). Review events are an append-only audit trail:
  // an offset's status is its latest event; triggers refuse any UPDATE or DELETE of an event.
  5: `
    ALTER TABLE offsets ADD COLUMN uid TEXT;
    CREATE TABLE review_events (
      id INTEGER PRIMARY KEY,
      offset_uid TEXT NOT NULL,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      from_status TEXT NOT NULL,
      to_status TEXT NOT NULL,
      note TEXT NOT NULL DEFAULT '',
      recovered INTEGER
    );
    CREATE INDEX review_events_offset ON review_events(offset_uid, id);
    CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;
    CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;
  `,
};

/** Migration work SQL cannot do, run after the version's SQL inside the same transaction. */
const MIGRATION_STEPS: Record<number, (db: Database.Database) => void> = {
  5: (db) => {
    // the stable id of every offset already recorded, from its remittance as recorded (TRN03 from the kept
    // head; '' for a remittance recorded before schema 3, whose head was not kept)
    const setUid = db.prepare('UPDATE offsets SET uid = ? WHERE id = ?');
    const rows = db
      .prepare(
        `SELECT o.id, o.remittance_id AS rid, r.trace_number AS trace, r.payment_date AS date, r.paid, r.content, r.head
         FROM offsets o JOIN remittances r ON r.id = o.remittance_id ORDER BY o.remittance_id, o.pair_seq, o.id`,
      )
      .all() as Array<{ id: number; rid: number; trace: string; date: string; paid: number; content: string; head: string | null }>;
    const taken = new Set<string>();
    let rid = -1;
    let position = 0;
    for (const o of rows) {
      position = o.rid === rid ? position + 1 : 1;
      rid = o.rid;
      const head = o.head === null ? null : (JSON.parse(o.head) as RemittanceHead);
      const base = offsetId({ tracePayerId: head?.trace.payerId ?? '', traceNumber: o.trace, paymentDate: o.date, paid: o.paid, content: o.content, position });
      let uid = base;
      for (let n = 2; taken.has(uid); n++) uid = `${base}-${n}`;
      taken.add(uid);
      setUid.run(uid, o.id);
    }
    db.exec('CREATE UNIQUE INDEX offsets_uid ON offsets(uid)');
  },
};

const SQLITE_HEADER = 'SQLite format 3\u0000';

function ledgerError(code: ErrorCode, message: string): RecoupError {
  return new RecoupError(code, message);
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

/** A claim with its remittance's payer, trace, date and file: what linking and `recoup trace` read. */
const CLAIM_SELECT = `SELECT c.id, c.pcn, c.icn, c.original_reference AS originalReference, c.status_code AS statusCode, c.patient, c.paid, c.interest,
    r.payer_key AS payerKey, r.trace_number AS traceNumber, r.payment_date AS paymentDate, r.file_path AS file
  FROM claims c JOIN remittances r ON r.id = c.remittance_id`;


/** Every statement the ledger runs, prepared once when it opens (preparing per call cost 5× on 200k inserts). */
function prepareStatements(db: Database.Database) {
  return {
    fileRecorded: db.prepare('SELECT 1 FROM files WHERE sha256 = ?'),
    insertFile: db.prepare('INSERT INTO files (path, sha256, bytes, recorded_at) VALUES (?, ?, ?, ?)'),
    finishFile: db.prepare('UPDATE files SET sha256 = ?, bytes = ? WHERE id = ?'),
    insertRemittance: db.prepare(
      'INSERT INTO remittances (file_id, file_path, payer_key, payer_name, trace_number, transaction_control, payment_date, paid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    sameTrace: db.prepare('SELECT id, payer_key AS payerKey, trace_number AS traceNumber, paid, payment_date AS paymentDate, content, head FROM remittances WHERE trace_number = ? AND id <> ?'),
    deleteClaimsOf: db.prepare('DELETE FROM claims WHERE remittance_id = ?'),
    deleteOffsetsOf: db.prepare('DELETE FROM offsets WHERE remittance_id = ?'),
    deleteRemittance: db.prepare('DELETE FROM remittances WHERE id = ?'),
    settle: db.prepare('UPDATE remittances SET content = ?, head = ?, figures = ?, payment_row = ? WHERE id = ?'),
    insertClaim: db.prepare(
      'INSERT INTO claims (remittance_id, pcn, icn, original_reference, status_code, patient, charge, paid, interest, report_row, adjustment_rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertOffset: db.prepare(
      'INSERT INTO offsets (remittance_id, pair_seq, provider_id, reason_code, reference, amount, category, fiscal_period_date, unreadable, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    uidTaken: db.prepare('SELECT 1 FROM offsets WHERE uid = ?'),
    // ids starting with a prefix: the range [prefix, prefix + U+007F) holds exactly them (ids are ASCII)
    offsetsByUidPrefix: db.prepare(
      `SELECT o.uid, o.amount, o.unreadable, o.reason_code AS reasonCode, o.reference, r.trace_number AS traceNumber, r.payment_date AS paymentDate, r.payer_name AS payerName,
              o.linked_claim_id AS linkedClaimId
       FROM offsets o JOIN remittances r ON r.id = o.remittance_id WHERE o.uid >= ? AND o.uid < ? ORDER BY o.uid LIMIT 11`,
    ),
    reviewEvents: db.prepare(
      'SELECT id AS seq, offset_uid AS offsetId, at, actor AS "by", from_status AS "from", to_status AS "to", note, recovered FROM review_events ORDER BY id',
    ),
    reviewEventsOf: db.prepare(
      'SELECT id AS seq, offset_uid AS offsetId, at, actor AS "by", from_status AS "from", to_status AS "to", note, recovered FROM review_events WHERE offset_uid = ? ORDER BY id',
    ),
    insertReviewEvent: db.prepare('INSERT INTO review_events (offset_uid, at, actor, from_status, to_status, note, recovered) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    claimsByIcn: db.prepare(`${CLAIM_SELECT} WHERE c.icn = ? ORDER BY c.id`),
    claimsByPcn: db.prepare(`${CLAIM_SELECT} WHERE c.pcn = ? ORDER BY c.id`),
    claimsByF8: db.prepare(`${CLAIM_SELECT} WHERE c.original_reference = ? AND c.original_reference <> '' ORDER BY c.id`),
    claimById: db.prepare(`${CLAIM_SELECT} WHERE c.id = ?`),
    hasIcn: db.prepare('SELECT 1 FROM claims WHERE icn = ? LIMIT 1'),
    remittancesByTrace: db.prepare('SELECT id, trace_number, payer_key, payment_date, file_path FROM remittances WHERE trace_number = ? ORDER BY id'),
    remittanceById: db.prepare('SELECT id, trace_number, payer_key, payment_date, file_path FROM remittances WHERE id = ?'),
    setLink: db.prepare('UPDATE offsets SET link_basis = ?, linked_claim_id = ?, linked_remittance_id = ?, link_note = ? WHERE id = ?'),
    // the deferral rule (src/analysis/deferrals.ts): a WO or FB with a negative amount
    priorDeferral: db.prepare(
      `SELECT o.link_basis, o.linked_claim_id, o.linked_remittance_id, o.link_note FROM offsets o JOIN remittances r ON r.id = o.remittance_id
       WHERE r.payer_key = ? AND trim(o.reference) = ? AND o.amount < 0 AND o.reason_code IN (${DEFERRAL_CODES.map((c) => `'${c}'`).join(', ')})
         AND (o.linked_claim_id IS NOT NULL OR o.linked_remittance_id IS NOT NULL)
       ORDER BY o.id DESC LIMIT 1`,
    ),
    balanceOffsets: db.prepare(
      `SELECT r.payer_key, r.payer_name, r.payment_date, r.trace_number, r.file_path, o.reason_code, o.reference, o.amount,
              coalesce(o.link_basis, 'none') AS link_basis, coalesce(c.pcn, '') AS pcn, coalesce(c.icn, '') AS icn, coalesce(c.patient, '') AS patient
       FROM offsets o JOIN remittances r ON r.id = o.remittance_id LEFT JOIN claims c ON c.id = o.linked_claim_id
       ORDER BY r.payment_date, o.id`,
    ),
    traceMatching: db.prepare(`${CLAIM_SELECT} WHERE c.pcn = ? OR c.icn = ? OR c.original_reference = ?`),
    traceCorrecting: db.prepare(`${CLAIM_SELECT} WHERE c.original_reference = ? OR c.icn = ?`),
    // the ids as one JSON array: one prepared statement whatever their number
    offsetsLinkedTo: db.prepare(
      `SELECT o.id, o.reason_code AS reasonCode, o.reference, o.amount, o.link_basis AS linkBasis, o.link_note AS linkNote, o.unreadable,
              r.trace_number AS traceNumber, r.payment_date AS paymentDate, r.file_path AS file, r.payer_key AS payerKey, r.payer_name AS payerName
       FROM offsets o JOIN remittances r ON r.id = o.remittance_id
       WHERE o.linked_claim_id IN (SELECT value FROM json_each(?))
       ORDER BY r.payment_date, o.id`,
    ),
    // one statement for every filter: a NULL parameter means "any"
    recordedRemittances: db.prepare(
      `SELECT r.id, r.head, r.figures, r.payment_row FROM remittances r WHERE ${REPORT_FILTER} ORDER BY r.id`,
    ),
    recordedClaims: db.prepare(
      `SELECT c.id, c.remittance_id, c.pcn, c.icn, c.original_reference, c.status_code, r.file_path, r.trace_number, c.report_row, c.adjustment_rows FROM claims c JOIN remittances r ON r.id = c.remittance_id
       WHERE ${REPORT_FILTER} AND r.head IS NOT NULL ORDER BY c.id`,
    ),
    recordedOffsets: db.prepare(
      `SELECT o.id, o.remittance_id AS remittanceId, o.provider_id AS providerId, o.fiscal_period_date AS fiscalPeriodDate, o.reason_code AS reasonCode,
              o.reference, o.amount, o.unreadable, o.uid FROM offsets o ORDER BY o.id`,
    ),
    claimReportRow: db.prepare('SELECT report_row FROM claims WHERE id = ?'),
    bankFileRecorded: db.prepare('SELECT 1 FROM bank_files WHERE sha256 = ?'),
    insertBankFile: db.prepare('INSERT INTO bank_files (path, sha256, bytes, format, recorded_at) VALUES (?, ?, ?, ?, ?)'),
    bankLineKnown: db.prepare('SELECT bank_file_id AS fileId FROM bank_lines WHERE identity = ?'),
    insertBankLine: db.prepare(
      `INSERT INTO bank_lines (bank_file_id, line, byte_offset, account, date, amount, type_code, reference, customer_reference, text, identity)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    bankLines: db.prepare(
      `SELECT l.id, f.path AS file, f.format, f.sha256 AS fileSha, l.line, l.byte_offset AS byteOffset, l.account, l.date, l.amount, l.type_code AS typeCode,
              l.reference, l.customer_reference AS customerReference, l.text
       FROM bank_lines l JOIN bank_files f ON f.id = l.bank_file_id ORDER BY l.date IS NULL, l.date, l.id`,
    ),
    depositRemittances: db.prepare(
      `SELECT r.id, r.head, r.figures, r.payment_row, (SELECT count(*) FROM offsets o WHERE o.remittance_id = r.id) AS offsets
       FROM remittances r WHERE r.head IS NOT NULL ORDER BY r.id`,
    ),
    countFiles: db.prepare('SELECT count(*) n FROM files'),
    countRemittances: db.prepare('SELECT count(*) n FROM remittances'),
    countClaims: db.prepare('SELECT count(*) n FROM claims'),
    countOffsets: db.prepare('SELECT count(*) n FROM offsets'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** How many rounds `claimFamily` follows CLP07 ↔ REF*F8 from the claims found. */
const TRACE_ROUNDS = 5;

export class SqliteLedger implements Ledger {
  readonly path: string;
  private readonly db: Database.Database;
  private sql!: Statements;
  private inFile = false;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  static open(path: string, options: { busyTimeoutMs?: number } = {}): SqliteLedger {
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
    const ledger = new SqliteLedger(path, db);
    // Another process creating the same new ledger can hold it for a moment where SQLite does not wait
    // (switching to WAL): that is "busy", not damage — wait and try again rather than call it corrupt.
    for (let attempt = 1; ; attempt++) {
      try {
        ledger.prepareSchema();
        ledger.sql = prepareStatements(db);
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
          MIGRATION_STEPS[v]?.(this.db);
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

  isFileRecorded(sha256: string): boolean {
    return this.sql.fileRecorded.get(sha256) !== undefined;
  }

  beginFile(path: string): number {
    this.db.exec('BEGIN IMMEDIATE');
    this.inFile = true;
    // a placeholder hash, unique, until commitFile knows the content's
    const r = this.sql.insertFile.run(path, `pending:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}`, 0, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  insertRemittance(fileId: number, r: RemittanceRecord): number {
    const res = this.sql.insertRemittance.run(fileId, r.file, r.payerKey, r.payerName, r.traceNumber, r.transactionControl, r.paymentDate, r.paid);
    return Number(res.lastInsertRowid);
  }

  settleRemittance(id: number, identity: RemittanceIdentity, content: string, snapshot: RemittanceSnapshot): boolean {
    if (traceKey(identity) !== null) {
      const recorded = (this.sql.sameTrace.all(identity.traceNumber, id) as Array<RemittanceIdentity & { id: number; content: string; head: string | null }>).map(withTracePayer);
      // rows recorded before schema 2 have no content ('') and match on the payment alone
      if (recorded.some((x) => samePaymentRecorded(x, identity) && (x.content === content || x.content === ''))) {
        this.sql.deleteClaimsOf.run(id);
        this.sql.deleteOffsetsOf.run(id);
        this.sql.deleteRemittance.run(id);
        return false;
      }
    }
    this.sql.settle.run(content, JSON.stringify(snapshot.head), JSON.stringify(snapshot.figures), rowJson('payments', snapshot.paymentRow), id);
    return true;
  }

  insertClaim(remittanceId: number, c: ClaimRecord): void {
    this.sql.insertClaim.run(
      remittanceId,
      c.pcn,
      c.icn,
      c.originalReference,
      c.statusCode,
      c.patient,
      c.charge,
      c.paid,
      c.interest,
      rowJson('claims', c.row),
      `[${c.adjustments.map((a) => rowJson('adjustments', a)).join(',')}]`,
    );
    // ---- test hook: a crash at an exact point (test/store/sqlite.test.ts, crash safety) ----
    // RECOUP_TEST_KILL_AFTER_CLAIMS=N makes the process kill itself with SIGKILL right after the N-th claim
    // of this run is inserted. Claims are only inserted inside an input file's transaction, so the kill
    // always lands before that file commits. Read once at start-up; never set outside the tests.
    if (KILL_AFTER_CLAIMS > 0 && ++claimsInserted === KILL_AFTER_CLAIMS) process.kill(process.pid, 'SIGKILL');
  }

  insertOffset(remittanceId: number, o: OffsetRecord): { id: number; uid: string } {
    // two different offsets with one id (a 50-bit collision, or a remittance recorded before schema 3
    // whose id was made without TRN03) keep them apart by a suffix, never by sharing an audit trail
    let uid = o.uid;
    for (let n = 2; this.sql.uidTaken.get(uid) !== undefined; n++) uid = `${o.uid}-${n}`;
    const r = this.sql.insertOffset.run(remittanceId, o.pairSeq, o.providerId, o.reasonCode, o.reference, o.amount, o.category, o.fiscalPeriodDate, o.unreadable ? 1 : 0, uid);
    return { id: Number(r.lastInsertRowid), uid };
  }

  commitFile(fileId: number, sha256: string, bytes: number): void {
    this.sql.finishFile.run(sha256, bytes, fileId);
    this.db.exec('COMMIT');
    this.inFile = false;
  }

  rollbackFile(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.inFile = false;
  }

  // ---- lookups for linking ----

  private claims(rows: ClaimRow[]): ClaimRef[] {
    return rows.map(claimRef);
  }

  claimsByIcn(icn: string): ClaimRef[] {
    return this.claims(this.sql.claimsByIcn.all(icn) as ClaimRow[]);
  }
  claimsByPcn(pcn: string): ClaimRef[] {
    return this.claims(this.sql.claimsByPcn.all(pcn) as ClaimRow[]);
  }
  claimsByOriginalReference(ref: string): ClaimRef[] {
    return this.claims(this.sql.claimsByF8.all(ref) as ClaimRow[]);
  }

  remittancesByTrace(trace: string): RemittanceRef[] {
    return (this.sql.remittancesByTrace.all(trace) as RemittanceRow[]).map(remittanceRef);
  }

  hasClaimIcn(icn: string): boolean {
    return this.sql.hasIcn.get(icn) !== undefined;
  }

  /** A ledger claim's seq is its id. */
  claimBySeq(seq: number): ClaimRef | null {
    return this.claimById(seq);
  }

  claimById(id: number): ClaimRef | null {
    const row = this.sql.claimById.get(id) as ClaimRow | undefined;
    return row ? claimRef(row) : null;
  }

  private remittanceById(id: number): RemittanceRef | null {
    const r = this.sql.remittanceById.get(id) as RemittanceRow | undefined;
    return r ? remittanceRef(r) : null;
  }

  saveLinks(links: readonly OffsetLinkRecord[]): void {
    // IMMEDIATE: take the write lock first. A deferred transaction that reads, then writes while another
    // process holds the lock fails at once with "database is locked" (SQLite cannot wait there without
    // risking a deadlock); found by the two-process test under load (issue #7).
    this.db
      .transaction(() => {
        for (const l of links) this.sql.setLink.run(l.basis, l.claimId, l.remittanceId, l.note, l.offsetId);
      })
      .immediate();
  }

  priorDeferralLink(payerKey: string, reference: string): Link | null {
    const row = this.sql.priorDeferral.get(payerKey, reference) as
      | { link_basis: string; linked_claim_id: number | null; linked_remittance_id: number | null; link_note: string | null }
      | undefined;
    if (!row) return null;
    return {
      basis: row.link_basis as LinkBasis,
      claim: row.linked_claim_id !== null ? this.claimById(row.linked_claim_id) : null,
      remittance: row.linked_remittance_id !== null ? this.remittanceById(row.linked_remittance_id) : null,
      crossPayer: (row.link_note ?? '').startsWith('cross_payer'),
      note: row.link_note ?? '',
    };
  }

  // ---- reading ----

  balanceOffsets(): BalanceOffset[] {
    return (this.sql.balanceOffsets.all() as Array<Record<string, string | number | null>>).map(balanceOffsetOf);
  }

  claimFamily(query: string): TraceClaim[] {
    const family = new Map<number, TraceClaim>();
    const add = (rows: TraceClaim[]): boolean => {
      let grew = false;
      for (const r of rows) if (!family.has(r.id)) (family.set(r.id, r), (grew = true));
      return grew;
    };
    add((this.sql.traceMatching.all(query, query, query) as ClaimRow[]).map(traceClaim));
    // follow the chain both ways: corrections naming a member's ICN, originals a member names in REF*F8
    for (let round = 0; round < TRACE_ROUNDS; round++) {
      const icns = [...new Set([...family.values()].map((c) => c.icn).filter((x) => x !== ''))];
      const refs = [...new Set([...family.values()].map((c) => c.originalReference).filter((x) => x !== ''))];
      let grew = false;
      for (const icn of icns) grew = add((this.sql.traceCorrecting.all(icn, icn) as ClaimRow[]).map(traceClaim)) || grew;
      for (const ref of refs) grew = add((this.sql.claimsByIcn.all(ref) as ClaimRow[]).map(traceClaim)) || grew;
      if (!grew) break;
    }
    // a CLP04 that could not be read is kept as 0 with the claims row's paid empty: say it is unknown
    return [...family.values()].map((c) => withPaidKnown(c, (this.sql.claimReportRow.get(c.id) as { report_row: string | null } | undefined)?.report_row));
  }

  offsetsLinkedTo(claimIds: readonly number[]): TraceOffset[] {
    return (this.sql.offsetsLinkedTo.all(JSON.stringify(claimIds)) as Array<Omit<TraceOffset, 'unreadable'> & { unreadable: number }>).map(({ unreadable, ...o }) =>
      unreadable === 1 ? { ...o, unreadable: true } : o,
    );
  }

  // ---- reports from the ledger ----

  recordedRemittances(filter: LedgerFilter): { remittances: RecordedRemittance[]; withoutReportData: number } {
    return recordedRemittancesOf(this.sql.recordedRemittances.iterate(...filterParams(filter)) as Iterable<StoredRemittance>);
  }

  *recordedClaims(filter: LedgerFilter, carc?: ReadonlyMap<string, string>): Iterable<RecordedClaim> {
    for (const c of this.sql.recordedClaims.iterate(...filterParams(filter)) as Iterable<StoredClaim>) {
      const claim = recordedClaimOf(c, carc);
      if (claim !== null) yield claim;
    }
  }

  // ---- bank statements ----

  isBankFileRecorded(sha256: string): boolean {
    return this.sql.bankFileRecorded.get(sha256) !== undefined;
  }

  recordBankFile(file: BankFileRecord, lines: readonly BankLine[]): { repeated: BankLine[] } {
    const repeated: BankLine[] = [];
    this.db.transaction(() => {
      const fileId = Number(this.sql.insertBankFile.run(file.path, file.sha256, file.bytes, file.format, new Date().toISOString()).lastInsertRowid);
      for (const l of lines) {
        let identity = bankLineIdentity(l);
        const known = identity === null ? undefined : (this.sql.bankLineKnown.get(identity) as { fileId: number } | undefined);
        if (known !== undefined) {
          // from another statement: the same transaction; on this one: a second transaction alike (kept, without identity)
          if (known.fileId !== fileId) {
            repeated.push(l);
            continue;
          }
          identity = null;
        }
        this.sql.insertBankLine.run(fileId, l.line, l.byteOffset, l.account, l.date, l.amount, l.typeCode, l.reference, l.customerReference, l.text, identity);
      }
    })();
    return { repeated };
  }

  bankLines(): RecordedBankLine[] {
    return this.sql.bankLines.all() as RecordedBankLine[];
  }

  depositRemittances(): DepositRemittance[] {
    const out: DepositRemittance[] = [];
    for (const r of this.sql.depositRemittances.iterate() as Iterable<StoredRemittance & { head: string; offsets: number }>) {
      const d = depositRemittanceOf(r);
      if (d !== null) out.push(d);
    }
    return out;
  }

  recordedOffsets(): RecordedOffset[] {
    return (this.sql.recordedOffsets.all() as Array<Omit<RecordedOffset, 'unreadable'> & { unreadable: number }>).map((o) => ({ ...o, unreadable: o.unreadable === 1 }));
  }

  // ---- the review work queue (issue 16) ----

  offsetsByIdPrefix(prefix: string): OffsetIdMatch[] {
    return (this.sql.offsetsByUidPrefix.all(prefix, `${prefix}\u007f`) as Array<Omit<OffsetIdMatch, 'unreadable'> & { unreadable: number }>).map((o) => ({ ...o, unreadable: o.unreadable === 1 }));
  }

  reviewEvents(offsetId?: string): ReviewEvent[] {
    const rows = (offsetId === undefined ? this.sql.reviewEvents.all() : this.sql.reviewEventsOf.all(offsetId)) as ReviewEvent[];
    return rows;
  }

  appendReviewEvents(offsetIds: readonly string[], decide: (states: ReadonlyMap<string, ReviewState>) => ReviewEventInput[]): ReviewEvent[] {
    // IMMEDIATE: the write lock is taken before the states are read, so two people setting statuses at
    // once are serialized — the second sees the first's event and is checked against it (nothing is lost)
    return this.db
      .transaction(() => {
        const events: ReviewEvent[] = [];
        for (const id of new Set(offsetIds)) events.push(...(this.sql.reviewEventsOf.all(id) as ReviewEvent[]));
        const states = foldStates(events.sort((a, b) => a.seq - b.seq));
        const out: ReviewEvent[] = [];
        for (const e of decide(states)) {
          const r = this.sql.insertReviewEvent.run(e.offsetId, e.at, e.by, e.from, e.to, e.note, e.recovered);
          out.push({ ...e, seq: Number(r.lastInsertRowid) });
        }
        return out;
      })
      .immediate();
  }

  counts(): LedgerCounts {
    const n = (st: Database.Statement): number => (st.get() as { n: number }).n;
    return { files: n(this.sql.countFiles), remittances: n(this.sql.countRemittances), claims: n(this.sql.countClaims), offsets: n(this.sql.countOffsets) };
  }
}


/** The filter of recordedRemittances/recordedClaims: NULL parameters mean "any". */
const REPORT_FILTER = `(@from IS NULL OR r.payment_date >= @from) AND (@to IS NULL OR r.payment_date <= @to)
  AND (@payer IS NULL OR r.payer_key = @payer OR lower(r.payer_name) = lower(@payer))`;

function filterParams(f: LedgerFilter): [{ from: string | null; to: string | null; payer: string | null }] {
  return [{ from: f.from ?? null, to: f.to ?? null, payer: f.payer ?? null }];
}


