/**
 * The client address comes from the socket unless the operator says a proxy is in front: a
 * spoofed X-Forwarded-For must not change the network lock, the rate-limit bucket or the login
 * throttle, and behind a proxy a client's own entries never decide who it is.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, loginFrom, voteFrom } from '../support/api';
import { useServer } from '../support/server';

const PASSWORD = 'a-long-admin-password';
const login = (from: string, base: string, xff: string, password = 'wrong-password-guess') =>
  loginFrom(from, base, password, { 'x-forwarded-for': xff });

describe('TRUST_PROXY=0: forwarding headers change nothing', () => {
  const server = useServer({ env: { RATE_LIMIT: '1', ADMIN_PASSWORD: PASSWORD } });

  it('keeps one network lock whatever X-Forwarded-For says', async () => {
    for (const policy of ['network', 'device_or_network'] as const) {
      const slug = `spoof-${policy.replace(/_/g, '-')}`;
      await createPoll(server.url, { slug, question: 'Spoof?', options: ['A', 'B'], duplicatePolicy: policy });
      const spoofed = (xff: string) => voteFrom('127.0.0.2', server.url, slug, ['a'], { 'x-forwarded-for': xff });
      expect((await spoofed('203.0.113.1')).status).toBe(201);
      for (const xff of ['203.0.113.2', 'not-an-ip', '198.51.100.7, 203.0.113.3', '127.0.0.99']) {
        const again = await spoofed(xff);
        expect(again.status, xff).toBe(409);
        expect(again.body.error.code).toBe('already_voted');
      }
    }
  });

  it('counts spoofed requests in the sender’s own rate-limit bucket', async () => {
    await createPoll(server.url, {
      slug: 'spoof-flood',
      question: 'Flood?',
      options: ['A', 'B'],
      duplicatePolicy: 'none',
    });
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        voteFrom('127.0.0.3', server.url, 'spoof-flood', ['a'], { 'x-forwarded-for': `198.51.100.${i}` }),
      ),
    );
    expect(responses.filter((r) => r.status === 429).length).toBeGreaterThan(30);
    // The addresses it named are untouched.
    expect((await voteFrom('127.0.0.4', server.url, 'spoof-flood', ['b'])).status).toBe(201);
  });

  it('keeps failed logins on the sender and cannot lock out another address', async () => {
    for (let i = 0; i < 5; i++) expect((await login('127.0.0.5', server.url, `127.0.0.${50 + i}`)).status).toBe(401);
    const sixth = await login('127.0.0.5', server.url, '127.0.0.6');
    expect(sixth.status).toBe(429);
    // The "victim" whose address was written into the header still logs in.
    const victim = await login('127.0.0.6', server.url, '127.0.0.5', PASSWORD);
    expect(victim.status).toBe(303);
  });
});

describe('TRUST_PROXY=1', () => {
  const server = useServer({ env: { TRUST_PROXY: '1' } });

  it('takes the right-most entry even when the proxy appends a port or brackets', async () => {
    await createPoll(server.url, {
      slug: 'ports',
      question: 'Ports?',
      options: ['A', 'B'],
      duplicatePolicy: 'network',
    });
    const via = (xff: string) => voteFrom('127.0.0.1', server.url, 'ports', ['a'], { 'x-forwarded-for': xff });
    expect((await via('6.6.6.1, 198.51.100.9:50123')).status).toBe(201);
    expect((await via('6.6.6.2, 198.51.100.9:50999')).status).toBe(409);
    expect((await via('198.51.100.9')).status).toBe(409);
    expect((await via('6.6.6.3, [2001:db8::9]:443')).status).toBe(201);
    expect((await via('6.6.6.4, [2001:db8::9]')).status).toBe(409);
  });

  it('never steps left past an entry it cannot parse: the proxy itself is the client then', async () => {
    await createPoll(server.url, {
      slug: 'garbled',
      question: 'Garbled?',
      options: ['A', 'B'],
      duplicatePolicy: 'network',
    });
    const via = (xff: string) => voteFrom('127.0.0.7', server.url, 'garbled', ['a'], { 'x-forwarded-for': xff });
    expect((await via('6.6.6.1, proxy-garbage')).status).toBe(201);
    expect((await via('6.6.6.2, proxy-garbage')).status).toBe(409);
    expect((await via('6.6.6.3, unknown')).status).toBe(409);
  });
});

describe('TRUSTED_PROXIES', () => {
  const server = useServer({ env: { TRUST_PROXY: '1', TRUSTED_PROXIES: '127.0.0.1 10.0.0.0/8' } });

  it('steps over listed proxies and ignores the headers of a peer that is not one', async () => {
    await createPoll(server.url, { slug: 'hops', question: 'Hops?', options: ['A', 'B'], duplicatePolicy: 'network' });
    const via = (from: string, xff: string) => voteFrom(from, server.url, 'hops', ['a'], { 'x-forwarded-for': xff });
    expect((await via('127.0.0.1', '6.6.6.1, 198.51.100.20, 10.1.1.1')).status).toBe(201);
    expect((await via('127.0.0.1', '6.6.6.2, 198.51.100.20, 10.2.2.2')).status).toBe(409);
    // Not a listed proxy: its own address counts, whatever it forwards.
    expect((await via('127.0.0.8', '198.51.100.21')).status).toBe(201);
    expect((await via('127.0.0.8', '198.51.100.22')).status).toBe(409);
  });
});
