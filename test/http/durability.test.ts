/**
 * Concurrency and crash safety against the built server: exact counts under 200 concurrent
 * votes, and no acknowledged vote lost when the process is SIGKILLed mid-stream.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, request, vote } from '../support/api';
import { ADMIN_TOKEN, withServer } from '../support/server';
import { withDatabase } from '../support/temp-db';

const tallyDrift = (databaseUrl: string) => withDatabase(databaseUrl, ({ store }) => store.recount(false));

describe('durability', () => {
  it('counts 200 concurrent votes exactly', async () => {
    await withServer({ env: { RATE_LIMIT: '0' } }, async (server) => {
      await createPoll(server.url, {
        slug: 'rush',
        question: 'Rush?',
        options: ['A', 'B', 'C', 'D'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
      });
      const keys = ['a', 'b', 'c', 'd'];
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) => vote(server.url, 'rush', [keys[i % 4]])),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));
      const results = await request(`${server.url}/api/polls/rush/results`);
      expect(results.body.totalResponses).toBe(200);
      expect(results.body.options.map((o: { votes: number }) => o.votes)).toEqual([50, 50, 50, 50]);
      expect(await tallyDrift(server.databaseUrl)).toEqual([]);
    });
  });

  it('loses no acknowledged vote when killed with SIGKILL during a stream of votes', async () => {
    await withServer({ env: { RATE_LIMIT: '0' } }, async (server) => {
      await createPoll(server.url, { slug: 'crash', question: 'Crash?', options: ['A', 'B'], duplicatePolicy: 'none' });

      let acknowledged = 0;
      let stop = false;
      // Eight clients voting in a loop until the server dies under them.
      const client = async (n: number) => {
        while (!stop) {
          try {
            const response = await vote(server.url, 'crash', [n % 2 ? 'a' : 'b']);
            if (response.status === 201) acknowledged++;
          } catch {
            return; // connection refused or reset: the server is gone
          }
        }
      };
      const clients = Array.from({ length: 8 }, (_, n) => client(n));
      while (acknowledged < 150) await new Promise((resolve) => setTimeout(resolve, 5));
      await server.kill();
      stop = true;
      await Promise.all(clients);

      // Restarted on the same folder.
      await withServer({ dir: server.dir, env: { RATE_LIMIT: '0' } }, async (restarted) => {
        const results = await request(`${restarted.url}/api/admin/polls/crash`, { token: ADMIN_TOKEN });
        expect(results.status).toBe(200);
        const summary = (await request(`${restarted.url}/api/polls`)).body.polls.find(
          (p: { slug: string }) => p.slug === 'crash',
        );
        // Every 201 was committed; at most the in-flight, unacknowledged votes may also have landed.
        expect(summary.totalResponses).toBeGreaterThanOrEqual(acknowledged);
        expect(summary.totalResponses).toBeLessThanOrEqual(acknowledged + 8);
        expect(await tallyDrift(restarted.databaseUrl)).toEqual([]);
      });
    });
  });
});
