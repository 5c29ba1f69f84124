/** Duplicate policies from several "networks", privacy of addresses, and rate limits. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPoll, request, requestFrom, voteFrom, voterCookie } from '../support/api';
import { onPostgres } from '../support/postgres';
import { storedText } from '../support/raw-database';
import { useServer, withServer } from '../support/server';

const server = useServer({ env: { RATE_LIMIT: '1' } });

describe('duplicate policies', () => {
  it('network: one vote per address and user agent, whatever the cookie', async () => {
    await createPoll(server.url, {
      slug: 'net',
      question: 'Net?',
      options: ['A', 'B'],
      duplicatePolicy: 'network',
      resultsVisibility: 'always',
    });
    expect((await voteFrom('127.0.0.2', server.url, 'net', ['a'])).status).toBe(201);
    const again = await voteFrom('127.0.0.2', server.url, 'net', ['b']); // no cookie: a "new browser"
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_voted' } } });
    expect((await voteFrom('127.0.0.3', server.url, 'net', ['b'])).status).toBe(201);
    expect((await voteFrom('127.0.0.2', server.url, 'net', ['b'], { 'user-agent': 'other-browser/2.0' })).status).toBe(
      201,
    );
    const results = await request(`${server.url}/api/polls/net/results`);
    expect(results.body).toMatchObject({ duplicatePolicy: 'network', totalResponses: 3, duplicatesRefused: 1 });
  });

  it('device: one vote per browser cookie, even across networks; a new browser votes', async () => {
    await createPoll(server.url, { slug: 'dev', question: 'Dev?', options: ['A', 'B'], duplicatePolicy: 'device' });
    const first = await voteFrom('127.0.0.2', server.url, 'dev', ['a']);
    const cookie = voterCookie(first.headers);
    expect((await voteFrom('127.0.0.3', server.url, 'dev', ['a'], { cookie })).status).toBe(409);
    expect((await voteFrom('127.0.0.2', server.url, 'dev', ['a'])).status).toBe(201);
  });

  it('device_or_network: refused when either the browser or the network already voted', async () => {
    await createPoll(server.url, {
      slug: 'both',
      question: 'Both?',
      options: ['A', 'B'],
      duplicatePolicy: 'device_or_network',
    });
    const first = await voteFrom('127.0.0.2', server.url, 'both', ['a']);
    expect(first.status).toBe(201);
    const cookie = voterCookie(first.headers);
    expect((await voteFrom('127.0.0.3', server.url, 'both', ['a'], { cookie })).status).toBe(409); // same browser
    expect((await voteFrom('127.0.0.2', server.url, 'both', ['a'])).status).toBe(409); // same network
    expect((await voteFrom('127.0.0.4', server.url, 'both', ['b'])).status).toBe(201);
  });

  it('none: every submission counts', async () => {
    await createPoll(server.url, { slug: 'kiosk', question: 'Kiosk?', options: ['A', 'B'], duplicatePolicy: 'none' });
    for (let i = 0; i < 3; i++) expect((await voteFrom('127.0.0.2', server.url, 'kiosk', ['a'])).status).toBe(201);
  });

  it('states the policy and the refused duplicates on the results page', async () => {
    const { body } = await request(`${server.url}/polls/net/results`);
    expect(body).toContain('One vote per network identity');
    // Pluralised by countOf: one refusal reads "1 repeated submission was refused".
    expect(body).toContain('1 repeated submission was refused');
  });

  it('takes the client from the right-most X-Forwarded-For hop behind a trusted proxy', async () => {
    await withServer({ env: { TRUST_PROXY: '1' } }, async (proxied) => {
      await createPoll(proxied.url, { slug: 'p', question: 'P?', options: ['A', 'B'], duplicatePolicy: 'network' });
      const from = (xff: string) => voteFrom('127.0.0.1', proxied.url, 'p', ['a'], { 'x-forwarded-for': xff });
      expect((await from('203.0.113.77')).status).toBe(201);
      // A client cannot dodge the policy by prepending addresses of its own.
      expect((await from('198.51.100.1, 203.0.113.77')).status).toBe(409);
      expect((await from('203.0.113.78')).status).toBe(201);
    });
  });
});

describe('privacy', () => {
  it('never writes a client address to the database, its WAL or the log', async () => {
    const addresses = ['127.0.0.2', '127.0.0.3', '203.0.113.99'];
    await withServer({ env: { TRUST_PROXY: '1' } }, async (proxied) => {
      await createPoll(proxied.url, {
        slug: 'priv',
        question: 'Private?',
        options: ['A', 'B'],
        duplicatePolicy: 'device_or_network',
      });
      await voteFrom('127.0.0.2', proxied.url, 'priv', ['a']);
      await voteFrom('127.0.0.3', proxied.url, 'priv', ['b']);
      await voteFrom('127.0.0.3', proxied.url, 'priv', ['b']); // refused duplicate
      await voteFrom('127.0.0.1', proxied.url, 'priv', ['a'], { 'x-forwarded-for': '203.0.113.99' });
      await requestFrom('127.0.0.2', `${proxied.url}/polls/priv`, {
        method: 'POST',
        body: 'choice=zzz',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      // SQLite: its files, the WAL among them (the votes still there); PostgreSQL: every row.
      if (!onPostgres()) expect(readdirSync(proxied.dir).some((file) => file.endsWith('-wal'))).toBe(true);
      const scan = async () => {
        const stored = (await storedText(proxied)) + proxied.output();
        expect(stored).toContain('priv');
        for (const address of addresses) expect(stored).not.toContain(address);
      };
      await scan();
      await proxied.stop();
      await scan();
    });
  });
});

describe('rate limiting', () => {
  it('never refuses an office behind one address voting several times a second', async () => {
    await createPoll(server.url, { slug: 'office', question: 'Office?', options: ['A', 'B'], duplicatePolicy: 'none' });
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      statuses.push((await voteFrom('127.0.0.5', server.url, 'office', ['a'])).status);
      await new Promise((resolve) => setTimeout(resolve, 250)); // 4 votes a second for 6 seconds
    }
    expect(statuses).toEqual(Array(24).fill(201));
  });

  it('refuses a flood from one address with 429 rate_limited and Retry-After, counting only what it accepted', async () => {
    await createPoll(server.url, {
      slug: 'flood',
      question: 'Flood?',
      options: ['A', 'B'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    });
    // 200 at once: more concurrent connections than that would meet the per-client connection cap.
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => voteFrom('127.0.0.6', server.url, 'flood', ['a'])),
    );
    const accepted = responses.filter((r) => r.status === 201).length;
    const limited = responses.filter((r) => r.status === 429);
    expect(accepted + limited.length).toBe(200);
    expect(limited.length).toBeGreaterThan(100);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Other addresses are unaffected.
    expect((await voteFrom('127.0.0.7', server.url, 'flood', ['b'])).status).toBe(201);
    const results = await request(`${server.url}/api/polls/flood/results`);
    expect(results.body.totalResponses).toBe(accepted + 1);
  });
});
