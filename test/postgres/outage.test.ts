/**
 * PostgreSQL going away under a running instance (a restart, a failover, a cut network): the
 * server reaches its database through a TCP relay the test cuts and restores. Votes and pages
 * answer 503 with Retry-After while it is gone, never 500 and never a stack trace; /healthz says
 * so; nothing half-written is left; once it is back, the same process serves again.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request, voteFrom } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
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
