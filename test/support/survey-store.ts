/**
 * A survey of every question type for store tests, submissions built from option keys, and a
 * brute-force recount of every survey tally from the rows (responses, answers, votes).
 */
import type { TempStores } from './temp-db';
import type { ProfileAnswers } from '@/lib/profile';
import { DAY_MS } from '@/lib/store';
import type { NewQuestion, SurveyFields, SurveyRecord, SurveySubmission, SubmissionOutcome } from '@/lib/survey-types';
import type { PollFields, PollType } from '@/lib/types';

export const T0 = Date.parse('2026-11-20T10:00:00Z');

export const surveyFields = (overrides: Partial<SurveyFields> = {}): SurveyFields => ({
  slug: 'team',
  title: 'Team survey',
  description: '',
  status: 'open',
  opensAt: null,
  closesAt: null,
  resultsVisibility: 'always',
  duplicatePolicy: 'device',
  profile: ['role', 'region'],
  ...overrides,
});

const question = (
  slug: string,
  type: PollType,
  keys: string[],
  page: number,
  extra: Partial<PollFields> = {},
  required = false,
): NewQuestion => ({
  fields: {
    slug,
    question: `Question ${slug}?`,
    description: '',
    type,
    scale: 'nominal',
    minChoices: 1,
    maxChoices: type === 'multiple' ? keys.length : type === 'ranked' ? keys.length : 1,
    status: 'draft',
    opensAt: null,
    closesAt: null,
    resultsVisibility: 'after_close',
    duplicatePolicy: 'none',
    networkIdentity: 'address_agent',
    addressBudget: null,
    embedOrigins: [],
    profile: [],
    allowOther: false,
    ...extra,
  },
  options: keys.map((key, i) => ({
    key,
    label: key.toUpperCase(),
    ...(type === 'rating' ? { value: i + 1 } : {}),
    ...(key === 'other' ? { other: true } : {}),
  })),
  page,
  required,
});

/** Three pages: a single choice with "Other" and a multiple choice; a ranked and a rating; a single. */
export const QUESTIONS: NewQuestion[] = [
  question('team-1', 'single', ['a', 'b', 'c', 'other'], 0, { allowOther: true }, true),
  question('team-2', 'multiple', ['x', 'y', 'z'], 0),
  question('team-3', 'ranked', ['r1', 'r2', 'r3'], 1),
  question('team-4', 'rating', ['s1', 's2', 's3', 's4', 's5'], 1),
  question('team-5', 'single', ['yes', 'no'], 2),
];

/** An answer by option keys (ranked: the order); `other` the write-in text. */
export interface KeyAnswer {
  slug: string;
  keys: string[];
  other?: string;
}

/** A submission of these pages and answers, by option keys. */
export function submission(
  survey: SurveyRecord,
  input: {
    responseId?: number | null;
    pages: number[];
    answers: KeyAnswer[];
    profile?: ProfileAnswers | null;
    at?: number;
    lockKeys?: string[];
    deviceKey?: string | null;
  },
): SurveySubmission {
  return {
    surveyId: survey.id,
    responseId: input.responseId ?? null,
    pages: input.pages,
    answers: input.answers.map(({ slug, keys, other }) => {
      const poll = survey.questions.find((q) => q.poll.slug === slug)!.poll;
      const ids = keys.map((key) => poll.options.find((option) => option.key === key)!.id);
      const ranked = poll.type === 'ranked';
      return {
        pollId: poll.id,
        optionIds: ranked ? ids.slice(0, 1) : ids,
        ranking: ranked ? ids : null,
        otherText: other ?? null,
        deviceKey: `device-${slug}`,
      };
    }),
    profile: input.profile === undefined ? (input.responseId ? null : {}) : input.profile,
    createdAt: input.at ?? T0,
    source: 'web',
    deviceKey: input.deviceKey ?? null,
    lockKeys: input.lockKeys ?? [],
    checkedAgainst: survey.updatedAt,
  };
}

export function responseIdOf(outcome: SubmissionOutcome): number {
  if (outcome.outcome !== 'recorded') throw new Error(`not recorded: ${outcome.outcome}`);
  return outcome.responseId;
}

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
    /** JSON text on SQLite, jsonb (read as the array) on PostgreSQL. */
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
      )) as unknown as {
        survey_id: number;
        last: number;
      }[]
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
  const stored = {
    counts: await all('select id, started_count, finished_count from surveys'),
    pages: nonZero(await all('select survey_id, page, reached, completed from survey_page_tallies'), 'reached'),
    days: (await all('select survey_id, day, started, finished from survey_day_tallies')).filter(
      (row) => Number(row.started) + Number(row.finished) > 0,
    ),
    pairs: nonZero(
      await all('select by_poll_id, by_option_id, poll_id, responses from survey_pair_tallies'),
      'responses',
    ),
    pairVotes: nonZero(
      await all('select by_poll_id, by_option_id, poll_id, option_id, votes from survey_pair_option_tallies'),
      'votes',
    ),
  };
  const recounted = {
    counts: await all(`select s.id,
          (select count(*) from survey_responses r where r.survey_id = s.id) as started_count,
          (select count(*) from survey_responses r where r.survey_id = s.id and r.finished) as finished_count
          from surveys s`),
    pages: [...funnel.values()]
      .filter((row) => row.reached !== 0)
      .map((row) => ({ survey_id: row.survey_id, page: row.page, reached: row.reached, completed: row.completed })),
    days: [...days.values()],
    pairs:
      await all(`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, count(distinct t.response_id) as responses
          from (${answerChoices}) b join (${answerChoices}) t on t.response_id = b.response_id and t.poll_id <> b.poll_id
          where b.type in ('single', 'rating') group by b.poll_id, b.option_id, t.poll_id`),
    pairVotes:
      await all(`select b.poll_id as by_poll_id, b.option_id as by_option_id, t.poll_id, t.option_id, count(*) as votes
          from (${answerChoices}) b join (${answerChoices}) t on t.response_id = b.response_id and t.poll_id <> b.poll_id
          where b.type in ('single', 'rating') group by b.poll_id, b.option_id, t.poll_id, t.option_id`),
  };
  const sorted = (tallies: Record<string, Row[]>) =>
    Object.fromEntries(Object.entries(tallies).map(([name, rows]) => [name, sortRows(rows)]));
  return { stored: sorted(stored), recounted: sorted(recounted) };
}

/**
 * Every table's rows (sorted: PostgreSQL keeps no insertion order), for "a refused submission
 * stores nothing".
 */
export async function dumpAll(temp: TempStores): Promise<Record<string, unknown[]>> {
  const tables = await temp.query<{ name: string }>(
    temp.kind === 'sqlite'
      ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'"
      : "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '__drizzle%'",
  );
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const rows = await temp.query<Row>(`select * from "${name}"`);
    dump[name] = rows
      .map((row) => [JSON.stringify(row), row] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }
  return dump;
}
