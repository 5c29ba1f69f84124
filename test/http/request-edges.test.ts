/**
 * Edges an attack review found: pipelined requests from a client that hangs up, methods Astro
 * cannot represent, header floods, two Host lines, forwarded hosts written by the client, and
 * one browser holding two device cookies.
 */
import { readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cookieFrom, createPoll, formPost, rawRequest, request, requestFrom, vote } from '../support/api';
import { ROOT, useServer } from '../support/server';

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'dev', question: 'Device?', options: ['A', 'B'], duplicatePolicy: 'device' });
    await createPoll(url, { slug: 'other', question: 'Other?', options: ['A', 'B'], duplicatePolicy: 'device' });
  },
});

const openDescriptors = () => readdirSync(`/proc/${server.process.pid}/fd`).length;

/**
 * Sends raw bytes on one connection and gives back what arrives until the connection closes;
 * with `hangUpAfterBytes` the client hangs up once that much has arrived.
 */
function exchange(payload: string, { hangUpAfterBytes }: { hangUpAfterBytes?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (hangUpAfterBytes !== undefined && received.length > hangUpAfterBytes) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    socket.write(payload);
  });
}

describe('pipelining', () => {
  it('leaves no file open behind a client that pipelines static files and hangs up midway', async () => {
    // The largest bundle: its answer does not fit the socket buffers, so the ones behind it wait.
    const assets = join(ROOT, 'dist', 'client', '_astro');
    const largest = readdirSync(assets)
      .map((name) => ({ name, size: statSync(join(assets, name)).size }))
      .sort((a, b) => b.size - a.size)[0]!;
    expect(largest.size).toBeGreaterThan(64 * 1024);
    const asset = `/_astro/${largest.name}`;
    await request(`${server.url}${asset}`); // warm up: the first read may open lasting handles
    const before = openDescriptors();
    const pipelined = `GET ${asset} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(16);
    for (let i = 0; i < 5; i++) await exchange(pipelined, { hangUpAfterBytes: 2 * largest.size });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(openDescriptors()).toBeLessThanOrEqual(before + 2);
  });

  it('answers a short pipeline in order, and cuts off a connection that queues more than 16', async () => {
    const probe = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const short = await exchange(
      `${probe.repeat(4)}GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    expect(short.match(/HTTP\/1\.1 200/g)).toHaveLength(5);
    // The whole flood arrives at once: the connection is closed (exchange resolves) with at most 16 answered.
    const flooded = await exchange(probe.repeat(40));
    expect(flooded.match(/HTTP\/1\.1 200/g)?.length ?? 0).toBeLessThanOrEqual(16);
  });
});

describe('requests Astro cannot represent or that hide headers', () => {
  // Node's parser already refuses TRACK (400); TRACE reaches us and Astro could not represent it.
  it.each(['TRACE', 'TRACK'])('answers %s with a 4xx, no error logged', async (method) => {
    const answer = await exchange(`${method} /polls/dev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(method === 'TRACE' ? /^HTTP\/1\.1 405/ : /^HTTP\/1\.1 400/);
    expect(server.output()).not.toMatch(/Unhandled|TypeError|Internal Server Error/);
  });

  it('closes a CONNECT (no tunnels here) without an error', async () => {
    const answer = await exchange('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    expect(answer).not.toMatch(/^HTTP\/1\.1 5/);
    expect(server.output()).not.toMatch(/Unhandled|TypeError/);
  });

  it('refuses a request with more header lines than any browser sends (431)', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 150; i++) headers[`x-filler-${i}`] = 'x';
    expect((await rawRequest(server.url, '/healthz', { headers })).status).toBe(431);
  });

  it('refuses two Host lines (400)', async () => {
    const answer = await exchange(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('one browser, two device cookies', () => {
  it('cannot vote once with the site cookie and again with the widget cookie', async () => {
    const site = await vote(server.url, 'dev', ['a']);
    expect(site.status).toBe(201);
    const siteCookie = cookieFrom(site.headers, 'pp_voter');
    // A widget cookie from another poll: a second identity of the same browser.
    const widgetVote = await formPost(server.url, '/embed/other', { choice: 'a' });
    const widgetCookie = cookieFrom(widgetVote.headers, 'pp_widget_voter');
    const both = `${siteCookie}; ${widgetCookie}`;
    const again = await formPost(server.url, '/embed/dev', { choice: 'b' }, { cookie: both });
    expect(again.status).toBe(409);
    expect((await vote(server.url, 'other', ['b'], both)).status).toBe(409);
    // And the pages know this browser voted, whichever cookie it used.
    const page = (await request(`${server.url}/polls/other`, { headers: { cookie: both } })).body as string;
    expect(page).toContain('You have already voted');
  });
});

describe('forwarded hosts behind a proxy', () => {
  const proxied = useServer({ env: { TRUST_PROXY: '1', PUBLIC_ORIGIN: 'https://polls.example.com' } });

  it('believes only the right-most X-Forwarded-Host entry, the one the proxy wrote', async () => {
    const via = (host: string, forwarded: string) =>
      requestFrom('127.0.0.1', `${proxied.url}/`, { headers: { host, 'x-forwarded-host': forwarded } });
    expect((await via('evil.example', 'polls.example.com')).status).toBe(200);
    expect((await via('polls.example.com', 'polls.example.com, evil.example')).status).toBe(421);
    expect((await via('polls.example.com', 'evil.example, polls.example.com')).status).toBe(200);
  });
});
