// The compact claim index: hashes in memory, claims read back from disk and checked (issue #6).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patientName } from '../../src/analysis/build-rows.js';
import { linkOffsetTable, MAX_CANDIDATES } from '../../src/analysis/link.js';
import { claimKeyHashes, CompactClaimIndex, type IndexedClaim, readClaimAt } from '../../src/claim-index/compact-index.js';
import { parseBuffer } from '../../src/input/parse.js';
import { DEFAULT_DELIMITERS, type Delimiters } from '../../src/x12/delimiters.js';

/** A claim added as the scan adds it: by the hashes of its keys, with its details. */
function addTo(index: CompactClaimIndex, path: string, byteOffset: number, c: IndexedClaim): void {
  index.addClaim(path, byteOffset, claimKeyHashes(c.icn, c.pcn, c.originalReference), c);
}

const dir = mkdtempSync(join(tmpdir(), 'recoup-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, 'latin1');
  return path;
}

const D = DEFAULT_DELIMITERS;

describe('readClaimAt reads one claim back as the tokenizer would', () => {
  it('CLP, patient name and REF*F8; stops at the next CLP', () => {
    const text = 'ST*835*1~CLP*PCN1*1*100*80**12*ICN0001*11*1~NM1*QC*1*DOE*JANE****MI*X~REF*F8*ORIG7~SVC*HC:99213*100*80~CLP*PCN2*1*5*5**12*ICN0002~NM1*QC*1*ROE*RAY~';
    const path = file('a.835', text);
    expect(readClaimAt(path, text.indexOf('CLP*PCN1'), D)).toEqual({ pcn: 'PCN1', icn: 'ICN0001', originalReference: 'ORIG7', statusCode: '1', patient: 'DOE, JANE', paid: 8000 });
    expect(readClaimAt(path, text.indexOf('CLP*PCN2'), D)).toEqual({ pcn: 'PCN2', icn: 'ICN0002', originalReference: '', statusCode: '1', patient: 'ROE, RAY', paid: 500 });
  });

  it('lower-case ids, CR/LF after terminators, stray characters and a claim longer than the first read', () => {
    // claim-level segments (CAS, DTM) long enough that the REF*F8 after them is past the first read
    const lines = Array.from({ length: 200 }, () => `cas*CO*45*1~\r\ndtm*050*20240101~\r\n`).join('');
    const text = `clp*P9*22*-10*-10**12*I9~\r\n~nm1*QC*1*LEE*ANA~\r\n${lines}ref*F8*OLD9~\r\nse*9*1~`;
    const path = file('b.835', text);
    expect(readClaimAt(path, 0, D)).toEqual({ pcn: 'P9', icn: 'I9', originalReference: 'OLD9', statusCode: '22', patient: 'LEE, ANA', paid: -1000 });
  });

  it('a claim at the end of the file without a final terminator', () => {
    const path = file('c.835', 'CLP*Z*1*1*1**12*ZZ~NM1*QC*1*KIM');
    expect(readClaimAt(path, 0, D)).toMatchObject({ pcn: 'Z', icn: 'ZZ', patient: 'KIM' });
    const last = 'SVC*HC:1*1*1~CLP*Y*1*1*1.5**12*YY';
    expect(readClaimAt(file('c2.835', last), last.indexOf('CLP'), D)).toEqual({ pcn: 'Y', icn: 'YY', originalReference: '', statusCode: '1', patient: '', paid: 150 });
  });

  it('a position that is not a CLP (the file changed), or a file that is gone: null, never a wrong claim', () => {
    const path = file('d.835', 'NM1*QC*1*X~CLP*A*1*1*1~');
    expect(readClaimAt(path, 0, D)).toBeNull();
    expect(readClaimAt(join(dir, 'missing.835'), 0, D)).toBeNull();
    // the CLP must be the first thing at the position, not after something skipped
    expect(readClaimAt(file('d2.835', '12345*X~CLP*A*1*1*1~'), 0, D)).toBeNull();
    expect(readClaimAt(file('d3.835', '\r\n CLP*A*1*1*1~'), 0, D)).toBeNull();
  });
});

describe('CompactClaimIndex', () => {
  const remittance = (path: string, trace: string) => ({ traceNumber: trace, payerKey: 'P1', paymentDate: '2024-01-05', file: path, offset: 0, delimiters: D, path });

  it('finds claims by CLP07, CLP01 and REF*F8 with their remittance, and only the real key', () => {
    const text = 'ST*835*1~CLP*PCN1*1*100*80**12*ICN0001~NM1*QC*1*DOE*JANE~CLP*PCN2*1*5*5**12*ICN0002~REF*F8*ICN0001~SE*5*1~';
    const path = file('e.835', text);
    const index = new CompactClaimIndex();
    index.addRemittance(remittance(path, 'T1'));
    addTo(index, path, text.indexOf('CLP*PCN1'), { pcn: 'PCN1', icn: 'ICN0001', originalReference: '', statusCode: '1', patient: 'DOE, JANE', paid: 8000 });
    addTo(index, path, text.indexOf('CLP*PCN2'), { pcn: 'PCN2', icn: 'ICN0002', originalReference: 'ICN0001', statusCode: '1', patient: '', paid: 500 });
    expect(index.claimsByIcn('ICN0001').map((c) => [c.pcn, c.patient, c.traceNumber, c.file])).toEqual([['PCN1', 'DOE, JANE', 'T1', path]]);
    expect(index.claimsByPcn('PCN2').map((c) => c.icn)).toEqual(['ICN0002']);
    expect(index.claimsByOriginalReference('ICN0001').map((c) => c.pcn)).toEqual(['PCN2']);
    expect(index.claimsByIcn('ICN0003')).toEqual([]);
    expect(index.remittancesByTrace('T1')).toHaveLength(1);
    expect(index.claimCount).toBe(2);
    index.closeFiles();
  });

  it('a file rewritten after it was indexed gives no link rather than a wrong one', () => {
    const text = 'CLP*PCN1*1*100*80**12*ICN0001~SE*2*1~';
    const path = file('f.835', text);
    const index = new CompactClaimIndex();
    index.addRemittance(remittance(path, 'T1'));
    addTo(index, path, 0, { pcn: 'PCN1', icn: 'ICN0001', originalReference: '', statusCode: '1', patient: '', paid: 8000 });
    writeFileSync(path, 'CLP*OTHER*1*1*1**12*ICN9999~');
    expect(index.claimsByIcn('ICN0001')).toEqual([]);
  });

  it('links are kept compact and rebuilt on demand, with the claim read back', () => {
    const text = 'ST*835*1~CLP*PCN1*1*100*80**12*ICN0001~NM1*QC*1*DOE*JANE~SE*3*1~';
    const path = file('h.835', text);
    const index = new CompactClaimIndex();
    index.addRemittance(remittance(path, 'T1'));
    addTo(index, path, text.indexOf('CLP'), { pcn: 'PCN1', icn: 'ICN0001', originalReference: '', statusCode: '1', patient: 'DOE, JANE', paid: 8000 });
    const offsets = [
      { payerKey: 'P1', reasonCode: 'WO', reference: 'ICN0001', amount: 500 },
      { payerKey: 'P1', reasonCode: 'WO', reference: 'NOPE', amount: 100 },
    ];
    const table = linkOffsetTable(index, offsets.length, (i) => offsets[i]!);
    expect(table.get(0)).toMatchObject({ basis: 'icn', claim: { pcn: 'PCN1', patient: 'DOE, JANE', traceNumber: 'T1' }, note: '' });
    expect(table.get(1)).toMatchObject({ basis: 'none', claim: null });
    index.closeFiles();
  });

  it('claims from standard input are kept in memory (they cannot be read back)', () => {
    const index = new CompactClaimIndex();
    index.addRemittance({ ...remittance('-', 'T9'), file: '<stdin>' });
    addTo(index, '-', 1234, { pcn: 'S1', icn: 'SICN1', originalReference: '', statusCode: '1', patient: 'ROE, RAY', paid: 100 });
    addTo(index, '-', 1300, { pcn: 'S2', icn: 'SICN2', originalReference: 'SICN1', statusCode: '22', patient: 'LEE,\u0000 ANA', paid: -100 });
    expect(index.claimsByIcn('SICN1').map((c) => [c.pcn, c.patient, c.file])).toEqual([['S1', 'ROE, RAY', '<stdin>']]);
    expect(index.claimsByOriginalReference('SICN1')).toMatchObject([{ pcn: 'S2', icn: 'SICN2', statusCode: '22', patient: 'LEE, ANA', paid: -100, traceNumber: 'T9' }]);
  });

  it(`a key shared by more than ${MAX_CANDIDATES} claims stops after ${MAX_CANDIDATES + 1} (the linker calls it ambiguous)`, () => {
    const one = 'CLP*SAME*1*1*1**12*DUP~';
    const text = one.repeat(MAX_CANDIDATES * 2);
    const path = file('g.835', text);
    const index = new CompactClaimIndex();
    index.addRemittance(remittance(path, 'T1'));
    for (let i = 0; i < MAX_CANDIDATES * 2; i++) addTo(index, path, i * one.length, { pcn: 'SAME', icn: 'DUP', originalReference: '', statusCode: '1', patient: '', paid: 100 });
    expect(index.claimsByIcn('DUP')).toHaveLength(MAX_CANDIDATES + 1);
    index.closeFiles();
  });

  it('index memory per claim stays small (hash tables and positions, no strings)', () => {
    const index = new CompactClaimIndex();
    index.addRemittance(remittance(join(dir, 'none.835'), 'T1'));
    const n = 200_000;
    for (let i = 0; i < n; i++) addTo(index, join(dir, 'none.835'), i * 300, { pcn: `P${i}`, icn: `I${i}`, originalReference: '', statusCode: '1', patient: 'X', paid: 1 });
    expect(index.bytes / n).toBeLessThan(40); // 36.7 measured at 200,000; 23 at 3 million
  });
});

/** Parses `path` and reads each claim back at its position: both views of every claim, in file order. */
function parityOf(path: string): { readBack: unknown[]; parsed: unknown[] } {
  const readBack: unknown[] = [];
  const parsed: unknown[] = [];
  const claims: Array<{ offset: number; delimiters: Delimiters }> = [];
  parseBuffer(path, readFileSync(path), {
    claim(c, r) {
      claims.push({ offset: c.origin.byteOffset, delimiters: r.delimiters });
      const claim: IndexedClaim = { pcn: c.patientControlNumber, icn: c.payerClaimControlNumber, originalReference: c.originalReference, statusCode: c.statusCode, patient: patientName(c), paid: c.paid };
      parsed.push({ offset: c.origin.byteOffset, claim });
    },
  });
  for (const c of claims) readBack.push({ offset: c.offset, claim: readClaimAt(path, c.offset, c.delimiters) });
  return { readBack, parsed };
}

describe('readClaimAt gives what the parser gave, for every claim of every fixture', () => {
  const root = join(import.meta.dirname, '..', '..', 'fixtures');
  const files = (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => !f.endsWith('.md') && !f.endsWith('.tsv') && !f.includes('LICENSES') && statSync(join(root, f)).isFile())
    .sort();

  it('covers the fixtures (demo, cases and the public corpus)', () => {
    expect(files.filter((f) => f.startsWith('corpus')).length).toBeGreaterThanOrEqual(58);
    expect(files.filter((f) => f.startsWith('demo')).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.startsWith('cases')).length).toBeGreaterThanOrEqual(11);
  });

  it('pcn, icn, REF*F8, status, patient and paid equal the parsed claim', () => {
    let claims = 0;
    for (const f of files) {
      const { readBack, parsed } = parityOf(join(root, f));
      expect({ file: f, claims: readBack }).toEqual({ file: f, claims: parsed });
      claims += parsed.length;
    }
    expect(claims).toBeGreaterThan(600);
  });

  it('and for claims written oddly: padding, UTF-8 and Latin-1 names, stray characters, hard wraps, bad amounts, lower case', () => {
    const body = (name: string) =>
      'ST*835*1~BPR*I*1*C*ACH~TRN*1*T1*1~N1*PR*P~N1*PE*Q~LX*1~' +
      `CLP* PAD1 *1*100*80**12* ICN1 ~NM1*QC*1* ${name} * JOSÉ ~REF*F8* O1 ~SVC*HC:1*1*1~` +
      '#CLP*P2*22*-5*-5**12*I2~\r\nNM1*QC*1*ROE~' +
      'CLP*P3*1*1*8.5x**12*I3~NM1*QC*1**ANN~' +
      'CLP*P4*1*10*10**12*I\r\n4~NM1*QC*1*WR\nAP*PED~' +
      'clp*p5*1*1*1.50**12*i5~nm1*QC*1*LOW*ER~ref*F8*I4~' +
      'SE*20*1~';
    const utf8 = join(dir, 'odd-utf8.835');
    writeFileSync(utf8, Buffer.from(body('MÜLLER'), 'utf8'));
    const latin1 = join(dir, 'odd-latin1.835');
    writeFileSync(latin1, Buffer.from(body('MÜLLER'), 'latin1'));
    for (const path of [utf8, latin1]) {
      const { readBack, parsed } = parityOf(path);
      expect(parsed).toHaveLength(5);
      expect(readBack).toEqual(parsed);
    }
    expect(parityOf(utf8).parsed[0]).toMatchObject({ claim: { pcn: 'PAD1', icn: 'ICN1', patient: 'MÜLLER, JOSÉ', originalReference: 'O1' } });
  });

  it('and where a name or REF*F8 is out of place: after a service line, after a new N1, after an ST with no SE', () => {
    const text =
      'ST*835*1~BPR*I*1*C*ACH~TRN*1*T1*1~N1*PR*P~N1*PE*Q~LX*1~' +
      'CLP*A1*1*1*1**12*IA1~SVC*HC:1*1*1~NM1*QC*1*LATE*NAME~REF*F8*LATEREF~' +
      'CLP*A2*1*1*1**12*IA2~N1*PR*OTHER PAYER~NM1*QC*1*AFTER*N1~REF*F8*N1REF~' +
      'CLP*A3*1*1*1**12*IA3~ST*835*2~BPR*I*1*C*ACH~TRN*1*T2*1~NM1*QC*1*NEXT*ST~REF*F8*STREF~CLP*B1*1*1*1**12*IB1~SE*6*2~';
    const path = join(dir, 'out-of-place.835');
    writeFileSync(path, text);
    const { readBack, parsed } = parityOf(path);
    expect(parsed.map((p) => (p as { claim: IndexedClaim }).claim)).toMatchObject([
      { pcn: 'A1', patient: '', originalReference: '' },
      { pcn: 'A2', patient: '', originalReference: '' },
      { pcn: 'A3', patient: '', originalReference: '' },
      { pcn: 'B1' },
    ]);
    expect(readBack).toEqual(parsed);
  });
});
