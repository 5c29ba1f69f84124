// PLACEHOLDER (issue 17 base branch): replaced by its owner's implementation.
import type { PollStore } from '../../src/lib/store';
import type { PgDb } from './client';

export function createPgRecount(db: PgDb): Pick<PollStore, 'recount'> {
  void db;
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`createPgRecount: ${String(name)} is not built yet`)),
    },
  ) as Pick<PollStore, 'recount'>;
}
