// The README's examples are run as a new user would (a `recoup` on PATH, from the repository folder)
// and their output must equal what the README shows. UPDATE_README=1 rewrites the shown outputs.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const README = join(ROOT, 'README.md');
const EXAMPLE = /<!-- example: ([a-z-]+) -->\n```sh\n([\s\S]*?)```\n```text\n([\s\S]*?)```/g;

function examples(text: string): Array<{ name: string; commands: string; shown: string; index: number; length: number }> {
  return [...text.matchAll(EXAMPLE)].map((m) => ({ name: m[1]!, commands: m[2]!, shown: m[3]!, index: m.index!, length: m[0].length }));
}

function runExample(commands: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-readme-'));
  symlinkSync(join(ROOT, 'fixtures'), join(dir, 'fixtures'));
  mkdirSync(join(dir, '.bin'));
  const shim = join(dir, '.bin', 'recoup');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', 'recoup.js')}" "$@"\n`);
  chmodSync(shim, 0o755);
  return execFileSync('bash', ['-c', commands], {
    cwd: dir,
    env: { ...process.env, PATH: `${join(dir, '.bin')}:${process.env.PATH}`, NO_COLOR: '1', RECOUP_LEDGER: '' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('README examples', () => {
  let text = readFileSync(README, 'utf8');
  const found = examples(text);

  it('has an example for each workflow', () => {
    expect(found.map((e) => e.name)).toEqual(['terminal', 'deposits', 'spreadsheet', 'excel', 'jq', 'cron', 'month-end', 'aging', 'config', 'review', 'trace', 'escalate', 'redact']);
  });

  it.each(found.map((e) => [e.name, e]))('%s', (_name, e) => {
    const actual = runExample(e.commands);
    if (process.env.UPDATE_README) {
      text = text.replace(`\`\`\`sh\n${e.commands}\`\`\`\n\`\`\`text\n${e.shown}\`\`\``, `\`\`\`sh\n${e.commands}\`\`\`\n\`\`\`text\n${actual}\`\`\``);
      writeFileSync(README, text);
      return;
    }
    expect(actual).toBe(e.shown);
  });

  it('the first README command is the one that installs and runs the demo', () => {
    expect(text).toContain('npm install && npx recoup scan fixtures/demo\nnpm test');
  });
});
