// PLACEHOLDER (issue 17 base branch): replaced by its owner's implementation.
import type { PollStore, TrafficStore } from '../../src/lib/store';
import type { PgDb } from './client';

export function createPgPollCore(
  db: PgDb,
): Omit<PollStore, 'recordVote' | 'importVotes' | 'recount' | 'close' | keyof TrafficStore> {
  void db;
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`createPgPollCore: ${String(name)} is not built yet`)),
    },
  ) as Omit<PollStore, 'recordVote' | 'importVotes' | 'recount' | 'close' | keyof TrafficStore>;
}
