// What a review of the work queue (issue 16) and a new user's trial found, each as it was met: ids that
// stop being stable when a payer alias is added later, escalations counted for offsets nobody reviews,
// a deferral and its collection adding up to nothing, amounts with a decimal comma, a payer that matches
// nothing, deadlines long past called "within 7 days".

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { run } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-review-findings-'));
const REVIEW = join(ROOT, 'fixtures', 'review');
const NONE = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };

describe('ids stay stable when a payer alias is added after recording', () => {
  it('a re-scan shows the recorded ids and decisions; a re-sent copy with new control numbers is known, not queued again', async () => {
    const dir = tmp();
    const db = join(dir, 'l.db');
    const env = { RECOUP_LEDGER: db, RECOUP_CONFIG: join(dir, 'recoup.config.json') };
    writeFileSync(env.RECOUP_CONFIG, '{}');
    expect((await run(['scan', REVIEW, '-q', '--csv'], { env })).exitCode).toBe(0);
    expect((await run(['review', 'set', 'sm53vjvkax', '--status', 'appealed', '-q'], { env })).exitCode).toBe(0);
    expect((await run(['review', 'set', 'sm53vjvkax', '--status', 'won', '--recovered', '300', '-q'], { env })).exitCode).toBe(0);
    // ACME renames itself: the office maps its old id to a new one
    writeFileSync(env.RECOUP_CONFIG, JSON.stringify({ payers: [{ id: 'ACME', name: 'ACME HEALTH', aliases: ['ACME01'] }] }));
    const again = await run(['scan', REVIEW, '--csv', '-r', 'offsets', '-q'], { env });
    const ids = again.stdout.trim().split('\n').slice(1).map((l) => l.split(',').slice(-3, -1));
    expect(ids).toEqual([
      ['sm53vjvkax', 'won'],
      ['65pf9qewva', 'new'],
      ['p557sbf0pe', 'new'],
      ['cbeya89x5f', 'new'],
      ['4v9m7sskh6', 'new'],
    ]);
    // the same ERA re-sent with new interchange and transaction control numbers
    const resent = join(dir, 'resent.835');
    writeFileSync(resent, readFileSync(join(REVIEW, '03-acme-2024-11-04.835'), 'utf8').replaceAll('000000303', '000000999').replace('GS*HP*ACME01*MAPLECLINIC*20241104*0900*303', 'GS*HP*ACME01*MAPLECLINIC*20241104*0900*999').replace('GE*1*303', 'GE*1*999').replaceAll('*0001~', '*0777~'));
    const r = await run(['scan', resent, '--csv', '-r', 'offsets'], { env });
    expect(r.stderr).toContain('is already in the ledger; not recorded again');
    expect(r.stdout.split('\n').slice(1, 3).map((l) => l.split(',').slice(-3, -1))).toEqual([
      ['sm53vjvkax', 'won'],
      ['65pf9qewva', 'new'],
    ]);
    const summary = JSON.parse((await run(['report', 'summary', '--json', '-q'], { env })).stdout) as { summary: Array<Record<string, unknown>> };
    expect(summary.summary.map((s) => [s.payer_id, s.taken_back, s.appeals_won, s.recovered_through_appeals])).toEqual([
      ['ACME', 675, 1, 300],
      ['BRMCD', 250, 0, 0],
    ]);
  });
});

describe('what the queue holds, and what it counts', () => {
  it('a refund acknowledged (72) and interest are never "unapproved" escalations; --category interest lists interest', async () => {
    const dir = tmp();
    const db = join(dir, 'x.db');
    const scan = await run(['scan', join(ROOT, 'fixtures', 'cases', 'refund-72-wo.835'), '--ledger', db, '--escalate-over', '50', '--fail-on', 'unapproved', '--csv'], { env: NONE });
    expect(scan.exitCode).toBe(3);
    expect(scan.stderr).toMatch(/--fail-on unapproved: 1 offset\(s\) over 50\.00/); // the WO 80.00, not the 72 −80.00
    const list = await run(['review', 'list', '--ledger', db, '--escalate-over', '50', '--fail-on', 'unapproved', '--csv', '-q'], { env: NONE });
    expect(list.exitCode).toBe(3);
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    const summary = JSON.parse((await run(['report', 'summary', '--ledger', db, '--escalate-over', '50', '--json', '-q'], { env: NONE })).stdout) as { summary: Array<Record<string, unknown>> };
    expect(summary.summary[0]!.escalated_undecided).toBe(1);
    const demo = join(dir, 'demo.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', demo, '-q', '--csv'], { env: NONE })).exitCode).toBe(0);
    const interest = await run(['review', 'list', '--ledger', demo, '--category', 'interest', '--csv', '-q'], { env: NONE });
    expect(interest.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(['55a0rf2vvn']);
    // the deferral (WO −60.00) is not reviewed: its collection (WO +60.00) is
    const queue = await run(['review', 'list', '--ledger', demo, '--csv', '-q', '--as-of', '2024-03-31'], { env: NONE });
    expect(queue.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(['2pkg5aeyjw', '0k2c34pger']);
  });

  it('the reversal log keeps what was deferred apart from what was collected; scan --report reversals alone finds the original payment', async () => {
    const r = await run(['scan', 'fixtures/demo', '--report', 'reversals', '--csv', '-q'], { env: NONE });
    const [head, row] = r.stdout.trim().split('\n');
    const cells = Object.fromEntries(head!.split(',').map((k, i) => [k, row!.replace('"SMITH, ROBERT"', 'SMITH ROBERT').split(',')[i]]));
    expect(cells).toMatchObject({ original_payment_date: '2024-01-05', original_trace_number: 'ACH100100001', offsets: '2', deferred: '-60.00', collected: '60.00' });
  });
});

describe('what a person types', () => {
  it('an amount with a decimal comma is refused, never read as a hundred times more; grouped thousands and $ are fine', async () => {
    const db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'], { env: NONE })).exitCode).toBe(0);
    expect((await run(['review', 'set', '2pkg5aeyjw', '--status', 'appealed', '--ledger', db, '-q'], { env: NONE })).exitCode).toBe(0);
    expect(await run(['review', 'set', '2pkg5aeyjw', '--status', 'won', '--recovered', '2,50', '--ledger', db], { env: NONE })).toMatchObject({
      exitCode: 2,
      code: 'USAGE',
      stderr: 'recoup: --recovered: "2,50" is not an amount (for example 500 or 1250.00)\n',
    });
    expect((await run(['review', 'set', '2pkg5aeyjw', '--status', 'won', '--recovered', '$ 50', '--ledger', db], { env: NONE })).stdout).toBe(
      '2pkg5aeyjw  appealed → won, recovered 50.00  by ' + userInfo().username + '  (ACME HEALTH PLAN 2024-03-15 WO 60.00)\n',
    );
    expect((await run(['review', 'set', '2pkg5aeyjw', '--recovered', '60', '--note', 'second check', '--ledger', db], { env: NONE })).stdout).toMatch(/^2pkg5aeyjw {2}won \(recovered 60\.00 \(replaces 50\.00\)\)/);
    expect((await run(['scan', 'fixtures/demo', '--escalate-over', '1,250.00', '-q', '--csv'], { env: NONE })).exitCode).toBe(0);
  });

  it('a payer the ledger does not have is said, with the payers it has (exit 1), not shown as an empty list', async () => {
    const db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'], { env: NONE })).exitCode).toBe(0);
    expect(await run(['review', 'list', '--ledger', db, '--payer', 'acme'], { env: NONE })).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `recoup: no offset of payer "acme" in ${db}; give its name or id as the reports show them: ACME HEALTH PLAN (ACME01)\n`,
    });
    expect((await run(['review', 'list', '--ledger', db, '--payer', 'acme health plan', '--csv', '-q'], { env: NONE })).exitCode).toBe(0);
  });

  it('deadlines long past are said to be past, nearest first, never "within 7 days"', async () => {
    const db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'], { env: NONE })).exitCode).toBe(0);
    const r = await run(['review', 'list', '--ledger', db, '--due-within', '7', '--fail-on', 'due', '--as-of', '2024-11-30', '--csv'], { env: NONE });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(
      'recoup: --fail-on due: 2 offset(s) past their appeal deadline, no appeal filed\n' +
        '  2pkg5aeyjw  ACME HEALTH PLAN 2024-03-15 WO 60.00, appeal deadline 2024-05-14 passed 200 days ago  (new)\n' +
        '  0k2c34pger  ACME HEALTH PLAN 2024-03-15 WO 45.00, appeal deadline 2024-05-14 passed 200 days ago  (new)\n',
    );
  });
});

describe('an offset id names its claim in recoup trace', () => {
  it('trace <offset id> follows the claim the offset is linked to; an unlinked one says so', async () => {
    const db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'], { env: NONE })).exitCode).toBe(0);
    const byClaim = await run(['trace', 'MFC1002', '--ledger', db, '--format', 'csv'], { env: NONE });
    const byOffset = await run(['trace', '2pkg5a', '--ledger', db, '--format', 'csv'], { env: NONE });
    expect(byOffset).toMatchObject({ exitCode: 0, stdout: byClaim.stdout, stderr: 'recoup: offset 2pkg5aeyjw is linked to claim MFC1002: its life follows\n' });
    expect(await run(['trace', '55a0rf2vvn', '--ledger', db], { env: NONE })).toMatchObject({
      exitCode: 1,
      stderr: 'recoup: offset 55a0rf2vvn is linked to no single claim: there is no claim to trace\n',
    });
  });
});

describe('a broken file', () => {
  it('a BPR02 that cannot be read is not reported as a 0.00 payment (BALANCE_ZERO_PAYMENT)', async () => {
    const file = join(tmp(), 'broken.835');
    writeFileSync(file, 'ISA*00*          *00*          *ZZ*X*ZZ*Y*240101*1200*^*00501*000000001*0*P*:~GS*HP*X*Y*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*1O0.00*C*ACH~TRN*1*T1*1~N1*PR*P~CLP*A*1*100*100**12*I1~SE*7*0001~GE*1*1~IEA*1*000000001~');
    const r = await run(['scan', file, '--csv', '-r', 'payments'], { env: NONE });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('BPR02: error REMIT_BAD_AMOUNT');
    expect(r.stderr).not.toContain('BALANCE_ZERO_PAYMENT');
  });
});
