// Issue #11 §2, §4 and §7: files that are odd are said to be odd, with a code and a position, and an
// amount that could not be read never lets a claim or remittance pass as balanced.

import { describe, expect, it } from 'vitest';
import { codes, record, wrap835 } from '../helpers.js';

const HEAD = ['ST*835*0001', 'BPR*I*100*C*ACH*CCP***********20240105', 'TRN*1*T1*1999999999', 'N1*PR*PAYER ONE*XV*P1', 'N1*PE*CLINIC*XX*1234567893'];

function remit(lines: string[], head = HEAD): ReturnType<typeof record> {
  const body = [...head, ...lines];
  body.push(`SE*${body.length + 1}*0001`);
  return record(wrap835(body.map((s) => s + '~').join('')));
}

describe('unreadable amounts make a balance unknown (§2)', () => {
  it('an empty CLP04 and a non-numeric CAS amount count against their claim and the remittance', () => {
    const r = remit(['LX*1', 'CLP*A1*1*100**0*12*I1', 'CAS*CO*45*X1', 'LX*2', 'CLP*A2*1*100*100*0*12*I2']);
    const rem = r.remittances[0]!;
    expect(r.diagnostics.map((d) => [d.code, d.segment, d.element])).toEqual([
      ['REMIT_BAD_AMOUNT', 9, 'CLP04'],
      ['REMIT_BAD_AMOUNT', 10, 'CAS03'],
    ]);
    expect(rem.claims.map((c) => c.unreadable)).toEqual([['CLP04', 'CAS03'], []]);
    expect(rem.unreadable).toEqual(['CLP04', 'CAS03']);
    expect(rem.claims[0]!.adjustments).toEqual([expect.objectContaining({ reason: '45', amount: 0, unreadable: true })]);
  });

  it('an unreadable CLP05 or AMT (not in the balancing equations) does not, and is null rather than 0.00', () => {
    const r = remit(['LX*1', 'CLP*A1*1*100*100*ZZ*12*I1', 'AMT*I*1.2.3']);
    expect(codes(r.diagnostics)).toEqual(['REMIT_BAD_AMOUNT', 'REMIT_BAD_AMOUNT']);
    expect(r.remittances[0]!.claims[0]).toMatchObject({ patientResponsibility: null, interest: null });
    expect(r.remittances[0]!.unreadable).toEqual([]);
    expect(r.remittances[0]!.claims[0]!.unreadable).toEqual([]);
  });

  it('a missing BPR makes the payment unknown', () => {
    const r = remit(['LX*1', 'CLP*A1*1*100*100*0*12*I1'], ['ST*835*0001', 'TRN*1*T1*1999999999', 'N1*PR*PAYER']);
    expect(r.remittances[0]!.unreadable).toEqual(['BPR02']);
  });

  it('messages about bad amounts and dates never quote the element (it may hold patient data)', () => {
    const r = remit(['LX*1', 'CLP*SMITHJOHN*1*SMITHJOHN*100*0*12*I1', 'DTM*232*SMITHJOH']);
    expect(codes(r.diagnostics)).toEqual(['REMIT_BAD_AMOUNT', 'REMIT_BAD_DATE']);
    for (const d of r.diagnostics) expect(d.message).not.toContain('SMITH');
    expect(r.diagnostics[0]!.excerpt).toContain('SMITHJOHN'); // the text is there for --verbose only
  });
});

describe('odd files are said to be odd (§7)', () => {
  it('a second N1*PR after the claims: warned at its position; the remittance keeps the first payer, later claims carry the second', () => {
    const r = remit(['LX*1', 'CLP*A1*1*10*10*0*12*I1', 'N1*PR*PAYER TWO*XV*P2', 'LX*2', 'CLP*A2*1*90*90*0*12*I2']);
    expect(r.diagnostics.map((d) => [d.code, d.segment, d.byteOffset, d.element])).toEqual([['REMIT_SECOND_PARTY', 10, expect.any(Number), 'N101']]);
    const rem = r.remittances[0]!;
    expect(rem.payer).toMatchObject({ name: 'PAYER ONE', id: 'P1' });
    expect(rem.claims[0]!.payer).toBeUndefined();
    expect(rem.claims[1]!.payer).toMatchObject({ name: 'PAYER TWO', id: 'P2' });
  });

  it('several payees in one remittance: the second is warned and carried by the claims after it', () => {
    const r = remit(['LX*1', 'CLP*A1*1*10*10*0*12*I1', 'N1*PE*OTHER CLINIC*XX*9999999999', 'LX*2', 'CLP*A2*1*90*90*0*12*I2']);
    expect(codes(r.diagnostics)).toEqual(['REMIT_SECOND_PARTY']);
    expect(r.remittances[0]!.payee.id).toBe('1234567893');
    expect(r.remittances[0]!.claims[1]!.payee).toMatchObject({ id: '9999999999' });
  });

  it('an SVC01 written with another component separator than ISA16 is read with it, and said', () => {
    const r = remit(['LX*1', 'CLP*A1*1*100*100*0*12*I1', 'SVC*HC>99213>25*100*100**1']);
    expect(r.diagnostics.map((d) => [d.code, d.segment, d.element])).toEqual([['REMIT_COMPONENT_SEPARATOR', 10, 'SVC01']]);
    expect(r.remittances[0]!.claims[0]!.services[0]).toMatchObject({ procedureQualifier: 'HC', procedureCode: '99213', modifiers: ['25'] });
  });

  it('an unknown segment id inside the transaction is warned with its position, not dropped silently', () => {
    const r = remit(['XX*654321', 'LX*1', 'CLP*A1*1*100*100*0*12*I1']);
    expect(r.diagnostics.map((d) => [d.code, d.segmentId, d.segment, d.byteOffset])).toEqual([['REMIT_UNKNOWN_SEGMENT', undefined, 8, 279]]);
    expect(r.diagnostics[0]!.message).not.toContain('654321');
    expect(r.diagnostics[0]!.excerpt).toBe('XX*654321'); // --verbose only
  });

  it("an ' terminator inside O'DAY: the fragment read as a segment id is not printed", () => {
    const text = wrap835(['ST*835*0001', 'BPR*I*0*C*NON************20240101', 'TRN*1*T1*1999999999', 'N1*PR*PAYER', 'LX*1', 'CLP*A1*1*0*0*0*12*I1', "NM1*QC*1*O'DAY*ANN", 'SE*8*0001'].join("'") + "'", { term: "'" });
    const r = record(text);
    for (const d of r.diagnostics) expect(d.message + (d.segmentId ?? '')).not.toMatch(/DAY|ANN/);
  });

  it('an empty BPR16 falls back to DTM*405, and says so at BPR16', () => {
    const r = remit([], ['ST*835*0001', 'BPR*I*0*C*NON', 'TRN*1*T1*1999999999', 'DTM*405*20240207', 'N1*PR*PAYER']);
    expect(r.diagnostics.map((d) => [d.code, d.segmentId, d.element])).toEqual([['REMIT_NO_PAYMENT_DATE', 'BPR', 'BPR16']]);
    expect(r.remittances[0]!.productionDate).toBe('2024-02-07');
  });

  it('dates before 1800 are not dates (DTM*405*11111111)', () => {
    const r = remit([], [...HEAD.slice(0, 3), 'DTM*405*11111111', ...HEAD.slice(3)]);
    expect(r.diagnostics.map((d) => [d.code, d.element])).toEqual([['REMIT_BAD_DATE', 'DTM02']]);
    expect(r.remittances[0]!.productionDate).toBeNull();
  });

  it('a PLB whose PLB01 is not the payee: warned, still counted', () => {
    const r = remit(['PLB*5555555555*20241231*WO:REF1*10']);
    expect(r.diagnostics.map((d) => [d.code, d.element, d.segment])).toEqual([['PLB_OTHER_PROVIDER', 'PLB01', 8]]);
    expect(r.remittances[0]!.totals.providerAdjustments).toBe(1000);
  });

  it('a PLB cut short after PLB01 says nothing about whose it is', () => {
    const r = remit(['PLB*12345']);
    expect(codes(r.diagnostics)).toEqual([]);
  });

  it('a PLB01 matching a payee REF (not N104) is the payee', () => {
    const r = remit(['PLB*TAX123*20241231*WO:REF1*10'], [...HEAD, 'REF*TJ*TAX123']);
    expect(codes(r.diagnostics)).toEqual([]);
  });
});

describe('no ISA: the component separator comes from the data (§4)', () => {
  it('SVC*HC>99213 and PLB*…*GO>REF123 are read with >, with an info note', () => {
    const text = [
      'ST*835*0001',
      'BPR*I*90*C*ACH*CCP***********20240105',
      'TRN*1*T9*1999999999',
      'N1*PR*PAYER',
      'N1*PE*CLINIC*XX*1234567893',
      'LX*1',
      'CLP*A1*1*100*100*0*12*I1',
      'SVC*HC>99213*100*100**1',
      'PLB*1234567893*20241231*GO>REF123*10',
      'SE*10*0001',
    ].join('~') + '~';
    const r = record(text);
    expect(codes(r.diagnostics)).toContain('X12_COMPONENT_INFERRED');
    expect(codes(r.diagnostics)).not.toContain('PLB_UNKNOWN_CODE');
    const rem = r.remittances[0]!;
    expect(rem.delimiters.component).toBe('>');
    expect(rem.claims[0]!.services[0]!.procedureCode).toBe('99213');
    expect(rem.providerAdjustments[0]).toMatchObject({ reasonCode: 'GO', reference: 'REF123', amount: 1000 });
  });
});
