import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ReportName, Row } from '../../src/analysis/rows.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { SqliteLedger as Ledger, SCHEMA_VERSION } from '../../src/store/sqlite.js';
import { Scanner } from '../../src/scan/scanner.js';
import { generateScenarioSet, renderFile, rng } from '../support/synth.js';
import { recoup, run as cli } from '../cli/helpers.js';
import { ROOT } from '../helpers.js';

const demo = (n: number): string => join(ROOT, 'fixtures', 'demo', ['01-acme-2024-01-05.835', '02-blueriver-2024-01-08.835', '03-acme-2024-02-12.835', '04-acme-2024-03-15.835'][n]!);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-ledger-'));

async function run(files: string[], opts: { ledger?: Ledger; reports?: ReportName[]; asOf?: string } = {}) {
  const rows: Partial<Record<ReportName, Row[]>> = {};
  const diagnostics: Diagnostic[] = [];
  const reports = opts.reports ?? ['offsets', 'balances'];
  for (const r of reports) rows[r] = [];
  const scanner = new Scanner({
    reports,
    ...(opts.ledger ? { ledger: opts.ledger } : {}),
    asOf: opts.asOf ?? '2024-12-31',
    onRow: (r, row) => rows[r]!.push(row),
    onDiagnostic: (d) => diagnostics.push(d),
  });
  for (const f of files) await scanner.scanFile(f);
  scanner.finish();
  return { rows, diagnostics, stats: scanner.stats };
}

describe('ledger file', () => {
  it('is created 0600, in WAL mode, at the current schema version', () => {
    const path = join(tmp(), 'l.db');
    Ledger.open(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it.each([
    ['a text file', () => 'not a database\n', 'LEDGER_NOT_SQLITE'],
    ['an 835 given by mistake', () => readFileSync(demo(0), 'latin1'), 'LEDGER_NOT_SQLITE'],
  ])('refuses %s and never overwrites it', (_n, content, code) => {
    const path = join(tmp(), 'l.db');
    writeFileSync(path, content());
    const before = readFileSync(path);
    expect(() => Ledger.open(path)).toThrow(expect.objectContaining({ code }));
    expect(readFileSync(path)).toEqual(before);
  });

  it('refuses a damaged SQLite file and leaves it as it was', async () => {
    const dir = tmp();
    const path = join(dir, 'l.db');
    const l = Ledger.open(path);
    await run([demo(0), demo(1)], { ledger: l });
    l.close();
    const bytes = readFileSync(path);
    for (let i = 4096; i < bytes.length; i += 7) bytes[i] = 0xa5; // trash every page after the first
    writeFileSync(path, bytes);
    expect(() => Ledger.open(path)).toThrow(expect.objectContaining({ code: 'LEDGER_CORRUPT' }));
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('refuses a ledger from a newer schema version', () => {
    const path = join(tmp(), 'l.db');
    Ledger.open(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const before = readFileSync(path);
    expect(() => Ledger.open(path)).toThrow(expect.objectContaining({ code: 'LEDGER_TOO_NEW' }));
    expect(readFileSync(path)).toEqual(before);
  });
});

describe('recording', () => {
  it('re-scanning files already recorded records nothing twice and says so', async () => {
    const path = join(tmp(), 'l.db');
    const l = Ledger.open(path);
    await run([demo(0), demo(1), demo(2), demo(3)], { ledger: l });
    const after1 = l.counts();
    expect(after1).toEqual({ files: 4, remittances: 4, claims: 10, offsets: 5 });
    const again = await run([demo(0), demo(1), demo(2), demo(3)], { ledger: l });
    expect(l.counts()).toEqual(after1);
    expect(again.diagnostics.map((d) => d.code)).toEqual(['LEDGER_FILE_KNOWN', 'LEDGER_FILE_KNOWN', 'LEDGER_FILE_KNOWN', 'LEDGER_FILE_KNOWN']);
    l.close();
  });

  it('the same remittance in a different file (same payer, trace, ST02) is not recorded again', async () => {
    const dir = tmp();
    const copy = join(dir, 'resent.835');
    writeFileSync(copy, readFileSync(demo(0), 'latin1').replace('~GS*', '~\r\nGS*'));
    const l = Ledger.open(join(dir, 'l.db'));
    await run([demo(0)], { ledger: l });
    const r = await run([copy], { ledger: l });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['LEDGER_REMITTANCE_KNOWN']);
    expect(l.counts()).toEqual({ files: 2, remittances: 1, claims: 3, offsets: 0 });
    l.close();
  });

  it('a file that is not X12 records nothing', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.pdf'), '%PDF-1.4');
    const l = Ledger.open(join(dir, 'l.db'));
    await run([join(dir, 'x.pdf')], { ledger: l });
    expect(l.counts()).toEqual({ files: 0, remittances: 0, claims: 0, offsets: 0 });
    l.close();
  });
});

describe('the store', () => {
  it('offsets linked to any of 40,000 claims: found by one statement, in date order', () => {
    // SQLite refuses more than 32,766 host parameters: the ids go in as one JSON array (json_each)
    const l = Ledger.open(join(tmp(), 'l.db'));
    const fileId = l.beginFile('big.835');
    const ids: number[] = [];
    const early = l.insertRemittance(fileId, { file: 'big.835', payerKey: 'P', payerName: 'PAYER', traceNumber: 'T1', transactionControl: '0001', paymentDate: '2024-03-01', paid: 0 });
    const late = l.insertRemittance(fileId, { file: 'big.835', payerKey: 'P', payerName: 'PAYER', traceNumber: 'T0', transactionControl: '0002', paymentDate: '2024-01-01', paid: 0 });
    for (let i = 0; i < 40_000; i++) l.insertClaim(early, { row: {}, adjustments: [], pcn: 'SAMEPCN', icn: `I${i}`, originalReference: '', statusCode: '1', patient: '', charge: 100, paid: 100, interest: null });
    const { id: o1 } = l.insertOffset(early, { uid: 'aaaaaaaaaa', pairSeq: 0, providerId: 'X', reasonCode: 'WO', reference: 'I39999', amount: 500, category: 'recoupment', fiscalPeriodDate: null, unreadable: false });
    const { id: o2 } = l.insertOffset(late, { uid: 'bbbbbbbbbb', pairSeq: 1, providerId: 'X', reasonCode: 'WO', reference: 'I3', amount: 700, category: 'recoupment', fiscalPeriodDate: null, unreadable: false });
    l.commitFile(fileId, 'sha', 1);
    for (const c of l.claimsByPcn('SAMEPCN')) ids.push(c.ledgerId!);
    expect(ids).toHaveLength(40_000);
    l.saveLinks([
      { offsetId: o1, basis: 'icn', claimId: ids[39_999]!, remittanceId: null, note: '' },
      { offsetId: o2, basis: 'icn', claimId: ids[3]!, remittanceId: null, note: '' },
    ]);
    expect(l.offsetsLinkedTo(ids).map((o) => [o.id, o.paymentDate, o.amount, o.reference])).toEqual([
      [o2, '2024-01-01', 700, 'I3'],
      [o1, '2024-03-01', 500, 'I39999'],
    ]);
    expect(l.offsetsLinkedTo([ids[3]!])).toHaveLength(1);
    expect(l.offsetsLinkedTo([])).toEqual([]);
    l.close();
  });
});

describe('one run or several runs sharing a ledger give the same results', () => {
  it('on a synthetic multi-file set', async () => {
    const dir = tmp();
    const files = generateScenarioSet({ seed: 99, stories: 70, fillerClaims: 2 }).map((f, i) => {
      const p = join(dir, f.name);
      writeFileSync(p, renderFile(f, i + 1));
      return p;
    });
    const single = await run(files);
    const l = Ledger.open(join(dir, 'l.db'));
    const offsets: Row[] = [];
    let balances: Row[] = [];
    for (const f of files) {
      const r = await run([f], { ledger: l });
      offsets.push(...r.rows.offsets!);
      balances = r.rows.balances!;
    }
    l.close();
    expect(offsets.length).toBeGreaterThan(50);
    // the same rows, ids included; only the review status differs: unknown without a ledger, new with one
    expect(offsets.every((o) => o.review_status === 'new')).toBe(true);
    expect(offsets.map((o) => ({ ...o, review_status: '' }))).toEqual(single.rows.offsets);
    expect(balances).toEqual(single.rows.balances);
    expect(single.rows.balances!.length).toBeGreaterThan(5);
  });

  it('the demo story: the collection in the last file links to the claim paid in the first', async () => {
    const l = Ledger.open(join(tmp(), 'l.db'));
    for (const n of [0, 1, 2]) await run([demo(n)], { ledger: l });
    const last = await run([demo(3)], { ledger: l });
    expect(last.rows.offsets!.map((o) => [o.reason_code, o.amount, o.link_basis, o.linked_pcn, o.linked_payment_date, o.linked_claim_paid])).toEqual([
      ['WO', '60.00', 'icn', 'MFC1002', '2024-01-05', '180.00'],
      ['72', '-45.00', 'icn', 'MFC1003', '2024-01-05', '145.00'],
      ['WO', '45.00', 'icn', 'MFC1003', '2024-01-05', '145.00'],
      ['L6', '-3.25', 'none', '', '', ''],
    ]);
    expect(last.rows.balances!.map((b) => [b.deferred_date, b.deferred, b.collected, b.outstanding, b.status, b.age_days])).toEqual([['2024-02-12', '-60.00', '60.00', '0.00', 'collected', '32']]);
    l.close();
  });
});

function waitExit(child: ReturnType<typeof spawn>): Promise<number | null> {
  // the child may already have exited (a fast run finishes before the kill): then 'exit' has fired
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('crash safety and concurrency (real processes)', () => {
  const dir = tmp();
  const big = join(dir, 'big.835');
  const files = generateScenarioSet({ seed: 5, stories: 40, fillerClaims: 3000 });
  writeFileSync(big, files.map((f, i) => renderFile(f, i + 1)).join(''));

  it('SIGKILL at exact claims of a 4-file run (first, end of a file, half-way, last): earlier files fully recorded, the killed one not at all, a re-run records it once', async () => {
    // RECOUP_TEST_KILL_AFTER_CLAIMS=N (src/store/sqlite.ts) makes recoup SIGKILL itself right after the
    // N-th claim of the run is inserted, inside that file's transaction: no timing involved.
    const inputs = [demo(0), demo(1), big, demo(3)];
    const scanArgs = (db: string): string[] => [join(ROOT, 'bin', 'recoup.js'), 'scan', ...inputs, '--ledger', db, '-q', '--csv'];
    const recorded = (db: string): { counts: ReturnType<Ledger['counts']>; paths: string[] } => {
      const l = Ledger.open(db);
      const counts = l.counts();
      l.close();
      const sql = new Database(db, { readonly: true });
      const paths = (sql.prepare('SELECT path FROM files ORDER BY id').all() as { path: string }[]).map((r) => r.path);
      sql.close();
      return { counts, paths };
    };
    // what the ledger holds after the first k files: one file per run into a reference ledger (in-process)
    const reference = join(dir, 'exact-reference.db');
    const prefix = [{ files: 0, remittances: 0, claims: 0, offsets: 0 }];
    for (const f of inputs) {
      expect((await cli(['scan', f, '--ledger', reference, '-q', '--csv'])).exitCode).toBe(0);
      prefix.push(recorded(reference).counts);
    }
    const full = prefix[inputs.length]!;
    const claimsOf = inputs.map((_, i) => prefix[i + 1]!.claims - prefix[i]!.claims);
    expect(claimsOf.every((n) => n > 0)).toBe(true);
    expect(claimsOf[2]).toBeGreaterThan(20000);

    const before = (file: number): number => claimsOf.slice(0, file).reduce((a, b) => a + b, 0);
    const crashes: { what: string; n: number; file: number }[] = [
      { what: 'the first claim of the run', n: 1, file: 0 },
      { what: 'the last claim of the first file', n: claimsOf[0]!, file: 0 },
      { what: 'the first claim of the second file', n: before(1) + 1, file: 1 },
      { what: 'half-way through the large third file', n: before(2) + Math.floor(claimsOf[2]! / 2), file: 2 },
      { what: 'the last claim of the run', n: before(4), file: 3 },
    ];
    for (const [k, crash] of crashes.entries()) {
      const db = join(dir, `exact-kill-${k}.db`);
      const killed = spawnSync(process.execPath, scanArgs(db), { stdio: 'ignore', env: { ...process.env, RECOUP_TEST_KILL_AFTER_CLAIMS: String(crash.n) } });
      expect(killed.signal, crash.what).toBe('SIGKILL');
      // the ledger reopens; the files before the killed one are recorded fully, the killed one not at all
      expect(recorded(db), crash.what).toEqual({ counts: prefix[crash.file], paths: inputs.slice(0, crash.file) });
      // a re-run records the rest, each file exactly once (it needs no process of its own: in-process)
      expect((await cli(['scan', ...inputs, '--ledger', db, '-q', '--csv'])).exitCode, crash.what).toBe(0);
      expect(recorded(db), crash.what).toEqual({ counts: full, paths: inputs });
    }
  }, 120_000);

  it('SIGKILL at random moments (seeded) of a run: always all or nothing, and a re-run completes it once', async () => {
    const reference = join(dir, 'reference.db');
    if (!existsSync(reference)) expect((await cli(['scan', big, '--ledger', reference, '-q', '--csv'])).exitCode).toBe(0);
    const ref = Ledger.open(reference);
    const full = ref.counts();
    ref.close();
    // how long a real process takes (the kill delays are drawn from it): a spawned run, not an in-process one
    const t0 = Date.now();
    expect(recoup(['scan', big, '--ledger', join(dir, 'timing.db'), '-q', '--csv']).code).toBe(0);
    const duration = Date.now() - t0;
    const rand = rng(Number(process.env.RECOUP_KILL_SEED ?? 7));
    const outcomes: string[] = [];
    for (let k = 0; k < 4; k++) {
      const db = join(dir, `random-kill-${k}.db`);
      const delay = Math.floor(rand() * duration);
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'recoup.js'), 'scan', big, '--ledger', db, '-q', '--csv'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await waitExit(child);
      if (!existsSync(db)) {
        outcomes.push(`${delay} ms: before the ledger was created`);
      } else {
        const l = Ledger.open(db);
        const c = l.counts();
        l.close();
        expect(c.files === 0 ? { files: 0, remittances: 0, claims: 0, offsets: 0 } : full).toEqual(c);
        outcomes.push(`${delay} ms: ${c.files === 0 ? 'nothing' : 'all'} recorded`);
      }
      expect((await cli(['scan', big, '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
      const l2 = Ledger.open(db);
      expect(l2.counts()).toEqual(full);
      l2.close();
    }
    console.log(`random kills over a ${duration} ms run: ${outcomes.join('; ')}`);
  }, 90_000);

  it('two processes on one ledger at once, different files, 5 rounds: both succeed, nothing lost or doubled', async () => {
    const reference = join(dir, 'reference.db');
    if (!existsSync(reference)) expect((await cli(['scan', big, '--ledger', reference, '-q', '--csv'])).exitCode).toBe(0);
    const ref = Ledger.open(reference);
    const full = ref.counts();
    ref.close();
    const other = join(dir, 'other.835');
    copyFileSync(join(ROOT, 'fixtures', 'demo', '02-blueriver-2024-01-08.835'), other);
    // started at the same instant on a new ledger: both create it, both write; once this lost a run to
    // "database is locked" (a deferred transaction upgraded to a write), 1 round in 8 under load
    for (let round = 0; round < 5; round++) {
      const db = join(dir, `shared-${round}.db`);
      const a = spawn(process.execPath, [join(ROOT, 'bin', 'recoup.js'), 'scan', big, '--ledger', db, '-q', '--csv'], { stdio: 'ignore' });
      const b = spawn(process.execPath, [join(ROOT, 'bin', 'recoup.js'), 'scan', other, join(ROOT, 'fixtures', 'demo'), '--ledger', db, '-q', '--csv'], { stdio: 'ignore' });
      expect(await Promise.all([waitExit(a), waitExit(b)])).toEqual([0, 0]);
      const l = Ledger.open(db);
      const c = l.counts();
      l.close();
      // big.835 + the four demo files (other.835 is the same content as demo 02: recorded once)
      expect(c).toEqual({ files: full.files + 4, remittances: full.remittances + 4, claims: full.claims + 10, offsets: full.offsets + 5 });
    }
  }, 90_000);
});

describe('recoup trace and --ledger from the command line', () => {
  it('RECOUP_LEDGER, then trace a claim as JSON', async () => {
    const db = join(tmp(), 'l.db');
    expect((await cli(['scan', 'fixtures/demo', '-q', '--csv'], { env: { RECOUP_LEDGER: db } })).exitCode).toBe(0);
    const r = await cli(['trace', 'MFC1002', '--format', 'json'], { env: { RECOUP_LEDGER: db } });
    expect(r.exitCode).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.patient).toBe('SMITH, ROBERT');
    // typed as the scan's JSON: amounts are numbers
    expect(t.events.map((e: Record<string, unknown>) => [e.date, e.event, e.amount])).toEqual([
      ['2024-01-05', 'payment', 180],
      ['2024-02-12', 'reversal', -180],
      ['2024-02-12', 'correction', 120],
      ['2024-02-12', 'offset', -60],
      ['2024-03-15', 'offset', 60],
    ]);
    expect(t.events[0].interest).toBeNull();
    // 120.00 net claim payments − 60.00 recouped + 60.00 deferred earlier, since collected
    expect(t.totals).toEqual({ net_claim_payments: 120, recouped: 60, refunds_acknowledged: 0, interest: 0, deferred_outstanding: 0, net_received: 120, still_owed: 0 });
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('trace as CSV and as a table', async () => {
    const db = join(tmp(), 'l.db');
    expect((await cli(['scan', 'fixtures/demo', '-q', '--csv', '--ledger', db])).exitCode).toBe(0);
    const csv = await cli(['trace', '2224001000103', '--ledger', db, '--format', 'csv']);
    expect(csv.stdout).toBe(
      'date,event,trace_number,file,pcn,icn,status_code,reason_code,category,reference,amount,interest,note,deposit\n' +
        '2024-01-05,payment,ACH100100001,fixtures/demo/01-acme-2024-01-05.835,MFC1003,2224001000103,1,,,,145.00,,,\n' +
        '2024-03-15,offset,ACH100100102,fixtures/demo/04-acme-2024-03-15.835,,,,72,refund_acknowledged,2224001000103,-45.00,,linked by icn,\n' +
        '2024-03-15,offset,ACH100100102,fixtures/demo/04-acme-2024-03-15.835,,,,WO,recoupment,2224001000103,45.00,,linked by icn,\n',
    );
    const table = await cli(['trace', 'MFC1003', '--ledger', db]);
    expect(table.stdout).toContain('Claim MFC1003  patient BROWN, MARIA');
    expect(table.stdout).toContain('Net claim payments 145.00   recouped 45.00   refunds acknowledged -45.00   interest 0.00   deferred still outstanding 0.00');
  });

  it('trace without a ledger is a usage error; an unknown claim exits 1; a missing ledger is named', async () => {
    expect(await cli(['trace', 'X'], { env: { RECOUP_LEDGER: '' } })).toEqual({
      exitCode: 2,
      code: 'USAGE',
      stdout: '',
      stderr: 'recoup: recoup trace reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)\n',
    });
    const db = join(tmp(), 'l.db');
    const missing = await cli(['trace', 'X', '--ledger', db]);
    expect(missing).toMatchObject({ exitCode: 1, code: 'LEDGER_NOT_FOUND', stdout: '' });
    expect(missing.stderr).toBe(`recoup: error LEDGER_NOT_FOUND: ledger ${db} does not exist (record files with recoup scan --ledger ${db} first)\n`);
    expect(existsSync(db)).toBe(false);
    expect((await cli(['scan', 'fixtures/demo', '-q', '--csv', '--ledger', db])).exitCode).toBe(0);
    const r = await cli(['trace', 'NOPE', '--ledger', db]);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toContain('no claim');
  });

  it('a non-SQLite ledger is a clear error, exit 1, no stack trace', async () => {
    const db = join(tmp(), 'l.db');
    writeFileSync(db, 'hello');
    chmodSync(db, 0o644);
    const r = await cli(['scan', 'fixtures/demo', '--ledger', db]);
    expect(r).toMatchObject({ exitCode: 1, code: 'LEDGER_NOT_SQLITE', stdout: '' });
    expect(r.stderr).toContain('is not an SQLite database');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(db, 'utf8')).toBe('hello');
  });
});

describe('deferred_pair', () => {
  it('a collection whose reference has become ambiguous inherits the earlier deferral link', async () => {
    const dir = tmp();
    const remit = (trace: string, date: string, claims: string[], plb: string): string => {
      // the balance check is not the point here: BPR02 is left at 0
      const body = [`BPR*I*0*C*NON************${date}`, `TRN*1*${trace}*1999999999`, 'N1*PR*PAYER*XV*P1', 'N1*PE*CLINIC*XX*1', 'LX*1', ...claims, plb];
      return ['ST*835*0001', ...body, `SE*${body.length + 2}*0001`].join('~') + '~';
    };
    // run 1: ACCT9 paid 100; later the payer defers 50 against it (reference = the patient account)
    const f1 = join(dir, '1.835');
    writeFileSync(f1, remit('T1', '20240101', ['CLP*ACCT9*1*100*100**12*ICNA', 'SVC*HC:99213*100*100**1'], 'PLB*1*20241231*WO:ACCT9*-50'));
    // run 2: a new encounter reuses ACCT9 (another claim), and the payer collects the 50
    const f2 = join(dir, '2.835');
    writeFileSync(f2, remit('T2', '20240301', ['CLP*ACCT9*1*80*80**12*ICNB', 'SVC*HC:99213*80*80**1'], 'PLB*1*20241231*WO:ACCT9*50'));
    const l = Ledger.open(join(dir, 'l.db'));
    const r1 = await run([f1], { ledger: l });
    expect(r1.rows.offsets!.map((o) => [o.link_basis, o.linked_icn])).toEqual([['pcn', 'ICNA']]);
    const r2 = await run([f2], { ledger: l });
    expect(r2.rows.offsets!.map((o) => [o.link_basis, o.linked_icn])).toEqual([['deferred_pair', 'ICNA']]);
    expect(r2.rows.offsets![0]!.link_note).toBe('same reference as an earlier deferral (pcn)');
    l.close();
  });
});
