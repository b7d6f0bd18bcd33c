// A PostgreSQL server for the PostgreSQL ledger's tests: RECOUP_TEST_PG names one (`.ci/run` starts a
// throwaway cluster with scripts/pg-test-server.sh and sets it). Each test gets a database of its own,
// dropped afterwards. Without a server the tests skip and say why.

import pg from 'pg';

/** The server's address (any database on it), or undefined. */
export const PG_SERVER = process.env.RECOUP_TEST_PG || undefined;

/** Why the PostgreSQL tests do not run here, or null when they do. */
export const PG_SKIP_REASON: string | null = PG_SERVER
  ? null
  : 'no PostgreSQL server: set RECOUP_TEST_PG=postgresql://… (bash .ci/run starts one with scripts/pg-test-server.sh start)';

if (PG_SKIP_REASON) console.warn(`skipped: the PostgreSQL ledger tests — ${PG_SKIP_REASON}`);

/** The server's address with another database. */
export function databaseUrl(name: string): string {
  const u = new URL(PG_SERVER!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_SERVER });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

let counter = 0;

/** A new empty database; returns its address and a function that drops it. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `recoup_test_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
