/**
 * Opens a pool of connections to PostgreSQL (node-postgres) behind Drizzle. A factory, as
 * db/client.ts is for SQLite: the app opens one per process, every test its own database.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** A transaction (or savepoint) handle: what the store's writes run on. */
export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

// Every bigint the schema holds is a time in ms or a count, far inside 2^53: read them as numbers
// (raw `sql` results too, not only Drizzle's typed columns), count(*) included.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** How long one statement may run before PostgreSQL cancels it (a stuck query must not hold a connection). */
const STATEMENT_TIMEOUT_MS = 15_000;

export function createPgDb(url: string, { max = 10 }: { max?: number } = {}): PgDb {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: 'peer-polls',
    statement_timeout: STATEMENT_TIMEOUT_MS,
    // Also how long a query waits for a free connection: under a burst, waiting beats a 503.
    connectionTimeoutMillis: 30_000,
    idleTimeoutMillis: 30_000,
    // A transaction left open by a paused or cut-off instance would hold its poll's row lock for
    // ever; PostgreSQL ends it after this long idle.
    idle_in_transaction_session_timeout: 30_000,
  });
  // An idle connection that the server drops (restart, failover) must not crash the process;
  // the pool replaces it and the next query reports any lasting failure.
  pool.on('error', () => {});
  // The pool listens only while a connection is idle: one checked out (between a transaction's
  // statements) that the server ends (a restart, a failover, pg_terminate_backend) would emit an
  // unhandled 'error' and end the process. Its next query fails instead, and inTransaction
  // (db/pg/retry.ts) discards it.
  pool.on('connect', (client) => client.on('error', () => {}));
  return drizzle(pool, { schema }) as PgDb;
}
