/**
 * Tallies against the vote log: every poll's response count, every option's vote count, every
 * segment tally (respondents and option votes per profile answer) and every per-day tally are
 * recomputed from `votes`, `vote_choices` and `vote_profiles`; with `repair` they are rewritten.
 */
import { and, asc, count, eq, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { DAY_MS, type TallyDrift } from '../src/lib/store';
import type { Db } from './client';
import {
  periodOptionTallies,
  periodTallies,
  pollOptions,
  polls,
  segmentOptionTallies,
  segmentPairOptionTallies,
  segmentPairTallies,
  segmentTallies,
  voteChoices,
  voteProfiles,
  votes,
} from './schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

interface TallyRow {
  pollId: number;
  /** What the tally counts, e.g. "segment role=vp" or "day 2026-11-02". */
  group: string;
  optionId?: number;
  n: number;
}

/**
 * Compares stored tallies with the counts from the vote log, row by row (a missing row is 0);
 * reports each difference and, with `repair`, writes the actual count through `write`.
 */
function reconcile<R extends TallyRow>(
  stored: R[],
  actual: R[],
  names: { slugs: Map<number, string>; optionKeys: Map<number, string> },
  drift: TallyDrift[],
  write: ((row: R) => void) | null,
) {
  const keyOf = (r: R) => `${r.pollId}|${r.group}|${r.optionId ?? ''}`;
  const storedBy = new Map(stored.map((r) => [keyOf(r), r]));
  const actualBy = new Map(actual.map((r) => [keyOf(r), r]));
  for (const key of new Set([...storedBy.keys(), ...actualBy.keys()])) {
    const s = storedBy.get(key);
    const a = actualBy.get(key);
    if ((s?.n ?? 0) === (a?.n ?? 0)) continue;
    const row = (a ?? s)!;
    const option = row.optionId === undefined ? '' : ` option ${names.optionKeys.get(row.optionId) ?? row.optionId}`;
    drift.push({
      pollSlug: names.slugs.get(row.pollId) ?? String(row.pollId),
      what: `${row.group}${option}`,
      stored: s?.n ?? 0,
      actual: a?.n ?? 0,
    });
    write?.({ ...row, n: a?.n ?? 0 });
  }
}

const pickPair = (r: { pollId: number; dimensionA: string; valueA: string; dimensionB: string; valueB: string }) => ({
  pollId: r.pollId,
  dimensionA: r.dimensionA,
  valueA: r.valueA,
  dimensionB: r.dimensionB,
  valueB: r.valueB,
});

const dayLabel = (day: number) => `day ${new Date(day * DAY_MS).toISOString().slice(0, 10)}`;

/** Segment tallies (per profile answer) and per-day tallies against vote_profiles, votes and vote_choices. */
function compareBreakdownTallies(tx: Tx, repair: boolean, drift: TallyDrift[]) {
  const names = {
    slugs: new Map(
      tx
        .select({ id: polls.id, slug: polls.slug })
        .from(polls)
        .all()
        .map((p) => [p.id, p.slug]),
    ),
    optionKeys: new Map(
      tx
        .select({ id: pollOptions.id, key: pollOptions.key })
        .from(pollOptions)
        .all()
        .map((o) => [o.id, o.key]),
    ),
  };
  const p = voteProfiles;
  type SegmentRow = TallyRow & { dimension: string; value: string };
  const segment = <T extends { dimension: string; value: string }>(r: T) => ({
    ...r,
    group: `segment ${r.dimension}=${r.value}`,
  });
  reconcile<SegmentRow>(
    tx
      .select({
        pollId: segmentTallies.pollId,
        dimension: segmentTallies.dimension,
        value: segmentTallies.value,
        n: segmentTallies.responses,
      })
      .from(segmentTallies)
      .all()
      .map(segment),
    tx
      .select({ pollId: p.pollId, dimension: p.dimension, value: p.value, n: count() })
      .from(p)
      .groupBy(p.pollId, p.dimension, p.value)
      .all()
      .map(segment),
    names,
    drift,
    repair
      ? (row) =>
          tx
            .insert(segmentTallies)
            .values({ pollId: row.pollId, dimension: row.dimension, value: row.value, responses: row.n })
            .onConflictDoUpdate({
              target: [segmentTallies.pollId, segmentTallies.dimension, segmentTallies.value],
              set: { responses: row.n },
            })
            .run()
      : null,
  );
  reconcile<SegmentRow & { optionId: number }>(
    tx
      .select({
        pollId: segmentOptionTallies.pollId,
        dimension: segmentOptionTallies.dimension,
        value: segmentOptionTallies.value,
        optionId: segmentOptionTallies.optionId,
        n: segmentOptionTallies.votes,
      })
      .from(segmentOptionTallies)
      .all()
      .map(segment),
    tx
      .select({ pollId: p.pollId, dimension: p.dimension, value: p.value, optionId: voteChoices.optionId, n: count() })
      .from(p)
      .innerJoin(voteChoices, eq(voteChoices.voteId, p.voteId))
      .groupBy(p.pollId, p.dimension, p.value, voteChoices.optionId)
      .all()
      .map(segment),
    names,
    drift,
    repair
      ? (row) =>
          tx
            .insert(segmentOptionTallies)
            .values({
              pollId: row.pollId,
              dimension: row.dimension,
              value: row.value,
              optionId: row.optionId,
              votes: row.n,
            })
            .onConflictDoUpdate({
              target: [
                segmentOptionTallies.pollId,
                segmentOptionTallies.dimension,
                segmentOptionTallies.value,
                segmentOptionTallies.optionId,
              ],
              set: { votes: row.n },
            })
            .run()
      : null,
  );

  type PairRow = TallyRow & { dimensionA: string; valueA: string; dimensionB: string; valueB: string };
  const pair = <T extends { dimensionA: string; valueA: string; dimensionB: string; valueB: string }>(r: T) => ({
    ...r,
    group: `segment ${r.dimensionA}=${r.valueA} & ${r.dimensionB}=${r.valueB}`,
  });
  const a = alias(voteProfiles, 'a');
  const b = alias(voteProfiles, 'b');
  const pairColumns = {
    pollId: a.pollId,
    dimensionA: a.dimension,
    valueA: a.value,
    dimensionB: b.dimension,
    valueB: b.value,
  };
  const pairTallyTarget = [
    segmentPairTallies.pollId,
    segmentPairTallies.dimensionA,
    segmentPairTallies.dimensionB,
    segmentPairTallies.valueA,
    segmentPairTallies.valueB,
  ];
  reconcile<PairRow>(
    tx
      .select({
        pollId: segmentPairTallies.pollId,
        dimensionA: segmentPairTallies.dimensionA,
        valueA: segmentPairTallies.valueA,
        dimensionB: segmentPairTallies.dimensionB,
        valueB: segmentPairTallies.valueB,
        n: segmentPairTallies.responses,
      })
      .from(segmentPairTallies)
      .all()
      .map(pair),
    tx
      .select({ ...pairColumns, n: count() })
      .from(a)
      .innerJoin(b, and(eq(b.voteId, a.voteId), lt(a.dimension, b.dimension)))
      .groupBy(a.pollId, a.dimension, a.value, b.dimension, b.value)
      .all()
      .map(pair),
    names,
    drift,
    repair
      ? (row) =>
          tx
            .insert(segmentPairTallies)
            .values({ ...pickPair(row), responses: row.n })
            .onConflictDoUpdate({ target: pairTallyTarget, set: { responses: row.n } })
            .run()
      : null,
  );
  reconcile<PairRow & { optionId: number }>(
    tx
      .select({
        pollId: segmentPairOptionTallies.pollId,
        dimensionA: segmentPairOptionTallies.dimensionA,
        valueA: segmentPairOptionTallies.valueA,
        dimensionB: segmentPairOptionTallies.dimensionB,
        valueB: segmentPairOptionTallies.valueB,
        optionId: segmentPairOptionTallies.optionId,
        n: segmentPairOptionTallies.votes,
      })
      .from(segmentPairOptionTallies)
      .all()
      .map(pair),
    tx
      .select({ ...pairColumns, optionId: voteChoices.optionId, n: count() })
      .from(a)
      .innerJoin(b, and(eq(b.voteId, a.voteId), lt(a.dimension, b.dimension)))
      .innerJoin(voteChoices, eq(voteChoices.voteId, a.voteId))
      .groupBy(a.pollId, a.dimension, a.value, b.dimension, b.value, voteChoices.optionId)
      .all()
      .map(pair),
    names,
    drift,
    repair
      ? (row) =>
          tx
            .insert(segmentPairOptionTallies)
            .values({ ...pickPair(row), optionId: row.optionId, votes: row.n })
            .onConflictDoUpdate({
              target: [
                segmentPairOptionTallies.pollId,
                segmentPairOptionTallies.dimensionA,
                segmentPairOptionTallies.dimensionB,
                segmentPairOptionTallies.valueA,
                segmentPairOptionTallies.valueB,
                segmentPairOptionTallies.optionId,
              ],
              set: { votes: row.n },
            })
            .run()
      : null,
  );

  type DayRow = TallyRow & { day: number };
  // A bound number is a REAL in SQLite, so the division needs the cast to name a whole day.
  const dayOf = sql<number>`cast(${votes.createdAt} / ${DAY_MS} as integer)`;
  const byDay = <T extends { day: number }>(r: T) => ({ ...r, group: dayLabel(r.day) });
  reconcile<DayRow>(
    tx
      .select({ pollId: periodTallies.pollId, day: periodTallies.day, n: periodTallies.responses })
      .from(periodTallies)
      .all()
      .map(byDay),
    tx
      .select({ pollId: votes.pollId, day: dayOf, n: count() })
      .from(votes)
      .groupBy(votes.pollId, dayOf)
      .all()
      .map(byDay),
    names,
    drift,
    repair
      ? (row) =>
          tx
            .insert(periodTallies)
            .values({ pollId: row.pollId, day: row.day, responses: row.n })
            .onConflictDoUpdate({ target: [periodTallies.pollId, periodTallies.day], set: { responses: row.n } })
            .run()
      : null,
  );
  reconcile<DayRow & { optionId: number }>(
    tx
      .select({
        pollId: periodOptionTallies.pollId,
        day: periodOptionTallies.day,
        optionId: periodOptionTallies.optionId,
        n: periodOptionTallies.votes,
      })
      .from(periodOptionTallies)
      .all()
      .map(byDay),
    tx
      .select({ pollId: votes.pollId, day: dayOf, optionId: voteChoices.optionId, n: count() })
      .from(votes)
      .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
      .groupBy(votes.pollId, dayOf, voteChoices.optionId)
      .all()
      .map(byDay),
    names,
    drift,
    repair
      ? (row) =>
          tx
            .insert(periodOptionTallies)
            .values({ pollId: row.pollId, day: row.day, optionId: row.optionId, votes: row.n })
            .onConflictDoUpdate({
              target: [periodOptionTallies.pollId, periodOptionTallies.day, periodOptionTallies.optionId],
              set: { votes: row.n },
            })
            .run()
      : null,
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
      compareBreakdownTallies(tx, repair, drift);
      return drift;
    },
    { behavior: 'immediate' },
  );
}
