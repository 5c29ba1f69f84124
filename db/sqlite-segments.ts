/**
 * Profile answers and segment tallies in SQLite: written inside the vote's transaction, read
 * for breakdowns. Single tallies (per answer) serve `?by=`, pair tallies (per two answers to two
 * questions) serve `?where=`, so every breakdown costs the same at any vote count.
 */
import { and, eq, or, sql } from 'drizzle-orm';
import { NOT_STATED, type ProfileAnswers, type ProfileDimension } from '../src/lib/profile';
import type { CrossSection, PollStore, SegmentCounts } from '../src/lib/store';
import type { Db } from './client';
import {
  pollOptions,
  polls,
  segmentOptionTallies,
  segmentPairOptionTallies,
  segmentPairTallies,
  segmentTallies,
  voteProfiles,
} from './schema';
import { emptyGroup, groupsOf, subtractAll } from './segment-groups';

/**
 * Stores a vote's profile answers and moves its segment tallies (`+ 1`, never read-modify-write).
 * Call it inside the vote's transaction, on the same connection. The statements are prepared
 * once: building them per vote through the query builder cost more CPU than the writes did.
 */
export function createProfileWrites(db: Db) {
  const insertAnswer = db
    .insert(voteProfiles)
    .values({
      voteId: sql.placeholder('voteId'),
      pollId: sql.placeholder('pollId'),
      dimension: sql.placeholder('dimension'),
      value: sql.placeholder('value'),
    })
    .prepare();
  const countRespondent = db
    .insert(segmentTallies)
    .values({
      pollId: sql.placeholder('pollId'),
      dimension: sql.placeholder('dimension'),
      value: sql.placeholder('value'),
      responses: 1,
    })
    .onConflictDoUpdate({
      target: [segmentTallies.pollId, segmentTallies.dimension, segmentTallies.value],
      set: { responses: sql`${segmentTallies.responses} + 1` },
    })
    .prepare();
  const countOptionVote = db
    .insert(segmentOptionTallies)
    .values({
      pollId: sql.placeholder('pollId'),
      dimension: sql.placeholder('dimension'),
      value: sql.placeholder('value'),
      optionId: sql.placeholder('optionId'),
      votes: 1,
    })
    .onConflictDoUpdate({
      target: [
        segmentOptionTallies.pollId,
        segmentOptionTallies.dimension,
        segmentOptionTallies.value,
        segmentOptionTallies.optionId,
      ],
      set: { votes: sql`${segmentOptionTallies.votes} + 1` },
    })
    .prepare();

  const pairKey = {
    pollId: sql.placeholder('pollId'),
    dimensionA: sql.placeholder('dimensionA'),
    valueA: sql.placeholder('valueA'),
    dimensionB: sql.placeholder('dimensionB'),
    valueB: sql.placeholder('valueB'),
  };
  const countPairRespondent = db
    .insert(segmentPairTallies)
    .values({ ...pairKey, responses: 1 })
    .onConflictDoUpdate({
      target: [
        segmentPairTallies.pollId,
        segmentPairTallies.dimensionA,
        segmentPairTallies.dimensionB,
        segmentPairTallies.valueA,
        segmentPairTallies.valueB,
      ],
      set: { responses: sql`${segmentPairTallies.responses} + 1` },
    })
    .prepare();
  const countPairOptionVote = db
    .insert(segmentPairOptionTallies)
    .values({ ...pairKey, optionId: sql.placeholder('optionId'), votes: 1 })
    .onConflictDoUpdate({
      target: [
        segmentPairOptionTallies.pollId,
        segmentPairOptionTallies.dimensionA,
        segmentPairOptionTallies.dimensionB,
        segmentPairOptionTallies.valueA,
        segmentPairOptionTallies.valueB,
        segmentPairOptionTallies.optionId,
      ],
      set: { votes: sql`${segmentPairOptionTallies.votes} + 1` },
    })
    .prepare();

  return function writeProfile(pollId: number, voteId: number, optionIds: number[], profile: ProfileAnswers) {
    // In dimension order, so each pair is counted once as (a, b) with a < b.
    const answered = Object.entries(profile)
      .filter((entry): entry is [string, string] => !!entry[1])
      .sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [dimension, value] of answered) {
      insertAnswer.run({ voteId, pollId, dimension, value });
      countRespondent.run({ pollId, dimension, value });
      for (const optionId of optionIds) countOptionVote.run({ pollId, dimension, value, optionId });
    }
    answered.forEach(([dimensionA, valueA], i) => {
      for (const [dimensionB, valueB] of answered.slice(i + 1)) {
        const pair = { pollId, dimensionA, valueA, dimensionB, valueB };
        countPairRespondent.run(pair);
        for (const optionId of optionIds) countPairOptionVote.run({ ...pair, optionId });
      }
    });
  };
}

export function createSqliteSegmentReads(db: Db): Pick<PollStore, 'segmentCounts'> {
  const tallyResponses = db
    .select({ value: segmentTallies.value, n: segmentTallies.responses })
    .from(segmentTallies)
    .where(
      and(eq(segmentTallies.pollId, sql.placeholder('pollId')), eq(segmentTallies.dimension, sql.placeholder('by'))),
    )
    .prepare();
  const tallyVotes = db
    .select({
      value: segmentOptionTallies.value,
      optionId: segmentOptionTallies.optionId,
      n: segmentOptionTallies.votes,
    })
    .from(segmentOptionTallies)
    .where(
      and(
        eq(segmentOptionTallies.pollId, sql.placeholder('pollId')),
        eq(segmentOptionTallies.dimension, sql.placeholder('by')),
      ),
    )
    .prepare();
  const pollTotal = db
    .select({ n: polls.responseCount })
    .from(polls)
    .where(eq(polls.id, sql.placeholder('pollId')))
    .prepare();
  const optionTotals = db
    .select({ optionId: pollOptions.id, n: pollOptions.votes })
    .from(pollOptions)
    .where(eq(pollOptions.pollId, sql.placeholder('pollId')))
    .prepare();

  const fromTallies = (pollId: number, by: ProfileDimension): SegmentCounts => ({
    crossSection: {
      responses: pollTotal.get({ pollId })?.n ?? 0,
      optionVotes: new Map(optionTotals.all({ pollId }).map((row) => [row.optionId, row.n])),
    },
    segments: groupsOf(tallyResponses.all({ pollId, by }), tallyVotes.all({ pollId, by })),
  });

  const pairWhere = (table: typeof segmentPairTallies | typeof segmentPairOptionTallies) =>
    and(
      eq(table.pollId, sql.placeholder('pollId')),
      or(
        and(eq(table.dimensionA, sql.placeholder('where')), eq(table.dimensionB, sql.placeholder('by'))),
        and(eq(table.dimensionA, sql.placeholder('by')), eq(table.dimensionB, sql.placeholder('where'))),
      ),
    );
  const pairResponses = db
    .select({
      dimensionA: segmentPairTallies.dimensionA,
      valueA: segmentPairTallies.valueA,
      valueB: segmentPairTallies.valueB,
      n: segmentPairTallies.responses,
    })
    .from(segmentPairTallies)
    .where(pairWhere(segmentPairTallies))
    .prepare();
  const pairVotes = db
    .select({
      dimensionA: segmentPairOptionTallies.dimensionA,
      valueA: segmentPairOptionTallies.valueA,
      valueB: segmentPairOptionTallies.valueB,
      optionId: segmentPairOptionTallies.optionId,
      n: segmentPairOptionTallies.votes,
    })
    .from(segmentPairOptionTallies)
    .where(pairWhere(segmentPairOptionTallies))
    .prepare();

  /**
   * A cross-section from the tallies alone, so `where` costs the same at any vote count. For a
   * stated answer a: the cross-section is the single tally of a, its segments the pair tallies
   * (a, v). For "not stated": everyone minus the stated answers, and per segment v the single
   * tally of v minus its pairs with any stated answer.
   */
  const fromPairTallies = (pollId: number, by: ProfileDimension, where: CrossSection): SegmentCounts => {
    const params = { pollId, by, where: where.dimension };
    // Each pair row as (answer to `where`, answer to `by`), whichever order it is stored in.
    const oriented = <T extends { dimensionA: string; valueA: string; valueB: string }>(row: T) =>
      row.dimensionA === where.dimension
        ? { ...row, whereValue: row.valueA, value: row.valueB }
        : { ...row, whereValue: row.valueB, value: row.valueA };
    const pairs = {
      responses: pairResponses.all(params).map(oriented),
      votes: pairVotes.all(params).map(oriented),
    };
    const everyone = fromTallies(pollId, where.dimension);
    if (where.value !== NOT_STATED) {
      const matches = (row: { whereValue: string }) => row.whereValue === where.value;
      return {
        crossSection: everyone.segments.get(where.value) ?? emptyGroup(),
        segments: groupsOf(pairs.responses.filter(matches), pairs.votes.filter(matches)),
      };
    }
    const crossSection = subtractAll(everyone.crossSection, [...everyone.segments.values()]);
    const segments = fromTallies(pollId, by).segments;
    const stated = groupsOf(pairs.responses, pairs.votes);
    for (const [value, group] of segments) segments.set(value, subtractAll(group, [stated.get(value) ?? emptyGroup()]));
    return { crossSection, segments };
  };

  return {
    async segmentCounts(pollId, by, where) {
      // One read transaction: the cross-section and its segments come from the same snapshot,
      // so "not stated" (their difference) can never be off by a vote committed in between.
      return db.transaction(() => (where ? fromPairTallies(pollId, by, where) : fromTallies(pollId, by)), {
        behavior: 'deferred',
      });
    },
  };
}
