// File-system faults (issue #7) through the real binary: missing paths, nothing to read, permission
// denied (as an unprivileged user: these tests run as root, and root ignores file modes), outputs that
// cannot be written. Each: one clear coded line, the right exit code, the good inputs still read, no
// stack trace, and no output file left behind that looks complete.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { recoup, type RunResult } from './helpers.js';

const GOOD = join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835');
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** A world-readable scratch directory (an unprivileged user must reach it). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-faults-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** Runs recoup as an unprivileged user: `nobody` when we are root, else ourselves (modes then apply). */
function asUser(args: string[]): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'recoup.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', HOME: tmpdir() },
    encoding: 'utf8',
    timeout: 30_000,
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (r: RunResult): void => expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);

describe('inputs that cannot be read', () => {
  it('a path that does not exist: IO_NOT_FOUND, the other file still reported, exit 1', () => {
    const r = recoup(['scan', join(ROOT, 'no/such/file.835'), GOOD, '--report', 'payments', '--csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error IO_NOT_FOUND:');
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    noStack(r);
  });

  it('a directory with no 835 files in it: a clear error, exit 1', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'notes.txt'), 'nothing to see');
    const r = recoup(['scan', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error IO_\w+:/);
    noStack(r);
  });

  it('permission denied on a file: IO_PERMISSION, the readable file still reported, exit 1', () => {
    const dir = scratch();
    const locked = join(dir, 'locked.835');
    writeFileSync(locked, readFileSync(GOOD));
    chmodSync(locked, 0o600); // owned by us; an unprivileged user cannot read it
    const open = join(dir, 'open.835');
    writeFileSync(open, readFileSync(GOOD));
    chmodSync(open, 0o644);
    if (!isRoot) chmodSync(locked, 0o000);
    const r = asUser(['scan', locked, open, '--report', 'payments', '--csv']);
    expect(r.stderr).toContain(`${locked}: error IO_PERMISSION: ${locked} cannot be read: permission denied`);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    noStack(r);
  });

  it('permission denied on a directory: a clear error naming it, exit 1', () => {
    const dir = scratch();
    const closed = join(dir, 'closed');
    mkdirSync(closed);
    writeFileSync(join(closed, 'a.835'), readFileSync(GOOD));
    chmodSync(closed, isRoot ? 0o700 : 0o000);
    const r = asUser(['scan', closed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error IO_PERMISSION: .*closed.*permission denied/);
    noStack(r);
  });
});

describe('outputs that cannot be written', () => {
  it('-o into a directory the user may not write: IO_OUTPUT, exit 1, nothing left there', () => {
    const dir = scratch(); // 0755, owned by us: not writable by an unprivileged user
    if (!isRoot) chmodSync(dir, 0o555);
    const r = asUser(['scan', GOOD, '--csv', '-o', join(dir, 'offsets.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recoup: error IO_OUTPUT: cannot write .*offsets\.csv: EACCES/);
    expect(readdirSync(dir)).toEqual([]);
    noStack(r);
  });

  it('-o <dir>/ for one CSV per report, in a directory that cannot be created: exit 1, nothing created', () => {
    const dir = scratch();
    if (!isRoot) chmodSync(dir, 0o555);
    const r = asUser(['scan', GOOD, '--report', 'all', '--csv', '-o', join(dir, 'reports') + '/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recoup: error IO_OUTPUT: cannot create the output directory .*reports\/?: EACCES/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    noStack(r);
  });

  it('a ledger in a directory the user may not write: a clear ledger error, exit 1, no ledger file', () => {
    const dir = scratch();
    if (!isRoot) chmodSync(dir, 0o555);
    const r = asUser(['scan', GOOD, '--ledger', join(dir, 'ledger.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recoup: error LEDGER_OPEN_FAILED: cannot create ledger .*ledger\.db: EACCES/);
    expect(readdirSync(dir)).toEqual([]);
    noStack(r);
  });

  it('the disk fills up while -o is being written (a 4 KiB tmpfs, root only): exit 1, no file left at all', (ctx) => {
    const mnt = scratch();
    const mounted = isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt]).status === 0;
    if (!mounted) ctx.skip();
    try {
      const r = recoup(['scan', 'fixtures', '--report', 'claims', '--csv', '-o', join(mnt, 'claims.csv')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`recoup: error IO_OUTPUT: cannot write ${join(mnt, 'claims.csv')}: ENOSPC; the incomplete report was removed`);
      expect(readdirSync(mnt)).toEqual([]);
      noStack(r);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('the output stream fails mid-way (stdout is /dev/full) with a large report: one line, exit 1', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" bin/recoup.js scan fixtures --report claims --csv > /dev/full`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => l.includes('ENOSPC'))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
