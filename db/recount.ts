/**
 * Tallies against the vote log: every poll's response count, every option's vote count and every
 * segment tally (respondents and option votes per profile answer) are recomputed from `votes`,
 * `vote_choices` and `vote_profiles`; with `repair` the stored tallies are rewritten.
 */
import { asc, count, eq, sql } from 'drizzle-orm';
import type { TallyDrift } from '../src/lib/store';
import type { Db } from './client';
import { pollOptions, polls, segmentOptionTallies, segmentTallies, voteChoices, voteProfiles, votes } from './schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Stored and actual segment tallies, keyed "pollId|dimension|value" (plus "|optionId" for option votes). */
function compareSegments(tx: Tx, repair: boolean, drift: TallyDrift[]) {
  const slugs = new Map(
    tx
      .select({ id: polls.id, slug: polls.slug })
      .from(polls)
      .all()
      .map((p) => [p.id, p.slug]),
  );
  const optionKeys = new Map(
    tx
      .select({ id: pollOptions.id, key: pollOptions.key })
      .from(pollOptions)
      .all()
      .map((o) => [o.id, o.key]),
  );
  type Row = { pollId: number; dimension: string; value: string; optionId?: number; n: number };
  const keyOf = (r: Row) => [r.pollId, r.dimension, r.value, r.optionId ?? ''].join('|');
  const check = (stored: Row[], actual: Row[], write: (row: Row) => void) => {
    const storedBy = new Map(stored.map((r) => [keyOf(r), r]));
    const actualBy = new Map(actual.map((r) => [keyOf(r), r]));
    for (const key of new Set([...storedBy.keys(), ...actualBy.keys()])) {
      const s = storedBy.get(key);
      const a = actualBy.get(key);
      const row = (a ?? s)!;
      if ((s?.n ?? 0) === (a?.n ?? 0)) continue;
      const option = row.optionId === undefined ? '' : ` option ${optionKeys.get(row.optionId) ?? row.optionId}`;
      drift.push({
        pollSlug: slugs.get(row.pollId) ?? String(row.pollId),
        what: `segment ${row.dimension}=${row.value}${option}`,
        stored: s?.n ?? 0,
        actual: a?.n ?? 0,
      });
      if (repair) write({ ...row, n: a?.n ?? 0 });
    }
  };
  const p = voteProfiles;
  check(
    tx
      .select({
        pollId: segmentTallies.pollId,
        dimension: segmentTallies.dimension,
        value: segmentTallies.value,
        n: segmentTallies.responses,
      })
      .from(segmentTallies)
      .all(),
    tx
      .select({ pollId: p.pollId, dimension: p.dimension, value: p.value, n: count() })
      .from(p)
      .groupBy(p.pollId, p.dimension, p.value)
      .all(),
    (row) =>
      tx
        .insert(segmentTallies)
        .values({ pollId: row.pollId, dimension: row.dimension, value: row.value, responses: row.n })
        .onConflictDoUpdate({
          target: [segmentTallies.pollId, segmentTallies.dimension, segmentTallies.value],
          set: { responses: row.n },
        })
        .run(),
  );
  check(
    tx
      .select({
        pollId: segmentOptionTallies.pollId,
        dimension: segmentOptionTallies.dimension,
        value: segmentOptionTallies.value,
        optionId: segmentOptionTallies.optionId,
        n: segmentOptionTallies.votes,
      })
      .from(segmentOptionTallies)
      .all(),
    tx
      .select({ pollId: p.pollId, dimension: p.dimension, value: p.value, optionId: voteChoices.optionId, n: count() })
      .from(p)
      .innerJoin(voteChoices, eq(voteChoices.voteId, p.voteId))
      .groupBy(p.pollId, p.dimension, p.value, voteChoices.optionId)
      .all(),
    (row) =>
      tx
        .insert(segmentOptionTallies)
        .values({
          pollId: row.pollId,
          dimension: row.dimension,
          value: row.value,
          optionId: row.optionId!,
          votes: row.n,
        })
        .onConflictDoUpdate({
          target: [
            segmentOptionTallies.pollId,
            segmentOptionTallies.dimension,
            segmentOptionTallies.value,
            segmentOptionTallies.optionId,
          ],
          set: { votes: sql`${row.n}` },
        })
        .run(),
  );
}

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
      compareSegments(tx, repair, drift);
      return drift;
    },
    { behavior: 'immediate' },
  );
}
