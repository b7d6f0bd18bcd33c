// Issue #11 §5: the README's patient-data promise. Over every fixture and every corpus file, no patient
// account number (CLP01), patient name (NM1 NM103/NM104) or member id (NM109) appears in what recoup
// prints on stderr unless --verbose asks for segment text.

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { inspectFile } from '../../src/input/inspect.js';
import { formatDiagnostic } from '../../src/report/diagnostic-lines.js';
import { renderInspectText } from '../../src/report/inspect-text.js';
import { scan } from '../../src/scan/scan.js';
import { corpusFiles, fixtureFiles, read, record } from '../helpers.js';
import { run } from './helpers.js';

const files = [...new Set([...fixtureFiles(), ...corpusFiles()])];

/** The PHI values in a file, leaving out ones too short to be told from a number in a message. */
function phiValues(path: string): Set<string> {
  const values = new Set<string>();
  const notPhi = new Set<string>();
  for (const r of record(read(path), undefined, path).remittances) {
    // trace numbers and payer claim numbers are printed on purpose; a sample that reuses one as CLP01 is not a leak
    notPhi.add(r.trace.number);
    for (const c of r.claims) {
      notPhi.add(c.payerClaimControlNumber);
      for (const v of [c.patientControlNumber, c.patientLastName, c.patientFirstName, c.memberId]) if (v.trim().length >= 4) values.add(v.trim());
    }
  }
  for (const v of notPhi) values.delete(v);
  return values;
}

/** Values that stand in the text as a whole token (123456789 inside a trace number 1234567890 is not it). */
const leaks = (text: string, values: Set<string>): string[] =>
  [...values].filter((v) => new RegExp(`(^|[^A-Za-z0-9])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9])`).test(text));

describe('no patient data on stderr by default', () => {
  it('every diagnostic of every fixture and corpus file, as the CLI prints it', async () => {
    let checked = 0;
    let verboseLeaks = 0;
    for (const path of files) {
      const values = phiValues(path);
      if (values.size === 0) continue;
      const diagnostics: Diagnostic[] = [];
      const r = await scan([path], { reports: ['summary', 'payments', 'offsets', 'claims', 'adjustments', 'balances'] });
      diagnostics.push(...r.diagnostics);
      const printed = diagnostics.map((d) => formatDiagnostic(d)).join('\n');
      expect({ path, leaks: leaks(printed, values) }).toEqual({ path, leaks: [] });
      // recoup inspect shows envelopes and diagnostics, never claim contents
      const inspected = await inspectFile(path);
      expect({ path, leaks: leaks(renderInspectText([inspected], new Chalk({ level: 0 })) + JSON.stringify(inspected), values) }).toEqual({ path, leaks: [] });
      checked += values.size;
      // the same lines with --verbose do carry segment text: the check can see a leak when there is one
      if (leaks(diagnostics.map((d) => formatDiagnostic(d, undefined, true)).join('\n'), values).length > 0) verboseLeaks++;
    }
    expect(checked).toBeGreaterThan(300);
    expect(verboseLeaks).toBeGreaterThanOrEqual(3);
  });

  it('the command line over the hand-made fixtures, every report and --fail-on: stderr holds none of them', async () => {
    // (the public corpus is checked file by file above: its samples reuse values like 123456789 across
    // files as a member id in one and a sender id in another)
    const all = new Set<string>();
    for (const path of files.filter((f) => !f.includes('/corpus/'))) for (const v of phiValues(path)) all.add(v);
    expect(all.size).toBeGreaterThan(40);
    const r = await run(['scan', 'fixtures/demo', 'fixtures/cases', '--report', 'all', '--json', '--fail-on', 'unbalanced,escalated,warnings', '--escalate-over', '1']);
    expect(r.stderr).toContain('BALANCE_CLAIM');
    expect(leaks(r.stderr, all)).toEqual([]);
    expect(leaks(r.stdout, all).length).toBeGreaterThan(10); // the claims report asked for does hold them
  });
});
