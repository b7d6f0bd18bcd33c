import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountCents, formatCents, formatMoney, parseAmount } from '../../src/remit/money.js';

describe('parseAmount: decimal text → integer cents, never floating point', () => {
  it.each([
    ['150000', 15000000],
    ['-1.27', -127],
    ['-37.5', -3750],
    ['.5', 50],
    ['5.', 500],
    ['0', 0],
    ['-0', 0],
    ['12.30', 1230],
    ['1.230', 123],
    ['0.07', 7],
    ['138018.4', 13801840],
    ['0.1', 10],
    ['1234567890123.99', 123456789012399],
  ])('%s → %i cents', (text, cents) => {
    expect(parseAmount(text)).toEqual({ ok: true, cents });
  });

  it.each([
    ['', 'empty'],
    ['-', 'not a decimal number'],
    ['.', 'not a decimal number'],
    ['12,50', 'not a decimal number'],
    ['1e3', 'not a decimal number'],
    ['+5', 'not a decimal number'],
    [' 5', 'not a decimal number'],
    ['1.2.3', 'not a decimal number'],
    ['1.235', 'more than two decimal places'],
    ['DTEST', 'not a decimal number'],
    ['12345678901234', 'too many digits'],
  ])('%j is refused (%s)', (text, reason) => {
    expect(parseAmount(text)).toEqual({ ok: false, reason });
  });

  it('round-trips every cent value through formatCents', () => {
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }), (cents) => {
        expect(parseAmount(formatCents(cents))).toEqual({ ok: true, cents });
      }),
    );
  });

  it('0.1 + 0.2 adds up exactly in cents', () => {
    const a = parseAmount('0.1');
    const b = parseAmount('0.2');
    expect(a.ok && b.ok && a.cents + b.cents).toBe(30);
    expect(formatCents(30)).toBe('0.30');
  });
});

describe('amountCents, the allocation-free fast path, never disagrees with parseAmount', () => {
  it.each([
    ['150000', 15000000],
    ['-1.27', -127],
    ['-37.5', -3750],
    ['-0', 0],
    ['.5', null],
    ['5.', null],
    ['1.230', null],
    ['00000000000000012.00', null],
    ['1e3', null],
    ['', null],
    ['-', null],
  ])('%j → %s', (text, cents) => {
    expect(amountCents(text)).toBe(cents);
  });

  it('on any text made of amount characters: null, or exactly what parseAmount accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', ' ', 'e'), maxLength: 18 }), (text) => {
        const fast = amountCents(text);
        const full = parseAmount(text);
        if (fast !== null) expect(full).toEqual({ ok: true, cents: fast });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatting', () => {
  it.each([
    [0, '0.00', '0.00'],
    [-127, '-1.27', '-1.27'],
    [5, '0.05', '0.05'],
    [15000000, '150000.00', '150,000.00'],
    [-123456789, '-1234567.89', '-1,234,567.89'],
  ])('%i → %s / %s', (cents, plain, money) => {
    expect(formatCents(cents)).toBe(plain);
    expect(formatMoney(cents)).toBe(money);
  });
});
