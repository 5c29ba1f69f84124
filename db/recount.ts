/**
 * Tallies against the vote log: every poll's response count, every option's vote count, every
 * segment tally (respondents and option votes per profile answer), every per-day tally and every
 * ranking tally are recomputed from `votes`, `vote_choices`, `vote_profiles` and `vote_rankings`,
 * and every survey tally from its responses and answers (db/recount-surveys.ts); with `repair`
 * they are rewritten. The rule: tallies count the log minus quarantined votes (quarantine_id
 * set), and a poll's quarantined_count counts those.
 */
import { and, asc, count, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { alias, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { DAY_MS, type TallyDrift } from '../src/lib/store';
import type { Db } from './client';
import { recountSurveyTallies } from './recount-surveys';
import {
  periodOptionTallies,
  periodTallies,
  pollOptions,
  polls,
  rankingTallies,
  segmentOptionTallies,
  segmentPairOptionTallies,
  segmentPairTallies,
  segmentTallies,
  voteChoices,
  voteProfiles,
  voteRankings,
  votes,
} from './schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Row = Record<string, string | number>;

interface DerivedTally {
  table: SQLiteTable;
  /** The column holding the count ("responses" or "votes"); every other column is the key. */
  count: string;
  /** The rows the table should hold, computed from the vote log, named as the table's columns. */
  actual: (tx: Tx) => Row[];
  /** What a row counts, for the drift report ("segment role=vp", "day 2026-11-02"). */
  label: (row: Row) => string;
}

const a = alias(voteProfiles, 'a');
const b = alias(voteProfiles, 'b');
/** A vote's UTC day; a bound number is a REAL in SQLite, so the division needs the cast. */
const dayOf = sql<number>`cast(${votes.createdAt} / ${DAY_MS} as integer)`;
const pairOf = { pollId: a.pollId, dimensionA: a.dimension, valueA: a.value, dimensionB: b.dimension, valueB: b.value };
const pairs = and(eq(b.voteId, a.voteId), lt(a.dimension, b.dimension));
/** Joined on a vote's rows: only votes that count (not quarantined). */
const countedVote = (voteId: SQLiteColumn) => and(eq(votes.id, voteId), isNull(votes.quarantineId));
const segmentLabel = (r: Row) => `segment ${r.dimension}=${r.value}`;
const pairLabel = (r: Row) => `segment ${r.dimensionA}=${r.valueA} & ${r.dimensionB}=${r.valueB}`;
const dayLabel = (r: Row) => `day ${new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10)}`;

/** The tallies breakdowns and trends read, each with the vote-log query it must equal. */
const DERIVED: DerivedTally[] = [
  {
    table: segmentTallies,
    count: 'responses',
    label: segmentLabel,
    actual: (tx) =>
      tx
        .select({
          pollId: voteProfiles.pollId,
          dimension: voteProfiles.dimension,
          value: voteProfiles.value,
          responses: count(),
        })
        .from(voteProfiles)
        .innerJoin(votes, countedVote(voteProfiles.voteId))
        .groupBy(voteProfiles.pollId, voteProfiles.dimension, voteProfiles.value)
        .all(),
  },
  {
    table: segmentOptionTallies,
    count: 'votes',
    label: segmentLabel,
    actual: (tx) =>
      tx
        .select({
          pollId: voteProfiles.pollId,
          dimension: voteProfiles.dimension,
          value: voteProfiles.value,
          optionId: voteChoices.optionId,
          votes: count(),
        })
        .from(voteProfiles)
        .innerJoin(voteChoices, eq(voteChoices.voteId, voteProfiles.voteId))
        .innerJoin(votes, countedVote(voteProfiles.voteId))
        .groupBy(voteProfiles.pollId, voteProfiles.dimension, voteProfiles.value, voteChoices.optionId)
        .all(),
  },
  {
    table: segmentPairTallies,
    count: 'responses',
    label: pairLabel,
    actual: (tx) =>
      tx
        .select({ ...pairOf, responses: count() })
        .from(a)
        .innerJoin(b, pairs)
        .innerJoin(votes, countedVote(a.voteId))
        .groupBy(a.pollId, a.dimension, a.value, b.dimension, b.value)
        .all(),
  },
  {
    table: segmentPairOptionTallies,
    count: 'votes',
    label: pairLabel,
    actual: (tx) =>
      tx
        .select({ ...pairOf, optionId: voteChoices.optionId, votes: count() })
        .from(a)
        .innerJoin(b, pairs)
        .innerJoin(voteChoices, eq(voteChoices.voteId, a.voteId))
        .innerJoin(votes, countedVote(a.voteId))
        .groupBy(a.pollId, a.dimension, a.value, b.dimension, b.value, voteChoices.optionId)
        .all(),
  },
  {
    table: periodTallies,
    count: 'responses',
    label: dayLabel,
    actual: (tx) =>
      tx
        .select({ pollId: votes.pollId, day: dayOf, responses: count() })
        .from(votes)
        .where(isNull(votes.quarantineId))
        .groupBy(votes.pollId, dayOf)
        .all(),
  },
  {
    table: periodOptionTallies,
    count: 'votes',
    label: dayLabel,
    actual: (tx) =>
      tx
        .select({ pollId: votes.pollId, day: dayOf, optionId: voteChoices.optionId, votes: count() })
        .from(votes)
        .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
        .where(isNull(votes.quarantineId))
        .groupBy(votes.pollId, dayOf, voteChoices.optionId)
        .all(),
  },
  {
    table: rankingTallies,
    count: 'ballots',
    label: (r) => `ranking ${r.ranking}`,
    actual: (tx) =>
      tx
        .select({ pollId: voteRankings.pollId, ranking: voteRankings.ranking, ballots: count() })
        .from(voteRankings)
        .innerJoin(votes, countedVote(voteRankings.voteId))
        .groupBy(voteRankings.pollId, voteRankings.ranking)
        .all(),
  },
];

/**
 * Compares a derived tally table with its vote-log query row by row (a missing row is 0) and
 * reports each difference; with `repair`, a table that drifted is rewritten from the query.
 */
function reconcile(
  tx: Tx,
  tally: DerivedTally,
  names: { slugs: Map<number, string>; optionKeys: Map<number, string> },
  repair: boolean,
  drift: TallyDrift[],
) {
  const actual = tally.actual(tx);
  const stored = tx.select().from(tally.table).all() as Row[];
  const keyOf = (row: Row) =>
    Object.keys(row)
      .filter((column) => column !== tally.count)
      .sort()
      .map((column) => row[column])
      .join('|');
  const storedBy = new Map(stored.map((row) => [keyOf(row), row]));
  const actualBy = new Map(actual.map((row) => [keyOf(row), row]));
  const before = drift.length;
  for (const key of new Set([...storedBy.keys(), ...actualBy.keys()])) {
    const was = Number(storedBy.get(key)?.[tally.count] ?? 0);
    const is = Number(actualBy.get(key)?.[tally.count] ?? 0);
    if (was === is) continue;
    const row = (actualBy.get(key) ?? storedBy.get(key))!;
    const optionId = row.optionId === undefined ? null : Number(row.optionId);
    const option = optionId === null ? '' : ` option ${names.optionKeys.get(optionId) ?? optionId}`;
    drift.push({
      pollSlug: names.slugs.get(Number(row.pollId)) ?? String(row.pollId),
      what: `${tally.label(row)}${option}`,
      stored: was,
      actual: is,
    });
  }
  if (repair && drift.length > before) {
    tx.delete(tally.table).run();
    // In slices, well under SQLite's limit on bound parameters per statement.
    for (let i = 0; i < actual.length; i += 500)
      tx.insert(tally.table)
        .values(actual.slice(i, i + 500))
        .run();
  }
}

/** Segment tallies (single and pairs) and per-day tallies against the vote log. */
function compareDerivedTallies(tx: Tx, repair: boolean, drift: TallyDrift[]) {
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
  for (const tally of DERIVED) reconcile(tx, tally, names, repair, drift);
}

export function recountTallies(db: Db, repair: boolean): TallyDrift[] {
  return db.transaction(
    (tx) => {
      const drift: TallyDrift[] = [];
      // Joins (not correlated subqueries) so every column is table-qualified in the SQL.
      const responses = tx
        .select({ id: polls.id, slug: polls.slug, stored: polls.responseCount, actual: count(votes.id) })
        .from(polls)
        .leftJoin(votes, and(eq(votes.pollId, polls.id), isNull(votes.quarantineId)))
        .groupBy(polls.id)
        .all();
      for (const row of responses.filter((r) => r.stored !== r.actual)) {
        drift.push({ pollSlug: row.slug, what: 'responses', stored: row.stored, actual: row.actual });
        if (repair) tx.update(polls).set({ responseCount: row.actual }).where(eq(polls.id, row.id)).run();
      }
      const quarantined = tx
        .select({ id: polls.id, slug: polls.slug, stored: polls.quarantinedCount, actual: count(votes.id) })
        .from(polls)
        .leftJoin(votes, and(eq(votes.pollId, polls.id), isNotNull(votes.quarantineId)))
        .groupBy(polls.id)
        .all();
      for (const row of quarantined.filter((r) => r.stored !== r.actual)) {
        drift.push({ pollSlug: row.slug, what: 'quarantined votes', stored: row.stored, actual: row.actual });
        if (repair) tx.update(polls).set({ quarantinedCount: row.actual }).where(eq(polls.id, row.id)).run();
      }
      const optionTallies = tx
        .select({
          id: pollOptions.id,
          key: pollOptions.key,
          slug: polls.slug,
          stored: pollOptions.votes,
          actual: count(votes.id),
        })
        .from(pollOptions)
        .innerJoin(polls, eq(polls.id, pollOptions.pollId))
        .leftJoin(voteChoices, eq(voteChoices.optionId, pollOptions.id))
        .leftJoin(votes, countedVote(voteChoices.voteId))
        .groupBy(pollOptions.id)
        .orderBy(asc(polls.id), asc(pollOptions.position))
        .all();
      for (const row of optionTallies.filter((r) => r.stored !== r.actual)) {
        drift.push({ pollSlug: row.slug, what: `option ${row.key}`, stored: row.stored, actual: row.actual });
        if (repair) tx.update(pollOptions).set({ votes: row.actual }).where(eq(pollOptions.id, row.id)).run();
      }
      compareDerivedTallies(tx, repair, drift);
      recountSurveyTallies(db.$client, repair, drift);
      return drift;
    },
    { behavior: 'immediate' },
  );
}
