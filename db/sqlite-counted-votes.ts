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
 * - uncount: the reverse of insert's tallies (`- 1` on every one of them, the period tallies of
 *   the vote's own day; a tally row brought to 0 is deleted); the rows stay. Quarantine uses it.
 * - countIn: insert's tallies again (`+ 1`), read from the vote's own rows (choices, profile
 *   answers, ranking, day); restoring a quarantine uses it. Write-ins have no tally: their reads
 *   leave quarantined votes out instead.
 * - withdraw: uncount (unless quarantine already did), then the vote row, whose foreign keys take
 *   its choices, profile answers, ranking, write-in, locks and survey answer with it.
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
  /** `count + 1` on one tally row, created at 1 when missing (`keys` are the table's primary key). */
  const increment = (table: string, count: string, keys: string[]) => {
    const upsert = client.prepare(
      `insert into ${table} (${keys.join(', ')}, ${count}) values (${keys.map(() => '?').join(', ')}, 1)
       on conflict (${keys.join(', ')}) do update set ${count} = ${count} + 1`,
    );
    return (...values: (string | number)[]) => {
      upsert.run(...values);
    };
  };
  const pairKeys = ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b'];
  /** The tallies a vote moves besides its options and poll, each with a `- 1` and a `+ 1`. */
  const tallies = (move: typeof decrement) => ({
    segment: move('segment_tallies', 'responses', ['poll_id', 'dimension', 'value']),
    segmentOption: move('segment_option_tallies', 'votes', ['poll_id', 'dimension', 'value', 'option_id']),
    pair: move('segment_pair_tallies', 'responses', pairKeys),
    pairOption: move('segment_pair_option_tallies', 'votes', [...pairKeys, 'option_id']),
    day: move('period_tallies', 'responses', ['poll_id', 'day']),
    dayOption: move('period_option_tallies', 'votes', ['poll_id', 'day', 'option_id']),
    ranking: move('ranking_tallies', 'ballots', ['poll_id', 'ranking']),
  });
  const down = {
    ...tallies(decrement),
    option: client.prepare('update poll_options set votes = votes - 1 where id = ?'),
    poll: client.prepare(
      'update polls set response_count = response_count - 1, updated_at = max(updated_at, ?) where id = ?',
    ),
  };
  const back = {
    ...tallies(increment),
    option: client.prepare('update poll_options set votes = votes + 1 where id = ?'),
    poll: up.poll,
  };
  const read = {
    vote: client.prepare<[number], { pollId: number; createdAt: number; quarantineId: number | null }>(
      'select poll_id as pollId, created_at as createdAt, quarantine_id as quarantineId from votes where id = ?',
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

  /**
   * Moves every tally of one stored vote by one step of `move` (down: `- 1`, back: `+ 1`), read
   * from its rows; `at` (a minute) moves the poll's updatedAt as a vote does. The rows stay.
   */
  const moveTallies = (move: typeof down | typeof back, voteId: number, at: number) => {
    const vote = read.vote.get(voteId);
    if (!vote) return null;
    const { pollId } = vote;
    const optionIds = read.choices.all(voteId).map((row) => row.optionId);
    const answered = read.profile.all(voteId);
    for (const optionId of optionIds) move.option.run(optionId);
    move.poll.run(voteMinute(at), pollId);
    answered.forEach(({ dimension, value }, i) => {
      move.segment(pollId, dimension, value);
      for (const optionId of optionIds) move.segmentOption(pollId, dimension, value, optionId);
      for (const b of answered.slice(i + 1)) {
        move.pair(pollId, dimension, value, b.dimension, b.value);
        for (const optionId of optionIds) move.pairOption(pollId, dimension, value, b.dimension, b.value, optionId);
      }
    });
    const day = Math.floor(vote.createdAt / DAY_MS);
    move.day(pollId, day);
    for (const optionId of optionIds) move.dayOption(pollId, day, optionId);
    const ranked = read.ranking.get(voteId);
    if (ranked) move.ranking(pollId, ranked.ranking);
    return vote;
  };

  /** Takes one vote out of every tally; its rows stay (quarantine). */
  const uncount = (voteId: number, at: number) => {
    moveTallies(down, voteId, at);
  };

  /** Counts one stored vote in every tally again (a restored quarantine). */
  const countIn = (voteId: number, at: number) => {
    moveTallies(back, voteId, at);
  };

  /** Uncounts and deletes one vote; `at` (a minute) moves the poll's updatedAt as a vote does. */
  const withdraw = (voteId: number, at: number) => {
    const vote = read.vote.get(voteId);
    if (!vote) return;
    // A quarantined vote is out of the tallies already: taking it out again would count it twice.
    if (vote.quarantineId === null) uncount(voteId, at);
    read.remove.run(voteId);
  };

  return { insert, uncount, countIn, withdraw };
}
