// Issue #11 §3–§4 at the command line: --fail-on unlinked names each offset of the suspense list, and the
// run summary counts a re-sent ERA once.

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { run } from './helpers.js';

describe('the suspense list and duplicates on stderr', () => {
  it('--fail-on unlinked names every recoupment or deferral with no claim: file, trace, code, reference, amount', async () => {
    const r = await run(['scan', 'fixtures/demo', 'fixtures/cases/several-plb.835', 'fixtures/cases/refund-72-wo.835', '--fail-on', 'unlinked', '-q', '--csv']);
    expect(r).toMatchObject({ exitCode: 3, code: undefined });
    expect(r.stderr.split('\n').filter((l) => l.startsWith('recoup: --fail-on') || l.startsWith('  '))).toEqual([
      'recoup: --fail-on unlinked: 2 recoupment(s) or deferral(s) not linked to one claim:',
      '  fixtures/cases/several-plb.835  trace SEV0101  WO  reference ICN0099  100.00  no claim found',
      '  fixtures/cases/refund-72-wo.835  trace REF0112  WO  reference ICN0777  80.00  no claim found',
    ]);
  });

  it('the demo alone has no suspense: the L6 interest without a reference is not "unlinked"', async () => {
    const r = await run(['scan', 'fixtures/demo', '--fail-on', 'unlinked', '-q', '--csv']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a re-sent ERA in the inbox: one warning naming both files, counted once in the run summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-dup-'));
    copyFileSync(join(ROOT, 'fixtures/demo/04-acme-2024-03-15.835'), join(dir, '04-acme.835'));
    copyFileSync(join(ROOT, 'fixtures/demo/04-acme-2024-03-15.835'), join(dir, '04-acme (1).835'));
    const r = await run(['scan', dir, '--report', 'payments', '--csv']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(`${join(dir, '04-acme.835')}: segment 3 ST, byte 168: warning REMIT_DUPLICATE: remittance ST 0001 (trace ACH100100102) was already read at ${join(dir, '04-acme (1).835')} segment 3 (byte 168)`);
    expect(r.stderr).toContain('recoup: 2 files, 1 remittance (1 balanced, 0 unbalanced), 1 duplicate remittance counted once, 1 claim, 4 provider-level offsets; 0 errors, 1 warning');
  });
});
