/**
 * The JSON hot paths (votes, results, live streams) are served at the node:http layer, outside
 * Astro (src/http/api/routes.ts). What that layer could get wrong that the API's own tests do not
 * pin: HEAD, odd methods, pipelining, the voter cookie's attributes next to a page's, forwarding
 * headers, the host check, and one write rate limit shared with Astro's pages.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, rawRequest, request, requestFrom, vote, type JsonResponse } from '../support/api';
import { ADMIN_TOKEN, useServer, withServer } from '../support/server';

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'l', question: 'L?', options: ['A', 'B'], resultsVisibility: 'always' });
    await createPoll(url, { slug: 'api-cookie', question: 'API?', options: ['A', 'B'] });
    await createPoll(url, { slug: 'page-cookie', question: 'Page?', options: ['A', 'B'] });
    await createPoll(url, { slug: 'proto', question: 'Proto?', options: ['A', 'B'], duplicatePolicy: 'none' });
  },
});

/** The attributes of a Set-Cookie line, without its value. */
const attributes = (setCookie: string) =>
  setCookie
    .split(';')
    .slice(1)
    .map((part) => part.trim());

describe('methods', () => {
  it('answers HEAD on results as GET, without the body', async () => {
    const get = await rawRequest(server.url, '/api/polls/l/results');
    const head = await rawRequest(server.url, '/api/polls/l/results', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(head.headers['cache-control']).toBe('private, no-cache');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect((await rawRequest(server.url, '/api/polls/nope/results', { method: 'HEAD' })).status).toBe(404);
  });

  it.each([
    ['/api/polls/l/votes', 'GET', 'POST'],
    ['/api/polls/l/votes', 'PUT', 'POST'],
    ['/api/polls/l/votes', 'OPTIONS', 'POST'],
    ['/api/polls/l/results', 'POST', 'GET, HEAD'],
    ['/api/polls/l/results', 'DELETE', 'GET, HEAD'],
    ['/api/polls/l/results/stream', 'HEAD', 'GET'],
    ['/api/polls/l/results/stream', 'PATCH', 'GET'],
    ['/api/surveys/nope/results/stream', 'POST', 'GET'],
  ])('answers %s with %s by 405, Allow: %s, the envelope and the security headers', async (path, method, allow) => {
    const response = await rawRequest(server.url, path, { method });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    if (method !== 'HEAD') {
      expect(JSON.parse(response.body)).toEqual({
        error: { code: 'method_not_allowed', message: `This endpoint accepts ${allow}.` },
      });
    }
  });

  it('serves a path with a trailing slash, as Astro routes did', async () => {
    expect((await request(`${server.url}/api/polls/l/results/`)).status).toBe(200);
  });
});

describe('connections', () => {
  it('answers pipelined requests on one connection, in order', async () => {
    const get = (path: string, last = false) =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
      socket.write(get('/api/polls/l/results') + get('/api/polls/nope/results') + get('/api/polls/l/results', true));
    });
    expect([...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1])).toEqual(['200', '404', '200']);
  });

  it('refuses a body declared too large with 413 and closes the connection', async () => {
    const response = await rawRequest(server.url, '/api/polls/l/votes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(17 * 1024) },
      body: ' '.repeat(17 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body).error.code).toBe('body_too_large');
  });
});

describe('cookies and forwarding headers', () => {
  it('issues the voter cookie with the attributes a page form post gives it', async () => {
    const api = await vote(server.url, 'api-cookie', ['a']);
    expect(api.status).toBe(201);
    const page = await formPost(server.url, '/polls/page-cookie', { choice: 'a' });
    expect(page.status).toBe(303);
    const [apiCookie] = api.headers.getSetCookie();
    const [pageCookie] = page.headers.getSetCookie();
    expect(apiCookie).toMatch(/^pp_voter=/);
    expect(attributes(apiCookie!)).toEqual(attributes(pageCookie!));
    // The cookie one layer issued is the browser's identity on the other.
    const cookie = apiCookie!.split(';')[0]!;
    const again = await formPost(server.url, '/polls/api-cookie', { choice: 'b' }, { cookie });
    expect(again.status).toBe(409);
  });

  it('ignores X-Forwarded-Proto without TRUST_PROXY: no Secure cookie over plain HTTP', async () => {
    // A public host name: a loopback one accepts Secure cookies over plain HTTP, and gets them.
    const response = await requestFrom('127.0.0.1', `${server.url}/api/polls/proto/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', host: 'polls.example' },
      body: JSON.stringify({ choices: ['a'] }),
    });
    expect(response.status).toBe(201);
    expect(attributes(response.headers.getSetCookie()[0]!)).not.toContain('Secure');
  });

  it('believes X-Forwarded-Proto behind a trusted proxy: a Secure cookie', async () => {
    await withServer({ env: { TRUST_PROXY: '1' } }, async (proxied) => {
      await createPoll(proxied.url, { slug: 'proto', question: 'Proto?', options: ['A', 'B'] });
      const response = await requestFrom('127.0.0.1', `${proxied.url}/api/polls/proto/votes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', host: 'polls.example' },
        body: JSON.stringify({ choices: ['a'] }),
      });
      expect(response.status).toBe(201);
      expect(attributes(response.headers.getSetCookie()[0]!)).toContain('Secure');
    });
  });
});

describe('with PUBLIC_ORIGIN', () => {
  const PUBLIC = 'https://polls.example.com';
  const publicServer = useServer({ env: { PUBLIC_ORIGIN: PUBLIC } });
  const from = (path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    requestFrom('127.0.0.1', `${publicServer.url}${path}`, { method, headers, body });

  it.each([
    ['GET', '/api/polls/x/results'],
    ['HEAD', '/api/polls/x/results'],
    ['GET', '/api/polls/x/results/stream'],
    ['GET', '/api/surveys/x/results/stream'],
    ['POST', '/api/polls/x/votes'],
  ])('refuses %s %s for another host with 421 in JSON', async (method, path) => {
    const body = method === 'POST' ? JSON.stringify({ choices: ['a'] }) : undefined;
    const headers = { host: 'evil.example', 'content-type': 'application/json' };
    const refused = await from(path, headers, method, body);
    expect(refused.status).toBe(421);
    if (method !== 'HEAD') expect(refused.body.error.code).toBe('misdirected_request');
    const ours = await from(path, { ...headers, host: 'polls.example.com' }, method, body);
    expect(ours.status).toBe(404);
  });

  it('refuses a vote from the public host under another scheme (403 forbidden_origin)', async () => {
    await requestFrom('127.0.0.1', `${publicServer.url}/api/admin/polls`, {
      method: 'POST',
      headers: {
        host: 'polls.example.com',
        'content-type': 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
      body: JSON.stringify({ slug: 'o', question: 'O?', options: ['A', 'B'], duplicatePolicy: 'none' }),
    });
    const post = (origin: string) =>
      from(
        '/api/polls/o/votes',
        { host: 'polls.example.com', origin, 'content-type': 'application/json' },
        'POST',
        JSON.stringify({ choices: ['a'] }),
      );
    expect((await post('http://polls.example.com')).body.error.code).toBe('forbidden_origin');
    expect((await post(PUBLIC)).status).toBe(201);
  });
});

describe('RATE_LIMIT=1', () => {
  const limited = useServer({
    env: { RATE_LIMIT: '1' },
    setup: async ({ url }) => {
      // Closed: every write is refused after the rate limit without touching the disk.
      await createPoll(url, {
        slug: 'burst',
        question: 'Burst?',
        options: ['A', 'B'],
        closesAt: '2020-01-01T00:00:00Z',
      });
      // A cold server's first page requests can take seconds (the bucket refills meanwhile): warm it.
      await request(`${url}/polls/burst`);
    },
  });
  // Posts from another site take their token and are refused (403) before any page is rendered: a quick burst.
  const page = (address: string, origin = limited.url) =>
    requestFrom(address, `${limited.url}/polls/burst`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: 'choice=a',
    });
  const api = (address: string, origin = limited.url) =>
    requestFrom(address, `${limited.url}/api/polls/burst/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ choices: ['b'] }),
    });
  const burst = (send: () => Promise<JsonResponse>) => Promise.all(Array.from({ length: 150 }, send));
  const refused = (responses: JsonResponse[]) => responses.filter((response) => response.status === 429);

  it.each([
    ['API votes', 'page form posts', api, page, '127.0.0.31'],
    ['page form posts', 'API votes', page, api, '127.0.0.32'],
  ])('%s empty the bucket that %s take from', async (_first, _then, first, then, address) => {
    const flood = await burst(() => first(address, 'https://evil.example'));
    expect(refused(flood).length).toBeGreaterThan(0);
    // A bucket of its own would let all 20 through; the shared one, at 10 a second, hardly any.
    const after = await Promise.all(Array.from({ length: 20 }, () => then(address)));
    const limitedAfter = refused(after);
    expect(limitedAfter.length).toBeGreaterThan(0);
    expect(Number(limitedAfter[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limitedAfter[0]!.body.error.code).toBe('rate_limited');
  });
});
