// The review rules (issue 16) without storage: stable offset ids, the transitions table enforced pair by
// pair, states folded from events, deadlines, the suspense list and the payment-reversal log.

import { describe, expect, it } from 'vitest';
import { normalizeOffsetId, offsetId, type OffsetIdParts } from '../../src/analysis/offset-id.js';
import {
  isReviewable,
  addAppeal,
  addDays,
  emptyAppealTotals,
  appealDeadline,
  AppealWindows,
  foldStates,
  NEW_STATE,
  refuseChange,
  REVIEW_STATUSES,
  type ReviewEvent,
  type ReviewStatus,
  TRANSITIONS,
} from '../../src/analysis/review.js';
import { reversalRows, suspenseRows } from '../../src/analysis/review-reports.js';

const PARTS: OffsetIdParts = { tracePayerId: '1999999999', traceNumber: 'ACH100100102', paymentDate: '2024-03-15', paid: 34325, content: '1|40000|40000|5675|4|19|1234567893|123', position: 2 };

describe('stable offset ids', () => {
  it('are 10 Crockford base-32 characters, the same for the same offset and different for any other part', () => {
    const id = offsetId(PARTS);
    expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{10}$/);
    expect(offsetId({ ...PARTS })).toBe(id);
    const others = [
      { tracePayerId: '1888888888' },
      { traceNumber: 'ACH100100103' },
      { paymentDate: '2024-03-16' },
      { paid: 34326 },
      { content: '1|40000|40000|5675|4|19|1234567893|124' },
      { position: 3 },
    ].map((change) => offsetId({ ...PARTS, ...change }));
    expect(new Set([id, ...others]).size).toBe(7);
  });

  it('no collision among 200,000 offsets of one generated year', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(offsetId({ ...PARTS, traceNumber: `T${Math.floor(i / 4)}`, position: (i % 4) + 1 }));
    expect(seen.size).toBe(200_000);
  });

  it('as typed: trimmed, lower case, o/i/l read as 0/1/1', () => {
    expect(normalizeOffsetId('  2PKG5AEYJW ')).toBe('2pkg5aeyjw');
    expect(normalizeOffsetId('ZZTSR2OOOY')).toBe('zztsr2000y');
    expect(normalizeOffsetId('abcIL9')).toBe('abc119');
  });
});

describe('transitions', () => {
  const event = (seq: number, offsetId: string, from: ReviewStatus, to: ReviewStatus, recovered: number | null = null): ReviewEvent => ({ seq, offsetId, at: '2024-11-05T09:00:00.000Z', by: 'joe', from, to, note: '', recovered });

  it('every pair of statuses: allowed exactly when the table says so', () => {
    let allowed = 0;
    for (const from of REVIEW_STATUSES) {
      const state = from === 'new' ? NEW_STATE : { ...NEW_STATE, status: from };
      for (const to of REVIEW_STATUSES) {
        const why = refuseChange(state, { to, note: 'why', recovered: to === 'won' ? 0 : null }, 10_000);
        expect(why === null, `${from} → ${to}: ${why}`).toBe(TRANSITIONS[from].includes(to));
        if (why === null) allowed++;
      }
    }
    expect(allowed).toBe(26); // 5 + 4 + 3 + 3 + 4 + 3 + 3 + 1
    expect(TRANSITIONS.won).toEqual(['reviewed']); // only a correction
    for (const from of REVIEW_STATUSES) expect(TRANSITIONS[from]).not.toContain('new');
  });

  it('a decision recorded by mistake is corrected back to reviewed, with a note; the KPIs follow the correction', () => {
    const won = { ...NEW_STATE, status: 'won' as const, appealed: true, outcome: 'won' as const, recovered: 5_000 };
    expect(refuseChange(won, { to: 'reviewed', note: '', recovered: null }, 10_000)).toBe('going back from won to reviewed corrects a decision: say why with --note');
    expect(refuseChange(won, { to: 'reviewed', note: 'wrong offset', recovered: null }, 10_000)).toBeNull();
    expect(refuseChange(won, { to: 'appealed', note: '', recovered: null }, 10_000)).toBe('cannot go from won to appealed; from won it can go to reviewed (a decision recorded by mistake: --status reviewed --note "why")');
    const s = foldStates([event(1, 'a', 'new', 'appealed'), event(2, 'a', 'appealed', 'won', 5_000), event(3, 'a', 'won', 'reviewed')]).get('a')!;
    expect(s).toMatchObject({ status: 'reviewed', appealed: true, outcome: null, recovered: null }); // the appeal stays filed; its outcome is taken back
    const filedByMistake = foldStates([event(1, 'b', 'new', 'appealed'), event(2, 'b', 'appealed', 'reviewed')]).get('b')!;
    expect(filedByMistake).toMatchObject({ status: 'reviewed', appealed: false });
  });

  it('a lost appeal later accepted still counts as lost; lost then won on the next level counts as won', () => {
    const totals = emptyAppealTotals();
    const states = foldStates([
      event(1, 'a', 'new', 'appealed'),
      event(2, 'a', 'appealed', 'lost'),
      event(3, 'a', 'lost', 'accepted'),
      event(4, 'b', 'new', 'appealed'),
      event(5, 'b', 'appealed', 'lost'),
      event(6, 'b', 'lost', 'appealed'),
      event(7, 'b', 'appealed', 'won', 900),
    ]);
    for (const s of states.values()) addAppeal(totals, s);
    expect(totals).toEqual({ filed: 2, won: 1, lost: 1, recovered: 900 });
  });

  it('won needs --recovered, not over the amount taken; --recovered only with won; a note alone is kept', () => {
    const appealed = { ...NEW_STATE, status: 'appealed' as const, appealed: true };
    expect(refuseChange(appealed, { to: 'won', note: '', recovered: null }, 25_000)).toBe('won needs --recovered <amount>: the money the payer paid back (0 if none yet; record it later with --recovered)');
    expect(refuseChange(appealed, { to: 'won', note: '', recovered: 25_001 }, 25_000)).toBe('--recovered 250.01 is more than the 250.00 taken back');
    expect(refuseChange(appealed, { to: 'won', note: '', recovered: 25_000 }, 25_000)).toBeNull();
    expect(refuseChange(appealed, { to: 'won', note: '', recovered: 99_999 }, null)).toBeNull(); // amount unreadable: not checked
    expect(refuseChange(appealed, { to: 'lost', note: '', recovered: 100 }, 25_000)).toBe('--recovered is the money won back on appeal: give it with --status won (the offset is lost)');
    expect(refuseChange(appealed, { to: undefined, note: 'called the payer', recovered: null }, 25_000)).toBeNull();
    expect(refuseChange(appealed, { to: undefined, note: '', recovered: null }, 25_000)).toBe('nothing to record: give --status, --note or --recovered');
    const won = { ...NEW_STATE, status: 'won' as const, appealed: true, recovered: 20_000 };
    expect(refuseChange(won, { to: undefined, note: 'second check', recovered: 25_000 }, 25_000)).toBeNull(); // corrected later
  });

  it('states fold from events in order: the latest status, whether ever appealed, the latest recovered amount', () => {
    const states = foldStates([
      event(1, 'a', 'new', 'disputed'),
      event(2, 'b', 'new', 'approved'),
      event(3, 'a', 'disputed', 'appealed'),
      event(4, 'a', 'appealed', 'lost'),
      event(5, 'a', 'lost', 'appealed'),
      event(6, 'a', 'appealed', 'won', 12_000),
      event(7, 'a', 'won', 'won', 15_000),
      event(8, 'a', 'won', 'won'),
    ]);
    expect(states.get('a')).toMatchObject({ status: 'won', appealed: true, recovered: 15_000, events: 7 });
    expect(states.get('a')!.last!.seq).toBe(8);
    expect(states.get('b')).toMatchObject({ status: 'approved', appealed: false, recovered: null, events: 1 });
    expect(states.get('c')).toBeUndefined();
  });
});

describe('what the queue holds', () => {
  it('money withheld (or an amount that could not be read); never money added to the check', () => {
    expect(isReviewable('recoupment', 2_500)).toBe(true);
    expect(isReviewable('other', 595)).toBe(true);
    expect(isReviewable('recoupment', null)).toBe(true); // unreadable: a person should look
    expect(isReviewable('other', -127)).toBe(false); // a CV capital passthrough added to the check
    expect(isReviewable('penalty', 0)).toBe(false);
    expect(isReviewable('deferred_recoupment', -6_000)).toBe(false);
    expect(isReviewable('interest', -325)).toBe(false);
    expect(isReviewable('refund_acknowledged', -4_500)).toBe(false);
  });
});

describe('deadlines', () => {
  it('payment date plus the payer window, across month, year and leap day', () => {
    expect(appealDeadline('2024-11-06', 30)).toBe('2024-12-06');
    expect(appealDeadline('2024-11-04', 60)).toBe('2025-01-03');
    expect(appealDeadline('2024-01-30', 30)).toBe('2024-02-29');
    expect(appealDeadline('2023-01-30', 30)).toBe('2023-03-01');
    expect(appealDeadline('', 60)).toBe('');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });

  it('each payer its own window, else the default', () => {
    const w = new AppealWindows(new Map([['BRMCD', 30]]), 90);
    expect([w.daysFor('BRMCD'), w.daysFor('ACME01')]).toEqual([30, 90]);
    expect(new AppealWindows().daysFor('X')).toBe(60);
  });
});

describe('the suspense list and the reversal log', () => {
  const offset = (o: Record<string, string>) => ({ category: 'recoupment', link_basis: 'none', payment_date: '2024-11-15', amount: '75.00', offset_id: 'x', ...o });

  it('suspense: unlinked or ambiguous recoupments and deferrals only, oldest first, aged, undated last, future left out', () => {
    const rows = suspenseRows(
      [
        offset({ offset_id: 'late', payment_date: '2024-11-15' }),
        offset({ offset_id: 'linked', link_basis: 'icn' }),
        offset({ offset_id: 'interest', category: 'interest' }),
        offset({ offset_id: 'undated', payment_date: '' }),
        offset({ offset_id: 'deferral', category: 'deferred_recoupment', link_basis: 'ambiguous', payment_date: '2024-08-01', amount: '-60.00' }),
        offset({ offset_id: 'future', payment_date: '2025-01-01' }),
      ],
      '2024-12-01',
    );
    expect(rows.map((r) => [r.offset_id, r.age_days, r.age_bucket, r.amount])).toEqual([
      ['deferral', '122', 'over_90', '-60.00'],
      ['late', '16', '0-30', '75.00'],
      ['undated', '', 'undated', '75.00'],
    ]);
  });

  it('reversals: the payment taken back, the correction, the offsets linked to the family, the net change', () => {
    const claim = (row: Record<string, string>, paymentDate: string) => ({ row: { payer_name: 'ACME', pcn: 'P1', patient_name: 'SMITH, ROBERT', file: 'f.835', ...row }, paymentDate, payerId: 'ACME01' });
    const rows = reversalRows(
      [
        claim({ reversal: 'yes', icn: 'I1', paid: '-180.00', trace_number: 'T2', reverses_trace_number: 'T1', reverses_payment_date: '2024-01-05' }, '2024-02-12'),
        claim({ reversal: 'no', icn: 'I2', paid: '120.00', trace_number: 'T2', corrects_icn: 'I1' }, '2024-02-12'),
        claim({ reversal: 'no', icn: 'I9', paid: '99.00', trace_number: 'T0', corrects_icn: 'I1' }, '2024-01-01'), // before the reversal: not its correction
      ],
      [
        { offset_id: 'd', linked_pcn: 'P1', linked_icn: 'I1', amount: '-60.00', category: 'deferred_recoupment' },
        { offset_id: 'c', linked_pcn: 'P1', linked_icn: 'I1', amount: '60.00', category: 'recoupment' },
        { offset_id: 'other', linked_pcn: 'P2', linked_icn: 'I1', amount: '5.00', category: 'recoupment' },
      ],
    );
    expect(rows).toEqual([
      {
        payer_name: 'ACME',
        payer_id: 'ACME01',
        pcn: 'P1',
        patient_name: 'SMITH, ROBERT',
        reversal_date: '2024-02-12',
        reversal_trace_number: 'T2',
        reversal_icn: 'I1',
        reversed: '-180.00',
        original_payment_date: '2024-01-05',
        original_trace_number: 'T1',
        correction_date: '2024-02-12',
        correction_trace_number: 'T2',
        correction_icn: 'I2',
        correction_paid: '120.00',
        net_change: '-60.00',
        offsets: '2',
        deferred: '-60.00',
        collected: '60.00',
        offset_ids: 'd c',
        file: 'f.835',
      },
    ]);
  });

  it('a reversal with no correction yet: net change is the reversal; an unreadable amount makes its sums unknown', () => {
    const [row] = reversalRows([{ row: { reversal: 'yes', pcn: 'P1', icn: 'I1', paid: '' }, paymentDate: '2024-02-12', payerId: 'A' }], [{ offset_id: 'x', linked_pcn: 'P1', linked_icn: 'I1', amount: '', category: 'recoupment' }]);
    expect(row).toMatchObject({ reversed: '', correction_icn: '', correction_paid: '', net_change: '', offsets: '1', deferred: '0.00', collected: '' });
    const [plain] = reversalRows([{ row: { reversal: 'yes', pcn: 'P1', icn: 'I1', paid: '-50.00' }, paymentDate: '2024-02-12', payerId: 'A' }], []);
    expect(plain).toMatchObject({ reversed: '-50.00', correction_paid: '', net_change: '-50.00', offsets: '0', deferred: '0.00', collected: '0.00' });
  });
});
