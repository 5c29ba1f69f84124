/**
 * Profile answers on the ballot over HTTP: the JSON API, the poll page's form and the widget's
 * form store them with the vote; a bad answer is 422 invalid_profile and stores nothing.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, request } from '../support/api';
import { withRawDatabase } from '../support/raw-database';
import { ADMIN_TOKEN, useServer } from '../support/server';

/** The smallest K the configuration allows, so a breakdown shows a segment after three votes. */
const MIN_CELL = 3;

const server = useServer({
  env: { SEGMENT_MIN_N: String(MIN_CELL) },
  setup: async ({ url }) => {
    for (const slug of ['json', 'page', 'widget']) {
      await createPoll(url, {
        slug,
        question: `Profile via ${slug}?`,
        options: ['A', 'B'],
        resultsVisibility: 'always',
        duplicatePolicy: 'none',
        profile: ['region', 'role', 'companySize'],
      });
    }
    await createPoll(url, { slug: 'plain', question: 'No profile?', options: ['A', 'B'] });
  },
});

/** The stored answers of a poll's votes, "dimension=value" sorted, read from the database. */
const storedAnswers = (slug: string): Promise<string[]> =>
  withRawDatabase(server.databaseUrl, async (db) => {
    const rows = await db.query<{ dimension: string; value: string }>(
      `SELECT vp.dimension, vp.value FROM vote_profiles vp JOIN polls p ON p.id = vp.poll_id WHERE p.slug = ?`,
      [slug],
    );
    return rows.map((row) => `${row.dimension}=${row.value}`).sort();
  });

/** The poll's response count, from the owner's list of polls (the public poll JSON has none). */
async function responseCount(slug: string): Promise<number> {
  const list = await request(`${server.url}/api/admin/polls`, { token: ADMIN_TOKEN });
  const poll = list.body.polls.find((p: { slug: string }) => p.slug === slug);
  expect(poll.totalResponses).toEqual(expect.any(Number));
  return poll.totalResponses;
}

const jsonVote = (slug: string, body: unknown) =>
  request(`${server.url}/api/polls/${slug}/votes`, { method: 'POST', json: body });

describe('GET /api/polls/{slug}', () => {
  it('lists the profile questions in catalogue order, and none for a poll without them', async () => {
    expect((await request(`${server.url}/api/polls/json`)).body.profile).toEqual(['role', 'companySize', 'region']);
    expect((await request(`${server.url}/api/polls/plain`)).body.profile).toEqual([]);
  });
});

describe('POST /api/polls/{slug}/votes with a profile', () => {
  it('answers 201, stores the answers, and the breakdown by role shows them', async () => {
    for (let i = 0; i < MIN_CELL; i++) {
      const response = await jsonVote('json', { choices: ['a'], profile: { role: 'vp', region: 'emea' } });
      expect(response.status).toBe(201);
    }
    // "Prefer not to say" in every spelling the contract allows: absent, null, empty.
    for (const profile of [undefined, { role: null }, { role: '', companySize: '' }]) {
      expect((await jsonVote('json', { choices: ['b'], ...(profile ? { profile } : {}) })).status).toBe(201);
    }

    const results = await request(`${server.url}/api/polls/json/results?by=role`);
    expect(results.status).toBe(200);
    const segments = results.body.breakdown.segments as { value: string; n: number | null; options: unknown }[];
    expect(segments.find((s) => s.value === 'vp')).toMatchObject({
      suppressed: false,
      n: MIN_CELL,
      options: [
        { key: 'a', votes: MIN_CELL },
        { key: 'b', votes: 0 },
      ],
    });
    expect(segments.find((s) => s.value === 'not-stated')).toMatchObject({
      n: 3,
      options: [{ votes: 0 }, { votes: 3 }],
    });
    expect(await storedAnswers('json')).toEqual([
      ...Array(MIN_CELL).fill('region=emea'),
      ...Array(MIN_CELL).fill('role=vp'),
    ]);
  });

  it.each([
    ['an unknown value', { role: 'emperor' }, /The role must be one of/],
    ['a dimension the poll does not ask', { industry: 'media' }, /does not ask "industry"/],
    ['a dimension outside the catalogue', { shoeSize: '42' }, /does not ask "shoeSize"/],
    ['a number', { role: 3 }, /The role must be one of/],
    ['a list', ['vp'], /must be an object/],
    ['a string', 'vp', /must be an object/],
  ])('refuses %s with 422 invalid_profile in the error envelope, storing nothing', async (_name, profile, message) => {
    const before = await responseCount('json');
    const stored = await storedAnswers('json');
    const response = await jsonVote('json', { choices: ['a'], profile });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ error: { code: 'invalid_profile', message: expect.stringMatching(message) } });
    expect(await responseCount('json')).toBe(before);
    expect(await storedAnswers('json')).toEqual(stored);
  });

  it('refuses any profile answer on a poll that asks none', async () => {
    const before = await responseCount('plain');
    const response = await jsonVote('plain', { choices: ['a'], profile: { role: 'vp' } });
    expect(response).toMatchObject({ status: 422, body: { error: { code: 'invalid_profile' } } });
    expect(await responseCount('plain')).toBe(before);
  });
});

describe('the poll page', () => {
  it('shows "About you (optional)" with one select per question, "Prefer not to say" first', async () => {
    const html = (await request(`${server.url}/polls/page`)).body as string;
    expect(html).toMatch(
      /<fieldset class="profile-questions">\s*<legend>\s*About you <span class="profile-optional">\(optional\)<\/span>/,
    );
    expect(html).toContain('Answers only feed anonymous group results.');
    const selects = [...html.matchAll(/<select name="([^"]+)" data-profile="([^"]+)">\s*<option value="">([^<]+)</g)];
    expect(selects.map((m) => [m[1], m[2], m[3]])).toEqual([
      ['profile-role', 'role', 'Prefer not to say'],
      ['profile-companySize', 'companySize', 'Prefer not to say'],
      ['profile-region', 'region', 'Prefer not to say'],
    ]);
    expect(html).toMatch(/<span>Your role<\/span>\s*<select name="profile-role"/);
    expect(html).toContain('<option value="c-level">C-level executive</option>');
  });

  it('asks nothing about the voter on a poll without profile questions', async () => {
    const html = (await request(`${server.url}/polls/plain`)).body as string;
    expect(html).not.toContain('profile-questions');
    expect(html).not.toContain('<select');
  });

  it('stores the answers of a form post, "Prefer not to say" as nothing, and redirects (303)', async () => {
    const response = await formPost(server.url, '/polls/page', {
      choice: 'a',
      'profile-role': 'manager',
      'profile-companySize': 'gt-10000',
      'profile-region': '',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/polls/page/results');
    expect(await storedAnswers('page')).toEqual(['companySize=gt-10000', 'role=manager']);
  });

  it('shows the page again with 422 and the reason in role=alert for a bad answer, storing nothing, keeping the ballot', async () => {
    const before = await responseCount('page');
    const stored = await storedAnswers('page');
    const response = await formPost(server.url, '/polls/page', {
      choice: 'b',
      'profile-role': 'emperor',
      'profile-region': 'apac',
    });
    expect(response.status).toBe(422);
    const html = response.body as string;
    expect(html).toMatch(
      /<div class="alert" role="alert">\s*<strong>Your vote was not counted\.<\/strong> The role must be one of &quot;c-level&quot;/,
    );
    // The voter's other answers and choice stay as they were, to correct and send again.
    expect(html).toMatch(/<input type="radio" name="choice" value="b" checked/);
    expect(html).toContain('<option value="apac" selected>Asia/Pacific</option>');
    expect(await responseCount('page')).toBe(before);
    expect(await storedAnswers('page')).toEqual(stored);
  });
});

describe('the widget', () => {
  const token = async () =>
    /name="device" value="([^"]+)"/.exec((await request(`${server.url}/embed/widget`)).body as string)![1]!;

  it('shows the same questions inside its form', async () => {
    const html = (await request(`${server.url}/embed/widget`)).body as string;
    expect(html).toMatch(/<form method="post"[\s\S]*<fieldset class="profile-questions">[\s\S]*<\/form>/);
    expect(html).toContain('<select name="profile-region" data-profile="region">');
  });

  it('stores the answers of a form post and redirects back into the widget', async () => {
    const response = await formPost(server.url, '/embed/widget', {
      choice: 'b',
      device: await token(),
      'profile-role': 'individual',
      'profile-region': 'latin-america',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/embed/widget');
    expect(await storedAnswers('widget')).toEqual(['region=latin-america', 'role=individual']);
  });

  it('shows a bad answer in its role=alert with 422, storing nothing', async () => {
    const before = await responseCount('widget');
    const stored = await storedAnswers('widget');
    const response = await formPost(server.url, '/embed/widget', {
      choice: 'a',
      device: await token(),
      'profile-companySize': 'huge',
    });
    expect(response.status).toBe(422);
    expect(response.body).toMatch(/<p class="alert" role="alert">\s*The company size must be one of/);
    expect(response.body).toContain('<fieldset class="profile-questions">');
    expect(await responseCount('widget')).toBe(before);
    expect(await storedAnswers('widget')).toEqual(stored);
  });
});
