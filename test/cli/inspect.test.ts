import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { recoup, run } from './helpers.js';

describe('recoup inspect (in-process, through runCli; pipes and the binary in real processes)', () => {
  it('shows envelopes and transactions of the demo files, exit 0', async () => {
    const r = await run(['inspect', 'fixtures/demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('fixtures/demo/01-acme-2024-01-05.835');
    expect(r.stdout).toContain('interchange 000000101  ZZ:ACMEHEALTH → ZZ:MAPLECLINIC  2024-01-05 09:00  version 00501  delimiters * : ~ ^');
    expect(r.stdout).toContain('835 4411001  21 segments  3 claims  0 PLB adjustments  paid 310.50 (I)  trace CHK500123  BLUE RIVER MEDICAID');
    expect(r.stdout).toContain('835 0001  19 segments  1 claim  4 PLB adjustments in 2 PLB  paid 343.25 (I)  trace ACH100100102');
    expect(r.stdout.match(/no diagnostics/g)).toHaveLength(4);
  });

  it('--format json gives the same as data', async () => {
    const r = await run(['inspect', '--format', 'json', 'fixtures/demo/04-acme-2024-03-15.835']);
    expect(r.exitCode).toBe(0);
    const files = JSON.parse(r.stdout);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ file: 'fixtures/demo/04-acme-2024-03-15.835', readable: true, remittances: 1, diagnostics: [] });
    expect(files[0].interchanges[0]).toMatchObject({ controlNumber: '000000202', version: '00501', delimiters: { element: '*', component: ':', repetition: '^', segment: '~' } });
    expect(files[0].interchanges[0].groups[0].transactions[0]).toMatchObject({ type: '835', controlNumber: '0001', segments: 19, claims: 1, plbSegments: 2, providerAdjustments: 4, paid: '343.25' });
  });

  it('reads standard input with -', async () => {
    const r = await run(['inspect', '-'], { input: readFileSync(join(ROOT, 'fixtures/demo/03-acme-2024-02-12.835')) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('<stdin>');
    expect(r.stdout).toContain('paid 250.00');
  });

  it('a bad file among good ones: coded error, the others still read, exit 1, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-'));
    writeFileSync(join(dir, 'scan.pdf'), '%PDF-1.4\n1 0 obj\n');
    const r = await run(['inspect', join(dir, 'scan.pdf'), 'fixtures/demo/01-acme-2024-01-05.835', join(dir, 'missing.835')]);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stdout).toContain('error X12_NOT_X12: this is a PDF document, not an X12 file');
    expect(r.stdout).toContain('paid 525.00');
    expect(r.stderr).toContain(`${join(dir, 'missing.835')}: error IO_NOT_FOUND`);
    expect(r.stderr + r.stdout).not.toMatch(/at .*\.js:\d+/);
  });

  it('a directory given where there are no X12 files is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-'));
    writeFileSync(join(dir, 'notes.txt'), 'nothing here');
    const r = await run(['inspect', dir]);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toContain('IO_NO_INPUT');
  });

  it('output cut short by `| head -1` ends quietly; a full disk is a clear error (real processes)', () => {
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" bin/recoup.js inspect fixtures/demo fixtures/corpus | head -1`], { cwd: ROOT, encoding: 'utf8' });
    expect(piped.stdout).toBe('fixtures/demo/01-acme-2024-01-05.835  940 bytes, 32 segments, 1 remittance\n');
    expect(piped.stderr).toBe('');
    const full = spawnSync('sh', ['-c', `"${process.execPath}" bin/recoup.js inspect fixtures/demo > /dev/full`], { cwd: ROOT, encoding: 'utf8' });
    expect(full.status).toBe(1);
    expect(full.stderr).toBe('recoup: error IO_OUTPUT: cannot write the output: ENOSPC\n');
  });

  it('reports the balance checks scan makes, with exact codes and positions (text)', async () => {
    const r = await run(['inspect', 'fixtures/cases/unbalanced.835']);
    expect(r.exitCode).toBe(0); // warnings only
    expect(r.stdout).not.toContain('no diagnostics');
    const lines = r.stdout.split('\n').filter((l) => /^ {2}segment /.test(l));
    expect(lines.map((l) => l.replace(/(BALANCE_\w+):.*/, '$1'))).toEqual([
      '  segment 13 SVC, byte 455: warning BALANCE_SERVICE',
      '  segment 10 CLP, byte 380: warning BALANCE_CLAIM',
      '  segment 3 ST, byte 170: warning BALANCE_REMITTANCE',
      '  segment 3 ST, byte 170: warning BALANCE_INTEREST',
    ]);
    expect(r.stdout).toContain('warning BALANCE_REMITTANCE: remittance ST 113 (trace BAD0113) does not balance');
    expect(r.stdout).toContain('(difference -18.00)');
  });

  it('reports the balance checks as data (JSON)', async () => {
    const r = await run(['inspect', '--format', 'json', 'fixtures/cases/unbalanced.835']);
    expect(r.exitCode).toBe(0);
    const [file] = JSON.parse(r.stdout);
    expect(file.diagnostics.map((d: Record<string, unknown>) => [d.code, d.severity, d.segment, d.byteOffset, d.segmentId, d.file])).toEqual([
      ['BALANCE_SERVICE', 'warning', 13, 455, 'SVC', 'fixtures/cases/unbalanced.835'],
      ['BALANCE_CLAIM', 'warning', 10, 380, 'CLP', 'fixtures/cases/unbalanced.835'],
      ['BALANCE_REMITTANCE', 'warning', 3, 170, 'ST', 'fixtures/cases/unbalanced.835'],
      ['BALANCE_INTEREST', 'warning', 3, 170, 'ST', 'fixtures/cases/unbalanced.835'],
    ]);
  });

  it('--quiet still shows a file whose only findings are balance failures', async () => {
    const r = await run(['inspect', '--quiet', 'fixtures/demo', 'fixtures/cases/unbalanced.835']);
    expect(r.stdout).not.toContain('fixtures/demo/');
    expect(r.stdout).toContain('fixtures/cases/unbalanced.835');
  });

  it('lists the same per-file diagnostics as scan, in the same order (demo and case files)', async () => {
    // findings only scan makes: a remittance read twice in the run, a PLB code outside 5010
    const runLevel = /(REMIT_DUPLICATE|REMIT_TRACE_REUSED|PLB_UNKNOWN_CODE):/;
    const files = ['fixtures/demo', 'fixtures/cases'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.835')).map((f) => `${d}/${f}`));
    expect(files.length).toBeGreaterThan(10);
    const scanned = (await run(['scan', ...files, '--csv', '--verbose'])).stderr.split('\n');
    const inspectedText = (await run(['inspect', ...files])).stdout.split('\n');
    let compared = 0;
    for (const f of files) {
      const scan = scanned.filter((l) => l.startsWith(`${f}: `) && !runLevel.test(l)).map((l) => l.slice(f.length + 2));
      const start = inspectedText.findIndex((l) => l.startsWith(`${f}  `));
      const end = inspectedText.findIndex((l, i) => i > start && l === '');
      const inspected = inspectedText.slice(start, end).filter((l) => /^ {2}(segment \d|byte \d|(error|warning|info) [A-Z0-9_]+:)/.test(l)).map((l) => l.slice(2));
      expect(inspected, f).toEqual(scan);
      compared += scan.length;
    }
    expect(compared).toBeGreaterThanOrEqual(4);
  });

  it('a file with an error-level diagnostic: exit 1, the error listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-'));
    const f = join(dir, 'bad.835');
    writeFileSync(f, readFileSync(join(ROOT, 'fixtures/demo/04-acme-2024-03-15.835'), 'latin1').replace('*L6*-3.25~', '*L6~'));
    const r = await run(['inspect', f, 'fixtures/demo/01-acme-2024-01-05.835']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stdout).toContain('  segment 20 PLB, byte 680, PLB05: error REMIT_PLB_INCOMPLETE');
    expect(r.stdout).toContain('  segment 3 ST, byte 168: warning BALANCE_REMITTANCE');
  });

  it('usage errors exit 2', async () => {
    const xml = await run(['inspect', '--format', 'xml', 'x']);
    expect(xml).toMatchObject({ exitCode: 2, code: 'USAGE', stdout: '' });
    expect(xml.stderr).toMatch(/^error: option '-f, --format <format>' argument 'xml' is invalid\. Allowed choices are text, json\.\n/);
    const bogus = await run(['inspect', '--bogus']);
    expect(bogus).toMatchObject({ exitCode: 2, code: 'USAGE', stdout: '' });
    expect(bogus.stderr).toMatch(/^error: unknown option '--bogus'\n/);
    const unknown = await run(['frobnicate']);
    expect(unknown).toMatchObject({ exitCode: 2, code: 'USAGE', stdout: '' });
    expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'\n/);
  });

  it('--help shows examples and exit codes; --version prints the version', async () => {
    const help = await run(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect((await run(['inspect', '--help'])).stdout).toContain('recoup inspect fixtures/demo');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(await run(['--version'])).toMatchObject({ exitCode: 0, code: undefined, stdout: `${pkg.version}\n`, stderr: '' });
    // and through the shipped binary (a real process: node bin/recoup.js, which runs dist/)
    const bin = recoup(['--version']);
    expect(bin).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
