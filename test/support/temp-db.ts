/** A fresh, migrated SQLite file per test — real migrations, no mocks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '../../db/client';
import { migrateDb } from '../../db/migrate';
import { createSqliteStore } from '../../db/sqlite-store';
import type { PollStore } from '../../src/lib/store';

export interface TempDb {
  db: Db;
  store: PollStore;
  url: string;
  dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'peer-polls-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function openTempDb(): TempDb {
  const dir = tempDir();
  const url = `file:${join(dir, 'test.db')}`;
  const db = createDb(url);
  migrateDb(db);
  return {
    db,
    store: createSqliteStore(db),
    url,
    dir,
    cleanup() {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
