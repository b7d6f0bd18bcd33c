// `recoup report`: every report answered from a ledger filled by several runs equals what one scan over
// all the files gives; the filters; aging buckets; and the command line around it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { computeAging } from '../../src/analysis/aging.js';
import { REPORT_NAMES, type ReportName, type Row } from '../../src/analysis/rows.js';
import { expandInputs } from '../../src/input/paths.js';
import { reportFromLedger } from '../../src/query/ledger-report.js';
import { Scanner } from '../../src/scan/scanner.js';
import { SqliteLedger } from '../../src/store/sqlite.js';
import { run } from '../cli/helpers.js';
import { ROOT } from '../helpers.js';
import { generateScenarioSet, renderFile } from '../support/synth.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-report-'));
const AS_OF = '2024-12-31';
const demo = ['01-acme-2024-01-05.835', '02-blueriver-2024-01-08.835', '03-acme-2024-02-12.835', '04-acme-2024-03-15.835'].map((f) => join(ROOT, 'fixtures', 'demo', f));

/** One scan over `files` (no ledger), or one run per file into `ledger`; every report's rows. */
async function scanRows(files: string[], ledger?: SqliteLedger): Promise<Record<ReportName, Row[]>> {
  const rows = Object.fromEntries(REPORT_NAMES.map((r) => [r, [] as Row[]])) as Record<ReportName, Row[]>;
  const runs = ledger ? files.map((f) => [f]) : [files];
  for (const group of runs) {
    const scanner = new Scanner({ reports: REPORT_NAMES, asOf: AS_OF, ...(ledger ? { ledger } : {}), onRow: (r, row) => rows[r].push(row), onDiagnostic: () => {} });
    for (const f of group) await scanner.scanFile(f);
    scanner.finish();
  }
  return rows;
}

function fromLedger(ledger: SqliteLedger, extra: Partial<Parameters<typeof reportFromLedger>[1]> = {}): Record<ReportName, Row[]> {
  const rows = Object.fromEntries(REPORT_NAMES.map((r) => [r, [] as Row[]])) as Record<ReportName, Row[]>;
  reportFromLedger(ledger, { reports: REPORT_NAMES, filter: {}, asOf: AS_OF, onRow: (r, row) => rows[r].push(row), ...extra });
  return rows;
}

function synthFiles(): string[] {
  const dir = tmp();
  return generateScenarioSet({ seed: 42, stories: 90, fillerClaims: 3 }).map((f, i) => {
    const p = join(dir, f.name);
    writeFileSync(p, renderFile(f, i + 1));
    return p;
  });
}

describe('recoup report equals one scan over all the files', () => {
  it.each([
    ['the demo', async () => demo],
    ['a synthetic multi-file set (five daily files, three payers, every story kind)', async () => synthFiles()],
    ['every fixture and public corpus file (91 files: odd, damaged, repeated)', async () => (await expandInputs([join(ROOT, 'fixtures')])).inputs],
  ])('%s, recorded one file per run', async (_name, files) => {
    const inputs = await files();
    const single = await scanRows(inputs);
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    await scanRows(inputs, ledger);
    const reported = fromLedger(ledger);
    ledger.close();
    // a scan without a ledger remembers no review decision: its review columns are unknown (empty), where
    // the ledger knows them (every offset new, no appeal); everything else is equal
    const REVIEW = ['review_status', 'appeals_filed', 'appeals_won', 'appeals_lost', 'appeal_success_percent', 'recovered_through_appeals', 'appeals_net_cash_impact', 'escalated_undecided'];
    const known = (rows: Row[]): Row[] => rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !REVIEW.includes(k))));
    for (const r of REPORT_NAMES) expect({ report: r, rows: known(reported[r]) }).toEqual({ report: r, rows: known(single[r]) });
    expect(single.offsets.every((o) => o.review_status === '')).toBe(true);
    expect(reported.offsets.every((o) => o.review_status === 'new')).toBe(true);
    expect(reported.summary.every((x) => x.appeals_filed === '0' && x.recovered_through_appeals === '0.00')).toBe(true);
    expect(single.summary.every((x) => x.appeals_filed === '' && x.appeals_net_cash_impact === '')).toBe(true);
    expect(single.offsets.length).toBeGreaterThan(4);
    expect(single.claims.length).toBeGreaterThan(9);
    expect(inputs.length).toBeGreaterThanOrEqual(4);
  });

  it('CARC texts come from --carc-file at report time, as the scan gives them', async () => {
    const carc = new Map([['45', 'Charge exceeds fee schedule (from my list)']]);
    const rows: Row[] = [];
    const scanner = new Scanner({ reports: ['adjustments'], carc, onRow: (_r, row) => rows.push(row), onDiagnostic: () => {} });
    for (const f of demo) await scanner.scanFile(f);
    scanner.finish();
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    await scanRows(demo, ledger);
    const reported: Row[] = [];
    reportFromLedger(ledger, { reports: ['adjustments'], filter: {}, asOf: AS_OF, carc, onRow: (_r, row) => reported.push(row) });
    ledger.close();
    expect(reported).toEqual(rows);
    expect(reported.filter((a) => a.reason === 'Charge exceeds fee schedule (from my list)').length).toBeGreaterThan(0);
  });

  it('an offset recorded before the claim it names arrived is linked once that claim is in the ledger', async () => {
    // the last demo file (the collection) first, then the others: the nightly runs saw the claim later
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    const scanned = await scanRows([demo[3]!, demo[0]!, demo[1]!, demo[2]!], ledger);
    expect(scanned.offsets.map((o) => o.link_basis)).toEqual(['none', 'none', 'none', 'none', 'icn']); // as the runs saw them
    const reported = fromLedger(ledger).offsets;
    ledger.close();
    expect(reported.map((o) => [o.reference, o.amount, o.link_basis, o.linked_pcn])).toEqual([
      ['2224001000102', '60.00', 'icn', 'MFC1002'],
      ['2224001000103', '-45.00', 'icn', 'MFC1003'],
      ['2224001000103', '45.00', 'icn', 'MFC1003'],
      ['', '-3.25', 'none', ''],
      ['2224001000102', '-60.00', 'icn', 'MFC1002'],
    ]);
  });
});

describe('filters', () => {
  async function demoLedger(): Promise<SqliteLedger> {
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    await scanRows(demo, ledger);
    return ledger;
  }

  it('--from/--to: the payments, claims and offsets of checks paid in the period; the summary of those', async () => {
    const ledger = await demoLedger();
    const march = fromLedger(ledger, { filter: { from: '2024-03-01', to: '2024-03-31' } });
    expect(march.payments.map((p) => [p.trace_number, p.payment_date, p.paid])).toEqual([['ACH100100102', '2024-03-15', '343.25']]);
    expect(march.offsets.map((o) => [o.reason_code, o.amount])).toEqual([
      ['WO', '60.00'],
      ['72', '-45.00'],
      ['WO', '45.00'],
      ['L6', '-3.25'],
    ]);
    expect(march.claims.every((c) => c.trace_number === 'ACH100100102')).toBe(true);
    expect(march.summary.map((s) => [s.payer_name, s.checks, s.paid, s.taken_back])).toEqual([['ACME HEALTH PLAN', '1', '343.25', '105.00']]);
    const none = fromLedger(ledger, { filter: { from: '2023-01-01', to: '2023-12-31' } });
    expect(none.payments).toEqual([]);
    expect(none.summary).toEqual([]);
    ledger.close();
  });

  it('--payer by name (any case) or id; --category; --status for claims and balances', async () => {
    const ledger = await demoLedger();
    const byName = fromLedger(ledger, { filter: { payer: 'blue river medicaid' } });
    const byId = fromLedger(ledger, { filter: { payer: byName.payments[0]!.payer_id } });
    expect(byName.payments.map((p) => [p.payer_name, p.payer_id])).toEqual([['BLUE RIVER MEDICAID', 'BRMCD']]);
    expect(byId).toEqual(byName);
    const recoupments = fromLedger(ledger, { category: 'recoupment' });
    expect(recoupments.offsets.map((o) => [o.category, o.amount])).toEqual([
      ['recoupment', '60.00'],
      ['recoupment', '45.00'],
    ]);
    const reversals = fromLedger(ledger, { status: '22' });
    expect(reversals.claims.length).toBeGreaterThan(0);
    expect(reversals.claims.every((c) => c.status_code === '22')).toBe(true);
    expect(fromLedger(ledger, { status: 'open' }).balances).toEqual([]);
    expect(fromLedger(ledger, { status: 'collected' }).balances.map((b) => [b.reference, b.deferred, b.collected])).toEqual([['2224001000102', '-60.00', '60.00']]);
    ledger.close();
  });
});

describe('aging', () => {
  it('buckets by age as of a date, by payer and kind; later items not counted, undated ones apart', () => {
    const item = (kind: 'open_deferral' | 'unlinked_recoupment', date: string, amount: number, payerName = 'ACME') => ({ payerKey: 'A1', payerName, kind, date, amount });
    const rows = computeAging(
      [
        item('open_deferral', '2024-12-31', 1000), // 0 days
        item('open_deferral', '2024-12-01', 2000), // 30
        item('open_deferral', '2024-11-30', 4000), // 31
        item('open_deferral', '2024-10-02', 8000), // 90
        item('open_deferral', '2024-10-01', 16000), // 91
        item('open_deferral', '2025-01-01', 99999), // after as-of: not counted
        item('unlinked_recoupment', '', 500),
        item('unlinked_recoupment', '2024-06-30', 700),
      ],
      '2024-12-31',
    );
    expect(rows).toEqual([
      { payer_name: 'ACME', payer_id: 'A1', kind: 'open_deferral', items: '5', days_0_30: '30.00', days_31_60: '40.00', days_61_90: '80.00', days_over_90: '160.00', undated: '0.00', total: '310.00', oldest_date: '2024-10-01', as_of: '2024-12-31' },
      { payer_name: 'ACME', payer_id: 'A1', kind: 'unlinked_recoupment', items: '2', days_0_30: '0.00', days_31_60: '0.00', days_61_90: '0.00', days_over_90: '7.00', undated: '5.00', total: '12.00', oldest_date: '2024-06-30', as_of: '2024-12-31' },
    ]);
  });

  it('from the ledger: an open deferral and an unlinked recoupment of a case file', async () => {
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    await scanRows([demo[0]!, demo[1]!, demo[2]!], ledger); // the deferral of file 3, not yet collected
    const aging = fromLedger(ledger, { asOf: '2024-04-30' }).aging;
    ledger.close();
    expect(aging).toEqual([
      { payer_name: 'ACME HEALTH PLAN', payer_id: expect.any(String), kind: 'open_deferral', items: '1', days_0_30: '0.00', days_31_60: '0.00', days_61_90: '60.00', days_over_90: '0.00', undated: '0.00', total: '60.00', oldest_date: '2024-02-12', as_of: '2024-04-30' },
    ]);
  });
});

describe('recoup report on the command line', () => {
  it('reports as CSV from a ledger, with no input; the month-end filter', async () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    for (const f of demo) expect((await run(['scan', f, '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    const r = await run(['report', 'offsets', '--ledger', db, '--from', '2024-03-01', '--to', '2024-03-31', '--csv']);
    expect(r).toMatchObject({ exitCode: 0, code: undefined });
    expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(5); // header + 4 offsets of March
    expect(r.stderr).toBe(`recoup: from ${db}: 1 remittance(s), 4 provider-level offset(s)\n`); // claims were not asked for: not counted
    const env = await run(['report', 'summary,payments', '--json'], { env: { RECOUP_LEDGER: db } });
    expect(env.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(env.stdout))).toEqual(['summary', 'payments', 'run', 'diagnostics']);
  });

  it('mistakes: no ledger, a missing ledger, an unknown report, dates out of order, an unknown category', async () => {
    const dir = tmp();
    expect(await run(['report', 'summary'])).toMatchObject({ exitCode: 2, code: 'USAGE', stderr: 'recoup: recoup report reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)\n' });
    expect(await run(['report', 'summary', '--ledger', join(dir, 'none.db')])).toMatchObject({ exitCode: 1, code: 'LEDGER_NOT_FOUND' });
    expect((await run(['report', 'everything', '--ledger', 'x.db'])).stderr).toBe('recoup: unknown report "everything"; choose from summary, payments, offsets, claims, adjustments, balances, aging, deposits, suspense, reversals\n');
    expect(await run(['report', 'offsets', '--ledger', 'x.db', '--from', '2024-10-31', '--to', '2024-10-01'])).toMatchObject({
      exitCode: 2,
      code: 'USAGE',
      stderr: 'recoup: --to: is before --from: give --from first and --to last (YYYY-MM-DD)\n',
    });
    expect((await run(['report', 'offsets', '--ledger', 'x.db', '--category', 'theft'])).stderr).toBe(
      'recoup: --category: unknown category "theft"; choose from recoupment, deferred_recoupment, refund_acknowledged, interest, penalty, withholding, other\n',
    );
  });

  it('a payer the ledger does not hold is said, exit 1 — not an empty report that looks like nothing owed', async () => {
    const db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    const r = await run(['report', 'balances', '--ledger', db, '--payer', 'ACME HEALTH', '--csv', '-q']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toBe(`recoup: no remittance of payer "ACME HEALTH" in ${db} (give its name or id as the reports show them)\n`);
    expect((await run(['report', 'balances', '--ledger', db, '--payer', 'acme health plan', '--csv', '-q'])).exitCode).toBe(0);
    // a payer known, but with nothing in the period: an empty report, exit 0
    expect((await run(['report', 'payments', '--ledger', db, '--payer', 'ACME01', '--from', '2023-01-01', '--to', '2023-12-31', '--csv', '-q'])).exitCode).toBe(0);
  });

  it('scan with a ledger and no input points to recoup report', async () => {
    const r = await run(['scan', '--ledger', 'x.db', '--report', 'balances'], { stdinIsTTY: true });
    expect(r).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(r.stderr).toBe('recoup: no input: give one or more 835 files or directories, or pipe a file into standard input; to report from the ledger without reading files: recoup report balances --ledger …\n');
  });

  it('a ledger recorded before report data was kept: its remittances are counted and said, exit 1', async () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    expect((await run(['scan', demo[0]!, '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    const raw = new Database(db);
    raw.exec('UPDATE remittances SET head = NULL, figures = NULL, payment_row = NULL');
    raw.close();
    const r = await run(['report', 'payments', '--ledger', db, '--csv']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('file,interchange_control,transaction_control,payer_name,payer_id,payee_name,payee_id,trace_number,payment_date,payment_method,handling_code,paid,claims,claims_paid,provider_adjustments,withheld,added,balanced,difference\n');
    expect(r.stderr).toContain('1 remittance(s) recorded by an older recoup have no report data and are left out');
  });
});

describe('a reversal recorded before the payment it takes back', () => {
  it('names that payment in the report, as one scan in date order does', async () => {
    const single = await scanRows(demo);
    const ledger = SqliteLedger.open(join(tmp(), 'l.db'));
    await scanRows([...demo].reverse(), ledger); // nightly runs that met the files newest first
    const reported = fromLedger(ledger).claims;
    ledger.close();
    const reversal = (rows: Row[]) => rows.filter((c) => c.status_code === '22').map((c) => [c.pcn, c.reverses_trace_number, c.reverses_payment_date]);
    expect(reversal(single.claims)).toEqual([['MFC1002', 'ACH100100001', '2024-01-05']]);
    expect(reversal(reported)).toEqual(reversal(single.claims));
  });
});
