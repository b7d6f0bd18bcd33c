// Turns the paths a user typed into the list of inputs to read: files as given, directories searched
// recursively (sorted) for files that start like X12, and '-' for standard input. Bank statements
// (--bank) likewise: directories searched for .bai/.bai2/.csv/.txt files that are not X12.

import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Diagnostic, makeDiagnostic } from '../diagnostics/diagnostics.js';
import { ioDiagnostic } from './parse.js';

/** Text near the start of a file that says it is X12: an ISA, or a bare ST of a transaction set. */
const X12_START = /(?<![A-Za-z0-9])(?:ISA([^A-Za-z0-9\s])\d\d\1|ST([^A-Za-z0-9\s])\d{3}\2)/i;
const SNIFF_BYTES = 4096;

export interface ExpandedInputs {
  inputs: string[];
  diagnostics: Diagnostic[];
}

export async function expandInputs(paths: readonly string[]): Promise<ExpandedInputs> {
  return expand(paths, looksLikeX12, 'X12 files', true);
}

/**
 * Each file once, as first named: the same path given twice (or a file and the folder holding it) would
 * otherwise be read, and counted, twice (issue #11 §3). Identity is the real path.
 */
async function withoutRepeats(inputs: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  const ids = await inChunks(inputs, (input) => (input === '-' ? Promise.resolve('-') : realpath(input).catch(() => input)));
  for (const [k, input] of inputs.entries()) {
    const id = ids[k]!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(input);
  }
  return out;
}

const BANK_EXTENSIONS = /\.(bai2?|csv|txt)$/i;

/** The --bank paths: files as given, directories searched recursively for statements (never stdin). */
export async function expandBankPaths(paths: readonly string[]): Promise<ExpandedInputs> {
  return expand(paths, async (file) => BANK_EXTENSIONS.test(file) && !(await looksLikeX12(file)), 'bank statements (.bai, .bai2, .csv or .txt files that are not X12)', false);
}

/** Paths → inputs: '-' as stdin (when allowed), files as given, directories walked for the files `wanted` accepts. */
async function expand(paths: readonly string[], wanted: (path: string) => Promise<boolean>, what: string, stdin: boolean): Promise<ExpandedInputs> {
  const inputs: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    if (p === '-' && stdin) {
      inputs.push('-');
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (err) {
      diagnostics.push(ioDiagnostic(err, p));
      continue;
    }
    if (!isDir) {
      inputs.push(p);
      continue;
    }
    const found: string[] = [];
    await walk(p, found, diagnostics, wanted);
    if (found.length === 0) diagnostics.push(makeDiagnostic('IO_NO_INPUT', `${p} holds no ${what}`, { file: p }));
    inputs.push(...found);
  }
  return { inputs: await withoutRepeats(inputs), diagnostics };
}

async function walk(dir: string, found: string[], diagnostics: Diagnostic[], wanted: (path: string) => Promise<boolean>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    diagnostics.push(ioDiagnostic(err, dir));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // the files between two folders are sniffed together (a folder of 10,000 ERAs took 2 s one by one), in order
  let files: string[] = [];
  const flush = async (): Promise<void> => {
    const ok = await inChunks(files, wanted);
    files.forEach((f, k) => ok[k] && found.push(f));
    files = [];
  };
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      await flush();
      await walk(full, found, diagnostics, wanted);
    } else if (e.isFile()) files.push(full);
  }
  await flush();
}

/** f over every item, a bounded number at a time; the results in the items' order. */
async function inChunks<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 64) out.push(...(await Promise.all(items.slice(i, i + 64).map(f))));
  return out;
}

/** True when the first few KB of the file contain the start of an interchange or transaction. */
export async function looksLikeX12(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    const head = buf.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    return X12_START.test(head.toString('latin1'));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
