/** Security headers on every kind of response, and malformed requests answered with 4xx. */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPoll, rawRequest, request } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

const server = useServer({
  setup: ({ url }) => createPoll(url, { slug: 'h', question: 'H?', options: ['A', 'B'], resultsVisibility: 'always' }),
});

describe('security headers', () => {
  it('are on pages, API answers, errors, the widget, the loader and static assets', async () => {
    const home = (await request(`${server.url}/`)).body as string;
    const stylesheet = /href="(\/_astro\/[^"]+\.css)"/.exec(home)![1]!;
    const paths = [
      '/',
      '/polls/h',
      '/polls/h/results',
      '/polls/h/qr.svg',
      '/polls/h/results.png',
      '/no-such-page',
      '/api/polls',
      '/api/polls/nope',
      '/healthz',
      '/embed/h',
      '/embed.js',
      '/favicon.svg',
      stylesheet,
    ];
    for (const path of paths) {
      const { headers } = await request(`${server.url}${path}`);
      const csp = headers.get('content-security-policy') ?? '';
      expect(/script-src ([^;]*)/.exec(csp)?.[1], path).toBe("'self'");
      expect(csp, path).toMatch(/frame-ancestors /);
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBeTruthy();
      expect(headers.get('permissions-policy'), path).toContain('camera=()');
      if (!path.startsWith('/embed/')) expect(headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
    }
  });

  it('are on refusals too (403, 413, 429 paths share the middleware)', async () => {
    const refused = await request(`${server.url}/api/polls/h/votes`, {
      method: 'POST',
      json: { choices: ['a'] },
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('request hygiene', () => {
  it('refuses deeply nested JSON with 400 invalid_body', async () => {
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    const response = await request(`${server.url}/api/polls/h/votes`, {
      method: 'POST',
      body: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
  });

  it('refuses a depth bomb at the admin body limit without falling over', async () => {
    const bomb = '['.repeat(30_000) + ']'.repeat(30_000); // just under 64 KiB
    const response = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      body: bomb,
      headers: { 'content-type': 'application/json' },
      token: ADMIN_TOKEN,
    });
    expect(response.status).toBe(400);
    expect(['invalid_json', 'invalid_body']).toContain(response.body.error.code);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'treats a "%s" key as an unknown field and stores nothing',
    async (key) => {
      const body = `{"question":"Proto?","slug":"proto-${key.replace(/_/g, '')}","options":["A","B"],"${key}":{"status":"closed","isAdmin":true}}`;
      const response = await request(`${server.url}/api/admin/polls`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        token: ADMIN_TOKEN,
      });
      expect(response.status).toBe(422);
      expect(response.body.error.message).toContain(key);
      expect((await request(`${server.url}/api/polls/proto-${key.replace(/_/g, '')}`)).status).toBe(404);
      expect(({} as Record<string, unknown>).status).toBeUndefined();
    },
  );

  it('answers an overlong URL with 414', async () => {
    const response = await rawRequest(server.url, `/polls/${'a'.repeat(5000)}`);
    expect(response.status).toBe(414);
  });

  it('answers a huge URL beyond the header limit with 431', async () => {
    const response = await rawRequest(server.url, `/polls/${'a'.repeat(20_000)}`).catch(() => ({ status: 431 }));
    expect(response.status).toBe(431);
  });

  it.each(['/polls/%E0%A4%A', '/polls/%', '/embed/%ZZ', '/api/polls/%C0%AF/results'])(
    'answers a malformed path %s with 4xx',
    async (path) => {
      const { status } = await rawRequest(server.url, path);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    },
  );

  it('refuses invalid UTF-8 in a form post with 400', async () => {
    const response = await request(`${server.url}/polls/h`, {
      method: 'POST',
      body: Buffer.from([0x63, 0x68, 0x6f, 0x69, 0x63, 0x65, 0x3d, 0xff, 0xfe]),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
  });

  it('explains a refused browser form post in an HTML page, and API clients in JSON', async () => {
    const page = await request(`${server.url}/polls/h`, {
      method: 'POST',
      body: 'choice=a',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        accept: 'text/html',
      },
    });
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/<p role="alert">Requests from other sites may not change anything here\.<\/p>/);
    const api = await request(`${server.url}/api/polls/h/votes`, {
      method: 'POST',
      json: { choices: ['a'] },
      headers: { origin: 'https://evil.example', accept: 'text/html' },
    });
    expect(api.body.error.code).toBe('forbidden_origin');
  });

  it.each(['/polls/h', '/embed/h'])('refuses cross-origin form posts on %s with 403', async (path) => {
    const response = await request(`${server.url}${path}`, {
      method: 'POST',
      body: 'choice=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    const sameSiteFetch = await request(`${server.url}${path}`, {
      method: 'POST',
      body: 'choice=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    });
    expect(sameSiteFetch.status).toBe(403);
  });

  it.each(['/polls/h', '/api/polls/h/votes', '/admin'])(
    'takes a client hanging up mid-body on %s calmly: no error logged, nothing stored',
    async (path) => {
      const before = (await request(`${server.url}/api/polls/h/results`)).body.totalResponses;
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"choices":[`,
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.output()).not.toMatch(/Unhandled error|Error:/);
      expect((await request(`${server.url}/api/polls/h/results`)).body.totalResponses).toBe(before);
    },
  );
});
