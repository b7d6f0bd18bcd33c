// The dashboard in a real browser (issue 15): what a person sees — the KPI values the summary report
// gives, a drawn mark for every payer and month, the escalation and suspense tables — with no network
// request; and it prints. Headless Chromium through playwright-core (test/browser/chromium.ts); skipped,
// with the reason shown, where there is no Chromium.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatMoney, parseAmount } from '../../src/remit/money.js';
import { ROOT } from '../helpers.js';
import { run } from '../cli/helpers.js';
import { NO_BROWSER, pdfPages, withPage } from './chromium.js';

type Rec = Record<string, string>;
const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };
const cents = (t: string): number => {
  const p = parseAmount(t);
  if (!p.ok) throw new Error(`not an amount: ${t}`);
  return p.cents;
};

if (NO_BROWSER !== null) console.warn(NO_BROWSER);

describe.skipIf(NO_BROWSER !== null)('the dashboard in Chromium', () => {
  it('shows the summary figures to the cent, a bar for every payer and month, the escalations; fetches nothing; prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-browser-dashboard-'));
    const db = join(dir, 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--bank', 'fixtures/demo/bank', '--ledger', db, '--quiet', '--csv'], { env: ENV })).exitCode).toBe(0);
    const args = ['--escalate-over', '50', '--as-of', '2024-04-30'];
    const out = join(dir, 'dashboard.html');
    expect((await run(['report', 'dashboard', '--ledger', db, '-o', out, '--quiet', ...args], { env: ENV })).exitCode).toBe(0);
    const summary = parse((await run(['report', 'summary', '--ledger', db, '--csv', '--quiet', ...args], { env: ENV })).stdout, { columns: true }) as Rec[];
    const offsets = parse((await run(['report', 'offsets', '--ledger', db, '--csv', '--quiet', ...args], { env: ENV })).stdout, { columns: true }) as Rec[];
    const total = (key: string): number => summary.reduce((t, r) => t + cents(r[key]!), 0);

    await withPage(out, async (page, requests) => {
      const tile = (key: string): Promise<string> => page.locator(`[data-kpi="${key}"] .value`).innerText();
      expect(await tile('offset_rate')).toBe(`${(Math.round((total('taken_back') * 10000) / total('gross_claim_payments')) / 100).toFixed(2)} %`);
      expect(await tile('net_cash_impact')).toBe(formatMoney(total('net_cash_impact')));
      expect(await tile('unlinked')).toBe(formatMoney(total('unlinked_recoupments_amount')));
      expect(await tile('deposits_matched')).toBe('1,118.25');
      // a drawn bar (with its size on the page) for every payer and month with an offset
      const bars = await page.locator('[data-chart="offsets_by_month"] svg [aria-label^="Month: "]').evaluateAll((els) =>
        els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', height: (e as SVGGraphicsElement).getBoundingClientRect().height })),
      );
      for (const month of ['2024-02', '2024-03']) {
        const drawn = bars.filter((b) => b.label.startsWith(`Month: ${month};`) && b.label.includes('payer: ACME HEALTH PLAN;') && b.height > 0);
        expect(drawn.length, month).toBeGreaterThan(0);
      }
      const rows = await page.locator('table[data-table="escalations"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(rows.map((r) => [r[3], r[6], r[7]])).toEqual(offsets.filter((o) => o.escalate === 'yes').map((o) => [o.trace_number, o.reference, formatMoney(cents(o.amount!))]));
      expect(await page.locator('[data-table="suspense"]').innerText()).toBe('Every recoupment and deferral is linked to its claim.');
      expect(requests).toEqual([]);
      expect(await pdfPages(page, 'A4')).toBeGreaterThan(0);
      if (process.env.UPDATE_SCREENSHOTS) {
        await page.setViewportSize({ width: 1200, height: 900 });
        await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: true });
      }
    });
    expect(readFileSync(out, 'utf8')).toContain('<!DOCTYPE html>');
    rmSync(dir, { recursive: true, force: true });
  });
});
