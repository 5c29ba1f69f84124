/**
 * Profile answers and segment tallies in SQLite: written inside the vote's transaction, read
 * for breakdowns. `?by=` alone reads only the tallies (constant cost); `?where=` narrows the vote
 * log to one cross-section through the vote_profiles_segment index.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { NOT_STATED, type ProfileAnswers, type ProfileDimension } from '../src/lib/profile';
import type { CrossSection, GroupCounts, PollStore, SegmentCounts } from '../src/lib/store';
import type { Db } from './client';
import { pollOptions, polls, segmentOptionTallies, segmentTallies, voteChoices, voteProfiles, votes } from './schema';

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

  return function writeProfile(pollId: number, voteId: number, optionIds: number[], profile: ProfileAnswers) {
    for (const [dimension, value] of Object.entries(profile)) {
      if (!value) continue;
      insertAnswer.run({ voteId, pollId, dimension, value });
      countRespondent.run({ pollId, dimension, value });
      for (const optionId of optionIds) countOptionVote.run({ pollId, dimension, value, optionId });
    }
  };
}

const emptyGroup = (): GroupCounts => ({ responses: 0, optionVotes: new Map() });

function groupsOf(
  responses: { value: string; n: number }[],
  optionVotes: { value: string; optionId: number; n: number }[],
): Map<string, GroupCounts> {
  const groups = new Map<string, GroupCounts>();
  const group = (value: string) => groups.get(value) ?? groups.set(value, emptyGroup()).get(value)!;
  for (const row of responses) group(row.value).responses = row.n;
  for (const row of optionVotes) group(row.value).optionVotes.set(row.optionId, row.n);
  return groups;
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

  /** The ids of the cross-section's votes, as a subquery. */
  const crossSectionIds = (pollId: number, where: CrossSection): SQL =>
    where.value === NOT_STATED
      ? sql`select ${votes.id} as vote_id from ${votes} where ${votes.pollId} = ${pollId} and not exists (
          select 1 from ${voteProfiles} where ${voteProfiles.voteId} = ${votes.id} and ${voteProfiles.dimension} = ${where.dimension})`
      : sql`select ${voteProfiles.voteId} as vote_id from ${voteProfiles}
          where ${voteProfiles.pollId} = ${pollId} and ${voteProfiles.dimension} = ${where.dimension} and ${voteProfiles.value} = ${where.value}`;

  const fromTallies = (pollId: number, by: ProfileDimension): SegmentCounts => ({
    crossSection: {
      responses: pollTotal.get({ pollId })?.n ?? 0,
      optionVotes: new Map(optionTotals.all({ pollId }).map((row) => [row.optionId, row.n])),
    },
    segments: groupsOf(tallyResponses.all({ pollId, by }), tallyVotes.all({ pollId, by })),
  });

  /**
   * One statement, so the cross-section is found once: `pv` holds each of its votes with the
   * voter's answer to `by` (null: not stated), materialized; from it the respondents per answer
   * (optionId null) and the option votes per answer. The cross-section's totals are their sums.
   */
  const fromVoteLog = (pollId: number, by: ProfileDimension, where: CrossSection): SegmentCounts => {
    const rows = db.all<{ value: string | null; optionId: number | null; n: number }>(
      sql`with cs as (${crossSectionIds(pollId, where)}),
          pv as materialized (select cs.vote_id as vote_id, (select b.value from ${voteProfiles} b
            where b.vote_id = cs.vote_id and b.dimension = ${by}) as value from cs)
          select value, null as optionId, count(*) as n from pv group by value
          union all
          select pv.value as value, vc.option_id as optionId, count(*) as n
          from pv join ${voteChoices} vc on vc.vote_id = pv.vote_id group by pv.value, vc.option_id`,
    );
    const crossSection = emptyGroup();
    const responses: { value: string; n: number }[] = [];
    const optionVotes: { value: string; optionId: number; n: number }[] = [];
    for (const { value, optionId, n } of rows) {
      if (optionId === null) crossSection.responses += n;
      else crossSection.optionVotes.set(optionId, (crossSection.optionVotes.get(optionId) ?? 0) + n);
      if (value === null) continue;
      if (optionId === null) responses.push({ value, n });
      else optionVotes.push({ value, optionId, n });
    }
    return { crossSection, segments: groupsOf(responses, optionVotes) };
  };

  return {
    async segmentCounts(pollId, by, where) {
      // One read transaction: the cross-section and its segments come from the same snapshot,
      // so "not stated" (their difference) can never be off by a vote committed in between.
      return db.transaction(() => (where ? fromVoteLog(pollId, by, where) : fromTallies(pollId, by)), {
        behavior: 'deferred',
      });
    },
  };
}
