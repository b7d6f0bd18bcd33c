// Money as integer cents: decimal text from X12 (R type) → cents, and cents → decimal text.
// No floating point anywhere: amounts are parsed digit by digit (style.md; issue #2 "never parseFloat").

/** An amount in integer cents. Safe up to ±90 trillion dollars. */
export type Cents = number;

export type ParsedAmount = { ok: true; cents: Cents } | { ok: false; reason: string };

const MAX_INTEGER_DIGITS = 13;

/**
 * Parses X12 decimal text (`-37.5`, `150000`, `.5`, `12.30`) into cents. More than two decimal places
 * is accepted only when the extra digits are zeros (`1.230`); `1.235` would need rounding, so it is refused.
 */
export function parseAmount(text: string): ParsedAmount {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === 0x2d) {
    negative = true;
    i = 1;
  }
  let whole = 0;
  let wholeDigits = 0;
  let fraction = 0;
  let fractionDigits = 0;
  let sawPoint = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (!sawPoint) {
        if (wholeDigits > 0 || c !== 0x30) wholeDigits++;
        if (wholeDigits > MAX_INTEGER_DIGITS) return { ok: false, reason: 'too many digits' };
        whole = whole * 10 + (c - 0x30);
      } else {
        fractionDigits++;
        if (fractionDigits <= 2) fraction = fraction * 10 + (c - 0x30);
        else if (c !== 0x30) return { ok: false, reason: 'more than two decimal places' };
      }
    } else if (c === 0x2e && !sawPoint) {
      sawPoint = true;
    } else {
      return { ok: false, reason: text.length === 0 ? 'empty' : 'not a decimal number' };
    }
  }
  const digits = n - (negative ? 1 : 0) - (sawPoint ? 1 : 0);
  if (digits <= 0) return { ok: false, reason: n === 0 ? 'empty' : 'not a decimal number' };
  if (fractionDigits === 1) fraction *= 10;
  const cents = whole * 100 + fraction;
  return { ok: true, cents: negative && cents !== 0 ? -cents : cents };
}

/**
 * The common case of parseAmount without allocating: cents, or null when the text needs the full
 * parser (to accept or to explain why not). Accepts [-]digits[.d[d]] with at most 13 integer digits.
 * Reads text[start, end) so a caller can parse an element in place.
 */
export function amountCents(text: string, start = 0, end = text.length): Cents | null {
  const n = end;
  let i = start;
  let negative = false;
  if (n > i && text.charCodeAt(i) === 0x2d) {
    negative = true;
    i++;
  }
  let whole = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
    digits++;
  }
  if (digits === 0 || digits > 13) return null;
  let fraction = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 0x2e) return null;
    const left = n - i - 1;
    if (left < 1 || left > 2) return null;
    const d1 = text.charCodeAt(i + 1) - 0x30;
    const d2 = left === 2 ? text.charCodeAt(i + 2) - 0x30 : 0;
    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
    fraction = d1 * 10 + d2;
  }
  const cents = whole * 100 + fraction;
  return negative && cents !== 0 ? -cents : cents;
}

/** Cents → decimal text with two places, signed: -3725 → "-37.25". This is the format of every report. */
export function formatCents(cents: Cents): string {
  const negative = cents < 0;
  const abs = negative ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${negative ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** Cents → "1,234.56" for tables people read. */
export function formatMoney(cents: Cents): string {
  const plain = formatCents(cents);
  const negative = plain.startsWith('-');
  const body = negative ? plain.slice(1) : plain;
  const dot = body.indexOf('.');
  const whole = body.slice(0, dot).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}${body.slice(dot)}`;
}

/** Sums cents exactly (integers), for readability at call sites. */
export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
