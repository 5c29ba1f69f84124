/**
 * The PostgreSQL legs of the test matrix. PEER_POLLS_TEST_POSTGRES names a cluster
 * (scripts/pg-cluster.sh starts a throwaway one); PEER_POLLS_TEST_STORE=postgres makes this run's
 * stores and servers use it (vitest.config.ts sets it for the `postgres` project). Each test gets
 * its own database, copied from a template migrated once per run — real migrations, no mocks.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migratePg } from '../../db/pg/migrate';

/** The template every test database is copied from (created by the global setup). */
export const TEMPLATE_DATABASE = 'peer_polls_template';

/** The cluster's admin URL, or null when no PostgreSQL is configured. */
export const testPostgresUrl = (): string | null => process.env.PEER_POLLS_TEST_POSTGRES || null;

/** Whether this test run's stores and servers use PostgreSQL (the `postgres` project). */
export const onPostgres = (): boolean => process.env.PEER_POLLS_TEST_STORE === 'postgres';

function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The URL of the test database `name` on this run's cluster. */
export const testDatabaseUrl = (name: string): string => databaseUrl(testPostgresUrl()!, name);

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = testPostgresUrl();
  if (!admin) throw new Error('PEER_POLLS_TEST_POSTGRES is not set');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** (Re)creates the migrated template database; run once per test run. */
export async function prepareTemplate(): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await client.query(`create database ${TEMPLATE_DATABASE}`);
  });
  const pool = new pg.Pool({ connectionString: databaseUrl(testPostgresUrl()!, TEMPLATE_DATABASE), max: 1 });
  try {
    await migratePg(pool);
  } finally {
    await pool.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new database copied from the migrated template: empty, at the newest schema. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `pp_${randomBytes(6).toString('hex')}`;
  // CREATE DATABASE … TEMPLATE fails while another copy reads the template; retry briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin((client) => client.query(`create database ${name} template ${TEMPLATE_DATABASE}`));
      break;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  return {
    name,
    url: databaseUrl(testPostgresUrl()!, name),
    drop: () => dropTestDatabase(name),
  };
}
