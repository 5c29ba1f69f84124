/**
 * Per-day tallies for trends: moved in the vote's transaction (`+ 1`), read as at most one row
 * per day and option, so a trend costs the same at any vote count.
 */
import { and, asc, between, eq, sql } from 'drizzle-orm';
import { DAY_MS, type PollStore } from '../src/lib/store';
import type { Db } from './client';
import { periodOptionTallies, periodTallies } from './schema';

/**
 * Counts a vote (its stored minute) in its UTC day. Returns the writer; its statements are
 * prepared once and run on the caller's transaction (one connection).
 */
export function createPeriodWrites(db: Db) {
  const countRespondent = db
    .insert(periodTallies)
    .values({ pollId: sql.placeholder('pollId'), day: sql.placeholder('day'), responses: 1 })
    .onConflictDoUpdate({
      target: [periodTallies.pollId, periodTallies.day],
      set: { responses: sql`${periodTallies.responses} + 1` },
    })
    .prepare();
  const countOptionVote = db
    .insert(periodOptionTallies)
    .values({
      pollId: sql.placeholder('pollId'),
      day: sql.placeholder('day'),
      optionId: sql.placeholder('optionId'),
      votes: 1,
    })
    .onConflictDoUpdate({
      target: [periodOptionTallies.pollId, periodOptionTallies.day, periodOptionTallies.optionId],
      set: { votes: sql`${periodOptionTallies.votes} + 1` },
    })
    .prepare();
  return (pollId: number, createdAt: number, optionIds: readonly number[]) => {
    const day = Math.floor(createdAt / DAY_MS);
    countRespondent.run({ pollId, day });
    for (const optionId of optionIds) countOptionVote.run({ pollId, day, optionId });
  };
}

export function createSqlitePeriodReads(db: Db): Pick<PollStore, 'dailyCounts'> {
  const days = db
    .select({ day: periodTallies.day, responses: periodTallies.responses })
    .from(periodTallies)
    .where(
      and(
        eq(periodTallies.pollId, sql.placeholder('pollId')),
        between(periodTallies.day, sql.placeholder('from'), sql.placeholder('to')),
      ),
    )
    .orderBy(asc(periodTallies.day))
    .prepare();
  const dayVotes = db
    .select({ day: periodOptionTallies.day, optionId: periodOptionTallies.optionId, votes: periodOptionTallies.votes })
    .from(periodOptionTallies)
    .where(
      and(
        eq(periodOptionTallies.pollId, sql.placeholder('pollId')),
        between(periodOptionTallies.day, sql.placeholder('from'), sql.placeholder('to')),
      ),
    )
    .prepare();
  const firstDay = db
    .select({ day: sql<number | null>`min(${periodTallies.day})` })
    .from(periodTallies)
    .where(eq(periodTallies.pollId, sql.placeholder('pollId')))
    .prepare();
  return {
    async dailyCounts(pollId, fromDay, toDay) {
      return db.transaction(
        () => {
          const first = firstDay.get({ pollId })?.day ?? null;
          const byDay = new Map(
            days
              .all({ pollId, from: fromDay, to: toDay })
              .map((row) => [
                row.day,
                { day: row.day, responses: row.responses, optionVotes: new Map<number, number>() },
              ]),
          );
          for (const row of dayVotes.all({ pollId, from: fromDay, to: toDay })) {
            byDay.get(row.day)?.optionVotes.set(row.optionId, row.votes);
          }
          return { firstDay: first, days: [...byDay.values()] };
        },
        { behavior: 'deferred' },
      );
    },
  };
}
