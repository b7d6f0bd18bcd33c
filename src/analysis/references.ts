// Reads a PLB03-2 reference into lookup keys, each tagged with how it was found. Payers put the
// originating claim there in several shapes (835-domain.md §3): CLP07 alone or "CLP01 CLP07 TRN02"
// (X12 RFI 2370), CLP01 with other tokens (Anthem "PCN CCYYMMDD CLAIM#"), Medicare fixed positions
// (CR7499: 1-19 control number, 20-39 PCN/HIC; DME CR7068: "00" + 17-char CCN + HIC), 15-digit FCNs
// whose last 13 digits are the ICN (Noridian), Part A two-letter sub-codes in front, and TRN02 for FB.

export type KeySource = 'whole' | 'medicare_layout' | 'token' | 'icn_suffix';

export interface ReferenceKey {
  value: string;
  source: KeySource;
}

/** Medicare Part A legacy sub-codes seen at the start of PLB03-2 (835-domain.md §3.2). */
const PART_A_SUBCODES = new Set(['BF', 'CO', 'OR', 'CW', 'LR', 'IP']);

const MIN_KEY_LENGTH = 4;

function isDateToken(t: string): boolean {
  if (!/^(19|20)\d{6}$/.test(t)) return false;
  const m = Number(t.slice(4, 6));
  const d = Number(t.slice(6, 8));
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** Keys to look up, most specific first; no duplicates. */
export function referenceKeys(reference: string | null): ReferenceKey[] {
  if (reference === null) return [];
  const out: ReferenceKey[] = [];
  const seen = new Set<string>();
  const add = (value: string, source: KeySource): void => {
    const v = value.trim();
    if (v.length < MIN_KEY_LENGTH || seen.has(v) || isDateToken(v)) return;
    seen.add(v);
    out.push({ value: v, source });
  };
  const raw = reference;
  const whole = raw.trim();
  add(whole, 'whole');
  // optional Part A sub-code: "BF2224001234567", "CO 2224001234567", "OR/2224001234567"
  const sub = /^([A-Z]{2})[\s/:-]?(\S.*)$/.exec(whole);
  const stripped = sub && PART_A_SUBCODES.has(sub[1]!) ? sub[2]!.trim() : null;
  if (stripped) add(stripped, 'whole');

  for (const text of stripped ? [raw, stripped] : [raw]) {
    // Medicare fixed positions (CR7499 / CR7068) — only for references long enough to hold them
    // The layout shows itself: the second field starts at position 20, after a full or space-padded first field.
    if (text.length >= 20 && text[19] !== ' ' && /^(\S{19}|\S+ +)$/.test(text.slice(0, 19))) {
      if (/^00\S{17}$/.test(text.slice(0, 19))) add(text.slice(2, 19), 'medicare_layout');
      add(text.slice(0, 19), 'medicare_layout');
      add(text.slice(19, 39), 'medicare_layout');
    }
  }
  const tokens = whole.split(/[\s:#/,;]+/).filter((t) => t !== '');
  for (const t of tokens) add(t, 'token');
  if (stripped) for (const t of stripped.split(/[\s:#/,;]+/)) add(t, 'token');
  // 15-digit FCN: drop the 2-digit prefix to get the 13-digit ICN (Noridian JF Part B, §3.2)
  for (const k of [...out]) {
    if (/^\d{15}$/.test(k.value)) add(k.value.slice(2), 'icn_suffix');
  }
  for (const t of tokens) if (t.includes('-')) for (const part of t.split('-')) add(part, 'token');
  return out;
}
