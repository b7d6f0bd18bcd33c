// A table taller than the terminal goes through a pager, as git does: $PAGER, else `less -FRX` (quit if
// one screen, keep colours, leave the text on the screen). Never when stdout is not a terminal, never with
// --no-pager, never when the terminal's height is unknown. Quitting the pager early (q) is a normal end;
// a pager that cannot be started (not installed, a PAGER naming nothing) means the text is written directly.

import { spawn } from 'node:child_process';
import { writeOut } from '../report/output.js';
import { displayWidth } from '../report/table.js';
import type { CliIO } from './io.js';

const DEFAULT_PAGER = 'less -FRX';
/** A command that needs a shell to run (redirections, pipes, quotes, variables…). */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~=%{}\n]/;

/** Rows of the terminal the text takes (a line wider than the terminal takes several). Stops counting at `limit`. */
export function screenRows(text: string, columns: number | undefined, limit = Infinity): number {
  let rows = 0;
  let start = 0;
  while (start < text.length && rows < limit) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const w = columns !== undefined && columns > 0 && end - start > columns ? displayWidth(text.slice(start, end)) : 0;
    rows += w > columns! ? Math.ceil(w / columns!) : 1;
    start = end + 1;
  }
  return rows;
}

/** The pager to run: $PAGER as given (empty or `cat`: none), else less -FRX; null for none. */
export function pagerCommand(env: NodeJS.ProcessEnv): string | null {
  const given = env.PAGER;
  if (given === undefined) return DEFAULT_PAGER;
  const command = given.trim();
  return command === '' || command === 'cat' ? null : command;
}

/**
 * Writes `text` to stdout, through the pager when `enabled`, stdout is a terminal and the text is taller
 * than it. Resolves once the pager has ended (the person quit it) or the text is written.
 */
export async function pageOut(io: CliIO, text: string, options: { enabled: boolean }): Promise<void> {
  const rows = io.rows;
  const command = pagerCommand(io.env);
  if (!options.enabled || !io.stdoutIsTTY || command === null || rows === undefined || !(rows > 0) || screenRows(text, io.columns, rows) < rows) {
    return writeOut(io.stdout, text);
  }
  if ((await runPager(command, text, io.env)) === 'not-started') await writeOut(io.stdout, text);
}

/** Runs the pager with `text` on its standard input and the terminal as its output, until it ends. */
function runPager(command: string, text: string, env: NodeJS.ProcessEnv): Promise<'shown' | 'not-started'> {
  // less reads LESS when PAGER is plain `less`; as git does, keep colours and quit on one screen by default
  const pagerEnv = { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' };
  const viaShell = SHELL_SYNTAX.test(command);
  const words = command.split(/\s+/);
  // Ctrl-C goes to the pager (it is in the foreground with us): recoup waits for it rather than leave it
  // reading the terminal after recoup is gone
  const ignore = (): void => {};
  return new Promise((resolve) => {
    let settled = false;
    const done = (how: 'shown' | 'not-started'): void => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', ignore);
      resolve(how);
    };
    let child;
    try {
      child = viaShell
        ? spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'inherit', 'inherit'], env: pagerEnv })
        : spawn(words[0]!, words.slice(1), { stdio: ['pipe', 'inherit', 'inherit'], env: pagerEnv });
    } catch {
      done('not-started');
      return;
    }
    process.on('SIGINT', ignore);
    let started = false;
    // the pager quit before reading everything (q): EPIPE here is a normal end
    child.stdin!.on('error', () => {});
    child.on('spawn', () => {
      started = true;
      child.stdin!.end(text);
    });
    // not installed, not executable: nothing was shown
    child.on('error', () => done(started ? 'shown' : 'not-started'));
    // 127 from the shell: the command was not found; nothing was shown
    child.on('close', (code) => done(!started || (viaShell && code === 127) ? 'not-started' : 'shown'));
  });
}
