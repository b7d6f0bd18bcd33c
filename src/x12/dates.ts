// X12 dates: CCYYMMDD text to YYYY-MM-DD, and whether a YYYY-MM-DD names a day that exists. Used by the
// envelope (GS04), the 835 builder (BPR16, DTM, PLB02) and the command line (--as-of) alike; and today's date.

/** CCYYMMDD → YYYY-MM-DD, or null when the text is not eight digits (the day is not checked here). */
export function ccyymmdd(s: string): string | null {
  if (!/^\d{8}$/.test(s)) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/**
 * True for YYYY-MM-DD naming a real day (month 1–12, the day within its month, leap years) in
 * `earliestYear` or later: no 835 date is before 1800 (DTM*405*11111111 is a placeholder, not 1111).
 */
export function isCalendarDate(text: string, earliestYear = 1800): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < earliestYear || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Today as YYYY-MM-DD (UTC): the default date open balances are aged to. */
export function todayDate(): string {
  return new Date().toISOString().slice(0, 10);
}
