// `recoup trace --format html` in a real browser (headless Chromium through test/browser/chromium.ts): what a
// person sees equals the CSV and JSON traces, the page asks the network for nothing, nothing is cut off at the
// printed width, and it prints on exactly one page of Letter and of A4 — for the demo's MFC1002 and for the
// issue's case (a reversal, a correction, three offsets and interest, with the deposits that carried them),
// made here as four small ERAs and a bank statement in a temporary folder. UPDATE_SCREENSHOTS=1 also
// rewrites docs/trace.png.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, parseAmount } from '../../src/remit/money.js';
import { run } from '../cli/helpers.js';
import { ROOT } from '../helpers.js';
import { NO_BROWSER, pdfPages, withPage } from './chromium.js';

if (NO_BROWSER !== null) console.warn(`test/browser/trace.test.ts: browser tests skipped: ${NO_BROWSER}`);

/** No ledger or settings file from the environment. */
const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };

const cents = (text: string): number => {
  const p = parseAmount(text.replaceAll(',', ''));
  if (!p.ok) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  return p.cents;
};

/**
 * One 835 of the made-up payer HARBOR TEST HEALTH paying MAPLE FAMILY CLINIC by ACH on `date`: the header,
 * the claims and PLB given, framed with right counts. `paid` (BPR02) is Σ CLP04 − Σ PLB, worked out by the caller.
 */
function era(control: number, date: string, trace: string, paid: string, body: string[]): string {
  const d = date.replaceAll('-', '');
  const st = [
    'ST*835*0001',
    `BPR*I*${paid}*C*ACH*CCP*01*011000015*DA*123456789*1999999999**01*021000021*DA*987654321*${d}`,
    `TRN*1*${trace}*1999999999`,
    `DTM*405*${d}`,
    'N1*PR*HARBOR TEST HEALTH*XV*HTH01',
    'N1*PE*MAPLE FAMILY CLINIC*XX*1234567893',
    ...body,
  ];
  const n = String(control).padStart(9, '0');
  const segments = [
    `ISA*00*          *00*          *ZZ*HARBORTEST     *ZZ*MAPLECLINIC    *${d.slice(2)}*0900*^*00501*${n}*0*P*:`,
    `GS*HP*HARBORTEST*MAPLECLINIC*${d}*0900*${control}*X*005010X221A1`,
    ...st,
    `SE*${st.length + 1}*0001`,
    `GE*1*${control}`,
    `IEA*1*${n}`,
  ];
  return segments.join('~\n') + '~\n';
}

const DOE = 'NM1*QC*1*DOE*JANE****MI*HTM100200';
const ROE = 'NM1*QC*1*ROE*RICHARD****MI*HTM100201';

/**
 * The case, claim HX100: paid 500.00 on 05-01; on 06-03 reversed (−500.00) and corrected to 420.00
 * with 4.20 interest (AMT*I, paid by PLB L6), the 80.00 difference deferred (WO −80.00); collected by WO
 * +50.00 on 07-01 and WO +30.00 on 08-01. Each ERA is deposited the next day (a bank CSV naming its TRN).
 * Every remittance balances.
 */
function writeAppealCase(dir: string): { eras: string; bank: string } {
  const eras = join(dir, 'eras');
  mkdirSync(eras);
  const files: Record<string, string> = {
    '01-harbor-2024-05-01.835': era(301, '2024-05-01', 'HTH0501001', '500', ['LX*1', 'CLP*HX100*1*650*500*0*12*ICN5000001*11*1', DOE, 'SVC*HC:99215*650*500**1', 'CAS*CO*45*150']),
    // Σ CLP04 = −500 + 420 + 300 = 220; Σ PLB = −80 − 4.20 = −84.20; BPR02 = 304.20
    '02-harbor-2024-06-03.835': era(302, '2024-06-03', 'HTH0603002', '304.2', [
      'LX*1',
      'CLP*HX100*22*-650*-500*0*12*ICN5000001*11*1',
      DOE,
      'SVC*HC:99215*-650*-500**1',
      'CAS*CO*45*-150',
      'CLP*HX100*1*650*420*0*12*ICN5000002*11*1',
      DOE,
      'REF*F8*ICN5000001',
      'AMT*I*4.2',
      'SVC*HC:99215*650*420**1',
      'CAS*CO*45*230',
      'CLP*HX101*1*300*300*0*12*ICN5000003*11*1',
      ROE,
      'SVC*HC:99213*300*300**1',
      'PLB*1234567893*20241231*WO:ICN5000001*-80*L6:ICN5000002*-4.2',
    ]),
    '03-harbor-2024-07-01.835': era(303, '2024-07-01', 'HTH0701003', '150', ['LX*1', 'CLP*HX102*1*200*200*0*12*ICN5000004*11*1', ROE, 'SVC*HC:99213*200*200**1', 'PLB*1234567893*20241231*WO:ICN5000001*50']),
    '04-harbor-2024-08-01.835': era(304, '2024-08-01', 'HTH0801004', '70', ['LX*1', 'CLP*HX103*1*100*100*0*12*ICN5000005*11*1', ROE, 'SVC*HC:99212*100*100**1', 'PLB*1234567893*20241231*WO:ICN5000001*30']),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(eras, name), text);
  const bank = join(dir, 'operating-account-statement-2024-05-01-to-2024-08-31.csv');
  const line = (date: string, trace: string, amount: string, ref: string): string =>
    `${date},HCCLAIMPMT HARBOR TEST HEALTH TRN*1*${trace}*1999999999\\,"$${amount}",${ref}`;
  writeFileSync(
    bank,
    [
      'Date,Description,Amount,Reference',
      line('05/02/2024', 'HTH0501001', '500.00', 'EFT0502A'),
      line('06/04/2024', 'HTH0603002', '304.20', 'EFT0604A'),
      line('07/02/2024', 'HTH0701003', '150.00', 'EFT0702A'),
      line('08/02/2024', 'HTH0801004', '70.00', 'EFT0802A'),
    ].join('\n') + '\n',
  );
  return { eras, bank };
}

/** The print area both papers leave with the page's 12 mm margins (src/report/html.ts), in CSS pixels: 186 mm wide. */
const PRINT_WIDTH_PX = Math.floor((186 / 25.4) * 96);

/** Whether anything of the page would be cut off at the printed width (Chromium clips, it does not add pages, for width). */
async function overflowsPrintWidth(page: Page): Promise<boolean> {
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: PRINT_WIDTH_PX, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  // back to no emulation: page.pdf() prints with print media unless screen media is emulated
  await page.emulateMedia({ media: null });
  return overflow;
}

/** The text of each events row's amount cell, and the settlement's figures, as the browser shows them. */
async function shown(page: Page): Promise<{ amounts: string[]; netReceived: string; stillOwed: string; text: string }> {
  return {
    amounts: await page.locator('table[data-table="events"] tbody tr td[data-amount]').allInnerTexts(),
    netReceived: await page.locator('tr[data-total="net_received"] td').innerText(),
    stillOwed: await page.locator('tr[data-total="still_owed"] td').innerText(),
    text: await page.locator('body').innerText(),
  };
}

describe.skipIf(NO_BROWSER !== null)('trace --format html in Chromium', () => {
  let dir: string;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'recoup-browser-trace-')));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** `trace <claim>` of a ledger as HTML in `file`, and its CSV and JSON traces. */
  async function traced(db: string, claim: string, file: string): Promise<{ csv: Array<Record<string, string>>; json: { totals: Record<string, number> } }> {
    const html = await run(['trace', claim, '--ledger', db, '--format', 'html', '-o', file], { env: ENV });
    expect(html).toMatchObject({ exitCode: 0, stderr: '' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const csv = await run(['trace', claim, '--ledger', db, '--format', 'csv'], { env: ENV });
    const json = await run(['trace', claim, '--ledger', db, '--format', 'json'], { env: ENV });
    return { csv: parse(csv.stdout, { columns: true }) as Array<Record<string, string>>, json: JSON.parse(json.stdout) as { totals: Record<string, number> } };
  }

  it('demo MFC1002: the amounts of the CSV trace, the settlement of the JSON trace, no request, one page of Letter and of A4', async () => {
    const db = join(dir, 'demo.db');
    expect((await run(['scan', 'fixtures/demo', '--bank', 'fixtures/demo/bank', '--ledger', db, '--quiet'], { env: ENV })).exitCode).toBe(0);
    const file = join(dir, 'appeal.html');
    const { csv, json } = await traced(db, 'MFC1002', file);
    expect(csv.map((e) => e.amount)).toEqual(['180.00', '-180.00', '120.00', '-60.00', '60.00']);

    await withPage(file, async (page, requests) => {
      expect(await page.title()).toBe('Claim MFC1002 — financial summary');
      const seen = await shown(page);
      expect(seen.amounts).toEqual(csv.map((e) => formatMoney(cents(e.amount!))));
      for (const e of csv) {
        expect(seen.text).toContain(formatMoney(cents(e.amount!)));
        expect(seen.text).toContain(e.deposit!);
      }
      expect(cents(seen.netReceived)).toBe(Math.round(json.totals.net_received! * 100));
      expect(cents(seen.stillOwed)).toBe(Math.round(json.totals.still_owed! * 100));
      expect(seen.netReceived).toBe('120.00');
      expect(seen.text).toContain('SMITH, ROBERT');
      expect(await overflowsPrintWidth(page)).toBe(false);
      expect(await pdfPages(page, 'Letter')).toBe(1);
      expect(await pdfPages(page, 'A4')).toBe(1);

      if (process.env.UPDATE_SCREENSHOTS === '1') {
        await page.setViewportSize({ width: 900, height: 600 });
        await page.screenshot({ path: join(ROOT, 'docs', 'trace.png'), fullPage: true });
      }
      expect(requests).toEqual([]);
    });
  });

  it("the issue's case: a reversal, a correction, three offsets and interest, with their deposits, on one page", async () => {
    const { eras, bank } = writeAppealCase(dir);
    const db = join(dir, 'appeal.db');
    const scan = await run(['scan', eras, '--bank', bank, '--ledger', db, '--quiet', '--fail-on', 'unbalanced,warnings'], { env: ENV });
    expect(scan.stderr).toBe('');
    expect(scan.exitCode).toBe(0);
    const file = join(dir, 'HX100.html');
    const { csv, json } = await traced(db, 'HX100', file);
    expect(csv.map((e) => [e.event, e.category, e.amount, e.interest])).toEqual([
      ['payment', '', '500.00', ''],
      ['reversal', '', '-500.00', ''],
      ['correction', '', '420.00', '4.20'],
      ['offset', 'deferred_recoupment', '-80.00', ''],
      ['offset', 'interest', '-4.20', ''],
      ['offset', 'recoupment', '50.00', ''],
      ['offset', 'recoupment', '30.00', ''],
    ]);
    expect(csv.every((e) => e.deposit!.startsWith('deposited '))).toBe(true);
    expect(json.totals).toMatchObject({ net_claim_payments: 420, recouped: 80, interest: 4.2, net_received: 424.2, still_owed: 0 });

    await withPage(file, async (page, requests) => {
      const seen = await shown(page);
      expect(seen.amounts).toEqual(csv.map((e) => formatMoney(cents(e.amount!))));
      expect(await page.locator('table[data-table="events"] tbody tr td[data-interest]').allInnerTexts()).toEqual(['', '', '4.20', '', '', '', '']);
      expect(cents(seen.netReceived)).toBe(Math.round(json.totals.net_received! * 100));
      expect(cents(seen.stillOwed)).toBe(Math.round(json.totals.still_owed! * 100));
      for (const e of csv) expect(seen.text).toContain(e.deposit!);
      expect(await overflowsPrintWidth(page)).toBe(false);
      expect(await pdfPages(page, 'Letter')).toBe(1);
      expect(await pdfPages(page, 'A4')).toBe(1);
      expect(requests).toEqual([]);
    });
  });

  it('the harness sees what a page asks for, and counts pages: a page with an image address and three sheets of content', async () => {
    const file = join(dir, 'not-self-contained.html');
    writeFileSync(
      file,
      '<!DOCTYPE html><html><head><style>@page { size: auto; margin: 12mm } p { height: 200mm; margin: 0 }</style></head>' +
        '<body><img src="http://recoup.invalid/x.png" alt=""><p>one</p><p>two</p><p>three</p></body></html>',
    );
    await withPage(file, async (page, requests) => {
      expect(requests).toEqual(['http://recoup.invalid/x.png']);
      // 3 × 200 mm of paragraphs over the 255 mm (Letter) or 273 mm (A4) between margins
      expect(await pdfPages(page, 'Letter')).toBe(3);
      expect(await pdfPages(page, 'A4')).toBe(3);
    });
  });
});
