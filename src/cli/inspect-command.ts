// `recoup inspect`: envelopes, transactions and every diagnostic of each input, as text or JSON.

import { usageError } from '../diagnostics/errors.js';
import { type InspectFile, inspectFile } from '../input/inspect.js';
import { expandInputs } from '../input/paths.js';
import { formatDiagnostic } from '../report/diagnostic-lines.js';
import { renderInspectText } from '../report/inspect-text.js';
import { writeOut } from '../report/output.js';
import type { Outcome } from './exit.js';
import { type CliIO, makeChalk } from './io.js';
import { type FlagNames, inspectOptionsSchema, parseCliOptions } from './options.js';

export async function runInspect(paths: string[], raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(inspectOptionsSchema, raw, flags);
  const list = paths.length > 0 ? paths : io.stdinIsTTY ? [] : ['-'];
  if (list.length === 0) throw usageError('no input: give one or more files or directories, or pipe a file into standard input');
  const { inputs, diagnostics } = await expandInputs(list);
  const chalkOut = makeChalk(opts.color, io.stdoutIsTTY, io.env);
  const chalkErr = makeChalk(opts.color, io.stderrIsTTY, io.env);
  let outcome: Outcome = 'ok';
  for (const d of diagnostics) {
    io.stderr.write(formatDiagnostic(d, chalkErr) + '\n');
    outcome = 'incomplete';
  }
  const results: InspectFile[] = [];
  for (const input of inputs) {
    const r = await inspectFile(input, { stdin: io.stdin });
    // an unreadable file, or any error-level diagnostic in one: what is shown is incomplete
    if (!r.readable || r.diagnostics.some((d) => d.severity === 'error')) outcome = 'incomplete';
    results.push(r);
    if (opts.format === 'text' && !(opts.quiet && r.diagnostics.length === 0)) await writeOut(io.stdout, renderInspectText([r], chalkOut) + '\n');
  }
  if (opts.format === 'json') await writeOut(io.stdout, JSON.stringify(results, null, 2) + '\n');
  return outcome;
}
