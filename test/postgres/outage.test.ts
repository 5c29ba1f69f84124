/**
 * PostgreSQL going away under a running instance (a restart, a failover, a cut network): the
 * server reaches its database through a TCP relay the test cuts and restores. Votes and pages
 * answer 503 with Retry-After while it is gone, never 500 and never a stack trace; /healthz says
 * so; nothing half-written is left; once it is back, the same process serves again.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request, voteFrom } from '../support/api';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../support/postgres';
import { withStores } from '../support/temp-db';
import { freePort, startServer, type RunningServer } from '../support/server';

/** A TCP relay to the cluster that can be cut (every connection dropped, new ones refused) and restored. */
class Relay {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
    this.#server = null;
  }
}

describe('PostgreSQL unavailable under a running instance', () => {
  let database: TestDatabase;
  let relay: Relay;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    relay = new Relay(await freePort(), { host: url.hostname, port: Number(url.port) });
    await relay.open();
    url.port = String(relay.port);
    server = await startServer({ env: { DATABASE_URL: url.toString() } });
    await createPoll(server.url, {
      slug: 'outage',
      question: 'Outage?',
      options: ['A', 'B'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    });
  });
  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    await relay?.cut();
    await database?.drop();
  });

  it('answers 503 with Retry-After while the database is gone, then serves again', async () => {
    expect((await voteFrom('127.0.0.2', server.url, 'outage', ['a'])).status).toBe(201);
    await relay.cut();

    const vote = await voteFrom('127.0.0.3', server.url, 'outage', ['b']);
    expect(vote.status).toBe(503);
    expect(vote.body.error.code).toBe('storage_unavailable');
    expect(vote.headers.get('retry-after')).toMatch(/^\d+$/);
    const results = await request(`${server.url}/api/polls/outage/results`);
    expect(results.status).toBe(503);
    const health = await request(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    const page = await request(`${server.url}/polls/outage`);
    expect(page.status).toBe(503);
    expect(String(page.body)).not.toMatch(/at .*\.(m?js|ts):\d+/); // no stack trace

    await relay.open();
    let again = await voteFrom('127.0.0.4', server.url, 'outage', ['b']);
    for (let i = 0; i < 50 && again.status !== 201; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await voteFrom('127.0.0.4', server.url, 'outage', ['b']);
    }
    expect(again.status).toBe(201);
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
    // The vote refused during the outage left nothing behind.
    expect((await request(`${server.url}/api/polls/outage/results`)).body.totalResponses).toBe(2);
    expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
  });
});

/** A client of the test's database as its owner (superuser), apart from the server's pool. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

describe('PostgreSQL ending the server’s connections and holding its rows', () => {
  let server: RunningServer;
  let admin: pg.Client;
  beforeAll(async () => {
    // A small pool, so a leaked connection would show within a few requests.
    server = await startServer({ env: { DATABASE_POOL_SIZE: '3' } });
    admin = await connect(testPostgresUrl()!);
    await createPoll(server.url, {
      slug: 'kill',
      question: 'Kill?',
      options: ['A', 'B'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    });
  });
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
    server?.cleanup();
  });

  it('survives its connections being terminated mid-flood: no crash, no leaked connection, no drift', async () => {
    const database = new URL(server.databaseUrl).pathname.slice(1);
    let flooding = true;
    const statuses: number[] = [];
    const voters = Array.from({ length: 8 }, async (_, n) => {
      for (let i = 0; flooding; i++) {
        const answer = await voteFrom(`127.0.3.${n + 2}`, server.url, 'kill', [i % 2 ? 'a' : 'b']).catch(() => null);
        statuses.push(answer?.status ?? 0);
      }
    });
    for (let round = 0; round < 15; round++) {
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'peer-polls'`,
        [database],
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    flooding = false;
    await Promise.all(voters);
    expect(server.process.exitCode).toBeNull();
    expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
    // Every pooled connection came back: more sequential votes than the pool has all succeed.
    for (let i = 0; i < 10; i++) {
      let answer = await voteFrom('127.0.3.40', server.url, 'kill', ['a']);
      for (let retry = 0; retry < 20 && answer.status === 503; retry++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await voteFrom('127.0.3.40', server.url, 'kill', ['a']);
      }
      expect(answer.status).toBe(201);
    }
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
    await withStores(server.databaseUrl, async ({ store }) => expect(await store.recount(false)).toEqual([]));
  });

  it('answers 503 within seconds while another transaction holds the poll, then votes again', async () => {
    const holder = await connect(server.databaseUrl);
    try {
      await holder.query('begin');
      await holder.query(`select id from polls where slug = 'kill' for update`);
      const started = Date.now();
      const answers = await Promise.all([2, 3, 4].map((n) => voteFrom(`127.0.4.${n}`, server.url, 'kill', ['b'])));
      expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503]);
      expect(answers[0]!.body.error.code).toBe('storage_unavailable');
      expect(Date.now() - started).toBeLessThan(14_000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect((await voteFrom('127.0.4.9', server.url, 'kill', ['b'])).status).toBe(201);
  });

  it('never shows a statement or its values in /healthz or the log when a write fails', async () => {
    const owner = await connect(server.databaseUrl);
    try {
      // A full disk, as PostgreSQL reports it, on the vote's tally update.
      await owner.query(`create function pp_full() returns trigger language plpgsql as
        $$ begin raise exception 'could not extend file: No space left on device' using errcode = '53100'; end $$`);
      await owner.query('create trigger pp_full before update on poll_options for each row execute function pp_full()');
      const vote = await voteFrom('127.0.5.2', server.url, 'kill', ['b']);
      expect(vote.status).toBe(503);
      const health = await request(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(JSON.stringify(health.body)).toMatch(/No space left on device/);
      expect(JSON.stringify(health.body)).not.toMatch(/Failed query|params|poll_options|select|update/i);
      expect(server.output()).not.toMatch(/Failed query|params:/);
    } finally {
      await owner.query('drop trigger if exists pp_full on poll_options');
      await owner.query('drop function if exists pp_full()');
      await owner.end();
    }
  });
});
