/**
 * The storage boundary. Domain code talks to this interface only; db/sqlite-store.ts is the
 * SQLite implementation, and a PostgreSQL one can sit beside it. Every method is async for
 * that reason, although better-sqlite3 itself is synchronous.
 */
import type { NewOption, PollFields, PollRecord, VoteSource } from './types';

export interface VoteToRecord {
  pollId: number;
  optionIds: number[];
  createdAt: number;
  source: VoteSource;
  /** Per-poll HMAC of the browser's device id; lets the browser see it has voted. */
  deviceKey: string | null;
  /** Identities the duplicate policy locks ("d:…", "n:…"); one already locked refuses the vote. */
  lockKeys: string[];
}

/** recorded; refused by a lock; or the options changed under the ballot (re-read and retry). */
export type RecordOutcome = 'recorded' | 'duplicate' | 'stale_options';

export interface TallyDrift {
  pollSlug: string;
  what: string;
  stored: number;
  actual: number;
}

export interface PollStore {
  /** Every poll, drafts included, with options in order. */
  listPolls(): Promise<PollRecord[]>;
  findPoll(slug: string): Promise<PollRecord | null>;
  slugExists(slug: string): Promise<boolean>;
  createPoll(fields: PollFields, options: NewOption[], now: number): Promise<PollRecord | 'slug_taken'>;
  /**
   * Edits a poll. With `options` (or `requireNoVotes`) the change is refused with 'has_votes'
   * when votes exist — checked inside the write transaction.
   */
  updatePoll(
    id: number,
    fields: Partial<PollFields>,
    change: { options?: NewOption[]; requireNoVotes: boolean; now: number },
  ): Promise<PollRecord | 'has_votes' | 'not_found'>;
  deletePoll(id: number): Promise<boolean>;
  /** Stores a vote, its choices, its locks and the tallies in one BEGIN IMMEDIATE transaction. */
  recordVote(vote: VoteToRecord): Promise<RecordOutcome>;
  /** Bulk insert of unlocked votes with tallies, in one transaction (demo seed, imports). */
  importVotes(pollId: number, votes: { optionIds: number[]; createdAt: number; source: VoteSource }[]): Promise<void>;
  hasDeviceVoted(pollId: number, deviceKey: string): Promise<boolean>;
  /** Reads a setting, creating it with `create()` the first time (race-free). */
  getOrCreateSetting(key: string, create: () => string): Promise<string>;
  /** Compares tallies with the vote log; with `repair`, rewrites the tallies from the log. */
  recount(repair: boolean): Promise<TallyDrift[]>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
