// The review work queue in the ledger (issue 16): a ledger of schema 4 gets the ids a scan shows; two
// people (two processes) setting statuses at once lose nothing, and a change the second makes on stale
// knowledge is refused rather than written.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/store/sqlite.js';
import { ROOT } from '../helpers.js';
import { run } from '../cli/helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-review-store-'));
const DEMO_IDS = ['zztsr2000y', '2pkg5aeyjw', 'zzjwjyq6r7', '0k2c34pger', '55a0rf2vvn'];

async function demoLedger(): Promise<string> {
  const db = join(tmp(), 'l.db');
  expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
  return db;
}

describe('schema 5', () => {
  it('a ledger of schema 4 is migrated: every recorded offset gets the id a scan shows for it', async () => {
    const db = await demoLedger();
    // make it what recoup wrote before issue 16: no ids, no review table
    const sql = new Database(db);
    sql.exec(`DROP TRIGGER review_events_no_update; DROP TRIGGER review_events_no_delete; DROP TABLE review_events;
              DROP INDEX offsets_uid; ALTER TABLE offsets DROP COLUMN uid; PRAGMA user_version = 4;`);
    sql.close();
    const ledger = SqliteLedger.open(db);
    expect(ledger.recordedOffsets().map((o) => o.uid)).toEqual(DEMO_IDS);
    expect(ledger.reviewEvents()).toEqual([]);
    ledger.close();
    const check = new Database(db, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(5);
    check.close();
    // and it works as any ledger does
    expect((await run(['review', 'set', '0k2c34', '--status', 'reviewed', '--ledger', db, '-q'])).exitCode).toBe(0);
  });

  it('two different offsets given one id are kept apart by a suffix, never share an audit trail', () => {
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    const fileId = ledger.beginFile('x.835');
    const r = ledger.insertRemittance(fileId, { file: 'x.835', payerKey: 'P', payerName: 'PAYER', traceNumber: 'T', transactionControl: '0001', paymentDate: '2024-01-01', paid: 0 });
    const offset = { uid: 'abcdefghjk', pairSeq: 0, providerId: 'X', reasonCode: 'WO', reference: 'R', amount: 500, category: 'recoupment', fiscalPeriodDate: null, unreadable: false };
    expect(ledger.insertOffset(r, offset).uid).toBe('abcdefghjk');
    expect(ledger.insertOffset(r, { ...offset, pairSeq: 1 }).uid).toBe('abcdefghjk-2');
    expect(ledger.insertOffset(r, { ...offset, pairSeq: 2 }).uid).toBe('abcdefghjk-3');
    ledger.commitFile(fileId, 'sha', 1);
    expect(ledger.offsetsByIdPrefix('abcdefghjk').map((m) => m.uid)).toEqual(['abcdefghjk', 'abcdefghjk-2', 'abcdefghjk-3']);
    ledger.close();
  });
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real binary without waiting for it (several run at once). */
function recoupAsync(args: string[]): { pid: number; done: Promise<Finished>; exited: () => boolean } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'recoup.js'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => ((exited = true), resolve({ code, stdout, stderr }))));
  return { pid: child.pid!, done, exited: () => exited };
}

/** Whether a process has this file open (Linux /proc). */
function holdsOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Starts the commands while this process holds the ledger's write lock, and lets go once every one has
 * the ledger open (or has ended): their writes meet at the lock. Whatever order they then take it in — the
 * machine decides, nothing here waits a set time — the results asserted must hold.
 */
async function together(db: string, commands: string[][]): Promise<Finished[]> {
  const lock = new Database(db);
  lock.exec('BEGIN IMMEDIATE');
  const running = commands.map((args) => recoupAsync(args));
  try {
    // without /proc (not Linux) there is no way to see it: let go at once (the results must hold all the same)
    while (existsSync('/proc/self/fd') && !running.every((c) => c.exited() || holdsOpen(c.pid, db))) await new Promise((r) => setTimeout(r, 5));
  } finally {
    lock.exec('COMMIT');
    lock.close();
  }
  return Promise.all(running.map((c) => c.done));
}

describe('two people at once', () => {
  let db: string;
  beforeAll(async () => {
    db = await demoLedger();
  });

  it('setting statuses of different offsets: both are recorded', async () => {
    const results = await together(db, [
      ['review', 'set', '2pkg5aeyjw', '--status', 'approved', '--by', 'maria', '--ledger', db],
      ['review', 'set', '0k2c34pger', 'zztsr2000y', '--status', 'reviewed', '--by', 'joe', '--ledger', db],
      ['review', 'set', '55a0rf2vvn', '--note', 'interest checked', '--by', 'ana', '--ledger', db],
    ]);
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    const ledger = SqliteLedger.open(db);
    const events = ledger.reviewEvents();
    ledger.close();
    expect(events.map((e) => [e.offsetId, e.by, e.from, e.to, e.note]).sort()).toEqual([
      ['0k2c34pger', 'joe', 'new', 'reviewed', ''],
      ['2pkg5aeyjw', 'maria', 'new', 'approved', ''],
      ['55a0rf2vvn', 'ana', 'new', 'new', 'interest checked'],
      ['zztsr2000y', 'joe', 'new', 'reviewed', ''],
    ]);
  });

  it('the same change to one offset by two people: one is recorded, the other refused (exit 2), nothing lost or doubled', async () => {
    const results = await together(db, [
      ['review', 'set', 'zzjwjyq6r7', '--status', 'disputed', '--by', 'joe', '--ledger', db],
      ['review', 'set', 'zzjwjyq6r7', '--status', 'disputed', '--by', 'maria', '--ledger', db],
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    const refused = results.find((r) => r.code === 2)!;
    const winner = results.find((r) => r.code === 0)!.stdout.includes('by joe') ? 'joe' : 'maria';
    expect(refused.stderr).toMatch(new RegExp(`^recoup: error REVIEW_TRANSITION: zzjwjyq6r7 is already disputed \\(by ${winner} at [^)]+\\)\\nnothing was changed\\n$`));
    const ledger = SqliteLedger.open(db);
    const trail = ledger.reviewEvents('zzjwjyq6r7');
    ledger.close();
    expect(trail.map((e) => [e.by, e.from, e.to])).toEqual([[winner, 'new', 'disputed']]);
  });

  it('a nightly scan recording files while someone sets a status: both land', async () => {
    const dir = tmp();
    const ledgerPath = join(dir, 'l.db');
    expect((await run(['scan', join(ROOT, 'fixtures', 'demo', '01-acme-2024-01-05.835'), '--ledger', ledgerPath, '-q', '--csv'])).exitCode).toBe(0);
    expect((await run(['scan', join(ROOT, 'fixtures', 'demo', '03-acme-2024-02-12.835'), '--ledger', ledgerPath, '-q', '--csv'])).exitCode).toBe(0);
    const results = await together(ledgerPath, [
      ['scan', join(ROOT, 'fixtures', 'demo', '04-acme-2024-03-15.835'), '--ledger', ledgerPath, '-q', '--csv'],
      ['review', 'set', 'zztsr2000y', '--status', 'reviewed', '--by', 'joe', '--ledger', ledgerPath, '-q'],
    ]);
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    const ledger = SqliteLedger.open(ledgerPath);
    expect(ledger.recordedOffsets().map((o) => o.uid)).toEqual(DEMO_IDS);
    expect(ledger.reviewEvents().map((e) => [e.offsetId, e.to])).toEqual([['zztsr2000y', 'reviewed']]);
    ledger.close();
  });
});
