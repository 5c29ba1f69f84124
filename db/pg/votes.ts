// PLACEHOLDER (issue 17 base branch): replaced by its owner's implementation.
import type { PollStore } from '../../src/lib/store';
import type { PgDb } from './client';

export function createPgVoteWrites(db: PgDb): Pick<PollStore, 'recordVote' | 'importVotes'> {
  void db;
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`createPgVoteWrites: ${String(name)} is not built yet`)),
    },
  ) as Pick<PollStore, 'recordVote' | 'importVotes'>;
}
