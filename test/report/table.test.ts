// Terminal tables people can read (issue 13 §3, §6): at 80, 120 and 200 columns every line fits (display
// width, not string length), no identifier or amount is ever cut (a column that does not fit is left out
// and named under the table), codes are shown in words, signs are explained; a 50,000-row table is
// rendered whole; `recoup trace` narrows too and ends with net received and still owed.

import { Chalk } from 'chalk';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceClaim } from '../../src/analysis/claim-trace.js';
import type { ReportName, Row } from '../../src/analysis/rows.js';
import { formatMoney, parseAmount } from '../../src/remit/money.js';
import { displayWidth, renderTable } from '../../src/report/table.js';
import { renderTraceTable } from '../../src/report/trace.js';
import { scan } from '../../src/scan/scan.js';
import { openExistingLedger } from '../../src/store/open.js';
import { ROOT } from '../helpers.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const WIDTHS = [80, 120, 200] as const;
const REPORTS: ReportName[] = ['summary', 'payments', 'offsets', 'claims', 'adjustments', 'balances', 'aging'];

/**
 * Columns a terminal shows, measured independently of src/report/table.ts: colour codes take none,
 * combining marks none, CJK and fullwidth forms two, everything else ('…', '│', 'É') one.
 */
function columnsOf(line: string): number {
  let w = 0;
  // eslint-disable-next-line no-control-regex
  for (const ch of line.replace(/\x1b\[[0-9;]*m/g, '')) {
    if (/\p{M}/u.test(ch)) continue;
    w += /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\uff01-\uff60]/u.test(ch) ? 2 : 1;
  }
  return w;
}

/** The identifiers and amounts of each report, with the label of the column that shows them. */
const IDENTIFIERS: Record<ReportName, Array<[key: string, label: string]>> = {
  summary: [['payer_name', 'Payer'], ['payer_id', 'Payer id'], ['claim_payments', 'Claim payments'], ['taken_back', 'Taken back'], ['deferred', 'Deferred'], ['refunds_acknowledged', 'Refunds ack.'], ['interest', 'Interest'], ['paid', 'Paid']],
  payments: [['payment_date', 'Date'], ['trace_number', 'Trace'], ['provider_adjustments', 'Provider adj.'], ['paid', 'Paid'], ['difference', 'Difference']],
  offsets: [['payment_date', 'Date'], ['trace_number', 'Trace'], ['reference', 'Reference'], ['amount', 'Amount'], ['linked_pcn', 'Linked claim'], ['linked_icn', 'Linked ICN']],
  claims: [['trace_number', 'Trace'], ['pcn', 'Patient acct'], ['icn', 'ICN'], ['service_date', 'Service date'], ['charge', 'Charge'], ['paid', 'Paid'], ['corrects_icn', 'Corrects']],
  adjustments: [['trace_number', 'Trace'], ['pcn', 'Patient acct'], ['procedure', 'Procedure'], ['amount', 'Amount']],
  balances: [['deferred_date', 'Deferred on'], ['trace_number', 'Trace'], ['reference', 'Reference'], ['deferred', 'Deferred'], ['collected', 'Collected'], ['outstanding', 'Outstanding'], ['linked_pcn', 'Linked claim'], ['linked_icn', 'Linked ICN']],
  aging: [['payer_name', 'Payer'], ['days_0_30', '0-30'], ['days_31_60', '31-60'], ['days_61_90', '61-90'], ['days_over_90', 'Over 90'], ['total', 'Total'], ['oldest_date', 'Oldest']],
};

/** The columns every table keeps at 80 columns: what a row cannot be read without. */
const KEPT_AT_80: Record<ReportName, string[]> = {
  summary: ['payer_name', 'claim_payments', 'paid'],
  payments: ['payment_date', 'trace_number', 'paid'],
  offsets: ['payment_date', 'trace_number', 'amount'],
  claims: ['pcn', 'icn', 'paid'],
  adjustments: ['pcn', 'amount'],
  balances: ['deferred_date', 'trace_number', 'outstanding'],
  aging: ['payer_name', 'total'],
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The value as a whole cell: bounded by the line's ends, spaces, │ or the parentheses of a stacked heading. */
const wholeCell = (out: string, value: string): boolean => new RegExp(`(^|[\\s│(])${escape(value)}(?=[\\s│)]|$)`, 'm').test(out);
/** The value as the table shows it: amounts with thousands separators. */
const shownAs = (key: string, value: string): string => {
  if (/^(amount|paid|charge|claim_payments|taken_back|deferred|refunds_acknowledged|interest|provider_adjustments|difference|collected|outstanding|days_.*|total)$/.test(key)) {
    const p = parseAmount(value);
    return p.ok ? formatMoney(p.cents) : value;
  }
  return value;
};
/** The columns named as not shown by the line under a narrowed table. */
const notShown = (out: string): string[] => {
  const m = /\(narrow terminal: ([\s\S]*?) not shown;/.exec(out.replace(/\n/g, ' '));
  return m ? m[1]!.split(', ') : [];
};

/** The payer id is shown: as a column (two payers share a name, or a payer name is cut), or in the summary's stacked blocks. */
const payerIdShown = (out: string): boolean => out.includes('│ Payer id') || !out.split('\n')[1]!.includes('│');

/** Only free text is ever cut: a payer name, with the payer id beside it, and what is left is the start of a payer's name. */
function expectOnlyPayerNamesCut(out: string, rows: readonly Row[]): void {
  const lines = out.split('\n');
  const header = lines[1]!.split(' │ ').map((h) => h.trim());
  const names = rows.map((r) => r.payer_name ?? '');
  for (const line of lines.slice(2)) {
    if (!line.includes('…') || line.startsWith('(narrow')) continue;
    const stacked = !line.includes('│');
    const cells = stacked ? [line.replace(/ \([^)]*\)$/, '')] : line.split(' │ ');
    cells.forEach((cell, i) => {
      if (!cell.includes('…')) return;
      if (!stacked) {
        expect(header[i], line).toBe('Payer');
        expect(header[i + 1], line).toBe('Payer id');
      }
      const start = cell.trim().replace(/…$/, '');
      expect(names.some((n) => n.startsWith(start)), line).toBe(true);
    });
  }
}

const SETS: Array<[string, string[]]> = [
  ['fixtures/demo', [join(ROOT, 'fixtures/demo')]],
  ['fixtures/cases', [join(ROOT, 'fixtures/cases')]],
  [
    'corpus samples',
    [
      join(ROOT, 'fixtures/corpus/kputnam__stupidedi__samples__835__all.txt'),
      join(ROOT, 'fixtures/corpus/keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt'),
      join(ROOT, 'fixtures/corpus/affect-therapeutics__edi-835-parser__tests__test_edi_835_files__nevada_medicaid.txt'),
    ],
  ],
];

describe.each(SETS)('%s: every report at 80, 120 and 200 columns', (_name, paths) => {
  let reports: Partial<Record<ReportName, Row[]>>;
  beforeAll(async () => {
    reports = (await scan(paths, { reports: REPORTS, asOf: '2024-12-31' })).reports;
  });

  it.each(REPORTS.flatMap((r) => WIDTHS.map((w) => [r, w] as const)))('%s at %i: every line fits, no identifier cut', (report, width) => {
    const rows = reports[report]!;
    for (const c of [plain, colour]) {
      const out = renderTable(report, rows, c, width);
      for (const line of out.split('\n')) expect(columnsOf(line), line).toBeLessThanOrEqual(width);
    }
    const out = renderTable(report, rows, plain, width);
    const hidden = notShown(out);
    for (const [key, label] of IDENTIFIERS[report]) {
      if (label === 'Payer id' && !payerIdShown(out)) continue;
      if (hidden.includes(label)) {
        expect(width, `${label} left out at ${width}`).toBeLessThan(200);
        expect(KEPT_AT_80[report], `${label} is one of the columns kept at 80`).not.toContain(key);
        continue;
      }
      for (const row of rows) {
        const v = shownAs(key, row[key] ?? '');
        if (v !== '') expect(wholeCell(out, v), `${report}.${key} ${JSON.stringify(v)} whole at ${width}`).toBe(true);
      }
    }
    expectOnlyPayerNamesCut(out, rows);
  });

  it.each(REPORTS)('%s without a width: every column, as wide as it needs', (report) => {
    const out = renderTable(report, reports[report]!, plain);
    expect(notShown(out)).toEqual([]);
    expect(out).not.toContain('…');
    for (const [key, label] of IDENTIFIERS[report]) {
      if (label === 'Payer id' && !payerIdShown(out)) continue;
      for (const row of reports[report]!) if ((row[key] ?? '') !== '') expect(wholeCell(out, shownAs(key, row[key]!))).toBe(true);
    }
  });
});

describe('the layout', () => {
  let demo: Partial<Record<ReportName, Row[]>>;
  beforeAll(async () => {
    demo = (await scan([join(ROOT, 'fixtures/demo')], { reports: REPORTS, asOf: '2024-12-31' })).reports;
  });

  it('no rule between rows: a rule under the header and one above the Total row', () => {
    const lines = renderTable('offsets', demo.offsets!, plain).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('─'))).toHaveLength(2);
    expect(lines[2]).toMatch(/^─/);
    expect(lines[3]).toMatch(/^2024-02-12 │/);
    expect(lines[8]).toMatch(/^─/);
    expect(lines[9]).toMatch(/^Total {6}│/);
    expect(lines).toHaveLength(1 + 2 + 5 + 2 + 1); // title, header + rule, rows, rule + Total, legend
  });

  it('at 80 columns the offsets keep date, trace, category, reference, amount and linked claim, and say what is left out', () => {
    const out = renderTable('offsets', demo.offsets!, plain, 80);
    expect(out.split('\n')[1]).toBe('Date       │ Trace        │ Category    │ Reference     │ Amount │ Linked claim');
    expect(out).toContain('2024-02-12 │ ACH100100045 │ Deferred    │ 2224001000102 │ -60.00 │ MFC1002');
    expect(out).toContain('(narrow terminal: Payer, Code, Linked ICN, Linked by, Id not shown; --csv or\n--xlsx for every column)');
  });

  it('the summary stacks one block per payer (with its id) when its columns do not fit', () => {
    const out = renderTable('summary', demo.summary!, plain, 80);
    expect(out).toContain('\nACME HEALTH PLAN (ACME01)\n');
    expect(out).toContain('\nBLUE RIVER MEDICAID (BRMCD)\n');
    expect(out).toContain('\nTotal\n');
    expect(out).toMatch(/ {2}Claim payments +1,115\.00 /);
    expect(out).toMatch(/ {2}Paid +1,428\.75/);
    expect(renderTable('summary', demo.summary!, plain, 200)).toContain('ACME HEALTH PLAN    │      3 │       1,115.00 │');
  });

  it('codes in words in the table only: categories, link bases, deferral statuses', () => {
    const out = renderTable('offsets', demo.offsets!, plain);
    for (const words of ['Deferred recoupment', 'Recoupment', 'Refund acknowledged', 'Interest', 'Not linked']) expect(out).toContain(words);
    for (const id of ['deferred_recoupment', 'refund_acknowledged', ' none ']) expect(out).not.toContain(id);
    expect(renderTable('balances', demo.balances!, plain)).toContain('│ Collected │');
    // the rows themselves keep their identifiers (CSV and JSON print them)
    expect(demo.offsets!.map((o) => o.category)).toEqual(['deferred_recoupment', 'recoupment', 'refund_acknowledged', 'recoupment', 'interest']);
  });

  it('a legend for the signs under every table with amounts', () => {
    expect(renderTable('offsets', demo.offsets!, plain)).toContain('\nPositive amounts were withheld from the check; negative ones were added to it.\n');
    expect(renderTable('summary', demo.summary!, plain, 80)).toContain('\nPositive adjustments were withheld from the checks; negative ones were added to\nthem. Net taken = taken back less refunds acknowledged.\n');
    for (const r of ['payments', 'claims', 'adjustments', 'balances'] as const) expect(renderTable(r, demo[r]!, plain).trimEnd().split('\n').at(-1)).toMatch(/negative|positive/i);
  });

  it('the summary says what the payer kept: taken back net of refunds acknowledged (105.00 taken, 45.00 of it a refund: 60.00)', () => {
    const text = renderTable('summary', demo.summary!, plain);
    const header = text.split('\n')[1]!.split('│').map((c) => c.trim());
    const acme = text.split('\n').find((l) => l.startsWith('ACME HEALTH PLAN'))!.split('│').map((c) => c.trim());
    expect([acme[header.indexOf('Taken back')], acme[header.indexOf('Refunds ack.')], acme[header.indexOf('Net taken')]]).toEqual(['105.00', '-45.00', '60.00']);
  });

  it('money taken back is red, only its text (not the padding)', () => {
    expect(renderTable('offsets', demo.offsets!, colour)).toContain('│  \x1b[31m60.00\x1b[39m │');
  });

  const offset = (i: number, payer: string, id: string): Row => ({
    payment_date: '2024-03-15',
    payer_name: payer,
    payer_id: id,
    trace_number: `EFT${900000 + i}`,
    reason_code: 'WO',
    category: 'recoupment',
    reference: `ICN${7000 + i}`,
    amount: '125.00',
    linked_pcn: `P${i}`,
    linked_icn: `ICN${7000 + i}`,
    link_basis: 'icn',
    escalate: 'no',
  });

  it('two payers with the same name: the payer id is shown beside the name, at any width', () => {
    const rows = [offset(1, 'ACME', 'A1'), offset(2, 'ACME', 'A2')];
    const full = renderTable('offsets', rows, plain);
    expect(full).toContain('│ Payer │ Payer id │');
    expect(full).toContain('│ ACME  │ A1       │');
    expect(full).toContain('│ ACME  │ A2       │');
    const summary: Row[] = ['A1', 'A2'].map((id) => ({ payer_name: 'ACME', payer_id: id, checks: '1', claim_payments: '10.00', taken_back: '0.00', deferred: '0.00', refunds_acknowledged: '0.00', interest: '0.00', penalties: '0.00', withholding: '0.00', other: '0.00', paid: '10.00', unbalanced: '0', unlinked_recoupments: '0' }));
    expect(renderTable('summary', summary, plain)).toContain('ACME  │ A1       │');
    const stacked = renderTable('summary', summary, plain, 80);
    expect(stacked).toContain('\nACME (A1)\n');
    expect(stacked).toContain('\nACME (A2)\n');
    // one payer with one name: no id column
    expect(renderTable('offsets', [offset(1, 'ACME', 'A1'), offset(2, 'ACME', 'A1')], plain)).not.toContain('Payer id');
  });

  it('a payer name is cut only with its payer id beside it; wide characters count two columns', () => {
    const rows = [offset(1, 'UNITEDHEALTHCARE COMMUNITY PLAN OF TEXAS', '87726'), offset(2, 'BCBS ÉTAT DU QUÉBEC 日本', 'BCBSQ')];
    const out = renderTable('offsets', rows, plain, 100);
    for (const line of out.split('\n')) expect(columnsOf(line)).toBeLessThanOrEqual(100);
    expect(out).toContain('│ Payer id │');
    expect(out).toMatch(/│ UNITEDHEALTHC[A-Z ]*… │ 87726 {4}│/);
    expect(out).toMatch(/│ BCBS ÉTAT DU[A-Z ]*… *│ BCBSQ {4}│/);
    const wide = renderTable('offsets', rows, plain, 200);
    expect(wide).toContain('│ UNITEDHEALTHCARE COMMUNITY PLAN OF TEXAS │');
    expect(wide).toContain('│ BCBS ÉTAT DU QUÉBEC 日本                 │'); // 日本 takes four columns: two fewer spaces
    expect(wide).not.toContain('Payer id');
  });

  it('control characters from a file never reach the terminal', () => {
    const out = renderTable('offsets', [offset(1, 'EVIL\x1b]0;title\x07 PAYER', 'E1')], colour);
    expect(out).not.toContain('\x1b]');
    expect(out).not.toContain('\x07');
    expect(out).toContain('EVIL\ufffd]0;title\ufffd PAYER');
  });

  it('display width: what the terminal shows', () => {
    expect(displayWidth('…│─')).toBe(3);
    expect(displayWidth('QUÉBEC')).toBe(6);
    expect(displayWidth('QUE\u0301BEC')).toBe(6);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('\x1b[31m60.00\x1b[39m')).toBe(5);
  });
});

describe('a 50,000-row offsets table', () => {
  const rows: Row[] = [];
  for (let i = 0; i < 50_000; i++) {
    rows.push({
      payment_date: '2024-03-15',
      payer_name: i % 3 ? 'ACME HEALTH PLAN' : 'BLUE RIVER MEDICAID',
      payer_id: i % 3 ? 'ACME01' : 'BRMCD',
      trace_number: `ACH${100100000 + (i % 997)}`,
      reason_code: i % 2 ? 'WO' : '72',
      category: i % 2 ? 'recoupment' : 'refund_acknowledged',
      reference: String(2224001000000 + i),
      amount: `${i % 2 ? '' : '-'}${(i % 9000) + 1}.25`,
      linked_pcn: `MFC${1000 + i}`,
      linked_icn: String(2224001000000 + i),
      link_basis: 'icn',
      escalate: 'no',
    });
  }

  it.each([[undefined], [80]])('is rendered whole (width %s): every row, the total, the legend', (width) => {
    const out = renderTable('offsets', rows, colour, width);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('\x1b[1mProvider-level offsets (PLB)\x1b[22m  \x1b[2m50000 rows\x1b[22m');
    expect(lines.filter((l) => l.startsWith('2024-03-15 │'))).toHaveLength(50_000);
    expect(out).toContain(String(2224001000000 + 49_999));
    const total = rows.reduce((t, r) => t + (parseAmount(r.amount!) as { cents: number }).cents, 0);
    expect(lines.find((l) => l.includes('Total'))).toContain(`\x1b[1m${formatMoney(total)}\x1b[22m`);
    if (width !== undefined) for (const l of lines) expect(columnsOf(l)).toBeLessThanOrEqual(width);
  });
});

describe('recoup trace as a table', () => {
  let db: string;
  let early: string;
  beforeAll(async () => {
    db = join(mkdtempSync(join(tmpdir(), 'recoup-table-')), 'l.db');
    await scan([join(ROOT, 'fixtures/demo')], { reports: [], ledger: db });
    // only the first three files: the deferral of MFC1002 is not collected yet
    early = join(mkdtempSync(join(tmpdir(), 'recoup-table-')), 'l.db');
    await scan(['01-acme-2024-01-05.835', '02-blueriver-2024-01-08.835', '03-acme-2024-02-12.835'].map((f) => join(ROOT, 'fixtures/demo', f)), { reports: [], ledger: early });
  });
  const trace = (path: string, id: string) => {
    const ledger = openExistingLedger(path);
    try {
      return traceClaim(ledger, id, '2024-12-31');
    } finally {
      ledger.close();
    }
  };

  it.each(WIDTHS)('at %i: every line fits, every identifier and amount shown is whole', (width) => {
    for (const id of ['MFC1002', 'MFC1003', '2224001000102']) {
      const t = trace(db, id);
      for (const c of [plain, colour]) for (const line of renderTraceTable(t, c, width).split('\n')) expect(columnsOf(line), line).toBeLessThanOrEqual(width);
      const out = renderTraceTable(t, plain, width);
      const hidden = notShown(out);
      const keys: Array<[string, string]> = [['date', 'Date'], ['trace_number', 'Trace'], ['pcn', 'Patient acct'], ['icn', 'ICN'], ['reference', 'Reference'], ['amount', 'Amount']];
      for (const [key, label] of keys) {
        if (hidden.includes(label)) continue;
        for (const e of t.events) if ((e[key] ?? '') !== '') expect(wholeCell(out, shownAs(key, e[key]!)), `${key} ${e[key]} at ${width}`).toBe(true);
      }
      expect(hidden).not.toContain('Trace');
      expect(hidden).not.toContain('ICN');
      expect(out).not.toContain('…');
    }
  });

  it('events in words; ends with net received and still owed', () => {
    const out = renderTraceTable(trace(db, 'MFC1002'), plain);
    expect(out).toContain('│ Deferred recoupment │');
    expect(out).toContain('│ Reversal            │');
    expect(out).not.toContain('deferred_recoupment');
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('Net claim payments 120.00   recouped 60.00   refunds acknowledged 0.00   interest 0.00   deferred still outstanding 0.00');
    expect(lines.at(-1)).toBe('Net received 120.00 (claim payments and interest, less what offsets took back)   Still owed 0.00 (deferred, not yet taken back)');
  });

  it('net received: the 835 payments net of reversals, plus interest, less what offsets took back; still owed: the deferral not yet taken', () => {
    // paid 180, reversed, corrected to 120; 60 deferred (added back to the check) then recouped: 120 kept
    expect(trace(db, 'MFC1002').settlement).toEqual({ netReceived: 12000, stillOwed: 0 });
    // paid 145; 45 recouped; the 72 gives back on the check the 45 refund the office had mailed: 100 kept
    expect(trace(db, 'MFC1003').settlement).toEqual({ netReceived: 10000, stillOwed: 0 });
    // before the recoupment: 180 received so far, 60 still owed (180 − 60 = the 120 the claim comes to)
    expect(trace(early, 'MFC1002').settlement).toEqual({ netReceived: 18000, stillOwed: 6000 });
    const out = renderTraceTable(trace(early, 'MFC1002'), plain, 80);
    expect(out.trimEnd().split('\n').slice(-2)).toEqual(['Net received 180.00 (claim payments and interest, less what offsets took back)', 'Still owed 60.00 (deferred, not yet taken back)']);
  });
});
