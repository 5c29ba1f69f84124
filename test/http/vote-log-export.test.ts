/**
 * The vote log export over HTTP from the built server: a log longer than one store page arrives
 * streamed, whole, once and in order, with minute-precision times.
 */
import { describe, expect, it } from 'vitest';
import { createPoll } from '@/lib/poll-admin';
import type { VoteSource } from '@/lib/types';
import { VOTE_LOG_PAGE_SIZE } from '@/lib/vote-log';
import { loginAsAdmin, request, vote } from '../support/api';
import { serverDatabaseUrl, useServer } from '../support/server';
import { withStores } from '../support/temp-db';

const PASSWORD = 'a-long-admin-password';
const START = Date.parse('2026-06-01T00:00:00Z');
const SOURCES: VoteSource[] = ['web', 'api', 'embed', 'seed'];
/** Two and a half pages. */
const VOTES = Math.floor(VOTE_LOG_PAGE_SIZE * 2.5);

/** The CSV lines the import should come back as, in log order. */
let expected: string[];

/**
 * Writes the votes into the server's database file before it starts, through the store: seven to
 * a minute (so pages end inside a minute), each (minute, choices) once (so a repeated or missing
 * row shows), and the later half imported first (so time order is not id order).
 */
async function prepareDatabase(dir: string): Promise<string[]> {
  return withStores(await serverDatabaseUrl(dir), async ({ store }) => {
    const poll = await createPoll(
      store,
      {
        slug: 'big',
        question: 'Big?',
        options: ['A', 'B', 'C'],
        type: 'multiple',
        maxChoices: 3,
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
      },
      START,
    );
    const votes = Array.from({ length: VOTES }, (_, i) => {
      const picked = poll.options.filter((_, bit) => ((i % 7) + 1) & (1 << bit));
      const createdAt = START + Math.floor(i / 7) * 60_000;
      const source = SOURCES[i % 4]!;
      const line = `${new Date(createdAt).toISOString()},${picked.map((o) => o.key).join(' ')},${source},`;
      return { optionIds: picked.map((o) => o.id), createdAt, source, line };
    });
    const inImportOrder = [...votes.slice(VOTES / 2), ...votes.slice(0, VOTES / 2)];
    await store.importVotes(poll.id, inImportOrder);
    // Array.sort is stable: equal times keep import (id) order.
    return inImportOrder.sort((a, b) => a.createdAt - b.createdAt).map((v) => v.line);
  });
}

const server = useServer({
  env: { ADMIN_PASSWORD: PASSWORD },
  prepare: async (dir) => {
    expected = await prepareDatabase(dir);
  },
});

describe('vote log export', () => {
  it('streams every row of a log longer than a page exactly once, in order', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await request(`${server.url}/admin/polls/big/votes.csv`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="big-votes.csv"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    // Streamed: no length known up front.
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const body = response.body as string;
    expect(body.endsWith('\r\n')).toBe(true);
    const lines = body.slice(0, -2).split('\r\n');
    expect(lines[0]).toBe('time,choices,source,excluded');
    expect(lines.length - 1).toBe(VOTES);
    expect(lines.slice(1)).toEqual(expected);
  });

  it('writes votes cast over HTTP with whole-minute times', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    expect((await vote(server.url, 'big', ['b', 'c'])).status).toBe(201);
    const body = (await request(`${server.url}/admin/polls/big/votes.csv`, { headers: { cookie } })).body as string;
    const last = body.trimEnd().split('\r\n').at(-1)!;
    expect(last).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z,b c,api,$/);
    const results = await request(`${server.url}/api/polls/big/results`);
    expect(results.body.updatedAt).toMatch(/:00\.000Z$/);
  });
});
