import { describe, expect, it } from 'vitest';
import { codes, record, tiny835, wrap835 } from '../helpers.js';

const good = wrap835(tiny835());

describe('envelope checks are diagnostics with positions, never crashes', () => {
  it('a well-formed interchange has no diagnostics', () => {
    const r = record(good);
    expect(r.diagnostics).toEqual([]);
    expect(r.remittances).toHaveLength(1);
    expect(r.remittances[0]).toMatchObject({ interchangeControl: '000000001', groupControl: '1', transactionControl: '0001', segmentCount: 10, closed: true });
  });

  it.each([
    ['SE01 wrong', good.replace('SE*10*0001', 'SE*12*0001'), 'X12_COUNT_MISMATCH', 'SE', 'SE01'],
    ['SE02 differs from ST02', good.replace('SE*10*0001', 'SE*10*0002'), 'X12_CONTROL_MISMATCH', 'SE', 'SE02'],
    ['GE01 wrong', good.replace('GE*1*1', 'GE*2*1'), 'X12_COUNT_MISMATCH', 'GE', 'GE01'],
    ['GE02 differs from GS06', good.replace('GE*1*1', 'GE*1*7'), 'X12_CONTROL_MISMATCH', 'GE', 'GE02'],
    ['IEA01 wrong', good.replace('IEA*1*', 'IEA*3*'), 'X12_COUNT_MISMATCH', 'IEA', 'IEA01'],
    ['IEA02 differs from ISA13', good.replace('IEA*1*000000001', 'IEA*1*000000009'), 'X12_CONTROL_MISMATCH', 'IEA', 'IEA02'],
  ])('%s → %s at the trailer', (_name, input, code, segmentId, element) => {
    const r = record(input);
    const offset = input.indexOf(`~${segmentId}*`) + 1;
    expect(r.diagnostics).toEqual([expect.objectContaining({ code, severity: 'warning', segmentId, element, byteOffset: offset, file: 'test.835' })]);
    expect(r.remittances).toHaveLength(1); // the remittance is still read
  });

  it('counts compare as numbers: IEA02 000000001 = ISA13 1', () => {
    expect(record(good.replace('IEA*1*000000001', 'IEA*1*1')).diagnostics).toEqual([]);
  });

  it('missing SE: the transaction is closed at GE with a warning at its ST', () => {
    const input = good.replace(/SE\*10\*0001~/, '');
    const r = record(input);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'X12_MISSING_TRAILER', segmentId: 'ST', segment: 3, byteOffset: input.indexOf('ST*835') })]);
    expect(r.remittances[0]).toMatchObject({ closed: false, segmentCount: 9 });
    expect(r.remittances[0]!.providerAdjustments).toHaveLength(1);
  });

  it('missing GE and IEA at the end of the input', () => {
    const input = good.slice(0, good.indexOf('GE*'));
    const r = record(input);
    expect(r.diagnostics.map((d) => [d.code, d.segmentId])).toEqual([
      ['X12_MISSING_TRAILER', 'GS'],
      ['X12_MISSING_TRAILER', 'ISA'],
    ]);
  });

  it('a second ST before SE closes the first (missing trailer) and reads both', () => {
    const body = tiny835().replace(/SE\*10\*0001~$/, '') + tiny835({ control: '0002' });
    const r = record(wrap835(body).replace('GE*1*1', 'GE*2*1'));
    expect(codes(r.diagnostics)).toEqual(['X12_MISSING_TRAILER']);
    expect(r.remittances.map((x) => [x.transactionControl, x.closed])).toEqual([
      ['0001', false],
      ['0002', true],
    ]);
  });

  it('segments outside any transaction are reported once per run', () => {
    const input = good.replace('GS*HP', 'N3*STRAY~N4*CITY~GS*HP');
    const r = record(input);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'X12_OUTSIDE_ENVELOPE', segment: 2, segmentId: 'N3', byteOffset: input.indexOf('N3*STRAY') })]);
    expect(r.diagnostics[0]!.message).toContain('2 segments');
  });

  it('trailers with nothing open are reported', () => {
    const r = record(good + 'SE*2*9~GE*1*9~');
    expect(r.diagnostics.map((d) => [d.code, d.segmentId])).toEqual([
      ['X12_UNEXPECTED_TRAILER', 'SE'],
      ['X12_UNEXPECTED_TRAILER', 'GE'],
    ]);
  });

  it('an 837 and a 999 in the same file are skipped; the 835s around them are read', () => {
    const other = (type: string, ctl: string): string => `ST*${type}*${ctl}~BHT*0019*00*X~SE*3*${ctl}~`;
    const body = tiny835() + other('837', '0002') + other('999', '0003') + tiny835({ control: '0004' });
    const input = wrap835(body).replace('GE*1*1', 'GE*4*1');
    const r = record(input);
    expect(r.diagnostics.map((d) => [d.code, d.element, d.byteOffset])).toEqual([
      ['X12_NOT_835', 'ST01', input.indexOf('ST*837')],
      ['X12_NOT_835', 'ST01', input.indexOf('ST*999')],
    ]);
    expect(r.remittances.map((x) => x.transactionControl)).toEqual(['0001', '0004']);
  });

  it('an ISA while a group is open reports the missing GE and IEA, then reads on', () => {
    const first = good.slice(0, good.indexOf('GE*'));
    const r = record(first + wrap835(tiny835({ control: '0002' }), { control: '000000002' }));
    expect(r.diagnostics.map((d) => [d.code, d.segmentId])).toEqual([
      ['X12_MISSING_TRAILER', 'GS'],
      ['X12_MISSING_TRAILER', 'ISA'],
    ]);
    expect(r.remittances.map((x) => x.interchangeControl)).toEqual(['000000001', '000000002']);
  });
});
