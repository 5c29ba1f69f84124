/**
 * The storage boundary. Domain code talks to this interface only; db/sqlite-store.ts is the
 * SQLite implementation, and a PostgreSQL one can sit beside it. Every method is async for
 * that reason, although better-sqlite3 itself is synchronous.
 */
import type { ProfileAnswers, ProfileDimension } from './profile';
import type { NewOption, PollFields, PollRecord, StoredRanking, VoteSource } from './types';

/**
 * Stored vote times are floored to the minute (the spec's privacy rule): an exact time could be
 * lined up with a request or proxy log to tell who cast a vote. Stores apply it on every vote
 * write, so no caller can forget it; migration 0002 floored the rows written before.
 */
export const VOTE_TIME_PRECISION_MS = 60_000;

export const voteMinute = (ms: number) => ms - (ms % VOTE_TIME_PRECISION_MS);

/** Trends count votes per UTC day: day d covers [d·DAY_MS, (d + 1)·DAY_MS). */
export const DAY_MS = 86_400_000;

/** Address budgets (and the traffic view) count per UTC clock hour: hour h covers [h·HOUR_MS, (h + 1)·HOUR_MS). */
export const HOUR_MS = 3_600_000;

/** Seconds from `at` until its clock hour ends (when an address budget renews); at least 1. */
export const secondsToHourEnd = (at: number) => Math.max(1, Math.ceil((HOUR_MS - (at % HOUR_MS)) / 1000));

/** One UTC day's tallies of a poll. */
export interface DayCounts {
  /** Days since 1970-01-01 (UTC). */
  day: number;
  responses: number;
  /** Option id → votes that day. */
  optionVotes: Map<number, number>;
}

export interface VoteToRecord {
  pollId: number;
  optionIds: number[];
  /** When the vote was cast; stored as voteMinute(createdAt). */
  createdAt: number;
  source: VoteSource;
  /** Per-poll HMAC of the browser's device id; lets the browser see it has voted. */
  deviceKey: string | null;
  /** Identities the duplicate policy locks ("d:…", "n:…", "p:…"); one already locked refuses the vote. */
  lockKeys: string[];
  /**
   * Per-poll keyed digest of the voter's network prefix (prefixKeyFor), stored with the vote and
   * counted against the poll's address budget in its transaction; null: no address to count.
   */
  prefixKey?: string | null;
  /** The voter's profile answers (already checked against the poll); stored with this vote only. */
  profile: ProfileAnswers;
  /** A ranked ballot's option ids, most preferred first (optionIds then holds its first choice); null otherwise. */
  ranking: number[] | null;
  /** The write-in text (already checked) when the ballot chose "Other"; null otherwise. */
  otherText: string | null;
  /**
   * The rules the ballot was checked against (see voteRules); an edit committed in between — the
   * options' rules (possible only while the poll has no votes), or the poll closed, rescheduled
   * or given another duplicate policy while the vote waited for its group's transaction — makes
   * the vote `stale_options`, to be checked again.
   */
  checkedAgainst: VoteRules;
}

/** What a ballot is checked against that an owner may change before the vote is written. */
export type VoteRules = Pick<
  PollRecord,
  'type' | 'minChoices' | 'maxChoices' | 'status' | 'opensAt' | 'closesAt' | 'duplicatePolicy'
>;

export const voteRules = (poll: VoteRules): VoteRules => ({
  type: poll.type,
  minChoices: poll.minChoices,
  maxChoices: poll.maxChoices,
  status: poll.status,
  opensAt: poll.opensAt,
  closesAt: poll.closesAt,
  duplicatePolicy: poll.duplicatePolicy,
});

/** One write-in answer's group on the owner's page: the normalised form, how it was most often written, and how often. */
export interface OtherAnswerGroup {
  normalized: string;
  text: string;
  count: number;
}

/** Respondents and votes per option id of one group of respondents. */
export interface GroupCounts {
  responses: number;
  /** Option id → votes; an option nobody in the group chose may be missing. */
  optionVotes: Map<number, number>;
}

/**
 * What a breakdown reads: the cross-section (everyone, or those who answered `where`) and, per
 * stated value of the `by` dimension, its counts within it. "Not stated" is left to the caller
 * (cross-section minus stated); values nobody gave may be missing. Both read in one snapshot.
 */
export interface SegmentCounts {
  crossSection: GroupCounts;
  segments: Map<string, GroupCounts>;
}

export interface CrossSection {
  dimension: ProfileDimension;
  /** A catalogue value, or "not-stated" for those who did not answer the dimension. */
  value: string;
}

/** recorded; refused by a lock; or the options changed under the ballot (re-read and retry). */
export type RecordOutcome =
  | { outcome: 'recorded'; /** The poll as it is after this vote, read in the vote's transaction. */ poll: PollRecord }
  | { outcome: 'duplicate' }
  | { outcome: 'stale_options' }
  /** The poll's address budget for this prefix and hour is spent; counted as refused in the same transaction. */
  | {
      outcome: 'over_budget';
      /** Seconds until the clock hour ends and the budget renews. */ retryAfterSeconds: number;
    };

export interface TallyDrift {
  pollSlug: string;
  what: string;
  stored: number;
  actual: number;
}

/** An admin change to record with the write it describes (same transaction). */
export interface AuditEntry {
  /** "session:<short hash>" for the admin UI, "api-token" for the JSON API, "cli" for scripts. */
  actor: string;
  action: string;
  details?: string;
}

export interface AuditRecord {
  at: number;
  actor: string;
  action: string;
  pollSlug: string;
  details: string;
}

export interface NewPoll {
  fields: PollFields;
  options: NewOption[];
}

export interface PollStore extends TrafficStore {
  /** Every poll, drafts included, with options in order. */
  listPolls(): Promise<PollRecord[]>;
  findPoll(slug: string): Promise<PollRecord | null>;
  slugExists(slug: string): Promise<boolean>;
  createPoll(
    fields: PollFields,
    options: NewOption[],
    now: number,
    audit?: AuditEntry,
  ): Promise<PollRecord | 'slug_taken'>;
  /** Creates all polls or none (one transaction); names the first slug already taken. */
  createPolls(polls: NewPoll[], now: number, audit?: AuditEntry): Promise<PollRecord[] | { slugTaken: string }>;
  /**
   * Edits a poll. With `options` (or `requireNoVotes`) the change is refused with 'has_votes'
   * when votes exist — checked inside the write transaction.
   */
  updatePoll(
    id: number,
    fields: Partial<PollFields>,
    change: { options?: NewOption[]; requireNoVotes: boolean; now: number; audit?: AuditEntry },
  ): Promise<PollRecord | 'has_votes' | 'not_found'>;
  deletePoll(id: number, now: number, audit?: AuditEntry): Promise<boolean>;
  /**
   * Stores a vote (its time as voteMinute), its choices, its locks and the tallies in one BEGIN
   * IMMEDIATE transaction. The poll's updatedAt moves to the vote's minute, never backwards.
   */
  recordVote(vote: VoteToRecord): Promise<RecordOutcome>;
  /** Bulk insert of unlocked votes with tallies, in one transaction (demo seed, imports); times stored as voteMinute. */
  importVotes(
    pollId: number,
    votes: {
      optionIds: number[];
      createdAt: number;
      source: VoteSource;
      profile?: ProfileAnswers;
      /** Ranked polls: the whole order (optionIds then holds its first choice). */
      ranking?: number[];
      otherText?: string;
    }[],
  ): Promise<void>;
  /**
   * Counts for a breakdown by `by`: from the segment tallies (constant cost) without `where`,
   * from the vote log narrowed by an index to the cross-section with it.
   */
  segmentCounts(pollId: number, by: ProfileDimension, where: CrossSection | null): Promise<SegmentCounts>;
  /**
   * The poll's per-day tallies for days fromDay…toDay (only days with votes), and the first day
   * it has votes at all (null: none), read in one snapshot from the per-day tallies.
   */
  dailyCounts(pollId: number, fromDay: number, toDay: number): Promise<{ firstDay: number | null; days: DayCounts[] }>;
  /** A ranked poll's tallies per distinct ranking (option keys, most preferred first). */
  rankingTallies(pollId: number): Promise<StoredRanking[]>;
  hasDeviceVoted(pollId: number, deviceKey: string): Promise<boolean>;
  /**
   * Whether the poll holds this `person` lock ("p:<person key>", src/lib/votes.ts lockKeysFor):
   * the person took part. Person locks name no vote, so this never says how.
   */
  hasPersonLock(pollId: number, lockKey: string): Promise<boolean>;
  /**
   * The option keys (in option order) of the newest vote this per-poll device key cast in the
   * poll, or null when it has none. The key is per poll, so this never links polls together.
   */
  deviceVoteChoices(pollId: number, deviceKey: string): Promise<string[] | null>;
  /** A setting's value, or null when it is not set. */
  readSetting(key: string): Promise<string | null>;
  /** Deletes a setting so that no copy of it stays in the file, its free pages or its journal. */
  eraseSetting(key: string): Promise<void>;
  /**
   * Sets a setting an admin keeps (the site-wide embedding origins), with its audit row (keyed
   * `auditKey`, e.g. "site:embedding") in the same transaction. Not a read: every kept page drops.
   */
  writeSetting(key: string, value: string, change: { now: number; auditKey: string; audit: AuditEntry }): Promise<void>;
  /** Compares tallies with the vote log; with `repair`, rewrites the tallies from the log. */
  recount(repair: boolean): Promise<TallyDrift[]>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Commits one tiny write (a settings row); throws when the database cannot write. */
  probeWrite(now: number): Promise<void>;
  close(): Promise<void>;
}

/** What the admin UI needs beyond polls: sessions, the audit trail and the anonymised vote log. */
export interface AdminStore {
  createSession(tokenHash: string, createdAt: number, expiresAt: number): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findSession(tokenHash: string, now: number): Promise<{ createdAt: number; expiresAt: number } | null>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(now: number): Promise<void>;
  /** Newest first. */
  auditFor(pollSlug: string): Promise<AuditRecord[]>;
  /**
   * Up to `limit` votes of a poll, oldest first (time, then id), after `after` (null: from the
   * start): time, chosen option keys, source — nothing that identifies a voter. A short page is
   * the last. Pages by key, so each is one indexed read and no cursor stays open between pages.
   */
  voteLogPage(pollId: number, after: VoteLogCursor | null, limit: number): Promise<VoteLogEntry[]>;
  /** The poll's write-in answers grouped by normalised text, most frequent first (quarantined votes left out). */
  otherAnswerGroups(pollId: number): Promise<OtherAnswerGroup[]>;
  /** Every write-in answer of a poll, oldest first: the vote's minute and the text (quarantined votes left out). */
  otherAnswers(pollId: number): Promise<{ createdAt: number; text: string }[]>;
}

export interface VoteLogEntry {
  id: number;
  createdAt: number;
  source: string;
  /** Option keys in the poll's option order (a ranked ballot: in its order of preference). */
  choices: string[];
  /** Quarantined after review: in the log, out of every public count. */
  quarantined: boolean;
}

/** The last vote of a page: the next page starts after it. */
export type VoteLogCursor = Pick<VoteLogEntry, 'createdAt' | 'id'>;

/** One clock hour of one prefix digest's traffic (prefix_hour_tallies). */
export interface PrefixHour {
  /** Per-poll keyed digest of a network prefix: opaque, never shown in a public view. */
  prefixKey: string;
  /** Hours since 1970-01-01T00:00Z. */
  hour: number;
  /** Votes accepted (quarantined ones included: they arrived). */
  votes: number;
  /** Votes refused by the poll's address budget. */
  refused: number;
}

/** A burst taken out of the public counts after review (see `quarantines` in db/schema.ts). */
export interface QuarantineRecord {
  id: number;
  prefixKey: string;
  /** The votes of `prefixKey` cast in [fromAt, toAt) (stored minutes). */
  fromAt: number;
  toAt: number;
  /** Votes it took out when it was made. */
  votes: number;
  createdAt: number;
  /** When it was restored (its votes count again); null while it holds. */
  restoredAt: number | null;
}

/** What a quarantine write came to; the poll's slug lets the live streams hear of it. */
export type QuarantineOutcome =
  | { outcome: 'done'; quarantine: QuarantineRecord; pollSlug: string }
  /** No counted vote of that digest in the range (nothing to quarantine). */
  | { outcome: 'empty' }
  /** No such poll, or (restore) no such active quarantine of it. */
  | { outcome: 'not_found' }
  /** A survey's question: its answers are withdrawn and replaced by resubmission, which quarantine would double-count. */
  | { outcome: 'survey_question' };

/**
 * Traffic per network prefix and the quarantine of bursts (issue 16): votes stay in the log,
 * quarantined ones leave every tally (`polls.quarantined_count` says how many).
 */
export interface TrafficStore {
  /** The poll's prefix-hour tallies for hours fromHour…toHour (inclusive), oldest first. */
  trafficOf(pollId: number, fromHour: number, toHour: number): Promise<PrefixHour[]>;
  /**
   * Quarantines the counted votes of one prefix digest cast in [fromAt, toAt): one quarantines
   * row, each vote marked and uncounted, `quarantined_count + n` and the audit row, in one
   * BEGIN IMMEDIATE transaction. `empty` when no counted vote matches (nothing is written).
   */
  quarantineBurst(
    pollId: number,
    prefixKey: string,
    fromAt: number,
    toAt: number,
    now: number,
    audit: AuditEntry,
  ): Promise<QuarantineOutcome>;
  /** Counts an active quarantine's votes in again (restored_at set), with its audit row, in one transaction. */
  restoreQuarantine(pollId: number, quarantineId: number, now: number, audit: AuditEntry): Promise<QuarantineOutcome>;
  /** The poll's quarantines, newest first (restored ones included). */
  quarantinesOf(pollId: number): Promise<QuarantineRecord[]>;
  /**
   * How many votes of one prefix digest cast in [fromAt, toAt) still count (not quarantined):
   * a quarantined burst is held only while this is 0.
   */
  countedVotesIn(pollId: number, prefixKey: string, fromAt: number, toAt: number): Promise<number>;
}

/** A `person` policy's lock key ("p:…"): kept apart from the vote (db/schema.ts personLocks). */
export const isPersonLock = (lockKey: string): boolean => lockKey.startsWith('p:');
