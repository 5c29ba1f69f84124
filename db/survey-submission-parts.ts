/** What the SQLite and PostgreSQL survey submission writers share: their refusals and shapes. */
import type { ProfileAnswers } from '../src/lib/profile';
import type { VoteSource } from '../src/lib/types';

/** Thrown inside a submission's transaction to roll it back with this outcome. */
export class Rollback extends Error {
  constructor(readonly outcome: 'duplicate' | 'stale' | 'response_not_found') {
    super(outcome);
  }
}

/** A stored answer as read back, enough to count it again (re-filing) and to pair it. */
export interface StoredAnswer {
  pollId: number;
  voteId: number;
  page: number;
  optionIds: number[];
  ranking: number[] | null;
  otherText: string | null;
  createdAt: number;
  source: VoteSource;
  deviceKey: string | null;
}

/** A profile as a canonical string: answered dimensions only, in dimension order. */
export const profileKey = (profile: ProfileAnswers) =>
  JSON.stringify(
    Object.entries(profile)
      .filter(([, value]) => !!value)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

/** Question types whose answers are one option: the "by" side of a cross-question pair. */
export const BY_TYPES = new Set(['single', 'rating']);
