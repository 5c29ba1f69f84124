/**
 * Tallies against the vote log: every poll's response count and every option's vote count are
 * recomputed from `votes` / `vote_choices`; with `repair` the stored tallies are rewritten.
 */
import { asc, count, eq } from 'drizzle-orm';
import type { TallyDrift } from '../src/lib/store';
import type { Db } from './client';
import { pollOptions, polls, voteChoices, votes } from './schema';

export function recountTallies(db: Db, repair: boolean): TallyDrift[] {
  return db.transaction(
    (tx) => {
      const drift: TallyDrift[] = [];
      // Joins (not correlated subqueries) so every column is table-qualified in the SQL.
      const responses = tx
        .select({ id: polls.id, slug: polls.slug, stored: polls.responseCount, actual: count(votes.id) })
        .from(polls)
        .leftJoin(votes, eq(votes.pollId, polls.id))
        .groupBy(polls.id)
        .all();
      for (const row of responses.filter((r) => r.stored !== r.actual)) {
        drift.push({ pollSlug: row.slug, what: 'responses', stored: row.stored, actual: row.actual });
        if (repair) tx.update(polls).set({ responseCount: row.actual }).where(eq(polls.id, row.id)).run();
      }
      const optionTallies = tx
        .select({
          id: pollOptions.id,
          key: pollOptions.key,
          slug: polls.slug,
          stored: pollOptions.votes,
          actual: count(voteChoices.voteId),
        })
        .from(pollOptions)
        .innerJoin(polls, eq(polls.id, pollOptions.pollId))
        .leftJoin(voteChoices, eq(voteChoices.optionId, pollOptions.id))
        .groupBy(pollOptions.id)
        .orderBy(asc(polls.id), asc(pollOptions.position))
        .all();
      for (const row of optionTallies.filter((r) => r.stored !== r.actual)) {
        drift.push({ pollSlug: row.slug, what: `option ${row.key}`, stored: row.stored, actual: row.actual });
        if (repair) tx.update(pollOptions).set({ votes: row.actual }).where(eq(pollOptions.id, row.id)).run();
      }
      return drift;
    },
    { behavior: 'immediate' },
  );
}
