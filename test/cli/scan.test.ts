// recoup scan at the command line (in-process, through runCli): every report in every format on the demo
// files, compared with golden files (colour off). Set UPDATE_GOLDEN=1 to rewrite them after an intended
// change, then review the diff. A few smoke tests at the end run the shipped binary (bin/recoup.js).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { recoup, run } from './helpers.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const REPORTS = ['summary', 'payments', 'offsets', 'claims', 'adjustments', 'balances'];
const FORMATS = ['table', 'csv', 'json', 'ndjson'];

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `golden file ${name} is missing (run with UPDATE_GOLDEN=1)`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('recoup scan: each report in each format (golden files)', () => {
  const combos = REPORTS.flatMap((r) => FORMATS.map((f) => [r, f] as const));
  it.each(combos)('%s as %s', async (report, format) => {
    const r = await run(['scan', 'fixtures/demo', '--report', report, '--format', format, '--as-of', '2024-12-31']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('recoup: 4 files, 4 remittances (4 balanced, 0 unbalanced), 10 claims, 5 provider-level offsets; 0 errors, 0 warnings\n');
    golden(`demo.${report}.${format === 'table' ? 'txt' : format}`, r.stdout);
  });

  it('the default: summary then offsets as tables', async () => {
    const r = await run(['scan', 'fixtures/demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(GOLDEN, 'demo.summary.txt'), 'utf8') + '\n' + readFileSync(join(GOLDEN, 'demo.offsets.txt'), 'utf8'));
  });

  it('--csv writes offsets; --json holds summary, payments and offsets', async () => {
    expect((await run(['scan', 'fixtures/demo', '--csv'])).stdout).toBe(readFileSync(join(GOLDEN, 'demo.offsets.csv'), 'utf8'));
    const json = JSON.parse((await run(['scan', 'fixtures/demo', '--json'])).stdout);
    expect(Object.keys(json)).toEqual(['summary', 'payments', 'offsets', 'run', 'diagnostics']);
    expect(json.summary[0]).toMatchObject({ payer_name: 'ACME HEALTH PLAN', checks: 3, paid: 1118.25, taken_back: 105, deferred: -60 });
    expect(json.run).toMatchObject({ files: 4, remittances: 4, balanced: 4, claims: 10, offsets: 5, errors: 0, warnings: 0 });
    expect(json.diagnostics).toEqual([]);
  });

  it('-o <dir> with CSV writes one file per report, mode 0600, no temporary files left', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'recoup-')), 'reports');
    const r = await run(['scan', 'fixtures/demo', '--csv', '--report', 'summary,offsets,claims', '-o', dir + '/']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['claims.csv', 'offsets.csv', 'summary.csv']);
    expect(readFileSync(join(dir, 'offsets.csv'), 'utf8')).toBe(readFileSync(join(GOLDEN, 'demo.offsets.csv'), 'utf8'));
    expect(statSync(join(dir, 'claims.csv')).mode & 0o777).toBe(0o600);
  });

  it('-o <file> writes one report there', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'recoup-')), 'payments.json');
    const r = await run(['scan', 'fixtures/demo', '--json', '--report', 'payments', '-o', file]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).payments).toHaveLength(4);
  });

  it('several reports to CSV on stdout is a usage error', async () => {
    const r = await run(['scan', 'fixtures/demo', '--csv', '--report', 'summary,offsets']);
    expect(r).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(r.stderr).toContain('CSV holds one report');
    expect(r.stdout).toBe('');
  });

  it('unknown report, conflicting formats: usage errors', async () => {
    const unknown = await run(['scan', 'fixtures/demo', '--report', 'everything']);
    expect(unknown).toEqual({ exitCode: 2, code: 'USAGE', stdout: '', stderr: 'recoup: --report: unknown report "everything"; choose from summary, payments, offsets, claims, adjustments, balances, aging, deposits, suspense, reversals\n' });
    const both = await run(['scan', 'fixtures/demo', '--csv', '--json']);
    expect(both).toEqual({ exitCode: 2, code: 'USAGE', stdout: '', stderr: 'recoup: --format: choose one of --format, --csv, --json and --xlsx\n' });
  });

  it('reads standard input when piped', async () => {
    const r = await run(['scan', '--csv', '--report', 'payments'], { input: readFileSync(join(ROOT, 'fixtures/demo/04-acme-2024-03-15.835')) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('<stdin>,000000202,0001,ACME HEALTH PLAN,ACME01,MAPLE FAMILY CLINIC,1234567893,ACH100100102,2024-03-15,ACH,I,343.25,1,1,56.75,105.00,-48.25,yes,0.00');
  });

  it('the demo files piped in as one stream link exactly as the files do (stdin claims kept in memory)', async () => {
    const files = readdirSync(join(ROOT, 'fixtures/demo')).filter((f) => f.endsWith('.835')).sort();
    const piped = await run(['scan', '--csv', '--report', 'offsets'], { input: Buffer.concat(files.map((f) => readFileSync(join(ROOT, 'fixtures/demo', f)))) });
    const read = await run(['scan', 'fixtures/demo', '--csv', '--report', 'offsets']);
    expect(piped.exitCode).toBe(0);
    const cols = (out: string): string[] => out.trim().split('\n').map((l) => l.replace(/fixtures\/demo\/[^,]+\.835/g, 'FILE').replace(/<stdin>/g, 'FILE'));
    expect(cols(piped.stdout)).toEqual(cols(read.stdout));
    expect(piped.stdout).toContain('MFC1002');
  });

  it('an unbalanced remittance: warning on stderr, balanced=no, exit 0 (no --fail-on)', async () => {
    const r = await run(['scan', 'fixtures/cases/unbalanced.835', '--csv', '--report', 'payments']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('fixtures/cases/unbalanced.835: segment 3 ST, byte 170: warning BALANCE_REMITTANCE');
    expect(r.stdout).toContain(',no,-18.00\n');
  });

  it('CSV cells that a spreadsheet would run as formulas are neutralised; amounts stay numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-'));
    const src = readFileSync(join(ROOT, 'fixtures/cases/several-plb.835'), 'latin1').replace('CS:ADMIN FEE', 'CS:=HYPERLINK("x")');
    writeFileSync(join(dir, 'evil.835'), src);
    const r = await run(['scan', join(dir, 'evil.835'), '--csv']);
    expect(r.stdout).toContain(`"'=HYPERLINK(""x"")",15.00`);
    expect(r.stdout).toMatch(/,-?\d+\.\d\d,/);
  });

  it('a file that is not X12 among good ones: exit 1, the good ones reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-'));
    writeFileSync(join(dir, 'a.pdf'), '%PDF-1.4');
    const r = await run(['scan', join(dir, 'a.pdf'), 'fixtures/demo/04-acme-2024-03-15.835', '--csv']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined }); // the run went on: the good file is reported
    expect(r.stderr).toContain('error X12_NOT_X12');
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
  });
});

describe('the shipped binary (real process, bin/recoup.js → dist/)', () => {
  it('recoup scan fixtures/demo: exit 0, the same stdout and stderr as the in-process run', async () => {
    const bin = recoup(['scan', 'fixtures/demo']);
    const inProcess = await run(['scan', 'fixtures/demo']);
    expect(bin.code).toBe(0);
    expect(bin.stdout).toBe(inProcess.stdout);
    expect(bin.stderr).toBe(inProcess.stderr);
    expect(bin.stdout).toBe(readFileSync(join(GOLDEN, 'demo.summary.txt'), 'utf8') + '\n' + readFileSync(join(GOLDEN, 'demo.offsets.txt'), 'utf8'));
  });

  it('reads a real pipe on standard input', () => {
    const r = recoup(['scan', '--csv', '--report', 'payments'], { input: readFileSync(join(ROOT, 'fixtures/demo/04-acme-2024-03-15.835')) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('<stdin>,000000202,0001,ACME HEALTH PLAN,ACME01,MAPLE FAMILY CLINIC,1234567893,ACH100100102,2024-03-15,ACH,I,343.25,1,1,56.75,105.00,-48.25,yes,0.00');
  });

  it('a usage error exits 2 with the message the in-process run prints', async () => {
    const bin = recoup(['scan', 'fixtures/demo', '--csv', '--report', 'summary,offsets']);
    const inProcess = await run(['scan', 'fixtures/demo', '--csv', '--report', 'summary,offsets']);
    expect(bin.code).toBe(2);
    expect(bin.stdout).toBe('');
    expect(bin.stderr).toBe(inProcess.stderr);
    expect(bin.stderr).toContain('CSV holds one report');
  });
});
