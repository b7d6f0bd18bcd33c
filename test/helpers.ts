// Test helpers: run the parser over bytes and record every event as plain data, so runs can be compared
// (whole vs chunked) and asserted exactly.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../src/diagnostics/diagnostics.js';
import { parseBuffer } from '../src/input/parse.js';
import type { Remittance } from '../src/remit/model.js';
import { SegmentTokenizer, type Segment } from '../src/x12/tokenizer.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The public corpus vendored in the repository (fixtures/corpus, with PROVENANCE.tsv and LICENSES/). */
export function corpusDir(): string {
  return join(ROOT, 'fixtures', 'corpus');
}

/** The X12 files directly in a directory (not its README, TSV tables, hidden files or LICENSES/ folder), sorted. */
function x12FilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !/\.(md|tsv|json|csv)$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The vendored corpus files, then, when RECOUP_CORPUS=<dir> is set, the X12 files of that directory as
 * extra inputs (tests that compare counts with PROVENANCE.tsv apply only to the files it lists; extra
 * files get the no-crash, known-codes and chunk-invariance checks). A file of RECOUP_CORPUS with the
 * same name and bytes as a vendored one is not added twice.
 */
export function corpusFiles(): string[] {
  const vendored = x12FilesIn(corpusDir());
  const extraDir = process.env.RECOUP_CORPUS;
  if (extraDir === undefined || extraDir === '') return vendored;
  if (!existsSync(extraDir)) throw new Error(`RECOUP_CORPUS=${extraDir} does not exist`);
  const byName = new Map(vendored.map((f) => [basename(f), f]));
  const extra = x12FilesIn(resolve(extraDir)).filter((f) => {
    const same = byName.get(basename(f));
    return same === undefined || !readFileSync(same).equals(readFileSync(f));
  });
  return [...vendored, ...extra];
}

/**
 * All fixture files under fixtures/ (recursively) that are X12 inputs, except the corpus
 * (fixtures/corpus), which corpusFiles() returns: callers test both lists, and a file in both would be
 * tested (and fuzzed) twice.
 */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  const skip = corpusDir();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (p !== skip) walk(p);
      } else if (!/\.(md|tsv|json|csv|txt\.expected|bai2?)$/.test(e.name)) out.push(p);
    }
  };
  walk(join(ROOT, 'fixtures'));
  return out;
}

export function read(path: string): Buffer {
  return readFileSync(path);
}

export interface Recorded {
  events: unknown[];
  remittances: Remittance[];
  diagnostics: Diagnostic[];
}

/** Parses bytes (optionally in the given chunk sizes) and records every event in order. */
export function record(data: Buffer | string, chunks?: number[], file = 'test.835'): Recorded {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const events: unknown[] = [];
  const remittances: Remittance[] = [];
  const diagnostics: Diagnostic[] = [];
  const outcome = parseBuffer(
    file,
    buf,
    {
      interchangeStart: (i) => events.push({ interchangeStart: i }),
      interchangeEnd: (i, n) => events.push({ interchangeEnd: i.controlNumber, groups: n }),
      groupStart: (g) => events.push({ groupStart: g }),
      groupEnd: (g, n) => events.push({ groupEnd: g.controlNumber, transactions: n }),
      transactionSkipped: (t) => events.push({ skipped: t.type, control: t.controlNumber }),
      remittance: (r) => {
        remittances.push(r);
        events.push({ remittance: r });
      },
      diagnostic: (d) => {
        diagnostics.push(d);
        events.push({ diagnostic: d });
      },
    },
    chunks === undefined ? {} : { chunks },
  );
  events.push({ outcome });
  return { events: JSON.parse(JSON.stringify(events)) as unknown[], remittances, diagnostics };
}

/** Tokenizes bytes and returns segments and diagnostics. */
export function tokenize(data: Buffer | string, chunks?: number[]): { segments: Segment[]; diagnostics: Diagnostic[] } {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const segments: Segment[] = [];
  const diagnostics: Diagnostic[] = [];
  const t = new SegmentTokenizer({ segment: (s) => segments.push(s), diagnostic: (d) => diagnostics.push(d) }, { file: 'test.835' });
  if (chunks === undefined) t.write(buf);
  else {
    let pos = 0;
    for (const n of chunks) {
      t.write(buf.subarray(pos, pos + n));
      pos += n;
    }
    t.write(buf.subarray(pos));
  }
  t.end();
  return { segments, diagnostics };
}

export function codes(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => d.code);
}

/** A padded 5010 ISA with the given delimiters (element, repetition, component, terminator). */
export function isa(opts: { el?: string; rep?: string; comp?: string; term?: string; control?: string; version?: string } = {}): string {
  const el = opts.el ?? '*';
  const f = ['ISA', '00', '          ', '00', '          ', 'ZZ', 'SENDER         ', 'ZZ', 'RECEIVER       ', '240101', '1200', opts.rep ?? '^', opts.version ?? '00501', opts.control ?? '000000001', '0', 'P', opts.comp ?? ':'];
  return f.join(el) + (opts.term ?? '~');
}

/** A small valid 835 transaction body (ST…SE) with one claim and one PLB; SE01 is right for it. */
export function tiny835(opts: { el?: string; comp?: string; term?: string; control?: string } = {}): string {
  const el = opts.el ?? '*';
  const c = opts.comp ?? ':';
  const t = opts.term ?? '~';
  const ctl = opts.control ?? '0001';
  const segs = [
    ['ST', '835', ctl],
    ['BPR', 'I', '90', 'C', 'ACH', 'CCP', '', '', '', '', '', '', '', '', '', '', '20240105'],
    ['TRN', '1', 'TRACE1', '1999999999'],
    ['N1', 'PR', 'PAYER'],
    ['N1', 'PE', 'CLINIC', 'XX', '1234567893'],
    ['LX', '1'],
    ['CLP', 'PCN1', '1', '100', '100', '', '12', 'ICN1'],
    ['SVC', `HC${c}99213`, '100', '100', '', '1'],
    ['PLB', '1234567893', '20241231', `WO${c}ICN0`, '10'],
  ];
  segs.push(['SE', String(segs.length + 1), ctl]);
  return segs.map((s) => s.join(el) + t).join('');
}

export function wrap835(body: string, opts: { el?: string; comp?: string; term?: string; control?: string; group?: string } = {}): string {
  const el = opts.el ?? '*';
  const t = opts.term ?? '~';
  const g = opts.group ?? '1';
  const ctl = opts.control ?? '000000001';
  return (
    isa({ el, comp: opts.comp ?? ':', term: t, control: ctl }) +
    ['GS', 'HP', 'SENDER', 'RECEIVER', '20240101', '1200', g, 'X', '005010X221A1'].join(el) +
    t +
    body +
    ['GE', '1', g].join(el) +
    t +
    ['IEA', '1', ctl].join(el) +
    t
  );
}
