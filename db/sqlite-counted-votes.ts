/**
 * How a vote is counted and uncounted in the tallies, shared by the poll vote writer
 * (db/sqlite-votes.ts) and survey submissions (db/sqlite-survey-submissions.ts).
 */
import type Database from 'better-sqlite3';
import { DAY_MS, voteMinute, type VoteToRecord } from '../src/lib/store';
import type { Db } from './client';
import { normaliseWriteIn } from '../src/lib/write-in';
import { createPeriodWrites } from './sqlite-periods';
import { createProfileWrites } from './sqlite-segments';

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
