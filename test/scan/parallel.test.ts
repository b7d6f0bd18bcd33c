// Issue 18: worker threads change nothing but the time. Every report row, every diagnostic (code, text,
// segment, byte) and every figure of a scan with --jobs 2 or 3 — an inbox of files each parsed whole, and
// one file cut into parts at interchanges — is the same, in the same order, as with --jobs 1: over the
// corpus and fixtures, and over generated files, clean and damaged (an interchange without its IEA across
// a cut, junk between interchanges, a file cut short), with and without a ledger.

import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportName, Row } from '../../src/analysis/rows.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { findCuts, type ParallelOptions, planTasks } from '../../src/scan/parallel.js';
import { Scanner } from '../../src/scan/scanner.js';
import { openLedger } from '../../src/store/open.js';
import { reportFromLedger } from '../../src/query/ledger-report.js';
import { PayerAliases } from '../../src/analysis/payer-aliases.js';
import { corpusFiles, fixtureFiles } from '../helpers.js';
import { recoup } from '../cli/helpers.js';
import { generateScenarioSet, renderFile } from '../support/synth.js';

const REPORTS: ReportName[] = ['summary', 'payments', 'offsets', 'claims', 'adjustments', 'balances', 'aging', 'suspense', 'reversals'];
const dir = mkdtempSync(join(tmpdir(), 'recoup-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  out: Array<[string, Row | Diagnostic]>;
  stats: unknown;
  parallel: Scanner['parallelRun'];
}

async function run(paths: string[], parallel: ParallelOptions | undefined, extra: { ledger?: string } = {}): Promise<Run> {
  const out: Array<[string, Row | Diagnostic]> = [];
  const ledger = extra.ledger !== undefined ? openLedger(extra.ledger) : undefined;
  try {
    const scanner = new Scanner({
      reports: REPORTS,
      asOf: '2025-06-30',
      escalateOver: 5000,
      ...(ledger ? { ledger } : {}),
      ...(parallel ? { parallel } : {}),
      onRow: (report, row) => out.push([report, row]),
      onDiagnostic: (d) => out.push(['diagnostic', d]),
    });
    await scanner.scanFiles(paths);
    const stats = scanner.finish();
    if (ledger) {
      // what was recorded, as the ledger's own offsets report reads it back
      reportFromLedger(ledger, { reports: ['offsets', 'claims'], filter: {}, asOf: '2025-06-30', aliases: new PayerAliases([]), onRow: (report, row) => out.push([`ledger ${report}`, row]) });
    }
    return { out, stats, parallel: scanner.parallelRun };
  } finally {
    ledger?.close();
  }
}

/** A file of `sets` generated sets (each an interchange), with damage applied to its text. */
function generated(name: string, seed: number, sets: number, damage: 'none' | 'no-iea' | 'junk' | 'cut-short' | 'no-se'): string {
  const parts: string[] = [];
  let control = 1;
  for (let k = 0; k < sets; k++) for (const f of generateScenarioSet({ seed: seed + k, idBlock: k + 1, stories: 4, fillerClaims: 3 })) parts.push(renderFile(f, control++));
  const middle = Math.floor(parts.length / 2);
  if (damage === 'no-iea') parts[middle] = parts[middle]!.replace(/IEA\*1\*\d+~\n$/, '');
  if (damage === 'no-se') parts[middle] = parts[middle]!.replace(/SE\*\d+\*0001~\n/, '');
  if (damage === 'junk') parts[middle] = `${parts[middle]}this line is not X12\n`;
  let text = parts.join('');
  if (damage === 'cut-short') text = text.slice(0, Math.floor(text.length * 0.8));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** About `bytes` of generated ERAs (sets of `claims` filler claims per remittance), every set its own ids. */
function largeText(bytes: number, seed: number): string {
  const parts: string[] = [];
  let control = 1;
  let length = 0;
  for (let k = 0; length < bytes; k++) {
    for (const f of generateScenarioSet({ seed: seed + k, idBlock: k + 1, stories: 40, fillerClaims: 40 })) {
      parts.push(renderFile(f, control++));
      length += parts[parts.length - 1]!.length;
    }
  }
  return parts.join('');
}

describe('--jobs: the same reports, diagnostics and figures as --jobs 1', () => {
  it('the corpus and every fixture as one inbox, each file whole (2 and 3 workers)', async () => {
    const inbox = [...corpusFiles(), ...fixtureFiles()];
    const one = await run(inbox, undefined);
    expect(one.out.filter(([k]) => k === 'offsets').length).toBeGreaterThan(50);
    for (const jobs of [2, 3]) {
      const many = await run(inbox, { jobs, minBytes: 0 });
      expect(many.parallel).toEqual({ tasks: inbox.length, parts: 0, dropped: 0 });
      expect(many.out).toEqual(one.out);
      expect(many.stats).toEqual(one.stats);
    }
  });

  it('one file cut into parts at its interchanges: identical for any cut size and worker count, damaged or not', async () => {
    let n = 0;
    let cut = 0;
    let dropped = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom('none', 'no-iea', 'junk', 'cut-short', 'no-se') as fc.Arbitrary<'none' | 'no-iea' | 'junk' | 'cut-short' | 'no-se'>,
        fc.integer({ min: 2_000, max: 60_000 }),
        fc.integer({ min: 2, max: 3 }),
        async (seed, sets, damage, partBytes, jobs) => {
          const path = generated(`gen-${n++}.835`, seed, sets, damage);
          const one = await run([path], undefined);
          const many = await run([path], { jobs, minBytes: 0, partBytes });
          if (many.parallel !== null) {
            cut += many.parallel.parts;
            dropped += many.parallel.dropped;
          }
          expect(many.out).toEqual(one.out);
          expect(many.stats).toEqual(one.stats);
        },
      ),
      { numRuns: Number(process.env.RECOUP_PARALLEL_RUNS ?? 24), seed: 20261207 },
    );
    // the property was about parts, and the read-over path was taken (an IEA missing across a cut)
    expect(cut).toBeGreaterThan(50);
    expect(dropped).toBeGreaterThan(0);
  });

  it('a part whose interchange has no IEA before the cut: the part before reads on, the part after is dropped', async () => {
    const path = generated('no-iea.835', 7, 4, 'no-iea');
    const one = await run([path], undefined);
    const many = await run([path], { jobs: 2, minBytes: 0, partBytes: 3_000 });
    expect(many.parallel!.parts).toBeGreaterThan(4);
    expect(many.parallel!.dropped).toBeGreaterThan(0);
    expect(many.out).toEqual(one.out);
    // the missing IEA is said once, where --jobs 1 says it
    const missing = many.out.filter(([k, d]) => k === 'diagnostic' && (d as Diagnostic).code === 'X12_MISSING_TRAILER');
    expect(missing.length).toBe(1);
  });

  it('with a ledger: files are parsed whole by workers and recorded one transaction each, the same rows recorded', async () => {
    const files = [generated('l1.835', 11, 2, 'none'), generated('l2.835', 12, 2, 'none'), generated('l3.835', 11, 2, 'none')];
    const one = await run(files, undefined, { ledger: join(dir, 'one.db') });
    const many = await run(files, { jobs: 2, minBytes: 0, partBytes: 3_000 }, { ledger: join(dir, 'many.db') });
    expect(many.parallel).toEqual({ tasks: 3, parts: 0, dropped: 0 });
    expect(many.out).toEqual(one.out);
    // l3.835 has l1.835's content: said to be in the ledger already, from the sha256 the worker computed
    const known = (r: Run): string[] => r.out.filter(([k, d]) => k === 'diagnostic' && (d as Diagnostic).code === 'LEDGER_FILE_KNOWN').map(([, d]) => (d as Diagnostic).file!);
    expect(known(many)).toEqual([files[2]]);
    const again = await run([files[1]!, files[0]!], { jobs: 2, minBytes: 0 }, { ledger: join(dir, 'many.db') });
    expect(known(again)).toEqual([files[1], files[0]]);
  });

  it('standard input and paths that are not files are read by the main thread, in their place', async () => {
    const a = generated('s1.835', 21, 1, 'none');
    const b = generated('s2.835', 22, 1, 'none');
    const paths = [a, join(dir, 'missing.835'), dir, b];
    const one = await run(paths, undefined);
    const many = await run(paths, { jobs: 2, minBytes: 0 });
    expect(many.out).toEqual(one.out);
    expect(many.out.filter(([k]) => k === 'diagnostic').map(([, d]) => (d as Diagnostic).code)).toEqual(expect.arrayContaining(['IO_NOT_FOUND', 'IO_NOT_A_FILE']));
  });
});

describe('--jobs: memory and the ledger', () => {
  it('a paused output stops the workers: while it waits, they send no more than their credit', async () => {
    // a 3 MB file streamed whole (64 KiB reads, a batch after each) and a small one: two tasks in flight
    const large = join(dir, 'paused.835');
    writeFileSync(large, largeText(3e6, 300));
    const small = generated('paused-small.835', 32, 1, 'none');
    const one = await run([large, small], undefined);
    const out: Array<[string, Row | Diagnostic]> = [];
    let release: (() => void) | null = null;
    let paused = false;
    const scanner = new Scanner({
      reports: REPORTS,
      asOf: '2025-06-30',
      escalateOver: 5000,
      parallel: { jobs: 2, minBytes: 0, partBytes: 50e6, batchEvents: 40, credit: 2 },
      onRow: (report, row) => out.push([report, row]),
      onDiagnostic: (d) => out.push(['diagnostic', d]),
      // the first time the merge asks, the output is full until the workers have gone as far as they may
      waitForOutput: () => {
        if (paused) return undefined;
        paused = true;
        return new Promise<void>((res) => {
          release = res;
        });
      },
    });
    const scanning = scanner.scanFiles([large, small]);
    while (release === null) await new Promise((r) => setTimeout(r, 5));
    // wait until nothing more arrives (a slow machine only makes the count smaller)
    let seen = -1;
    while (scanner.pool!.received !== seen) {
      seen = scanner.pool!.received;
      await new Promise((r) => setTimeout(r, 150));
    }
    const whilePaused = scanner.pool!.received;
    // two tasks, each its credit of 2 batches and its last one
    expect(whilePaused).toBeLessThanOrEqual(2 * (2 + 1));
    (release as () => void)();
    await scanning;
    scanner.finish();
    expect(scanner.pool!.received).toBeGreaterThan(30);
    expect(out).toEqual(one.out);
  });

  it('the input given out ahead of the merge is a hard limit: a paused output holds the workers at it', async () => {
    // twelve files of about 150 KB and one cut into parts: with 400 KB allowed ahead, at most that is parsed and waiting
    const files = Array.from({ length: 12 }, (_, k) => {
      const path = join(dir, `window-${k}.835`);
      writeFileSync(path, largeText(150_000, 500 + k * 7));
      return path;
    });
    const big = join(dir, 'window-big.835');
    writeFileSync(big, largeText(1_500_000, 900));
    const inputs = [...files, big];
    const one = await run(inputs, undefined);
    const out: Array<[string, Row | Diagnostic]> = [];
    let release: (() => void) | null = null;
    const scanner = new Scanner({
      reports: REPORTS,
      asOf: '2025-06-30',
      escalateOver: 5000,
      parallel: { jobs: 2, minBytes: 0, partBytes: 200_000, windowBytes: 400_000 },
      onRow: (report, row) => out.push([report, row]),
      onDiagnostic: (d) => out.push(['diagnostic', d]),
      waitForOutput: () =>
        release !== null
          ? undefined
          : new Promise<void>((res) => {
              release = res;
            }),
    });
    const scanning = scanner.scanFiles(inputs);
    while (release === null) await new Promise((r) => setTimeout(r, 5));
    let seen = -1;
    while (scanner.pool!.aheadBytes !== seen) {
      seen = scanner.pool!.aheadBytes;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(scanner.pool!.aheadBytes).toBeGreaterThan(0);
    expect(scanner.pool!.aheadBytes).toBeLessThanOrEqual(400_000);
    (release as () => void)();
    await scanning;
    scanner.finish();
    expect(scanner.parallelRun!.parts).toBeGreaterThan(4);
    expect(out).toEqual(one.out);
  });

  it('a file cut into parts that shrinks before its parts are read: its end is where it now ends, no part past it says anything', async () => {
    const first = join(dir, 'shrink-first.835');
    writeFileSync(first, largeText(600_000, 700));
    const text = largeText(2_000_000, 800);
    const shrinking = join(dir, 'shrink.835');
    const cut = Math.floor(text.length * 0.4);
    const scanShrinking = async (parallel: ParallelOptions | undefined): Promise<Run> => {
      writeFileSync(shrinking, text);
      const out: Array<[string, Row | Diagnostic]> = [];
      let truncated = false;
      const scanner = new Scanner({
        reports: REPORTS,
        asOf: '2025-06-30',
        ...(parallel ? { parallel } : {}),
        onRow: (report, row) => out.push([report, row]),
        onDiagnostic: (d) => out.push(['diagnostic', d]),
        // while the first file is merged (the window holds the second one back), the second one shrinks
        waitForOutput: () => {
          if (!truncated) truncateSync(shrinking, cut);
          truncated = true;
          return undefined;
        },
      });
      await scanner.scanFiles([first, shrinking]);
      return { out, stats: scanner.finish(), parallel: scanner.parallelRun };
    };
    const one = await scanShrinking(undefined);
    const many = await scanShrinking({ jobs: 2, minBytes: 0, partBytes: 300_000, windowBytes: 700_000 });
    expect(many.parallel!.parts).toBeGreaterThan(4);
    expect(many.out.filter(([k, d]) => k === 'diagnostic' && (d as Diagnostic).code === 'X12_EMPTY_FILE')).toEqual([]);
    expect((many.stats as { unreadableFiles: number }).unreadableFiles).toBe(0);
    expect(many.out).toEqual(one.out);
    expect(many.stats).toEqual(one.stats);
  });

  it('--new-only with workers: a file already recorded is skipped as with --jobs 1, the rest recorded the same', async () => {
    const files = [generated('n1.835', 41, 2, 'none'), generated('n2.835', 42, 2, 'none'), generated('n3.835', 43, 2, 'none')];
    const runNew = async (db: string, parallel: ParallelOptions | undefined): Promise<Array<[string, Row | Diagnostic]>> => {
      const out: Array<[string, Row | Diagnostic]> = [];
      const ledger = openLedger(db);
      try {
        const scanner = new Scanner({ reports: REPORTS, asOf: '2025-06-30', ledger, newOnly: true, ...(parallel ? { parallel } : {}), onRow: (k, row) => out.push([k, row]), onDiagnostic: (d) => out.push(['diagnostic', d]) });
        await scanner.scanFiles(files);
        scanner.finish();
      } finally {
        ledger.close();
      }
      return out;
    };
    // both ledgers already hold the second file
    await run([files[1]!], undefined, { ledger: join(dir, 'new-one.db') });
    await run([files[1]!], undefined, { ledger: join(dir, 'new-many.db') });
    const one = await runNew(join(dir, 'new-one.db'), undefined);
    const many = await runNew(join(dir, 'new-many.db'), { jobs: 2, minBytes: 0 });
    expect(many).toEqual(one);
    expect(many.filter(([k, d]) => k === 'diagnostic' && (d as Diagnostic).code === 'LEDGER_FILE_KNOWN').map(([, d]) => (d as Diagnostic).file)).toEqual([files[1]]);
  });
});

describe('cutting a file', () => {
  it('cuts only where an interchange starts (after a segment terminator), never in one', async () => {
    const path = generated('cuts.835', 3, 5, 'none');
    const text = readFileSync(path, 'latin1');
    const cuts = await findCuts(path, text.length, 2_000);
    expect(cuts.length).toBeGreaterThan(5);
    for (const c of cuts) {
      expect(text.slice(c, c + 4)).toBe('ISA*');
      expect(text.slice(c - 2, c)).toBe('~\n');
    }
    expect(cuts).toEqual([...cuts].sort((x, y) => x - y));
  });

  it('a file that does not start with an ISA is not cut; small inputs and --jobs 1 start no workers', async () => {
    const path = join(dir, 'bare.835');
    writeFileSync(path, `junk\n${readFileSync(generated('bare-src.835', 4, 3, 'none'), 'latin1')}`);
    expect(await findCuts(path, readFileSync(path).length, 1_000)).toEqual([]);
    expect(await planTasks([path, path], { jobs: 1, split: true })).toBeNull();
    expect(await planTasks([path, path], { jobs: 2, split: true })).toBeNull(); // under 4 MiB in all
    expect(await planTasks([path], { jobs: 2, split: true, minBytes: 0 })).toBeNull(); // one file, not cut
  });
});

describe('recoup scan --jobs (the binary)', () => {
  it('--jobs 2 prints byte for byte what --jobs 1 prints, on a file large enough for workers', () => {
    const path = join(dir, 'large.835');
    writeFileSync(path, largeText(4.5e6, 100));
    const args = ['scan', path, '--report', 'summary,offsets,claims', '--json', '--as-of', '2025-06-30'];
    const one = recoup([...args, '--jobs', '1', '-o', join(dir, 'one.json')]);
    const two = recoup([...args, '--jobs', '2', '-o', join(dir, 'two.json')]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stderr).toBe(one.stderr);
    const written = readFileSync(join(dir, 'one.json'), 'utf8');
    expect(readFileSync(join(dir, 'two.json'), 'utf8')).toBe(written);
    expect((JSON.parse(written) as { claims: unknown[] }).claims.length).toBeGreaterThan(10_000);
  });

  it('--jobs 0 or a word is a usage error', () => {
    const r = recoup(['scan', 'fixtures/demo', '--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jobs');
  });
});
