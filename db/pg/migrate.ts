/**
 * Applies the committed PostgreSQL migrations (db/pg-migrations) under an advisory lock, so
 * several instances starting at once migrate one after another: the first applies them, the
 * others find nothing left to do.
 */
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { findMigrationsFolder } from '../migrate';

/** The advisory lock's key: any constant the operator's other applications are unlikely to use. */
export const MIGRATION_LOCK_KEY = 7_131_990_417;

/**
 * Runs `work` on a connection of its own while holding a session-level advisory lock: other
 * instances asking for the same key wait, however long the holder takes (the pool's statement
 * timeout is lifted for the wait), and a holder that dies releases it with its connection.
 */
export async function withSessionLock<T>(
  pool: pg.Pool,
  key: number,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection the server drops while checked out reports it here, not as an uncaught error.
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('set statement_timeout = 0');
    await client.query('select pg_advisory_lock($1)', [key]);
    await client.query('reset statement_timeout');
    try {
      return await work(client);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]).catch((error: Error) => (broken ??= error));
    }
  } catch (error) {
    broken ??= error as Error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    // A broken connection (or one whose lock state is unknown) is closed, not returned to the pool.
    client.release(broken);
  }
}

export async function migratePg(pool: pg.Pool, migrationsFolder = findMigrationsFolder(undefined, 'pg-migrations')) {
  await withSessionLock(pool, MIGRATION_LOCK_KEY, (client) => migrate(drizzle(client), { migrationsFolder }));
}
