/**
 * Opens the stores named by DATABASE_URL: the embedded SQLite file (`file:…`, the default) or
 * PostgreSQL (`postgres://…`). The app and the scripts start here; both stores answer the same
 * async interfaces, so nothing above this line knows which one it talks to.
 */
import { isPostgresUrl } from '../src/lib/config';
import { StorageHealth } from '../src/lib/storage-health';
import type { AdminStore, PollStore } from '../src/lib/store';
import type { SurveyStore } from '../src/lib/survey-types';
import { openDatabase } from './open';
import { openPostgres } from './pg/open';

export interface OpenStores {
  kind: 'sqlite' | 'postgres';
  store: PollStore;
  adminStore: AdminStore;
  surveyStore: SurveyStore;
  close(): Promise<void>;
}

export async function openStores(
  url: string,
  { health = new StorageHealth(), poolSize }: { health?: StorageHealth; poolSize?: number } = {},
): Promise<OpenStores> {
  if (isPostgresUrl(url)) {
    const { store, adminStore, surveyStore, close } = await openPostgres(url, { health, poolSize });
    return { kind: 'postgres', store, adminStore, surveyStore, close };
  }
  const { store, adminStore, surveyStore, close } = openDatabase(url, health);
  return { kind: 'sqlite', store, adminStore, surveyStore, close: async () => close() };
}
