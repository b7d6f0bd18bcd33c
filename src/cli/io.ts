// The terminal around a CLI run: streams, environment and colour, injectable so tests run the CLI in-process.

import { Chalk, type ChalkInstance } from 'chalk';
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Terminal width for tables, when stdout is a terminal. */
  columns: number | undefined;
  /** Terminal height, when stdout is a terminal (a taller table goes through the pager); undefined: unknown. */
  rows?: number | undefined;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    columns: process.stdout.columns,
    rows: process.stdout.rows,
  };
}

/** Colour only on a terminal, never with NO_COLOR (any value) or --no-color. */
export function makeChalk(enabled: boolean, isTTY: boolean, env: NodeJS.ProcessEnv): ChalkInstance {
  const on = enabled && isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return new Chalk({ level: on ? 1 : 0 });
}
