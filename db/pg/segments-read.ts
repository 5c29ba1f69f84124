/**
 * Breakdowns from PostgreSQL's segment tallies, as db/sqlite-segments.ts reads SQLite's: single
 * tallies (per answer) serve `?by=`, pair tallies (per two answers) serve `?where=`, so every
 * breakdown costs the same at any vote count. Everything a breakdown needs is read in ONE
 * statement, so the cross-section and its segments come from one snapshot and "not stated"
 * (their difference) can never be off by a vote committed in between.
 */
import { sql } from 'drizzle-orm';
import { NOT_STATED, type ProfileDimension } from '../../src/lib/profile';
import type { CrossSection, PollStore, SegmentCounts } from '../../src/lib/store';
import type { PgDb } from './client';
import { emptyGroup, groupsOf, subtractAll } from '../segment-groups';

/** One row of the breakdown's read; `kind` says which tally it comes from. */
interface TallyRow {
  kind: number;
  dim: string | null;
  valueA: string | null;
  valueB: string | null;
  optionId: number | null;
  n: number;
}

const POLL_TOTAL = 0;
const OPTION_TOTAL = 1;
const SINGLE = 2;
const SINGLE_OPTION = 3;
const PAIR = 4;
const PAIR_OPTION = 5;

/** The poll's totals, the single tallies of `dimensions` and (with `where`) the pair tallies of (where, by). */
async function readTallies(
  db: PgDb,
  pollId: number,
  dimensions: ProfileDimension[],
  pair: { by: ProfileDimension; where: ProfileDimension } | null,
): Promise<TallyRow[]> {
  const dims = sql`array[${sql.join(
    dimensions.map((d) => sql`${d}`),
    sql`, `,
  )}]::text[]`;
  const pairs = pair
    ? sql`
      union all
      select ${PAIR}::int, dimension_a, value_a, value_b, null, responses from segment_pair_tallies
      where poll_id = ${pollId} and ((dimension_a = ${pair.where} and dimension_b = ${pair.by})
        or (dimension_a = ${pair.by} and dimension_b = ${pair.where}))
      union all
      select ${PAIR_OPTION}::int, dimension_a, value_a, value_b, option_id, votes from segment_pair_option_tallies
      where poll_id = ${pollId} and ((dimension_a = ${pair.where} and dimension_b = ${pair.by})
        or (dimension_a = ${pair.by} and dimension_b = ${pair.where}))`
    : sql``;
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    select kind, dim, value_a as "valueA", value_b as "valueB", option_id as "optionId", n from (
      select ${POLL_TOTAL}::int as kind, null::text as dim, null::text as value_a, null::text as value_b,
        null::int as option_id, response_count as n
      from polls where id = ${pollId}
      union all
      select ${OPTION_TOTAL}::int, null, null, null, id, votes from poll_options where poll_id = ${pollId}
      union all
      select ${SINGLE}::int, dimension, value, null, null, responses from segment_tallies
      where poll_id = ${pollId} and dimension = any(${dims})
      union all
      select ${SINGLE_OPTION}::int, dimension, value, null, option_id, votes from segment_option_tallies
      where poll_id = ${pollId} and dimension = any(${dims})
      ${pairs}
    ) t
    order by kind, dim collate "C", value_a collate "C", value_b collate "C", option_id`);
  return rows as unknown as TallyRow[];
}

/** The counts of everyone and per value of `by`, from the rows read for `by`. */
function fromTallies(rows: TallyRow[], by: ProfileDimension): SegmentCounts {
  const single = rows.filter((row) => row.kind === SINGLE && row.dim === by);
  const singleOptions = rows.filter((row) => row.kind === SINGLE_OPTION && row.dim === by);
  return {
    crossSection: {
      responses: rows.find((row) => row.kind === POLL_TOTAL)?.n ?? 0,
      optionVotes: new Map(rows.filter((row) => row.kind === OPTION_TOTAL).map((row) => [row.optionId!, row.n])),
    },
    segments: groupsOf(
      single.map((row) => ({ value: row.valueA!, n: row.n })),
      singleOptions.map((row) => ({ value: row.valueA!, optionId: row.optionId!, n: row.n })),
    ),
  };
}

/**
 * A cross-section from the tallies alone, so `where` costs the same at any vote count. For a
 * stated answer a: the cross-section is the single tally of a, its segments the pair tallies
 * (a, v). For "not stated": everyone minus the stated answers, and per segment v the single
 * tally of v minus its pairs with any stated answer.
 */
function fromPairTallies(rows: TallyRow[], by: ProfileDimension, where: CrossSection): SegmentCounts {
  // Each pair row as (answer to `where`, answer to `by`), whichever order it is stored in.
  const oriented = (row: TallyRow) =>
    row.dim === where.dimension
      ? { whereValue: row.valueA!, value: row.valueB!, optionId: row.optionId!, n: row.n }
      : { whereValue: row.valueB!, value: row.valueA!, optionId: row.optionId!, n: row.n };
  const pairs = {
    responses: rows.filter((row) => row.kind === PAIR).map(oriented),
    votes: rows.filter((row) => row.kind === PAIR_OPTION).map(oriented),
  };
  const everyone = fromTallies(rows, where.dimension);
  if (where.value !== NOT_STATED) {
    const matches = (row: { whereValue: string }) => row.whereValue === where.value;
    return {
      crossSection: everyone.segments.get(where.value) ?? emptyGroup(),
      segments: groupsOf(pairs.responses.filter(matches), pairs.votes.filter(matches)),
    };
  }
  const crossSection = subtractAll(everyone.crossSection, [...everyone.segments.values()]);
  const segments = fromTallies(rows, by).segments;
  const stated = groupsOf(pairs.responses, pairs.votes);
  for (const [value, group] of segments) segments.set(value, subtractAll(group, [stated.get(value) ?? emptyGroup()]));
  return { crossSection, segments };
}

export function createPgSegmentReads(db: PgDb): Pick<PollStore, 'segmentCounts'> {
  return {
    async segmentCounts(pollId, by, where) {
      if (!where) return fromTallies(await readTallies(db, pollId, [by], null), by);
      // The single tallies of `by` are needed only to subtract the stated answers from them.
      const dimensions = where.value === NOT_STATED ? [where.dimension, by] : [where.dimension];
      const rows = await readTallies(db, pollId, dimensions, { by, where: where.dimension });
      return fromPairTallies(rows, by, where);
    },
  };
}
