// `recoup trace --format html` without a browser: the page's exact structure on the demo ledger (every event
// row with its amount, the totals equal to the JSON trace's, the deposit column), escaping of hostile values,
// nothing that could reach the network, -o written 0600 through a temporary file. The browser checks what a
// person sees and prints (test/browser/trace.test.ts).

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimTrace } from '../../src/analysis/claim-trace.js';
import { formatMoney, parseAmount } from '../../src/remit/money.js';
import { escapeHtml, htmlPage } from '../../src/report/html.js';
import { renderTraceHtml } from '../../src/report/trace-html.js';
import { run } from '../cli/helpers.js';

/** No ledger or settings file from the environment. */
const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };

/** An HTML fragment's text: tags dropped (a `.note`, shown on a line of its own, after a space), the five entities escapeHtml writes read back. */
function text(html: string): string {
  return html
    .replace(/<span class="note">/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

/** A table's body rows (`data-table=key`) as cell texts. */
function rows(html: string, key: string): string[][] {
  const m = new RegExp(`<table[^>]*data-table="${key}"[^>]*>.*?<tbody>(.*?)</tbody>`, 's').exec(html);
  if (m === null) throw new Error(`no table ${key}`);
  return [...m[1]!.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((r) => [...r[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((c) => text(c[1]!)));
}

/** A table's header labels. */
function head(html: string, key: string): string[] {
  const m = new RegExp(`<table[^>]*data-table="${key}"[^>]*>.*?<thead><tr>(.*?)</tr></thead>`, 's').exec(html);
  if (m === null) throw new Error(`no header for ${key}`);
  return [...m[1]!.matchAll(/<th[^>]*>(.*?)<\/th>/gs)].map((c) => text(c[1]!));
}

/** Each events row's deposit text: a cell spanning several rows (one remittance's events) gives each of them its text. */
function deposits(html: string): string[] {
  const body = /<table[^>]*data-table="events"[^>]*>.*?<tbody>(.*?)<\/tbody>/s.exec(html)![1]!;
  const out: string[] = [];
  let carried = 0;
  for (const row of body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)) {
    const cell = /<td class="col-deposit"(?: rowspan="(\d+)")? data-deposit>(.*?)<\/td>/s.exec(row[1]!);
    if (cell === null) {
      if (carried === 0) throw new Error('a row without its deposit cell');
      carried--;
      out.push(out.at(-1)!);
      continue;
    }
    if (carried !== 0) throw new Error('a deposit cell inside another one\'s rows');
    carried = Number(cell[1] ?? 1) - 1;
    out.push(text(cell[2]!));
  }
  return out;
}

/** The amount shown for a total or the settlement (`data-total=key`). */
function total(html: string, key: string): string {
  const m = new RegExp(`<tr data-total="${key}">.*?<td class="num">([^<]*)</td>`, 's').exec(html);
  if (m === null) throw new Error(`no total ${key}`);
  return m[1]!;
}

/** The same checks for every page: nothing is fetched, nothing runs. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/\bsrc\s*=/i);
  expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\(/i);
}

const cents = (text: string): number => {
  const p = parseAmount(text.replaceAll(',', ''));
  if (!p.ok) throw new Error(`not an amount: ${text}`);
  return p.cents;
};

let dir: string;
let db: string;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'recoup-trace-html-')));
  db = join(dir, 'demo.db');
  const scan = await run(['scan', 'fixtures/demo', '--bank', 'fixtures/demo/bank', '--ledger', db, '--quiet'], { env: ENV });
  expect(scan.exitCode).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('trace MFC1002 --format html (the demo ledger)', () => {
  it('one row per event, in order, with its exact amount and deposit; the totals and settlement of the JSON trace', async () => {
    const r = await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html'], { env: ENV });
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    const html = r.stdout;
    expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(html).toContain('<title>Claim MFC1002 — financial summary</title>');
    expect(html).toContain('<h1>Claim MFC1002 — financial summary</h1>');
    expect(head(html, 'events')).toEqual(['Date', 'Event', 'Check / EFT trace', 'Claim no. (ICN) / reference', 'Code', 'Linked by', 'Amount', 'Deposit']);
    const bai = 'fixtures/demo/bank/first-quarter-2024.bai';
    // the three events of check ACH100100045 share one deposit cell
    expect(rows(html, 'events')).toEqual([
      ['2024-01-05', 'Payment', 'ACH100100001', '2224001000102', '', '', '180.00', `deposited 2024-01-05 525.00 (${bai} line 4)`],
      ['2024-02-12', 'Reversal', 'ACH100100045', '2224001000102', '', '', '-180.00', `deposited 2024-02-13 250.00 (${bai} line 9)`],
      ['2024-02-12', 'Correction', 'ACH100100045', '2224004200210 REF*F8 2224001000102', '', '', '120.00'],
      ['2024-02-12', 'Deferred recoupment', 'ACH100100045', '2224001000102', 'WO', 'ICN', '-60.00'],
      ['2024-03-15', 'Recoupment', 'ACH100100102', '2224001000102', 'WO', 'ICN', '60.00', `deposited 2024-03-18 343.25 (${bai} line 15)`],
    ]);
    expect(html).toContain('<td class="col-deposit" rowspan="3" data-deposit>');
    expect([...html.matchAll(/<tr data-event="([a-z]+)"(?: data-category="([a-z_]+)")?>/g)].map((m) => m[2] ?? m[1])).toEqual([
      'payment',
      'reversal',
      'correction',
      'deferred_recoupment',
      'recoupment',
    ]);
    // the recoupment, and only it, is marked as money taken back
    expect(html.match(/<td class="col-amount num taken" data-amount>60.00<\/td>/g)).toHaveLength(1);
    expect(html.match(/ taken"/g)).toHaveLength(1);

    // each amount as the CSV trace gives it, formatted as the table does
    const csv = await run(['trace', 'MFC1002', '--ledger', db, '--format', 'csv'], { env: ENV });
    const events = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows(html, 'events').map((row) => row[6])).toEqual(events.map((e) => formatMoney(cents(e.amount!))));
    expect(deposits(html)).toEqual(events.map((e) => e.deposit));

    // the totals and what the claim came to, to the cent, as the JSON trace has them
    const json = JSON.parse((await run(['trace', 'MFC1002', '--ledger', db, '--format', 'json'], { env: ENV })).stdout) as { totals: Record<string, number> };
    expect(Object.keys(json.totals)).toEqual(['net_claim_payments', 'recouped', 'refunds_acknowledged', 'interest', 'deferred_outstanding', 'net_received', 'still_owed']);
    for (const [key, value] of Object.entries(json.totals)) expect(cents(total(html, key)), key).toBe(Math.round(value * 100));
    expect(rows(html, 'totals')).toEqual([
      ['Net claim payments', '120.00'],
      ['Recouped', '60.00'],
      ['Refunds acknowledged', '0.00'],
      ['Interest', '0.00'],
      ['Deferred still outstanding', '0.00'],
    ]);
    expect(rows(html, 'settlement')).toEqual([
      ['Net received claim payments and interest, less what offsets took back', '120.00'],
      ['Still owed deferred, not yet taken back', '0.00'],
    ]);

    // the identifiers and the original payment
    const ids = Object.fromEntries([...html.matchAll(/<div data-id="([a-z_]+)"><dt>.*?<\/dt><dd>(.*?)<\/dd><\/div>/gs)].map((m) => [m[1], text(m[2]!)]));
    expect(ids).toEqual({
      pcn: 'MFC1002',
      icn: '2224001000102 (original), 2224004200210 (correction)',
      patient: 'SMITH, ROBERT',
      original_payment: '2024-01-05 · check/EFT ACH100100001 · 180.00',
    });
    expect(html).toMatch(/<p class="meta">5 events · balances as of \d{4}-\d\d-\d\d<\/p>/);
    expect(html.match(/SMITH, ROBERT/g)).toHaveLength(1);
    expectSelfContained(html);
  });

  it('--redact shows the patient as initials, in HTML and every other format', async () => {
    const html = (await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html', '--redact'], { env: ENV })).stdout;
    expect(html).not.toContain('SMITH');
    expect(html).not.toContain('ROBERT');
    expect(html).toContain('<dd>S., R.</dd>');
    for (const format of ['json', 'table', 'csv']) {
      const out = (await run(['trace', 'MFC1002', '--ledger', db, '--format', format, '--redact'], { env: ENV })).stdout;
      expect(out, format).not.toMatch(/SMITH|ROBERT/);
    }
    expect(JSON.parse((await run(['trace', 'MFC1002', '--ledger', db, '--format', 'json', '--redact'], { env: ENV })).stdout).patient).toBe('S., R.');
  });

  it('-o writes the same page to a file created 0600, through a temporary file that does not stay', async () => {
    const out = join(dir, 'out');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    const file = join(out, 'appeal.html');
    const r = await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html', '-o', file], { env: ENV });
    expect(r).toEqual({ exitCode: 0, code: undefined, stdout: '', stderr: '' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(out)).toEqual(['appeal.html']);
    const stdout = (await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html'], { env: ENV })).stdout;
    expect(readFileSync(file, 'utf8')).toBe(stdout);
    // every format goes to -o the same way; the table without colour
    for (const format of ['json', 'csv', 'table']) {
      const f = join(out, `trace.${format}`);
      expect((await run(['trace', 'MFC1002', '--ledger', db, '--format', format, '-o', f], { env: ENV })).exitCode).toBe(0);
      expect(statSync(f).mode & 0o777).toBe(0o600);
      expect(readFileSync(f, 'utf8')).toBe((await run(['trace', 'MFC1002', '--ledger', db, '--format', format, '--no-pager'], { env: ENV })).stdout);
    }
    // an existing file is replaced whole
    expect((await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html', '-o', file, '--redact'], { env: ENV })).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('S., R.');
    expect(readdirSync(out).sort()).toEqual(['appeal.html', 'trace.csv', 'trace.json', 'trace.table']);
  });

  it('-o: a directory is a usage error, a missing folder IO_OUTPUT; an unknown claim writes nothing', async () => {
    expect(await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html', '-o', dir], { env: ENV })).toMatchObject({ exitCode: 2, code: 'USAGE' });
    const missing = join(dir, 'nowhere', 'appeal.html');
    const r = await run(['trace', 'MFC1002', '--ledger', db, '--format', 'html', '-o', missing], { env: ENV });
    expect(r).toMatchObject({ exitCode: 1, code: 'IO_OUTPUT' });
    expect(r.stderr).toContain(`the folder ${join(dir, 'nowhere')} does not exist`);
    const none = join(dir, 'none.html');
    expect((await run(['trace', 'NOSUCHCLAIM', '--ledger', db, '--format', 'html', '-o', none], { env: ENV })).exitCode).toBe(1);
    expect(() => statSync(none)).toThrow();
  });
});

/** A claim with a reversal, a correction, three offsets and interest (the case), with hostile text where the files put text. */
function appealTrace(hostile: string): ClaimTrace {
  const claim = { file: 'era.835', pcn: 'HX100', status_code: '1', reason_code: '', category: '', note: '' };
  const offset = { event: 'offset', file: 'era.835', pcn: '', icn: '', status_code: '', interest: '', deposit: '' };
  return {
    query: 'HX100',
    found: true,
    patient: `O'BRIEN & <b>SONS</b>`,
    events: [
      { ...claim, date: '2024-05-01', event: 'payment', trace_number: 'HTH0501001', icn: 'ICN5000001', reference: '', amount: '1234567.89', interest: '', deposit: '' },
      { ...claim, date: '2024-06-03', event: 'reversal', trace_number: 'HTH0603002', icn: 'ICN5000001', status_code: '22', reference: '', amount: '-1234567.89', interest: '', deposit: '' },
      { ...claim, date: '2024-06-03', event: 'correction', trace_number: 'HTH0603002', icn: 'ICN5000002', reference: 'REF*F8 ICN5000001', amount: '420.00', interest: '4.20', deposit: '' },
      { ...offset, date: '2024-06-03', trace_number: 'HTH0603002', reason_code: 'WO', category: 'deferred_recoupment', reference: hostile, amount: '-80.00', note: 'linked by icn' },
      { ...offset, date: '2024-06-03', trace_number: 'HTH0603002', reason_code: 'L6', category: 'interest', reference: 'ICN5000002', amount: '-4.20', note: 'linked by icn' },
      { ...offset, date: '2024-07-01', trace_number: 'HTH0701003', reason_code: 'WO', category: 'recoupment', reference: 'ICN5000001', amount: '50.00', note: `linked by deferred_pair; ${hostile}` },
      { ...offset, date: '2024-08-01', trace_number: 'HTH"0801004', reason_code: 'WO', category: 'recoupment', reference: 'ICN5000001', amount: '30.00', note: 'linked by icn', deposit: hostile },
    ],
    totals: { net_claim_payments: '420.00', recouped: '80.00', refunds_acknowledged: '0.00', interest: '4.20', deferred_outstanding: '0.00' },
    settlement: { netReceived: 42420, stillOwed: 0 },
  };
}

describe('renderTraceHtml', () => {
  it('escapes every value: a reference reading <script> is text, never markup', () => {
    const hostile = `<script>alert("x")</script><img src=x onerror='y'>&amp;`;
    const html = renderTraceHtml(appealTrace(hostile), { asOf: '2024-12-31' });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain(escapeHtml(hostile));
    expect(escapeHtml(hostile)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt;&amp;amp;');
    // the reference cell, the link note and the deposit each hold it, and read back as the same characters
    const table = rows(html, 'events');
    expect(table[3]![3]).toBe(hostile);
    expect(table[5]![5]).toBe(`Earlier deferral ${hostile}`);
    expect(table[6]![8]).toBe(hostile);
    expect(deposits(html)).toEqual(['', '', '', '', '', '', hostile]);
    expect(table[6]![2]).toBe('HTH"0801004');
    expect(html).toContain(`<dd>O&#39;BRIEN &amp; &lt;b&gt;SONS&lt;/b&gt;</dd>`);
    // the only tags are the page's own
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(['body', 'caption', 'col', 'colgroup', 'dd', 'div', 'dl', 'dt', 'h1', 'h2', 'head', 'header', 'html', 'meta', 'p', 'span', 'style', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr']);
  });

  it("the issue's case: seven rows, an interest column only because a claim has interest, and the totals", () => {
    const html = renderTraceHtml(appealTrace('ICN5000001'), { asOf: '2024-12-31' });
    expect(head(html, 'events')).toEqual(['Date', 'Event', 'Check / EFT trace', 'Claim no. (ICN) / reference', 'Code', 'Linked by', 'Amount', 'Interest', 'Deposit']);
    expect(rows(html, 'events').map((r) => [r[1], r[6], r[7]])).toEqual([
      ['Payment', '1,234,567.89', ''],
      ['Reversal', '-1,234,567.89', ''],
      ['Correction', '420.00', '4.20'],
      ['Deferred recoupment', '-80.00', ''],
      ['Interest', '-4.20', ''],
      ['Recoupment', '50.00', ''],
      ['Recoupment', '30.00', ''],
    ]);
    expect(total(html, 'interest')).toBe('4.20');
    expect(total(html, 'net_received')).toBe('424.20');
    expect(total(html, 'still_owed')).toBe('0.00');
    expect(html).toContain('<p class="meta">7 events · balances as of 2024-12-31</p>');
    expectSelfContained(html);
  });

  it('no deposit column without deposits, no interest column without interest; no patient line without a name', () => {
    const t = appealTrace('x');
    const plain: ClaimTrace = { ...t, patient: '', events: t.events.map((e) => ({ ...e, deposit: '', interest: '' })) };
    const html = renderTraceHtml(plain);
    expect(head(html, 'events')).toEqual(['Date', 'Event', 'Check / EFT trace', 'Claim no. (ICN) / reference', 'Code', 'Linked by', 'Amount']);
    expect(rows(html, 'events').every((r) => r.length === 7)).toBe(true);
    expect(html).not.toContain('data-id="patient"');
    expect(html).toContain('<p class="meta">7 events</p>');
  });

  it('a family whose first recorded claim is a reversal says the original payment is not in the ledger', () => {
    const t = appealTrace('x');
    const html = renderTraceHtml({ ...t, events: t.events.filter((e) => e.event !== 'payment') });
    expect(html).toMatch(/<div data-id="original_payment"><dt>Original payment<\/dt><dd>not in the ledger/);
  });
});

describe('htmlPage', () => {
  it('a whole page: the title escaped, the CSS inline, the paper rules for Letter and A4, a policy that allows no network', () => {
    const page = htmlPage({ title: 'A & <B>', body: '<p>x</p>', css: '.a{color:red}', printCss: '.a{color:black}' });
    expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">/);
    expect(page).toContain('<title>A &amp; &lt;B&gt;</title>');
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(page).toContain('@page { size: auto; margin: 12mm; }');
    expect(page).toMatch(/\.a\{color:red\}[\s\S]*@media print \{[\s\S]*\.a\{color:black\}\}<\/style>/);
    expect(page.endsWith('<body><p>x</p></body></html>\n')).toBe(true);
    expectSelfContained(page);
  });
});
