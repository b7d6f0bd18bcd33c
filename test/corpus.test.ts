// Every public corpus file (fixtures/corpus, vendored; enumerated so a new file is tested automatically),
// any extra file given with RECOUP_CORPUS=<dir>, and every fixture: read without a crash, each yields
// remittances or coded diagnostics, and the result does not depend on how the bytes were chunked. The
// counts documented in PROVENANCE.tsv are checked for the files it lists.

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../src/diagnostics/diagnostics.js';
import { corpusDir, corpusFiles, fixtureFiles, read, record } from './helpers.js';

interface Provenance {
  file: string;
  hasPlb: boolean;
  plbCodes: string[];
  st835: number;
  isa: number;
  terminator: string;
}

function provenance(): Map<string, Provenance> {
  const rows = readFileSync(join(corpusDir(), 'PROVENANCE.tsv'), 'utf8').trim().split('\n');
  const header = rows[0]!.split('\t');
  const col = (name: string): number => header.indexOf(name);
  const map = new Map<string, Provenance>();
  for (const line of rows.slice(1)) {
    const f = line.split('\t');
    map.set(f[col('file')]!, {
      file: f[col('file')]!,
      hasPlb: f[col('has_plb')] === 'yes',
      plbCodes: (f[col('plb_reason_codes')] ?? '').split(',').filter((s) => s !== ''),
      st835: Number(f[col('n_st835')]),
      isa: Number(f[col('n_isa')]),
      terminator: f[col('segment_terminator')]!,
    });
  }
  return map;
}

/** Deterministic pseudo-random chunk sizes (mulberry32), so a failure can be replayed. */
export function randomChunks(total: number, seed: number, max = 97): number[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: number[] = [];
  let sum = 0;
  while (sum < total) {
    const n = 1 + Math.floor(next() * max);
    out.push(n);
    sum += n;
  }
  return out;
}

const files = corpusFiles();
const prov = provenance();
/** The vendored files PROVENANCE.tsv documents; extra RECOUP_CORPUS files are not among them. */
const documented = files.filter((f) => dirname(f) === corpusDir() && prov.has(basename(f)));
const extra = files.filter((f) => !documented.includes(f));
const label = (f: string): string => (extra.includes(f) ? `RECOUP_CORPUS: ${basename(f)}` : basename(f));

describe('public corpus (fixtures/corpus)', () => {
  it('holds every file PROVENANCE.tsv lists (58 at the time of writing), and every one is tested', () => {
    expect(documented.length).toBeGreaterThanOrEqual(58);
    expect(documented.map((f) => basename(f)).sort()).toEqual([...prov.keys()].sort());
    expect(files.filter((f) => dirname(f) === corpusDir())).toEqual(documented); // nothing vendored without provenance
  });

  it('has a license file for every source repository', () => {
    const repos = new Set(readFileSync(join(corpusDir(), 'PROVENANCE.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[1]!));
    for (const repo of repos) expect(existsSync(join(corpusDir(), 'LICENSES', `${repo.replace('/', '__')}.txt`)), repo).toBe(true);
  });

  it.each(documented.map((f) => [basename(f), f]))('%s: remittances or coded diagnostics, counts as documented', (name, path) => {
    const r = record(read(path), undefined, name);
    const p = prov.get(name)!;
    for (const d of r.diagnostics) {
      expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
      expect(d.file).toBe(name);
      expect(typeof d.message).toBe('string');
    }
    expect(r.remittances.length + r.diagnostics.length).toBeGreaterThan(0);
    // every ST*835 the provenance counted is read as a remittance
    expect(r.remittances.length).toBe(p.st835);
    const plbCodes = [...new Set(r.remittances.flatMap((x) => x.providerAdjustments.map((a) => a.reasonCode)))].sort();
    expect(plbCodes).toEqual([...p.plbCodes].sort());
    expect(r.remittances.some((x) => x.plbSegments > 0)).toBe(p.hasPlb);
  });

  // Extra files (RECOUP_CORPUS) have no documented counts: they must read without a crash and with known codes.
  it.runIf(extra.length > 0).each(extra.map((f) => [label(f), f]))('%s: remittances or coded diagnostics', (name, path) => {
    const r = record(read(path), undefined, name);
    for (const d of r.diagnostics) expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
    expect(r.remittances.length + r.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('chunk invariance: whole, 1-byte chunks and random splits give identical events', () => {
  const all = [...files, ...fixtureFiles()];
  it.each(all.map((f) => [label(f), f]))('%s', (name, path) => {
    const data = read(path);
    const whole = record(data, undefined, name).events;
    if (data.length <= 64 * 1024) {
      expect(record(data, Array.from({ length: data.length }, () => 1), name).events).toEqual(whole);
    } else {
      // large files: 1-byte chunks over the first 64 KiB, then the rest at once
      expect(record(data, Array.from({ length: 64 * 1024 }, () => 1), name).events).toEqual(whole);
    }
    for (const seed of [1, 2, 3]) {
      expect(record(data, randomChunks(data.length, seed * 7919 + data.length), name).events).toEqual(whole);
    }
  });
});

describe('balance check on the corpus (TR3 §1.10.2.1)', () => {
  it('finds exactly the remittances whose Σ CLP04 − Σ PLB ≠ BPR02, each checked by hand; unreadable ones are unknown', async () => {
    const { scan } = await import('../src/scan/scan.js');
    // each file is its own run: the corpus holds many copies of the same sample payment from different projects
    const unbalanced: string[][] = [];
    const unknown: string[][] = [];
    let remittances = 0;
    let balanced = 0;
    let duplicates = 0;
    for (const path of corpusFiles().filter((f) => dirname(f) === corpusDir())) {
      const r = await scan([path], { reports: ['payments'] });
      remittances += r.stats.remittances;
      balanced += r.stats.balancedRemittances;
      duplicates += r.stats.duplicateRemittances;
      for (const p of r.reports.payments!) {
        if (p.balanced === 'no') unbalanced.push([basename(p.file!), p.transaction_control!, p.difference!]);
        if (p.balanced === 'unknown') unknown.push([basename(p.file!), p.transaction_control!, p.difference!]);
      }
    }
    expect(unbalanced).toEqual([
      ['Query-farm__vgi-x12__data__era_835.835', '0001', '-1100.00'], // CLP04 400.00 vs BPR02 1,500.00
      ['azoner__pyx12__test__files__835_simple.txt', '40731', '-5482.52'],
      ['diasks2__era_835_parser__spec__example_6.835', '1234', '150.00'], // BPR*H*0 but CLP04 150.00
      ['diasks2__era_835_parser__spec__example_6.835', '1234', '-150.00'],
      ['javillegasna__oxedi__crates__edi835_core__tests__fixtures__trizetto_sample.rmt', '1234', '-119.82'], // 1,380.18 vs 1,500.00
      // one payment over three transactions; 0002 and 0003 hold the same header and no claims, so 0003 is a
      // repeat of 0002 (checked by hand: same BPR, TRN, DTM, N1 and SE count)
      ['kputnam__stupidedi__notes__split.edi', '0002', '-187.50'],
      ['slott56__TigerShark__tests__835-example-2.txt', '0001', '-12145.65'],
      ['slott56__TigerShark__tests__835-example.txt', '0001', '216.19'], // 12,200.67 + 361.19 − 12,345.67
    ]);
    // issue #11 §2: these were "balanced yes, difference 0.00" although amounts in them could not be read
    expect(unknown).toEqual([
      ['TraxTechnologies__scala-x12__src__test__resources__example835.x12', '000000001', ''], // BPR02 "NOT", CLP04 empty
      ['apifocal__x12-parser__src__examples__java__org__pb__x12__example__example835One.txt', '000000001', ''], // the same sample
      ['azoner__pyx12__test__files__mult_isa.txt', '0001', ''], // no BPR at all (×4)
      ['azoner__pyx12__test__files__mult_isa.txt', '0001', ''],
      ['azoner__pyx12__test__files__mult_isa.txt', '0001', ''],
      ['azoner__pyx12__test__files__mult_isa.txt', '0001', ''],
      ['keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt', '1234', ''], // SVC02/SVC03 empty
      ['slott56__TigerShark__X12-0.08__t__sample_835.txt', '1234', ''], // BPR02 "A", CLP03/04 "DTEST"
    ]);
    // issue #11 §3: profee-multiple repeats one interchange 156 times; Sample1-unwrapped and oneLine-2-ISA
    // each hold the same remittance twice (compared by hand: identical BPR, TRN, claims and PLB); split.edi above
    expect(duplicates).toBe(155 + 1 + 1 + 1);
    expect(remittances).toBe(229 - 158);
    expect(balanced).toBe(remittances - unbalanced.length - unknown.length);
  });

  it('every remittance: the reported difference equals an independent sum over its claims and PLB pairs', () => {
    for (const path of files) {
      for (const rem of record(read(path), undefined, label(path)).remittances) {
        const claims = rem.claims.reduce((t, c) => t + c.paid, 0);
        const plb = rem.providerAdjustments.reduce((t, a) => t + a.amount, 0);
        expect(rem.totals.claimPaid).toBe(claims);
        expect(rem.totals.providerAdjustments).toBe(plb);
      }
    }
  });
});
