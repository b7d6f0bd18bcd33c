// The HTML dashboard (issue 15) without a browser: its KPI tiles equal the CSV reports' figures to the cent,
// every chart has a mark for every payer and month in the data, the tables list exactly the escalated and
// the unlinked offsets, nothing reaches for the network, no patient name appears.

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatMoney, parseAmount } from '../../src/remit/money.js';
import { run } from '../cli/helpers.js';
import { generateScenarioSet, renderFile } from '../support/synth.js';

type Rec = Record<string, string>;
const records = (csv: string): Rec[] => parse(csv, { columns: true }) as Rec[];
const cents = (t: string): number => {
  const p = parseAmount(t);
  if (!p.ok) throw new Error(`not an amount: ${t}`);
  return p.cents;
};
const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };

/** The text of a KPI tile's value. */
function tile(html: string, key: string): string {
  const m = new RegExp(`data-kpi="${key}"[^>]*>.*?<div class="value">([^<]*)</div>`).exec(html);
  if (!m) throw new Error(`no tile ${key}`);
  return m[1]!;
}

/** The rows of a table (cells as text). */
function table(html: string, key: string): string[][] {
  const m = new RegExp(`<table data-table="${key}">.*?<tbody>(.*?)</tbody>`).exec(html);
  if (!m) return [];
  return [...m[1]!.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!));
}

async function ledgerWith(files: Array<[string, string]>, bank: string[] = []): Promise<{ dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-dashboard-'));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  const db = join(dir, 'l.db');
  const inputs = files.length > 0 ? [dir] : ['fixtures/demo'];
  const r = await run(['scan', ...inputs, ...bank.flatMap((b) => ['--bank', b]), '--ledger', db, '--quiet', '--csv'], { env: ENV });
  expect(r.exitCode).toBe(0);
  return { dir, db };
}

async function dashboard(db: string, dir: string, extra: string[] = []): Promise<string> {
  const out = join(dir, 'dashboard.html');
  const r = await run(['report', 'dashboard', '--ledger', db, '-o', out, '--quiet', ...extra], { env: ENV });
  expect(r).toMatchObject({ exitCode: 0, stdout: '' });
  expect(statSync(out).mode & 0o777).toBe(0o600);
  return readFileSync(out, 'utf8');
}

async function csvReport(db: string, report: string, extra: string[] = []): Promise<Rec[]> {
  const r = await run(['report', report, '--ledger', db, '--csv', '--quiet', ...extra], { env: ENV });
  expect(r.exitCode).toBe(0);
  return records(r.stdout);
}

describe('recoup report dashboard (the demo, with its bank statement)', () => {
  it('KPI tiles equal the summary and offsets reports to the cent; the tables list exactly the escalated and unlinked offsets', async () => {
    const { dir, db } = await ledgerWith([], ['fixtures/demo/bank']);
    const args = ['--escalate-over', '50', '--as-of', '2024-04-30'];
    const html = await dashboard(db, dir, args);
    const summary = await csvReport(db, 'summary', args);
    const offsets = await csvReport(db, 'offsets', args);
    const sumOf = (key: string): number => summary.reduce((t, r) => t + cents(r[key]!), 0);
    // 105.00 taken back of 1,605.50 gross claim payments
    expect(tile(html, 'offset_rate')).toBe(`${((Math.round((sumOf('taken_back') * 10000) / sumOf('gross_claim_payments')) / 100).toFixed(2))} %`);
    expect(tile(html, 'offset_rate')).toBe('6.54 %');
    expect(tile(html, 'net_cash_impact')).toBe(formatMoney(sumOf('net_cash_impact')));
    expect(tile(html, 'unlinked')).toBe(formatMoney(sumOf('unlinked_recoupments_amount')));
    expect(tile(html, 'escalated')).toBe(String(offsets.filter((o) => o.escalate === 'yes').length));
    expect(tile(html, 'recoupment_lag')).toBe('70.0 days');
    expect(tile(html, 'deposits_matched')).toBe('1,118.25');
    expect(tile(html, 'eras_without_deposit')).toBe('310.50');
    expect(table(html, 'escalations').map((r) => [r[3], r[4], r[6], r[7], r[8]])).toEqual(
      offsets.filter((o) => o.escalate === 'yes').map((o) => [o.trace_number, o.reason_code, o.reference, formatMoney(cents(o.amount!)), o.linked_pcn]),
    );
    expect(table(html, 'suspense')).toEqual([]);
    expect(html).toContain('<p class="empty" data-table="suspense">');
  });

  it('self-contained: no script, no stylesheet or image to fetch, no http(s) address but the SVG namespaces; no patient name', async () => {
    const { dir, db } = await ledgerWith([]);
    const html = await dashboard(db, dir);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    const addresses = [...html.matchAll(/https?:\/\/[^"' )<]+/g)].map((m) => m[0]);
    expect(new Set(addresses)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    for (const name of ['DOE', 'SMITH', 'BROWN', 'GARCIA', 'LEE, DAVID']) expect(html).not.toContain(name);
  });
});

describe('review findings', () => {
  const FIRST_THREE = ['01-acme-2024-01-05.835', '02-blueriver-2024-01-08.835', '03-acme-2024-02-12.835'];
  const three = (): Array<[string, string]> => FIRST_THREE.map((f) => [f, readFileSync(join('fixtures/demo', f), 'utf8')]);

  it('the open deferred balance is what the balances report says is outstanding (positive), and its chart shows the same rows under a date filter', async () => {
    const { dir, db } = await ledgerWith(three());
    const html = await dashboard(db, dir, ['--as-of', '2024-04-30']);
    const balances = await csvReport(db, 'balances', ['--as-of', '2024-04-30']);
    expect(balances.map((b) => [b.status, b.outstanding, b.age_days])).toEqual([['open', '60.00', '78']]);
    expect(tile(html, 'open_deferred')).toBe('60.00');
    expect(html).toContain('Open deferred balances: ACME HEALTH PLAN 61–90 days 60.00.');
    // the deferral was made on 2024-02-12: from March on, neither the tile nor the chart has it
    const march = await dashboard(db, dir, ['--as-of', '2024-04-30', '--from', '2024-03-01']);
    expect(tile(march, 'open_deferred')).toBe('0.00');
    expect(march).toContain('No open deferred balances.');
  });

  it('an unreadable WO amount: the open deferred balance is unknown, and the chart says what it could not draw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-dashboard-bad-'));
    for (const [name, text] of three()) writeFileSync(join(dir, name), name.startsWith('03') ? text.replace('WO:2224001000102*-60', 'WO:2224001000102*-6O') : text);
    const db = join(dir, 'l.db');
    const scanned = await run(['scan', dir, '--ledger', db, '--quiet', '--csv'], { env: ENV });
    expect(scanned.exitCode).toBe(1);
    expect(scanned.stderr).toContain('REMIT_BAD_AMOUNT');
    const html = await dashboard(db, dir, ['--as-of', '2024-04-30']);
    expect(tile(html, 'open_deferred')).toBe('unknown');
    expect(html).toContain('1 offset(s) in this period, but none whose amount and payment date could be read: nothing to draw (see the offsets report).');
  });

  it('the lag counts only recoupments linked to a claim; the median of an even count is the mean of the middle two', async () => {
    const { dashboardData } = await import('../../src/analysis/dashboard-data.js');
    const row = (o: Partial<Record<string, string>>): Rec => ({ category: 'recoupment', amount: '10.00', payment_date: '2024-01-15', payer_name: 'P', ...o }) as Rec;
    const d = dashboardData({
      summary: [],
      offsets: [
        row({ linked_pcn: 'A', linked_payment_date: '2024-01-05' }),
        row({ linked_trace_number: 'T1', linked_payment_date: '2023-10-01', link_basis: 'trace_number' }),
        row({ linked_icn: 'B', linked_payment_date: '2023-10-07', payment_date: '2024-01-15' }),
      ],
      balances: [],
      aging: [],
    });
    expect(d.lagDays).toEqual([10, 100]);
    const { renderCharts } = await import('../../src/report/charts.js');
    const lag = (await renderCharts(d)).find((c) => c.key === 'lag')!;
    expect(lag.alt).toBe('2 recoupment(s) linked to a claim; the shortest lag 10 days, the median 55, the longest 100.');
  });

  it('refusals: html to a terminal, and filters the page would not honour', async () => {
    const { db } = await ledgerWith([]);
    expect((await run(['scan', 'fixtures/demo', '--format', 'html'], { env: ENV, stdoutIsTTY: true })).stderr).toBe('recoup: the dashboard is an HTML file: give -o <file>.html (or redirect: > report.html)\n');
    expect((await run(['report', 'dashboard', '--ledger', db, '--category', 'recoupment', '-o', '/tmp/x.html'], { env: ENV })).stderr).toBe(
      'recoup: the dashboard takes --from, --to and --payer; --category and --status filter single reports (recoup report offsets …)\n',
    );
  });
});

describe('a generated set: several payers and months', () => {
  it('the offsets chart has a mark for every payer and month with an offset, and the suspense table every unlinked recoupment', async () => {
    const files = generateScenarioSet({ seed: 7, stories: 60, fillerClaims: 2 }).map((f, i) => [f.name, renderFile(f, i + 1)] as [string, string]);
    const { dir, db } = await ledgerWith(files);
    const html = await dashboard(db, dir);
    const offsets = await csvReport(db, 'offsets');
    const pairs = new Set(offsets.filter((o) => o.category === 'recoupment' || ((o.category === 'deferred_recoupment' || o.category === 'refund_acknowledged') && o.amount!.startsWith('-'))).map((o) => `${o.payment_date!.slice(0, 7)}|${o.payer_name}`));
    expect(pairs.size).toBeGreaterThan(3);
    const chart = /<figure data-chart="offsets_by_month"[^>]*>(.*?)<\/figure>/s.exec(html)![1]!;
    const marks = [...chart.matchAll(/aria-label="Month: ([^;]*);[^"]*; payer: ([^;"]*);/g)].map((m) => `${m[1]}|${m[2]}`);
    for (const pair of pairs) expect(marks, pair).toContain(pair);
    const suspense = offsets.filter((o) => (o.category === 'recoupment' || o.category === 'deferred_recoupment') && (o.link_basis === 'none' || o.link_basis === 'ambiguous'));
    expect(suspense.length).toBeGreaterThan(0);
    expect(table(html, 'suspense').map((r) => [r[3], r[6], r[7]])).toEqual(suspense.map((o) => [o.trace_number, o.reference, formatMoney(cents(o.amount!))]));
    const summary = await csvReport(db, 'summary');
    expect(tile(html, 'unlinked')).toBe(formatMoney(summary.reduce((t, r) => t + cents(r.unlinked_recoupments_amount!), 0)));
  });
});

describe('scan --format html and the mistakes', () => {
  it('scan --format html -o: the dashboard of the run; --report with html is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-dashboard-scan-'));
    const out = join(dir, 'report.html');
    const r = await run(['scan', 'fixtures/demo', '--format', 'html', '-o', out, '--quiet'], { env: ENV });
    expect(r.exitCode).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(tile(html, 'offset_rate')).toBe('6.54 %');
    expect(html).not.toContain('data-kpi="deposits_matched"');
    const bad = await run(['scan', 'fixtures/demo', '--format', 'html', '--report', 'offsets', '-o', out], { env: ENV });
    expect(bad).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(bad.stderr).toBe('recoup: --format: html writes the dashboard (its tiles, charts and tables come from summary, offsets, balances and aging): leave out --report\n');
  });

  it('report dashboard with another report, or another format: usage errors', async () => {
    const { db } = await ledgerWith([]);
    expect((await run(['report', 'dashboard,summary', '--ledger', db], { env: ENV })).stderr).toBe('recoup: dashboard is a page of its own: ask for it alone (recoup report dashboard -o dashboard.html)\n');
    expect((await run(['report', 'dashboard', '--ledger', db, '--csv'], { env: ENV })).stderr).toBe('recoup: the dashboard is HTML: leave out --csv, --json and --xlsx\n');
    expect((await run(['report', 'offsets', '--ledger', db, '--format', 'html'], { env: ENV })).stderr).toBe('recoup: --format html is the dashboard: recoup report dashboard -o dashboard.html\n');
  });
});

describe('the review work queue on the dashboard (issue 16)', () => {
  it('with decisions recorded: appeal success, recovered, taken back net of appeals and escalations awaiting a decision equal the summary; the escalations table shows each decision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-dashboard-'));
    const db = join(dir, 'l.db');
    expect((await run(['scan', 'fixtures/review', '--ledger', db, '-q', '--csv'], { env: ENV })).exitCode).toBe(0);
    const set = async (...args: string[]) => expect((await run(['review', 'set', ...args, '--ledger', db, '-q'], { env: ENV })).exitCode).toBe(0);
    await set('sm53vjvkax', '--status', 'approved');
    await set('p557sbf0pe', '--status', 'appealed');
    await set('p557sbf0pe', '--status', 'won', '--recovered', '200');
    await set('4v9m7sskh6', '--status', 'appealed');
    await set('4v9m7sskh6', '--status', 'lost');
    const html = await dashboard(db, dir, ['--escalate-over', '100']);
    // by hand: 2 appeals decided, 1 won → 50.00 %; 200.00 recovered; taken back 925.00 − 200.00 = 725.00;
    // over 100.00: the 500.00 (approved) and the 250.00 (won): none awaiting a decision
    expect([tile(html, 'appeal_success'), tile(html, 'recovered_through_appeals'), tile(html, 'appeals_net_cash_impact'), tile(html, 'escalated_undecided')]).toEqual(['50.00 %', '200.00', '725.00', '0']);
    const summary = await csvReport(db, 'summary', ['--escalate-over', '100']);
    expect(summary.reduce((t, r) => t + cents(r.recovered_through_appeals!), 0)).toBe(20_000);
    expect(summary.reduce((t, r) => t + cents(r.appeals_net_cash_impact!), 0)).toBe(72_500);
    expect(table(html, 'escalations').map((r) => [r[7], r[10]])).toEqual([
      ['500.00', 'approved · sm53vjvkax'],
      ['250.00', 'won · p557sbf0pe'],
    ]);
    // without a ledger nothing is remembered: no appeal tiles (not zeros)
    const out = join(dir, 'run.html');
    expect((await run(['scan', 'fixtures/review', '--format', 'html', '-o', out, '-q'], { env: ENV })).exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('data-kpi="appeal_success"');
  });
});
