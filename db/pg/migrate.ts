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

export async function migratePg(pool: pg.Pool, migrationsFolder = findMigrationsFolder(undefined, 'pg-migrations')) {
  const client = await pool.connect();
  try {
    // Session-level: held across the migrator's own transaction, released below or when the
    // connection ends (a crashed instance does not leave it held).
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
