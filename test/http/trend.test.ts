/** GET /api/polls/{slug}/trend against the built server. */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { useServer } from '../support/server';

describe('GET /api/polls/{slug}/trend', () => {
  const server = useServer({
    setup: async (s) => {
      await createPoll(s.url, {
        slug: 'trend',
        question: 'Trend?',
        options: ['Up', 'Down'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
      });
      await createPoll(s.url, { slug: 'hidden', question: 'Hidden?', options: ['Yes', 'No'] });
      for (const choice of ['up', 'up', 'down']) {
        await request(`${s.url}/api/polls/trend/votes`, { method: 'POST', json: { choices: [choice] } });
      }
    },
  });

  it('gives today with the votes, summing to the results', async () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const interval of ['day', 'week']) {
      const trend = await request(`${server.url}/api/polls/trend/trend?interval=${interval}`);
      expect(trend.status).toBe(200);
      expect(trend.body).toMatchObject({ slug: 'trend', interval });
      expect(trend.body.points).toHaveLength(1);
      const [point] = trend.body.points;
      if (interval === 'day') expect(point.start).toBe(today);
      expect(point).toMatchObject({
        n: 3,
        options: [
          { key: 'up', votes: 2 },
          { key: 'down', votes: 1 },
        ],
      });
      expect(point.options[0].share).toBeCloseTo(2 / 3, 12);
    }
    expect((await request(`${server.url}/api/polls/trend/trend`)).body.interval).toBe('day');
  });

  it('answers 400 for a bad interval, 403 when results are hidden, 404 for an unknown poll', async () => {
    const bad = await request(`${server.url}/api/polls/trend/trend?interval=month`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_body');
    const hidden = await request(`${server.url}/api/polls/hidden/trend`);
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe('results_hidden');
    expect((await request(`${server.url}/api/polls/none/trend`)).status).toBe(404);
  });
});
