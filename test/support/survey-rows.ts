/**
 * The rows under a SurveyStore on either store of the test matrix (TempStores.query): every
 * survey tally as stored and as recounted from the rows, and every table's rows — the async,
 * dialect-neutral forms of survey-store.ts's surveyTallies and dumpAll.
 */
import type { TempStores } from './temp-db';
import { DAY_MS } from '@/lib/store';

type Row = Record<string, number | string | null>;
const sortRows = (rows: Row[]) => rows.map((row) => JSON.stringify(row)).sort();

/**
 * Every survey tally as stored and as recounted from the rows, as sorted JSON rows with zero
 * counts left out (a tally row brought to 0 may be deleted or kept).
 */
export async function surveyTallies(
  temp: TempStores,
): Promise<{ stored: Record<string, string[]>; recounted: Record<string, string[]> }> {
  const all = (query: string) => temp.query<Row>(query);
  const nonZero = (rows: Row[], count: string) => rows.filter((row) => Number(row[count]) !== 0);
  const responses = (await all('select * from survey_responses')) as unknown as {
    id: number;
    survey_id: number;
    created_at: number;
    finished: number | boolean;
    finished_at: number | null;
    /** JSON text on SQLite, parsed jsonb on PostgreSQL. */
    pages_done: string | number[];
  }[];
  // The funnel from each response's pages, recounted in JS.
  const funnel = new Map<string, { survey_id: number; page: number; reached: number; completed: number }>();
  const step = (surveyId: number, page: number) => {
    const key = `${surveyId}:${page}`;
    return funnel.get(key) ?? funnel.set(key, { survey_id: surveyId, page, reached: 0, completed: 0 }).get(key)!;
  };
  const lastPage = new Map(
    (
      (await all(
        'select survey_id, max(survey_page) as last from polls where survey_id is not null group by survey_id',
      )) as unknown as { survey_id: number; last: number }[]
    ).map((row) => [row.survey_id, row.last]),
  );
  const days = new Map<string, { survey_id: number; day: number; started: number; finished: number }>();
  const day = (surveyId: number, d: number) => {
    const key = `${surveyId}:${d}`;
    return days.get(key) ?? days.set(key, { survey_id: surveyId, day: d, started: 0, finished: 0 }).get(key)!;
  };
  for (const response of responses) {
    step(response.survey_id, 0).reached++;
    const done =
      typeof response.pages_done === 'string' ? (JSON.parse(response.pages_done) as number[]) : response.pages_done;
    for (const page of done) {
      step(response.survey_id, page).completed++;
      if (page < lastPage.get(response.survey_id)!) step(response.survey_id, page + 1).reached++;
    }
    day(response.survey_id, Math.floor(response.created_at / DAY_MS)).started++;
    if (response.finished) day(response.survey_id, Math.floor(response.finished_at! / DAY_MS)).finished++;
  }
  const answerChoices = `select sa.response_id, sa.poll_id, p.type, vc.option_id
    from survey_answers sa join votes v on v.id = sa.vote_id join polls p on p.id = sa.poll_id
    join vote_choices vc on vc.vote_id = sa.vote_id`;
  return {
    stored: {
      counts: sortRows(await all('select id, started_count, finished_count from surveys')),
      pages: sortRows(
        nonZero(await all('select survey_id, page, reached, completed from survey_page_tallies'), 'reached'),
      ),
      days: sortRows(
        (await all('select survey_id, day, started, finished from survey_day_tallies')).filter(
          (row) => Number(row.started) + Number(row.finished) > 0,
        ),
      ),
      pairs: sortRows(
        nonZero(await all('select by_poll_id, by_option_id, poll_id, responses from survey_pair_tallies'), 'responses'),
      ),
      pairVotes: sortRows(
        nonZero(
          await all('select by_poll_id, by_option_id, poll_id, option_id, votes from survey_pair_option_tallies'),
          'votes',
        ),
      ),
    },
    recounted: {
      counts: sortRows(
        await all(`select s.id,
          (select count(*) from survey_responses r where r.survey_id = s.id) as started_count,
          (select count(*) from survey_responses r where r.survey_id = s.id and r.finished) as finished_count
          from surveys s`),
      ),
      pages: sortRows(
        [...funnel.values()]
          .filter((row) => row.reached !== 0)
          .map((row) => ({ survey_id: row.survey_id, page: row.page, reached: row.reached, completed: row.completed })),
      ),
      days: sortRows([...days.values()]),
      pairs: sortRows(
        await all(`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, count(distinct t.response_id) as responses
          from (${answerChoices}) b join (${answerChoices}) t on t.response_id = b.response_id and t.poll_id <> b.poll_id
          where b.type in ('single', 'rating') group by b.poll_id, b.option_id, t.poll_id`),
      ),
      pairVotes: sortRows(
        await all(`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, t.option_id, count(*) as votes
          from (${answerChoices}) b join (${answerChoices}) t on t.response_id = b.response_id and t.poll_id <> b.poll_id
          where b.type in ('single', 'rating') group by b.poll_id, b.option_id, t.poll_id, t.option_id`),
      ),
    },
  };
}

/**
 * Every table's rows, for "a refused submission stores nothing": SQLite's in rowid order,
 * PostgreSQL's ordered by the whole row (its heap order moves with every update).
 */
export async function dumpAll(temp: TempStores): Promise<Record<string, unknown[]>> {
  const tables =
    temp.kind === 'postgres'
      ? await temp.query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '__drizzle%'",
        )
      : await temp.query<{ name: string }>(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'",
        );
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables.sort((a, b) => (a.name < b.name ? -1 : 1)))
    dump[name] = await temp.query(
      temp.kind === 'postgres' ? `select * from "${name}" as t order by t` : `select * from "${name}"`,
    );
  return dump;
}
