import { describe, expect, it } from 'vitest';
import { categorizeOffset, isKnownPlbCode, PLB_REASONS } from '../../src/analysis/codes.js';

// 835-domain.md §2: exactly these 41 codes in 5010.
const CODES_5010 = '50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU'.split(' ');

describe('PLB reason codes', () => {
  it('describes exactly the 41 codes of 5010', () => {
    expect(Object.keys(PLB_REASONS).sort()).toEqual([...CODES_5010].sort());
    expect(CODES_5010).toHaveLength(41);
    for (const code of CODES_5010) expect(PLB_REASONS[code]!.length).toBeGreaterThan(3);
    expect(isKnownPlbCode('ZZ')).toBe(false);
  });

  it.each([
    ['WO', 6000, 'recoupment'],
    ['WO', -6000, 'deferred_recoupment'],
    ['WU', 100, 'recoupment'],
    ['OB', 100, 'recoupment'],
    ['OB', -100, 'other'],
    ['FB', 30000, 'recoupment'],
    ['FB', -30000, 'deferred_recoupment'],
    ['72', -4500, 'refund_acknowledged'],
    ['72', 4500, 'other'],
    ['L6', -325, 'interest'],
    ['L6', 325, 'interest'],
    ['50', 200, 'penalty'],
    ['51', 200, 'penalty'],
    ['L3', 200, 'penalty'],
    ['E3', 500, 'withholding'],
    ['IR', 500, 'withholding'],
    ['LE', 500, 'withholding'],
    ['SL', 500, 'withholding'],
    ['AP', 500, 'withholding'],
    ['AP', -500, 'other'],
    ['CS', -300, 'other'],
    ['CV', -127, 'other'],
    ['JTEST', 0, 'other'],
  ])('%s %i → %s', (code, cents, category) => {
    expect(categorizeOffset(code, cents)).toBe(category);
  });
});
