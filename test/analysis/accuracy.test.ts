// Linking accuracy on a synthetic multi-file set with ground truth (issue #4): every offset that can be
// linked is linked to the right claim or remittance, and no offset is ever linked wrongly.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/scan.js';
import { generateScenarioSet, renderFile, type SynthPlb } from '../support/synth.js';

async function measure(seed: number, stories: number) {
  const files = generateScenarioSet({ seed, stories, fillerClaims: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'recoup-synth-'));
  const truth: Array<SynthPlb & { trace: string }> = [];
  files.forEach((f, i) => {
    writeFileSync(join(dir, f.name), renderFile(f, i + 1));
    for (const r of f.remittances) for (const p of r.plbs) truth.push({ ...p, trace: r.trace });
  });
  const result = await scan([dir], { reports: ['offsets', 'payments'] });
  const rows = result.reports.offsets!;
  expect(rows).toHaveLength(truth.length);
  let linkable = 0;
  let correct = 0;
  let wrong = 0;
  const wrongRows: string[] = [];
  rows.forEach((row, i) => {
    const t = truth[i]!;
    expect([row.trace_number, row.reason_code]).toEqual([t.trace, t.code]);
    const linked = row.linked_pcn !== '' || row.linked_trace_number !== '';
    if (t.expect === null) {
      if (linked) {
        wrong++;
        wrongRows.push(`${t.code} ${t.reference} → ${row.link_basis} ${row.linked_pcn}`);
      }
      return;
    }
    linkable++;
    if (!linked) return;
    const ok = 'trace' in t.expect ? row.linked_trace_number === t.expect.trace && row.linked_pcn === '' : row.linked_pcn === t.expect.pcn && row.linked_icn === t.expect.icn;
    if (ok) correct++;
    else {
      wrong++;
      wrongRows.push(`${t.code} ${t.reference} → ${row.link_basis} ${row.linked_pcn}/${row.linked_icn}`);
    }
  });
  return { linkable, correct, wrong, wrongRows, offsets: rows.length, unbalanced: result.stats.unbalancedRemittances, diagnostics: result.diagnostics };
}

describe('linking accuracy on synthetic ERA sets with ground truth', () => {
  it.each([
    [7, 140],
    [2024, 210],
  ])('seed %i, %i stories: at least 98 percent of linkable offsets linked right, zero wrong links', async (seed, stories) => {
    const m = await measure(seed, stories);
    expect(m.diagnostics).toEqual([]);
    expect(m.unbalanced).toBe(0);
    expect(m.wrongRows).toEqual([]);
    expect(m.wrong).toBe(0);
    expect(m.linkable).toBeGreaterThan(stories / 2);
    console.log(`accuracy seed ${seed}: ${m.offsets} offsets, ${m.linkable} linkable, ${m.correct} linked right, ${m.wrong} wrong`);
    expect(m.correct / m.linkable).toBeGreaterThanOrEqual(0.98);
  });
});
