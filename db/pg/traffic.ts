// PLACEHOLDER (issue 17 base branch): replaced by its owner's implementation.
import type { TrafficStore } from '../../src/lib/store';
import type { PgDb } from './client';

export function createPgTraffic(db: PgDb): TrafficStore {
  void db;
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`createPgTraffic: ${String(name)} is not built yet`)),
    },
  ) as TrafficStore;
}
