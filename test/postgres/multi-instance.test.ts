/**
 * Several instances on one PostgreSQL (issue 17): two built servers on the same database, spoken
 * to over HTTP. Runs in the `postgres` project only (vitest.config.ts): one SQLite file has one
 * process by design.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLLS } from '../../db/seed';
import { createPoll, formPost, loginFrom, request, voteFrom, voterCookie } from '../support/api';
import { openStream } from '../support/event-stream';
import { testPostgresUrl } from '../support/postgres';
import { ADMIN_TOKEN, startServer, type RunningServer } from '../support/server';
import { tempDir } from '../support/temp-db';

const POLL = { options: ['A', 'B', 'C'], resultsVisibility: 'always' } as const;

/** Two servers on one database: the second reuses the first's folder, which names the database. */
async function startPair(env: Record<string, string> = {}): Promise<[RunningServer, RunningServer]> {
  const dir = tempDir();
  const first = await startServer({ dir, env });
  const second = await startServer({ dir, env });
  return [first, second];
}

async function stopAll(servers: RunningServer[]) {
  for (const server of servers) await server.stop();
  servers[0]?.cleanup();
}

/** 127.0.N.M: a distinct client per vote (the server caps connections per client address). */
const clientAddress = (i: number) => `127.0.${1 + Math.floor(i / 200)}.${2 + (i % 200)}`;

const results = async (server: RunningServer, slug: string) =>
  (await request(`${server.url}/api/polls/${slug}/results`)).body;

describe('two instances on one PostgreSQL', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    [a, b] = await startPair();
  });
  afterAll(() => stopAll([a, b]));

  it('counts 500 concurrent votes spread over both exactly', { timeout: 120_000 }, async () => {
    await createPoll(a.url, { slug: 'many', question: 'Many?', duplicatePolicy: 'none', ...POLL });
    const choices = ['a', 'b', 'c'];
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) => voteFrom(clientAddress(i), (i % 2 ? b : a).url, 'many', [choices[i % 3]!])),
    );
    expect(answers.map((answer) => answer.status).filter((status) => status !== 201)).toEqual([]);
    for (const server of [a, b]) {
      const body = await results(server, 'many');
      expect(body.totalResponses).toBe(500);
      expect(Object.fromEntries(body.options.map((o: { key: string; votes: number }) => [o.key, o.votes]))).toEqual({
        a: 167,
        b: 167,
        c: 166,
      });
    }
  });

  it('refuses the same browser, network or both on the other instance', async () => {
    for (const duplicatePolicy of ['device', 'network', 'device_or_network'] as const) {
      const slug = `dup-${duplicatePolicy.replaceAll('_', '-')}`;
      await createPoll(a.url, { slug, question: 'Once?', duplicatePolicy, ...POLL });
      const first = await voteFrom('127.0.9.2', a.url, slug, ['a']);
      expect(first.status).toBe(201);
      const cookie = voterCookie(first.headers);
      // device: the same cookie from elsewhere; network: the same address without the cookie.
      const again =
        duplicatePolicy === 'network'
          ? await voteFrom('127.0.9.2', b.url, slug, ['b'])
          : await voteFrom('127.0.9.3', b.url, slug, ['b'], { cookie });
      expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_voted' } } });
      expect(await results(a, slug)).toMatchObject({ totalResponses: 1, duplicatesRefused: 1 });
    }
  });

  it('streams a vote cast on the other instance', async () => {
    await createPoll(a.url, { slug: 'live', question: 'Live?', duplicatePolicy: 'none', ...POLL });
    const stream = await openStream(`${a.url}/api/polls/live/results/stream`);
    try {
      expect(await stream.next(1)).toBe(true);
      expect(stream.events[0].totalResponses).toBe(0);
      expect((await voteFrom('127.0.9.9', b.url, 'live', ['c'])).status).toBe(201);
      expect(await stream.next(2, 5000)).toBe(true);
      expect(stream.events[1].totalResponses).toBe(1);
    } finally {
      stream.close();
    }
  });

  it('serves the other instance’s vote on a page it had kept', async () => {
    await createPoll(a.url, { slug: 'kept', question: 'Kept?', duplicatePolicy: 'none', ...POLL });
    const page = () => request(`${a.url}/polls/kept/results`).then((response) => response.body as string);
    expect(await page()).not.toMatch(/\b1 response\b/);
    await page(); // kept now
    expect((await voteFrom('127.0.9.10', b.url, 'kept', ['a'])).status).toBe(201);
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      seen = /\b1 response\b/i.test(await page());
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toBe(true);
  });
});

describe('admin sign-in across two instances', () => {
  const PASSWORD = 'correct horse battery staple';
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    [a, b] = await startPair({ ADMIN_PASSWORD: PASSWORD });
  });
  afterAll(() => stopAll([a, b]));

  it('keeps a session started on one instance on the other', async () => {
    const login = await formPost(a.url, '/admin', { password: PASSWORD });
    expect(login.status).toBe(303);
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('pp_admin='))!
      .split(';')[0]!;
    const dashboard = await request(`${b.url}/admin`, { headers: { cookie } });
    expect(dashboard.body).toMatch(/<h1[^>]*>Polls<\/h1>/);
  });

  it('counts failed logins from one network on both instances together', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await loginFrom('127.0.7.2', (i % 2 ? b : a).url, 'wrong')).status).toBe(401);
    }
    for (const server of [a, b]) expect((await loginFrom('127.0.7.2', server.url, PASSWORD)).status).toBe(429);
    expect((await loginFrom('127.0.7.3', b.url, PASSWORD)).status).toBe(303);
  });
});

describe('the write flood limit across two instances', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    [a, b] = await startPair({ RATE_LIMIT: '1' });
  });
  afterAll(() => stopAll([a, b]));

  it('holds one client to one budget whichever instance it reaches', async () => {
    await createPoll(a.url, { slug: 'flood', question: 'Flood?', duplicatePolicy: 'none', ...POLL });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => voteFrom('127.0.8.2', (i % 2 ? b : a).url, 'flood', ['a'])),
    );
    const seconds = (Date.now() - started) / 1000;
    const accepted = answers.filter((answer) => answer.status === 201).length;
    const limited = answers.filter((answer) => answer.status === 429);
    expect(accepted + limited.length).toBe(200);
    // One bucket: 60 at once, then 10 a second. Two per-process buckets would let about 120 through.
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(accepted).toBeLessThanOrEqual(60 + Math.ceil(seconds * 10) + 1);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await results(b, 'flood')).totalResponses).toBe(accepted);
  });
});

describe('an instance killed mid-stream', () => {
  it('loses no acknowledged vote', { timeout: 120_000 }, async () => {
    const [a, b] = await startPair();
    try {
      await createPoll(a.url, { slug: 'crash', question: 'Crash?', duplicatePolicy: 'none', ...POLL });
      const stream = await openStream(`${a.url}/api/polls/crash/results/stream`);
      expect(await stream.next(1)).toBe(true);
      let acknowledged = 0;
      let sent = 0;
      const voting = Array.from({ length: 400 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 10));
        sent++;
        const answer = await voteFrom(clientAddress(i), a.url, 'crash', ['b']).catch(() => null);
        if (answer?.status === 201) acknowledged++;
      });
      // Kill it while votes are in flight and its stream is open: once some are acknowledged.
      for (let i = 0; i < 400 && acknowledged < 10; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      await a.kill();
      await Promise.all(voting);
      await stream.ended;
      expect(acknowledged).toBeGreaterThan(0);
      expect(acknowledged).toBeLessThan(400);
      const counted = (await results(b, 'crash')).totalResponses;
      // Every acknowledged vote is there; a vote committed as the process died may be too.
      expect(counted).toBeGreaterThanOrEqual(acknowledged);
      expect(counted).toBeLessThanOrEqual(sent);
      // And the survivor keeps voting.
      expect((await voteFrom('127.0.9.20', b.url, 'crash', ['a'])).status).toBe(201);
    } finally {
      await stopAll([a, b]);
    }
  });
});

describe('instances starting at once on an empty database', () => {
  it('migrate one after another and seed the demo once', { timeout: 180_000 }, async () => {
    const admin = testPostgresUrl()!;
    const name = `pp_empty_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'postgres-database'), name);
    const servers = await Promise.all([0, 1, 2].map(() => startServer({ dir, env: { SEED_DEMO: '1' } })));
    try {
      for (const server of servers) {
        const polls = await request(`${server.url}/api/admin/polls`, { token: ADMIN_TOKEN });
        const slugs: string[] = polls.body.polls.map((poll: { slug: string }) => poll.slug);
        expect(slugs.toSorted()).toEqual(DEMO_POLLS.map((demo) => demo.input.slug!).toSorted());
        const demo = await results(server, DEMO_POLLS[0]!.input.slug!);
        expect(demo.totalResponses).toBeGreaterThan(0);
      }
    } finally {
      await stopAll(servers);
    }
  });
});
