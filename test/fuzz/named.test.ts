// Named hostile inputs (issue #7): truncation at every segment, 10,000 PLB pairs in one remittance, a
// million claims in one remittance and a 20 MB segment with flat memory, and partly valid files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/diagnostics.js';
import { formatCents } from '../../src/remit/money.js';
import { scan } from '../../src/scan/scan.js';
import { run as cli } from '../cli/helpers.js';
import { corpusDir, read, record, ROOT } from '../helpers.js';
import { segmentRanges } from './mutate.js';

const dir = mkdtempSync(join(tmpdir(), 'recoup-named-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KNOWN = new Set(Object.keys(DIAGNOSTIC_CODES));

/** What a remittance is, for comparing a truncated read with the whole one. */
const fingerprint = (r: { trace: { number: string }; payment: { amount: number }; claimCount: number; transactionControl: string }): string =>
  `${r.transactionControl}|${r.trace.number}|${r.payment.amount}|${r.claimCount}`;

describe('truncated at every segment boundary and in the middle of every segment', () => {
  // [file, the complete remittances it holds]
  const files: Array<[string, number]> = [
    [join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835'), 1],
    [join(corpusDir(), 'azoner__pyx12__test__files__mult_isa.txt'), 4],
    [join(corpusDir(), 'kputnam__stupidedi__samples__835__all.txt'), 5], // CRLF after every terminator
  ];
  it.each(files.map(([f, n]) => [f.split('/').pop()!, f, n] as const))('%s', (_name, path, remittances) => {
    const whole = read(path);
    const complete = record(whole).remittances.filter((r) => r.closed);
    expect(complete).toHaveLength(remittances);
    const ranges = segmentRanges(whole);
    /** For each complete remittance, how many cuts after its SE read it back exactly. */
    const readBack = complete.map(() => 0);
    for (const [start, end] of ranges) {
      for (const cut of [end, start + Math.floor((end - start) / 2)]) {
        const part = record(whole.subarray(0, cut));
        for (const d of part.diagnostics) expect(KNOWN.has(d.code)).toBe(true);
        // every remittance whose SE came before the cut is read exactly as in the whole file
        const before = complete.filter((r) => r.closed && whole.indexOf('SE', r.origin.byteOffset) < cut && segmentEndAfter(whole, r.origin.byteOffset, ranges) <= cut);
        const got = part.remittances.filter((r) => r.closed).map(fingerprint);
        for (const r of before) expect(got).toContain(fingerprint(r));
        // cut at a segment boundary: those and no other remittance are complete
        if (cut === end) expect(got).toEqual(before.map(fingerprint));
        for (const r of before) readBack[complete.indexOf(r)]!++;
      }
    }
    // the checks above compared something: every remittance of the file was read back from a truncated
    // copy, at every cut after its SE (the SE's end, then the start and middle of each later segment)
    const sePos = complete.map((r) => segmentEndAfter(whole, r.origin.byteOffset, ranges));
    expect(sePos.every((e) => Number.isFinite(e))).toBe(true);
    expect(readBack).toEqual(sePos.map((e) => 1 + 2 * ranges.filter(([s]) => s >= e).length));
  });
});

/** Byte offset just past the SE that closes the remittance starting at `st`. */
function segmentEndAfter(buf: Buffer, st: number, ranges: Array<[number, number]>): number {
  for (const [s, e] of ranges) {
    if (s <= st) continue;
    const id = buf.toString('latin1', s, e).replace(/^\s+/, ''); // the segment may start after a CRLF
    if (/^SE[^A-Z0-9]/i.test(id)) return e;
  }
  return Number.POSITIVE_INFINITY;
}

function remittance(claims: string[], plbs: string[], paid: string, trace = 'T1', control = '0001'): string {
  const body = [`BPR*I*${paid}*C*ACH*CCP*01*011000015*DA*1*1999999999**01*021000021*DA*2*20240105`, `TRN*1*${trace}*1999999999`, 'N1*PR*PAYER*XV*P1', 'N1*PE*CLINIC*XX*1234567893', 'LX*1', ...claims, ...plbs];
  return [`ST*835*${control}`, ...body, `SE*${body.length + 2}*${control}`].join('~') + '~';
}

function interchange(...transactions: string[]): string {
  return (
    'ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240105*1200*^*00501*000000001*0*P*:~GS*HP*PAYER*CLINIC*20240105*1200*1*X*005010X221A1~' +
    transactions.join('') +
    `GE*${transactions.length}*1~IEA*1*000000001~`
  );
}

describe('10,000 PLB pairs in one remittance', () => {
  it('every pair is an offset row, the amounts add up to the cent, the remittance balances', async () => {
    const plbs: string[] = [];
    let total = 0;
    for (let seg = 0; seg < 10_000 / 6; seg++) {
      const pairs: string[] = [];
      for (let p = 0; p < 6 && seg * 6 + p < 10_000; p++) {
        const n = seg * 6 + p;
        const cents = (n % 2 === 0 ? 1 : -1) * (n + 1);
        total += cents;
        pairs.push(`WO:REF${n}*${formatCents(cents)}`);
      }
      plbs.push(`PLB*1234567893*20241231*${pairs.join('*')}`);
    }
    const claimPaid = 1_000_000_00;
    const path = join(dir, 'plb10k.835');
    writeFileSync(path, interchange(remittance([`CLP*A*1*${formatCents(claimPaid)}*${formatCents(claimPaid)}**12*ICN1`], plbs, formatCents(claimPaid - total))));
    const t0 = performance.now();
    const result = await scan([path], { reports: ['offsets', 'payments'] });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(result.reports.offsets).toHaveLength(10_000);
    expect(result.reports.offsets![9_999]).toMatchObject({ reference: 'REF9999', amount: '-100.00', link_basis: 'none' });
    expect(result.reports.payments![0]).toMatchObject({ provider_adjustments: formatCents(total), balanced: 'yes', difference: '0.00' });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });
});

describe('partly valid files: every good remittance is reported, the run says what was skipped and why', () => {
  it('an 837, a 999 and a 277 between good remittances, and a last remittance cut short', async () => {
    const other = (type: string, control: string): string => `ST*${type}*${control}~BHT*0019*00*1*20240105*1200*CH~SE*3*${control}~`;
    const good1 = remittance(['CLP*A*1*100*100**12*ICN1'], [], '100.00', 'T1', '0001');
    const good2 = remittance(['CLP*B*1*50*50**12*ICN2'], [], '50.00', 'T2', '0005');
    const cut = remittance(['CLP*C*1*70*70**12*ICN3', 'CLP*D*1*30*30**12*ICN4'], [], '100.00', 'T3', '0006');
    const whole = interchange(good1, other('837', '0002'), other('999', '0003'), other('277', '0004'), good2, cut);
    const text = whole.slice(0, whole.indexOf('CLP*D')); // the transfer stopped mid-remittance
    const path = join(dir, 'partly.835');
    writeFileSync(path, text);
    const r = await cli(['scan', path, '--report', 'payments', '--csv']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined }); // the cut-short remittance is an error
    expect(r.stderr).toContain(`partly.835: segment 28 ST, byte ${text.indexOf('ST*835*0006')}: error X12_MISSING_TRAILER: transaction ST 0006 has no SE trailer before the end of the input: it is cut short`);
    const rows = r.stdout.trim().split('\n').slice(1);
    expect(rows.map((l) => l.split(',')[7])).toEqual(['T1', 'T2', 'T3']);
    expect(r.stderr).toContain('3 remittances');
    expect(r.stderr).toContain('1 remittance cut short (no SE; read as far as they go)');
    expect(r.stderr).toContain('3 non-835 transactions skipped (277 ×1, 837 ×1, 999 ×1)');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('a file cut off after its last claim still sums up, but its remittance is not called balanced', async () => {
    const whole = read(join(ROOT, 'fixtures/demo/02-blueriver-2024-01-08.835')).toString('latin1');
    const path = join(dir, 'cut.835');
    writeFileSync(path, whole.slice(0, whole.indexOf('SE|')), 'latin1'); // this file's element separator is |
    const r = await cli(['scan', path, '--report', 'payments', '--csv']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stdout.trim().split('\n')[1]).toMatch(/,CHK500123,2024-01-08,CHK,I,310\.50,3,2,0\.00,0\.00,0\.00,no,0\.00$/);
    expect(r.stderr).toContain('0 balanced, 1 unbalanced');
    expect(r.stderr).toContain('1 remittance cut short');
  });
});

describe('memory stays flat (a child process with --expose-gc, on the built code)', () => {
  const probe = `
    import { RemittanceParser } from ${JSON.stringify(join(ROOT, 'dist/input/parse.js'))};
    const mode = process.argv[1];
    const heap = () => { global.gc(); return process.memoryUsage().heapUsed; };
    let claims = 0, diags = [];
    const p = new RemittanceParser('gen.835', { claim() { claims++; }, diagnostic(d) { diags.push(d.code); } }, { keepClaims: false });
    p.write(Buffer.from('ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240105*1200*^*00501*000000001*0*P*:~GS*HP*PAYER*CLINIC*20240105*1200*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON************20240105~TRN*1*T1*1999999999~N1*PR*PAYER~N1*PE*CLINIC*XX*1~LX*1~'));
    const marks = [];
    if (mode === 'claims') {
      for (let block = 0; block < 1000; block++) {
        let text = '';
        for (let i = 0; i < 1000; i++) { const n = block * 1000 + i; text += 'CLP*P' + n + '*1*10*10**12*I' + n + '~NM1*QC*1*DOE*JO~SVC*HC:99213*10*10**1~DTM*472*20240101~'; }
        p.write(Buffer.from(text));
        if (block === 199 || block === 999) marks.push(heap());
      }
    } else {
      p.write(Buffer.from('CLP*P1*1*10*10**12*'));
      const a = Buffer.alloc(1024 * 1024, 0x41);
      for (let i = 0; i < 20; i++) { p.write(a); if (i === 4 || i === 19) marks.push(heap()); }
      p.write(Buffer.from('~SE*3*0001~'));
    }
    p.end();
    console.log(JSON.stringify({ claims, marks, codes: [...new Set(diags)] }));`;
  const run = (mode: string): { claims: number; marks: number[]; codes: string[] } =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe, mode], { encoding: 'utf8', maxBuffer: 1 << 20 })) as never;

  it('a remittance with a million claims: the heap at 1,000,000 claims is within 8 MB of the heap at 200,000', () => {
    const r = run('claims');
    expect(r.claims).toBe(1_000_000);
    expect(r.marks[1]! - r.marks[0]!).toBeLessThan(8 * 1024 * 1024);
  });

  it('a 20 MB segment without a terminator is X12_SEGMENT_TOO_LONG, and the heap does not hold it', () => {
    const r = run('long');
    expect(r.codes).toContain('X12_SEGMENT_TOO_LONG');
    expect(r.marks[1]! - r.marks[0]!).toBeLessThan(4 * 1024 * 1024);
    expect(Math.max(...r.marks)).toBeLessThan(32 * 1024 * 1024);
  });
});
