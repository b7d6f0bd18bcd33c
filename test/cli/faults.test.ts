// File-system faults (issue #7) through the real binary: missing paths, nothing to read, permission
// denied (as an unprivileged user: these tests run as root, and root ignores file modes), outputs that
// cannot be written. Each: one clear coded line, the right exit code, the good inputs still read, no
// stack trace, and no output file left behind that looks complete.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenarioSet, renderFile } from '../support/synth.js';
import { ROOT } from '../helpers.js';
import { recoup, type RunResult } from './helpers.js';

const GOOD_IN_REPO = join(ROOT, 'fixtures/demo/01-acme-2024-01-05.835');
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** A world-readable scratch directory (an unprivileged user must reach it). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-faults-'));
  chmodSync(dir, 0o755);
  return dir;
}

// When the tests run as root, the permission tests run recoup as `nobody`, who must be able to reach the
// program and its inputs. A checkout inside a 0700 directory (any `mktemp -d`, root's home) is not
// reachable, so beforeAll copies the built program (bin/, dist/, package.json and the packages it needs
// at run time) and the demo input into a world-readable temporary directory and runs it from there. If
// that cannot be done (or `nobody` still cannot run it, e.g. node itself is in a private directory), the
// tests that need it are skipped with the reason printed, never failed.

/** Where the unprivileged user runs bin/recoup.js from (ROOT when we are not root: we can reach it). */
let runDir = ROOT;
/** The demo input as the unprivileged user can read it. */
let GOOD = GOOD_IN_REPO;
/** Why the unprivileged-user tests cannot run, if they cannot. */
let cannotRunAsUser: string | undefined;
let copyDir: string | undefined;

/** better-sqlite3's install-time dependency (it fetches or builds the native addon): not needed to run. */
const INSTALL_ONLY = new Set(['prebuild-install']);

/** The installed packages the program needs at run time: package.json's dependencies, transitively. */
function runtimePackages(): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || INSTALL_ONLY.has(name)) return;
    const manifest = join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) return; // optional and absent, or nested in its parent (copied with it)
    seen.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(root.dependencies)) visit(dep);
  return [...seen].sort();
}

/** better-sqlite3 needs only its JavaScript and the built addon at run time, not its C sources or build tree. */
function runtimeFile(pkgDir: string, src: string): boolean {
  if (!pkgDir.endsWith(`${sep}better-sqlite3`)) return true;
  const rel = relative(pkgDir, src);
  if (rel === '' || rel === 'package.json' || rel === 'lib' || rel.startsWith(`lib${sep}`)) return true;
  return rel === 'build' || rel === join('build', 'Release') || rel === join('build', 'Release', 'better_sqlite3.node');
}

/** Makes every directory 0755 and every file readable by all (a clone made under umask 077 is 0600). */
function openUp(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const e of readdirSync(path)) openUp(join(path, e));
  } else chmodSync(path, st.mode & 0o111 ? 0o755 : 0o644);
}

beforeAll(() => {
  if (!isRoot) return;
  try {
    copyDir = mkdtempSync(join(tmpdir(), 'recoup-faults-program-'));
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(copyDir, part), { recursive: true });
    for (const name of runtimePackages()) {
      const from = join(ROOT, 'node_modules', name);
      cpSync(from, join(copyDir, 'node_modules', name), { recursive: true, filter: (src) => runtimeFile(from, src) });
    }
    mkdirSync(join(copyDir, 'inputs'));
    cpSync(GOOD_IN_REPO, join(copyDir, 'inputs', '01-acme-2024-01-05.835'));
    openUp(copyDir);
  } catch (err) {
    cannotRunAsUser = `could not copy the program to a world-readable directory: ${(err as Error).message}`;
    return;
  }
  runDir = copyDir;
  GOOD = join(copyDir, 'inputs', '01-acme-2024-01-05.835');
  const probe = asUser(['--version']);
  if (probe.code !== 0) cannotRunAsUser = `user nobody cannot run ${process.execPath} ${join(runDir, 'bin', 'recoup.js')}: exit ${probe.code}, ${probe.stderr.split('\n').find((l) => /error/i.test(l))?.trim() ?? probe.stderr.trim().split('\n')[0]}`;
});

afterAll(() => {
  if (copyDir !== undefined) rmSync(copyDir, { recursive: true, force: true });
});

/** Skips the current test, with the reason printed, when recoup cannot be run as an unprivileged user. */
function needUnprivilegedUser(ctx: { skip: () => void }): void {
  if (cannotRunAsUser === undefined) return;
  console.warn(`skipped (${isRoot ? 'root: run as nobody' : 'unprivileged'}): ${cannotRunAsUser}`);
  ctx.skip();
}

/** Runs recoup as an unprivileged user: `nobody` when we are root, else ourselves (modes then apply). */
function asUser(args: string[]): RunResult {
  const r = spawnSync(process.execPath, [join(runDir, 'bin', 'recoup.js'), ...args], {
    cwd: runDir,
    env: { ...process.env, NO_COLOR: '1', HOME: tmpdir() },
    encoding: 'utf8',
    timeout: 30_000,
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
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

  it('permission denied on a file: IO_PERMISSION, the readable file still reported, exit 1', (ctx) => {
    needUnprivilegedUser(ctx);
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

  it('permission denied on a directory: a clear error naming it, exit 1', (ctx) => {
    needUnprivilegedUser(ctx);
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
  it('-o into a directory the user may not write: IO_OUTPUT, exit 1, nothing left there', (ctx) => {
    needUnprivilegedUser(ctx);
    const dir = scratch(); // 0755, owned by us: not writable by an unprivileged user
    if (!isRoot) chmodSync(dir, 0o555);
    const r = asUser(['scan', GOOD, '--csv', '-o', join(dir, 'offsets.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recoup: error IO_OUTPUT: cannot write .*offsets\.csv: EACCES/);
    expect(readdirSync(dir)).toEqual([]);
    noStack(r);
  });

  it('-o <dir>/ for one CSV per report, in a directory that cannot be created: exit 1, nothing created', (ctx) => {
    needUnprivilegedUser(ctx);
    const dir = scratch();
    if (!isRoot) chmodSync(dir, 0o555);
    const r = asUser(['scan', GOOD, '--report', 'all', '--csv', '-o', join(dir, 'reports') + '/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recoup: error IO_OUTPUT: cannot create the output directory .*reports\/?: EACCES/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    noStack(r);
  });

  it('a ledger in a directory the user may not write: a clear ledger error, exit 1, no ledger file', (ctx) => {
    needUnprivilegedUser(ctx);
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
      // a 3 MB input still being read when the 4 KiB disk fills: the failure is the output's (IO_OUTPUT,
      // ENOSPC), not a read failure of the input (it was misreported as IO_READ_FAILED before)
      const big = join(scratch(), 'big.835');
      writeFileSync(big, generateScenarioSet({ seed: 3, stories: 30, fillerClaims: 6000 }).map((f, i) => renderFile(f, i + 1)).join(''));
      const r = recoup(['scan', 'fixtures', big, '--report', 'claims', '--csv', '-o', join(mnt, 'claims.csv')]);
      expect(r.stderr).not.toContain('IO_READ_FAILED');
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
