import { describe, expect, it } from 'vitest';
import { type ClaimRef, linkOffsets, MAX_CANDIDATES } from '../../src/analysis/link.js';
import { ClaimIndex } from '../support/memory-claims.js';
import { referenceKeys } from '../../src/analysis/references.js';

function claim(over: Partial<Omit<ClaimRef, 'seq'>>): Omit<ClaimRef, 'seq'> {
  return { pcn: 'PCN1', icn: 'ICN1', originalReference: '', statusCode: '1', payerKey: 'P1', patient: 'DOE, JANE', traceNumber: 'T1', paymentDate: '2024-01-05', file: 'a.835', paid: 10000, ...over };
}

const offset = (reference: string | null, over: Partial<{ payerKey: string; reasonCode: string; amount: number }> = {}) => ({ payerKey: 'P1', reasonCode: 'WO', reference, amount: 5000, ...over });

describe('PLB03-2 reference shapes → lookup keys', () => {
  it.each([
    ['2224001000102', ['2224001000102']],
    ['PCN77 2224001000102 TRACE9', ['PCN77 2224001000102 TRACE9', 'PCN77', '2224001000102', 'TRACE9']],
    ['PTACCT#20140101 CLAIM#', ['PTACCT#20140101 CLAIM#', 'PTACCT', 'CLAIM']],
    ['012224001234567', ['012224001234567', '2224001234567']],
  ])('%j', (ref, keys) => {
    expect(referenceKeys(ref).map((k) => k.value)).toEqual(keys);
  });

  it('Medicare fixed positions: 1-19 control number, 20-39 patient control number', () => {
    const ref = '012224001234567    PATACCT0001';
    const keys = referenceKeys(ref);
    expect(keys).toContainEqual({ value: '012224001234567', source: 'medicare_layout' });
    expect(keys).toContainEqual({ value: 'PATACCT0001', source: 'medicare_layout' });
    expect(keys).toContainEqual({ value: '2224001234567', source: 'icn_suffix' });
  });

  it('a Part A sub-code in front is optional', () => {
    expect(referenceKeys('BF 2224001000102').map((k) => k.value)).toContain('2224001000102');
  });

  it('no reference, and short or date-only tokens, give no keys', () => {
    expect(referenceKeys(null)).toEqual([]);
    expect(referenceKeys('CW')).toEqual([]);
    expect(referenceKeys('20240105')).toEqual([]);
  });
});

describe('linking offsets to claims', () => {
  it('links by CLP07 to the original payment, not its reversal', () => {
    const idx = new ClaimIndex();
    idx.addClaim(claim({ pcn: 'A', icn: 'ICN100', paid: 18000, file: 'first.835' }));
    idx.addClaim(claim({ pcn: 'A', icn: 'ICN100', statusCode: '22', paid: -18000, file: 'second.835' }));
    idx.addClaim(claim({ pcn: 'A', icn: 'ICN200', originalReference: 'ICN100', paid: 12000, file: 'second.835' }));
    const [l] = linkOffsets(idx, [offset('ICN100')]);
    expect(l).toMatchObject({ basis: 'icn', crossPayer: false, claim: { pcn: 'A', icn: 'ICN100', paid: 18000, file: 'first.835' } });
  });

  it('by patient control number when no ICN matches; a corrected claim is the same family', () => {
    const idx = new ClaimIndex();
    idx.addClaim(claim({ pcn: 'ACCT42', icn: 'ICN1' }));
    idx.addClaim(claim({ pcn: 'ACCT42', icn: 'ICN2', originalReference: 'ICN1' }));
    expect(linkOffsets(idx, [offset('ACCT42 20240101 X9')])[0]).toMatchObject({ basis: 'pcn', claim: { icn: 'ICN1' } });
  });

  it('a reference matching two different claims is ambiguous, with both named', () => {
    const idx = new ClaimIndex();
    idx.addClaim(claim({ pcn: 'SAME', icn: 'ICN1' }));
    idx.addClaim(claim({ pcn: 'SAME', icn: 'ICN2' }));
    const [l] = linkOffsets(idx, [offset('SAME')]);
    expect(l).toMatchObject({ basis: 'ambiguous', claim: null });
    expect(l!.note).toBe('matches 2 claims: SAME/ICN1; SAME/ICN2');
  });

  it(`a reference shared by more than ${MAX_CANDIDATES} claims is ambiguous without listing them`, () => {
    const idx = new ClaimIndex();
    for (let i = 0; i <= MAX_CANDIDATES; i++) idx.addClaim(claim({ pcn: 'REUSED01', icn: `ICN${i}` }));
    expect(linkOffsets(idx, [offset('REUSED01')])[0]).toMatchObject({ basis: 'ambiguous', claim: null, note: `matches more than ${MAX_CANDIDATES} claims` });
    const few = new ClaimIndex();
    for (let i = 0; i < 3; i++) few.addClaim(claim({ pcn: 'REUSED01', icn: `ICN${i}` }));
    expect(linkOffsets(few, [offset('REUSED01')])[0]!.note).toBe('matches 3 claims: REUSED01/ICN0; REUSED01/ICN1; REUSED01/ICN2');
  });

  it('prefers the same payer; a unique long match at another payer is linked and flagged cross_payer', () => {
    const idx = new ClaimIndex();
    idx.addClaim(claim({ icn: '88240080001', payerKey: 'OTHER' }));
    expect(linkOffsets(idx, [offset('88240080001')])[0]).toMatchObject({ basis: 'icn', crossPayer: true });
    idx.addClaim(claim({ icn: '88240080001', pcn: 'MINE', payerKey: 'P1' }));
    expect(linkOffsets(idx, [offset('88240080001')])[0]).toMatchObject({ basis: 'icn', crossPayer: false, claim: { pcn: 'MINE' } });
  });

  it('a short identifier at another payer is not linked', () => {
    const idx = new ClaimIndex();
    idx.addClaim(claim({ icn: 'AB12', payerKey: 'OTHER' }));
    expect(linkOffsets(idx, [offset('AB12')])[0]).toMatchObject({ basis: 'none' });
  });

  it('a 15-digit FCN links by its last 13 digits (icn_suffix); Medicare layout by position', () => {
    const idx = new ClaimIndex();
    idx.addClaim(claim({ icn: '2224001234567', pcn: 'PATACCT0001' }));
    expect(linkOffsets(idx, [offset('012224001234567')])[0]).toMatchObject({ basis: 'icn_suffix', claim: { pcn: 'PATACCT0001' } });
    const idx2 = new ClaimIndex();
    idx2.addClaim(claim({ icn: 'X', pcn: 'PATACCT0001' }));
    expect(linkOffsets(idx2, [offset('LETTER000000000001 PATACCT0001')])[0]).toMatchObject({ basis: 'medicare_layout', claim: { pcn: 'PATACCT0001' } });
  });

  it('an FB whose reference is a TRN02 links to that remittance', () => {
    const idx = new ClaimIndex();
    idx.addRemittance({ traceNumber: '0000FB108', payerKey: 'P1', paymentDate: '2024-07-01', file: 'fb.835' });
    expect(linkOffsets(idx, [offset('0000FB108', { reasonCode: 'FB', amount: 30000 })])[0]).toMatchObject({ basis: 'trace_number', remittance: { file: 'fb.835' } });
  });

  it('no reference → none', () => {
    expect(linkOffsets(new ClaimIndex(), [offset(null, { reasonCode: 'L6' })])[0]).toMatchObject({ basis: 'none', note: 'no reference' });
  });
});
