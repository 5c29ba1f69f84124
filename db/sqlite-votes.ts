/**
 * Votes into SQLite, committed in groups. recordVote queues the vote; the first vote queued in
 * an event-loop turn schedules a flush (setImmediate), which writes every vote queued by then in
 * ONE BEGIN IMMEDIATE transaction, each vote in its own SAVEPOINT: the vote, its choices, its
 * duplicate-policy locks and the tally increments (`votes = votes + 1`, never read-modify-write).
 * A vote refused (duplicate, stale ballot) or failing on its own rolls back to its savepoint and
 * refuses only itself. Every vote is answered only after the group's COMMIT returned (one fsync
 * for the group under synchronous=FULL); when the transaction fails as a whole (disk full,
 * read-only, I/O error) every vote of the group is rejected with that error and nothing of it
 * is stored. While a COMMIT's fsync blocks the event loop, new requests wait in the kernel; the
 * next turn reads them all and they become the next group — no timer adds latency.
 */
// The check phase of the event loop itself (right after the poll phase has read every request that
// arrived): imported, not the global, so a test's fake clock cannot hold a vote's commit back.
import { setImmediate } from 'node:timers';
import type Database from 'better-sqlite3';
import {
  DAY_MS,
  HOUR_MS,
  secondsToHourEnd,
  voteMinute,
  type PollStore,
  type RecordOutcome,
  type VoteRules,
  type VoteToRecord,
} from '../src/lib/store';
import type { PollRecord } from '../src/lib/types';
import type { Db } from './client';
import { normaliseWriteIn } from '../src/lib/write-in';
import { createPeriodWrites } from './sqlite-periods';
import { rankingDecoder } from './rankings';
import { createProfileWrites } from './sqlite-segments';
import { storageFailureOf } from './storage-errors';

const IMMEDIATE = { behavior: 'immediate' } as const;

/** The most votes one transaction writes; the rest wait for the next flush (in the next turn). */
export const MAX_VOTE_GROUP = 256;

/** Thrown inside a vote's savepoint to roll the vote back as a duplicate. */
class Duplicate extends Error {
  constructor() {
    super('duplicate');
  }
}

/** Thrown inside a vote's savepoint to roll the vote back: its prefix's address budget for the hour is spent. */
class OverBudget extends Error {
  constructor() {
    super('over_budget');
  }
}

/** A vote to count: what recordVote stores, without the duplicate-policy locks and checks. */
export type CountedVote = Omit<VoteToRecord, 'lockKeys' | 'checkedAgainst'>;

/** The option ids no longer match the poll's options (an edit in between): roll back, check again. */
export class StaleOptions extends Error {
  constructor() {
    super('stale_options');
  }
}

/**
 * The one way a vote is counted and uncounted, shared by polls (recordVote) and surveys (a
 * survey answer is a vote of its question). Both run inside the caller's transaction, on the
 * same connection; statements are prepared once.
 * - insert: the vote row, its choices, profile answers, ranking and write-in, and every tally it
 *   moves (`+ 1`): option votes, the poll's response count and updatedAt, segment single and pair
 *   tallies, the day's period tallies, the ranking tally. Throws StaleOptions when an option id
 *   is not the poll's.
 * - withdraw: the reverse (`- 1` on every one of those tallies, the period tallies of the vote's
 *   own day; a tally row brought to 0 is deleted), then the vote row, whose foreign keys take its
 *   choices, profile answers, ranking, write-in, locks and survey answer with it.
 */
export function createCountedVotes(db: Db) {
  const writeProfile = createProfileWrites(db);
  const countInPeriod = createPeriodWrites(db);
  const client = db.$client;
  const up = {
    vote: client.prepare<[number, number, string, string | null, string | null]>(
      'insert into votes (poll_id, created_at, source, device_key, prefix_key) values (?, ?, ?, ?, ?)',
    ),
    choice: client.prepare<[number, number]>('insert into vote_choices (vote_id, option_id) values (?, ?)'),
    ranking: client.prepare<[number, number, string]>(
      'insert into vote_rankings (vote_id, poll_id, ranking) values (?, ?, ?)',
    ),
    rankingTally: client.prepare<[number, string]>(
      `insert into ranking_tallies (poll_id, ranking, ballots) values (?, ?, 1)
       on conflict (poll_id, ranking) do update set ballots = ballots + 1`,
    ),
    other: client.prepare<[number, number, string, string]>(
      'insert into other_answers (vote_id, poll_id, text, normalized) values (?, ?, ?, ?)',
    ),
    // The public results show updatedAt, so it gets the vote's minute, not the exact time;
    // max() keeps an edit made earlier in the same minute from being moved back.
    poll: client.prepare<[number, number]>(
      'update polls set response_count = response_count + 1, updated_at = max(updated_at, ?) where id = ?',
    ),
  };
  /** `votes + 1` on the chosen options of the poll, one statement per ballot size (a handful). */
  const optionsUp = new Map<number, Database.Statement<number[]>>();
  const countOptions = (pollId: number, optionIds: readonly number[]) => {
    let statement = optionsUp.get(optionIds.length);
    if (!statement) {
      const ids = optionIds.map(() => '?').join(', ');
      statement = client.prepare(`update poll_options set votes = votes + 1 where poll_id = ? and id in (${ids})`);
      optionsUp.set(optionIds.length, statement);
    }
    return statement.run(pollId, ...optionIds).changes;
  };

  const insert = (vote: CountedVote): number => {
    const createdAt = voteMinute(vote.createdAt);
    const voteId = Number(
      up.vote.run(vote.pollId, createdAt, vote.source, vote.deviceKey, vote.prefixKey ?? null).lastInsertRowid,
    );
    // The ballot was checked against options read before this transaction; an edit in
    // between (possible only while the poll had no votes) makes the ids stale.
    if (countOptions(vote.pollId, vote.optionIds) !== vote.optionIds.length) throw new StaleOptions();
    for (const optionId of vote.optionIds) up.choice.run(voteId, optionId);
    writeProfile(vote.pollId, voteId, vote.optionIds, vote.profile);
    countInPeriod(vote.pollId, createdAt, vote.optionIds);
    // A ranked ballot's order and its ranking tally; a write-in's text.
    if (vote.ranking) {
      const key = vote.ranking.join(',');
      up.ranking.run(voteId, vote.pollId, key);
      up.rankingTally.run(vote.pollId, key);
    }
    if (vote.otherText) up.other.run(voteId, vote.pollId, vote.otherText, normaliseWriteIn(vote.otherText));
    up.poll.run(createdAt, vote.pollId);
    return voteId;
  };

  /** `count - 1` on one tally row, and the row gone when it reaches 0. */
  const decrement = (table: string, count: string, keys: string[]) => {
    const where = keys.map((key) => `${key} = ?`).join(' and ');
    const update = client.prepare(`update ${table} set ${count} = ${count} - 1 where ${where}`);
    const prune = client.prepare(`delete from ${table} where ${where} and ${count} <= 0`);
    return (...values: (string | number)[]) => {
      update.run(...values);
      prune.run(...values);
    };
  };
  const pairKeys = ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b'];
  const down = {
    option: client.prepare('update poll_options set votes = votes - 1 where id = ?'),
    poll: client.prepare(
      'update polls set response_count = response_count - 1, updated_at = max(updated_at, ?) where id = ?',
    ),
    segment: decrement('segment_tallies', 'responses', ['poll_id', 'dimension', 'value']),
    segmentOption: decrement('segment_option_tallies', 'votes', ['poll_id', 'dimension', 'value', 'option_id']),
    pair: decrement('segment_pair_tallies', 'responses', pairKeys),
    pairOption: decrement('segment_pair_option_tallies', 'votes', [...pairKeys, 'option_id']),
    day: decrement('period_tallies', 'responses', ['poll_id', 'day']),
    dayOption: decrement('period_option_tallies', 'votes', ['poll_id', 'day', 'option_id']),
    ranking: decrement('ranking_tallies', 'ballots', ['poll_id', 'ranking']),
  };
  const read = {
    vote: client.prepare<[number], { pollId: number; createdAt: number }>(
      'select poll_id as pollId, created_at as createdAt from votes where id = ?',
    ),
    choices: client.prepare<[number], { optionId: number }>(
      'select option_id as optionId from vote_choices where vote_id = ?',
    ),
    profile: client.prepare<[number], { dimension: string; value: string }>(
      'select dimension, value from vote_profiles where vote_id = ? order by dimension',
    ),
    ranking: client.prepare<[number], { ranking: string }>('select ranking from vote_rankings where vote_id = ?'),
    remove: client.prepare('delete from votes where id = ?'),
  };

  /** Uncounts and deletes one vote; `at` (a minute) moves the poll's updatedAt as a vote does. */
  const withdraw = (voteId: number, at: number) => {
    const vote = read.vote.get(voteId);
    if (!vote) return;
    const { pollId } = vote;
    const optionIds = read.choices.all(voteId).map((row) => row.optionId);
    const answered = read.profile.all(voteId);
    for (const optionId of optionIds) down.option.run(optionId);
    down.poll.run(voteMinute(at), pollId);
    answered.forEach(({ dimension, value }, i) => {
      down.segment(pollId, dimension, value);
      for (const optionId of optionIds) down.segmentOption(pollId, dimension, value, optionId);
      for (const b of answered.slice(i + 1)) {
        down.pair(pollId, dimension, value, b.dimension, b.value);
        for (const optionId of optionIds) down.pairOption(pollId, dimension, value, b.dimension, b.value, optionId);
      }
    });
    const day = Math.floor(vote.createdAt / DAY_MS);
    down.day(pollId, day);
    for (const optionId of optionIds) down.dayOption(pollId, day, optionId);
    const ranked = read.ranking.get(voteId);
    if (ranked) down.ranking(pollId, ranked.ranking);
    read.remove.run(voteId);
  };

  return { insert, withdraw };
}

/** How many vote transactions were committed, and how many votes (of any outcome) they held. */
export interface VoteCommits {
  transactions: number;
  votes: number;
}

/** A queued vote and the promise recordVote returned for it. */
interface Pending {
  vote: VoteToRecord;
  resolve(outcome: RecordOutcome): void;
  reject(error: unknown): void;
}

/** What one vote of a group came to, before the group's COMMIT decides whether it stands. */
type Written = 'recorded' | 'duplicate' | 'stale_options' | 'over_budget' | { error: unknown };

/** `findById` reads a poll with its options on the same connection (inside the transaction here). */
export function createSqliteVoteWrites(
  db: Db,
  findById: (id: number) => PollRecord | null,
): Pick<PollStore, 'recordVote' | 'importVotes' | 'hasDeviceVoted' | 'deviceVoteChoices'> & {
  voteCommits(): VoteCommits;
  /** Votes waiting for their group's transaction now. */
  queuedVotes(): number;
  /** Writes every queued vote now (before the connection closes), group by group. */
  flushVotes(): void;
} {
  const counted = createCountedVotes(db);
  const client = db.$client;
  const deviceVote = client.prepare<[number, string], { id: number }>(
    'select id from votes where poll_id = ? and device_key = ? limit 1',
  );
  // The newest vote of this device key (several only under the `none` policy), by the
  // votes_poll_device index; its choices by the vote_choices primary key.
  const newestVote = 'select id from votes where poll_id = ? and device_key = ? order by id desc limit 1';
  const deviceChoices = client.prepare<[number, string], { key: string }>(
    `select o.key from vote_choices c join poll_options o on o.id = c.option_id
     where c.vote_id = (${newestVote}) order by o.position`,
  );
  // A ranked ballot's whole order (its first choice alone is in vote_choices).
  const deviceRanking = client.prepare<[number, string], { ranking: string }>(
    `select ranking from vote_rankings where vote_id = (${newestVote})`,
  );
  const optionKeys = client.prepare<[number], { id: number; key: string }>(
    'select id, key from poll_options where poll_id = ?',
  );

  // With the rules, the address budget as it is now (in this transaction): an owner's change
  // applies to the very next vote, and no vote is checked against a budget read before it.
  const rulesOf = client.prepare<[number], VoteRules & { votesPerHour: number | null }>(
    `select type, min_choices as minChoices, max_choices as maxChoices, status, opens_at as opensAt,
       closes_at as closesAt, duplicate_policy as duplicatePolicy,
       json_extract(address_budget, '$.votesPerHour') as votesPerHour from polls where id = ?`,
  );
  // The prefix's accepted votes this hour, `+ 1` only while under the budget (no budget: always):
  // the row's primary key and the conditional update decide in this transaction, so votes of one
  // group from one prefix cannot all read "one left". No change means the budget is spent.
  const spendBudget = client.prepare<[number, string, number, number | null, number | null]>(
    `insert into prefix_hour_tallies (poll_id, prefix_key, hour, votes) values (?, ?, ?, 1)
     on conflict (poll_id, prefix_key, hour) do update set votes = votes + 1
     where ? is null or votes < ?`,
  );
  const countRefused = client.prepare<[number, string, number]>(
    `insert into prefix_hour_tallies (poll_id, prefix_key, hour, refused) values (?, ?, ?, 1)
     on conflict (poll_id, prefix_key, hour) do update set refused = refused + 1`,
  );
  const lock = client.prepare<[number, string, number]>(
    'insert into vote_locks (poll_id, lock_key, vote_id) values (?, ?, ?) on conflict do nothing',
  );
  const countDuplicate = client.prepare<[number]>(
    'update polls set duplicate_count = duplicate_count + 1 where id = ?',
  );
  const tx = {
    begin: client.prepare('begin immediate'),
    commit: client.prepare('commit'),
    rollback: client.prepare('rollback'),
    savepoint: client.prepare('savepoint vote'),
    release: client.prepare('release vote'),
    rollbackTo: client.prepare('rollback to vote'),
  };

  /** One vote, inside its savepoint: recorded or refused; throws Duplicate or StaleOptions to roll it back. */
  const writeVote = (vote: VoteToRecord): 'recorded' | 'stale_options' => {
    // The ballot was checked against rules read before this transaction; an edit in between (an
    // option rule, or the poll closed or given another policy while the vote was queued) means
    // checking it again — castVote then refuses it as the poll now is.
    const rules = rulesOf.get(vote.pollId);
    const checked = vote.checkedAgainst;
    if (!rules || (Object.keys(checked) as (keyof VoteRules)[]).some((field) => rules[field] !== checked[field]))
      return 'stale_options';
    const voteId = counted.insert(vote);
    // The lock's primary key decides, in this transaction: no check-then-insert race, and a
    // second vote with the same key in the same group sees the first one's lock.
    for (const lockKey of vote.lockKeys)
      if (lock.run(vote.pollId, lockKey, voteId).changes === 0) throw new Duplicate();
    // After the locks: a duplicate is refused as one and spends nothing of the budget.
    if (vote.prefixKey) {
      const hour = Math.floor(vote.createdAt / HOUR_MS);
      const budget = rules.votesPerHour;
      if (spendBudget.run(vote.pollId, vote.prefixKey, hour, budget, budget).changes === 0) throw new OverBudget();
    }
    return 'recorded';
  };

  /** One vote in its own savepoint; throws only what must fail the whole group. */
  const writeInSavepoint = (vote: VoteToRecord): Written => {
    tx.savepoint.run();
    try {
      const written = writeVote(vote);
      tx.release.run();
      return written;
    } catch (error) {
      // The storage failing (full, read-only, I/O) fails every vote of the group; so does an
      // error after which SQLite rolled the whole transaction back by itself — running the next
      // votes now would write them outside any transaction.
      if (!client.inTransaction || storageFailureOf(error)) throw error;
      tx.rollbackTo.run();
      tx.release.run();
      if (error instanceof StaleOptions) return 'stale_options';
      if (error instanceof OverBudget) {
        // Counted as refused by the budget, in the same transaction, after its own writes were undone.
        countRefused.run(vote.pollId, vote.prefixKey!, Math.floor(vote.createdAt / HOUR_MS));
        return 'over_budget';
      }
      if (!(error instanceof Duplicate)) return { error };
      // The refused attempt is counted, in the same transaction, after its own writes were undone.
      countDuplicate.run(vote.pollId);
      return 'duplicate';
    }
  };

  let queue: Pending[] = [];
  let scheduled = false;
  const commits: VoteCommits = { transactions: 0, votes: 0 };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  /** Writes the queued votes (up to MAX_VOTE_GROUP) in one transaction; answers them after its COMMIT. */
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return; // flushVotes (at close) wrote them already
    const group = queue.length > MAX_VOTE_GROUP ? queue.slice(0, MAX_VOTE_GROUP) : queue;
    queue = queue.length > MAX_VOTE_GROUP ? queue.slice(MAX_VOTE_GROUP) : [];
    if (queue.length > 0) schedule();
    const written: Written[] = [];
    const after = new Map<number, PollRecord>();
    try {
      tx.begin.run();
      for (const { vote } of group) written.push(writeInSavepoint(vote));
      // Each poll as the group left it, read once, in the transaction: the caller answers its
      // vote with these tallies without reading again.
      group.forEach(({ vote }, i) => {
        if (written[i] === 'recorded' && !after.has(vote.pollId)) after.set(vote.pollId, findById(vote.pollId)!);
      });
      tx.commit.run();
    } catch (error) {
      // Nothing of the group stands: undo what SQLite has not undone itself (a failed COMMIT,
      // e.g. SQLITE_BUSY, leaves the transaction open).
      try {
        if (client.inTransaction) tx.rollback.run();
      } catch {
        // The connection itself is gone (closed, I/O): there is nothing left to undo on it.
      }
      for (const pending of group) pending.reject(error);
      return;
    }
    commits.transactions += 1;
    commits.votes += group.length;
    group.forEach((pending, i) => {
      const outcome = written[i]!;
      if (outcome === 'recorded') pending.resolve({ outcome, poll: after.get(pending.vote.pollId)! });
      else if (outcome === 'over_budget')
        pending.resolve({ outcome, retryAfterSeconds: secondsToHourEnd(pending.vote.createdAt) });
      else if (typeof outcome === 'string') pending.resolve({ outcome });
      else pending.reject(outcome.error);
    });
  };

  return {
    recordVote(vote: VoteToRecord) {
      return new Promise<RecordOutcome>((resolve, reject) => {
        queue.push({ vote, resolve, reject });
        schedule();
      });
    },

    voteCommits: () => ({ ...commits }),
    queuedVotes: () => queue.length,

    flushVotes() {
      while (queue.length > 0) flush();
    },

    async importVotes(pollId, batch) {
      db.transaction(() => {
        for (const vote of batch) {
          counted.insert({
            pollId,
            optionIds: vote.optionIds,
            createdAt: vote.createdAt,
            source: vote.source,
            deviceKey: null,
            profile: vote.profile ?? {},
            ranking: vote.ranking ?? null,
            otherText: vote.otherText ?? null,
          });
        }
      }, IMMEDIATE);
    },

    async hasDeviceVoted(pollId, deviceKey) {
      return deviceVote.get(pollId, deviceKey) !== undefined;
    },
    async deviceVoteChoices(pollId, deviceKey) {
      if (deviceVote.get(pollId, deviceKey) === undefined) return null;
      const ranked = deviceRanking.get(pollId, deviceKey);
      if (ranked) return rankingDecoder(optionKeys.all(pollId))(ranked.ranking);
      return deviceChoices.all(pollId, deviceKey).map((row) => row.key);
    },
  };
}
