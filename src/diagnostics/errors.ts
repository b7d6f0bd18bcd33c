// Failures that stop a run (a bad command line, an output or ledger that cannot be used), as opposed to
// diagnostics, which are findings in the data. The codes are a closed set: each one maps to an exit code
// in one table (src/cli/exit.ts), and scripts may match on them (`recoup: error LEDGER_CORRUPT: …`).

import type { Position } from './diagnostics.js';

export const ERROR_CODES = {
  USAGE: 'The command line cannot be run: an unknown option, an invalid value, no input.',
  IO_OUTPUT: 'An output file or directory cannot be written (missing folder, permission, disk full).',
  LEDGER_NOT_SQLITE: '--ledger names a file that is not an SQLite database; it was not touched.',
  LEDGER_CORRUPT: 'The ledger fails its integrity check; it was not changed.',
  LEDGER_TOO_NEW: "The ledger's schema is newer than this recoup knows.",
  LEDGER_OPEN_FAILED: 'The ledger cannot be created or opened (or stayed locked while being set up).',
  LEDGER_NOT_FOUND: 'A command that only reads the ledger was given one that does not exist.',
  LEDGER_FAILED: 'The ledger failed during the run (the connection to PostgreSQL was lost, or it refused a statement); the file being recorded was rolled back.',
  LEDGER_CONNECT_FAILED: 'The PostgreSQL ledger cannot be reached: no server there, the database does not exist, or the login is refused (host and database named, never the password).',
  CONFIG_INVALID: 'The config file (recoup.config.json, --config, RECOUP_CONFIG) cannot be read or has a bad setting.',
  REVIEW_UNKNOWN_ID: 'recoup review was given an offset id the ledger does not hold; nothing was changed.',
  REVIEW_AMBIGUOUS_ID: 'recoup review was given an id prefix that names several offsets (they are listed); nothing was changed.',
  REVIEW_TRANSITION: 'recoup review set asked for a change the review rules refuse (a transition not allowed, won without --recovered); nothing was changed.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A failure that stops the run. Carries a stable code from ERROR_CODES; what exit it means is the CLI's table. */
export class RecoupError extends Error {
  readonly code: ErrorCode;
  readonly position: Position;
  constructor(code: ErrorCode, message: string, options: { position?: Position; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecoupError';
    this.code = code;
    this.position = options.position ?? {};
  }
}

export function usageError(message: string): RecoupError {
  return new RecoupError('USAGE', message);
}
