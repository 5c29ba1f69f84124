/**
 * PUBLIC_ORIGIN: absolute URLs come from it, writes must come from it (scheme included), and
 * requests for any other host are refused — so a forged Host or a rebound DNS name gets nothing.
 */
import { describe, expect, it } from 'vitest';
import { requestFrom } from '../support/api';
import { ADMIN_TOKEN, useServer, withServer } from '../support/server';

const PUBLIC = 'https://polls.example.com';
const vote = (base: string, headers: Record<string, string>) =>
  requestFrom('127.0.0.1', `${base}/api/polls/hosts/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ choices: ['a'] }),
  });

describe('with PUBLIC_ORIGIN', () => {
  const server = useServer({
    env: { PUBLIC_ORIGIN: PUBLIC, TRUST_PROXY: '1', TRUSTED_PROXIES: '127.0.0.1' },
    setup: async ({ url }) => {
      const created = await requestFrom('127.0.0.1', `${url}/api/admin/polls`, {
        method: 'POST',
        headers: {
          host: 'polls.example.com',
          'content-type': 'application/json',
          authorization: `Bearer ${ADMIN_TOKEN}`,
        },
        body: JSON.stringify({ slug: 'hosts', question: 'Hosts?', options: ['A', 'B'], duplicatePolicy: 'none' }),
      });
      expect(created.status).toBe(201);
    },
  });

  it.each(['/', '/polls/hosts', '/api/polls', '/embed/hosts', '/oembed?url=x', '/admin'])(
    'refuses %s for another host with 421, page or JSON',
    async (path) => {
      const variants: Record<string, string>[] = [
        { host: 'evil.example' },
        { host: `127.0.0.1:${server.port}` },
        { host: 'polls.example.com', 'x-forwarded-host': 'evil.example' },
      ];
      for (const headers of variants) {
        const response = await requestFrom('127.0.0.1', `${server.url}${path}`, { headers });
        expect(response.status, JSON.stringify(headers)).toBe(421);
      }
      const ours = await requestFrom('127.0.0.1', `${server.url}${path}`, { headers: { host: 'polls.example.com' } });
      expect(ours.status).toBeLessThan(421);
    },
  );

  it('tells a browser where the site lives, with a link there', async () => {
    const response = await requestFrom('127.0.0.1', `${server.url}/polls/hosts`, {
      headers: { host: 'evil.example', accept: 'text/html' },
    });
    expect(response.status).toBe(421);
    expect(response.body).toContain('<h1>Wrong address</h1>');
    expect(response.body).toMatch(/role="alert">This server answers only for polls\.example\.com\.</);
    expect(response.body).toContain(`href="${PUBLIC}/"`);
  });

  it('still answers /healthz for any host (load balancers probe by address)', async () => {
    const response = await requestFrom('127.0.0.1', `${server.url}/healthz`, { headers: { host: '10.1.2.3:4321' } });
    expect(response.status).toBe(200);
  });

  it('builds oEmbed and snippet URLs from PUBLIC_ORIGIN, not from the request', async () => {
    const url = encodeURIComponent(`${PUBLIC}/polls/hosts`);
    const oembed = await requestFrom('127.0.0.1', `${server.url}/oembed?url=${url}&format=json`, {
      headers: { host: 'polls.example.com', 'x-forwarded-proto': 'http' },
    });
    expect(oembed.status).toBe(200);
    expect(oembed.body.html).toContain(`src="${PUBLIC}/embed/hosts"`);
    expect(oembed.body.provider_url).toBe(PUBLIC);
    const page = await requestFrom('127.0.0.1', `${server.url}/polls/hosts`, {
      headers: { host: 'POLLS.example.com:443' },
    });
    expect(page.body).toContain(`${PUBLIC}/embed.js`);
    expect(page.body).not.toContain('http://polls.example.com');
  });

  it('accepts writes only from the exact public origin, scheme included', async () => {
    const host = { host: 'polls.example.com' };
    expect((await vote(server.url, { ...host, origin: PUBLIC })).status).toBe(201);
    expect((await vote(server.url, host)).status).toBe(201); // no Origin: not a browser
    for (const origin of [
      'http://polls.example.com',
      'https://polls.example.com:8443',
      'https://evil.example',
      'null',
    ]) {
      const refused = await vote(server.url, { ...host, origin });
      expect(refused.status, origin).toBe(403);
      expect(refused.body.error.code).toBe('forbidden_origin');
    }
    // DNS rebinding: the attacker's name in both Host and Origin.
    const rebound = await vote(server.url, { host: 'evil.example', origin: 'http://evil.example' });
    expect(rebound.status).toBe(421);
    expect(rebound.body.error.code).toBe('misdirected_request');
  });
});

describe('without PUBLIC_ORIGIN', () => {
  it('says at start that hosts are not checked', async () => {
    await withServer({}, async (server) => {
      expect(server.output()).toMatch(/PUBLIC_ORIGIN is not set/);
      const oembed = await requestFrom(
        '127.0.0.1',
        `${server.url}/oembed?url=${encodeURIComponent(`${server.url}/polls/x`)}`,
      );
      expect(oembed.status).toBe(404);
    });
  });
});
