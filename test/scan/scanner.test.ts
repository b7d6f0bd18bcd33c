import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../src/remit/money.js';
import { scan } from '../../src/scan/scan.js';
import { ROOT } from '../helpers.js';

const cases = (name: string): string => join(ROOT, 'fixtures', 'cases', name);
const pick = (rows: Record<string, string>[] | undefined, keys: string[]): string[][] => (rows ?? []).map((r) => keys.map((k) => r[k]!));

describe('scan: offsets by code, sign and reference', () => {
  it('several PLB segments in one remittance, each pair a row', async () => {
    const r = await scan([cases('several-plb.835')]);
    expect(pick(r.reports.offsets, ['reason_code', 'reference', 'amount', 'category'])).toEqual([
      ['WO', 'ICN0099', '100.00', 'recoupment'],
      ['IR', '', '30.00', 'withholding'],
      ['CS', 'ADMIN FEE', '15.00', 'other'],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('a PLB with six pairs', async () => {
    const r = await scan([cases('plb-six-pairs.835')]);
    expect(pick(r.reports.offsets, ['reason_code', 'reason', 'reference', 'amount', 'category'])).toEqual([
      ['WO', 'Overpayment recovery', 'ICN0001', '100.00', 'recoupment'],
      ['WU', 'Unspecified recovery', 'ICN0002', '10.00', 'recoupment'],
      ['OB', 'Offset for affiliated providers', 'AFFIL 77', '15.00', 'recoupment'],
      ['E3', 'Withholding', 'CW', '5.00', 'withholding'],
      ['50', 'Late charge (late filing or late cost report penalty)', 'LR', '2.00', 'penalty'],
      ['CS', 'Adjustment (general; see the reference)', 'PAYER WRITE OFF', '-3.00', 'other'],
    ]);
    expect(r.reports.payments![0]).toMatchObject({ paid: '371.00', provider_adjustments: '129.00', withheld: '132.00', added: '-3.00', balanced: 'yes', difference: '0.00' });
  });

  it('PLB03 without a reference', async () => {
    const r = await scan([cases('plb-no-reference.835')]);
    expect(pick(r.reports.offsets, ['reason_code', 'reference', 'amount'])).toEqual([['J1', '', '1.50']]);
  });

  it('a PLB-only remittance (capitation, no claims) balances', async () => {
    const r = await scan([cases('plb-only.835')]);
    expect(r.reports.payments![0]).toMatchObject({ claims: '0', paid: '1500.00', provider_adjustments: '-1500.00', balanced: 'yes' });
    expect(pick(r.reports.offsets, ['reason_code', 'category', 'amount'])).toEqual([['CT', 'other', '-1500.00']]);
  });

  it('WO negative with reversal + correction, then WO positive in a later check', async () => {
    const r = await scan([cases('wo-negative-reversal-correction.835'), cases('wo-positive.835')]);
    expect(pick(r.reports.offsets, ['trace_number', 'reason_code', 'reference', 'amount', 'category'])).toEqual([
      ['REV0105', 'WO', 'ICN105A', '-150.00', 'deferred_recoupment'],
      ['COL0107', 'WO', 'ICN105A', '150.00', 'recoupment'],
    ]);
    expect(pick(r.reports.claims, ['pcn', 'status_code', 'paid', 'icn', 'reversal', 'corrects_icn', 'balanced'])).toEqual([
      ['C105', '22', '-400.00', 'ICN105A', 'yes', '', 'yes'],
      ['C105', '1', '250.00', 'ICN105B', 'no', 'ICN105A', 'yes'],
      ['C106', '1', '150.00', 'ICN106', 'no', '', 'yes'],
      ['C107', '1', '200.00', 'ICN107', 'no', '', 'yes'],
    ]);
    expect(r.reports.summary).toEqual([
      expect.objectContaining({ checks: '2', claim_payments: '200.00', provider_adjustments: '0.00', taken_back: '150.00', deferred: '-150.00', paid: '200.00', unbalanced: '0' }),
    ]);
  });

  it('FB negative in a zero-pay notification, FB positive later', async () => {
    const r = await scan([cases('fb-negative-zero-pay.835'), cases('fb-positive-later.835')]);
    expect(r.diagnostics).toEqual([]);
    expect(pick(r.reports.payments, ['handling_code', 'payment_method', 'paid', 'balanced'])).toEqual([
      ['H', 'NON', '0.00', 'yes'],
      ['I', 'ACH', '150.00', 'yes'],
    ]);
    expect(pick(r.reports.offsets, ['reason_code', 'reference', 'amount', 'category'])).toEqual([
      ['FB', '0000FB108', '-300.00', 'deferred_recoupment'],
      ['FB', '0000FB108', '300.00', 'recoupment'],
    ]);
  });

  it('L6 interest equals the claims AMT*I; the claims report carries interest', async () => {
    const r = await scan([cases('l6-interest.835')]);
    expect(r.diagnostics).toEqual([]);
    expect(pick(r.reports.claims, ['pcn', 'interest'])).toEqual([
      ['C110', '2.10'],
      ['C111', '1.15'],
    ]);
    expect(r.reports.summary![0]).toMatchObject({ interest: '-3.25', paid: '353.25', claim_payments: '350.00' });
  });

  it('72 with WO: refund acknowledged and recovered, net zero', async () => {
    const r = await scan([cases('refund-72-wo.835')]);
    expect(pick(r.reports.offsets, ['reason_code', 'category', 'amount'])).toEqual([
      ['72', 'refund_acknowledged', '-80.00'],
      ['WO', 'recoupment', '80.00'],
    ]);
    expect(r.reports.summary![0]).toMatchObject({ taken_back: '80.00', refunds_acknowledged: '-80.00', provider_adjustments: '0.00' });
  });

  it('an unbalanced remittance: each equation that fails names the place and the difference', async () => {
    const r = await scan([cases('unbalanced.835')]);
    const file = cases('unbalanced.835');
    expect(r.diagnostics.map((d) => [d.code, d.segmentId, d.segment])).toEqual([
      ['BALANCE_SERVICE', 'SVC', 13],
      ['BALANCE_CLAIM', 'CLP', 10],
      ['BALANCE_REMITTANCE', 'ST', 3],
      ['BALANCE_INTEREST', 'ST', 3],
    ]);
    expect(r.diagnostics.every((d) => d.file === file)).toBe(true);
    expect(r.diagnostics[0]!.message).toContain('difference 10.00');
    expect(r.diagnostics[1]!.message).toContain('difference 10.00');
    expect(r.diagnostics[2]!.message).toContain('difference -18.00');
    expect(r.reports.payments![0]).toMatchObject({ balanced: 'no', difference: '-18.00' });
    expect(r.reports.claims![0]).toMatchObject({ balanced: 'no', service_adjustments: '110.00' });
    expect(r.reports.summary![0]).toMatchObject({ unbalanced: '1' });
  });

  it('every summary reconciles: paid = claim payments − provider adjustments, adjustments = Σ categories', async () => {
    const r = await scan([join(ROOT, 'fixtures', 'cases'), join(ROOT, 'fixtures', 'demo')]);
    const cents = (s: string): number => {
      const p = parseAmount(s);
      if (!p.ok) throw new Error(`not an amount: ${s}`);
      return p.cents;
    };
    for (const row of r.reports.summary!) {
      const cats = ['taken_back', 'deferred', 'refunds_acknowledged', 'interest', 'penalties', 'withholding', 'other'].reduce((t, k) => t + cents(row[k]!), 0);
      expect(cats).toBe(cents(row.provider_adjustments!));
      const unbalancedDiff = r.reports.payments!.filter((p) => p.payer_name === row.payer_name).reduce((t, p) => t + cents(p.difference!), 0);
      expect(cents(row.claim_payments!) - cents(row.provider_adjustments!) - unbalancedDiff).toBe(cents(row.paid!));
    }
    expect(r.stats).toMatchObject({ files: 15, remittances: 15, unbalancedRemittances: 1, claims: 23, offsets: 24 });
  });

  it('a reversal names the payment it takes back when that payment was seen (same CLP07)', async () => {
    const r = await scan([join(ROOT, 'fixtures', 'demo')], { reports: ['claims'] });
    const rev = r.reports.claims!.filter((c) => c.reversal === 'yes');
    expect(rev.map((c) => [c.pcn, c.icn, c.reverses_trace_number, c.reverses_payment_date])).toEqual([['MFC1002', '2224001000102', 'ACH100100001', '2024-01-05']]);
    const alone = await scan([cases('wo-negative-reversal-correction.835')], { reports: ['claims'] });
    expect(alone.reports.claims![0]).toMatchObject({ reversal: 'yes', reverses_trace_number: '', reverses_payment_date: '' });
  });

  it('the adjustments report: one row per CAS triplet at claim and service level', async () => {
    const r = await scan([join(ROOT, 'fixtures', 'demo', '01-acme-2024-01-05.835')], { reports: ['adjustments'] });
    expect(pick(r.reports.adjustments, ['pcn', 'level', 'procedure', 'group_code', 'reason_code', 'amount'])).toEqual([
      ['MFC1001', 'service', '99214', 'CO', '45', '20.00'],
      ['MFC1001', 'service', '99214', 'PR', '2', '30.00'],
      ['MFC1003', 'service', '93000', 'CO', '45', '155.00'],
    ]);
  });
});

describe('scan on the public corpus', () => {
  it('files with PLBs give the right totals (TR3 example: CV -1.27 balances a 150,000.00 check)', async () => {
    const r = await scan([join(ROOT, 'fixtures', 'corpus', 'kputnam__stupidedi__spec__fixtures__005010__X221A1_HP835_Health_Care_Claim_Payment_Advice__pass__dollars-and-data-sent-together.edi')]);
    expect(r.reports.payments![0]).toMatchObject({ paid: '150000.00', provider_adjustments: '-1.27', balanced: 'yes' });
    expect(r.reports.summary![0]).toMatchObject({ claim_payments: '149998.73', other: '-1.27' });
  });

  it('a 4010 sample with WO, L6 and FB in one PLB', async () => {
    const r = await scan([join(ROOT, 'fixtures', 'corpus', 'javillegasna__oxedi__crates__oxedi_core__tests__fixtures__balanced_4010_sample.txt')]);
    expect(pick(r.reports.offsets, ['reason_code', 'reference', 'amount', 'category'])).toEqual([
      ['WO', 'OVERPAY01', '25.00', 'recoupment'],
      ['L6', 'INTEREST01', '-5.00', 'interest'],
      ['FB', 'BALANCE01', '10.00', 'recoupment'],
    ]);
    expect(r.reports.payments![0]).toMatchObject({ paid: '690.00', balanced: 'yes' });
  });
});
