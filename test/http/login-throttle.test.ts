/**
 * The admin login throttle over HTTP, against the ways it was raced: many logins at once, bodies
 * held back until every request has passed the check, IPv6 addresses from one /64, and many
 * addresses together. The promise: 5 failed logins per network and 50 overall per 15 minutes.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_LOGIN_FAILURES, MAX_OVERALL_LOGIN_FAILURES } from '@/lib/login-throttle';
import { loginFrom, request, type JsonResponse } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';

const WRONG = 'wrong-password-guess';

const statuses = (responses: { status: number }[]) => responses.map((r) => r.status);
const countOf = (responses: { status: number }[], status: number) =>
  statuses(responses).filter((s) => s === status).length;

/** Polls `condition` until it holds or `limitMs` has passed (a bound on waiting, not an assertion on speed). */
async function until(condition: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A login whose body is sent all but its last byte; `finish()` sends that byte. */
interface HeldLogin {
  socket: Socket;
  /** The status line and headers, once they arrive. */
  response: { status: number; retryAfter: string | null } | null;
  finish(): void;
}

function holdLogin(port: number, from: string): Promise<HeldLogin> {
  const body = 'password=wrong-password-guess';
  const head = [
    'POST /admin HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from });
    let received = '';
    const held: HeldLogin = {
      socket,
      response: null,
      finish: () => {
        if (!socket.destroyed) socket.write(body.slice(-1));
      },
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      if (held.response || end < 0) return;
      const lines = received.slice(0, end).split('\r\n');
      const retryAfter = lines.find((line) => /^retry-after:/i.test(line));
      held.response = {
        status: Number(lines[0]!.split(' ')[1]),
        retryAfter: retryAfter ? retryAfter.slice(retryAfter.indexOf(':') + 1).trim() : null,
      };
    });
    // A refused login may be closed by the server before its last byte is sent; that is fine.
    socket.on('error', () => {});
    socket.once('connect', () =>
      socket.write(head + body.slice(0, -1), (error) => (error ? reject(error) : resolve(held))),
    );
  });
}

function expectThrottled(response: JsonResponse, message: RegExp) {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response.body).toMatch(message);
}

describe('one server, addresses kept apart', () => {
  const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

  it(`evaluates at most ${MAX_LOGIN_FAILURES} of 60 concurrent wrong logins from one address`, async () => {
    const responses = await Promise.all(Array.from({ length: 60 }, () => loginFrom('127.0.0.40', server.url, WRONG)));
    expect(countOf(responses, 401)).toBe(MAX_LOGIN_FAILURES);
    expect(countOf(responses, 429)).toBe(60 - MAX_LOGIN_FAILURES);
    for (const refused of responses.filter((r) => r.status === 429)) {
      expectThrottled(refused, /role="alert"[^>]*>\s*Too many failed logins from your network/);
    }
  });

  it(`evaluates at most ${MAX_LOGIN_FAILURES} of 40 logins whose bodies were held back, then released together`, async () => {
    const held = await Promise.all(Array.from({ length: 40 }, () => holdLogin(server.port, '127.0.0.41')));
    try {
      // Every attempt past the allowance is refused without waiting for its body.
      await until(() => held.filter((h) => h.response).length >= 40 - MAX_LOGIN_FAILURES, 10_000);
      for (const h of held) h.finish();
      await until(() => held.every((h) => h.response), 20_000);
      const responses = held.map((h) => h.response ?? { status: 0, retryAfter: null });
      expect(countOf(responses, 401)).toBe(MAX_LOGIN_FAILURES);
      expect(countOf(responses, 429)).toBe(40 - MAX_LOGIN_FAILURES);
      for (const refused of responses.filter((r) => r.status === 429))
        expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    } finally {
      for (const h of held) h.socket.destroy();
    }
  });

  it('gives a right password its reservation back, and lets another address in while one waits', async () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++)
      expect((await loginFrom('127.0.0.42', server.url, WRONG)).status).toBe(401);
    expect((await loginFrom('127.0.0.42', server.url, PASSWORD)).status).toBe(303);
    // The success did not count: exactly one attempt is left, however many arrive at once.
    const burst = await Promise.all(Array.from({ length: 3 }, () => loginFrom('127.0.0.42', server.url, WRONG)));
    expect(statuses(burst).sort()).toEqual([401, 429, 429]);
    // Now even the right password waits from there…
    expectThrottled(await loginFrom('127.0.0.42', server.url, PASSWORD), /Too many failed logins from your network/);
    // …while another address logs in.
    const other = await loginFrom('127.0.0.43', server.url, PASSWORD);
    expect(other.status).toBe(303);
    expect(other.headers.get('set-cookie')).toMatch(/^pp_admin=/);
  });
});

describe('behind a proxy (TRUST_PROXY=1)', () => {
  const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD, TRUST_PROXY: '1' } });

  it('counts IPv6 clients per /64, however the address is written', async () => {
    const via = (xff: string, password = WRONG) =>
      loginFrom('127.0.0.1', server.url, password, { 'x-forwarded-for': `198.51.100.1, ${xff}` });
    for (let i = 1; i <= MAX_LOGIN_FAILURES; i++) expect((await via(`2001:db8:1:2::${i}`)).status).toBe(401);
    for (const xff of [
      '2001:db8:1:2::6',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '[2001:db8:1:2::8]:443',
      '2001:0DB8:0001:0002:0000:0000:0000:0009',
    ]) {
      expectThrottled(await via(xff), /Too many failed logins from your network/);
    }
    expectThrottled(await via('2001:db8:1:2::a', PASSWORD), /Too many failed logins from your network/);
    // The neighbouring /64 is another network.
    expect((await via('2001:db8:1:3::1')).status).toBe(401);
    expect((await via('2001:db8:1:3::2', PASSWORD)).status).toBe(303);
  });
});

describe('many addresses together', () => {
  const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

  it(`pause logging in for everyone after ${MAX_OVERALL_LOGIN_FAILURES} failures; the admin API still works`, async () => {
    const guesses = MAX_OVERALL_LOGIN_FAILURES + 10;
    // One guess from each of many addresses: no address is near its own limit.
    const responses = await Promise.all(
      Array.from({ length: guesses }, (_, i) => loginFrom(`127.0.1.${i + 1}`, server.url, WRONG)),
    );
    expect(countOf(responses, 401)).toBe(MAX_OVERALL_LOGIN_FAILURES);
    expect(countOf(responses, 429)).toBe(guesses - MAX_OVERALL_LOGIN_FAILURES);
    const everyone = /Too many failed logins to this site from many networks, so logging in is paused for everyone/;
    for (const refused of responses.filter((r) => r.status === 429)) expectThrottled(refused, everyone);
    // A fresh address with the right password waits too: its password cannot be told apart unchecked.
    expectThrottled(await loginFrom('127.0.2.1', server.url, PASSWORD), everyone);
    const api = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      json: { question: 'Still manageable?', options: ['Yes', 'No'] },
      token: ADMIN_TOKEN,
    });
    expect(api.status).toBe(201);
  }, 120_000);
});
