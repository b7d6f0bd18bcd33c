// Issue 11 §6, at the command line (in-process, through runCli): mistakes that must not cost a report. A
// run that read nothing leaves every -o target as it was; -o names a new directory for several CSV
// reports; a missing folder is named; --as-of is a real calendar date; every option error names the
// flag the user typed.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { run } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-mistakes-'));
const GOLDEN_OFFSETS = (): string => readFileSync(join(ROOT, 'test/golden/demo.offsets.csv'), 'utf8');

describe('a run that read nothing leaves -o untouched', () => {
  it('a typo in the input (fixtures/dmeo) keeps yesterday\'s keep.csv; exit 1; one line says so', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'keep.csv'), 'yesterday\n');
    const r = await run(['scan', join(ROOT, 'fixtures/dmeo'), '--csv', '-o', 'keep.csv'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('yesterday\n');
    expect(readdirSync(dir)).toEqual(['keep.csv']); // no temporary file left
    expect(r.stderr).toContain('error IO_NOT_FOUND');
    expect(r.stderr.split('\n').filter((l) => l === 'recoup: nothing was read; keep.csv was left as it was')).toHaveLength(1);
  });

  it('a target that did not exist is not created (file, JSON, table)', async () => {
    const dir = tmp();
    for (const format of ['csv', 'json', 'table', 'ndjson']) {
      const r = await run(['scan', 'nope.835', '--format', format, '-o', `out.${format}`], { cwd: dir });
      expect(r).toMatchObject({ exitCode: 1, code: undefined });
      expect(r.stderr).toContain(`recoup: nothing was read; out.${format} was not created\n`);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('every input unreadable or not X12 (a PDF, an empty file, a directory with no X12): -o <dir>/ keeps its reports', async () => {
    const dir = tmp();
    const reports = join(dir, 'reports');
    mkdirSync(reports);
    writeFileSync(join(reports, 'offsets.csv'), 'old offsets\n');
    writeFileSync(join(dir, 'scan.pdf'), '%PDF-1.4\n1 0 obj\n');
    writeFileSync(join(dir, 'empty.835'), '');
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'a.txt'), 'nothing here');
    const r = await run(['scan', 'scan.pdf', 'empty.835', 'notes', '--csv', '--report', 'summary,offsets', '-o', 'reports/'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toContain('error X12_NOT_X12');
    expect(r.stderr).toContain('error X12_EMPTY_FILE');
    expect(r.stderr).toContain('error IO_NO_INPUT');
    expect(r.stderr).toContain('recoup: nothing was read; reports/ was left as it was\n');
    expect(readdirSync(reports)).toEqual(['offsets.csv']);
    expect(readFileSync(join(reports, 'offsets.csv'), 'utf8')).toBe('old offsets\n');
  });

  it('a directory -o that did not exist is not created (nor its missing parents)', async () => {
    const dir = tmp();
    const r = await run(['scan', 'typo/', '--csv', '--report', 'summary,offsets', '-o', 'a/b/reports/'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toContain('recoup: nothing was read; a/b/reports/ was not created\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('one readable input is enough: the report is written (and exit 1 for the missing one)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'keep.csv'), 'yesterday\n');
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), join(ROOT, 'fixtures/dmeo'), '--csv', '-o', join(dir, 'keep.csv')]);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).not.toContain('nothing was read');
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe(GOLDEN_OFFSETS().replaceAll('fixtures/demo/', `${ROOT}/fixtures/demo/`));
  });

  it('without -o the (empty) report still goes to stdout, as before', async () => {
    const r = await run(['scan', 'fixtures/dmeo', '--csv']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stdout).toBe(GOLDEN_OFFSETS().split('\n')[0] + '\n');
    expect(r.stderr).not.toContain('nothing was read');
  });
});

describe('-o for several CSV reports, and missing folders', () => {
  it('-o newdir (no slash, does not exist) with several CSV reports creates the directory', async () => {
    const dir = tmp();
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), '--csv', '--report', 'summary,offsets', '-o', 'newdir'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('give -o <directory>');
    expect(statSync(join(dir, 'newdir')).isDirectory()).toBe(true);
    expect(readdirSync(join(dir, 'newdir')).sort()).toEqual(['offsets.csv', 'summary.csv']);
    expect(readFileSync(join(dir, 'newdir', 'offsets.csv'), 'utf8')).toBe(GOLDEN_OFFSETS().replaceAll('fixtures/demo/', `${ROOT}/fixtures/demo/`));
  });

  it('-o naming an existing regular file with several CSV reports is still a usage error, file untouched', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'keep.csv'), 'yesterday\n');
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), '--csv', '--report', 'summary,offsets', '-o', 'keep.csv'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(r.stderr).toContain('CSV holds one report; summary, offsets were asked for — choose one, or give -o <directory> for one file per report (keep.csv is a file)');
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('yesterday\n');
  });

  it('a usage error creates no directory', async () => {
    const dir = tmp();
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), '--csv', '--report', 'summary,offsets', '--fail-on', 'sometimes', '-o', 'newdir'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(existsSync(join(dir, 'newdir'))).toBe(false);
  });

  it('one CSV report to -o newname is a file, as before', async () => {
    const dir = tmp();
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), '--csv', '-o', 'newname'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(statSync(join(dir, 'newname')).isFile()).toBe(true);
  });

  it('a missing parent folder is named: IO_OUTPUT, exit 1, nothing created', async () => {
    const dir = tmp();
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), '--csv', '-o', 'some/missing/dir/file.csv'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 1, code: 'IO_OUTPUT' });
    expect(r.stderr).toBe('recoup: error IO_OUTPUT: cannot write some/missing/dir/file.csv: the folder some/missing/dir does not exist\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a parent that is a file is named', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plain'), 'x');
    const r = await run(['scan', join(ROOT, 'fixtures/demo'), '--json', '-o', 'plain/out.json'], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 1, code: 'IO_OUTPUT' });
    expect(r.stderr).toBe('recoup: error IO_OUTPUT: cannot write plain/out.json: plain is not a folder\n');
  });
});

describe('--as-of is a real calendar date', () => {
  it.each([['2024-13-45'], ['0000-00-00'], ['2023-02-29'], ['2024-04-31'], ['1899-12-31'], ['2024-00-10'], ['2024-1-5'], ['yesterday']])('%s → exit 2 naming --as-of', async (date) => {
    const r = await run(['scan', 'fixtures/demo', '--as-of', date, '--report', 'balances', '--csv']);
    expect(r).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`recoup: --as-of: ${JSON.stringify(date)} is not a date; expected a real calendar date YYYY-MM-DD`);
    expect(r.stderr).not.toContain('asOf');
  });

  it.each([['2024-02-29'], ['2000-02-29'], ['1900-01-01'], ['2024-12-31']])('%s is accepted', async (date) => {
    const r = await run(['scan', 'fixtures/demo', '--as-of', date, '--report', 'balances', '--csv']);
    expect(r.exitCode).toBe(0);
  });

  it('age_days counts to the --as-of date (no negative ages from an impossible date)', async () => {
    const r = await run(['scan', 'fixtures/demo/03-acme-2024-02-12.835', '--as-of', '2024-02-29', '--report', 'balances', '--json']);
    expect(JSON.parse(r.stdout).balances[0]).toMatchObject({ deferred_date: '2024-02-12', age_days: 17, status: 'open' });
  });
});

describe('option errors name the flag the user typed', () => {
  it.each([
    [['scan', 'fixtures/demo', '--carc-file', ''], '--carc-file: needs a value', 'carcFile'],
    [['scan', 'fixtures/demo', '--output', ''], '--output: needs a value', undefined],
    [['scan', 'fixtures/demo', '--ledger', ''], '--ledger: needs a value', undefined],
    [['scan', 'fixtures/demo', '--as-of', 'yesterday'], '--as-of: "yesterday" is not a date', 'asOf'],
    [['scan', 'fixtures/demo', '--escalate-over', 'lots'], '--escalate-over: "lots" is not an amount', 'escalateOver'],
    [['scan', 'fixtures/demo', '--fail-on', 'sometimes'], '--fail-on: unknown condition "sometimes"', 'failOn'],
    [['trace', 'MFC1002', '--ledger', ''], '--ledger: needs a value', undefined],
    [['codes', 'WO', '--carc-file', ''], '--carc-file: needs a value', 'carcFile'],
  ])('%j', async (args, message, internal) => {
    const r = await run(args, { env: { RECOUP_LEDGER: '' } });
    expect(r).toMatchObject({ exitCode: 2, code: 'USAGE' });
    expect(r.stdout).toBe('');
    expect(r.stderr.slice(0, `recoup: ${message}`.length)).toBe(`recoup: ${message}`);
    expect(r.stderr.split('\n')).toHaveLength(2); // one line
    if (internal) expect(r.stderr).not.toContain(internal);
  });
});
