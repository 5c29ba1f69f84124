/**
 * A survey's results over HTTP from the built server: the results JSON (with `?by=question:` and
 * `?by=<profile>`), the trend, the live stream and the owner's responses CSV — visibility (403
 * results_hidden), 404 for unknown and draft surveys, 422 invalid_breakdown, 401 for the CSV
 * without admin rights. The surveys and responses are written into the server's database before
 * it starts, through the survey store's own submission path.
 */
import { describe, expect, it } from 'vitest';
import { createPoll as createStandalonePoll, preparePoll } from '@/lib/poll-admin';
import type { ProfileAnswers } from '@/lib/profile';
import type { NewQuestion, SurveyFields, SurveyRecord, SurveyStore } from '@/lib/survey-types';
import { signDeviceId, surveyDeviceKeyFor } from '@/lib/voter';
import { loginAsAdmin, request } from '../support/api';
import { openStream } from '../support/event-stream';
import { ADMIN_TOKEN, serverDatabaseUrl, useServer } from '../support/server';
import { withStores } from '../support/temp-db';

const SECRET = 'survey-results-http-secret-0123456789abcdef';
const PASSWORD = 'a-long-admin-password';
const DEVICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const VOTER_COOKIE = `pp_voter=${signDeviceId(SECRET, DEVICE)}`;
const START = Date.parse('2026-11-01T09:00:00Z');
const DAY = 86_400_000;

const fields = (overrides: Partial<SurveyFields>): SurveyFields => ({
  slug: 's',
  title: 'Survey',
  description: '',
  status: 'open',
  opensAt: null,
  closesAt: null,
  resultsVisibility: 'always',
  duplicatePolicy: 'device',
  profile: ['role', 'companySize'],
  ...overrides,
});

/** A question from poll input (the store gives it the survey's status, visibility, policy and profile). */
const asQuestion = (input: { slug: string } & Record<string, unknown>, page: number, required = false): NewQuestion => {
  const { fields: pollFields, options } = preparePoll(input);
  return { fields: { ...pollFields, slug: input.slug }, options, page, required };
};

async function create(surveyStore: SurveyStore, survey: SurveyFields, questions: NewQuestion[]) {
  const created = await surveyStore.createSurvey(survey, questions, START - DAY);
  if (!('id' in created)) throw new Error(`slug taken: ${created.slugTaken}`);
  return created;
}

interface Answer {
  choices: string[];
  other?: string;
}

/** One response, all of its pages at once; answers by question slug and option key. */
async function respond(
  surveyStore: SurveyStore,
  survey: SurveyRecord,
  answers: Record<string, Answer>,
  { profile = {}, at, deviceKey = null }: { profile?: ProfileAnswers; at: number; deviceKey?: string | null },
) {
  const questions = survey.questions.filter((q) => answers[q.poll.slug]);
  const last = Math.max(0, ...questions.map((q) => q.page));
  const outcome = await surveyStore.recordSubmission({
    surveyId: survey.id,
    responseId: null,
    pages: Array.from({ length: last + 1 }, (_, p) => p),
    answers: questions.map(({ poll }) => {
      const { choices, other } = answers[poll.slug]!;
      const ids = choices.map((key) => poll.options.find((o) => o.key === key)!.id);
      return {
        pollId: poll.id,
        optionIds: poll.type === 'ranked' ? ids.slice(0, 1) : ids,
        ranking: poll.type === 'ranked' ? ids : null,
        otherText: other ?? null,
        deviceKey: null,
      };
    }),
    profile,
    createdAt: at,
    source: 'api',
    deviceKey,
    lockKeys: [],
    checkedAgainst: survey.updatedAt,
  });
  if (outcome.outcome !== 'recorded') throw new Error(`submission ${outcome.outcome}`);
}

/**
 * Respondents of "team": 12 say x, 11 say y, 1 says z to question 1; 3 of them (one each of x, y
 * and z) stop after page 1, so 21 answer question 2: x 11, y 10.
 */
async function prepare(dir: string) {
  await withStores(await serverDatabaseUrl(dir), async ({ store, surveyStore }) => {
    const team = await create(surveyStore, fields({ slug: 'team', title: 'Team pulse' }), [
      asQuestion({ slug: 'team-1', question: 'Tool?', options: ['X', 'Y', 'Z'] }, 0, true),
      asQuestion(
        {
          slug: 'team-2',
          question: 'Which?',
          type: 'multiple',
          options: ['A', 'B'],
          maxChoices: 2,
          allowOther: true,
        },
        1,
      ),
      asQuestion({ slug: 'team-3', question: 'Rank?', type: 'ranked', options: ['R', 'S'] }, 1),
    ]);
    const first = ['x', 'y', 'z'];
    for (let i = 0; i < 24; i++) {
      const q1 = first[i < 12 ? 0 : i < 23 ? 1 : 2]!;
      const stops = i % 8 === 7;
      const answers: Record<string, Answer> = { 'team-1': { choices: [q1] } };
      if (!stops) {
        answers['team-2'] =
          i === 0 ? { choices: ['other'], other: '=HYPERLINK("http://x")' } : { choices: q1 === 'x' ? ['a'] : ['b'] };
        answers['team-3'] = { choices: i % 2 ? ['r', 's'] : ['s', 'r'] };
      }
      await respond(surveyStore, team, answers, {
        profile: i % 3 ? { role: 'manager' } : { role: 'director', companySize: 'gt-10000' },
        at: START + (i % 5) * DAY + i * 61_000 + 17_000,
        deviceKey: i === 1 ? surveyDeviceKeyFor(SECRET, team.id, 'someone-else') : null,
      });
    }
    const voters = await create(
      surveyStore,
      fields({ slug: 'voters-only', title: 'Voters only', resultsVisibility: 'after_vote' }),
      [asQuestion({ slug: 'voters-only-1', question: 'Q?', options: ['Yes', 'No'] }, 0, true)],
    );
    await respond(
      surveyStore,
      voters,
      { 'voters-only-1': { choices: ['yes'] } },
      { at: START, deviceKey: surveyDeviceKeyFor(SECRET, voters.id, DEVICE) },
    );
    await create(surveyStore, fields({ slug: 'draft-survey', status: 'draft' }), [
      asQuestion({ slug: 'draft-survey-1', question: 'Q?', options: ['Yes', 'No'] }, 0),
    ]);
    await create(surveyStore, fields({ slug: 'empty', profile: [] }), [
      asQuestion({ slug: 'empty-1', question: 'Q?', options: ['Yes', 'No'] }, 0),
      asQuestion({ slug: 'empty-2', question: 'R?', type: 'rating', options: ['1', '2', '3'] }, 1),
    ]);
    await createStandalonePoll(
      store,
      { slug: 'a-poll', question: 'P?', options: ['A', 'B'], resultsVisibility: 'always' },
      START,
    );
  });
}

const server = useServer({
  env: { VOTER_KEY_SECRET: SECRET, ADMIN_PASSWORD: PASSWORD, SEGMENT_MIN_N: '3', MAX_STREAMS: '3' },
  prepare,
});

const results = (slug: string, query = '', headers: Record<string, string> = {}) =>
  request(`${server.url}/api/surveys/${slug}/results${query}`, { headers });

describe('GET /api/surveys/{slug}/results', () => {
  it('gives every question’s results in order with its page, the funnel and completion', async () => {
    const { status, headers, body } = await results('team');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({ slug: 'team', title: 'Team pulse', status: 'open', totalResponses: 24 });
    expect(
      body.questions.map((q: { slug: string; page: number; required: boolean }) => [q.slug, q.page, q.required]),
    ).toEqual([
      // Pages numbered from 1, as in the funnel.
      ['team-1', 1, true],
      ['team-2', 2, false],
      ['team-3', 2, false],
    ]);
    expect(body.questions[0].totalResponses).toBe(24);
    expect(body.questions[0].options.map((o: { votes: number }) => o.votes)).toEqual([12, 11, 1]);
    // Ranked questions carry their runoff count, as a poll's results do.
    expect(body.questions[2].ranked.rounds.length).toBeGreaterThan(0);
    // Three of 24 stopped after page 1.
    expect(body.funnel).toEqual([
      { page: 1, reached: 24, completed: 24 },
      { page: 2, reached: 24, completed: 21 },
    ]);
    expect(body.completion).toMatchObject({ started: 24, finished: 21, rate: 21 / 24 });
    expect(body.completion.ci95.low).toBeLessThan(21 / 24);
    expect(body.by).toBeUndefined();
    expect(body.questions.every((q: { breakdown?: unknown }) => q.breakdown === undefined)).toBe(true);
  });

  it('a survey nobody answered: zero funnel, completion rate 0 with the whole range', async () => {
    const { status, body } = await results('empty');
    expect(status).toBe(200);
    expect(body.funnel).toEqual([
      { page: 1, reached: 0, completed: 0 },
      { page: 2, reached: 0, completed: 0 },
    ]);
    expect(body.completion).toEqual({ started: 0, finished: 0, rate: 0, ci95: { low: 0, high: 1 } });
  });

  it('?by=question:<slug> breaks every other question down by its answers, "No answer" last', async () => {
    const { status, body } = await results('team', '?by=question:team-1');
    expect(status).toBe(200);
    expect(body.by).toEqual({ kind: 'question', key: 'question:team-1', label: 'Tool?' });
    expect(body.questions[0].breakdown).toBeUndefined();
    const breakdown = body.questions[1].breakdown;
    expect(breakdown).toMatchObject({ dimension: 'question:team-1', where: null, minCellSize: 3, suppressed: false });
    expect(breakdown.segments.map((s: { value: string; label: string }) => [s.value, s.label])).toEqual([
      ['x', 'X'],
      ['y', 'Y'],
      ['z', 'Z'],
      ['not-answered', 'No answer'],
    ]);
    // Of the 21 who answered question 2: x 11 (10 chose a), y 10 (none did), z and no answer: nobody (hidden).
    const [x, y, z, none] = breakdown.segments;
    expect(x).toMatchObject({ n: 11, suppressed: false });
    expect(x.options.find((o: { key: string }) => o.key === 'a').share).toBe(10 / 11);
    expect(x.options.find((o: { key: string }) => o.key === 'a').diff.ci95.low).toBeGreaterThan(0);
    expect(y).toMatchObject({ n: 10, suppressed: false });
    expect(z).toEqual({ value: 'z', label: 'Z', suppressed: true, n: null, options: null });
    expect(none).toMatchObject({ suppressed: true, n: null });
    // The question's totals are those of the same snapshot.
    expect(body.questions[1].totalResponses).toBe(21);
    expect(body.questions[2].breakdown.dimension).toBe('question:team-1');
  });

  it('?by=<profile dimension> breaks each question down as a poll’s results do', async () => {
    const { status, body } = await results('team', '?by=role');
    expect(status).toBe(200);
    expect(body.by).toEqual({ kind: 'profile', key: 'role', label: 'Role' });
    for (const question of body.questions) {
      expect(question.breakdown.dimension).toBe('role');
      const manager = question.breakdown.segments.find((s: { value: string }) => s.value === 'manager');
      expect(manager.suppressed).toBe(false);
    }
    const where = await results('team', '?by=role&where=companySize:gt-10000');
    expect(where.status).toBe(200);
    expect(where.body.questions[0].breakdown.where).toEqual({ dimension: 'companySize', value: 'gt-10000' });
  });

  it.each([
    ['a multiple-choice question', '?by=question:team-2'],
    ['a ranked question', '?by=question:team-3'],
    ['a question of another survey', '?by=question:voters-only-1'],
    ['an unknown question', '?by=question:nope'],
    ['where with a question', '?by=question:team-1&where=role:manager'],
    ['a profile question the survey does not ask', '?by=industry'],
    ['where without by', '?where=role:manager'],
    ['nonsense', '?by=%3Cscript%3E'],
  ])('%s: 422 invalid_breakdown', async (_name, query) => {
    const { status, body } = await results('team', query);
    expect(status).toBe(422);
    expect(body.error.code).toBe('invalid_breakdown');
    expect(body.error.message).not.toMatch(/</);
  });

  it('404 not_found for an unknown or draft survey', async () => {
    for (const slug of ['nope', 'draft-survey']) {
      const { status, body } = await results(slug);
      expect(status).toBe(404);
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toMatch(/^No survey/);
    }
  });

  it('after_vote: 403 results_hidden unless this browser has a response', async () => {
    const hidden = await results('voters-only');
    expect(hidden.status).toBe(403);
    expect(hidden.body.error).toEqual({
      code: 'results_hidden',
      message: 'Results are shown to people who have answered this survey.',
    });
    // A bad query is still said first, as for polls.
    expect((await results('voters-only', '?by=nope')).status).toBe(422);
    const shown = await results('voters-only', '', { cookie: VOTER_COOKIE });
    expect(shown.status).toBe(200);
    expect(shown.body.totalResponses).toBe(1);
  });

  it('answers only GET', async () => {
    const { status } = await request(`${server.url}/api/surveys/team/results`, { method: 'POST' });
    expect(status).toBe(405);
  });
});

describe('GET /api/surveys/{slug}/trend', () => {
  it('gives started and finished per day from the first response, empty days included', async () => {
    const { status, body } = await request(`${server.url}/api/surveys/team/trend`);
    expect(status).toBe(200);
    expect(body.slug).toBe('team');
    expect(body.interval).toBe('day');
    expect(body.points[0]).toEqual({ start: '2026-11-01', started: 5, finished: 4 });
    expect(body.points.slice(0, 5).reduce((sum: number, p: { started: number }) => sum + p.started, 0)).toBe(24);
    expect(body.points.slice(0, 5).reduce((sum: number, p: { finished: number }) => sum + p.finished, 0)).toBe(21);
    expect(body.points.at(-1).start).toBe(new Date().toISOString().slice(0, 10));
    const week = await request(`${server.url}/api/surveys/team/trend?interval=week`);
    expect(week.status).toBe(200);
    expect(week.body.points[0].start).toBe('2026-10-26');
    expect(week.body.points.reduce((sum: number, p: { started: number }) => sum + p.started, 0)).toBe(24);
  });

  it('400 for a bad interval, 403 while hidden, 404 for unknown', async () => {
    expect((await request(`${server.url}/api/surveys/team/trend?interval=hour`)).status).toBe(400);
    const hidden = await request(`${server.url}/api/surveys/voters-only/trend`);
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe('results_hidden');
    expect(
      (await request(`${server.url}/api/surveys/voters-only/trend`, { headers: { cookie: VOTER_COOKIE } })).status,
    ).toBe(200);
    expect((await request(`${server.url}/api/surveys/draft-survey/trend`)).status).toBe(404);
  });
});

describe('GET /api/surveys/{slug}/results/stream', () => {
  it('sends the survey’s results at once as an SSE event', async () => {
    const stream = await openStream(`${server.url}/api/surveys/team/results/stream`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await stream.next(1)).toBe(true);
    expect(stream.events[0]).toMatchObject({ slug: 'team', totalResponses: 24 });
    expect(stream.events[0].funnel).toHaveLength(2);
    stream.close();
  });

  it('403 results_hidden before any stream, 404 for unknown and draft', async () => {
    const hidden = await request(`${server.url}/api/surveys/voters-only/results/stream`);
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe('results_hidden');
    expect((await request(`${server.url}/api/surveys/nope/results/stream`)).status).toBe(404);
    expect((await request(`${server.url}/api/surveys/draft-survey/results/stream`)).status).toBe(404);
  });

  it('shares MAX_STREAMS with the polls’ streams', async () => {
    // A stream an earlier test closed may take a moment to free its place on the server.
    const openWhenFree = async (path: string) => {
      for (let attempt = 0; ; attempt++) {
        const stream = await openStream(`${server.url}${path}`);
        if (stream.response.status !== 503 || attempt === 40) return stream;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const open = [];
    for (const path of [
      '/api/polls/a-poll/results/stream',
      '/api/surveys/team/results/stream',
      '/api/surveys/empty/results/stream',
    ]) {
      open.push(await openWhenFree(path));
    }
    expect(open.map((s) => s.response.status)).toEqual([200, 200, 200]);
    await Promise.all(open.map((s) => s.next(1)));
    for (const url of ['/api/surveys/team/results/stream', '/api/polls/a-poll/results/stream']) {
      const refused = await request(`${server.url}${url}`);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('streams_full');
    }
    open.forEach((s) => s.close());
  });
});

describe('GET /api/surveys/{slug}/responses.csv', () => {
  const csv = (slug: string, headers: Record<string, string> = {}) =>
    request(`${server.url}/api/surveys/${slug}/responses.csv`, { headers });

  it('401 without admin rights: no token, a wrong token, a voter cookie', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { cookie: VOTER_COOKIE }] as Record<
      string,
      string
    >[]) {
      const { status, body, headers: h } = await csv('team', headers);
      expect(status).toBe(401);
      expect(body.error.code).toBe('unauthorized');
      expect(h.get('cache-control')).toBe('no-store');
    }
  });

  it('with the bearer token: a row per response, a column per question, minute times, no voter keys', async () => {
    const response = await csv('team', { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="team-responses.csv"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const lines = (response.body as string).slice(0, -2).split('\r\n');
    expect(lines[0]).toBe('response,started,updated,finished,role,companySize,team-1,team-2,team-3,team-2:other');
    expect(lines).toHaveLength(25);
    const rows = lines.slice(1).map((line) => line.split(','));
    for (const row of rows) {
      expect(row[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
      expect(row[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
      expect(['true', 'false']).toContain(row[3]);
    }
    // Oldest first: the first response, 09:00:17 on 1 November, to the minute.
    expect(lines[1]).toBe(
      `${rows[0]![0]},2026-11-01T09:00Z,2026-11-01T09:00Z,true,director,gt-10000,x,other,"s;r","'=HYPERLINK(""http://x"")"`,
    );
    expect(rows.filter((row) => row[3] === 'false')).toHaveLength(3);
    expect(rows.find((row) => row[3] === 'false')!.slice(6, 9)).toEqual(['y', '', '']);
    // No key of any kind: the stored survey device key is not in the file.
    const body = response.body as string;
    expect(body).not.toContain(surveyDeviceKeyFor(SECRET, 1, 'someone-else'));
    expect(body).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  it('with an admin session (the API and the admin page), drafts included; 404 for unknown', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const api = await csv('draft-survey', { cookie });
    expect(api.status).toBe(200);
    expect(api.body).toBe('response,started,updated,finished,role,companySize,draft-survey-1\r\n');
    const page = await request(`${server.url}/admin/surveys/team/responses.csv`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect((page.body as string).split('\r\n')).toHaveLength(26);
    expect((await request(`${server.url}/admin/surveys/nope/responses.csv`, { headers: { cookie } })).status).toBe(404);
    expect((await csv('nope', { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(404);
  });

  it('the admin page without a session sends the owner to log in', async () => {
    const page = await request(`${server.url}/admin/surveys/team/responses.csv`);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin');
  });
});

describe('after a response through the API (these change the data: last)', () => {
  it('the survey’s stream and its questions’ streams get the new totals; the respondent gets the results', async () => {
    const survey = await openStream(`${server.url}/api/surveys/team/results/stream`);
    const question = await openStream(`${server.url}/api/polls/team-1/results/stream`);
    expect(await survey.next(1)).toBe(true);
    expect(await question.next(1)).toBe(true);
    const posted = await request(`${server.url}/api/surveys/team/responses`, {
      method: 'POST',
      json: { answers: { 'team-1': { choices: ['z'] } } },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.accepted).toBe(true);
    expect(posted.body.results).toMatchObject({ slug: 'team', totalResponses: 25 });
    expect(await survey.next(2)).toBe(true);
    expect(survey.events[1]).toMatchObject({ totalResponses: 25 });
    expect(survey.events[1].funnel[1]).toEqual({ page: 2, reached: 25, completed: 21 });
    expect(await question.next(2)).toBe(true);
    expect(question.events[1].options.map((o: { votes: number }) => o.votes)).toEqual([12, 11, 2]);
    survey.close();
    question.close();
  });

  it('after_vote: a browser that responded sees the results; the response gives them at once', async () => {
    const posted = await request(`${server.url}/api/surveys/voters-only/responses`, {
      method: 'POST',
      json: { answers: { 'voters-only-1': { choices: ['no'] } } },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.results).toMatchObject({ slug: 'voters-only', totalResponses: 2 });
    const cookie = posted.headers
      .getSetCookie()
      .find((c) => c.startsWith('pp_voter='))!
      .split(';')[0]!;
    expect((await results('voters-only')).status).toBe(403);
    const shown = await results('voters-only', '', { cookie });
    expect(shown.status).toBe(200);
    expect(shown.body.questions[0].options.map((o: { votes: number }) => o.votes)).toEqual([1, 1]);
  });
});
