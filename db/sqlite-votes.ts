/**
 * Votes into SQLite: one BEGIN IMMEDIATE transaction writes the vote, its choices, its
 * duplicate-policy locks and the tally increments (`votes = votes + 1`, never read-modify-write).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { DAY_MS, voteMinute, type PollStore, type VoteToRecord } from '../src/lib/store';
import type { PollRecord } from '../src/lib/types';
import type { Db } from './client';
import { normaliseWriteIn } from '../src/lib/write-in';
import {
  otherAnswers,
  pollOptions,
  polls,
  rankingTallies,
  voteChoices,
  voteLocks,
  voteRankings,
  votes,
} from './schema';
import { createPeriodWrites } from './sqlite-periods';
import { pollRankingDecoder } from './rankings';
import { createProfileWrites } from './sqlite-segments';

const IMMEDIATE = { behavior: 'immediate' } as const;

/** Thrown inside the transaction to roll it back with a known outcome. */
class Rollback extends Error {
  constructor(readonly outcome: 'duplicate' | 'stale_options') {
    super(outcome);
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
  /** A ranked ballot's order and its ranking tally (`+ 1`), and a write-in's text: in the vote's transaction. */
  const writeRankingAndOther = (
    tx: Pick<Db, 'insert'>,
    pollId: number,
    voteId: number,
    ranking: readonly number[] | null | undefined,
    otherText: string | null | undefined,
  ) => {
    if (ranking) {
      const key = ranking.join(',');
      tx.insert(voteRankings).values({ voteId, pollId, ranking: key }).run();
      tx.insert(rankingTallies)
        .values({ pollId, ranking: key, ballots: 1 })
        .onConflictDoUpdate({
          target: [rankingTallies.pollId, rankingTallies.ranking],
          set: { ballots: sql`${rankingTallies.ballots} + 1` },
        })
        .run();
    }
    if (otherText) {
      tx.insert(otherAnswers)
        .values({ voteId, pollId, text: otherText, normalized: normaliseWriteIn(otherText) })
        .run();
    }
  };

  const insert = (tx: Pick<Db, 'insert' | 'update'>, vote: CountedVote): number => {
    const createdAt = voteMinute(vote.createdAt);
    const { id: voteId } = tx
      .insert(votes)
      .values({ pollId: vote.pollId, createdAt, source: vote.source, deviceKey: vote.deviceKey })
      .returning({ id: votes.id })
      .get();
    const counted = tx
      .update(pollOptions)
      .set({ votes: sql`${pollOptions.votes} + 1` })
      .where(and(eq(pollOptions.pollId, vote.pollId), inArray(pollOptions.id, vote.optionIds)))
      .run();
    // The ballot was checked against options read before this transaction; an edit in
    // between (possible only while the poll had no votes) makes the ids stale.
    if (counted.changes !== vote.optionIds.length) throw new StaleOptions();
    tx.insert(voteChoices)
      .values(vote.optionIds.map((optionId) => ({ voteId, optionId })))
      .run();
    writeProfile(vote.pollId, voteId, vote.optionIds, vote.profile);
    countInPeriod(vote.pollId, createdAt, vote.optionIds);
    writeRankingAndOther(tx, vote.pollId, voteId, vote.ranking, vote.otherText);
    // The public results show updatedAt, so it gets the vote's minute, not the exact time;
    // max() keeps an edit made earlier in the same minute from being moved back.
    tx.update(polls)
      .set({
        responseCount: sql`${polls.responseCount} + 1`,
        updatedAt: sql`max(${polls.updatedAt}, ${createdAt})`,
      })
      .where(eq(polls.id, vote.pollId))
      .run();
    return voteId;
  };

  const client = db.$client;
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

/** `findById` reads a poll with its options on the same connection (inside the transaction here). */
export function createSqliteVoteWrites(
  db: Db,
  findById: (id: number) => PollRecord | null,
): Pick<PollStore, 'recordVote' | 'importVotes' | 'hasDeviceVoted' | 'deviceVoteChoices'> {
  const counted = createCountedVotes(db);
  const deviceVote = db
    .select({ id: votes.id })
    .from(votes)
    .where(and(eq(votes.pollId, sql.placeholder('pollId')), eq(votes.deviceKey, sql.placeholder('deviceKey'))))
    .limit(1)
    .prepare();
  // The newest vote of this device key (several only under the `none` policy), by the
  // votes_poll_device index; its choices by the vote_choices primary key.
  const deviceChoices = db
    .select({ key: pollOptions.key })
    .from(voteChoices)
    .innerJoin(pollOptions, eq(pollOptions.id, voteChoices.optionId))
    .where(
      eq(
        voteChoices.voteId,
        sql`(select ${votes.id} from ${votes} where ${votes.pollId} = ${sql.placeholder('pollId')} and ${votes.deviceKey} = ${sql.placeholder('deviceKey')} order by ${votes.id} desc limit 1)`,
      ),
    )
    .orderBy(pollOptions.position)
    .prepare();
  const rulesOf = db
    .select({ type: polls.type, minChoices: polls.minChoices, maxChoices: polls.maxChoices })
    .from(polls)
    .where(eq(polls.id, sql.placeholder('pollId')))
    .prepare();
  // A ranked ballot's whole order (its first choice alone is in vote_choices).
  const deviceRanking = db
    .select({ ranking: voteRankings.ranking })
    .from(voteRankings)
    .where(
      eq(
        voteRankings.voteId,
        sql`(select ${votes.id} from ${votes} where ${votes.pollId} = ${sql.placeholder('pollId')} and ${votes.deviceKey} = ${sql.placeholder('deviceKey')} order by ${votes.id} desc limit 1)`,
      ),
    )
    .prepare();

  return {
    async recordVote(vote: VoteToRecord) {
      try {
        const poll = db.transaction((tx) => {
          // The ballot was checked against rules read before this transaction; an edit in between
          // (possible only while the poll had no votes) means checking it again.
          const rules = rulesOf.get({ pollId: vote.pollId });
          const checked = vote.checkedAgainst;
          if (
            !rules ||
            rules.type !== checked.type ||
            rules.minChoices !== checked.minChoices ||
            rules.maxChoices !== checked.maxChoices
          )
            throw new Rollback('stale_options');
          const voteId = counted.insert(tx, vote);
          for (const lockKey of vote.lockKeys) {
            const locked = tx
              .insert(voteLocks)
              .values({ pollId: vote.pollId, lockKey, voteId })
              .onConflictDoNothing()
              .run();
            if (locked.changes === 0) throw new Rollback('duplicate');
          }
          // The tallies as this vote left them, so the caller answers without reading again.
          return findById(vote.pollId)!;
        }, IMMEDIATE);
        return { outcome: 'recorded', poll };
      } catch (error) {
        if (error instanceof StaleOptions) return { outcome: 'stale_options' };
        if (!(error instanceof Rollback)) throw error;
        if (error.outcome === 'duplicate') {
          db.update(polls)
            .set({ duplicateCount: sql`${polls.duplicateCount} + 1` })
            .where(eq(polls.id, vote.pollId))
            .run();
        }
        return { outcome: error.outcome };
      }
    },

    async importVotes(pollId, batch) {
      db.transaction((tx) => {
        for (const vote of batch) {
          counted.insert(tx, {
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
      return deviceVote.get({ pollId, deviceKey }) !== undefined;
    },
    async deviceVoteChoices(pollId, deviceKey) {
      if (deviceVote.get({ pollId, deviceKey }) === undefined) return null;
      const ranked = deviceRanking.get({ pollId, deviceKey });
      if (ranked) return pollRankingDecoder(db, pollId)(ranked.ranking);
      return deviceChoices.all({ pollId, deviceKey }).map((row) => row.key);
    },
  };
}
