/**
 * Votes into SQLite: one BEGIN IMMEDIATE transaction writes the vote, its choices, its
 * duplicate-policy locks and the tally increments (`votes = votes + 1`, never read-modify-write).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { voteMinute, type PollStore, type VoteToRecord } from '../src/lib/store';
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

/** `findById` reads a poll with its options on the same connection (inside the transaction here). */
export function createSqliteVoteWrites(
  db: Db,
  findById: (id: number) => PollRecord | null,
): Pick<PollStore, 'recordVote' | 'importVotes' | 'hasDeviceVoted' | 'deviceVoteChoices'> {
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
      const createdAt = voteMinute(vote.createdAt);
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
          const { id: voteId } = tx
            .insert(votes)
            .values({ pollId: vote.pollId, createdAt, source: vote.source, deviceKey: vote.deviceKey })
            .returning({ id: votes.id })
            .get();
          for (const lockKey of vote.lockKeys) {
            const locked = tx
              .insert(voteLocks)
              .values({ pollId: vote.pollId, lockKey, voteId })
              .onConflictDoNothing()
              .run();
            if (locked.changes === 0) throw new Rollback('duplicate');
          }
          const counted = tx
            .update(pollOptions)
            .set({ votes: sql`${pollOptions.votes} + 1` })
            .where(and(eq(pollOptions.pollId, vote.pollId), inArray(pollOptions.id, vote.optionIds)))
            .run();
          // The ballot was checked against options read before this transaction; an edit in
          // between (possible only while the poll had no votes) makes the ids stale.
          if (counted.changes !== vote.optionIds.length) throw new Rollback('stale_options');
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
          // The tallies as this vote left them, so the caller answers without reading again.
          return findById(vote.pollId)!;
        }, IMMEDIATE);
        return { outcome: 'recorded', poll };
      } catch (error) {
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
          const { id: voteId } = tx
            .insert(votes)
            .values({ pollId, createdAt: voteMinute(vote.createdAt), source: vote.source })
            .returning({ id: votes.id })
            .get();
          tx.insert(voteChoices)
            .values(vote.optionIds.map((optionId) => ({ voteId, optionId })))
            .run();
          tx.update(pollOptions)
            .set({ votes: sql`${pollOptions.votes} + 1` })
            .where(and(eq(pollOptions.pollId, pollId), inArray(pollOptions.id, vote.optionIds)))
            .run();
          writeProfile(pollId, voteId, vote.optionIds, vote.profile ?? {});
          countInPeriod(pollId, voteMinute(vote.createdAt), vote.optionIds);
          writeRankingAndOther(tx, pollId, voteId, vote.ranking, vote.otherText);
        }
        const latest = Math.max(0, ...batch.map((vote) => voteMinute(vote.createdAt)));
        tx.update(polls)
          .set({
            responseCount: sql`${polls.responseCount} + ${batch.length}`,
            updatedAt: sql`max(${polls.updatedAt}, ${latest})`,
          })
          .where(eq(polls.id, pollId))
          .run();
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
