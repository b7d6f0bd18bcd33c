import { describe, expect, it } from 'vitest';
import { type BalanceOffset, computeBalances, daysBetween } from '../../src/analysis/deferrals.js';

const o = (over: Partial<BalanceOffset>): BalanceOffset => ({
  payerKey: 'P1',
  payerName: 'PAYER',
  date: '2024-01-10',
  trace: 'T',
  file: 'f.835',
  code: 'WO',
  reference: 'ICN1',
  amount: -10000,
  linkBasis: 'icn',
  linkedPcn: 'A',
  linkedIcn: 'ICN1',
  linkedPatient: 'DOE, J',
  ...over,
});

describe('deferred balances', () => {
  it('partial and repeated collections, oldest deferral first, age as of a date', () => {
    const rows = computeBalances(
      [
        o({ date: '2024-01-10', amount: -10000 }),
        o({ date: '2024-01-20', amount: -5000, trace: 'T2' }),
        o({ date: '2024-02-01', amount: 4000, trace: 'T3' }),
        o({ date: '2024-03-01', amount: 7000, trace: 'T4' }),
      ],
      '2024-06-30',
    );
    expect(rows.map((r) => [r.deferred_date, r.deferred, r.collected, r.outstanding, r.status, r.age_days, r.last_collected_date])).toEqual([
      ['2024-01-10', '-100.00', '100.00', '0.00', 'collected', '51', '2024-03-01'],
      ['2024-01-20', '-50.00', '10.00', '40.00', 'partly_collected', '162', '2024-03-01'],
    ]);
  });

  it('a collection matches by reference or by the same linked claim, and only the same payer', () => {
    const rows = computeBalances(
      [
        o({ reference: 'ICN1', amount: -3000 }),
        o({ reference: 'FCN-LETTER-9', amount: 1000, date: '2024-02-01' }), // same linked claim A/ICN1
        o({ reference: 'ICN1', amount: 1000, payerKey: 'OTHER', date: '2024-02-02' }), // other payer: not ours
        o({ reference: 'UNRELATED', amount: 500, linkedPcn: '', linkedIcn: '', date: '2024-02-03' }),
      ],
      '2024-02-10',
    );
    expect(rows.map((r) => [r.collected, r.outstanding, r.status, r.age_days])).toEqual([['10.00', '20.00', 'partly_collected', '31']]);
  });

  it('FB positive and negative pair by reference (a TRN02)', () => {
    const rows = computeBalances(
      [o({ code: 'FB', reference: '0000FB108', amount: -30000, linkedPcn: '', linkedIcn: '' }), o({ code: 'FB', reference: '0000FB108', amount: 30000, date: '2024-03-01', linkedPcn: '', linkedIcn: '' })],
      '2024-12-31',
    );
    expect(rows.map((r) => [r.outstanding, r.status])).toEqual([['0.00', 'collected']]);
  });

  it('days between dates', () => {
    expect(daysBetween('2024-02-12', '2024-03-15')).toBe(32);
    expect(daysBetween('2023-12-31', '2024-12-31')).toBe(366);
    expect(daysBetween('', '2024-01-01')).toBeNull();
  });
});
