/** Applies the committed drizzle-kit migrations in db/migrations. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client';

/**
 * Finds db/migrations by walking up from this module, so it works from the sources (tests,
 * scripts) and from the bundled server in dist/server/chunks alike.
 */
export function findMigrationsFolder(from = dirname(fileURLToPath(import.meta.url)), name = 'migrations'): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'db', name);
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    if (dir.endsWith(name) && existsSync(join(dir, 'meta', '_journal.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`db/${name} not found above ${from}`);
  }
}

/**
 * Brings the database up to the newest migration; a no-op when it already is. Tests pass a
 * folder holding only the older migrations to build a database as an earlier release left it.
 */
export function migrateDb(db: Db, migrationsFolder = findMigrationsFolder()): void {
  migrate(db, { migrationsFolder });
}
