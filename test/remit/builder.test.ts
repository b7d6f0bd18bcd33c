import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codes, read, record, ROOT, tiny835, wrap835 } from '../helpers.js';

const publicFile = (name: string): Buffer => read(join(ROOT, 'fixtures', 'corpus', name));

describe('the TR3 example "dollars and data sent together" becomes the right model', () => {
  const r = record(publicFile('kputnam__stupidedi__spec__fixtures__005010__X221A1_HP835_Health_Care_Claim_Payment_Advice__pass__dollars-and-data-sent-together.edi'));
  const rem = r.remittances[0]!;

  it('reads payment, trace, payer and payee', () => {
    expect(r.diagnostics).toEqual([]);
    expect(rem.payment).toEqual({ handlingCode: 'C', amount: 15000000, creditDebit: 'C', method: 'ACH', format: 'CTX', date: '2002-09-13' });
    expect(rem.trace).toEqual({ type: '1', number: '12345', payerId: '1512345678', supplementalCode: '' });
    expect(rem.productionDate).toBe('2002-09-16');
    expect(rem.payer).toMatchObject({ name: 'INSURANCE COMPANY OF TIMBUCKTU', additionalId: '999' });
    expect(rem.payee).toMatchObject({ name: 'REGIONAL HOPE HOSPITAL', idQualifier: 'XX', id: '6543210903' });
    expect(rem.version).toBe('005010X221A1');
  });

  it('reads both claims with their CAS, patient and dates', () => {
    expect(rem.claims.map((c) => [c.patientControlNumber, c.statusCode, c.charge, c.paid, c.payerClaimControlNumber])).toEqual([
      ['666123', '1', 21136697, 13801840, '1999999444444'],
      ['777777', '1', 1500000, 1198033, '1999999444445'],
    ]);
    expect(rem.claims[0]!.adjustments).toEqual([expect.objectContaining({ group: 'CO', reason: '45', amount: 7334857, triplet: 1 })]);
    expect(rem.claims[0]).toMatchObject({ patientLastName: 'JONES', patientFirstName: 'SAM', memberId: '666666666A', statementFrom: '2002-08-16', statementTo: '2002-08-24' });
  });

  it('reads the PLB as a provider-level adjustment, not part of the last claim', () => {
    expect(rem.providerAdjustments).toEqual([
      { providerId: '6543210903', fiscalPeriodDate: '2002-12-31', reasonCode: 'CV', reference: 'CP', amount: -127, pair: 1, element: 'PLB03', origin: expect.any(Object) },
    ]);
    expect(rem.claims[1]!.adjustments).toHaveLength(1);
    expect(rem.totals).toMatchObject({ claimPaid: 14999873, providerAdjustments: -127 });
    // TR3 §1.10.2.1: Σ CLP04 − Σ PLB = BPR02
    expect(rem.totals.claimPaid - rem.totals.providerAdjustments).toBe(rem.payment.amount);
  });
});

function remitWith(lines: string[]): ReturnType<typeof record> {
  const body = ['ST*835*0001', 'BPR*I*0*C*NON************20240101', 'TRN*1*T1*1999999999', 'N1*PR*PAYER', 'N1*PE*CLINIC*XX*PROV1', ...lines];
  body.push(`SE*${body.length + 1}*0001`);
  return record(wrap835(body.map((s) => s + '~').join('')));
}

describe('PLB segments: every segment and every pair', () => {
  it('a PLB with six pairs, several PLBs, no reference, a reference with spaces', () => {
    const r = remitWith([
      'PLB*PROV1*20241231*WO:A1*1*FB:A2*-2*L6*-3*72:A4*-4*CS:PAYER WRITE OFF*5*WU:A6 X*6',
      'PLB*PROV1*20241231*WO:PTACCT#20140101 CLAIM#*-37.5',
      'PLB*PROV1*20241231*J1:*7',
    ]);
    expect(codes(r.diagnostics)).toEqual([]);
    const adj = r.remittances[0]!.providerAdjustments;
    expect(adj.map((a) => [a.reasonCode, a.reference, a.amount, a.pair, a.element])).toEqual([
      ['WO', 'A1', 100, 1, 'PLB03'],
      ['FB', 'A2', -200, 2, 'PLB05'],
      ['L6', null, -300, 3, 'PLB07'],
      ['72', 'A4', -400, 4, 'PLB09'],
      ['CS', 'PAYER WRITE OFF', 500, 5, 'PLB11'],
      ['WU', 'A6 X', 600, 6, 'PLB13'],
      ['WO', 'PTACCT#20140101 CLAIM#', -3750, 1, 'PLB03'],
      ['J1', null, 700, 1, 'PLB03'],
    ]);
    expect(r.remittances[0]!.plbSegments).toBe(3);
    expect(r.remittances[0]!.totals.providerAdjustments).toBe(100 - 200 - 300 - 400 + 500 + 600 - 3750 + 700);
  });

  it('keeps a reference verbatim, including a component separator inside it', () => {
    const r = remitWith(['PLB*PROV1*20241231*WO:AB:CD*1']);
    expect(r.remittances[0]!.providerAdjustments[0]!.reference).toBe('AB:CD');
  });

  it('a PLB with an odd number of elements: the lone identifier is an error at its element', () => {
    const r = remitWith(['PLB*PROV1*20241231*WO:X*10*FB:Y']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'REMIT_PLB_INCOMPLETE', element: 'PLB05', segmentId: 'PLB', segment: 8 })]);
    expect(r.remittances[0]!.providerAdjustments.map((a) => a.reasonCode)).toEqual(['WO']);
  });

  it('a zero PLB amount is a 5010 warning', () => {
    const r = remitWith(['PLB*PROV1*20241231*L6:X*0']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'REMIT_ZERO_PLB', element: 'PLB04' })]);
  });

  it('an amount that is not a number is an error naming the element; it counts as 0', () => {
    const input = wrap835(tiny835().replace('CLP*PCN1*1*100*100', 'CLP*PCN1*1*100*12,50'));
    const r = record(input);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'REMIT_BAD_AMOUNT', severity: 'error', segmentId: 'CLP', element: 'CLP04', segment: 9, byteOffset: input.indexOf('CLP*') })]);
    expect(r.remittances[0]!.claims[0]!.paid).toBe(0);
    expect(r.remittances[0]!.errors).toBe(1);
  });

  it('an over-precise amount is refused rather than rounded', () => {
    const r = remitWith(['PLB*PROV1*20241231*WO:X*10.005']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'REMIT_BAD_AMOUNT', element: 'PLB04' })]);
    expect(r.diagnostics[0]!.message).toContain('more than two decimal places');
  });

  it('an invalid date is a warning naming the element', () => {
    const r = remitWith(['PLB*PROV1*20241331*WO:X*10']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'REMIT_BAD_DATE', element: 'PLB02' })]);
    expect(r.remittances[0]!.providerAdjustments[0]!.fiscalPeriodDate).toBeNull();
  });
});

describe('claims and service lines', () => {
  it('keeps every CAS triplet (six in one segment) at claim and service level', () => {
    const r = remitWith([
      'LX*1',
      'CLP*PCN9*1*1000*400**12*ICN9',
      'CAS*CO*45*100*1*253*10**94*20**97*30**59*40**16*10',
      'NM1*QC*1*DOE*JOHN****MI*M123',
      'NM1*IL*1*DOE*JANE****MI*SUB1',
      'REF*F8*OLDICN',
      'AMT*I*1.25',
      'SVC*HC:99213:25:59*800*400**2',
      'DTM*472*20240105',
      'CAS*PR*1*200*2',
      'AMT*B6*600',
      'REF*6R*L1',
    ]);
    expect(codes(r.diagnostics)).toEqual([]);
    const c = r.remittances[0]!.claims[0]!;
    expect(c.adjustments.map((a) => [a.group, a.reason, a.amount, a.quantity, a.triplet])).toEqual([
      ['CO', '45', 10000, '1', 1],
      ['CO', '253', 1000, '', 2],
      ['CO', '94', 2000, '', 3],
      ['CO', '97', 3000, '', 4],
      ['CO', '59', 4000, '', 5],
      ['CO', '16', 1000, '', 6],
    ]);
    expect(c).toMatchObject({ memberId: 'M123', originalReference: 'OLDICN', interest: 125, patientResponsibility: null });
    expect(c.services).toEqual([
      expect.objectContaining({ procedureQualifier: 'HC', procedureCode: '99213', modifiers: ['25', '59'], charge: 80000, paid: 40000, units: '2', serviceDate: '2024-01-05', allowed: 60000, lineControl: 'L1' }),
    ]);
    expect(c.services[0]!.adjustments).toEqual([expect.objectContaining({ group: 'PR', reason: '1', amount: 20000, quantity: '2' })]);
    expect(r.remittances[0]!.totals.claimAdjustments).toBe(10000 + 1000 + 2000 + 3000 + 4000 + 1000 + 20000);
  });

  it('a reversal keeps its negated amounts', () => {
    const r = remitWith(['LX*1', 'CLP*PCN1*22*-180*-180*0*12*ICN1', 'SVC*HC:99213*-180*-180**1']);
    expect(r.remittances[0]!.claims[0]).toMatchObject({ statusCode: '22', charge: -18000, paid: -18000, patientResponsibility: 0 });
  });

  it('SVC before any CLP is ignored with a warning', () => {
    const r = remitWith(['LX*1', 'SVC*HC:99213*10*10']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'REMIT_UNEXPECTED_SEGMENT', segmentId: 'SVC' })]);
  });

  it('a remittance without BPR and TRN is read, with errors at its ST', () => {
    const r = record(wrap835('ST*835*0001~N1*PR*P~SE*3*0001~'));
    expect(r.diagnostics.map((d) => [d.code, d.segmentId, d.segment])).toEqual([
      ['REMIT_MISSING_SEGMENT', 'ST', 3],
      ['REMIT_MISSING_SEGMENT', 'ST', 3],
    ]);
  });

  it('claims can be streamed without being kept', async () => {
    const { parseBuffer } = await import('../../src/input/parse.js');
    const seen: string[] = [];
    let kept = -1;
    parseBuffer('x', Buffer.from(wrap835(tiny835())), { claim: (c, rem) => seen.push(`${c.patientControlNumber}@${rem.trace.number}`), remittance: (rem) => (kept = rem.claims.length) }, { keepClaims: false });
    expect(seen).toEqual(['PCN1@TRACE1']);
    expect(kept).toBe(0);
  });
});
