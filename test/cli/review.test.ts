// The review work queue (issue 16) through the command line, in this process: a scripted month of
// nightly scans of fixtures/review/, a manager approving an escalation, appeals filed, one won with money
// recovered and one lost — the queue, the deadlines and the KPIs on each day checked by hand; and every
// refusal (unknown id, ambiguous prefix, a transition not allowed) exits 2 with the ledger unchanged.

import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { run } from './helpers.js';

const REVIEW = join(ROOT, 'fixtures', 'review');
const FILES = ['01-acme-2024-10-01.835', '02-blueriver-2024-10-02.835', '03-acme-2024-11-04.835', '04-blueriver-2024-11-06.835', '05-acme-2024-11-15.835'].map((f) => join(REVIEW, f));

// the offsets of the month, by the stable ids the scan shows (checked against the offsets report below)
const A = 'sm53vjvkax'; // ACME WO 500.00 of RVW100, 2024-11-04, over the 200.00 threshold
const B = '65pf9qewva'; // ACME WO 100.00 of RVW101, 2024-11-04
const C = 'p557sbf0pe'; // Blue River WO 250.00 of RVW200, 2024-11-06, over the threshold; 30-day window
const D = 'cbeya89x5f'; // Blue River L6 interest -2.00: never in the queue
const E = '4v9m7sskh6'; // ACME WO 75.00 under a reference no claim has, 2024-11-15: the suspense list

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-review-'));

interface QueueRow {
  offset_id: string;
  review_status: string;
  appeal_deadline: string | null;
  days_left: number | null;
  escalate: boolean;
  amount: number | null;
  linked_pcn: string;
  last_by: string;
  last_note: string;
  recovered: number | null;
}

describe('a month of nightly runs and the people working the queue', () => {
  const dir = tmp();
  const db = join(dir, 'recoup.db');
  const config = join(dir, 'recoup.config.json');
  const env = { RECOUP_LEDGER: db, RECOUP_CONFIG: config };
  const night = (file: string, asOf: string, ...extra: string[]) => run(['scan', file, '--as-of', asOf, '-q', '--csv', '-r', 'offsets', ...extra], { env });
  const queue = async (asOf: string, ...extra: string[]): Promise<QueueRow[]> => {
    const r = await run(['review', 'list', '--as-of', asOf, '--json', '-q', ...extra], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { queue: QueueRow[] }).queue;
  };
  const set = (ids: string[], ...flags: string[]) => run(['review', 'set', ...ids, '-q', ...flags], { env });
  const brief = (rows: QueueRow[]) => rows.map((q) => [q.offset_id, q.review_status, q.appeal_deadline, q.days_left]);

  beforeAll(() => {
    // Blue River gives 30 days to appeal; everyone else the default (60); escalations over 200.00
    writeFileSync(config, JSON.stringify({ escalateOver: 200, payers: [{ id: 'BRMCD', name: 'BLUE RIVER MEDICAID', appealDays: 30 }] }));
  });

  it('plays the month', async () => {
    // ---- October: payments only; the queue is empty
    expect((await night(FILES[0]!, '2024-10-01')).exitCode).toBe(0);
    expect((await night(FILES[1]!, '2024-10-02')).exitCode).toBe(0);
    expect(await queue('2024-10-03')).toEqual([]);

    // ---- 4 November, night: ACME takes back 500.00 (escalated) and 100.00
    const nov4 = await night(FILES[2]!, '2024-11-04', '--fail-on', 'unapproved');
    expect(nov4.exitCode).toBe(3); // cron: an escalation waits for a manager
    expect(nov4.stderr).toContain(`recoup: --fail-on unapproved: 1 offset(s) over 200.00 in ${db} not yet approved or decided\n  ${A}  ACME HEALTH PLAN 2024-11-04 WO 500.00, appeal by 2025-01-03  (new)`);
    const ids = nov4.stdout.split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(',').slice(-3));
    expect(ids).toEqual([
      [A, 'new', '2025-01-03'],
      [B, 'new', '2025-01-03'],
    ]);
    expect(brief(await queue('2024-11-05'))).toEqual([
      [A, 'new', '2025-01-03', 59],
      [B, 'new', '2025-01-03', 59],
    ]);

    // ---- 5 November, morning: the manager approves the escalation; a biller reviews the other
    expect(await set([A], '--status', 'approved', '--by', 'maria', '--note', 'takeback correct: RVW100 billed twice')).toMatchObject({ exitCode: 0 });
    expect(await set(['65PF9Q'], '--status', 'reviewed', '--by', 'joe')).toMatchObject({ exitCode: 0 }); // a prefix, in capitals
    expect(brief(await queue('2024-11-05'))).toEqual([[B, 'reviewed', '2025-01-03', 59]]); // approved leaves the queue
    expect((await run(['review', 'list', '--fail-on', 'unapproved', '--as-of', '2024-11-05', '-q'], { env })).exitCode).toBe(0);

    // ---- 6 November, night: Blue River takes back 250.00 (escalated; 30-day window) and pays 2.00 interest
    expect((await night(FILES[3]!, '2024-11-06', '--fail-on', 'unapproved')).exitCode).toBe(3);
    expect(brief(await queue('2024-11-07'))).toEqual([
      [B, 'reviewed', '2025-01-03', 57],
      [C, 'new', '2024-12-06', 29],
    ]);
    // the interest is not in the queue, but every offset is with --all
    expect((await queue('2024-11-07', '--all')).map((q) => q.offset_id)).toEqual([A, B, C, D]);
    // the morning list three weeks later, had nobody acted: Blue River's deadline is 6 days away
    expect(brief(await queue('2024-11-30', '--due-within', '7'))).toEqual([[C, 'new', '2024-12-06', 6]]);
    const due = await run(['review', 'list', '--as-of', '2024-11-30', '--due-within', '7', '--fail-on', 'due'], { env });
    expect(due.exitCode).toBe(3);
    expect(due.stderr).toContain(`recoup: --fail-on due: 1 offset(s) with the appeal deadline within 7 days, no appeal filed\n  ${C}  BLUE RIVER MEDICAID 2024-11-06 WO 250.00, appeal by 2024-12-06  (new)`);

    // ---- 7 November: Blue River's takeback is wrong; disputed, then the appeal is mailed. ACME's 100.00 is accepted
    expect(await set([C], '--status', 'disputed', '--by', 'joe', '--note', 'RVW200 was paid correctly')).toMatchObject({ exitCode: 0 });
    expect(await set([C], '--status', 'appealed', '--by', 'joe', '--note', 'appeal #4411 mailed')).toMatchObject({ exitCode: 0 });
    expect(await set([B], '--status', 'accepted', '--by', 'joe')).toMatchObject({ exitCode: 0 });
    // an appeal filed: no longer due, no longer unapproved
    expect(await queue('2024-11-30', '--due-within', '7')).toEqual([]);
    expect((await run(['scan', FILES[3]!, '--as-of', '2024-11-30', '-q', '--csv', '--fail-on', 'due,unapproved'], { env })).exitCode).toBe(0);

    // ---- 15 November, night: 75.00 taken under a reference no claim has
    expect((await night(FILES[4]!, '2024-11-15')).exitCode).toBe(0);
    const nov16 = await queue('2024-11-16');
    expect(brief(nov16)).toEqual([
      [C, 'appealed', '2024-12-06', null], // an appeal filed: its deadline no longer counts down
      [E, 'new', '2025-01-14', 59],
    ]);
    expect(nov16[1]).toMatchObject({ linked_pcn: '', amount: 75, escalate: false });
    expect(brief(await queue('2024-11-16', '--unlinked'))).toEqual([[E, 'new', '2025-01-14', 59]]);
    expect(brief(await queue('2024-11-16', '--over', '100'))).toEqual([[C, 'appealed', '2024-12-06', null]]);
    expect(brief(await queue('2024-11-16', '--payer', 'ACME01'))).toEqual([[E, 'new', '2025-01-14', 59]]);
    expect(brief(await queue('2024-11-16', '--status', 'approved,accepted'))).toEqual([
      [A, 'approved', '2025-01-03', null],
      [B, 'accepted', '2025-01-03', null],
    ]);

    // ---- 20 November: Blue River's appeal is won, 200.00 of the 250.00 paid back
    expect((await set([C], '--status', 'won', '--by', 'joe')).exitCode).toBe(2); // won needs --recovered
    expect(await set([C], '--status', 'won', '--recovered', '200.00', '--by', 'joe', '--note', 'paid back on check 88120')).toMatchObject({ exitCode: 0 });
    // ---- 21 and 28 November: ACME's 75.00 is appealed and lost
    expect(await set([E], '--status', 'appealed', '--by', 'ana')).toMatchObject({ exitCode: 0 });
    expect(await set([E], '--status', 'lost', '--by', 'ana', '--note', 'payer upheld')).toMatchObject({ exitCode: 0 });

    // ---- 1 December: the lost appeal stays in the queue until the office decides (a next level, or accept)
    expect(brief(await queue('2024-12-01'))).toEqual([[E, 'lost', '2025-01-14', null]]);
    expect(await set([E], '--status', 'accepted', '--by', 'ana', '--note', 'no second level')).toMatchObject({ exitCode: 0 });
    // nothing left to act on; the KPIs (checked by hand; the accepted lost appeal still counts as lost):
    // ACME: taken back 500 + 100 + 75 = 675.00; 1 appeal filed, 0 won, 1 lost → 0.00 %; recovered 0.00; net 675.00
    // Blue River: taken back 250.00; 1 appeal filed, 1 won → 100.00 %; recovered 200.00; net 250 − 200 = 50.00
    expect(await queue('2024-12-01')).toEqual([]);
    const summary = await run(['report', 'summary', '--json', '-q'], { env });
    const rows = (JSON.parse(summary.stdout) as { summary: Array<Record<string, unknown>> }).summary;
    const kpis = rows.map((r) => [r.payer_id, r.taken_back, r.appeals_filed, r.appeals_won, r.appeals_lost, r.appeal_success_percent, r.recovered_through_appeals, r.appeals_net_cash_impact, r.escalated_undecided]);
    expect(kpis).toEqual([
      ['ACME01', 675, 1, 0, 1, 0, 0, 675, 0],
      ['BRMCD', 250, 1, 1, 0, 100, 200, 50, 0],
    ]);

    // the audit trail of the won appeal: every step, in order, never rewritten
    const h = await run(['review', 'history', C, '--format', 'json'], { env });
    const trail = (JSON.parse(h.stdout) as { history: Array<Record<string, unknown>> }).history;
    expect(trail.map((e) => [e.by, e.from_status, e.to_status, e.recovered, e.note])).toEqual([
      ['joe', 'new', 'disputed', null, 'RVW200 was paid correctly'],
      ['joe', 'disputed', 'appealed', null, 'appeal #4411 mailed'],
      ['joe', 'appealed', 'won', 200, 'paid back on check 88120'],
    ]);
    for (const e of trail) expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // the offsets report of the ledger carries the decisions; the suspense list the unlinked 75.00
    const offsets = await run(['report', 'offsets,suspense', '--json', '-q', '--as-of', '2024-12-01'], { env });
    const o = JSON.parse(offsets.stdout) as { offsets: Array<Record<string, unknown>>; suspense: Array<Record<string, unknown>> };
    expect(o.offsets.map((x) => [x.offset_id, x.review_status, x.appeal_deadline])).toEqual([
      [A, 'approved', '2025-01-03'],
      [B, 'accepted', '2025-01-03'],
      [C, 'won', '2024-12-06'],
      [D, 'new', null],
      [E, 'accepted', '2025-01-14'],
    ]);
    expect(o.suspense.map((x) => [x.offset_id, x.review_status, x.age_days, x.age_bucket, x.amount])).toEqual([[E, 'accepted', 16, '0-30', 75]]);
  });
});

describe('refusals: exit 2, a clear message, and the ledger unchanged', () => {
  let db: string;
  const events = (path: string): number => {
    const sql = new Database(path, { readonly: true });
    try {
      return (sql.prepare('SELECT count(*) AS n FROM review_events').get() as { n: number }).n;
    } finally {
      sql.close();
    }
  };

  beforeAll(async () => {
    db = join(tmp(), 'l.db');
    expect((await run(['scan', 'fixtures/demo', '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    expect((await run(['review', 'set', '2pkg5aeyjw', '--status', 'reviewed', '--by', 'joe', '--ledger', db, '-q'])).exitCode).toBe(0);
  });

  it.each([
    [['zzzzzzzzzz', '--status', 'reviewed'], 'REVIEW_UNKNOWN_ID', 'recoup: error REVIEW_UNKNOWN_ID: no offset with id "zzzzzzzzzz" in DB; nothing was changed\n'],
    [['2pkg', '--status', 'reviewed'], 'REVIEW_UNKNOWN_ID', 'recoup: error REVIEW_UNKNOWN_ID: "2pkg" is too short to name one offset: give at least 6 characters of its id (the offset_id column); nothing was changed\n'],
    [['MFC1002', '--status', 'reviewed'], 'REVIEW_UNKNOWN_ID', 'recoup: error REVIEW_UNKNOWN_ID: no offset with id "MFC1002" in DB; nothing was changed\n'],
    [['2pkg5aeyjw', '--status', 'reviewed'], 'REVIEW_TRANSITION', /^recoup: error REVIEW_TRANSITION: 2pkg5aeyjw is already reviewed \(by joe at 20\d\d-[^)]+\)\nnothing was changed\n$/],
    [['2pkg5aeyjw', '--status', 'won', '--recovered', '10'], 'REVIEW_TRANSITION', 'recoup: error REVIEW_TRANSITION: 2pkg5aeyjw cannot go from reviewed to won; from reviewed it can go to approved, accepted, disputed, appealed\nnothing was changed\n'],
    [['0k2c34pger', '--status', 'appealed', '--recovered', '10'], 'REVIEW_TRANSITION', 'recoup: error REVIEW_TRANSITION: 0k2c34pger --recovered is the money won back on appeal: give it with --status won (the offset is appealed)\nnothing was changed\n'],
    // all or nothing: the first id could change, the second cannot, so neither does
    [['0k2c34pger', '2pkg5aeyjw', '--status', 'reviewed'], 'REVIEW_TRANSITION', /^recoup: error REVIEW_TRANSITION: 2pkg5aeyjw is already reviewed .*\nnothing was changed \(for any of the offsets given\)\n$/],
    [['0k2c34pger', 'zzzzzzzzzz', '--status', 'reviewed'], 'REVIEW_UNKNOWN_ID', 'recoup: error REVIEW_UNKNOWN_ID: no offset with id "zzzzzzzzzz" in DB; nothing was changed\n'],
    [['0k2c34pger', '--status', 'paid'], 'USAGE', 'recoup: --status: unknown review status "paid"; choose from new, reviewed, approved, disputed, appealed, won, lost, accepted\n'],
    [['0k2c34pger', '--status', 'new'], 'REVIEW_TRANSITION', 'recoup: error REVIEW_TRANSITION: 0k2c34pger is already new\nnothing was changed\n'],
    [['2pkg5aeyjw', '--status', 'new'], 'REVIEW_TRANSITION', 'recoup: error REVIEW_TRANSITION: 2pkg5aeyjw cannot go from reviewed to new; from reviewed it can go to approved, accepted, disputed, appealed\nnothing was changed\n'],
    [['0k2c34pger'], 'USAGE', 'recoup: nothing to record: give --status <status>, --note <text> or --recovered <amount>\n'],
  ])('review set %j → %s', async (args, code, message) => {
    const before = events(db);
    const bytes = readFileSync(db);
    const r = await run(['review', 'set', ...args, '--ledger', db]);
    expect(r).toMatchObject({ exitCode: 2, code, stdout: '' });
    if (typeof message === 'string') expect(r.stderr).toBe(message.replace('DB', db));
    else expect(r.stderr).toMatch(message);
    expect(events(db)).toBe(before);
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });

  it('an id prefix two offsets share is ambiguous: both are named, nothing changes', async () => {
    // two offsets whose ids share their first six characters: made by copying the ledger and renaming ids
    const copy = join(tmp(), 'ambiguous.db');
    copyFileSync(db, copy);
    const sql = new Database(copy);
    sql.prepare("UPDATE offsets SET uid = 'abcdef' || substr(uid, 7) WHERE uid IN ('zztsr2000y', '55a0rf2vvn')").run();
    sql.close();
    const r = await run(['review', 'set', 'abcdef', '--status', 'reviewed', '--ledger', copy]);
    expect(r).toMatchObject({ exitCode: 2, code: 'REVIEW_AMBIGUOUS_ID' });
    expect(r.stderr).toBe(
      'recoup: error REVIEW_AMBIGUOUS_ID: "abcdef" names 2 offsets; give more of the id:\n' +
        '  abcdef000y  ACME HEALTH PLAN 2024-02-12 trace ACH100100045 WO 2224001000102 -60.00\n' +
        '  abcdef2vvn  ACME HEALTH PLAN 2024-03-15 trace ACH100100102 L6 -3.25\n' +
        'nothing was changed\n',
    );
    // the whole id still names one
    expect((await run(['review', 'set', 'abcdef000y', '--status', 'reviewed', '--ledger', copy, '-q'])).exitCode).toBe(0);
  });

  it('review events are append-only in the ledger itself: an UPDATE or DELETE is refused', () => {
    const sql = new Database(db);
    try {
      expect(() => sql.prepare("UPDATE review_events SET to_status = 'won'").run()).toThrow(/append-only/);
      expect(() => sql.prepare('DELETE FROM review_events').run()).toThrow(/append-only/);
    } finally {
      sql.close();
    }
    expect(events(db)).toBe(1);
  });

  it('history of an offset with no events says it is new; review needs a ledger', async () => {
    const r = await run(['review', 'history', '0k2c34', '--ledger', db]);
    expect(r).toMatchObject({ exitCode: 0, stderr: 'recoup: 0k2c34pger has no review events yet: it is new\n' });
    expect(await run(['review', 'list'], { env: { RECOUP_LEDGER: '' } })).toMatchObject({
      exitCode: 2,
      code: 'USAGE',
      stderr: 'recoup: recoup review works on the ledger: give --ledger <file> (or set RECOUP_LEDGER)\n',
    });
    expect(await run(['review', 'list', '--ledger', join(tmp(), 'none.db')])).toMatchObject({ exitCode: 1, code: 'LEDGER_NOT_FOUND' });
    expect((await run(['scan', 'fixtures/demo', '--fail-on', 'due'], { env: { RECOUP_LEDGER: '' } })).stderr).toBe(
      'recoup: --fail-on due needs a ledger (--ledger <file> or RECOUP_LEDGER): review decisions and deadlines are kept there\n',
    );
  });
});
