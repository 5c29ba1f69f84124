/** Live results over real HTTP: Server-Sent Events from the built server. */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { openStream } from '../support/event-stream';
import { startServer, useServer } from '../support/server';

describe('GET /api/polls/{slug}/results/stream', () => {
  const server = useServer({
    env: { MAX_STREAMS: '3' },
    setup: async (s) => {
      await createPoll(s.url, {
        slug: 'live',
        question: 'Live?',
        options: ['Yes', 'No'],
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
      });
      await createPoll(s.url, { slug: 'hidden', question: 'Hidden?', options: ['Yes', 'No'] });
    },
  });

  it('sends the results at once, then the new totals within 2 s of a vote', async () => {
    const stream = await openStream(`${server.url}/api/polls/live/results/stream`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await stream.next(1)).toBe(true);
    const before = stream.events[0]!.totalResponses;
    const voted = await request(`${server.url}/api/polls/live/votes`, { method: 'POST', json: { choices: ['yes'] } });
    expect(voted.status).toBe(201);
    expect(await stream.next(2)).toBe(true);
    expect(stream.events[1]!.totalResponses).toBe(before + 1);
    stream.close();
  });

  it('answers 403 results_hidden before any stream starts, and 404 for an unknown poll', async () => {
    const hidden = await request(`${server.url}/api/polls/hidden/results/stream`);
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe('results_hidden');
    expect((await request(`${server.url}/api/polls/nope/results/stream`)).status).toBe(404);
  });

  it('answers 503 with Retry-After past MAX_STREAMS, and frees places when clients leave', async () => {
    const open = await Promise.all([0, 1, 2].map(() => openStream(`${server.url}/api/polls/live/results/stream`)));
    await Promise.all(open.map((s) => s.next(1)));
    const refused = await request(`${server.url}/api/polls/live/results/stream`);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('streams_full');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    open[0]!.close();
    let again = await request(`${server.url}/api/polls/live/results/stream`, {
      signal: AbortSignal.timeout(300),
    }).catch(() => null);
    for (let i = 0; i < 20 && again?.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await request(`${server.url}/api/polls/live/results/stream`, { signal: AbortSignal.timeout(300) }).catch(
        () => null,
      );
    }
    // A stream that opened never ends by itself: the request times out reading it (null), not 503.
    expect(again?.status).not.toBe(503);
    open.slice(1).forEach((s) => s.close());
  });
});

describe('shutdown with open streams', () => {
  it('ends within 5 s of SIGTERM, closing the streams', async () => {
    const server = await startServer();
    try {
      await createPoll(server.url, { slug: 's', question: 'S?', options: ['A', 'B'], resultsVisibility: 'always' });
      const streams = await Promise.all([0, 1, 2, 3].map(() => openStream(`${server.url}/api/polls/s/results/stream`)));
      await Promise.all(streams.map((s) => s.next(1)));
      const started = Date.now();
      await server.stop();
      expect(Date.now() - started).toBeLessThan(5000);
      await Promise.all(streams.map((s) => s.ended));
    } finally {
      server.cleanup();
    }
  });
});
