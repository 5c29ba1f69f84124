/**
 * Opens the embedded SQLite database with the pragmas Peer Polls' durability promise rests on.
 * A factory, not a singleton: the app opens one, every test opens its own file.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** How long a writer waits for another connection's lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;

/** Turns `file:./data/x.db`, `file:/abs/x.db` or a bare path into a filesystem path. */
export function sqlitePathFromUrl(url: string): string {
  if (url.startsWith('file://')) return new URL(url).pathname;
  if (url.startsWith('file:')) return url.slice('file:'.length);
  return url;
}

/** Opens (creating if needed) the SQLite file named by a `file:` URL. */
export function createDb(url: string): Db {
  const path = sqlitePathFromUrl(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // better-sqlite3 defaults to NORMAL under WAL, which can lose the last commits on power loss;
  // an acknowledged vote must survive, so every commit is fsynced.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return drizzle(sqlite, { schema }) as Db;
}
