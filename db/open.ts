/**
 * The one way to open Peer Polls' database: the SQLite file named by a `file:` URL, migrated to
 * the latest schema, with its stores. The server, the scripts and the tests all start here.
 * Pass a StorageHealth to have storage failures (disk full, read-only) answered as 503s.
 */
import { StorageHealth } from '../src/lib/storage-health';
import type { AdminStore, PollStore } from '../src/lib/store';
import type { SurveyStore } from '../src/lib/survey-types';
import { createDb, type Db } from './client';
import { migrateDb } from './migrate';
import { createSqliteStores } from './storage-guard';

export interface OpenDatabase {
  /** The Drizzle handle, for the data layer and for tests that inspect rows. */
  db: Db;
  store: PollStore;
  adminStore: AdminStore;
  surveyStore: SurveyStore;
  close(): void;
}

export function openDatabase(url: string, health: StorageHealth = new StorageHealth()): OpenDatabase {
  const db = createDb(url);
  migrateDb(db);
  const { store, adminStore, surveyStore } = createSqliteStores(db, health);
  return { db, store, adminStore, surveyStore, close: () => db.$client.close() };
}
