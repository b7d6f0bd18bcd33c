// Two ways to run the CLI and capture exit code, stdout and stderr:
// - run(): in this process, through runCli (src/cli/main.ts) with captured streams. Fast; most tests use it.
// - recoup(): the real `recoup` binary (bin/recoup.js → dist/) in a child process, for what needs one:
//   signals, pipes, terminals, process-wide state, another user, the shipped binary itself.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import type { ErrorCode } from '../../src/diagnostics/errors.js';
import { ROOT } from '../helpers.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function recoup(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'recoup.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface InProcessResult {
  /** The exit code the binary would have ended with. */
  exitCode: number;
  /** The stable code of the error that stopped the run (USAGE, IO_OUTPUT, LEDGER_…), if one did. */
  code: ErrorCode | undefined;
  stdout: string;
  stderr: string;
}

/** A Writable that keeps every byte written to it. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Standard input holding `input`, in 64 KiB Buffer chunks as a pipe delivers them (empty by default). */
function stdinOf(input: string | Buffer | undefined): Readable {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : (input ?? Buffer.alloc(0));
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < buf.length; pos += 64 * 1024) chunks.push(buf.subarray(pos, pos + 64 * 1024));
  return Readable.from(chunks, { objectMode: false });
}

/**
 * Runs `recoup <args>` in this process, as the binary would with stdout and stderr redirected and the
 * given input piped in (stdin is not a terminal unless stdinIsTTY). env is process.env with NO_COLOR=1
 * and the given overrides (undefined removes a variable); cwd is ROOT unless given, restored afterwards.
 * vitest runs each test file in a forked process (pool: 'forks'), one test at a time, so chdir is safe.
 */
export async function run(
  args: string[],
  options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; stdinIsTTY?: boolean; stdoutIsTTY?: boolean } = {},
): Promise<InProcessResult> {
  const stdout = capture();
  const stderr = capture();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const before = process.cwd();
  process.chdir(options.cwd ?? ROOT);
  try {
    const r = await runCli(['node', 'recoup', ...args], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      stdin: stdinOf(options.input),
      env,
      stdoutIsTTY: options.stdoutIsTTY ?? false,
      stderrIsTTY: false,
      stdinIsTTY: options.stdinIsTTY ?? false,
      columns: undefined,
    });
    return { exitCode: r.exitCode, code: r.code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    process.chdir(before);
  }
}
