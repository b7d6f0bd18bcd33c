// The terminal around a CLI run: streams, environment and colour, injectable so tests run the CLI in-process.

import { Chalk, type ChalkInstance } from 'chalk';
import type { Readable, Writable } from 'node:stream';
import type { z } from 'zod';
import { RecoupError } from '../diagnostics.js';

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
  };
}

/** Colour only on a terminal, never with NO_COLOR (any value) or --no-color. */
export function makeChalk(enabled: boolean, isTTY: boolean, env: NodeJS.ProcessEnv): ChalkInstance {
  const on = enabled && isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return new Chalk({ level: on ? 1 : 0 });
}

/** Writes text and resolves once the stream has taken it (respects back-pressure). */
export function writeOut(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => {
      if (err) reject(err);
    });
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** A command's option names as commander stores them (`asOf`, `color`) → the flag the user types (`--as-of`, `--no-color`). */
export type FlagNames = ReadonlyMap<string, string>;

export function flagNames(command: { options: readonly { attributeName(): string; long?: string | undefined; short?: string | undefined }[] }): FlagNames {
  return new Map(command.options.map((o) => [o.attributeName(), o.long ?? o.short ?? `--${o.attributeName()}`]));
}

/** The flag for an option name: commander's spelling when known, else the name in kebab case (`carcFile` → `--carc-file`). */
export function flagFor(name: string, flags?: FlagNames): string {
  return flags?.get(name) ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Validates commander's parsed options with a zod schema. A failure is a usage error (exit 2) that names
 * the flag as the user typed it (`--as-of: …`), never the internal option name (`asOf`).
 */
export function parseCliOptions<T>(schema: z.ZodType<T>, raw: unknown, flags?: FlagNames): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = issue.path[0];
  const message = key === undefined ? issue.message : `${flagFor(String(key), flags)}: ${issue.message}`;
  throw new RecoupError('USAGE', message, { exitCode: 2 });
}
