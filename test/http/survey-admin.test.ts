/** The survey admin API on the built server: every refusal, what it stores (nothing when refused), and the questions as polls. */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';
import { answer, createSurvey, storedCounts } from '../support/surveys';

const server = useServer();
const admin = { token: ADMIN_TOKEN };

const questions = [
  { question: 'How many AI projects reach production?', options: ['None', 'Some', 'Most'], required: true },
  { question: 'Which tool does your team use?', options: ['Jira', 'Linear'], allowOther: true },
  { question: 'What helped most?', type: 'ranked', options: ['Budget', 'Talent', 'Data'] },
];

const adminSlugs = async () =>
  ((await request(`${server.url}/api/admin/surveys`, admin)).body.surveys as { slug: string }[]).map((s) => s.slug);

describe('POST /api/admin/surveys', () => {
  it('creates a survey whose questions are polls with slugs {survey}-{n}, one per page by default', async () => {
    const response = await request(`${server.url}/api/admin/surveys`, {
      ...admin,
      method: 'POST',
      json: { slug: 'pulse', title: 'AI pulse', questions, resultsVisibility: 'always' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/admin/surveys/pulse');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ slug: 'pulse', title: 'AI pulse', status: 'open', profile: [] });
    expect(
      response.body.pages.map((page: { slug: string; required: boolean }[]) => page.map((q) => [q.slug, q.required])),
    ).toEqual([[['pulse-1', true]], [['pulse-2', false]], [['pulse-3', false]]]);
    // A question is a poll with its own page and results, but is not listed on its own.
    expect((await request(`${server.url}/api/polls/pulse-2`)).body).toMatchObject({ allowOther: true, status: 'open' });
    const polls = (await request(`${server.url}/api/polls`)).body.polls.map((p: { slug: string }) => p.slug);
    expect(polls).not.toContain('pulse-1');
    const owned = (await request(`${server.url}/api/admin/polls`, admin)).body.polls.map(
      (p: { slug: string }) => p.slug,
    );
    expect(owned).not.toContain('pulse-1');
  });

  it('groups questions into pages and derives slugs past a poll that has one already', async () => {
    await createPoll(server.url, { slug: 'grouped-1', question: 'Taken?', options: ['A', 'B'] });
    const survey = await createSurvey(server.url, {
      slug: 'grouped',
      title: 'Grouped',
      questions,
      pages: [[0, 1], [2]],
    });
    expect(survey.pages.map((page: { slug: string }[]) => page.map((q) => q.slug))).toEqual([
      ['grouped-1-2', 'grouped-2'],
      ['grouped-3'],
    ]);
  });

  it('derives the survey slug from the title', async () => {
    const survey = await createSurvey(server.url, { title: 'Team pulse, November', questions: questions.slice(0, 1) });
    expect(survey.slug).toBe('team-pulse-november');
    expect(survey.pages[0][0].slug).toBe('team-pulse-november-1');
  });

  it('answers 401 without the bearer token on every route, storing nothing', async () => {
    const before = await adminSlugs();
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/surveys'],
      ['POST', '/api/admin/surveys', { title: 'X', questions }],
      ['GET', '/api/admin/surveys/pulse'],
      ['PATCH', '/api/admin/surveys/pulse', { title: 'Hijacked' }],
      ['DELETE', '/api/admin/surveys/pulse'],
    ];
    for (const [method, path, json] of routes) {
      for (const token of [null, 'wrong-token']) {
        const response = await request(`${server.url}${path}`, { method, json, token });
        expect(response, `${method} ${path}`).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      }
    }
    expect(await adminSlugs()).toEqual(before);
    expect((await request(`${server.url}/api/surveys/pulse`)).body.title).toBe('AI pulse');
  });

  it('answers 400 invalid_json, 400 invalid_body (too deep), 413 and 415 for bad bodies', async () => {
    const before = await adminSlugs();
    const post = (body: string, type = 'application/json') =>
      request(`${server.url}/api/admin/surveys`, { ...admin, method: 'POST', body, headers: { 'content-type': type } });
    expect(await post('{"title": ')).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    expect(await post('['.repeat(40) + ']'.repeat(40))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body' } },
    });
    const big = JSON.stringify({ title: 'x', description: 'y'.repeat(70 * 1024), questions });
    expect(await post(big)).toMatchObject({ status: 413, body: { error: { code: 'body_too_large' } } });
    expect(await post('title=x', 'application/x-www-form-urlencoded')).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    });
    expect(await adminSlugs()).toEqual(before);
  });

  it('answers 422 invalid_poll naming the field path, storing nothing', async () => {
    const before = await adminSlugs();
    const response = await request(`${server.url}/api/admin/surveys`, {
      ...admin,
      method: 'POST',
      json: { slug: 'broken', title: 'Broken', questions: [questions[0], { question: 'Two?', options: ['Only'] }] },
    });
    expect(response).toMatchObject({
      status: 422,
      body: { error: { code: 'invalid_poll', message: 'questions.1.options: Give at least 2 options.' } },
    });
    const pages = await request(`${server.url}/api/admin/surveys`, {
      ...admin,
      method: 'POST',
      json: { slug: 'broken', title: 'Broken', questions, pages: [[0, 1]] },
    });
    expect(pages).toMatchObject({ status: 422, body: { error: { code: 'invalid_poll' } } });
    expect(pages.body.error.message).toMatch(/^pages: Question 3 \(index 2\) is on no page/);
    expect(await adminSlugs()).toEqual(before);
    expect((await request(`${server.url}/api/polls/broken-1`)).status).toBe(404);
  });

  it('answers 409 slug_taken for a survey slug or a question slug already used, storing nothing', async () => {
    const before = await adminSlugs();
    const survey = await request(`${server.url}/api/admin/surveys`, {
      ...admin,
      method: 'POST',
      json: { slug: 'pulse', title: 'Again', questions },
    });
    expect(survey).toMatchObject({ status: 409, body: { error: { code: 'slug_taken' } } });
    expect(survey.body.error.message).toMatch(/"pulse" is already used by another survey/);
    await createPoll(server.url, { slug: 'lonely', question: 'Lonely?', options: ['A', 'B'] });
    const question = await request(`${server.url}/api/admin/surveys`, {
      ...admin,
      method: 'POST',
      json: { slug: 'clash', title: 'Clash', questions: [questions[0], { ...questions[1], slug: 'lonely' }] },
    });
    expect(question).toMatchObject({ status: 409, body: { error: { code: 'slug_taken' } } });
    expect(question.body.error.message).toMatch(
      /^questions\.1\.slug: The slug "lonely" is already used by another poll/,
    );
    expect(await adminSlugs()).toEqual(before);
    expect((await request(`${server.url}/api/polls/clash-1`)).status).toBe(404);
  });

  it('lets a survey and a poll share a slug (their own namespaces)', async () => {
    await createPoll(server.url, { slug: 'shared-name', question: 'Poll?', options: ['A', 'B'] });
    const survey = await createSurvey(server.url, { slug: 'shared-name', title: 'Survey', questions });
    expect(survey.slug).toBe('shared-name');
  });
});

describe('GET /api/admin/surveys/{slug}', () => {
  it('returns the survey with its counts and the input that recreates it (export, then import)', async () => {
    const response = await request(`${server.url}/api/admin/surveys/grouped`, admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ slug: 'grouped', totalResponses: 0, finishedResponses: 0 });
    expect(response.body.input.pages).toEqual([[0, 1], [2]]);
    const copy = await createSurvey(server.url, {
      ...response.body.input,
      slug: 'grouped-copy',
      questions: response.body.input.questions.map((q: Record<string, unknown>) => ({ ...q, slug: undefined })),
    });
    expect(copy.pages.map((page: { slug: string; question: string }[]) => page.map((q) => q.question))).toEqual(
      response.body.pages.map((page: { question: string }[]) => page.map((q) => q.question)),
    );
  });

  it('answers 404 not_found for an unknown survey on GET, PATCH and DELETE', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const response = await request(`${server.url}/api/admin/surveys/nowhere`, {
        ...admin,
        method,
        json: method === 'PATCH' ? { title: 'X' } : undefined,
      });
      expect(response, method).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
  });

  it('answers 405 for other methods', async () => {
    const response = await request(`${server.url}/api/admin/surveys/pulse`, { ...admin, method: 'PUT', json: {} });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });
});

describe('PATCH /api/admin/surveys/{slug}', () => {
  it('edits questions and pages while there are no responses', async () => {
    await createSurvey(server.url, { slug: 'editable', title: 'Editable', questions, resultsVisibility: 'always' });
    const regrouped = await request(`${server.url}/api/admin/surveys/editable`, {
      ...admin,
      method: 'PATCH',
      json: { pages: [[0, 1, 2]] },
    });
    expect(regrouped.status).toBe(200);
    expect(regrouped.body.pages.map((page: unknown[]) => page.length)).toEqual([3]);
    const replaced = await request(`${server.url}/api/admin/surveys/editable`, {
      ...admin,
      method: 'PATCH',
      json: { questions: [{ question: 'Only one?', options: ['Yes', 'No'], required: true }] },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.pages).toHaveLength(1);
    expect(replaced.body.pages[0][0]).toMatchObject({ slug: 'editable-1', question: 'Only one?', required: true });
    expect((await request(`${server.url}/api/polls/editable-3`)).status).toBe(404);
  });

  it('answers 409 survey_has_responses for questions or pages once answered, changing nothing; fields still change', async () => {
    expect((await answer(server.url, 'editable', { answers: { 'editable-1': { choices: ['yes'] } } })).status).toBe(
      201,
    );
    const before = await request(`${server.url}/api/admin/surveys/editable`, admin);
    for (const json of [{ questions }, { pages: [[0]] }, { title: 'New', questions }]) {
      const response = await request(`${server.url}/api/admin/surveys/editable`, { ...admin, method: 'PATCH', json });
      expect(response, JSON.stringify(json)).toMatchObject({
        status: 409,
        body: { error: { code: 'survey_has_responses' } },
      });
    }
    const after = await request(`${server.url}/api/admin/surveys/editable`, admin);
    expect(after.body).toEqual(before.body);
    expect(await storedCounts(server.url, 'editable')).toEqual({
      started: 1,
      finished: 1,
      questions: { 'editable-1': 1 },
    });
    const renamed = await request(`${server.url}/api/admin/surveys/editable`, {
      ...admin,
      method: 'PATCH',
      json: { title: 'Renamed', description: 'Now with a description.' },
    });
    expect(renamed.body).toMatchObject({ title: 'Renamed', description: 'Now with a description.' });
  });

  it('closes and reopens the survey and its questions together', async () => {
    const closed = await request(`${server.url}/api/admin/surveys/editable`, {
      ...admin,
      method: 'PATCH',
      json: { status: 'closed' },
    });
    expect(closed.body.status).toBe('closed');
    expect(closed.body.pages[0][0].status).toBe('closed');
    expect((await request(`${server.url}/api/polls/editable-1`)).body.status).toBe('closed');
    const reopened = await request(`${server.url}/api/admin/surveys/editable`, {
      ...admin,
      method: 'PATCH',
      json: { status: 'open' },
    });
    expect(reopened.body.status).toBe('open');
    expect((await request(`${server.url}/api/polls/editable-1`)).body.status).toBe('open');
  });

  it('answers 422 invalid_poll for a bad patch, changing nothing', async () => {
    const before = await request(`${server.url}/api/admin/surveys/pulse`, admin);
    for (const json of [
      { title: '' },
      { colour: 'red' },
      { questions: [{ question: 'X?', options: [] }] },
      { status: 'gone' },
    ]) {
      const response = await request(`${server.url}/api/admin/surveys/pulse`, { ...admin, method: 'PATCH', json });
      expect(response, JSON.stringify(json)).toMatchObject({ status: 422, body: { error: { code: 'invalid_poll' } } });
    }
    expect((await request(`${server.url}/api/admin/surveys/pulse`, admin)).body).toEqual(before.body);
  });
});

describe("a survey's question through the admin poll API", () => {
  it('answers 422 invalid_poll naming the survey for PATCH and DELETE, changing nothing', async () => {
    for (const method of ['PATCH', 'DELETE']) {
      const response = await request(`${server.url}/api/admin/polls/pulse-1`, {
        ...admin,
        method,
        json: method === 'PATCH' ? { question: 'Changed?' } : undefined,
      });
      expect(response, method).toMatchObject({ status: 422, body: { error: { code: 'invalid_poll' } } });
      expect(response.body.error.message).toContain('“AI pulse”');
      expect(response.body.error.message).toContain('/api/admin/surveys/pulse');
    }
    expect((await request(`${server.url}/api/polls/pulse-1`)).body.question).toBe(questions[0]!.question);
  });
});

describe('DELETE /api/admin/surveys/{slug}', () => {
  it('deletes the survey and its question polls', async () => {
    await createSurvey(server.url, { slug: 'doomed', title: 'Doomed', questions });
    const response = await request(`${server.url}/api/admin/surveys/doomed`, { ...admin, method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await request(`${server.url}/api/admin/surveys/doomed`, admin)).status).toBe(404);
    expect((await request(`${server.url}/api/surveys/doomed`)).status).toBe(404);
    expect((await request(`${server.url}/api/polls/doomed-1`)).status).toBe(404);
  });
});
