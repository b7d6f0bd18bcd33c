// Issue #5 workflows at the command line: exit codes, --fail-on, --escalate-over, --new-only, output
// safety, quiet/verbose, redaction, codes, help — in-process through runCli; terminal behaviour (via a
// pseudo-terminal), pipes, /dev/full and the library import in real processes (the binary, bin/recoup.js).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/analysis/rows.js';
import { toJsonRow } from '../../src/report/json.js';
import { ROOT } from '../helpers.js';
import { recoup, run } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-wf-'));
const bin = `"${process.execPath}" "${join(ROOT, 'bin', 'recoup.js')}"`;
const sh = (cmd: string, env: NodeJS.ProcessEnv = {}) => spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
/** Runs a command under a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
const tty = (cmd: string, env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined, ...env } });
  return { code: r.status, out: r.stdout };
};

describe('exit codes and --fail-on', () => {
  it.each([
    ['nothing to fail on', ['fixtures/demo'], 0],
    ['unbalanced met', ['fixtures/cases/unbalanced.835', '--fail-on', 'unbalanced'], 3],
    ['unbalanced not met', ['fixtures/demo', '--fail-on', 'unbalanced'], 0],
    ['unlinked met (references to claims never seen)', ['fixtures/cases/plb-six-pairs.835', '--fail-on', 'unlinked'], 3],
    ['unlinked not met (demo links every recoupment)', ['fixtures/demo', '--fail-on', 'unlinked'], 0],
    ['escalated met', ['fixtures/demo', '--escalate-over', '50', '--fail-on', 'escalated'], 3],
    ['escalated not met', ['fixtures/demo', '--escalate-over', '1000', '--fail-on', 'escalated'], 0],
    ['warnings met', ['fixtures/cases/unbalanced.835', '--fail-on', 'warnings'], 3],
    ['warnings not met', ['fixtures/demo', '--fail-on', 'warnings,unbalanced'], 0],
    ['an unreadable input outranks --fail-on', ['fixtures/cases/unbalanced.835', '/nonexistent.835', '--fail-on', 'unbalanced'], 1],
    ['warnings only (four balance warnings) keep exit 0', ['fixtures/cases/unbalanced.835'], 0],
  ])('%s: %j → exit %i', async (_name, args, exitCode) => {
    const r = await run(['scan', ...args, '--csv']);
    expect(r).toMatchObject({ exitCode, code: undefined }); // an outcome, not an error that stopped the run
    if (exitCode === 3) expect(r.stderr).toMatch(/recoup: --fail-on \w+: /);
    if (exitCode === 0) expect(r.stderr).not.toContain('recoup: --fail-on');
  });

  it.each([
    [['scan', 'fixtures/demo', '--fail-on', 'sometimes'], 'recoup: --fail-on: unknown condition "sometimes"; choose from unbalanced, unlinked, escalated, warnings, deposits, due, unapproved\n'],
    [['scan', 'fixtures/demo', '--escalate-over', 'lots'], 'recoup: --escalate-over: "lots" is not an amount (for example 500 or 1250.00)\n'],
    [['scan', 'fixtures/demo', '--new-only'], 'recoup: --new-only needs a ledger (--ledger <file> or RECOUP_LEDGER) to know which files were already read\n'],
    [['scan', 'fixtures/demo', '--as-of', '31/12/2024'], 'recoup: --as-of: "31/12/2024" is not a date; expected a real calendar date YYYY-MM-DD (year 1900 or later), e.g. 2024-03-31\n'],
    [['scan', 'fixtures/demo', '--format', 'xml'], "error: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are table, csv, json, ndjson, xlsx, html.\n(run recoup --help for usage)\n"],
  ])('usage error %j → exit 2 with a clear message', async (args, message) => {
    const r = await run(args, { env: { RECOUP_LEDGER: '' } });
    expect(r).toEqual({ exitCode: 2, code: 'USAGE', stdout: '', stderr: message });
  });
});

describe('an error-level diagnostic means the reports are incomplete: exit 1', () => {
  const demo = (name: string): string => readFileSync(join(ROOT, 'fixtures/demo', name), 'latin1');
  /** A demo file with one change, written to a temporary folder. */
  const damaged = (name: string, from: string, to: string): string => {
    const text = demo(name);
    expect(text).toContain(from);
    const path = join(tmp(), name);
    writeFileSync(path, text.replace(from, to), 'latin1');
    return path;
  };
  const cases: Array<[string, () => string, string, string]> = [
    ['an amount that is not a number (CLP04 2O0)', () => damaged('01-acme-2024-01-05.835', 'CLP*MFC1001*1*250*200', 'CLP*MFC1001*1*250*2O0'), 'REMIT_BAD_AMOUNT', 'segment 13 CLP, byte 457, CLP04: error REMIT_BAD_AMOUNT'],
    ['a remittance without TRN', () => damaged('04-acme-2024-03-15.835', 'TRN*1*ACH100100102*1999999999~', ''), 'REMIT_MISSING_SEGMENT', 'segment 3 ST, byte 168: error REMIT_MISSING_SEGMENT'],
    ['a PLB reason code without its amount', () => damaged('04-acme-2024-03-15.835', '*L6*-3.25~', '*L6~'), 'REMIT_PLB_INCOMPLETE', 'segment 20 PLB, byte 680, PLB05: error REMIT_PLB_INCOMPLETE'],
    ['a segment id that is not 2–3 letters or digits', () => damaged('04-acme-2024-03-15.835', 'DTM*405*20240314~', 'DTM*405*20240314~N!*X~'), 'X12_BAD_SEGMENT_ID', 'segment 7, byte 323: error X12_BAD_SEGMENT_ID'],
  ];

  it.each(cases)('%s → exit 1, the reports still written', async (_name, make, code, where) => {
    const file = make();
    const r = await run(['scan', file, '--csv', '--report', 'payments']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toContain(`${file}: ${where}`);
    expect(r.stderr).toMatch(/; [1-9]\d* errors?, \d+ warnings?\n$/);
    expect(r.stdout.trim().split('\n')).toHaveLength(2); // header + the remittance, as far as it was read
    expect(r.stderr).not.toContain(`warning ${code}`);
  });

  it('an error outranks --fail-on (exit 1, not 3); with --quiet the error line is still printed', async () => {
    const file = cases[0]![1]();
    const r = await run(['scan', file, '--csv', '--fail-on', 'warnings,unbalanced', '--quiet']);
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toContain('error REMIT_BAD_AMOUNT');
    expect(r.stderr).toContain('recoup: --fail-on warnings: ');
  });

  it('info diagnostics (the ledger already has the file) do not count: exit 0', async () => {
    const db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '--csv'])).exitCode).toBe(0);
    const again = await run(['scan', 'fixtures/demo', '--ledger', db, '--csv', '--verbose']);
    expect(again.stderr).toContain('info LEDGER_FILE_KNOWN');
    expect(again.exitCode).toBe(0);
  });

  it('recoup inspect: exit 1 for a file with an error-level diagnostic, 0 for warnings only', async () => {
    const bad = await inspectJson(cases[0]![1]());
    expect(bad.exitCode).toBe(1);
    expect(bad.files[0]!.diagnostics.map((d: { code: string; severity: string }) => `${d.severity} ${d.code}`)).toContain('error REMIT_BAD_AMOUNT');
    expect((await inspectJson(join(ROOT, 'fixtures/cases/unbalanced.835'))).exitCode).toBe(0);
  });
});

async function inspectJson(file: string): Promise<{ exitCode: number; files: Array<{ diagnostics: Array<{ code: string; severity: string }> }> }> {
  const r = await run(['inspect', '--format', 'json', file]);
  return { exitCode: r.exitCode, files: JSON.parse(r.stdout) };
}

describe('escalation', () => {
  it('--escalate-over flags offsets over the amount in the offsets report and counts them in the summary', async () => {
    const r = await run(['scan', 'fixtures/demo', '--escalate-over', '$50.00', '--json', '--report', 'offsets,summary']);
    const j = JSON.parse(r.stdout);
    // JSON is typed: amounts are numbers, the flag a boolean
    expect(j.offsets.map((o: Record<string, unknown>) => [o.reason_code, o.amount, o.escalate])).toEqual([
      ['WO', -60, true],
      ['WO', 60, true],
      ['72', -45, false],
      ['WO', 45, false],
      ['L6', -3.25, false],
    ]);
    expect(j.summary[0]).toMatchObject({ payer_name: 'ACME HEALTH PLAN', escalated_offsets: 2, escalated_amount: 120 });
    expect(r.stderr).toContain(', 2 escalated;');
    const table = (await run(['scan', 'fixtures/demo', '--escalate-over', '50', '--report', 'offsets'])).stdout;
    expect(table.split('\n').filter((l) => l.includes('ESCALATE'))).toHaveLength(2);
  });
});

describe('nightly runs with a ledger', () => {
  it('--new-only reports each ERA once across runs', async () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'a.835'), readFileSync(join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835')));
    const day1 = await run(['scan', '--ledger', db, '--new-only', inbox, '--csv', '--report', 'payments', '-o', join(dir, 'r1') + '/']);
    expect(day1.exitCode).toBe(0);
    writeFileSync(join(inbox, 'b.835'), readFileSync(join(ROOT, 'fixtures/demo/03-acme-2024-02-12.835')));
    const day2 = await run(['scan', '--ledger', db, '--new-only', inbox, '--csv', '--report', 'payments', '-o', join(dir, 'r2') + '/']);
    expect(day2.exitCode).toBe(0);
    expect(day2.stderr).toContain('a.835 is already in the ledger; skipped (--new-only)');
    const rows = (p: string): string[] => readFileSync(p, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[7]!);
    expect(rows(join(dir, 'r1', 'payments.csv'))).toEqual(['ACH100100001']);
    expect(rows(join(dir, 'r2', 'payments.csv'))).toEqual(['ACH100100045']);
  });
});

describe('output safety', () => {
  it('-o to a missing directory: a clear error naming the folder, exit 1, no file left', async () => {
    const dir = tmp();
    const target = join(dir, 'nope', 'offsets.csv');
    const r = await run(['scan', 'fixtures/demo', '--csv', '-o', target]);
    expect(r).toMatchObject({ exitCode: 1, code: 'IO_OUTPUT' });
    expect(r.stderr).toBe(`recoup: error IO_OUTPUT: cannot write ${target}: the folder ${join(dir, 'nope')} does not exist\n`);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });

  it('-o to a directory given as a file (it exists as a directory) with JSON is a usage error', async () => {
    const dir = tmp();
    const r = await run(['scan', 'fixtures/demo', '--json', '-o', dir]);
    expect(r).toEqual({ exitCode: 2, code: 'USAGE', stdout: '', stderr: `recoup: -o ${dir} is a directory; a directory takes --format csv (one file per report); give a file name for json\n` });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('-o never leaves a temporary file behind; a failed run leaves no report that looks complete', async () => {
    const dir = tmp();
    const ok = await run(['scan', 'fixtures/demo', '--csv', '-o', join(dir, 'offsets.csv')]);
    expect(ok.exitCode).toBe(0);
    expect(readdirSync(dir)).toEqual(['offsets.csv']);
    const bad = await run(['scan', 'fixtures/demo', '--ledger', join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835'), '--csv', '-o', join(dir, 'second.csv')]);
    expect(bad).toMatchObject({ exitCode: 1, code: 'LEDGER_NOT_SQLITE' });
    expect(readdirSync(dir)).toEqual(['offsets.csv']);
  });

  it('-o /dev/stdout is written directly, not renamed over', () => {
    const r = sh(`${bin} scan fixtures/demo --csv --report payments -o /dev/stdout 2>/dev/null | wc -l`);
    expect(r.stdout.trim()).toBe('5');
  });

  it('disk full (stdout is /dev/full): one clear line, exit 1', () => {
    const r = sh(`${bin} scan fixtures/demo --csv > /dev/full`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('recoup: error IO_OUTPUT: cannot write the output: ENOSPC');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('| head -1 ends quietly', () => {
    const r = sh(`${bin} scan fixtures/demo fixtures/cases --csv --report claims | head -1`);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'test/golden/demo.claims.csv'), 'utf8').split('\n')[0] + '\n');
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('stderr: quiet, verbose, data stays on stdout', () => {
  it('--quiet prints only errors', async () => {
    const r = await run(['scan', 'fixtures/cases/unbalanced.835', '--csv', '--quiet']);
    expect(r.stderr).toBe('');
    const withError = await run(['scan', 'fixtures/cases/unbalanced.835', '/nonexistent.835', '--csv', '--quiet']);
    expect(withError.stderr).toBe('/nonexistent.835: error IO_NOT_FOUND: /nonexistent.835 does not exist\n');
  });

  it('segment contents (patient data) only with --verbose', async () => {
    const dir = tmp();
    const f = join(dir, 'bad.835');
    writeFileSync(f, readFileSync(join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835'), 'latin1').replace('CLP*MFC1001*1*250*200', 'CLP*MFC1001*1*250*2O0'));
    const quiet = await run(['scan', f, '--csv']);
    expect(quiet.stderr).toContain('REMIT_BAD_AMOUNT');
    expect(quiet.stderr).not.toContain('MFC1001*1*250*2O0');
    const verbose = await run(['scan', f, '--csv', '--verbose']);
    expect(verbose.stderr).toContain('    segment: CLP*MFC1001*1*250*2O0');
  });

  it('data goes to stdout, diagnostics and the summary line to stderr', async () => {
    const r = await run(['scan', 'fixtures/cases/unbalanced.835', '--csv']);
    expect(r.stdout.startsWith('file,transaction_control,')).toBe(true);
    expect(r.stdout).not.toContain('BALANCE_');
    expect(r.stderr).toContain('BALANCE_REMITTANCE');
    expect(r.stderr).toContain('recoup: 1 file, 1 remittance (0 balanced, 1 unbalanced)');
  });
});

describe('at a terminal', () => {
  it('colour on a terminal, none with NO_COLOR or --no-color, none in a pipe', () => {
    expect(tty(`${bin} scan fixtures/demo`).out).toContain('\x1b[1m');
    expect(tty(`${bin} scan fixtures/demo`, { NO_COLOR: '1' }).out).not.toMatch(/\x1b\[\d+m/);
    expect(tty(`${bin} scan fixtures/demo --no-color`).out).not.toContain('\x1b[1m');
    // a real pipe (the binary's own terminal detection, processIO), not a flag set by the test
    expect(recoup(['scan', 'fixtures/demo'], { env: { NO_COLOR: undefined } }).stdout).not.toContain('\x1b[');
  });

  it('money taken back is red at a terminal', () => {
    const out = tty(`${bin} scan fixtures/demo`).out;
    expect(out).toContain('\x1b[31m60.00\x1b[39m');
  });

  it('tables fit the terminal width: no identifier or amount is cut, the columns left out are named (issue 13 §3)', () => {
    const out = tty(`stty cols 100; ${bin} scan fixtures/demo --report offsets --no-color`).out;
    const lines = out.split(/\r?\n/).filter((l) => l.includes('│') || l.includes('┼'));
    expect(lines.length).toBe(9); // header, rule, 5 rows, rule, Total
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(out).not.toContain('…');
    // the offset id (issue 16) is an identifier: left out whole, never cut, at this width
    expect(out).toContain('(narrow terminal: Linked ICN, Linked by, Id not shown; --csv or --xlsx for every column)');
    for (const id of ['ACH100100045', 'ACH100100102', '2224001000102', '2224001000103', 'MFC1002', 'MFC1003']) expect(out).toContain(id);
    for (const amount of ['-60.00', '60.00', '-45.00', '45.00', '-3.25']) expect(out).toContain(` ${amount} │`);
  });

  it('a progress bar on a terminal only, never with --quiet or in a pipe', async () => {
    const big = join(tmp(), 'big.835');
    const one = readFileSync(join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835'), 'latin1');
    writeFileSync(big, one.repeat(3000));
    const atTty = tty(`${bin} scan ${big} --report summary --csv -o ${big}.csv`, { RECOUP_PROGRESS_AFTER_MS: '0' }).out;
    expect(atTty).toMatch(/recoup \[[#.]{20}\] \d+%/);
    expect(tty(`${bin} scan ${big} --report summary --csv -o ${big}.2.csv --quiet`, { RECOUP_PROGRESS_AFTER_MS: '0' }).out).not.toContain('recoup [');
    // stderr not a terminal (in-process: RECOUP_PROGRESS_AFTER_MS reaches the run through io.env)
    const piped = await run(['scan', big, '--report', 'summary', '--csv'], { env: { RECOUP_PROGRESS_AFTER_MS: '0' } });
    expect(piped.exitCode).toBe(0);
    expect(piped.stderr).not.toContain('recoup [');
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).toMatch(/\nrecoup: 1 file, 1 remittance \(1 balanced, 0 unbalanced\), 2999 duplicate remittances counted once, 3 claims, .*\n$/);
  });
});

describe('recoup codes, help and version', () => {
  it.each([
    ['WO', 'PLB reason code WO   Overpayment recovery  [positive: recoupment, negative: deferred_recoupment]\n'],
    ['l6', 'PLB reason code L6   Interest owed (interest on claims in this remittance)  [interest]\n'],
    ['PR', 'CAS group code PR  Patient responsibility\n'],
    ['22', 'Claim status (CLP02) 22  Reversal of previous payment\n'],
  ])('codes %s', async (code, out) => {
    const r = await run(['codes', code]);
    expect(r).toEqual({ exitCode: 0, code: undefined, stdout: out, stderr: '' });
  });

  it('codes CR shows both meanings; a CARC from --carc-file; an unknown code exits 1', async () => {
    expect((await run(['codes', 'CR'])).stdout).toBe('PLB reason code CR   Capitation interest  [other]\nCAS group code CR  Correction or reversal (4010 only)\n');
    const carc = join(tmp(), 'carc.csv');
    writeFileSync(carc, 'code,description\n45,"Charge exceeds fee schedule, licensed text"\n');
    expect((await run(['codes', '45', '--carc-file', carc])).stdout).toBe('CARC 45  Charge exceeds fee schedule, licensed text\n');
    expect(await run(['codes', 'Q9'])).toEqual({ exitCode: 1, code: undefined, stdout: '', stderr: 'recoup: "Q9" is not a PLB reason code, CAS group code or claim status (for CARCs give --carc-file)\n' });
    expect((await run(['codes'])).stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).length).toBe(41 + 5 + 10);
  });

  it.each([['scan'], ['inspect'], ['trace'], ['codes']])('%s --help has real examples', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r).toMatchObject({ exitCode: 0, code: undefined, stderr: '' });
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(new RegExp(`recoup ${cmd} \\S`));
  });

  it('recoup --help lists the exit codes', async () => {
    const help = (await run(['--help'])).stdout;
    expect(help).toContain('3  a --fail-on condition was met');
    expect(help).toContain('1  the reports are incomplete: an input could not be read or was not X12, or an error was found in');
    expect((await run(['scan', '--help'])).stdout).toContain('1 the reports are incomplete (an input could not be\nread, or any error-level diagnostic)');
    expect((await run(['inspect', '--help'])).stdout).toContain('1 a file could not be read or has an error-level\ndiagnostic');
  });
});

describe('--redact in every format', () => {
  it.each([['csv'], ['json'], ['ndjson'], ['table']])('%s', async (format) => {
    const r = await run(['scan', 'fixtures/demo', '--report', 'claims,offsets', '--format', format, '--redact', ...(format === 'csv' ? ['-o', tmp() + '/'] : [])]);
    expect(r.exitCode).toBe(0);
    for (const phi of ['SMITH', 'ROBERT', 'ACM100200302', 'BROWN', 'WILSON']) expect(r.stdout).not.toContain(phi);
    if (format !== 'csv' && format !== 'table') expect(r.stdout).toContain('S., R.');
  });
});

describe('as a library', () => {
  it("import { scan } from 'recoup' returns the rows the CLI prints", async () => {
    const code = `import('recoup').then(async ({ scan }) => { const r = await scan(['fixtures/demo'], { reports: ['offsets'] }); process.stdout.write(JSON.stringify(r.reports.offsets)); })`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const cli = await run(['scan', 'fixtures/demo', '--json', '--report', 'offsets']);
    // the library gives rows as text (as CSV); the CLI's JSON types them
    expect((JSON.parse(r.stdout) as Row[]).map((row) => toJsonRow('offsets', row))).toEqual(JSON.parse(cli.stdout).offsets);
  });
});
