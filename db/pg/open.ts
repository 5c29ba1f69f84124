/**
 * The PostgreSQL stores: a pool, the migrations applied under an advisory lock, and the same
 * store interfaces as SQLite's behind the same storage guard (connection loss, a full disk or a
 * failover answer 503, never 500).
 */
import { StorageHealth } from '../../src/lib/storage-health';
import type { AdminStore, PollStore } from '../../src/lib/store';
import type { SurveyStore } from '../../src/lib/survey-types';
import { ADMIN_STORE_COMMITS, POLL_STORE_COMMITS, SURVEY_STORE_COMMITS, guardStore } from '../storage-guard';
import { createPgAdminStore } from './admin-store';
import { createPgDb, type PgDb } from './client';
import { migratePg } from './migrate';
import { createPgPollCore } from './polls';
import { createPgRecount } from './recount';
import { pgFailureOf } from './storage-errors';
import { createPgSurveyStore } from './surveys';
import { createPgTraffic } from './traffic';
import { createPgVoteWrites } from './votes';

export interface OpenPostgres {
  db: PgDb;
  store: PollStore;
  adminStore: AdminStore;
  surveyStore: SurveyStore;
  close(): Promise<void>;
}

/** The stores on an already migrated database (tests open a second handle on a server's database). */
export function createPgStores(db: PgDb, health: StorageHealth = new StorageHealth()): OpenPostgres {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= db.$client.end());
  const store: PollStore = {
    ...createPgPollCore(db),
    ...createPgVoteWrites(db),
    ...createPgTraffic(db),
    ...createPgRecount(db),
    close,
  };
  return {
    db,
    store: guardStore(store, health, POLL_STORE_COMMITS, pgFailureOf),
    adminStore: guardStore(createPgAdminStore(db), health, ADMIN_STORE_COMMITS, pgFailureOf),
    surveyStore: guardStore(createPgSurveyStore(db), health, SURVEY_STORE_COMMITS, pgFailureOf),
    close,
  };
}

/** Connects to the database at `url`, migrates it (one instance at a time) and returns its stores. */
export async function openPostgres(
  url: string,
  { health = new StorageHealth(), poolSize = 10 }: { health?: StorageHealth; poolSize?: number } = {},
): Promise<OpenPostgres> {
  const db = createPgDb(url, { max: poolSize });
  try {
    await migratePg(db.$client);
  } catch (error) {
    await db.$client.end().catch(() => {});
    throw error;
  }
  return createPgStores(db, health);
}
