/**
 * Two app instances (src/app.ts createApp, in one process) on one PostgreSQL database: started
 * together on an empty database they seed the demo once; an admin session started on one is
 * valid on the other; failed logins and the write limit count across both; a vote on one
 * reaches a live stream on the other; an instance with another VOTER_KEY_SECRET does not start.
 * (The same across processes, over HTTP: test/http/multi-instance.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { attemptLogin } from '@/http/admin-login';
import { refusalFor, requestLocals } from '@/http/guards';
import { WRITE_LIMIT } from '@/http/rate-limit';
import { sessionActor } from '@/lib/admin-session';
import { ConfigError, loadConfig } from '@/lib/config';
import type { Watcher } from '@/lib/live-results';
import { MAX_LOGIN_FAILURES } from '@/lib/login-throttle';
import { createPoll } from '@/lib/poll-admin';
import type { Results } from '@/lib/types';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';

const SECRET = 'two-instances-voter-key-secret-0123456789';
const PASSWORD = 'correct horse battery staple';

let database: TestDatabase;
const apps: App[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const app of apps.splice(0)) {
    app.live.closeAll();
    await app.close();
  }
  await database.drop();
});

async function start(env: Record<string, string> = {}): Promise<App> {
  const app = await createApp(
    loadConfig({
      DATABASE_URL: database.url,
      VOTER_KEY_SECRET: SECRET,
      ADMIN_PASSWORD: PASSWORD,
      SEED_DEMO: '0',
      DATABASE_POOL_SIZE: '4',
      ...env,
    }),
  );
  apps.push(app);
  return app;
}

const loginRequest = (password: string) =>
  new Request('http://localhost/admin', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ password }).toString(),
  });

describe('two instances on one database', () => {
  it('seed the demo once when they start together on an empty database', async () => {
    const [a, b] = await Promise.all([start({ SEED_DEMO: '1' }), start({ SEED_DEMO: '1' })]);
    const polls = await a.store.listPolls();
    expect(polls.length).toBeGreaterThan(0);
    expect(new Set(polls.map((poll) => poll.slug)).size).toBe(polls.length);
    expect(await b.store.listPolls()).toHaveLength(polls.length);
    expect(await b.surveyStore.listSurveys()).toHaveLength(1);
  });

  it('share admin sessions and failed-login counts', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const signedIn = await attemptLogin(a, loginRequest(PASSWORD), '203.0.113.5');
    if (signedIn.kind !== 'ok') throw new Error(`login failed: ${JSON.stringify(signedIn)}`);
    expect(await sessionActor(b.adminStore, signedIn.token, Date.now())).not.toBeNull();
    // Wrong passwords from one network, spread over both instances, count together.
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      const app = i % 2 === 0 ? a : b;
      expect(await attemptLogin(app, loginRequest('wrong password!'), '198.51.100.7')).toMatchObject({ kind: 'wrong' });
    }
    expect(await attemptLogin(b, loginRequest(PASSWORD), '198.51.100.7')).toMatchObject({
      kind: 'throttled',
      status: 429,
    });
    expect(await attemptLogin(a, loginRequest(PASSWORD), '198.51.100.7')).toMatchObject({ kind: 'throttled' });
  });

  it('share the write limit', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const headers = new Headers();
    const url = new URL('http://localhost/polls/x/vote');
    const refusal = (app: App) =>
      refusalFor(app, 'POST', url.pathname, headers, requestLocals(app, '192.0.2.200', headers, url), Date.now());
    const outcomes = await Promise.all(
      Array.from({ length: WRITE_LIMIT.capacity + 10 }, (_, i) => refusal(i % 2 === 0 ? a : b)),
    );
    // The refill may add a token or two while they run: a handful beyond the burst, never twice it.
    const allowed = outcomes.filter((refused) => refused === null).length;
    expect(allowed).toBeGreaterThanOrEqual(WRITE_LIMIT.capacity);
    expect(allowed).toBeLessThan(WRITE_LIMIT.capacity + 10);
    expect(outcomes.find((refused) => refused !== null)).toMatchObject({ retryAfterSeconds: 1 });
  });

  it('show a vote cast on one in a live stream on the other', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const poll = await createPoll(
      a.store,
      { slug: 'lunch', question: 'Lunch?', options: ['Soup', 'Salad'], resultsVisibility: 'always' },
      Date.now(),
    );
    const events: Results[] = [];
    const watcher: Watcher = {
      results: (json) => events.push(JSON.parse(json) as Results),
      heartbeat: () => {},
      close: () => {},
    };
    expect(b.live.watch('lunch', poll.id, false, watcher)).not.toBe('full');
    await castVote(
      { store: a.store, surveyStore: a.surveyStore, secret: a.secret, now: Date.now() },
      'lunch',
      { choices: ['a'] },
      { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
      'api',
    );
    const deadline = Date.now() + 5000;
    while (!events.some((event) => event.totalResponses === 1) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(events.at(-1)).toMatchObject({ totalResponses: 1 });
  });

  it('refuse an instance started with another VOTER_KEY_SECRET', async () => {
    await start();
    const other = start({ VOTER_KEY_SECRET: 'not-the-same-secret-at-all-0123456789' });
    await expect(other).rejects.toBeInstanceOf(ConfigError);
    await expect(other).rejects.toThrow(/VOTER_KEY_SECRET/);
  });
});
