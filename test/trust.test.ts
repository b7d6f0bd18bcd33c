// Issue #11 §2–§4 through the whole scan: a balance is "unknown" when an amount could not be read, the
// same remittance read twice is counted once (in a run and in the ledger, by one rule), and links a person
// would make (a chain of corrections, an FB naming its own check) are made.

import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteLedger as Ledger } from '../src/store/sqlite.js';
import { scan } from '../src/scan/scan.js';
import { ROOT } from './helpers.js';
import type { RemittanceSnapshot } from '../src/store/store.js';

/** Report data for a remittance recorded by hand (its content is not what these tests look at). */
const SNAPSHOT: RemittanceSnapshot = {
  head: { file: 'b.835', transactionControl: '0001', payer: { name: 'PAYER', id: 'P', additionalId: '' }, trace: { number: 'T', payerId: '' }, payment: { date: null }, productionDate: null },
  figures: { paid: 0, grossClaimPaid: 0, claimPaid: 0, claimsPaid: 0, providerAdjustments: 0, byCategory: {}, unknown: [], balanced: true },
  paymentRow: {},
};

const DEMO = join(ROOT, 'fixtures', 'demo');
const demo4 = join(DEMO, '04-acme-2024-03-15.835');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'recoup-trust-'));
}

interface EraClaim {
  pcn: string;
  status?: string;
  charge: string;
  paid: string;
  icn: string;
  f8?: string;
}

/** A small well-formed 835 (one ISA, one ST) with the given claims and PLB pairs. */
function era(o: { control: string; trace: string; date: string; paid: string; claims: EraClaim[]; plb?: string[]; payer?: string }): string {
  const segs: string[] = [
    `ST*835*${o.control}`,
    `BPR*I*${o.paid}*C*ACH*CCP***********${o.date}`,
    `TRN*1*${o.trace}*1999999999`,
    `N1*PR*${o.payer ?? 'CHAIN HEALTH'}*XV*CHAIN01`,
    'N1*PE*MAPLE FAMILY CLINIC*XX*1234567893',
    'LX*1',
  ];
  for (const c of o.claims) {
    segs.push(`CLP*${c.pcn}*${c.status ?? '1'}*${c.charge}*${c.paid}**12*${c.icn}*11*1`);
    if (c.f8) segs.push(`REF*F8*${c.f8}`);
    if (c.charge !== c.paid) segs.push(`CAS*CO*45*${(Number(c.charge) - Number(c.paid)).toFixed(2)}`);
  }
  for (const p of o.plb ?? []) segs.push(`PLB*1234567893*20241231*${p}`);
  segs.push(`SE*${segs.length + 1}*${o.control}`);
  const isa = `ISA*00*          *00*          *ZZ*CHAIN          *ZZ*MAPLE          *${o.date.slice(2)}*1200*^*00501*${o.control.padStart(9, '0')}*0*P*:`;
  return [isa, `GS*HP*CHAIN*MAPLE*${o.date}*1200*${o.control}*X*005010X221A1`, ...segs, `GE*1*${o.control}`, `IEA*1*${o.control.padStart(9, '0')}`].map((s) => s + '~').join('\n') + '\n';
}

describe('a balance is unknown when an amount could not be read (§2)', () => {
  it('BPR02 "NOT" and an empty CLP04: unknown, no difference shown, not counted balanced', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.835');
    writeFileSync(file, era({ control: '1', trace: 'T1', date: '20240105', paid: 'NOT', claims: [{ pcn: 'A1', charge: '100', paid: '', icn: 'I1' }] }));
    const r = await scan([file], { reports: ['payments', 'claims', 'summary'] });
    // the amounts that could not be read are shown as unknown, not as the 0.00 they were counted as
    expect(r.reports.payments!.map((p) => [p.balanced, p.difference, p.paid])).toEqual([['unknown', '', '']]);
    expect(r.reports.claims!.map((c) => [c.balanced, c.charge, c.paid])).toEqual([['unknown', '100.00', '']]);
    expect(r.stats).toMatchObject({ remittances: 1, balancedRemittances: 0, unbalancedRemittances: 0, unknownBalanceRemittances: 1, balanceFailures: 2, errors: 2 });
    expect(r.reports.summary![0]!.unbalanced).toBe('1');
    // the payer's totals that take in an unreadable amount are unknown too, not 0.00
    expect([r.reports.summary![0]!.paid, r.reports.summary![0]!.claim_payments, r.reports.summary![0]!.provider_adjustments]).toEqual(['', '', '0.00']);
  });

  it('the terminal table says "unknown" for such an amount and for the total over it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.835'), era({ control: '4', trace: 'T4', date: '20240105', paid: 'NOT', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'I1' }] }));
    writeFileSync(join(dir, 'good.835'), era({ control: '5', trace: 'T5', date: '20240106', paid: '50', claims: [{ pcn: 'A2', charge: '50', paid: '50', icn: 'I2' }] }));
    const { Chalk } = await import('chalk');
    const { renderTable } = await import('../src/report/table.js');
    const r = await scan([dir], { reports: ['payments'] });
    const text = renderTable('payments', r.reports.payments!, new Chalk({ level: 0 }));
    const cells = (l: string): string[] => l.split('│').map((c) => c.trim());
    const lines = text.split('\n');
    const header = cells(lines.find((l) => l.includes('Paid'))!);
    const [paid, difference] = [header.indexOf('Paid'), header.indexOf('Difference')];
    const shown = lines.filter((l) => /T4|T5|Total/.test(l)).map((l) => [cells(l)[paid], cells(l)[difference]]);
    expect(shown).toEqual([
      ['unknown', 'unknown'],
      ['50.00', '0.00'],
      ['unknown', ''],
    ]);
  });

  it('a PLB amount that could not be read is an unknown offset amount, and the remittance balance unknown', async () => {
    const dir = tmp();
    const file = join(dir, 'badplb.835');
    writeFileSync(file, era({ control: '3', trace: 'T3', date: '20240105', paid: '90', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'I1' }], plb: ['WO:ICN77*1O'] }));
    const r = await scan([file], { reports: ['offsets', 'payments'] });
    expect(r.reports.offsets!.map((o) => [o.reason_code, o.reference, o.amount])).toEqual([['WO', 'ICN77', '']]);
    expect(r.reports.payments!.map((p) => [p.balanced, p.paid])).toEqual([['unknown', '90.00']]);
  });

  it('an unreadable CAS amount: its adjustment row, the claim\'s adjustment sum and its balance are unknown', async () => {
    const dir = tmp();
    const file = join(dir, 'badcas.835');
    writeFileSync(file, readFileSync(join(DEMO, '01-acme-2024-01-05.835'), 'latin1').replace('CAS*CO*45*20~', 'CAS*CO*45*2O~'));
    const r = await scan([file], { reports: ['claims', 'adjustments'] });
    expect(r.reports.adjustments!.map((a) => [a.pcn, a.reason_code, a.amount])).toEqual([
      ['MFC1001', '45', ''],
      ['MFC1001', '2', '30.00'],
      ['MFC1003', '45', '155.00'],
    ]);
    expect(r.reports.claims!.map((c) => [c.pcn, c.service_adjustments, c.balanced])).toEqual([
      ['MFC1001', '', 'unknown'],
      ['MFC1002', '0.00', 'yes'],
      ['MFC1003', '155.00', 'yes'],
    ]);
  });

  it('an 835 with no BPR is not reported balanced', async () => {
    const dir = tmp();
    const file = join(dir, 'nobpr.835');
    writeFileSync(file, era({ control: '2', trace: 'T2', date: '20240105', paid: '0', claims: [] }).replace(/BPR\*[^~]*~\n/, ''));
    const r = await scan([file], { reports: ['payments'] });
    expect(r.reports.payments!.map((p) => p.balanced)).toEqual(['unknown']);
    expect(r.diagnostics.map((d) => d.code)).toContain('REMIT_MISSING_SEGMENT');
  });
});

describe('the same remittance read twice is counted once (§3)', () => {
  it('an ERA dropped twice in the inbox: one REMIT_DUPLICATE naming both files, totals as if read once', async () => {
    const dir = tmp();
    copyFileSync(demo4, join(dir, '04-acme.835'));
    copyFileSync(demo4, join(dir, '04-acme (1).835'));
    const once = await scan([demo4], { reports: ['summary', 'payments', 'offsets', 'claims'] });
    const twice = await scan([dir], { reports: ['summary', 'payments', 'offsets', 'claims'] });
    const dup = twice.diagnostics.filter((d) => d.code === 'REMIT_DUPLICATE');
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ file: join(dir, '04-acme.835'), segment: 3, byteOffset: 168, severity: 'warning' });
    expect(dup[0]!.message).toContain(join(dir, '04-acme (1).835'));
    expect(twice.stats).toMatchObject({ remittances: 1, duplicateRemittances: 1, claims: 1, offsets: 4 });
    const strip = (rows: Record<string, string>[]): unknown[] => rows.map(({ file, linked_file, ...rest }) => rest);
    expect(strip(twice.reports.summary!)).toEqual(strip(once.reports.summary!));
    expect(strip(twice.reports.offsets!)).toEqual(strip(once.reports.offsets!));
    expect(twice.reports.claims).toHaveLength(1);
  });

  it('one interchange repeated inside a file, and the same path given twice, are read once', async () => {
    const dir = tmp();
    const doubled = join(dir, 'doubled.835');
    writeFileSync(doubled, Buffer.concat([readFileSync(demo4), readFileSync(demo4)]));
    const r = await scan([doubled, doubled, join(dir, '.', 'doubled.835')], { reports: ['payments'] });
    expect(r.stats).toMatchObject({ files: 1, remittances: 1, duplicateRemittances: 1 });
    expect(r.reports.payments!.map((p) => p.paid)).toEqual(['343.25']);
  });

  it('the same payer and trace with another amount is a reissue: both counted, and said', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.835'), era({ control: '11', trace: 'CHK77', date: '20240105', paid: '100', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'I1' }] }));
    writeFileSync(join(dir, 'b.835'), era({ control: '12', trace: 'CHK77', date: '20240105', paid: '80', claims: [{ pcn: 'A1', charge: '100', paid: '80', icn: 'I1' }] }));
    const r = await scan([dir], { reports: ['payments'] });
    expect(r.reports.payments!.map((p) => p.paid)).toEqual(['100.00', '80.00']);
    expect(r.diagnostics.filter((d) => d.code === 'REMIT_TRACE_REUSED').map((d) => [d.file, d.segment])).toEqual([[join(dir, 'b.835'), 3]]);
    expect(r.stats.duplicateRemittances).toBe(0);
  });

  it('the same payer, trace, amount and date with other claims is not merged: both counted, its claims kept', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.835'), era({ control: '21', trace: 'SPLIT1', date: '20240105', paid: '100', claims: [{ pcn: 'A1', charge: '60', paid: '60', icn: 'I1' }] }));
    writeFileSync(join(dir, 'b.835'), era({ control: '22', trace: 'SPLIT1', date: '20240105', paid: '100', claims: [{ pcn: 'B1', charge: '40', paid: '40', icn: 'I2' }] }));
    const r = await scan([dir], { reports: ['payments', 'claims'] });
    expect(r.reports.claims!.map((c) => c.pcn)).toEqual(['A1', 'B1']);
    expect(r.reports.payments).toHaveLength(2);
    expect(r.stats).toMatchObject({ remittances: 2, duplicateRemittances: 0, claims: 2 });
    expect(r.diagnostics.filter((d) => d.code === 'REMIT_TRACE_REUSED').map((d) => d.file)).toEqual([join(dir, 'b.835')]);
  });

  it('one check split over two transactions, re-sent: each part is a duplicate of its own first read', async () => {
    const dir = tmp();
    const part = (control: string, pcn: string, icn: string): string => era({ control, trace: 'SPL9', date: '20240105', paid: '100', claims: [{ pcn, charge: '50', paid: '50', icn }] });
    const split = part('51', 'P1', 'ICN51') + part('52', 'P2', 'ICN52');
    writeFileSync(join(dir, 'a.835'), split);
    writeFileSync(join(dir, 'b.835'), split);
    const r = await scan([join(dir, 'a.835'), join(dir, 'b.835')], { reports: ['claims'] });
    expect(r.stats).toMatchObject({ remittances: 2, duplicateRemittances: 2, claims: 2 });
    expect(r.reports.claims!.map((c) => c.pcn)).toEqual(['P1', 'P2']);
    // and with a ledger, the second part (same payment, other claims) is recorded with its claims
    const db = join(dir, 'l.db');
    await scan([join(dir, 'a.835')], { reports: ['claims'], ledger: db });
    const l = Ledger.open(db);
    expect(l.counts()).toMatchObject({ remittances: 2, claims: 2 });
    expect(l.claimsByPcn('P2').map((c) => c.icn)).toEqual(['ICN52']);
    l.close();
  });

  it('a copy cut short (no SE) of a payment already read is not counted again', async () => {
    const dir = tmp();
    const full = readFileSync(demo4, 'latin1');
    writeFileSync(join(dir, 'a-cut.835'), full.slice(0, full.indexOf('PLB')));
    const r = await scan([demo4, join(dir, 'a-cut.835')], { reports: ['payments', 'claims'] });
    expect(r.stats).toMatchObject({ remittances: 1, duplicateRemittances: 1, claims: 1 });
    expect(r.reports.payments!.map((p) => p.file)).toEqual([demo4]);
  });

  it('a reissue that only corrects a claim number (same counts and totals) is not taken for a re-send', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.835'), era({ control: '61', trace: 'FIX1', date: '20240105', paid: '100', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'ICNWRONG1' }] }));
    writeFileSync(join(dir, 'b.835'), era({ control: '61', trace: 'FIX1', date: '20240105', paid: '100', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'ICNRIGHT1' }] }));
    const r = await scan([dir], { reports: ['claims'] });
    expect(r.reports.claims!.map((c) => c.icn)).toEqual(['ICNWRONG1', 'ICNRIGHT1']);
    expect(r.diagnostics.filter((d) => d.code === 'REMIT_TRACE_REUSED')).toHaveLength(1);
  });

  it('the ledger uses the same rule: a re-sent copy with new control numbers is known, a reissue is recorded', async () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    writeFileSync(join(dir, 'a.835'), era({ control: '31', trace: 'CHK9', date: '20240105', paid: '100', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'I1' }] }));
    await scan([join(dir, 'a.835')], { reports: ['payments'], ledger: db });
    // re-sent by the clearinghouse: new ISA13/ST02, same payment
    writeFileSync(join(dir, 'resent.835'), era({ control: '97', trace: 'CHK9', date: '20240105', paid: '100', claims: [{ pcn: 'A1', charge: '100', paid: '100', icn: 'I1' }] }));
    const again = await scan([join(dir, 'resent.835')], { reports: ['payments'], ledger: db });
    expect(again.diagnostics.map((d) => d.code)).toEqual(['LEDGER_REMITTANCE_KNOWN']);
    // a reissue under the same trace number and the same ST02 but another amount is a new remittance
    writeFileSync(join(dir, 'reissue.835'), era({ control: '31', trace: 'CHK9', date: '20240110', paid: '90', claims: [{ pcn: 'A1', charge: '100', paid: '90', icn: 'I1' }] }));
    const reissue = await scan([join(dir, 'reissue.835')], { reports: ['payments'], ledger: db });
    expect(reissue.diagnostics.map((d) => d.code)).toEqual([]);
    const l = Ledger.open(db);
    expect(l.counts()).toEqual({ files: 3, remittances: 2, claims: 2, offsets: 0 });
    l.close();
  });

  it('a version-1 ledger is migrated: its rows kept, the (payer, trace, ST02) constraint gone', () => {
    const dir = tmp();
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, bytes INTEGER NOT NULL, recorded_at TEXT NOT NULL);
      CREATE TABLE remittances (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id), file_path TEXT NOT NULL, payer_key TEXT NOT NULL, payer_name TEXT NOT NULL,
        trace_number TEXT NOT NULL, transaction_control TEXT NOT NULL, payment_date TEXT NOT NULL, paid INTEGER NOT NULL, UNIQUE (payer_key, trace_number, transaction_control));
      CREATE INDEX remittances_trace ON remittances(trace_number);
      CREATE TABLE claims (id INTEGER PRIMARY KEY, remittance_id INTEGER NOT NULL REFERENCES remittances(id), pcn TEXT NOT NULL, icn TEXT NOT NULL, original_reference TEXT NOT NULL,
        status_code TEXT NOT NULL, patient TEXT NOT NULL, charge INTEGER NOT NULL, paid INTEGER NOT NULL, interest INTEGER);
      CREATE TABLE offsets (id INTEGER PRIMARY KEY, remittance_id INTEGER NOT NULL REFERENCES remittances(id), pair_seq INTEGER NOT NULL, provider_id TEXT NOT NULL, reason_code TEXT NOT NULL,
        reference TEXT, amount INTEGER NOT NULL, category TEXT NOT NULL, link_basis TEXT, linked_claim_id INTEGER REFERENCES claims(id), linked_remittance_id INTEGER REFERENCES remittances(id), link_note TEXT);
      INSERT INTO files VALUES (1, 'a.835', 'abc', 10, '2024-01-01');
      INSERT INTO remittances VALUES (7, 1, 'a.835', 'P', 'PAYER', 'T', '0001', '2024-01-05', 10000);
      INSERT INTO claims VALUES (3, 7, 'A1', 'I1', '', '1', '', 10000, 10000, NULL);
      PRAGMA user_version = 1;`);
    raw.close();
    const l = Ledger.open(path);
    expect(l.claimsByIcn('I1').map((c) => [c.pcn, c.traceNumber, c.ledgerId])).toEqual([['A1', 'T', 3]]);
    // the same payment as the migrated row (its content unknown: matched on the payment alone) is known
    const again = { payerKey: 'P', traceNumber: 'T', paymentDate: '2024-01-05', paid: 10000 };
    const id = l.insertRemittance(1, { ...again, file: 'b.835', payerName: 'PAYER', transactionControl: '0001' });
    expect(id).toBe(8);
    expect(l.settleRemittance(id, again, 'x', SNAPSHOT)).toBe(false);
    // a reissue under the same trace and ST02 with another amount: the old UNIQUE would have refused it
    const reissue = { payerKey: 'P', traceNumber: 'T', paymentDate: '2024-01-09', paid: 9000 };
    const id2 = l.insertRemittance(1, { ...reissue, file: 'b.835', payerName: 'PAYER', transactionControl: '0001' });
    expect(l.settleRemittance(id2, reissue, 'y', SNAPSHOT)).toBe(true);
    expect(l.counts().remittances).toBe(2);
    l.close();
    const sql = new Database(path);
    expect(sql.pragma('user_version', { simple: true })).toBe(5);
    expect(sql.pragma('foreign_key_check')).toEqual([]);
    sql.close();
  });
});

describe('links a person would make (§4)', () => {
  /** Paid (ICN A), reversed and corrected (ICN B, REF*F8 A), then B reversed and corrected again (ICN C, REF*F8 B). */
  function chain(dir: string): string[] {
    const files = [
      era({ control: '41', trace: 'CHK41', date: '20240105', paid: '100', claims: [{ pcn: 'X', charge: '100', paid: '100', icn: 'ICN000A' }] }),
      era({ control: '42', trace: 'CHK42', date: '20240205', paid: '-10', claims: [{ pcn: 'X', status: '22', charge: '-100', paid: '-100', icn: 'ICN000A' }, { pcn: 'X', charge: '100', paid: '90', icn: 'ICN000B', f8: 'ICN000A' }] }).replace('BPR*I*-10', 'BPR*I*0'),
      era({ control: '43', trace: 'CHK43', date: '20240305', paid: '0', claims: [{ pcn: 'X', status: '22', charge: '-100', paid: '-90', icn: 'ICN000B' }, { pcn: 'X', charge: '100', paid: '70', icn: 'ICN000C', f8: 'ICN000B' }], plb: ['WO:ICN000B*-20'] }),
      era({ control: '44', trace: 'CHK44', date: '20240405', paid: '480', claims: [{ pcn: 'Y', charge: '500', paid: '500', icn: 'D' }], plb: ['WO:ICN000B*20'] }),
    ];
    return files.map((text, i) => {
      const p = join(dir, `${i + 1}.835`);
      writeFileSync(p, text);
      return p;
    });
  }

  it('an offset referencing the middle of a correction chain links to that claim, not "ambiguous: X/B; X/B"', async () => {
    const dir = tmp();
    const r = await scan(chain(dir), { reports: ['offsets'] });
    expect(r.reports.offsets!.map((o) => [o.reason_code, o.amount, o.link_basis, o.linked_pcn, o.linked_icn, o.link_note])).toEqual([
      ['WO', '-20.00', 'icn', 'X', 'ICN000B', ''],
      ['WO', '20.00', 'icn', 'X', 'ICN000B', ''],
    ]);
  });

  it('the same chain across nightly runs through the ledger', async () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    let last;
    for (const f of chain(dir)) last = await scan([f], { reports: ['offsets'], ledger: db });
    expect(last!.reports.offsets!.map((o) => [o.link_basis, o.linked_pcn, o.linked_icn])).toEqual([['icn', 'X', 'ICN000B']]);
  });

  it('an FB naming its own check links to the remittance it sits in, even when another file has the same trace', async () => {
    const dir = tmp();
    const own = join(ROOT, 'fixtures', 'cases', 'fb-negative-zero-pay.835');
    // a near-identical file from the same payer with the same trace number (another production date and claim)
    const near = join(dir, 'near.835');
    writeFileSync(near, readFileSync(own, 'latin1').replace('BPR*H*0*C*NON************20240701', 'BPR*H*0*C*NON************20240702').replace('FB:0000FB108*-300', 'FB:0000FB108*-250').replace('*-300*-300**12*ICN108', '*-250*-250**12*ICN108'));
    const r = await scan([own, near], { reports: ['offsets'] });
    expect(r.reports.offsets!.map((o) => [o.file, o.link_basis, o.linked_trace_number, o.linked_file])).toEqual([
      [own, 'trace_number', '0000FB108', own],
      [near, 'trace_number', '0000FB108', near],
    ]);
  });

  it('the summary\'s unlinked figure is the --fail-on one: money taken or owed with no claim, not an L6 without reference', async () => {
    const r = await scan([DEMO], { reports: ['summary'] });
    const acme = r.reports.summary!.find((s) => s.payer_id === 'ACME01')!;
    expect([acme.unlinked_offsets, acme.unlinked_amount, acme.unlinked_recoupments, acme.unlinked_recoupments_amount]).toEqual(['1', '3.25', '0', '0.00']);
    expect(r.stats.unlinkedRecoupments).toBe(0);
    const cases = await scan([join(ROOT, 'fixtures', 'cases')], { reports: ['summary'] });
    const total = cases.reports.summary!.reduce((n, s) => n + Number(s.unlinked_recoupments), 0);
    expect(total).toBe(cases.stats.unlinkedRecoupments);
    expect(cases.stats.unlinkedList.map((o) => [o.traceNumber, o.reasonCode, o.reference, o.amount])).toEqual([
      ['SIX0102', 'WO', 'ICN0001', 10000],
      ['SIX0102', 'WU', 'ICN0002', 1000],
      ['SIX0102', 'OB', 'AFFIL 77', 1500],
      ['REF0112', 'WO', 'ICN0777', 8000],
      ['SEV0101', 'WO', 'ICN0099', 10000],
    ]);
  });
});
