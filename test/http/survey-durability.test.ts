/**
 * Crash safety of surveys against the built server: respondents answer a two-page survey through
 * its no-JavaScript form (page 1, then page 2 with the response token) until the process is
 * SIGKILLed under them. After a restart on the same folder every acknowledged page is there, and
 * every tally — the questions' and the survey's funnel, day and cross-question tallies — equals
 * a recount from the stored rows.
 */
import { describe, expect, it } from 'vitest';
import { formPost, request } from '../support/api';
import { ADMIN_TOKEN, withServer } from '../support/server';
import { withDatabase } from '../support/temp-db';

const SURVEY = {
  slug: 'crash',
  title: 'Crash survey',
  resultsVisibility: 'always',
  duplicatePolicy: 'none',
  questions: [
    { question: 'First?', options: ['A', 'B'], required: true },
    { question: 'Second?', options: ['C', 'D'], required: true },
  ],
  pages: [[0], [1]],
};

const tokenOf = (html: string) => /<input type="hidden" name="token" value="([^"]+)">/.exec(html)?.[1] ?? null;

describe('a survey killed mid-stream', () => {
  it('loses no acknowledged page, and every tally equals its recount after the restart', async () => {
    await withServer({ env: { RATE_LIMIT: '0' } }, async (server) => {
      const created = await request(`${server.url}/api/admin/surveys`, {
        method: 'POST',
        json: SURVEY,
        token: ADMIN_TOKEN,
      });
      expect(created.status).toBe(201);

      let started = 0;
      let finished = 0;
      let stop = false;
      // Six respondents answering in a loop until the server dies under them.
      const respondent = async (n: number) => {
        for (let i = n; !stop; i += 6) {
          try {
            const first = await formPost(server.url, '/surveys/crash', {
              'q:crash-1': i % 2 ? 'a' : 'b',
              page: '1',
              nav: 'next',
            });
            const token = first.status === 200 ? tokenOf(first.body as string) : null;
            if (!token) continue;
            started++;
            const second = await formPost(server.url, '/surveys/crash', {
              'q:crash-2': i % 3 ? 'c' : 'd',
              page: '2',
              token,
              nav: 'finish',
            });
            if (second.status === 303) finished++;
          } catch {
            return; // connection refused or reset: the server is gone
          }
        }
      };
      const respondents = Array.from({ length: 6 }, (_, n) => respondent(n));
      while (finished < 60) await new Promise((resolve) => setTimeout(resolve, 5));
      await server.kill();
      stop = true;
      await Promise.all(respondents);

      await withServer({ dir: server.dir, env: { RATE_LIMIT: '0' } }, async (restarted) => {
        const results = await request(`${restarted.url}/api/surveys/crash/results`);
        expect(results.status).toBe(200);
        const { completion, funnel } = results.body;
        // Every acknowledged page was committed; at most the six in flight may also have landed.
        expect(completion.started).toBeGreaterThanOrEqual(started);
        expect(completion.started).toBeLessThanOrEqual(started + 6);
        expect(completion.finished).toBeGreaterThanOrEqual(finished);
        expect(completion.finished).toBeLessThanOrEqual(finished + 6);
        expect(funnel[1].reached).toBe(funnel[0].completed);
        // Question tallies equal the vote log, and the survey's tallies their rows.
        const drift = await withDatabase(restarted.databaseUrl, ({ store }) => store.recount(false));
        expect(drift).toEqual([]);
        const [first, second] = results.body.questions;
        expect(first.totalResponses).toBe(completion.started);
        expect(second.totalResponses).toBe(completion.finished);
      });
    });
  }, 120_000);
});
