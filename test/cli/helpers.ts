// Runs the real `recoup` binary (bin/recoup.js → dist/) and captures exit code, stdout and stderr.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
