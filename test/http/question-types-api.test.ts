/**
 * The question types over the JSON API of the built server: ranked, rating and write-in polls
 * created, voted and counted; every new refusal with its code and nothing stored; first choices
 * in breakdowns, trends, CSV and live streams of a ranked poll.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { openStream } from '../support/event-stream';
import { ADMIN_TOKEN, useServer } from '../support/server';

const server = useServer({
  env: { SEGMENT_MIN_N: '3' },
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'capital',
      question: 'Where should the capital be?',
      type: 'ranked',
      options: ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'],
      minChoices: 2,
      maxChoices: 3,
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      profile: ['role'],
    });
    await createPoll(url, {
      slug: 'useful',
      question: 'How useful is the weekly sync?',
      type: 'rating',
      options: [
        { label: 'Not at all', value: 1 },
        { label: 'A little', value: 2 },
        { label: 'Very', value: 3 },
      ],
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
    });
    await createPoll(url, {
      slug: 'tool',
      question: 'Which tool?',
      options: ['Trello', 'Jira'],
      allowOther: true,
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
    });
  },
});

const post = (slug: string, json: unknown) =>
  request(`${server.url}/api/polls/${slug}/votes`, { method: 'POST', json });
const results = async (slug: string, query = '') =>
  (await request(`${server.url}/api/polls/${slug}/results${query}`)).body;
const admin = (path: string, init: Parameters<typeof request>[1] = {}) =>
  request(`${server.url}/api/admin/polls${path}`, { token: ADMIN_TOKEN, ...init });

describe('creating polls of the new types', () => {
  it('gives their Poll JSON: ranked ranks 2…3, rating values, allowOther without "other" among the options', async () => {
    expect((await request(`${server.url}/api/polls/capital`)).body).toMatchObject({
      type: 'ranked',
      minChoices: 2,
      maxChoices: 3,
      allowOther: false,
    });
    const rating = (await request(`${server.url}/api/polls/useful`)).body;
    expect(rating).toMatchObject({ type: 'rating', scale: 'ordinal', minChoices: 1, maxChoices: 1 });
    expect(rating.options.map((o: { value: number }) => o.value)).toEqual([1, 2, 3]);
    const tool = (await request(`${server.url}/api/polls/tool`)).body;
    expect(tool.allowOther).toBe(true);
    expect(tool.options.map((o: { key: string }) => o.key)).toEqual(['trello', 'jira']);
  });

  it.each([
    [{ type: 'ranked', allowOther: true }, 'allowOther'],
    [{ type: 'rating', options: ['Bad', 'Good'] }, 'options'],
    [{ type: 'rating', options: ['1', '2'], maxChoices: 2 }, 'minChoices'],
    [{ type: 'ranked', options: [{ label: 'A', exclusive: true }, 'B'] }, 'options'],
    [{ options: [{ label: 'A', value: 1 }, 'B'] }, 'options'],
    [{ allowOther: true, options: ['A', 'Other'] }, 'options'],
    [{ type: 'ranked', maxChoices: 3 }, 'maxChoices'],
    [{ options: [{ label: 'A', value: 'one' }, 'B'] }, 'options'],
  ])('refuses %j with 422 invalid_poll naming %s, creating nothing', async (extra, field) => {
    const before = (await admin('')).body.polls.length;
    const response = await admin('', {
      method: 'POST',
      json: { question: 'Refused?', options: ['A', 'B'], ...extra },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_poll');
    expect(response.body.error.message).toMatch(new RegExp(`^${field}: `));
    expect((await admin('')).body.polls.length).toBe(before);
  });
});

describe('ranked ballots', () => {
  it('refuse repeated, too few, too many and unknown ranks, and write-ins, with 422 and nothing stored', async () => {
    const cases: [unknown, string][] = [
      [{ choices: ['memphis', 'memphis'] }, 'invalid_choice'],
      [{ choices: ['memphis'] }, 'too_few_choices'],
      [{ choices: ['memphis', 'nashville', 'chattanooga', 'knoxville'] }, 'too_many_choices'],
      [{ choices: ['memphis', 'atlanta'] }, 'invalid_choice'],
      [{ choices: ['memphis', 'nashville'], other: 'Atlanta' }, 'invalid_other'],
      [{ choices: 'memphis,nashville' }, 'invalid_body'],
    ];
    for (const [body, code] of cases) {
      const response = await post('capital', body);
      expect(response.status, JSON.stringify(body)).toBe(code === 'invalid_body' ? 400 : 422);
      expect(response.body.error.code).toBe(code);
    }
    expect((await results('capital')).totalResponses).toBe(0);
  });

  it('are counted by instant runoff, with first choices in breakdowns, trends, CSV and live streams', async () => {
    const stream = await openStream(`${server.url}/api/polls/capital/results/stream`);
    expect(await stream.next(1)).toBe(true);
    const ballots: [number, string[]][] = [
      [8, ['memphis', 'nashville', 'chattanooga']],
      [5, ['nashville', 'chattanooga', 'knoxville']],
      [3, ['chattanooga', 'knoxville', 'nashville']],
      [4, ['knoxville', 'chattanooga']],
    ];
    for (const [count, choices] of ballots)
      for (let i = 0; i < count; i++) {
        const response = await post('capital', { choices, profile: { role: i % 2 ? 'manager' : 'individual' } });
        expect(response.status).toBe(201);
        expect(response.body.results.ranked.rounds[0].continuing).toBeGreaterThan(0);
      }
    const counted = await results('capital');
    // 20 ballots: memphis 8, nashville 5, chattanooga 3, knoxville 4 → chattanooga out (3 → knoxville: 7);
    // then nashville out (5 → chattanooga gone, knoxville: 12) → knoxville 12 of 20.
    expect(counted.options.map((o: { votes: number }) => o.votes)).toEqual([8, 5, 3, 4]);
    expect(counted.ranked.rounds.map((r: { eliminated: string[] }) => r.eliminated)).toEqual([
      ['chattanooga'],
      ['nashville'],
      [],
    ]);
    expect(counted.ranked.winner).toBe('knoxville');
    expect(counted.ranked.rounds.at(-1).tallies).toEqual([
      { key: 'memphis', votes: 8 },
      { key: 'knoxville', votes: 12 },
    ]);

    const byRole = await results('capital', '?by=role');
    const stated = byRole.breakdown.segments.filter((s: { n: number | null }) => s.n !== null);
    expect(stated.reduce((sum: number, s: { n: number }) => sum + s.n, 0)).toBe(20);
    for (const segment of stated) {
      const firstChoices = segment.options.reduce((sum: number, o: { votes: number }) => sum + o.votes, 0);
      expect(firstChoices).toBe(segment.n);
    }
    const trend = (await request(`${server.url}/api/polls/capital/trend`)).body;
    expect(trend.points.reduce((sum: number, p: { n: number }) => sum + p.n, 0)).toBe(20);
    const csv = (await request(`${server.url}/api/polls/capital/results.csv`)).body as string;
    expect(csv.split('\r\n')[1]).toMatch(/^memphis,Memphis,8,0.4,/);

    expect(await stream.next(2, 3000)).toBe(true);
    const latest = () => stream.events.at(-1);
    const until = Date.now() + 3000;
    while (latest().totalResponses < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(latest().ranked.winner).toBe('knoxville');
    stream.close();
  });
});

describe('rating ballots', () => {
  it('give the mean with its t-interval, the median and the sd beside the ordinal summary', async () => {
    for (const choice of ['not-at-all', 'a-little', 'a-little', 'very']) {
      expect((await post('useful', { choices: [choice] })).status).toBe(201);
    }
    const rated = await results('useful');
    // 1, 2, 2, 3: mean 2, s² = (1 + 0 + 0 + 1)/3, t(0.975, 3) = 3.182446.
    expect(rated.rating.mean).toBe(2);
    expect(rated.rating.median).toBe(2);
    expect(rated.rating.sd).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(rated.rating.ci95.high).toBeCloseTo(2 + 3.182446 * Math.sqrt(2 / 3 / 4), 5);
    expect(rated.ordinal.medianKey).toBe('a-little');
  });
});

describe('write-in "Other"', () => {
  it.each([
    [{ choices: ['other'] }, /Write your answer/],
    [{ choices: [], other: '' }, /Write your answer/],
    [{ choices: [], other: 'x'.repeat(201) }, /200 characters/],
    [{ choices: [], other: ['Asana'] }, /must be text/],
    [{ choices: [], other: 'evil\u202eoverride' }, /cannot be shown/],
  ])('refuses %j with 422 invalid_other and stores nothing', async (body, sentence) => {
    const before = (await results('tool')).totalResponses;
    const response = await post('tool', body);
    expect(response.status).toBe(422);
    expect(response.body.error).toEqual({ code: 'invalid_other', message: expect.stringMatching(sentence) });
    expect((await results('tool')).totalResponses).toBe(before);
  });

  it('refuses a write-in on a poll without "Other"', async () => {
    const response = await post('useful', { choices: ['very'], other: 'Brilliant' });
    expect(response.body.error.code).toBe('invalid_other');
  });

  it('counts a write-in as "other" and never shows its text in public results, CSV or pages', async () => {
    const secret = '<b>Asana-7d1f</b>';
    expect((await post('tool', { choices: [], other: secret })).status).toBe(201);
    expect((await post('tool', { choices: ['other'], other: 'Linear' })).status).toBe(201);
    const counted = await results('tool');
    expect(counted.options.find((o: { key: string }) => o.key === 'other')).toMatchObject({ label: 'Other', votes: 2 });
    for (const path of [
      '/api/polls/tool/results',
      '/api/polls/tool/results.csv',
      '/api/polls/tool',
      '/polls/tool/results',
      '/polls/tool',
      '/embed/tool',
    ]) {
      const body = String(JSON.stringify((await request(`${server.url}${path}`)).body));
      expect(body, path).not.toContain('Asana-7d1f');
      expect(body, path).not.toContain('Linear');
    }
    // Switching write-ins off now would change what the votes mean.
    const patched = await admin('/tool', { method: 'PATCH', json: { allowOther: false } });
    expect(patched.status).toBe(409);
    expect(patched.body.error.code).toBe('poll_has_votes');
  });
});
