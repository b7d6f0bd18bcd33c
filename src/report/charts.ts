// The dashboard's charts (issue 15): Vega-Lite specifications compiled and rendered to SVG text in Node
// when the file is written (no browser, no canvas: vega's SVG string renderer), each with a title and a
// text alternative. See DESIGN "The dashboard" for why Vega-Lite.

import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { DashboardData, PayerMonth } from '../analysis/dashboard-data.js';
import { formatMoney } from '../remit/money.js';
import { escapeHtml } from './html.js';

export interface Chart {
  key: string;
  title: string;
  /** The text alternative: what the chart shows, in words and figures. */
  alt: string;
  /** Inline SVG, or '' when there is nothing to draw (the alt text says so). */
  svg: string;
  /** The chart's figures as an HTML table (folded), when the text alternative cannot hold them all. */
  data?: string;
}

const FONT = 'Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11, grid: true, gridColor: '#e5e7eb' },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11 },
  range: { category: ['#1f5f8b', '#d9822b', '#3a8f5b', '#b8404b', '#7a5aa6', '#8c6d46', '#c25c9e', '#6b7280', '#9aa83a', '#2aa8b8'] },
};

const dollars = (cents: number): number => cents / 100;

async function render(spec: Record<string, unknown>, title: string, alt: string): Promise<string> {
  // quiet: a warning of the charting library is not the user's business (the specs are ours)
  const logger = vega.logger(vega.None);
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: CONFIG, background: 'white', ...spec } as vl.TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  const svg = await view.toSVG();
  view.finalize();
  // a title and a description for screen readers and for people who hover
  return svg.replace(/^<svg([^>]*)>/, (_m, attrs: string) => `<svg${attrs} role="img" aria-label="${escapeHtml(alt)}"><title>${escapeHtml(title)}</title><desc>${escapeHtml(alt)}</desc>`);
}

export async function renderCharts(d: DashboardData): Promise<Chart[]> {
  const charts: Chart[] = [];

  // 1. offsets by payer by month: taken back up, returned down
  {
    const title = 'Offsets by payer and month: taken back (up) and returned (down)';
    const values = d.byPayerMonth.flatMap((p) => [
      { month: p.month, payer: p.payer, flow: 'taken back', amount: dollars(p.takenBack) },
      { month: p.month, payer: p.payer, flow: 'returned', amount: -dollars(p.returned) },
    ]);
    const most = d.byPayerMonth.reduce<PayerMonth | null>((m, p) => (m === null || p.takenBack > m.takenBack ? p : m), null);
    const alt =
      d.byPayerMonth.length === 0
        ? d.undrawn > 0
          ? `${d.undrawn} offset(s) in this period, but none whose amount and payment date could be read: nothing to draw (see the offsets report).`
          : 'No provider-level offsets in this period.'
        : `Money taken back and returned by payer, ${d.months.length} month(s) and ${new Set(d.byPayerMonth.map((p) => p.payer)).size} payer(s)` +
          (most && most.takenBack > 0 ? `; the most taken back in one month: ${most.payer}, ${most.month}, ${formatMoney(most.takenBack)}` : '') +
          '. Every figure is in the table below the chart.' +
          (d.undrawn > 0 ? ` ${d.undrawn} offset(s) whose amount or payment date could not be read are not drawn (see the offsets report).` : '');
    const svg =
      values.length === 0
        ? ''
        : await render(
            {
              // the whole row of the page: the bars share about 820 px
              width: { step: Math.max(4, Math.min(28, Math.floor(820 / Math.max(1, values.length / 2)))) },
              height: 220,
              data: { values },
              mark: { type: 'bar' },
              encoding: {
                x: { field: 'month', type: 'ordinal', title: 'Month', axis: { labelAngle: -40 } },
                xOffset: { field: 'payer', type: 'nominal' },
                y: { field: 'amount', type: 'quantitative', title: 'Dollars (taken back up, returned down)' },
                color: { field: 'payer', type: 'nominal', title: 'Payer', legend: { orient: 'bottom', columns: 3 } },
                opacity: { field: 'flow', type: 'ordinal', sort: ['taken back', 'returned'], scale: { domain: ['taken back', 'returned'], range: [1, 0.45] }, title: 'Flow', legend: { orient: 'bottom' } },
              },
            },
            title,
            alt,
          );
    const data =
      d.byPayerMonth.length === 0
        ? ''
        : `<details open><summary>The figures</summary><table data-table="offsets_by_month"><thead><tr><th>Month</th><th>Payer</th><th class="num">Taken back</th><th class="num">Returned</th></tr></thead><tbody>` +
          d.byPayerMonth.map((p) => `<tr><td>${p.month}</td><td>${escapeHtml(p.payer)}</td><td class="num">${formatMoney(p.takenBack)}</td><td class="num">${formatMoney(p.returned)}</td></tr>`).join('') +
          '</tbody></table></details>';
    charts.push({ key: 'offsets_by_month', title, alt, svg, data });
  }

  // 2. open deferred balances by payer in age buckets
  {
    const title = 'Open deferred balances by payer, by age in days';
    const values = d.openDeferred.map((o) => ({ payer: o.payer, age: o.bucket, amount: dollars(o.amount) }));
    const alt = values.length === 0 ? 'No open deferred balances.' : `Open deferred balances: ${d.openDeferred.map((o) => `${o.payer} ${o.bucket} days ${formatMoney(o.amount)}`).join('; ')}.`;
    const svg =
      values.length === 0
        ? ''
        : await render(
            {
              width: 360,
              height: { step: 26 },
              data: { values },
              mark: { type: 'bar' },
              encoding: {
                y: { field: 'payer', type: 'nominal', title: null },
                x: { field: 'amount', type: 'quantitative', title: 'Dollars still to be taken back', stack: 'zero' },
                color: { field: 'age', type: 'ordinal', title: 'Age (days)', legend: { orient: 'bottom' }, scale: { domain: ['0–30', '31–60', '61–90', '90+', 'undated'], range: ['#9ecae1', '#4292c6', '#2171b5', '#b8404b', '#9ca3af'] } },
              },
            },
            title,
            alt,
          );
    charts.push({ key: 'open_deferred', title, alt, svg });
  }

  // 3. recoupment lag distribution
  {
    const title = 'Recoupment lag: days from the original payment to the recoupment';
    const lags = [...d.lagDays].sort((a, b) => a - b);
    const half = Math.floor(lags.length / 2);
    // the median of an even count is the mean of the two middle lags (in whole or half days)
    const median = lags.length % 2 === 1 ? String(lags[half]) : String((lags[half - 1]! + lags[half]!) / 2);
    const alt = lags.length === 0 ? 'No recoupment linked to a claim, so no lag to show.' : `${lags.length} recoupment(s) linked to a claim; the shortest lag ${lags[0]} days, the median ${median}, the longest ${lags[lags.length - 1]}.`;
    const svg =
      lags.length === 0
        ? ''
        : await render(
            {
              width: 360,
              height: 180,
              data: { values: lags.map((days) => ({ days })) },
              mark: { type: 'bar' },
              encoding: {
                x: { field: 'days', type: 'quantitative', bin: { maxbins: 15 }, title: 'Days' },
                y: { aggregate: 'count', type: 'quantitative', title: 'Recoupments' },
                color: { value: '#1f5f8b' },
              },
            },
            title,
            alt,
          );
    charts.push({ key: 'lag', title, alt, svg });
  }

  // 4. the claims with the most taken back
  {
    const title = 'Claims with the most taken back';
    const values = d.topClaims.map((c) => ({ claim: c.claim, payer: c.payer, amount: dollars(c.amount) }));
    const alt = values.length === 0 ? 'No recoupment linked to a claim.' : `The claims with the most taken back: ${d.topClaims.map((c) => `${c.claim} (${c.payer}) ${formatMoney(c.amount)}`).join('; ')}.`;
    const svg =
      values.length === 0
        ? ''
        : await render(
            {
              width: 360,
              height: { step: 20 },
              data: { values },
              mark: { type: 'bar' },
              encoding: {
                y: { field: 'claim', type: 'nominal', sort: '-x', title: 'Patient account' },
                x: { field: 'amount', type: 'quantitative', title: 'Dollars taken back' },
                color: { field: 'payer', type: 'nominal', title: 'Payer', legend: { orient: 'bottom', columns: 2 } },
              },
            },
            title,
            alt,
          );
    charts.push({ key: 'top_claims', title, alt, svg });
  }
  return charts;
}
