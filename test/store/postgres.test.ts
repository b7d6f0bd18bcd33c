// The PostgreSQL ledger (issue 17) against a real server: the same inputs recorded through SQLite and
// through PostgreSQL give byte-for-byte the same reports, traces and review queues; schema versions,
// connection failures without secrets, concurrency and a process killed mid-file.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/input/paths.js';
import { ledgerDisplayName } from '../../src/store/open.js';
import { ROOT } from '../helpers.js';
import { run } from '../cli/helpers.js';
import { freshDatabase, PG_SKIP_REASON } from '../support/pg.js';
import { generateScenarioSet, renderFile } from '../support/synth.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-pg-'));
const AS_OF = '2024-12-31';
const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };
const drops: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const d of drops) await d();
});

async function pgLedger(): Promise<string> {
  const db = await freshDatabase();
  drops.push(db.drop);
  return db.url;
}

/** Everything a person sees of one ledger, with the ledger's own name taken out. */
async function everything(ledger: string, claims: readonly string[], offsetIds: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // the ledger's name (a path or an address) and the times decisions were recorded differ between the two
  const shown = ledgerDisplayName(ledger);
  const clean = (s: string): string =>
    s
      .split(shown)
      .join('<ledger>')
      .split(JSON.stringify(shown).slice(1, -1))
      .join('<ledger>')
      .split(ledger)
      .join('<ledger>')
      .split(JSON.stringify(ledger).slice(1, -1))
      .join('<ledger>')
      .replace(/"last_at": "[^"]*"/g, '"last_at": "…"')
      .replace(/\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\b/g, '<time>');
  const dir = tmp();
  const csv = await run(['report', 'all', '--ledger', ledger, '--csv', '-o', `${dir}/`, '--as-of', AS_OF, '--escalate-over', '50'], { env: ENV });
  out['report all --csv'] = `${csv.exitCode} ${clean(csv.stderr)}`;
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f), 'utf8');
  const json = await run(['report', 'all', '--ledger', ledger, '--json', '--as-of', AS_OF], { env: ENV });
  out['report all --json'] = `${json.exitCode} ${clean(json.stdout)}`;
  for (const c of claims) {
    const t = await run(['trace', c, '--ledger', ledger, '--format', 'csv'], { env: ENV });
    out[`trace ${c}`] = `${t.exitCode} ${t.stdout}${clean(t.stderr)}`;
  }
  const q = await run(['review', 'list', '--all', '--ledger', ledger, '--json', '--as-of', AS_OF, '-q'], { env: ENV });
  out['review list'] = `${q.exitCode} ${clean(q.stdout)}`;
  for (const id of offsetIds) {
    const h = await run(['review', 'history', id, '--ledger', ledger, '--format', 'csv'], { env: ENV });
    out[`history ${id}`] = `${h.exitCode} ${clean(h.stdout)}`;
  }
  return out;
}

/** Records each file in its own run (as nightly runs do), then the statements; the scans' own outputs too. */
async function recordAll(ledger: string, files: readonly string[], bank: readonly string[]): Promise<string[]> {
  const outputs: string[] = [];
  for (const f of files) {
    const r = await run(['scan', f, '--ledger', ledger, '--csv', '--as-of', AS_OF, '-q'], { env: ENV });
    outputs.push(`${r.exitCode} ${r.stdout}`);
  }
  for (const b of bank) {
    const r = await run(['scan', '--bank', b, '--ledger', ledger, '--csv', '--as-of', AS_OF, '-q'], { env: ENV });
    outputs.push(`${r.exitCode} ${r.stdout}`);
  }
  return outputs;
}

function generated(): string[] {
  const dir = tmp();
  return generateScenarioSet({ seed: 7, stories: 60, fillerClaims: 2 }).map((f, i) => {
    const p = join(dir, f.name);
    writeFileSync(p, renderFile(f, i + 1));
    return p;
  });
}

const fixture = (...p: string[]): string => join(ROOT, 'fixtures', ...p);

describe.skipIf(PG_SKIP_REASON !== null)('SQLite and PostgreSQL give the same output', () => {
  it.each([
    ['the demo with its bank statement', async () => (await expandInputs([fixture('demo')])).inputs, [fixture('demo', 'bank', 'first-quarter-2024.bai')], ['MFC1002', 'MFC1003', '2224001000102'], ['2pkg5aeyjw']],
    ['the review month', async () => (await expandInputs([fixture('review')])).inputs, [], ['RVW100', 'RVW200'], ['sm53vjvkax', 'p557sbf0pe']],
    ['the deposits fortnight', async () => (await expandInputs([fixture('deposits', 'era')])).inputs, [fixture('deposits', 'statement.bai'), fixture('deposits', 'daily-2024-04-12.bai')], [], []],
    ['every fixture and corpus file, one run each', async () => (await expandInputs([fixture()])).inputs, [], [], []],
    ['a generated multi-file set', async () => generated(), [], ['P000001', 'P000010'], []],
  ])('%s', async (_name, files, bank, claims, reviewed) => {
    const inputs = await files();
    const sqlite = join(tmp(), 'l.db');
    const postgres = await pgLedger();
    const scansSqlite = await recordAll(sqlite, inputs, bank);
    const scansPostgres = await recordAll(postgres, inputs, bank);
    expect(scansPostgres).toEqual(scansSqlite);
    // the same decisions in both
    for (const [i, id] of reviewed.entries()) {
      for (const ledger of [sqlite, postgres]) {
        const r = await run(['review', 'set', id, '--status', i % 2 === 0 ? 'approved' : 'appealed', '--by', 'joe', '--note', 'checked', '--ledger', ledger, '-q'], { env: ENV });
        expect(r.exitCode, r.stderr).toBe(0);
      }
    }
    const a = await everything(sqlite, claims, reviewed);
    const b = await everything(postgres, claims, reviewed);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect({ what: k, text: b[k] }).toEqual({ what: k, text: a[k] });
    expect(inputs.length).toBeGreaterThan(0);
  });
});

describe.skipIf(PG_SKIP_REASON !== null)('the PostgreSQL ledger itself', () => {
  it('a server that is not there, a database that does not exist, a refused login: LEDGER_CONNECT_FAILED, never the password', async () => {
    const nothing = await run(['report', 'summary', '--ledger', 'postgresql://joe:s3cret-pw@127.0.0.1:1/office'], { env: ENV });
    expect(nothing).toMatchObject({ exitCode: 1, code: 'LEDGER_CONNECT_FAILED' });
    expect(nothing.stderr).toMatch(/^recoup: error LEDGER_CONNECT_FAILED: cannot connect to the ledger postgresql:\/\/joe@127\.0\.0\.1:1\/office: nothing answers there/);
    expect(nothing.stderr).not.toContain('s3cret');
    const url = new URL(process.env.RECOUP_TEST_PG!);
    url.pathname = '/no_such_database_here';
    url.password = 'an-other-secret';
    const missing = await run(['scan', 'fixtures/demo', '--ledger', url.toString(), '-q'], { env: ENV });
    expect(missing).toMatchObject({ exitCode: 1, code: 'LEDGER_CONNECT_FAILED' });
    expect(missing.stderr).toContain('database "no_such_database_here" does not exist');
    expect(missing.stderr).not.toContain('an-other-secret');
  });

  it('the bridge answers in the order asked: a batch sent ahead is done before the next question is answered', async () => {
    const { PgBridge } = await import('../../src/store/pg-bridge.js');
    const b = new PgBridge();
    b.connect(process.env.RECOUP_TEST_PG!);
    b.send([{ sql: 'SELECT pg_sleep(0.2)' }, { sql: "SELECT 'A'" }]);
    expect(b.rows("SELECT 'B' AS x")).toEqual([{ x: 'B' }]);
    b.send([{ sql: 'SELECT no_such_column' }]);
    expect(() => b.rows("SELECT 'C' AS x")).toThrow(/no_such_column/); // a batch sent ahead that failed is told at the next question
    expect(b.rows("SELECT 'D' AS x")).toEqual([{ x: 'D' }]);
    b.close();
  });

  it('a read-only command on a database without a ledger: LEDGER_NOT_FOUND; a newer schema is refused', async () => {
    const url = await pgLedger();
    expect(await run(['report', 'summary', '--ledger', url], { env: ENV })).toMatchObject({ exitCode: 1, code: 'LEDGER_NOT_FOUND' });
    expect((await run(['scan', 'fixtures/demo', '--ledger', url, '-q', '--csv'], { env: ENV })).exitCode).toBe(0);
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('INSERT INTO recoup_schema (version) VALUES (99)');
    await c.end();
    const r = await run(['report', 'summary', '--ledger', url], { env: ENV });
    expect(r).toMatchObject({ exitCode: 1, code: 'LEDGER_TOO_NEW' });
    expect(r.stderr).toMatch(/has schema version 99; this recoup knows up to 2/);
  });
});

/** Runs the real binary without waiting for it (several at once). */
function recoupAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'recoup.js'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RECOUP_LEDGER: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe.skipIf(PG_SKIP_REASON !== null)('several machines on one PostgreSQL ledger', () => {
  it('a password in the address is never printed: not in messages, not in report figures', async () => {
    const url = new URL(await pgLedger());
    url.password = 'pw-never-shown-42';
    const withPw = url.toString();
    const outputs = [
      await run(['scan', 'fixtures/demo', '--ledger', withPw, '--json', '-v'], { env: ENV }),
      await run(['report', 'summary,offsets', '--ledger', withPw, '--json'], { env: ENV }),
      await run(['review', 'list', '--ledger', withPw, '--json'], { env: ENV }),
      await run(['report', 'summary', '--ledger', withPw, '--payer', 'nobody'], { env: ENV }),
      await run(['trace', 'NOSUCH', '--ledger', withPw], { env: ENV }),
    ];
    for (const o of outputs) expect(`${o.stdout}${o.stderr}`).not.toContain('pw-never-shown-42');
    expect(outputs[1]!.exitCode).toBe(0);
    expect(outputs[1]!.stderr).toMatch(/^recoup: from postgresql:\/\/recoup@\//);
  });

  it('four processes recording overlapping inboxes at once: nothing lost, nothing doubled — the ledger equals one recording of them all', async () => {
    const inputs = [...(await expandInputs([fixture('demo')])).inputs, ...(await expandInputs([fixture('review')])).inputs, ...(await expandInputs([fixture('deposits', 'era')])).inputs];
    const postgres = await pgLedger();
    // each process takes a different, overlapping slice, in its own order
    const slices = [inputs, [...inputs].reverse(), inputs.filter((_, i) => i % 2 === 0), inputs.filter((_, i) => i % 3 !== 0).reverse()];
    const results = await Promise.all(slices.map((files) => recoupAsync(['scan', ...files, '--ledger', postgres, '--csv', '-q'])));
    expect(results.map((r) => [r.code, r.signal, r.stderr])).toEqual(slices.map(() => [0, null, '']));
    const sqlite = join(tmp(), 'one.db');
    expect((await run(['scan', ...inputs, '--ledger', sqlite, '--csv', '-q'], { env: ENV })).exitCode).toBe(0);
    const a = await everything(sqlite, ['MFC1002', 'RVW100'], []);
    const b = await everything(postgres, ['MFC1002', 'RVW100'], []);
    // the files were recorded in another order: the same rows, in the order they were recorded. A trace
    // shows the note its link got when it was recorded (a reversal recorded before its original payment
    // says so, whichever engine): its rows are compared without that note
    const rows = (text: string): string[] => text.trim().split('\n').sort();
    for (const k of Object.keys(a).filter((k) => k.endsWith('.csv'))) expect({ what: k, rows: rows(b[k]!) }).toEqual({ what: k, rows: rows(a[k]!) });
    const noNote = (text: string): string[] => rows(text).map((l) => l.replace(/,linked by [^,]*,/, ',linked,'));
    for (const k of Object.keys(a).filter((k) => k.startsWith('trace '))) expect({ what: k, rows: noNote(b[k]!) }).toEqual({ what: k, rows: noNote(a[k]!) });
    // every offset once, with its stable id
    const ids = b['offsets.csv']!.trim().split('\n').slice(1).map((l) => l.split(',').at(-3));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(10);
  });

  it('a process killed in the middle of a file leaves nothing of that file; the next run records it whole', async () => {
    const postgres = await pgLedger();
    const files = (await expandInputs([fixture('demo')])).inputs;
    // 01 has 3 claims, 02 has 3: the kill lands after the 2nd claim of 02, inside its transaction
    const killed = await recoupAsync(['scan', ...files, '--ledger', postgres, '--csv', '-q'], { RECOUP_TEST_KILL_AFTER_CLAIMS: '5' });
    expect(killed.signal).toBe('SIGKILL');
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: postgres });
    await c.connect();
    const counts = async () => (await c.query('SELECT (SELECT count(*)::int FROM files) f, (SELECT count(*)::int FROM claims) c, (SELECT count(*)::int FROM remittances) r')).rows[0];
    expect(await counts()).toEqual({ f: 1, c: 3, r: 1 }); // 01 only
    const again = spawnSync(process.execPath, [join(ROOT, 'bin', 'recoup.js'), 'scan', ...files, '--ledger', postgres, '--csv', '-q'], { encoding: 'utf8', env: { ...process.env, RECOUP_LEDGER: '' } });
    expect(again.status).toBe(0);
    expect(await counts()).toEqual({ f: 4, c: 10, r: 4 });
    await c.end();
    const sqlite = join(tmp(), 'one.db');
    expect((await run(['scan', ...files, '--ledger', sqlite, '--csv', '-q'], { env: ENV })).exitCode).toBe(0);
    const a = await everything(sqlite, ['MFC1002'], []);
    const b = await everything(postgres, ['MFC1002'], []);
    for (const k of Object.keys(a)) expect({ what: k, text: b[k] }).toEqual({ what: k, text: a[k] });
  });
});

describe.skipIf(PG_SKIP_REASON !== null)('the BI views', () => {
  it('recoup_offsets, recoup_payments, recoup_balances and recoup_deposits hold what the CSV reports say, typed, without patient names', async () => {
    const url = await pgLedger();
    expect((await run(['scan', 'fixtures/demo', '--bank', 'fixtures/demo/bank', '--ledger', url, '-q', '--csv', '--as-of', AS_OF], { env: ENV })).exitCode).toBe(0);
    const pg = (await import('pg')).default;
    pg.types.setTypeParser(1082, (v: string) => v); // dates as written
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const csv = async (report: string): Promise<Array<Record<string, string>>> => {
      const r = await run(['report', report, '--ledger', url, '--csv', '-q', '--as-of', AS_OF], { env: ENV });
      const [head, ...lines] = (await import('csv-parse/sync')).parse(r.stdout) as string[][];
      return lines.map((l) => Object.fromEntries(head!.map((k, i) => [k, l[i]!])));
    };
    // a view's value as the CSV writes it: numbers with two places, booleans as yes/no, NULL as empty
    const text = (v: unknown): string => (v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
    for (const [view, report, order] of [
      ['recoup_offsets', 'offsets', 'payment_date, offset_id'],
      ['recoup_payments', 'payments', 'payment_date, trace_number'],
      ['recoup_balances', 'balances', 'deferred_date, trace_number'],
      ['recoup_deposits', 'deposits', 'deposit_date, bank_line'],
    ] as const) {
      const rows = (await c.query(`SELECT * FROM ${view} ORDER BY ${order}`)).rows as Array<Record<string, unknown>>;
      const expected = await csv(report);
      expect(rows.length, view).toBe(expected.length);
      expect(rows.length, view).toBeGreaterThan(0);
      const cols = Object.keys(rows[0]!).filter((k) => k !== 'as_of' && k !== 'published_at');
      expect(cols.some((k) => k.includes('patient'))).toBe(false);
      const key = (r: Record<string, unknown>) => order.split(', ').map((k) => text(r[k])).join('|');
      const byKey = new Map(expected.map((e) => [key(e), e]));
      for (const r of rows) {
        const e = byKey.get(key(r));
        expect(e, `${view} ${key(r)}`).toBeDefined();
        for (const k of cols) {
          // escalate needs a threshold and appeal_deadline the payer's window: not in the views
          if (k in e!) expect({ view, column: k, value: text(r[k]) }).toEqual({ view, column: k, value: e![k] });
        }
      }
    }
    await c.end();
  });
});

/** One 835 with a ST per (claims, trace): `claims` claims of 80.00 paid each, no PLB (as many as wanted). */
function bigEra(parts: ReadonlyArray<readonly [number, string]>): string {
  let out = 'ISA*00*          *00*          *ZZ*GENPAYER       *ZZ*GENCLINIC      *240105*1200*^*00501*000000001*0*P*:~GS*HP*GENPAYER*GENCLINIC*20240105*1200*1*X*005010X221A1~';
  parts.forEach(([n, trace], k) => {
    const st = String(k + 1).padStart(4, '0');
    const segs = [`ST*835*${st}`, `BPR*I*${(80 * n).toFixed(2)}*C*ACH*CCP*01*011000015*DA*1*1999999999**01*021000021*DA*2*20240105`, `TRN*1*${trace}*1999999999`, 'DTM*405*20240105', 'N1*PR*GEN PAYER*XV*GEN01', 'N1*PE*GEN CLINIC*XX*1234567893', 'LX*1'];
    for (let i = 0; i < n; i++) segs.push(`CLP*P${trace}C${i}*1*100*80**12*I${trace}C${i}*11*1`, `NM1*QC*1*DOE*JANE****MI*M${i}`, 'SVC*HC:99213*100*80**1', 'DTM*472*20240101', 'CAS*CO*45*20');
    segs.push(`SE*${segs.length + 1}*${st}`);
    out += `${segs.join('~')}~`;
  });
  return `${out}GE*${parts.length}*1~IEA*1*000000001~`;
}

describe.skipIf(PG_SKIP_REASON !== null)('review findings on the PostgreSQL ledger', () => {
  it('a remittance of 12,000 claims (batches sent ahead) is recorded whole and in order, as on SQLite', async () => {
    const file = join(tmp(), 'big.835');
    writeFileSync(file, bigEra([[12_000, 'BIG1'], [5, 'SMALL2']]));
    const sqlite = join(tmp(), 'l.db');
    const postgres = await pgLedger();
    for (const ledger of [sqlite, postgres]) expect((await run(['scan', file, '--ledger', ledger, '--csv', '-q'], { env: ENV })).exitCode).toBe(0);
    const claims = async (ledger: string) => (await run(['report', 'claims', '--ledger', ledger, '--csv', '-q'], { env: ENV })).stdout;
    const a = await claims(sqlite);
    expect(a.trim().split('\n')).toHaveLength(12_006);
    expect(await claims(postgres)).toBe(a);
  });

  it('a 13-digit amount, a NUL in a payer name, a repeat of a payment under another payer id in one file: the same as SQLite, and the BI views still read', async () => {
    const dir = tmp();
    const huge = join(dir, 'huge.835');
    writeFileSync(huge, readFileSync(fixture('cases', 'several-plb.835'), 'utf8').replace('WO:ICN0099*100', 'WO:ICN0099*-9999999999999'));
    const nul = join(dir, 'nul.835');
    writeFileSync(nul, bigEra([[40, 'NULTRACE']]).replace('N1*PR*GEN PAYER', 'N1*PR*GEN\u0000PAYER'));
    const repeat = join(dir, 'repeat.835');
    const era = readFileSync(fixture('cases', 'wo-positive.835'), 'utf8');
    const st = era.slice(era.indexOf('ST*835'), era.indexOf('GE*'));
    writeFileSync(repeat, era.replace(/GE\*1\*/, `${st.replace(/ST\*835\*\d+/, 'ST*835*0108').replace(/SE\*(\d+)\*\d+/, 'SE*$1*0108').replace(/XV\*[A-Z0-9]+/, 'XV*CASE02')}GE*2*`));
    const sqlite = join(dir, 'l.db');
    const postgres = await pgLedger();
    for (const f of [huge, nul, repeat]) {
      const a = await run(['scan', f, '--ledger', sqlite, '--csv'], { env: ENV });
      const b = await run(['scan', f, '--ledger', postgres, '--csv'], { env: ENV });
      expect({ f, code: b.exitCode, stdout: b.stdout }).toEqual({ f, code: a.exitCode, stdout: a.stdout });
    }
    const a = await everything(sqlite, [], []);
    const b = await everything(postgres, [], []);
    for (const k of Object.keys(a)) expect({ what: k, text: b[k] }).toEqual({ what: k, text: a[k] });
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: postgres });
    c.on('error', () => {});
    await c.connect();
    for (const view of ['recoup_offsets', 'recoup_payments', 'recoup_balances']) expect((await c.query(`SELECT count(*)::int AS n FROM ${view}`)).rows[0].n, view).toBeGreaterThan(0);
    expect((await c.query("SELECT amount::text FROM recoup_offsets WHERE reference = 'ICN0099'")).rows).toEqual([{ amount: '-9999999999999.00' }]);
    await c.end();
  });

  it('a statement the server refuses mid-file: LEDGER_FAILED, exit 1, the file rolled back — not an internal error or a read failure', async () => {
    const url = await pgLedger();
    expect((await run(['scan', fixture('demo', '01-acme-2024-01-05.835'), '--ledger', url, '--csv', '-q'], { env: ENV })).exitCode).toBe(0);
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    await c.connect();
    await c.query("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no more claims today'; END $$");
    await c.query('CREATE TRIGGER refuse BEFORE INSERT ON claims FOR EACH ROW EXECUTE FUNCTION refuse()');
    const r = await run(['scan', fixture('demo', '02-blueriver-2024-01-08.835'), '--ledger', url, '--csv', '-q'], { env: ENV });
    expect(r).toMatchObject({ exitCode: 1, code: 'LEDGER_FAILED' });
    expect(r.stderr).toMatch(/^recoup: error LEDGER_FAILED: the ledger postgresql:\/\/recoup@\/\S+ \(socket [^)]+\) failed: no more claims today \(P0001\)\n$/);
    expect((await c.query('SELECT count(*)::int AS n FROM remittances')).rows[0].n).toBe(1);
    await c.end();
  });

  it('the ledger is named without its password in every address form', async () => {
    const { safeLedgerName } = await import('../../src/store/postgres.js');
    expect(safeLedgerName('postgresql://joe:s3cret@/office?host=/var/run/postgresql')).toBe('postgresql://joe@/office (socket /var/run/postgresql)');
    expect(safeLedgerName('postgres://joe:s3cret@db.example.org:6543/office?sslmode=require')).toBe('postgresql://joe@db.example.org:6543/office');
    expect(safeLedgerName('postgresql:///office?host=/tmp/s&user=ann&password=s3cret')).toBe('postgresql://ann@/office (socket /tmp/s)');
    expect(safeLedgerName('postgresql://db.example.org/')).toBe('postgresql://db.example.org/');
  });
});
