// The one-file HTML dashboard (issue 15): KPI tiles with their definitions, the charts as inline SVG, the
// escalation and suspense tables — self-contained (no network, no script), printable. Built from
// DashboardData (src/analysis/dashboard-data.ts); never shows patient names.

import type { DashboardData, Kpi } from '../analysis/dashboard-data.js';
import type { Row } from '../analysis/rows.js';
import { formatMoney, parseAmount } from '../remit/money.js';
import { type Chart, renderCharts } from './charts.js';
import { escapeHtml, htmlPage } from './html.js';

export interface DashboardMeta {
  /** Where the figures come from: the ledger's path, or the files scanned. */
  source: string;
  /** The payment dates covered, in words ("2024-01-01 to 2024-03-31", "all dates"). */
  period: string;
  /** The payer filter, if any. */
  payer?: string | undefined;
  /** The day the file was written (YYYY-MM-DD). */
  generated: string;
  /** The day open balances are aged to. */
  asOf?: string | undefined;
}

/** A KPI's value for people: money, a percentage, days, a count; "unknown" when it could not be computed. */
export function kpiText(k: Kpi): string {
  if (k.value === null) return 'unknown';
  switch (k.unit) {
    case 'money':
      return formatMoney(k.value);
    case 'percent':
      return `${(k.value / 100).toFixed(2)} %`;
    case 'days':
      return `${(k.value / 10).toFixed(1)} days`;
    case 'count':
      return String(k.value);
  }
}

const CSS = `
body { font: 14px/1.4 Helvetica, Arial, sans-serif; color: #111827; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #4b5563; margin: 0 0 16px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.kpi { border: 1px solid #d1d5db; border-radius: 6px; padding: 10px 12px; }
.kpi.alert { border-color: #b8404b; background: #fdf2f3; }
.kpi .label { font-size: 12px; color: #4b5563; }
.kpi .value { font-size: 22px; font-weight: bold; margin: 2px 0; font-variant-numeric: tabular-nums; }
.kpi .detail { font-size: 12px; color: #4b5563; }
.kpi .def { font-size: 11px; color: #6b7280; margin: 6px 0 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px; overflow-x: auto; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: bold; font-size: 13px; margin-bottom: 6px; }
details summary { font-size: 12px; color: #1f5f8b; cursor: pointer; }
.alt { font-size: 12px; color: #4b5563; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.empty { color: #4b5563; font-style: italic; }
`;

const PRINT_CSS = `
body { margin: 0; font-size: 11px; }
.kpis { grid-template-columns: repeat(4, 1fr); }
.charts { grid-template-columns: 1fr 1fr; }
figure, .kpi, tr { break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
svg { max-width: 100%; height: auto; }
`;

function kpiTile(k: Kpi): string {
  return (
    `<div class="kpi${k.alert ? ' alert' : ''}" data-kpi="${k.key}" title="${escapeHtml(k.definition)}">` +
    `<div class="label">${escapeHtml(k.label)}</div>` +
    `<div class="value">${escapeHtml(kpiText(k))}</div>` +
    (k.detail ? `<div class="detail">${escapeHtml(k.detail)}</div>` : '') +
    `<p class="def">${escapeHtml(k.definition)}</p></div>`
  );
}

function chartFigure(c: Chart): string {
  const body = c.svg === '' ? `<p class="empty">${escapeHtml(c.alt)}</p>` : `${c.svg}<p class="alt">${escapeHtml(c.alt)}</p>${c.data ?? ''}`;
  return `<figure data-chart="${c.key}"${c.key === 'offsets_by_month' ? ' class="wide"' : ''}><figcaption>${escapeHtml(c.title)}</figcaption>${body}</figure>`;
}

/** How an offset was linked, in words (the CSV keeps the identifier). */
const LINKED_BY: Readonly<Record<string, string>> = {
  icn: 'payer claim number',
  pcn: 'patient account',
  icn_suffix: 'claim number (FCN)',
  medicare_layout: 'Medicare reference',
  original_reference: 'original claim (REF*F8)',
  deferred_pair: 'earlier deferral',
  trace_number: 'check trace number',
  ambiguous: 'ambiguous',
  none: 'not linked',
};

const money = (text: string | undefined): string => {
  const p = parseAmount(text ?? '');
  return text === undefined || text === '' || !p.ok ? 'unknown' : formatMoney(p.cents);
};

/** An offsets table: where each offset is (file, check), what it is, and the claim it was linked to — no patient names. */
function offsetsTable(key: string, rows: readonly Row[], empty: string): string {
  if (rows.length === 0) return `<p class="empty" data-table="${key}">${escapeHtml(empty)}</p>`;
  const head = ['Date', 'Payer', 'File', 'Check / EFT', 'Code', 'Category', 'Reference', 'Amount', 'Linked claim', 'Linked by', 'Review'];
  const cells = (r: Row): string[] => [
    escapeHtml(r.payment_date ?? ''),
    escapeHtml(r.payer_name ?? ''),
    escapeHtml(r.file ?? ''),
    escapeHtml(r.trace_number ?? ''),
    escapeHtml(r.reason_code ?? ''),
    escapeHtml((r.category ?? '').replaceAll('_', ' ')),
    escapeHtml(r.reference ?? ''),
    escapeHtml(money(r.amount)),
    escapeHtml(r.linked_pcn || r.linked_icn || (r.linked_trace_number ? `check ${r.linked_trace_number}` : '')),
    escapeHtml(LINKED_BY[r.link_basis ?? ''] ?? r.link_basis ?? ''),
    // the decision recorded with recoup review, and its id (empty without a ledger)
    escapeHtml([r.review_status ?? '', r.offset_id ?? ''].filter((x) => x !== '').join(' · ')),
  ];
  return (
    `<table data-table="${key}"><thead><tr>${head.map((h, i) => `<th${i === 7 ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${cells(r).map((c, i) => `<td${i === 7 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

export async function renderDashboard(d: DashboardData, meta: DashboardMeta): Promise<string> {
  const charts = await renderCharts(d);
  const body =
    `<h1>Recoupments and offsets</h1>` +
    `<p class="meta">${escapeHtml(meta.period)}${meta.payer ? ` · payer ${escapeHtml(meta.payer)}` : ''}${meta.asOf ? ` · balances as of ${escapeHtml(meta.asOf)}` : ''} · ${d.payers.length} payer${d.payers.length === 1 ? '' : 's'} · from ${escapeHtml(meta.source)} · written ${escapeHtml(meta.generated)} by recoup</p>` +
    `<section class="kpis" aria-label="Key figures">${d.kpis.map(kpiTile).join('')}</section>` +
    `<h2>Trends</h2><section class="charts">${charts.map(chartFigure).join('')}</section>` +
    `<h2>Escalations (${d.escalations.length})</h2>${offsetsTable('escalations', d.escalations, 'No offset over the escalation threshold (or no threshold given: --escalate-over).')}` +
    `<h2>Suspense list: recoupments linked to no single claim (${d.suspense.length})</h2>${offsetsTable('suspense', d.suspense, d.recoupmentsAndDeferrals === 0 ? 'No recoupment or deferral in this period.' : 'Every recoupment and deferral is linked to its claim.')}`;
  return htmlPage({ title: `recoup dashboard — ${meta.period}`, body, css: CSS, printCss: PRINT_CSS });
}
