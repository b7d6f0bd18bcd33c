// The stable id of a provider-level offset (issue 16): what staff type into `recoup review set`, shown in
// every offsets row, the same in every run and every ledger that reads the same remittance.

import { createHash } from 'node:crypto';
import type { Cents } from '../remit/money.js';

/**
 * What an offset's id is made of — the remittance as the duplicate rule of duplicates.ts knows it, and
 * the offset's place in it:
 * - the payer as its trace names it (TRN03, the payer's own company id: config aliases do not change it),
 * - the trace number (TRN02), the payment date and amount (BPR16, BPR02),
 * - the remittance's content fingerprint (a correction re-issued under the same trace differs in it; a
 *   re-sent copy does not — so a re-sent file gives its offsets the ids they already have),
 * - the PLB adjustment's position in the remittance (1 for the first PLB03/04 pair).
 * The transaction control number (ST02) is left out on purpose: re-sent files get new ones.
 */
export interface OffsetIdParts {
  tracePayerId: string;
  traceNumber: string;
  paymentDate: string;
  paid: Cents;
  content: string;
  position: number;
}

/** Crockford's base 32, lower case: no i, l, o or u to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Characters in an id: 50 bits, so a million offsets collide with odds of about 1 in 2,000 (and a collision is caught where ids are stored). */
export const OFFSET_ID_LENGTH = 10;

/** The shortest prefix of an id a command accepts. */
export const OFFSET_ID_MIN_PREFIX = 6;

export function offsetId(p: OffsetIdParts): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([p.tracePayerId, p.traceNumber, p.paymentDate, p.paid, p.content, p.position]))
    .digest();
  let out = '';
  // 5 bits per character from the first 7 bytes
  let bits = 0;
  let value = 0;
  for (let i = 0; out.length < OFFSET_ID_LENGTH; i++) {
    value = (value << 8) | digest[i]!;
    bits += 8;
    while (bits >= 5 && out.length < OFFSET_ID_LENGTH) {
      bits -= 5;
      out += ALPHABET[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** An id as a person typed it: trimmed, lower case, with the letters people confuse read as Crockford does (o→0, i/l→1). */
export function normalizeOffsetId(typed: string): string {
  return typed.trim().toLowerCase().replace(/o/g, '0').replace(/[il]/g, '1');
}

/** Whether a typed id (normalized) can name an offset: base-32 characters, at least the minimum prefix; a stored id may carry a -N suffix. */
export function isOffsetIdLike(id: string): boolean {
  return new RegExp(`^[${ALPHABET}]{${OFFSET_ID_MIN_PREFIX},${OFFSET_ID_LENGTH}}(-\\d+)?$`).test(id);
}
