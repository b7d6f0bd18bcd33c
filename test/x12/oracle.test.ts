// Differential test against x12-parser (devDependency, test oracle only — see docs/DESIGN.md for why it
// cannot be our reader). On well-formed single-interchange files its segment ids and element values must
// equal ours. x12-parser trims every element and names components `n-k`, so our segments are put in
// that shape (trimmed) before comparing.

import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { X12parser } from 'x12-parser';
import { corpusFiles, fixtureFiles, read, tokenize } from '../helpers.js';

type OracleSegment = Record<string, string>;

function oracle(path: string): Promise<OracleSegment[]> {
  return new Promise((resolve, reject) => {
    const out: OracleSegment[] = [];
    const parser = new X12parser();
    parser.on('error', reject);
    createReadStream(path)
      .on('error', reject)
      .pipe(parser)
      // x12-parser turns the newline after the last terminator into a nameless segment; that is not data
      .on('data', (d: OracleSegment) => {
        if (d.name !== '') out.push(d);
      })
      .on('end', () => resolve(out))
      .on('error', reject);
  });
}

function ours(path: string): OracleSegment[] {
  return tokenize(read(path)).segments.map((s) => {
    const o: OracleSegment = { name: s.id };
    for (let i = 1; i < s.elements.length; i++) {
      const v = s.elements[i]!;
      const parts = s.id === 'ISA' ? [v] : v.split(s.delimiters.component);
      o[String(i)] = parts[0]!.trim();
      for (let k = 1; k < parts.length; k++) o[`${i}-${k}`] = parts[k]!.trim();
    }
    return o;
  });
}

/** Well-formed single-interchange files: ISA at byte 0, one ISA, `~` terminator, nothing skipped. */
function eligible(path: string): boolean {
  const data = read(path);
  if (data.toString('latin1', 0, 3) !== 'ISA' || data[105] !== 0x7e) return false;
  const { segments, diagnostics } = tokenize(data);
  return segments.filter((s) => s.id === 'ISA').length === 1 && diagnostics.length === 0;
}

const files = [...corpusFiles(), ...fixtureFiles()].filter(eligible);

describe('x12-parser oracle', () => {
  it('has a meaningful number of eligible files', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(files.map((f) => [basename(f), f]))('%s: same segment ids and element values', async (_name, path) => {
    const expected = await oracle(path);
    const actual = ours(path);
    expect(actual.map((s) => s.name)).toEqual(expected.map((s) => s.name));
    expect(actual).toEqual(expected);
  });
});
