// recoup trace with amounts that could not be read (REMIT_BAD_AMOUNT): the event's amount, every total
// over it and what the claim came to are unknown — in the table, CSV, JSON and the appeal page — never a
// 0.00 that reads as "nothing" (review finding of issue 15).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };

async function ledger(): Promise<{ dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-trace-unknown-'));
  writeFileSync(join(dir, '01.835'), readFileSync('fixtures/demo/01-acme-2024-01-05.835', 'utf8').replace('CLP*MFC1001*1*250*200', 'CLP*MFC1001*1*250*2X0'));
  writeFileSync(join(dir, '04.835'), readFileSync('fixtures/demo/04-acme-2024-03-15.835', 'utf8').replace('WO:2224001000103*45', 'WO:2224001000103*4S'));
  const db = join(dir, 'l.db');
  expect((await run(['scan', dir, '--ledger', db, '--quiet', '--csv'], { env: ENV })).exitCode).toBe(1);
  return { dir, db };
}

describe('trace with an unreadable amount', () => {
  it('a claim payment (CLP04) that could not be read: empty in CSV, null in JSON, unknown in the table and on the page', async () => {
    const { dir, db } = await ledger();
    const csv = await run(['trace', 'MFC1001', '--ledger', db, '--format', 'csv'], { env: ENV });
    expect(csv.stdout.split('\n')[1]).toBe(`2024-01-05,payment,ACH100100001,${join(dir, '01.835')},MFC1001,2224001000101,1,,,,,,,`);
    const json = JSON.parse((await run(['trace', 'MFC1001', '--ledger', db, '--format', 'json'], { env: ENV })).stdout) as { events: Array<{ amount: unknown }>; totals: Record<string, unknown> };
    expect(json.events[0]!.amount).toBeNull();
    expect(json.totals).toMatchObject({ net_claim_payments: null, net_received: null, still_owed: 0 });
    const table = (await run(['trace', 'MFC1001', '--ledger', db], { env: ENV })).stdout;
    expect(table).toContain('Net claim payments unknown');
    expect(table).toContain('Net received unknown');
    const page = join(dir, 'a.html');
    expect((await run(['trace', 'MFC1001', '--ledger', db, '--format', 'html', '-o', page], { env: ENV })).exitCode).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/data-total="net_claim_payments"><th>[^<]*<\/th><td class="num">unknown<\/td>/);
    expect(html).toMatch(/data-amount[^>]*>unknown</);
    expect(html).toMatch(/data-total="net_received"><th>[^]*?<\/th><td class="num">unknown<\/td>/);
  });

  it('an offset (WO) whose amount could not be read: recouped, deferred still outstanding, net received and still owed unknown', async () => {
    const { db } = await ledger();
    const json = JSON.parse((await run(['trace', 'MFC1003', '--ledger', db, '--format', 'json'], { env: ENV })).stdout) as { totals: Record<string, unknown> };
    expect(json.totals).toMatchObject({ net_claim_payments: 145, recouped: null, refunds_acknowledged: -45, deferred_outstanding: null, net_received: null, still_owed: null });
  });
});
