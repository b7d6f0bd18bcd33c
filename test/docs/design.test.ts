// DESIGN.md is kept true by these checks: its layer diagram names every folder of src/ (and nothing that
// is not there) in the order imports may flow, and its code tables list exactly the diagnostic and error
// codes of the code, with the exit code each error maps to in src/cli/exit.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitForError } from '../../src/cli/exit.js';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/diagnostics.js';
import { type ErrorCode, ERROR_CODES } from '../../src/diagnostics/errors.js';
import { ROOT } from '../helpers.js';

const design = readFileSync(join(ROOT, 'docs', 'DESIGN.md'), 'utf8');

function section(title: string): string {
  const start = design.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = design.indexOf('\n## ', start + 3);
  return design.slice(start, end === -1 ? undefined : end);
}

describe('DESIGN.md matches the code', () => {
  it('the layer diagram names each folder of src/ once, and only those', () => {
    const layers = section('Layers');
    const named = [...layers.matchAll(/^src\/([a-z0-9-]+)\/\s/gm)].map((m) => m[1]);
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...named].sort()).toEqual([...folders].sort());
    expect(new Set(named).size).toBe(named.length);
    // the only file loose in src/ is the library surface
    const loose = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(loose).toEqual(['index.ts']);
  });

  it('each layer imports only from itself and the layers above it (diagnostics/ is shared by all)', () => {
    const order = [...section('Layers').matchAll(/^src\/([a-z0-9-]+)\/\s/gm)].map((m) => m[1]!);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
      }
    };
    walk(join(ROOT, 'src'));
    const layerOf = (file: string): string => relative(join(ROOT, 'src'), file).split('/')[0]!;
    const wrong: string[] = [];
    let imports = 0;
    for (const file of files) {
      const layer = layerOf(file);
      if (layer === 'index.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\(\s*)'(\.[^']+)'/g)) {
        imports++;
        const target = layerOf(resolve(dirname(file), m[1]!));
        if (target === layer || target === 'diagnostics') continue;
        if (layer === 'diagnostics' || order.indexOf(target) > order.indexOf(layer)) wrong.push(`${relative(ROOT, file)} imports ${m[1]} (${target} is below ${layer})`);
      }
    }
    expect(imports).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('the diagnostics table lists every diagnostic code with its severity, and no other', () => {
    const rows = [...section('Diagnostics and error codes').matchAll(/^\| ([A-Z0-9_]+) \| (error|warning|info|warning \(error for SE\)) \|/gm)];
    const documented = new Map(rows.map((m) => [m[1]!, m[2]!.split(' ')[0]!]));
    expect([...documented.keys()].sort()).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) expect(documented.get(code), code).toBe(info.severity);
  });

  it('the error table lists every error code with the exit code exit.ts gives it', () => {
    const rows = [...section('Diagnostics and error codes').matchAll(/^\| ([A-Z0-9_]+) \| [^|]+ \| (\d+) \|$/gm)];
    const documented = new Map(rows.map((m) => [m[1]!, Number(m[2])]));
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) expect(documented.get(code), code).toBe(exitForError(code));
  });
});
