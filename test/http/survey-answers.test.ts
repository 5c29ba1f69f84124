/** The public survey API on the built server: reads, responses, every refusal — and that a refusal stores nothing. */
import { beforeAll, describe, expect, it } from 'vitest';
import { request, vote, voterCookie } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';
import { answer, createSurvey, storedCounts } from '../support/surveys';

const server = useServer();

const questions = [
  { question: 'How many AI projects reach production?', options: ['None', 'Some', 'Most'], required: true },
  {
    question: 'Which tool does your team use?',
    type: 'multiple',
    options: ['Jira', 'Linear', 'Asana'],
    maxChoices: 2,
    allowOther: true,
  },
  { question: 'What helped most?', type: 'ranked', options: ['Budget', 'Talent', 'Data'], required: true },
];
/** Page 1: questions 1 and 2; page 2: question 3. */
const pulse = { title: 'AI pulse', questions, pages: [[0, 1], [2]], resultsVisibility: 'always', profile: ['role'] };
/** A whole response to the survey `slug` (its questions are `{slug}-1` …). */
const fullFor = (slug: string) => ({
  answers: {
    [`${slug}-1`]: { choices: ['some'] },
    [`${slug}-2`]: { choices: ['jira'], other: 'Trello' },
    [`${slug}-3`]: { choices: ['data', 'budget'] },
  },
  profile: { role: 'manager' },
});
const full = fullFor('pulse');

beforeAll(async () => {
  await createSurvey(server.url, { slug: 'pulse', duplicatePolicy: 'none', ...pulse });
  await createSurvey(server.url, { slug: 'once', duplicatePolicy: 'device', ...pulse });
  await createSurvey(server.url, { slug: 'draft', status: 'draft', ...pulse });
  await createSurvey(server.url, { slug: 'later', opensAt: '2099-01-01T00:00:00Z', ...pulse });
  await createSurvey(server.url, { slug: 'over', status: 'open', ...pulse });
  await request(`${server.url}/api/admin/surveys/over`, {
    method: 'PATCH',
    json: { status: 'closed' },
    token: ADMIN_TOKEN,
  });
});

describe('GET /api/surveys', () => {
  it('lists open then closed surveys, not drafts or scheduled ones', async () => {
    const response = await request(`${server.url}/api/surveys`);
    expect(response.status).toBe(200);
    const slugs = response.body.surveys.map((s: { slug: string }) => s.slug);
    expect(slugs).toEqual(['once', 'pulse', 'over']);
    expect(response.body.surveys[1]).toEqual({
      slug: 'pulse',
      title: 'AI pulse',
      status: 'open',
      questions: 3,
      pages: 2,
      totalResponses: 0,
      createdAt: expect.any(String),
    });
  });
});

describe('GET /api/surveys/{slug}', () => {
  it('returns the survey page by page', async () => {
    const response = await request(`${server.url}/api/surveys/pulse`);
    expect(response.status).toBe(200);
    expect(response.body.pages.map((page: { slug: string }[]) => page.map((q) => q.slug))).toEqual([
      ['pulse-1', 'pulse-2'],
      ['pulse-3'],
    ]);
    expect(response.body.profile).toEqual(['role']);
  });

  it.each(['nowhere', 'draft'])('answers 404 not_found for %s', async (slug) => {
    expect(await request(`${server.url}/api/surveys/${slug}`)).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });
});

describe('POST /api/surveys/{slug}/responses', () => {
  it('records a whole response: every question counted, started and finished', async () => {
    const response = await answer(server.url, 'pulse', full);
    expect(response.status).toBe(201);
    expect(response.body.accepted).toBe(true);
    // The survey shows results always: they come back with the response.
    expect(response.body.results).toMatchObject({ slug: 'pulse', totalResponses: 1 });
    expect(response.body.results.questions.map((q: { slug: string }) => q.slug)).toEqual([
      'pulse-1',
      'pulse-2',
      'pulse-3',
    ]);
    expect(await storedCounts(server.url, 'pulse')).toEqual({
      started: 1,
      finished: 1,
      questions: { 'pulse-1': 1, 'pulse-2': 1, 'pulse-3': 1 },
    });
    const tool = await request(`${server.url}/api/polls/pulse-2/results`);
    expect(tool.body.options.find((o: { key: string }) => o.key === 'other').votes).toBe(1);
  });

  it('records pages 1…k only: an answer to page 1 alone starts a response without finishing it', async () => {
    const response = await answer(server.url, 'pulse', { answers: { 'pulse-1': { choices: ['none'] } } });
    expect(response.status).toBe(201);
    expect(await storedCounts(server.url, 'pulse')).toEqual({
      started: 2,
      finished: 1,
      questions: { 'pulse-1': 2, 'pulse-2': 1, 'pulse-3': 1 },
    });
  });

  it('answers 422 invalid_answers with every problem per question, storing nothing', async () => {
    const before = await storedCounts(server.url, 'pulse');
    const response = await answer(server.url, 'pulse', {
      answers: {
        'pulse-2': { choices: ['jira', 'linear', 'asana'] },
        'pulse-3': { choices: ['data', 'data'] },
        ghost: { choices: ['a'] },
      },
      profile: { role: 'astronaut' },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_answers');
    expect(
      response.body.error.problems.map((p: { question: string | null; code: string }) => [p.question, p.code]),
    ).toEqual([
      ['ghost', 'unknown_question'],
      ['pulse-1', 'required'],
      ['pulse-2', 'too_many_choices'],
      ['pulse-3', 'invalid_choice'],
      [null, 'invalid_profile'],
    ]);
    for (const problem of response.body.error.problems) expect(problem.message).toEqual(expect.any(String));
    expect(await storedCounts(server.url, 'pulse')).toEqual(before);
  });

  it.each<[string, unknown, string]>([
    ['a missing required answer on a submitted page', { answers: { 'pulse-3': { choices: ['data'] } } }, 'required'],
    [
      '"Other" without its text',
      { answers: { 'pulse-1': { choices: ['some'] }, 'pulse-2': { choices: ['other'] } } },
      'invalid_other',
    ],
    ['an unknown option', { answers: { 'pulse-1': { choices: ['lots'] } } }, 'invalid_choice'],
    ['a malformed answer', { answers: { 'pulse-1': 'some' } }, 'invalid_body'],
    ['an unknown field', { answers: { 'pulse-1': { choices: ['some'] } }, comment: 'hi' }, 'invalid_body'],
  ])('answers 422 invalid_answers for %s, storing nothing', async (_, body, code) => {
    const before = await storedCounts(server.url, 'pulse');
    const response = await answer(server.url, 'pulse', body);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_answers');
    expect(response.body.error.problems.map((p: { code: string }) => p.code)).toContain(code);
    expect(await storedCounts(server.url, 'pulse')).toEqual(before);
  });

  it('answers 400 invalid_json, 400 invalid_body, 413 and 415 for bad bodies, storing nothing', async () => {
    const before = await storedCounts(server.url, 'pulse');
    const post = (body: string, type = 'application/json') =>
      request(`${server.url}/api/surveys/pulse/responses`, { method: 'POST', body, headers: { 'content-type': type } });
    expect(await post('{"answers": ')).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    expect(await post('[1, 2]')).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    expect(await post('{"answers":' + '['.repeat(40) + ']'.repeat(40) + '}')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body' } },
    });
    const big = JSON.stringify({ answers: { x: { choices: Array.from({ length: 3000 }, () => 'a'.repeat(30)) } } });
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect(await post(big)).toMatchObject({ status: 413, body: { error: { code: 'body_too_large' } } });
    expect(await post('answers=1', 'application/x-www-form-urlencoded')).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    });
    expect(await storedCounts(server.url, 'pulse')).toEqual(before);
  });

  it("takes a body above a vote's 16 KiB limit (the survey limit is 64 KiB)", async () => {
    const before = await storedCounts(server.url, 'pulse');
    const body = { ...full, answers: { ...full.answers, 'pulse-2': { choices: ['jira'], other: 'Trello' } } };
    const padded = JSON.stringify(body).replace('{', `{${' '.repeat(20 * 1024)}`);
    const response = await request(`${server.url}/api/surveys/pulse/responses`, {
      method: 'POST',
      body: padded,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect((await storedCounts(server.url, 'pulse')).started).toBe(before.started + 1);
  });

  it('answers 404 not_found for an unknown or draft survey', async () => {
    for (const slug of ['nowhere', 'draft']) {
      expect(await answer(server.url, slug, full)).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found' } },
      });
    }
  });

  it('answers 403 poll_not_open before the survey opens and 403 poll_closed after it closed, storing nothing', async () => {
    const later = await storedCounts(server.url, 'later');
    const over = await storedCounts(server.url, 'over');
    expect(await answer(server.url, 'later', fullFor('later'))).toMatchObject({
      status: 403,
      body: { error: { code: 'poll_not_open' } },
    });
    expect(await answer(server.url, 'over', fullFor('over'))).toMatchObject({
      status: 403,
      body: { error: { code: 'poll_closed' } },
    });
    expect(await storedCounts(server.url, 'later')).toEqual(later);
    expect(await storedCounts(server.url, 'over')).toEqual(over);
  });

  it('answers 409 already_voted for a second response from the same browser under the device policy', async () => {
    const first = await answer(server.url, 'once', fullFor('once'));
    expect(first.status).toBe(201);
    const cookie = voterCookie(first.headers);
    const after = await storedCounts(server.url, 'once');
    const second = await answer(server.url, 'once', fullFor('once'), cookie);
    expect(second).toMatchObject({ status: 409, body: { error: { code: 'already_voted' } } });
    expect(await storedCounts(server.url, 'once')).toEqual(after);
    // Another browser still may.
    expect((await answer(server.url, 'once', fullFor('once'))).status).toBe(201);
  });

  it('answers 405 for other methods', async () => {
    const response = await request(`${server.url}/api/surveys/pulse/responses`);
    expect(response.status).toBe(405);
  });
});

describe("voting on a survey's question directly", () => {
  it('answers 403 poll_not_open naming the survey, storing nothing', async () => {
    const before = await storedCounts(server.url, 'pulse');
    const response = await vote(server.url, 'pulse-1', ['some']);
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'poll_not_open' } } });
    expect(response.body.error.message).toBe(
      'This question is part of the survey “AI pulse”; answer it at /surveys/pulse.',
    );
    expect(await storedCounts(server.url, 'pulse')).toEqual(before);
  });
});
