/**
 * Survey tallies against their rows: each survey's started and finished counts, its funnel
 * (reached / completed per page) and per-day started / finished from `survey_responses`, and
 * the cross-question pair tallies from `survey_answers` and `vote_choices`. With `repair`, a
 * drifted tally is rewritten from the rows.
 */
import { DAY_MS, type TallyDrift } from '../src/lib/store';
import type { Db } from './client';

type Row = Record<string, number>;

/** One survey-answer choice per row, with its question's type. */
const ANSWER_CHOICES = `select sa.response_id, sa.poll_id, p.type, vc.option_id
  from survey_answers sa join polls p on p.id = sa.poll_id join vote_choices vc on vc.vote_id = sa.vote_id`;
const PAIRS = `from (${ANSWER_CHOICES}) b join (${ANSWER_CHOICES}) t
  on t.response_id = b.response_id and t.poll_id <> b.poll_id where b.type in ('single', 'rating')`;

interface Tally {
  table: string;
  keys: string[];
  counts: string[];
  /** The rows the table should hold, from the response rows. */
  actual: (sqlite: Db['$client']) => Row[];
  /** The survey slug (or question slug) and what a row counts, for the report. */
  describe: (row: Row, names: Names) => { slug: string; what: string };
}

interface Names {
  surveys: Map<number, string>;
  polls: Map<number, string>;
  options: Map<number, string>;
}

const TALLIES: Tally[] = [
  {
    table: 'survey_pair_tallies',
    keys: ['by_poll_id', 'by_option_id', 'poll_id'],
    counts: ['responses'],
    actual: (sqlite) =>
      sqlite
        .prepare(
          `select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id,
           count(distinct t.response_id) as responses ${PAIRS} group by b.poll_id, b.option_id, t.poll_id`,
        )
        .all() as Row[],
    describe: (row, names) => ({
      slug: names.polls.get(row.poll_id) ?? String(row.poll_id),
      what: `by ${names.polls.get(row.by_poll_id)}=${names.options.get(row.by_option_id)}`,
    }),
  },
  {
    table: 'survey_pair_option_tallies',
    keys: ['by_poll_id', 'by_option_id', 'poll_id', 'option_id'],
    counts: ['votes'],
    actual: (sqlite) =>
      sqlite
        .prepare(
          `select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, t.option_id, count(*) as votes
           ${PAIRS} group by b.poll_id, b.option_id, t.poll_id, t.option_id`,
        )
        .all() as Row[],
    describe: (row, names) => ({
      slug: names.polls.get(row.poll_id) ?? String(row.poll_id),
      what: `by ${names.polls.get(row.by_poll_id)}=${names.options.get(row.by_option_id)} option ${names.options.get(row.option_id)}`,
    }),
  },
  {
    table: 'survey_day_tallies',
    keys: ['survey_id', 'day'],
    counts: ['started', 'finished'],
    actual: (sqlite) => {
      const days = new Map<string, Row>();
      const day = (surveyId: number, d: number) => {
        const key = `${surveyId}:${d}`;
        return days.get(key) ?? days.set(key, { survey_id: surveyId, day: d, started: 0, finished: 0 }).get(key)!;
      };
      const rows = sqlite
        .prepare('select survey_id, created_at, finished, finished_at from survey_responses')
        .all() as Row[];
      for (const row of rows) {
        day(row.survey_id, Math.floor(row.created_at / DAY_MS)).started++;
        if (row.finished && row.finished_at !== null)
          day(row.survey_id, Math.floor(row.finished_at / DAY_MS)).finished++;
      }
      return [...days.values()];
    },
    describe: (row, names) => ({
      slug: names.surveys.get(row.survey_id) ?? String(row.survey_id),
      what: `survey day ${new Date(row.day * DAY_MS).toISOString().slice(0, 10)}`,
    }),
  },
  {
    table: 'survey_page_tallies',
    keys: ['survey_id', 'page'],
    counts: ['reached', 'completed'],
    actual: (sqlite) => {
      const last = new Map(
        (
          sqlite
            .prepare(
              'select survey_id, max(survey_page) as last from polls where survey_id is not null group by survey_id',
            )
            .all() as Row[]
        ).map((row) => [row.survey_id, row.last]),
      );
      const pages = new Map<string, Row>();
      const step = (surveyId: number, page: number) => {
        const key = `${surveyId}:${page}`;
        return pages.get(key) ?? pages.set(key, { survey_id: surveyId, page, reached: 0, completed: 0 }).get(key)!;
      };
      const rows = sqlite.prepare('select survey_id, pages_done from survey_responses').all() as {
        survey_id: number;
        pages_done: string;
      }[];
      for (const row of rows) {
        step(row.survey_id, 0).reached++;
        for (const page of JSON.parse(row.pages_done) as number[]) {
          step(row.survey_id, page).completed++;
          if (page < (last.get(row.survey_id) ?? 0)) step(row.survey_id, page + 1).reached++;
        }
      }
      return [...pages.values()];
    },
    describe: (row, names) => ({
      slug: names.surveys.get(row.survey_id) ?? String(row.survey_id),
      what: `survey page ${row.page + 1}`,
    }),
  },
];

export function recountSurveyTallies(sqlite: Db['$client'], repair: boolean, drift: TallyDrift[]): void {
  const nameMap = (query: string) =>
    new Map((sqlite.prepare(query).all() as { id: number; name: string }[]).map((row) => [row.id, row.name]));
  const names: Names = {
    surveys: nameMap('select id, slug as name from surveys'),
    polls: nameMap('select id, slug as name from polls where survey_id is not null'),
    options: nameMap('select id, key as name from poll_options'),
  };

  // Started and finished per survey.
  const counts = sqlite
    .prepare(
      `select s.id, s.slug, s.started_count, s.finished_count,
        (select count(*) from survey_responses r where r.survey_id = s.id) as started,
        (select count(*) from survey_responses r where r.survey_id = s.id and r.finished) as finished
       from surveys s order by s.id`,
    )
    .all() as {
    id: number;
    slug: string;
    started_count: number;
    finished_count: number;
    started: number;
    finished: number;
  }[];
  const fix = sqlite.prepare('update surveys set started_count = ?, finished_count = ? where id = ?');
  for (const row of counts) {
    if (row.started_count !== row.started)
      drift.push({ pollSlug: row.slug, what: 'survey started', stored: row.started_count, actual: row.started });
    if (row.finished_count !== row.finished)
      drift.push({ pollSlug: row.slug, what: 'survey finished', stored: row.finished_count, actual: row.finished });
    if (repair && (row.started_count !== row.started || row.finished_count !== row.finished))
      fix.run(row.started, row.finished, row.id);
  }

  for (const tally of TALLIES) {
    const keyOf = (row: Row) => tally.keys.map((key) => row[key]).join('|');
    const stored = new Map((sqlite.prepare(`select * from ${tally.table}`).all() as Row[]).map((r) => [keyOf(r), r]));
    const actualRows = tally.actual(sqlite);
    const actual = new Map(actualRows.map((r) => [keyOf(r), r]));
    const before = drift.length;
    for (const key of new Set([...stored.keys(), ...actual.keys()])) {
      const row = (actual.get(key) ?? stored.get(key))!;
      for (const count of tally.counts) {
        const was = stored.get(key)?.[count] ?? 0;
        const is = actual.get(key)?.[count] ?? 0;
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
    if (repair && drift.length > before) {
      sqlite.prepare(`delete from ${tally.table}`).run();
      const columns = [...tally.keys, ...tally.counts];
      const insert = sqlite.prepare(
        `insert into ${tally.table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of actualRows) insert.run(...columns.map((column) => row[column]));
    }
  }
}
