// The pager (issue 13 §5): at a terminal, a table taller than the screen goes through $PAGER (default
// less -FRX); never with --no-pager, never into a pipe, never for a table that fits; a pager that quits
// early is a normal end, a pager that cannot be started means the text is written directly. Through a real
// pseudo-terminal (util-linux `script`, as test/cli/workflows.test.ts does), with PAGER set to a command
// that records what it got.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { pageOut, pagerCommand, screenRows } from '../../src/cli/pager.js';
import { renderTable } from '../../src/report/table.js';
import { scan } from '../../src/scan/scan.js';
import { ROOT } from '../helpers.js';

const bin = `"${process.execPath}" "${join(ROOT, 'bin', 'recoup.js')}"`;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-pager-'));
/** Runs a shell command line under a pseudo-terminal of `rows` × `cols`; what the terminal showed, and the exit code. */
const tty = (cmd: string, size: { rows: number; cols: number }, env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync('script', ['-qec', `stty rows ${size.rows} cols ${size.cols}; ${cmd}; echo "exit=$?"`, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: undefined, ...env },
    timeout: 30_000,
  });
  return { out: r.stdout.replace(/\r\n/g, '\n'), code: Number(/exit=(\d+)/.exec(r.stdout)?.[1]) };
};

describe('at a terminal', () => {
  let expected80: string;
  beforeAll(async () => {
    const r = await scan([join(ROOT, 'fixtures/demo')], { reports: ['summary', 'offsets'] });
    const plain = new Chalk({ level: 0 });
    expected80 = ['summary', 'offsets'].map((n) => renderTable(n as 'summary', r.reports[n as 'summary']!, plain, 80)).join('\n');
  });

  it('a table taller than the screen goes through $PAGER, fitted to the width; the run summary follows on stderr', () => {
    const got = join(tmp(), 'paged.txt');
    const r = tty(`${bin} scan fixtures/demo --no-color`, { rows: 10, cols: 80 }, { PAGER: `cat > '${got}'` });
    expect(r.code).toBe(0);
    expect(readFileSync(got, 'utf8')).toBe(expected80);
    expect(r.out).not.toContain('Summary by payer');
    expect(r.out).toContain('recoup: 4 files, 4 remittances (4 balanced, 0 unbalanced)');
  });

  it('colours reach the pager (less -R shows them)', () => {
    const got = join(tmp(), 'paged.txt');
    expect(tty(`${bin} scan fixtures/demo`, { rows: 10, cols: 80 }, { PAGER: `cat > '${got}'` }).code).toBe(0);
    expect(readFileSync(got, 'utf8')).toContain('\x1b[31m60.00\x1b[39m');
  });

  it('--no-pager: written to the terminal directly', () => {
    const got = join(tmp(), 'paged.txt');
    const r = tty(`${bin} scan fixtures/demo --no-color --no-pager`, { rows: 10, cols: 80 }, { PAGER: `cat > '${got}'` });
    expect(r.code).toBe(0);
    expect(existsSync(got)).toBe(false);
    expect(r.out.startsWith(expected80)).toBe(true);
  });

  it('never into a pipe (and the table is not narrowed there)', () => {
    const got = join(tmp(), 'paged.txt');
    const r = tty(`${bin} scan fixtures/demo --no-color | cat`, { rows: 10, cols: 80 }, { PAGER: `cat > '${got}'` });
    expect(r.code).toBe(0);
    expect(existsSync(got)).toBe(false);
    expect(r.out).toContain('Payer               │ Checks │ Claim payments │');
  });

  it('a table that fits the screen is written directly', () => {
    const got = join(tmp(), 'paged.txt');
    const r = tty(`${bin} scan fixtures/demo --no-color`, { rows: 60, cols: 80 }, { PAGER: `cat > '${got}'` });
    expect(r.code).toBe(0);
    expect(existsSync(got)).toBe(false);
    expect(r.out.startsWith(expected80)).toBe(true);
  });

  it('a pager that quits early (q) is a normal end: exit 0, no error', () => {
    const r = tty(`${bin} scan fixtures/demo --no-color`, { rows: 10, cols: 80 }, { PAGER: 'head -n 1' });
    expect(r.code).toBe(0);
    expect(r.out).toBe('Summary by payer  2 rows\nrecoup: 4 files, 4 remittances (4 balanced, 0 unbalanced), 10 claims, 5 provider-level offsets; 0 errors, 0 warnings\nexit=0\n');
  });

  it.each([
    ['a pager that is not installed', '/nonexistent/pager'],
    ['a pager the shell cannot find', 'no-such-pager-anywhere --opt > /dev/null'],
  ])('%s: the text is written directly', (_name, pager) => {
    const r = tty(`${bin} scan fixtures/demo --no-color`, { rows: 10, cols: 80 }, { PAGER: pager });
    expect(r.code).toBe(0);
    expect(r.out).toContain(expected80);
  });

  it('recoup trace: fitted to the width and paged; --no-pager writes it directly', () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    expect(spawnSync(process.execPath, [join(ROOT, 'bin', 'recoup.js'), 'scan', 'fixtures/demo', '--ledger', db, '--csv', '-q'], { cwd: ROOT }).status).toBe(0);
    const got = join(dir, 'paged.txt');
    const r = tty(`${bin} trace MFC1002 --ledger '${db}' --no-color`, { rows: 8, cols: 80 }, { PAGER: `cat > '${got}'` });
    expect(r.code).toBe(0);
    const text = readFileSync(got, 'utf8');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toContain('2024-02-12 │ Deferred recoupment │ ACH100100045 │');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['Net received 120.00 (claim payments and interest, less what offsets took back)', 'Still owed 0.00 (deferred, not yet taken back)']);
    const direct = tty(`${bin} trace MFC1002 --ledger '${db}' --no-color --no-pager`, { rows: 8, cols: 80 }, { PAGER: `cat > '${got}.2'` });
    expect(existsSync(`${got}.2`)).toBe(false);
    expect(direct.out).toBe(`${text}exit=0\n`);
  });
});

describe('pageOut', () => {
  const sink = (): { stream: Writable; text: () => string } => {
    let text = '';
    return {
      stream: new Writable({
        write(chunk: Buffer, _e, cb) {
          text += chunk.toString();
          cb();
        },
      }),
      text: () => text,
    };
  };
  const io = (out: Writable, o: { tty: boolean; rows: number | undefined; pager: string }): CliIO => ({
    stdout: out,
    stderr: out,
    stdin: process.stdin,
    env: { PAGER: o.pager },
    stdoutIsTTY: o.tty,
    stderrIsTTY: false,
    stdinIsTTY: false,
    columns: 80,
    rows: o.rows,
  });
  const tall = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n';

  it('pages a tall text at a terminal, through the command in PAGER', async () => {
    const got = join(tmp(), 'got.txt');
    const out = sink();
    await pageOut(io(out.stream, { tty: true, rows: 24, pager: `cat > '${got}'` }), tall, { enabled: true });
    expect(out.text()).toBe('');
    expect(readFileSync(got, 'utf8')).toBe(tall);
  });

  it.each([
    ['not a terminal', { tty: false, rows: 24 }, true],
    ['--no-pager', { tty: true, rows: 24 }, false],
    ['height unknown', { tty: true, rows: undefined }, true],
    ['fits the screen', { tty: true, rows: 40 }, true],
  ])('%s: written directly', async (_name, o, enabled) => {
    const got = join(tmp(), 'got.txt');
    const out = sink();
    await pageOut(io(out.stream, { ...o, pager: `cat > '${got}'` }), tall, { enabled });
    expect(out.text()).toBe(tall);
    expect(existsSync(got)).toBe(false);
  });

  it('the pager command: PAGER as given, none for an empty PAGER or cat, less -FRX by default', () => {
    expect(pagerCommand({})).toBe('less -FRX');
    expect(pagerCommand({ PAGER: 'more' })).toBe('more');
    expect(pagerCommand({ PAGER: '' })).toBeNull();
    expect(pagerCommand({ PAGER: 'cat' })).toBeNull();
  });

  it('screen rows: a line wider than the terminal takes several', () => {
    expect(screenRows('a\nb\n', 80)).toBe(2);
    expect(screenRows(`${'x'.repeat(200)}\n`, 80)).toBe(3);
    expect(screenRows(`${'…'.repeat(80)}\n`, 80)).toBe(1);
    expect(screenRows('a\n'.repeat(1000), 80, 25)).toBe(25);
  });
});

describe('every report fits the terminal it is shown on (pseudo-terminal, widths 80, 120, 200)', () => {
  /** Display columns of a line as a terminal shows it (box-drawing and '…' are one column each). */
  const width = (line: string): number => [...line.replace(/\x1b\[[0-9;]*m/g, '')].length;

  it.each([80, 120, 200])('%i columns: no line wider, every trace, ICN, reference and amount whole', async (cols) => {
    const r = tty(`${bin} scan fixtures/demo --report all --no-pager --no-color --as-of 2024-04-30`, { rows: 50, cols });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => !l.startsWith('exit=') && !l.startsWith('recoup: '));
    expect(lines.length).toBeGreaterThan(40);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(cols);
    const all = await scan([join(ROOT, 'fixtures/demo')], { reports: ['offsets', 'payments'] });
    for (const o of all.reports.offsets!) {
      expect(r.out).toContain(o.trace_number);
      if (o.reference) expect(r.out).toContain(o.reference);
      expect(r.out).toContain(o.amount!.replace(/^(-?)(\d+)(\d{3})\./, '$1$2,$3.'));
    }
    for (const p of all.reports.payments!) expect(r.out).toContain(p.trace_number);
  });
});
