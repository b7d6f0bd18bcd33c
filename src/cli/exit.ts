// The one place where outcomes and errors become exit codes (DESIGN "Exit codes"). Commands return an
// Outcome; failures are RecoupErrors with a closed set of codes; this table decides what each exits with.

import { type ErrorCode, RecoupError } from '../diagnostics/errors.js';

export const EXIT = { ok: 0, incomplete: 1, usage: 2, failOn: 3, internal: 70 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What a command's run came to: `incomplete` — an input could not be read or had an error-level
 * diagnostic, so the reports are incomplete; `fail_on` — a --fail-on condition was met (incomplete
 * outranks it); `not_found` — what was asked for is not there (trace, codes).
 */
export type Outcome = 'ok' | 'incomplete' | 'fail_on' | 'not_found';

const OUTCOME_EXIT: Record<Outcome, ExitCode> = {
  ok: EXIT.ok,
  incomplete: EXIT.incomplete,
  fail_on: EXIT.failOn,
  not_found: EXIT.incomplete,
};

const ERROR_EXIT: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.usage,
  IO_OUTPUT: EXIT.incomplete,
  LEDGER_NOT_SQLITE: EXIT.incomplete,
  LEDGER_CORRUPT: EXIT.incomplete,
  LEDGER_TOO_NEW: EXIT.incomplete,
  LEDGER_OPEN_FAILED: EXIT.incomplete,
  LEDGER_NOT_FOUND: EXIT.incomplete,
  LEDGER_CONNECT_FAILED: EXIT.incomplete,
  LEDGER_FAILED: EXIT.incomplete,
  CONFIG_INVALID: EXIT.usage,
  REVIEW_UNKNOWN_ID: EXIT.usage,
  REVIEW_AMBIGUOUS_ID: EXIT.usage,
  REVIEW_TRANSITION: EXIT.usage,
};

export function exitForOutcome(outcome: Outcome): ExitCode {
  return OUTCOME_EXIT[outcome];
}

export function exitForError(err: RecoupError | ErrorCode): ExitCode {
  // a code outside the table cannot be typed, but a value from outside (a library caller) could be: never 0
  return ERROR_EXIT[err instanceof RecoupError ? err.code : err] ?? EXIT.incomplete;
}

/** The worse of two outcomes: incomplete outranks fail_on, which outranks ok. */
export function worse(a: Outcome, b: Outcome): Outcome {
  const rank: Record<Outcome, number> = { ok: 0, fail_on: 1, not_found: 2, incomplete: 3 };
  return rank[a] >= rank[b] ? a : b;
}
