/**
 * A fresh, migrated database per test — real migrations, no mocks. `openTempStores` gives the
 * stores of this run's store (SQLite, or PostgreSQL in the `postgres` project: the test matrix);
 * `openTempDb` a SQLite file with its Drizzle handle, for tests of the SQLite store itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../db/client';
import { openDatabase, type OpenDatabase } from '../../db/open';
import { openStores, type OpenStores } from '../../db/open-store';
import { openPostgres } from '../../db/pg/open';
import { createTestDatabase, onPostgres } from './postgres';
import type { AdminStore, PollStore } from '@/lib/store';
import type { SurveyStore } from '@/lib/survey-types';

export interface TempDb {
  db: Db;
  store: PollStore;
  adminStore: AdminStore;
  surveyStore: SurveyStore;
  url: string;
  dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'peer-polls-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The stores of a fresh database of this run's store, and how to drop it. */
export interface TempStores {
  kind: 'sqlite' | 'postgres';
  store: PollStore;
  adminStore: AdminStore;
  surveyStore: SurveyStore;
  url: string;
  /**
   * Runs raw SQL on the test's database (`?` placeholders on both stores) and returns its rows:
   * for tests that look under the store (rows left behind, what a dump holds). Keep it to SQL
   * both dialects read alike.
   */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`. */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

export async function openTempStores(): Promise<TempStores> {
  if (onPostgres()) {
    const database = await createTestDatabase();
    const { db, store, adminStore, surveyStore, close } = await openPostgres(database.url, { poolSize: 10 });
    return {
      kind: 'postgres',
      store,
      adminStore,
      surveyStore,
      url: database.url,
      query: async <Row>(text: string, params: unknown[] = []) =>
        (await db.$client.query(numbered(text), params)).rows as Row[],
      async cleanup() {
        await close();
        await database.drop();
      },
    };
  }
  const { db, store, adminStore, surveyStore, url, cleanup } = openTempDb();
  return {
    kind: 'sqlite',
    store,
    adminStore,
    surveyStore,
    url,
    query: async <Row>(text: string, params: unknown[] = []) => {
      const statement = db.$client.prepare(text);
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as Row[];
    },
    cleanup: async () => cleanup(),
  };
}

/**
 * A SQLite file with its Drizzle handle, for tests of the SQLite store itself (its pragmas, group
 * commit, raw rows). In the `postgres` project it refuses: such a test belongs in SQLITE_ONLY
 * (vitest.config.ts), or should use openTempStores.
 */
export function openTempDb(): TempDb {
  if (onPostgres()) {
    throw new Error(
      'openTempDb opens SQLite: use openTempStores(), or list this file in SQLITE_ONLY (vitest.config.ts)',
    );
  }
  const dir = tempDir();
  const url = `file:${join(dir, 'test.db')}`;
  const { db, store, adminStore, surveyStore, close } = openDatabase(url);
  return {
    db,
    store,
    adminStore,
    surveyStore,
    url,
    dir,
    cleanup() {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the stores of the database at `url` (a server's, SQLite or PostgreSQL), runs `use`, and closes them. */
export async function withStores<T>(url: string, use: (stores: OpenStores) => Promise<T> | T): Promise<T> {
  const stores = await openStores(url, { poolSize: 2 });
  try {
    return await use(stores);
  } finally {
    await stores.close();
  }
}

/** Opens the SQLite database at `url` (a server's, say) with its Drizzle handle, runs `use`, and closes it again. */
export async function withDatabase<T>(url: string, use: (database: OpenDatabase) => Promise<T> | T): Promise<T> {
  const database = openDatabase(url);
  try {
    return await use(database);
  } finally {
    database.close();
  }
}
