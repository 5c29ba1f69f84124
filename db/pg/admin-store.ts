// PLACEHOLDER (issue 17 base branch): replaced by its owner's implementation.
import type { AdminStore } from '../../src/lib/store';
import type { PgDb } from './client';

export function createPgAdminStore(db: PgDb): AdminStore {
  void db;
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`createPgAdminStore: ${String(name)} is not built yet`)),
    },
  ) as AdminStore;
}
