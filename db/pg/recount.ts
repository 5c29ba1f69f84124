/**
 * Tallies against the vote log in PostgreSQL, as db/recount.ts and db/recount-surveys.ts do in
 * SQLite: every poll's response and quarantined counts, every option's votes, the segment
 * (single and pair), per-day and ranking tallies from the vote rows, and every survey tally from
 * its responses and answers; with `repair` a drifted tally is rewritten. Tallies count the log
 * minus quarantined votes. The same drift is reported, in the same order of sections.
 *
 * One transaction, retried on a conflict. It first locks every survey's row, then every poll's,
 * in id order — the order a survey submission (survey, then its questions) and a vote (its poll)
 * take them — so no write moves a tally between the log's read and the tally's rewrite. A poll or
 * survey created after those locks is left out (every read and write is narrowed to the locked
 * ids): it is not locked, and its tallies are its own transactions' anyway. Each tally is compared
 * with its log query in SQL (a full join), all of them in ONE statement that returns only the
 * rows that differ: a recount without drift is four round trips, whatever the vote count.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DAY_MS, type PollStore, type TallyDrift } from '../../src/lib/store';
import type { PgDb, PgTx } from './client';
import { inTransaction } from './retry';

type Row = Record<string, string | number>;

interface Scope {
  /** The locked polls' and surveys' ids, as int[] parameters. */
  polls: SQL;
  surveys: SQL;
}

interface Names {
  polls: Map<number, string>;
  options: Map<number, string>;
  surveys: Map<number, string>;
}

/**
 * One comparison: rows keyed by `keys`, each with `s_<count>` (stored) and `a_<count>` (from the
 * log) per count column, only the rows where one differs.
 */
interface Check {
  keys: string[];
  counts: string[];
  drift: (scope: Scope) => SQL;
  /** The slug and what a drifted row counts, for the report. */
  describe: (row: Row, count: string, names: Names) => { slug: string; what: string };
  /** Rewrites the drifted tally from the log. */
  repair: (tx: PgTx, scope: Scope, rows: Row[]) => Promise<void>;
}

const id = (name: string) => sql.identifier(name);
const list = (names: string[]) =>
  sql.join(
    names.map((name) => id(name)),
    sql`, `,
  );
const ints = (values: readonly number[]) => sql`${sql.param([...values])}::int[]`;
const dayText = (day: unknown) => new Date(Number(day) * DAY_MS).toISOString().slice(0, 10);

/**
 * A tally table against its log query (`actual`, named as the table's columns): stored and
 * actual side by side through a full join on the key (a missing row is 0).
 */
function tallyTable(spec: {
  table: string;
  keys: string[];
  counts: string[];
  /** The table's rows in the scope. */
  scope: (scope: Scope) => SQL;
  actual: (scope: Scope) => SQL;
  describe: Check['describe'];
}): Check {
  const table = id(spec.table);
  return {
    keys: spec.keys,
    counts: spec.counts,
    describe: spec.describe,
    drift: (scope) => {
      const sides = spec.counts.map(
        (count) => sql`coalesce(s.${id(count)}, 0)::int as ${id(`s_${count}`)},
          coalesce(a.${id(count)}, 0)::int as ${id(`a_${count}`)}`,
      );
      const differs = sql.join(
        spec.counts.map((count) => sql`d.${id(`s_${count}`)} <> d.${id(`a_${count}`)}`),
        sql` or `,
      );
      return sql`select to_jsonb(d) as row from (
          select ${list(spec.keys)}, ${sql.join(sides, sql`, `)}
          from (select * from ${table} where ${spec.scope(scope)}) s
          full join (${spec.actual(scope)}) a using (${list(spec.keys)})
        ) d where ${differs}`;
    },
    repair: async (tx, scope) => {
      await tx.execute(sql`delete from ${table} where ${spec.scope(scope)}`);
      const columns = list([...spec.keys, ...spec.counts]);
      await tx.execute(sql`insert into ${table} (${columns}) select ${columns} from (${spec.actual(scope)}) a`);
    },
  };
}

const pollScope = (scope: Scope) => sql`poll_id = any(${scope.polls})`;
const slugOf = (names: Names, row: Row) => names.polls.get(Number(row.poll_id)) ?? String(row.poll_id);
const optionOf = (names: Names, row: Row) =>
  row.option_id === undefined ? '' : ` option ${names.options.get(Number(row.option_id)) ?? row.option_id}`;
const segment = (label: (row: Row) => string) => (row: Row, _count: string, names: Names) => ({
  slug: slugOf(names, row),
  what: `${label(row)}${optionOf(names, row)}`,
});
const segmentLabel = (r: Row) => `segment ${r.dimension}=${r.value}`;
const pairLabel = (r: Row) => `segment ${r.dimension_a}=${r.value_a} & ${r.dimension_b}=${r.value_b}`;
const dayLabel = (r: Row) => `day ${dayText(r.day)}`;

/** A vote's UTC day (created_at is a positive bigint: the division floors). */
const DAY = sql`(v.created_at / ${DAY_MS}::bigint)::int`;
/** Votes that count (not quarantined). */
const COUNTED = sql`v.quarantine_id is null`;
/** Two profile answers of one vote, each pair once (a before b, in byte order as the writers pair them). */
const PAIRS = sql`vote_profiles a join vote_profiles b on b.vote_id = a.vote_id
  and a.dimension collate "C" < b.dimension collate "C"`;

/** One survey-answer choice per row, with its question's type. */
const answerChoices = (scope: Scope) => sql`select sa.response_id, sa.poll_id, p.type, vc.option_id
  from survey_answers sa join polls p on p.id = sa.poll_id join vote_choices vc on vc.vote_id = sa.vote_id
  where sa.poll_id = any(${scope.polls})`;
const answerPairs = (scope: Scope) => sql`from (${answerChoices(scope)}) b join (${answerChoices(scope)}) t
  on t.response_id = b.response_id and t.poll_id <> b.poll_id where b.type in ('single', 'rating')`;
const surveySlug = (names: Names, row: Row) => names.surveys.get(Number(row.survey_id)) ?? String(row.survey_id);
const byAnswer = (names: Names, row: Row) =>
  `by ${names.polls.get(Number(row.by_poll_id))}=${names.options.get(Number(row.by_option_id))}`;

/** Updates one column of the rows named by `rows` (their `key`) to their actual count. */
const updateEach =
  (table: string, key: string, rowKey: string, column: string, count: string): Check['repair'] =>
  async (tx, _scope, rows) => {
    for (const row of rows)
      await tx.execute(
        sql`update ${id(table)} set ${id(column)} = ${Number(row[`a_${count}`])}::int where ${id(key)} = ${Number(row[rowKey])}::int`,
      );
  };

/** Every comparison, in the order SQLite reports them. */
const CHECKS: Check[] = [
  {
    keys: ['poll_id'],
    counts: ['responses'],
    drift: (scope) => sql`select to_jsonb(d) as row from (
        select p.id as poll_id, p.response_count as s_responses,
          (select count(*) from votes v where v.poll_id = p.id and ${COUNTED})::int as a_responses
        from polls p where p.id = any(${scope.polls})) d
      where d.s_responses <> d.a_responses`,
    describe: (row, _count, names) => ({ slug: slugOf(names, row), what: 'responses' }),
    repair: updateEach('polls', 'id', 'poll_id', 'response_count', 'responses'),
  },
  {
    keys: ['poll_id'],
    counts: ['held'],
    drift: (scope) => sql`select to_jsonb(d) as row from (
        select p.id as poll_id, p.quarantined_count as s_held,
          (select count(*) from votes v where v.poll_id = p.id and v.quarantine_id is not null)::int as a_held
        from polls p where p.id = any(${scope.polls})) d
      where d.s_held <> d.a_held`,
    describe: (row, _count, names) => ({ slug: slugOf(names, row), what: 'quarantined votes' }),
    repair: updateEach('polls', 'id', 'poll_id', 'quarantined_count', 'held'),
  },
  {
    // In poll and option order.
    keys: ['poll_id', 'position', 'id'],
    counts: ['votes'],
    drift: (scope) => sql`select to_jsonb(d) as row from (
        select o.poll_id, o.position, o.id, o.key, o.votes as s_votes,
          (select count(*) from vote_choices c join votes v on v.id = c.vote_id and ${COUNTED}
            where c.option_id = o.id)::int as a_votes
        from poll_options o where o.poll_id = any(${scope.polls})) d
      where d.s_votes <> d.a_votes`,
    describe: (row, _count, names) => ({ slug: slugOf(names, row), what: `option ${row.key}` }),
    repair: updateEach('poll_options', 'id', 'id', 'votes', 'votes'),
  },
  tallyTable({
    table: 'segment_tallies',
    keys: ['poll_id', 'dimension', 'value'],
    counts: ['responses'],
    scope: pollScope,
    describe: segment(segmentLabel),
    actual: (scope) => sql`select p.poll_id, p.dimension, p.value, count(*) as responses
      from vote_profiles p join votes v on v.id = p.vote_id and ${COUNTED}
      where p.poll_id = any(${scope.polls}) group by p.poll_id, p.dimension, p.value`,
  }),
  tallyTable({
    table: 'segment_option_tallies',
    keys: ['poll_id', 'dimension', 'value', 'option_id'],
    counts: ['votes'],
    scope: pollScope,
    describe: segment(segmentLabel),
    actual: (scope) => sql`select p.poll_id, p.dimension, p.value, c.option_id, count(*) as votes
      from vote_profiles p join vote_choices c on c.vote_id = p.vote_id join votes v on v.id = p.vote_id and ${COUNTED}
      where p.poll_id = any(${scope.polls}) group by p.poll_id, p.dimension, p.value, c.option_id`,
  }),
  tallyTable({
    table: 'segment_pair_tallies',
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b'],
    counts: ['responses'],
    scope: pollScope,
    describe: segment(pairLabel),
    actual: (scope) => sql`select a.poll_id, a.dimension as dimension_a, a.value as value_a,
        b.dimension as dimension_b, b.value as value_b, count(*) as responses
      from ${PAIRS} join votes v on v.id = a.vote_id and ${COUNTED}
      where a.poll_id = any(${scope.polls}) group by 1, 2, 3, 4, 5`,
  }),
  tallyTable({
    table: 'segment_pair_option_tallies',
    keys: ['poll_id', 'dimension_a', 'value_a', 'dimension_b', 'value_b', 'option_id'],
    counts: ['votes'],
    scope: pollScope,
    describe: segment(pairLabel),
    actual: (scope) => sql`select a.poll_id, a.dimension as dimension_a, a.value as value_a,
        b.dimension as dimension_b, b.value as value_b, c.option_id, count(*) as votes
      from ${PAIRS} join vote_choices c on c.vote_id = a.vote_id join votes v on v.id = a.vote_id and ${COUNTED}
      where a.poll_id = any(${scope.polls}) group by 1, 2, 3, 4, 5, 6`,
  }),
  tallyTable({
    table: 'period_tallies',
    keys: ['poll_id', 'day'],
    counts: ['responses'],
    scope: pollScope,
    describe: segment(dayLabel),
    actual: (scope) => sql`select v.poll_id, ${DAY} as day, count(*) as responses
      from votes v where ${COUNTED} and v.poll_id = any(${scope.polls}) group by 1, 2`,
  }),
  tallyTable({
    table: 'period_option_tallies',
    keys: ['poll_id', 'day', 'option_id'],
    counts: ['votes'],
    scope: pollScope,
    describe: segment(dayLabel),
    actual: (scope) => sql`select v.poll_id, ${DAY} as day, c.option_id, count(*) as votes
      from votes v join vote_choices c on c.vote_id = v.id
      where ${COUNTED} and v.poll_id = any(${scope.polls}) group by 1, 2, 3`,
  }),
  tallyTable({
    table: 'ranking_tallies',
    keys: ['poll_id', 'ranking'],
    counts: ['ballots'],
    scope: pollScope,
    describe: segment((r) => `ranking ${r.ranking}`),
    actual: (scope) => sql`select r.poll_id, r.ranking, count(*) as ballots
      from vote_rankings r join votes v on v.id = r.vote_id and ${COUNTED}
      where r.poll_id = any(${scope.polls}) group by r.poll_id, r.ranking`,
  }),
  // The surveys (db/recount-surveys.ts): started and finished per survey, then their tallies.
  {
    keys: ['survey_id'],
    counts: ['started', 'finished'],
    drift: (scope) => sql`select to_jsonb(d) as row from (
        select s.id as survey_id, s.started_count as s_started, s.finished_count as s_finished,
          (select count(*) from survey_responses r where r.survey_id = s.id)::int as a_started,
          (select count(*) from survey_responses r where r.survey_id = s.id and r.finished)::int as a_finished
        from surveys s where s.id = any(${scope.surveys})) d
      where d.s_started <> d.a_started or d.s_finished <> d.a_finished`,
    describe: (row, count, names) => ({ slug: surveySlug(names, row), what: `survey ${count}` }),
    repair: async (tx, _scope, rows) => {
      for (const row of rows)
        await tx.execute(sql`update surveys set started_count = ${Number(row.a_started)}::int,
          finished_count = ${Number(row.a_finished)}::int where id = ${Number(row.survey_id)}::int`);
    },
  },
  tallyTable({
    table: 'survey_pair_tallies',
    keys: ['by_poll_id', 'by_option_id', 'poll_id'],
    counts: ['responses'],
    scope: (scope) => sql`by_poll_id = any(${scope.polls}) and poll_id = any(${scope.polls})`,
    describe: (row, _count, names) => ({ slug: slugOf(names, row), what: byAnswer(names, row) }),
    actual: (scope) => sql`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id,
        count(distinct t.response_id) as responses ${answerPairs(scope)} group by 1, 2, 3`,
  }),
  tallyTable({
    table: 'survey_pair_option_tallies',
    keys: ['by_poll_id', 'by_option_id', 'poll_id', 'option_id'],
    counts: ['votes'],
    scope: (scope) => sql`by_poll_id = any(${scope.polls}) and poll_id = any(${scope.polls})`,
    describe: (row, _count, names) => ({
      slug: slugOf(names, row),
      what: `${byAnswer(names, row)} option ${names.options.get(Number(row.option_id))}`,
    }),
    actual: (scope) => sql`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, t.option_id,
        count(*) as votes ${answerPairs(scope)} group by 1, 2, 3, 4`,
  }),
  tallyTable({
    table: 'survey_day_tallies',
    keys: ['survey_id', 'day'],
    counts: ['started', 'finished'],
    scope: (scope) => sql`survey_id = any(${scope.surveys})`,
    describe: (row, count, names) => ({
      slug: surveySlug(names, row),
      what: `survey day ${dayText(row.day)} ${count}`,
    }),
    // A response counts as started on the day it was created, as finished on the day it first finished.
    actual: (scope) => sql`select survey_id, day, sum(started) as started, sum(finished) as finished from (
        select survey_id, (created_at / ${DAY_MS}::bigint)::int as day, 1 as started, 0 as finished
        from survey_responses where survey_id = any(${scope.surveys})
        union all
        select survey_id, (finished_at / ${DAY_MS}::bigint)::int, 0, 1
        from survey_responses where survey_id = any(${scope.surveys}) and finished and finished_at is not null
      ) x group by survey_id, day`,
  }),
  tallyTable({
    table: 'survey_page_tallies',
    keys: ['survey_id', 'page'],
    counts: ['reached', 'completed'],
    scope: (scope) => sql`survey_id = any(${scope.surveys})`,
    describe: (row, count, names) => ({
      slug: surveySlug(names, row),
      what: `survey page ${Number(row.page) + 1} ${count}`,
    }),
    // Every response reached page 1; each page it submitted is completed, and the next one
    // (up to the survey's last page) reached.
    actual: (scope) => sql`with done as (
        select r.survey_id, d.page::int as page
        from survey_responses r cross join jsonb_array_elements_text(r.pages_done) as d(page)
        where r.survey_id = any(${scope.surveys})
      ), last as (
        select survey_id, max(survey_page) as last from polls where survey_id = any(${scope.surveys}) group by survey_id
      )
      select survey_id, page, sum(reached) as reached, sum(completed) as completed from (
        select survey_id, 0 as page, 1 as reached, 0 as completed
        from survey_responses where survey_id = any(${scope.surveys})
        union all select survey_id, page, 0, 1 from done
        union all select d.survey_id, d.page + 1, 1, 0 from done d left join last l using (survey_id)
          where d.page < coalesce(l.last, 0)
      ) x group by survey_id, page`,
  }),
];

/** Orders key values as SQLite's reads do: numbers by value, text in byte (code unit) order. */
function compareKeys(keys: string[]) {
  return (a: Row, b: Row) => {
    for (const key of keys) {
      const x = a[key];
      const y = b[key];
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return String(x) < String(y) ? -1 : 1;
    }
    return 0;
  };
}

async function namesOf(tx: PgTx, scope: Scope): Promise<Names> {
  const map = async (query: SQL) =>
    new Map((await tx.execute<{ id: number; name: string }>(query)).rows.map((row) => [row.id, row.name]));
  return {
    polls: await map(sql`select id, slug as name from polls where id = any(${scope.polls})`),
    options: await map(sql`select id, key as name from poll_options where poll_id = any(${scope.polls})`),
    surveys: await map(sql`select id, slug as name from surveys where id = any(${scope.surveys})`),
  };
}

export function createPgRecount(db: PgDb): Pick<PollStore, 'recount'> {
  return {
    async recount(repair) {
      return inTransaction(db, async (tx) => {
        // Surveys, then polls, each in id order: the lock order of every writer (see the top).
        const locked = async (query: SQL) => (await tx.execute<{ id: number }>(query)).rows.map((row) => row.id);
        const surveyIds = await locked(sql`select id from surveys order by id for update`);
        const pollIds = await locked(sql`select id from polls order by id for update`);
        const scope: Scope = { polls: ints(pollIds), surveys: ints(surveyIds) };
        // Every comparison in one statement, each drifted row tagged with its check.
        const { rows } = await tx.execute<{ n: number; row: Row }>(
          sql.join(
            CHECKS.map((check, i) => sql`select ${i}::int as n, c.row from (${check.drift(scope)}) c`),
            sql` union all `,
          ),
        );
        if (rows.length === 0) return [];
        const names = await namesOf(tx, scope);
        const drift: TallyDrift[] = [];
        for (const [i, check] of CHECKS.entries()) {
          const drifted = rows
            .filter((row) => row.n === i)
            .map((row) => row.row)
            .sort(compareKeys(check.keys));
          if (drifted.length === 0) continue;
          for (const row of drifted)
            for (const count of check.counts) {
              const stored = Number(row[`s_${count}`]);
              const actual = Number(row[`a_${count}`]);
              if (stored === actual) continue;
              const { slug, what } = check.describe(row, count, names);
              drift.push({ pollSlug: slug, what, stored, actual });
            }
          if (repair) await check.repair(tx, scope, drifted);
        }
        return drift;
      });
    },
  };
}
