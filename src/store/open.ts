// Opens the ledger a user named (--ledger, RECOUP_LEDGER, the config file): the one place that picks the
// storage engine — an SQLite file, or a PostgreSQL database by its postgres:// or postgresql:// address.

import { existsSync } from 'node:fs';
import { RecoupError } from '../diagnostics/errors.js';
import { PostgresLedger, safeLedgerName } from './postgres.js';
import { SqliteLedger } from './sqlite.js';
import type { Ledger } from './store.js';

/** A --ledger value naming a PostgreSQL database (postgres:// or postgresql://) rather than an SQLite file. */
export function isPostgresLedger(path: string): boolean {
  return /^postgres(ql)?:\/\//i.test(path);
}

/** Opens the ledger, creating it when it does not exist yet (recording commands). */
export function openLedger(path: string): Ledger {
  return isPostgresLedger(path) ? PostgresLedger.open(path) : SqliteLedger.open(path);
}

/** Opens a ledger that must already exist (commands that only read it). */
export function openExistingLedger(path: string): Ledger {
  if (isPostgresLedger(path)) return PostgresLedger.open(path, { mustExist: true });
  if (!existsSync(path)) throw new RecoupError('LEDGER_NOT_FOUND', `ledger ${path} does not exist (record files with recoup scan --ledger ${path} first)`);
  return SqliteLedger.open(path);
}

/** The ledger as messages and reports name it: a file's path, or a PostgreSQL address without its password. */
export function ledgerDisplayName(path: string): string {
  return isPostgresLedger(path) ? safeLedgerName(path) : path;
}
