/**
 * The state several instances share on PostgreSQL (db/pg/shared-state.ts), against a real
 * database: two pools stand for two instances. The write limit and the login throttle keep the
 * in-memory semantics (the same outcomes as TokenBuckets and LoginThrottle for the same calls)
 * and hold across the pools under concurrency; an instance with another voter-key secret is
 * refused; the seed lock lets one instance at a time through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgDb, type PgDb } from '../../db/pg/client';
import {
  networkDigest,
  openSharedState,
  PgLoginThrottle,
  PgWriteLimiter,
  verifyVoterKeySecret,
  VOTER_KEY_CHECK_SETTING,
  withAdvisoryLock,
  SEED_LOCK_KEY,
} from '../../db/pg/shared-state';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { TokenBuckets, WRITE_LIMIT, type BucketPolicy } from '@/http/rate-limit';
import { ConfigError } from '@/lib/config-error';
import { LOGIN_LIMITS, LOGIN_WINDOW_MS, LoginThrottle, type Reservation } from '@/lib/login-throttle';

const SECRET = 'shared-state-test-secret-0123456789abcdef';
const OTHER_SECRET = 'another-instance-secret-0123456789abcdef';
const MINUTE = 60_000;

let database: TestDatabase;
let a: PgDb;
let b: PgDb;

beforeEach(async () => {
  database = await createTestDatabase();
  a = createPgDb(database.url, { max: 5 });
  b = createPgDb(database.url, { max: 5 });
});

afterEach(async () => {
  await a.$client.end();
  await b.$client.end();
  await database.drop();
});

const rows = async <T>(text: string, params: unknown[] = []) => (await a.$client.query(text, params)).rows as T[];

describe('PgWriteLimiter', () => {
  it('answers every take as TokenBuckets does: bursts, refill, waits', async () => {
    const policy: BucketPolicy = { capacity: 3, refillPerSecond: 0.5, maxKeys: 100 };
    const memory = new TokenBuckets(policy);
    const shared = new PgWriteLimiter(a, SECRET, policy);
    const takes: [string, number][] = [
      ...Array.from({ length: 5 }, (_, i): [string, number] => ['203.0.113.7', 1000 + i]),
      ['203.0.113.7', 2500],
      ['203.0.113.7', 4000],
      ['203.0.113.7', 4001],
      ['2001:db8:1:2::/64', 4001],
      ['203.0.113.7', 9000],
      ['203.0.113.7', 60_000],
      ['203.0.113.7', 60_000],
      ['203.0.113.7', 60_000],
      ['203.0.113.7', 60_000],
      ['203.0.113.7', 60_000],
    ];
    for (const [key, now] of takes) {
      expect(await shared.take(key, now), `${key} at ${now}`).toEqual(memory.take(key, now));
    }
  });

  it('lets exactly `capacity` writes through when two instances take at once', async () => {
    const policy: BucketPolicy = { capacity: 10, refillPerSecond: 0.001, maxKeys: 100 };
    const first = new PgWriteLimiter(a, SECRET, policy);
    const second = new PgWriteLimiter(b, SECRET, policy);
    const now = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? first : second).take('198.51.100.9', now)),
    );
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
    const refused = outcomes.filter((o) => !o.allowed);
    expect(refused).toHaveLength(50);
    for (const outcome of refused) expect(outcome).toEqual({ allowed: false, retryAfterSeconds: 1000 });
    // Another network has its own bucket.
    expect(await second.take('198.51.100.10', now)).toEqual({ allowed: true });
  });

  it('keys buckets by a keyed digest of the network, never the address', async () => {
    const limiter = new PgWriteLimiter(a, SECRET, WRITE_LIMIT);
    await limiter.take('192.0.2.44', Date.now());
    const stored = await rows<{ bucket: string }>('select bucket from shared_rate_buckets');
    expect(stored).toEqual([{ bucket: networkDigest(SECRET, 'rate-limit', '192.0.2.44') }]);
    expect(stored[0]!.bucket).not.toContain('192.0.2');
  });

  it('sweeps buckets that are full again, which changes no outcome', async () => {
    const policy: BucketPolicy = { capacity: 2, refillPerSecond: 1, maxKeys: 100 };
    const limiter = new PgWriteLimiter(a, SECRET, policy);
    await limiter.take('192.0.2.1', 0);
    await limiter.take('192.0.2.2', 200_000);
    // 192.0.2.1 filled up long ago, .2 is fresh (the take's own sweep now and then may have been first).
    await limiter.sweep(200_000);
    expect(await rows('select bucket from shared_rate_buckets')).toEqual([
      { bucket: networkDigest(SECRET, 'rate-limit', '192.0.2.2') },
    ]);
    // The swept bucket answers as a full one.
    expect(await limiter.take('192.0.2.1', 200_000)).toEqual({ allowed: true });
    expect(await limiter.take('192.0.2.1', 200_000)).toEqual({ allowed: true });
    expect(await limiter.take('192.0.2.1', 200_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('PgLoginThrottle', () => {
  /** The same calls on LoginThrottle and PgLoginThrottle give the same answers (releases included). */
  async function sameAsMemory(calls: ({ key: string; now: number } | { release: number })[]) {
    const memory = new LoginThrottle({ ...LOGIN_LIMITS, overall: 8 });
    const shared = new PgLoginThrottle(a, SECRET, { ...LOGIN_LIMITS, overall: 8 });
    const slots: [Reservation, Reservation][] = [];
    for (const call of calls) {
      if ('release' in call) {
        const [m, s] = slots[call.release]!;
        if (m.reserved) await m.release();
        if (s.reserved) await s.release();
        continue;
      }
      const m = memory.reserve(call.key, call.now);
      const s = await shared.reserve(call.key, call.now);
      const shape = (r: Reservation) => (r.reserved ? { reserved: true } : r);
      expect(shape(s), `${call.key} at ${call.now}`).toEqual(shape(m));
      slots.push([m, s]);
    }
  }

  it('answers as LoginThrottle: per network, overall, the window, released attempts', async () => {
    await sameAsMemory([
      ...Array.from({ length: 5 }, (_, i) => ({ key: '203.0.113.1', now: i * MINUTE })),
      { key: '203.0.113.1', now: 10 * MINUTE }, // 5 in the window: refused, 300 s until the first leaves
      { release: 4 }, // the fifth proved right
      { key: '203.0.113.1', now: 10 * MINUTE }, // its place is free again
      { key: '203.0.113.1', now: 11 * MINUTE },
      { key: '198.51.100.1', now: 11 * MINUTE },
      { key: '198.51.100.2', now: 11 * MINUTE },
      { key: '198.51.100.3', now: 11 * MINUTE },
      { key: '198.51.100.4', now: 11 * MINUTE }, // 8 counted overall: everyone waits
      { key: '198.51.100.5', now: 12 * MINUTE },
      { key: '203.0.113.1', now: LOGIN_WINDOW_MS - 1 },
      { key: '203.0.113.1', now: LOGIN_WINDOW_MS }, // the first attempt left the window
      { key: '198.51.100.5', now: LOGIN_WINDOW_MS + MINUTE },
      { key: '198.51.100.5', now: 40 * MINUTE },
    ]);
  });

  it('counts exactly the allowance when two instances take reservations at once', async () => {
    const first = new PgLoginThrottle(a, SECRET);
    const second = new PgLoginThrottle(b, SECRET);
    const now = Date.now();
    const slots = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second).reserve('192.0.2.77', now)),
    );
    expect(slots.filter((slot) => slot.reserved)).toHaveLength(LOGIN_LIMITS.perNetwork);
    expect(slots.find((slot) => !slot.reserved)).toMatchObject({ scope: 'network', retryAfterSeconds: 900 });
    // A right password on one instance gives its place back on the other.
    const right = slots.find((slot) => slot.reserved)!;
    if (right.reserved) await right.release();
    expect((await second.reserve('192.0.2.77', now)).reserved).toBe(true);
    expect((await first.reserve('192.0.2.77', now)).reserved).toBe(false);
  });

  it('stores a digest of the network, and forgets attempts that left the window', async () => {
    const throttle = new PgLoginThrottle(a, SECRET);
    await throttle.reserve('192.0.2.5', 0);
    const stored = await rows<{ network: string }>('select network from shared_login_attempts');
    expect(stored).toEqual([{ network: networkDigest(SECRET, 'login', '192.0.2.5') }]);
    await throttle.reserve('192.0.2.6', LOGIN_WINDOW_MS);
    expect(await rows('select network from shared_login_attempts')).toHaveLength(1);
  });
});

describe('the voter-key secret across instances', () => {
  it('lets every instance with the same secret start and refuses one with another', async () => {
    await verifyVoterKeySecret(a, SECRET);
    await verifyVoterKeySecret(b, SECRET);
    const refused = verifyVoterKeySecret(b, OTHER_SECRET);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(
      /VOTER_KEY_SECRET is not the secret this PostgreSQL database was first used with/,
    );
    // Only a check of the secret is kept, never the secret.
    const stored = await rows<{ value: string }>('select value from settings where key = $1', [
      VOTER_KEY_CHECK_SETTING,
    ]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.value).not.toContain(SECRET);
    expect(JSON.stringify(await rows('select * from settings'))).not.toContain(SECRET);
  });

  it('of two instances starting at once with different secrets, exactly one starts', async () => {
    const outcomes = await Promise.allSettled([
      openSharedState(database.url, SECRET),
      openSharedState(database.url, OTHER_SECRET),
    ]);
    const started = outcomes.filter((o) => o.status === 'fulfilled');
    expect(started).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(ConfigError) });
    await started[0]!.value.close();
  });
});

describe('the seed lock', () => {
  it('lets one instance through at a time', async () => {
    const events: string[] = [];
    const run = (db: PgDb, name: string) =>
      withAdvisoryLock(db, SEED_LOCK_KEY, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${name} out`);
      });
    await Promise.all([run(a, 'a'), run(b, 'b')]);
    expect([
      ['a in', 'a out', 'b in', 'b out'],
      ['b in', 'b out', 'a in', 'a out'],
    ]).toContainEqual(events);
  });
});
