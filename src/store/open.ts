// Opens the ledger a user named (--ledger, RECOUP_LEDGER): the one place that picks the storage engine.

import { existsSync } from 'node:fs';
import { RecoupError } from '../diagnostics/errors.js';
import { SqliteLedger } from './sqlite.js';
import type { Ledger } from './store.js';

/** Opens the ledger, creating it when it does not exist yet (recording commands). */
export function openLedger(path: string): Ledger {
  return SqliteLedger.open(path);
}

/** Opens a ledger that must already exist (commands that only read it). */
export function openExistingLedger(path: string): Ledger {
  if (!existsSync(path)) throw new RecoupError('LEDGER_NOT_FOUND', `ledger ${path} does not exist (record files with recoup scan --ledger ${path} first)`);
  return SqliteLedger.open(path);
}
