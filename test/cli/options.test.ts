// Option errors name the flag the user typed: zod reports commander's attribute names (asOf, carcFile,
// color), and every one of them must map back to the flag as spelled on the command line.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createProgram } from '../../src/cli/main.js';
import { exitForError } from '../../src/cli/exit.js';
import { flagFor, flagNames, parseCliOptions, scanFlagsSchema } from '../../src/cli/options.js';
import { RecoupError } from '../../src/diagnostics/errors.js';

function program() {
  const out = new PassThrough();
  return createProgram({ stdout: out, stderr: out, stdin: new PassThrough(), env: {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: true, columns: undefined }, () => {});
}

describe('zod issue path → the flag the user typed', () => {
  it('every option of every command maps to its own long flag', () => {
    const commands = program().commands;
    expect(commands.map((c) => c.name())).toEqual(['scan', 'report', 'trace', 'review', 'codes', 'inspect']);
    // review's options are on its subcommands (list, set, history)
    const review = commands.find((c) => c.name() === 'review')!;
    expect(review.commands.map((c) => c.name())).toEqual(['list', 'set', 'history']);
    for (const cmd of [...commands, ...review.commands]) {
      const flags = flagNames(cmd);
      for (const o of cmd.options) expect(flagFor(o.attributeName(), flags), `${cmd.name()} ${o.flags}`).toBe(o.long);
    }
  });

  it('every key of the scan schema is an option of `recoup scan`, shown as typed', () => {
    const scan = program().commands.find((c) => c.name() === 'scan')!;
    const flags = flagNames(scan);
    const keys = Object.keys(scanFlagsSchema.shape);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(scan.options.map((o) => o.long), key).toContain(flagFor(key, flags));
    expect(flagFor('asOf', flags)).toBe('--as-of');
    expect(flagFor('escalateOver', flags)).toBe('--escalate-over');
    expect(flagFor('carcFile', flags)).toBe('--carc-file');
    expect(flagFor('failOn', flags)).toBe('--fail-on');
    expect(flagFor('newOnly', flags)).toBe('--new-only');
    expect(flagFor('color', flags)).toBe('--no-color');
  });

  it('without commander at hand, camelCase becomes kebab-case', () => {
    expect(flagFor('asOf')).toBe('--as-of');
    expect(flagFor('carcFile')).toBe('--carc-file');
  });

  it('parseCliOptions: a usage error (exit 2) naming the flag', () => {
    const schema = z.object({ asOf: z.string().regex(/^\d{4}$/, 'four digits') });
    let caught: unknown;
    try {
      parseCliOptions(schema, { asOf: 'x' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RecoupError);
    expect((caught as RecoupError).code).toBe('USAGE');
    expect(exitForError(caught as RecoupError)).toBe(2);
    expect((caught as RecoupError).message).toBe('--as-of: four digits');
    expect(parseCliOptions(schema, { asOf: '2024' })).toEqual({ asOf: '2024' });
  });
});
