/**
 * Tallies against the vote log in PostgreSQL, as db/recount.ts and db/recount-surveys.ts do in
 * SQLite: every poll's response and quarantined counts, every option's votes, the segment
 * (single and pair), per-day and ranking tallies from the vote rows, and every survey tally from
 * its responses and answers; with `repair` a drifted tally is rewritten. Tallies count the log
 * minus quarantined votes.
 *
 * One transaction, retried on a conflict. It first locks every survey's row, then every poll's,
 * in id order — the order a survey submission (survey, then its questions) and a vote (its poll)
 * take them — so no write moves a tally between the log's read and the tally's rewrite. A poll or
 * survey created after those locks is left out (every read and write is narrowed to the locked
 * ids): it is not locked, and its tallies are its own transactions' anyway.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DAY_MS, type PollStore, type TallyDrift } from '../../src/lib/store';
import type { PgDb, PgTx } from './client';
import { inTransaction } from './retry';

type Row = Record<string, string | number>;

const ints = (values: readonly number[]) => sql`${sql.param([...values])}::int[]`;

async function rowsOf<T = Row>(tx: PgTx, query: SQL): Promise<T[]> {
  return (await tx.execute(query)).rows as T[];
}

interface Scope {
  polls: SQL;
  surveys: SQL;
}

interface DerivedTally {
  table: string;
  /** The count column; every other column is the key. */
  count: string;
  keys: string[];
  /** The rows the table should hold, from the vote log, named as the table's columns. */
  actual: (scope: Scope) => SQL;
  /** What a row counts, for the drift report ("segment role=vp", "day 2026-11-02"). */
  label: (row: Row) => string;
  /** The table's poll column the scope narrows (the survey tallies: both of theirs). */
  pollColumns: string[];
}

const segmentLabel = (r: Row) => `segment ${r.dimension}=${r.value}`;
const pairLabel = (r: Row) => `segment ${r.dimension_a}=${r.value_a} & ${r.dimension_b}=${r.value_b}`;
const dayLabel = (r: Row) => `day ${new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10)}`;
/** A vote's UTC day (created_at is a positive bigint: the division floors). */
const DAY = sql`(v.created_at / ${DAY_MS}::bigint)::int`;
/** Two profile answers of one vote, each pair once (a before b, in byte order as SQLite compares). */
const PAIRS = sql`vote_profiles a join vote_profiles b on b.vote_id = a.vote_id and a.dimension collate "C" < b.dimension collate "C"`;

/** The tallies breakdowns and trends read, each with the vote-log query it must equal. */
const DERIVED: DerivedTally[] = [
  {
    table: 'segment_tallies',
    count: 'responses',
    keys: ['poll_id', 'dimension', 'value'],
    pollColumns: ['poll_id'],
    label: segmentLabel,
    actual: (scope) => sql`select p.poll_id, p.dimension, p.value, count(*) as responses
      from vote_profiles p join votes v on v.id = p.vote_id and v.quarantine_id is null
      where p.poll_id = any(${scope.polls}) group by p.poll_id, p.dimension, p.value`,
  },
  {
    table: 'segment_option_tallies',
    count: 'votes',
    keys: ['poll_id', 'dimension', 'value', 'option_id'],
    pollColumns: ['poll_id'],
    label: segmentLabel,
    actual: (scope) => sql`select p.poll_id, p.dimension, p.value, c.option_id, count(*) as votes
      from vote_profiles p join vote_choices c on c.vote_id = p.vote_id
      join votes v on v.id = p.vote_id and v.quarantine_id is null
      where p.poll_id = any(${scope.polls}) group by p.poll_id, p.dimension, p.value, c.option_id`,
  },
  {
    table: 'segment_pair_tallies',
    count: 'responses',
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b'],
    pollColumns: ['poll_id'],
    label: pairLabel,
    actual: (scope) => sql`select a.poll_id, a.dimension as dimension_a, a.value as value_a,
        b.dimension as dimension_b, b.value as value_b, count(*) as responses
      from ${PAIRS} join votes v on v.id = a.vote_id and v.quarantine_id is null
      where a.poll_id = any(${scope.polls}) group by a.poll_id, a.dimension, a.value, b.dimension, b.value`,
  },
  {
    table: 'segment_pair_option_tallies',
    count: 'votes',
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b', 'option_id'],
    pollColumns: ['poll_id'],
    label: pairLabel,
    actual: (scope) => sql`select a.poll_id, a.dimension as dimension_a, a.value as value_a,
        b.dimension as dimension_b, b.value as value_b, c.option_id, count(*) as votes
      from ${PAIRS} join vote_choices c on c.vote_id = a.vote_id
      join votes v on v.id = a.vote_id and v.quarantine_id is null
      where a.poll_id = any(${scope.polls})
      group by a.poll_id, a.dimension, a.value, b.dimension, b.value, c.option_id`,
  },
  {
    table: 'period_tallies',
    count: 'responses',
    keys: ['poll_id', 'day'],
    pollColumns: ['poll_id'],
    label: dayLabel,
    actual: (scope) => sql`select v.poll_id, ${DAY} as day, count(*) as responses from votes v
      where v.quarantine_id is null and v.poll_id = any(${scope.polls}) group by 1, 2`,
  },
  {
    table: 'period_option_tallies',
    count: 'votes',
    keys: ['poll_id', 'day', 'option_id'],
    pollColumns: ['poll_id'],
    label: dayLabel,
    actual: (scope) => sql`select v.poll_id, ${DAY} as day, c.option_id, count(*) as votes
      from votes v join vote_choices c on c.vote_id = v.id
      where v.quarantine_id is null and v.poll_id = any(${scope.polls}) group by 1, 2, 3`,
  },
  {
    table: 'ranking_tallies',
    count: 'ballots',
    keys: ['poll_id', 'ranking'],
    pollColumns: ['poll_id'],
    label: (r) => `ranking ${r.ranking}`,
    actual: (scope) => sql`select r.poll_id, r.ranking, count(*) as ballots
      from vote_rankings r join votes v on v.id = r.vote_id and v.quarantine_id is null
      where r.poll_id = any(${scope.polls}) group by r.poll_id, r.ranking`,
  },
];

interface Names {
  slugs: Map<number, string>;
  optionKeys: Map<number, string>;
}

/** The table's rows in the scope, in key order (text keys in byte order). */
const storedRows = (tally: { table: string; keys: string[]; pollColumns: string[] }, scope: Scope) =>
  sql`select * from ${sql.identifier(tally.table)} where ${sql.join(
    tally.pollColumns.map((column) => sql`${sql.identifier(column)} = any(${scope.polls})`),
    sql` and `,
  )} order by ${sql.join(
    tally.keys.map((key) => sql`${sql.identifier(key)}`),
    sql`, `,
  )}`;

/** Replaces the table's rows in the scope with `rows`. */
async function rewrite(tx: PgTx, table: string, where: SQL, rows: Row[]) {
  await tx.execute(sql`delete from ${sql.identifier(table)} where ${where}`);
  if (rows.length > 0)
    await tx.execute(sql`insert into ${sql.identifier(table)}
      select * from json_populate_recordset(null::${sql.identifier(table)}, ${JSON.stringify(rows)}::json)`);
}

const scopeWhere = (columns: string[], ids: SQL) =>
  sql.join(
    columns.map((column) => sql`${sql.identifier(column)} = any(${ids})`),
    sql` and `,
  );

/**
 * Compares a derived tally table with its vote-log query row by row (a missing row is 0) and
 * reports each difference; with `repair`, a table that drifted is rewritten from the query.
 */
async function reconcile(
  tx: PgTx,
  tally: DerivedTally,
  scope: Scope,
  names: Names,
  repair: boolean,
  drift: TallyDrift[],
) {
  const actual = await rowsOf(tx, tally.actual(scope));
  const stored = await rowsOf(tx, storedRows(tally, scope));
  const keyOf = (row: Row) => tally.keys.map((key) => row[key]).join('|');
  const storedBy = new Map(stored.map((row) => [keyOf(row), row]));
  const actualBy = new Map(actual.map((row) => [keyOf(row), row]));
  const before = drift.length;
  for (const key of new Set([...storedBy.keys(), ...actualBy.keys()])) {
    const was = Number(storedBy.get(key)?.[tally.count] ?? 0);
    const is = Number(actualBy.get(key)?.[tally.count] ?? 0);
    if (was === is) continue;
    const row = (actualBy.get(key) ?? storedBy.get(key))!;
    const optionId = row.option_id === undefined ? null : Number(row.option_id);
    const option = optionId === null ? '' : ` option ${names.optionKeys.get(optionId) ?? optionId}`;
    drift.push({
      pollSlug: names.slugs.get(Number(row.poll_id)) ?? String(row.poll_id),
      what: `${tally.label(row)}${option}`,
      stored: was,
      actual: is,
    });
  }
  if (repair && drift.length > before)
    await rewrite(tx, tally.table, scopeWhere(tally.pollColumns, scope.polls), actual);
}

/** Responses, quarantined votes and option votes of every poll in the scope. */
async function recountPolls(tx: PgTx, scope: Scope, repair: boolean, drift: TallyDrift[]) {
  const polls = await rowsOf<{
    id: number;
    slug: string;
    responses: number;
    quarantined: number;
    counted: number;
    held: number;
  }>(
    tx,
    sql`select p.id, p.slug, p.response_count as responses, p.quarantined_count as quarantined,
      (select count(*) from votes v where v.poll_id = p.id and v.quarantine_id is null)::int as counted,
      (select count(*) from votes v where v.poll_id = p.id and v.quarantine_id is not null)::int as held
    from polls p where p.id = any(${scope.polls}) order by p.id`,
  );
  for (const row of polls.filter((r) => r.responses !== r.counted)) {
    drift.push({ pollSlug: row.slug, what: 'responses', stored: row.responses, actual: row.counted });
    if (repair) await tx.execute(sql`update polls set response_count = ${row.counted}::int where id = ${row.id}::int`);
  }
  for (const row of polls.filter((r) => r.quarantined !== r.held)) {
    drift.push({ pollSlug: row.slug, what: 'quarantined votes', stored: row.quarantined, actual: row.held });
    if (repair) await tx.execute(sql`update polls set quarantined_count = ${row.held}::int where id = ${row.id}::int`);
  }
  const options = await rowsOf<{ id: number; key: string; slug: string; stored: number; actual: number }>(
    tx,
    sql`select o.id, o.key, p.slug, o.votes as stored,
      (select count(*) from vote_choices c join votes v on v.id = c.vote_id and v.quarantine_id is null
        where c.option_id = o.id)::int as actual
    from poll_options o join polls p on p.id = o.poll_id
    where p.id = any(${scope.polls}) order by p.id, o.position`,
  );
  for (const row of options.filter((r) => r.stored !== r.actual)) {
    drift.push({ pollSlug: row.slug, what: `option ${row.key}`, stored: row.stored, actual: row.actual });
    if (repair) await tx.execute(sql`update poll_options set votes = ${row.actual}::int where id = ${row.id}::int`);
  }
}

/** One survey tally table: how its rows are computed and described (db/recount-surveys.ts). */
interface SurveyTally {
  table: string;
  keys: string[];
  counts: string[];
  /** The scope's column(s): survey_id, or the two poll columns of a pair tally. */
  surveyColumn?: string;
  pollColumns?: string[];
  actual: (tx: PgTx, scope: Scope) => Promise<Row[]>;
  describe: (row: Row, names: SurveyNames) => { slug: string; what: string };
}

interface SurveyNames {
  surveys: Map<number, string>;
  polls: Map<number, string>;
  options: Map<number, string>;
}

/** One survey-answer choice per row, with its question's type. */
const answerChoices = (scope: Scope) => sql`select sa.response_id, sa.poll_id, p.type, vc.option_id
  from survey_answers sa join polls p on p.id = sa.poll_id join vote_choices vc on vc.vote_id = sa.vote_id
  where sa.poll_id = any(${scope.polls})`;
const answerPairs = (scope: Scope) => sql`from (${answerChoices(scope)}) b join (${answerChoices(scope)}) t
  on t.response_id = b.response_id and t.poll_id <> b.poll_id where b.type in ('single', 'rating')`;

const SURVEY_TALLIES: SurveyTally[] = [
  {
    table: 'survey_pair_tallies',
    keys: ['by_poll_id', 'by_option_id', 'poll_id'],
    counts: ['responses'],
    pollColumns: ['by_poll_id', 'poll_id'],
    actual: (tx, scope) =>
      rowsOf(
        tx,
        sql`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id,
          count(distinct t.response_id)::int as responses ${answerPairs(scope)}
          group by b.poll_id, b.option_id, t.poll_id order by 1, 2, 3`,
      ),
    describe: (row, names) => ({
      slug: names.polls.get(Number(row.poll_id)) ?? String(row.poll_id),
      what: `by ${names.polls.get(Number(row.by_poll_id))}=${names.options.get(Number(row.by_option_id))}`,
    }),
  },
  {
    table: 'survey_pair_option_tallies',
    keys: ['by_poll_id', 'by_option_id', 'poll_id', 'option_id'],
    counts: ['votes'],
    pollColumns: ['by_poll_id', 'poll_id'],
    actual: (tx, scope) =>
      rowsOf(
        tx,
        sql`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, t.option_id, count(*)::int as votes
          ${answerPairs(scope)} group by b.poll_id, b.option_id, t.poll_id, t.option_id order by 1, 2, 3, 4`,
      ),
    describe: (row, names) => ({
      slug: names.polls.get(Number(row.poll_id)) ?? String(row.poll_id),
      what: `by ${names.polls.get(Number(row.by_poll_id))}=${names.options.get(Number(row.by_option_id))} option ${names.options.get(Number(row.option_id))}`,
    }),
  },
  {
    table: 'survey_day_tallies',
    keys: ['survey_id', 'day'],
    counts: ['started', 'finished'],
    surveyColumn: 'survey_id',
    actual: async (tx, scope) => {
      const days = new Map<string, Row>();
      const day = (surveyId: number, d: number) => {
        const key = `${surveyId}:${d}`;
        return days.get(key) ?? days.set(key, { survey_id: surveyId, day: d, started: 0, finished: 0 }).get(key)!;
      };
      const rows = await rowsOf<{
        survey_id: number;
        created_at: number;
        finished: boolean;
        finished_at: number | null;
      }>(
        tx,
        sql`select survey_id, created_at, finished, finished_at from survey_responses
          where survey_id = any(${scope.surveys}) order by id`,
      );
      for (const row of rows) {
        (day(row.survey_id, Math.floor(row.created_at / DAY_MS)).started as number)++;
        if (row.finished && row.finished_at !== null)
          (day(row.survey_id, Math.floor(row.finished_at / DAY_MS)).finished as number)++;
      }
      return [...days.values()];
    },
    describe: (row, names) => ({
      slug: names.surveys.get(Number(row.survey_id)) ?? String(row.survey_id),
      what: `survey day ${new Date(Number(row.day) * DAY_MS).toISOString().slice(0, 10)}`,
    }),
  },
  {
    table: 'survey_page_tallies',
    keys: ['survey_id', 'page'],
    counts: ['reached', 'completed'],
    surveyColumn: 'survey_id',
    actual: async (tx, scope) => {
      const last = new Map(
        (
          await rowsOf<{ survey_id: number; last: number }>(
            tx,
            sql`select survey_id, max(survey_page) as last from polls
              where survey_id = any(${scope.surveys}) group by survey_id`,
          )
        ).map((row) => [row.survey_id, row.last]),
      );
      const pages = new Map<string, Row>();
      const step = (surveyId: number, page: number) => {
        const key = `${surveyId}:${page}`;
        return pages.get(key) ?? pages.set(key, { survey_id: surveyId, page, reached: 0, completed: 0 }).get(key)!;
      };
      const rows = await rowsOf<{ survey_id: number; pages_done: number[] }>(
        tx,
        sql`select survey_id, pages_done from survey_responses where survey_id = any(${scope.surveys}) order by id`,
      );
      for (const row of rows) {
        (step(row.survey_id, 0).reached as number)++;
        for (const page of row.pages_done) {
          (step(row.survey_id, page).completed as number)++;
          if (page < (last.get(row.survey_id) ?? 0)) (step(row.survey_id, page + 1).reached as number)++;
        }
      }
      return [...pages.values()];
    },
    describe: (row, names) => ({
      slug: names.surveys.get(Number(row.survey_id)) ?? String(row.survey_id),
      what: `survey page ${Number(row.page) + 1}`,
    }),
  },
];

/** Every survey's started and finished counts and its tallies (db/recount-surveys.ts). */
async function recountSurveys(tx: PgTx, scope: Scope, repair: boolean, drift: TallyDrift[]) {
  const nameMap = async (query: SQL) =>
    new Map((await rowsOf<{ id: number; name: string }>(tx, query)).map((row) => [row.id, row.name]));
  const names: SurveyNames = {
    surveys: await nameMap(sql`select id, slug as name from surveys where id = any(${scope.surveys})`),
    polls: await nameMap(
      sql`select id, slug as name from polls where survey_id is not null and id = any(${scope.polls})`,
    ),
    options: await nameMap(sql`select id, key as name from poll_options where poll_id = any(${scope.polls})`),
  };

  const counts = await rowsOf<{
    id: number;
    slug: string;
    started_count: number;
    finished_count: number;
    started: number;
    finished: number;
  }>(
    tx,
    sql`select s.id, s.slug, s.started_count, s.finished_count,
        (select count(*) from survey_responses r where r.survey_id = s.id)::int as started,
        (select count(*) from survey_responses r where r.survey_id = s.id and r.finished)::int as finished
      from surveys s where s.id = any(${scope.surveys}) order by s.id`,
  );
  for (const row of counts) {
    if (row.started_count !== row.started)
      drift.push({ pollSlug: row.slug, what: 'survey started', stored: row.started_count, actual: row.started });
    if (row.finished_count !== row.finished)
      drift.push({ pollSlug: row.slug, what: 'survey finished', stored: row.finished_count, actual: row.finished });
    if (repair && (row.started_count !== row.started || row.finished_count !== row.finished))
      await tx.execute(sql`update surveys set started_count = ${row.started}::int, finished_count = ${row.finished}::int
        where id = ${row.id}::int`);
  }

  for (const tally of SURVEY_TALLIES) {
    const where = tally.surveyColumn
      ? scopeWhere([tally.surveyColumn], scope.surveys)
      : scopeWhere(tally.pollColumns!, scope.polls);
    const keyOf = (row: Row) => tally.keys.map((key) => row[key]).join('|');
    const storedRows = await rowsOf(
      tx,
      sql`select * from ${sql.identifier(tally.table)} where ${where} order by ${sql.join(
        tally.keys.map((key) => sql.identifier(key)),
        sql`, `,
      )}`,
    );
    const stored = new Map(storedRows.map((r) => [keyOf(r), r]));
    const actualRows = await tally.actual(tx, scope);
    const actual = new Map(actualRows.map((r) => [keyOf(r), r]));
    const before = drift.length;
    for (const key of new Set([...stored.keys(), ...actual.keys()])) {
      const row = (actual.get(key) ?? stored.get(key))!;
      for (const count of tally.counts) {
        const was = Number(stored.get(key)?.[count] ?? 0);
        const is = Number(actual.get(key)?.[count] ?? 0);
        if (was === is) continue;
        const { slug, what } = tally.describe(row, names);
        drift.push({
          pollSlug: slug,
          what: tally.counts.length > 1 ? `${what} ${count}` : what,
          stored: was,
          actual: is,
        });
      }
    }
    if (repair && drift.length > before) await rewrite(tx, tally.table, where, actualRows);
  }
}

export function createPgRecount(db: PgDb): Pick<PollStore, 'recount'> {
  return {
    async recount(repair) {
      return inTransaction(db, async (tx) => {
        // Surveys, then polls, each in id order: the lock order of every writer (see the top).
        const surveyIds = (await rowsOf<{ id: number }>(tx, sql`select id from surveys order by id for update`)).map(
          (row) => row.id,
        );
        const pollIds = (await rowsOf<{ id: number }>(tx, sql`select id from polls order by id for update`)).map(
          (row) => row.id,
        );
        const scope: Scope = { polls: ints(pollIds), surveys: ints(surveyIds) };
        const drift: TallyDrift[] = [];
        await recountPolls(tx, scope, repair, drift);
        const names: Names = {
          slugs: new Map(
            (
              await rowsOf<{ id: number; slug: string }>(
                tx,
                sql`select id, slug from polls where id = any(${scope.polls})`,
              )
            ).map((row) => [row.id, row.slug]),
          ),
          optionKeys: new Map(
            (
              await rowsOf<{ id: number; key: string }>(
                tx,
                sql`select id, key from poll_options where poll_id = any(${scope.polls})`,
              )
            ).map((row) => [row.id, row.key]),
          ),
        };
        for (const tally of DERIVED) await reconcile(tx, tally, scope, names, repair, drift);
        await recountSurveys(tx, scope, repair, drift);
        return drift;
      });
    },
  };
}
