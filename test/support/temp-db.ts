/** A fresh, migrated SQLite file per test — real migrations, no mocks — through openDatabase. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../db/client';
import { openDatabase, type OpenDatabase } from '../../db/open';
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

export function openTempDb(): TempDb {
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

/** Opens the database at `url` (a server's, say), runs `use`, and closes it again. */
export async function withDatabase<T>(url: string, use: (database: OpenDatabase) => Promise<T> | T): Promise<T> {
  const database = openDatabase(url);
  try {
    return await use(database);
  } finally {
    database.close();
  }
}
