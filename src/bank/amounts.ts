// Bank money and date text → integer cents and YYYY-MM-DD, for both statement readers: BAI2's implied-
// decimal digits and YYMMDD, and the many ways a bank's CSV export writes amounts and dates. No floats.

import { type Cents, parseAmount } from '../remit/money.js';
import { isCalendarDate } from '../x12/dates.js';

/** 15 digits of cents stay below Number.MAX_SAFE_INTEGER (the 13 integer digits money.ts allows, plus 2). */
const MAX_BAI2_DIGITS = 15;

/**
 * A BAI2 amount: digits with two implied decimal places (`125000` = 1,250.00). A leading `+` or `-` is
 * accepted only where `signed` (03 summary amounts and trailer control totals; 16 amounts are unsigned).
 * Returns null when the text is anything else, including empty.
 */
export function parseBai2Amount(text: string, signed: boolean): Cents | null {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (signed && n > 0) {
    const c = text.charCodeAt(0);
    if (c === 0x2b || c === 0x2d) {
      negative = c === 0x2d;
      i = 1;
    }
  }
  if (i === n) return null;
  let cents = 0;
  let significant = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    if (significant > 0 || d !== 0) significant++;
    if (significant > MAX_BAI2_DIGITS) return null;
    cents = cents * 10 + d;
  }
  return negative && cents !== 0 ? -cents : cents;
}

/** What a CSV money cell holds: nothing, an amount in cents (signed), or text that is not an amount. */
export type BankAmount = { kind: 'blank' } | { kind: 'amount'; cents: Cents } | { kind: 'bad'; reason: string };

/**
 * A money cell of a bank's CSV export: `$1,234.56`, `1234.5`, `-1,234.56`, `(1,234.56)`, `1,234.56-`,
 * `+12.00`, `12.00 CR`, `12.00 DR` (DR, parentheses and either minus are negative); `-` alone is blank. Thousands separators
 * must group by three (`12,50` is refused, not read as 1,250 or 12.50). At most one sign marker.
 */
export function parseBankAmount(text: string): BankAmount {
  let s = text.trim();
  // a dash alone is how spreadsheets (accounting format) show an empty or zero cell: `-`, `$ -`
  if (s === '' || /^\$?\s*-+$/.test(s)) return { kind: 'blank' };
  let markers = 0;
  let negative = false;
  const suffix = /^(.*?)\s*(cr|dr)$/i.exec(s);
  if (suffix !== null) {
    markers++;
    negative = suffix[2]!.toLowerCase() === 'dr';
    s = suffix[1]!;
  }
  if (s.endsWith('-')) {
    markers++;
    negative = true;
    s = s.slice(0, -1).trimEnd();
  }
  if (s.startsWith('(') && s.endsWith(')')) {
    markers++;
    negative = true;
    s = s.slice(1, -1).trim();
  }
  const sign = (): void => {
    const c = s.charAt(0);
    if (c === '+' || c === '-') {
      markers++;
      if (c === '-') negative = true;
      s = s.slice(1).trimStart();
    }
  };
  sign();
  if (s.startsWith('$')) {
    s = s.slice(1).trimStart();
    sign(); // $-12.00 as well as -$12.00
  }
  if (markers > 1) return { kind: 'bad', reason: 'more than one sign' };
  const body = withoutThousands(s);
  if (body === null) return { kind: 'bad', reason: 'thousands separators not in groups of three' };
  if (!/^\d*\.?\d*$/.test(body)) return { kind: 'bad', reason: 'not a decimal number' };
  const parsed = parseAmount(body);
  if (!parsed.ok) return { kind: 'bad', reason: parsed.reason };
  return { kind: 'amount', cents: negative && parsed.cents !== 0 ? -parsed.cents : parsed.cents };
}

/** `1,234,567.89` → `1234567.89`; null when commas are present but do not group the whole part by three. */
function withoutThousands(s: string): string | null {
  if (!s.includes(',')) return s;
  const point = s.indexOf('.');
  const whole = point === -1 ? s : s.slice(0, point);
  const groups = whole.split(',');
  if (!/^\d{1,3}$/.test(groups[0]!)) return null;
  for (let g = 1; g < groups.length; g++) if (!/^\d{3}$/.test(groups[g]!)) return null;
  return groups.join('') + (point === -1 ? '' : s.slice(point));
}

/** How a CSV's dates are written, when the user says so (bank.csv.dateFormat). */
export type BankDateFormat = 'MM/DD/YYYY' | 'DD/MM/YYYY' | 'YYYY-MM-DD';

/** Two-digit years (BAI2 YYMMDD, US MM/DD/YY): 00–69 are 2000–2069, 70–99 are 1970–1999. */
export function expandYear(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

/** BAI2 YYMMDD (02 as-of date) → YYYY-MM-DD, or null when it is not six digits naming a real day. */
export function parseBai2Date(text: string): string | null {
  if (!/^\d{6}$/.test(text)) return null;
  return isoDate(expandYear(Number(text.slice(0, 2))), Number(text.slice(2, 4)), Number(text.slice(4, 6)));
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
/** Month first: 01/05/2024, 1/5/2024, 01/05/24, 01-05-2024. */
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$|^(\d{1,2})-(\d{1,2})-(\d{4})$/;
/** Day and month (order set by the format) and a 2- or 4-digit year, separated by / - or . */
const DAY_MONTH = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/;
const YEAR_FIRST = /^(\d{4})([/.-]?)(\d{1,2})\2(\d{1,2})$/;

/**
 * A CSV date cell (not blank) → YYYY-MM-DD, or null when it cannot be read or names no real day.
 * Without a format: YYYY-MM-DD, YYYYMMDD, or US month-first (MM/DD/YYYY, M/D/YYYY, MM/DD/YY, MM-DD-YYYY).
 */
export function parseBankDate(text: string, format?: BankDateFormat): string | null {
  const s = text.trim();
  let m: RegExpExecArray | null;
  switch (format) {
    case 'MM/DD/YYYY':
      m = DAY_MONTH.exec(s);
      return m ? isoDate(year(m[4]!), Number(m[1]), Number(m[3])) : null;
    case 'DD/MM/YYYY':
      m = DAY_MONTH.exec(s);
      return m ? isoDate(year(m[4]!), Number(m[3]), Number(m[1])) : null;
    case 'YYYY-MM-DD':
      m = YEAR_FIRST.exec(s);
      return m ? isoDate(Number(m[1]), Number(m[3]), Number(m[4])) : null;
    case undefined:
      break;
  }
  if ((m = ISO.exec(s) ?? COMPACT.exec(s)) !== null) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if ((m = US.exec(s)) !== null) {
    return m[1] !== undefined ? isoDate(year(m[3]!), Number(m[1]), Number(m[2])) : isoDate(Number(m[6]), Number(m[4]), Number(m[5]));
  }
  return null;
}

function year(text: string): number {
  return text.length === 2 ? expandYear(Number(text)) : Number(text);
}

function isoDate(y: number, m: number, d: number): string | null {
  const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isCalendarDate(text) ? text : null;
}
