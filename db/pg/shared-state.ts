/**
 * State that several app instances on one PostgreSQL share, beside the stores: the write limit's
 * token buckets, the failed-login throttle, the check that every instance runs with the same
 * voter-key secret, and a lock for seeding the demo once. One SQLite process keeps the first two
 * in memory (src/http/rate-limit.ts, src/lib/login-throttle.ts) with the same semantics; here
 * they live in shared_rate_buckets and shared_login_attempts (db/pg/schema.ts).
 *
 * Its own small pool: a request's limit check never queues behind the store's pool, which a
 * flood of votes may have saturated — the flood is what the check is there to refuse.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ConfigError } from '../../src/lib/config-error';
import { PollError } from '../../src/lib/errors';
import { LOGIN_LIMITS, type LoginLimits, type LoginThrottling, type Reservation } from '../../src/lib/login-throttle';
import { WRITE_LIMIT, type BucketPolicy, type TakeResult, type WriteLimiter } from '../../src/http/rate-limit';
import { createPgDb, type PgDb } from './client';
import { withSessionLock } from './migrate';
import { inTransaction } from './retry';
import { pgFailureOf } from './storage-errors';

/** Advisory lock keys (any constants the operator's other applications are unlikely to use; see migrate.ts). */
export const LOGIN_LOCK_KEY = 7_131_990_418;
export const SEED_LOCK_KEY = 7_131_990_419;

/** The settings row holding the voter-key check (never the secret: VOTER_KEY_SECRET is not stored). */
export const VOTER_KEY_CHECK_SETTING = 'voter_key_check';
const VOTER_KEY_CHECK_INPUT = 'peer-polls voter key check v1';

/** Connections of the shared-state pool: single-statement work, a few are plenty. */
const SHARED_POOL_SIZE = 3;

/** How often a limiter deletes buckets that have filled up again (a full bucket = no row). */
export const BUCKET_SWEEP_MS = 60_000;

const UNAVAILABLE =
  'The server cannot check this request right now: its database is unavailable. Please try again in a little while.';

/**
 * A keyed digest of a client's network (rateLimitKey of its address) for one purpose: what the
 * shared tables store instead of the network, so they name no address (an unkeyed hash of an IPv4
 * address is reversed by trying all 2^32).
 */
export const networkDigest = (secret: string, purpose: string, network: string) =>
  createHmac('sha256', secret).update(`${purpose}\0${network}`).digest('base64url');

/** A database outage becomes the store's 503 (PollError storage_unavailable); anything else is a bug and is rethrown. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (pgFailureOf(error)) throw new PollError('storage_unavailable', UNAVAILABLE);
    throw error;
  }
}

/** The fill of a bucket row (alias `b`) at `now`, as TokenBuckets computes it, in float8 as JavaScript does. */
const refilled = (alias: string, policy: BucketPolicy, now: number) => {
  const t = sql.identifier(alias);
  return sql`least(${policy.capacity}::float8, ${t}.tokens + greatest(0, ${now}::bigint - ${t}.at)::float8 / 1000 * ${policy.refillPerSecond}::float8)`;
};

/**
 * The write limit across instances: TokenBuckets' buckets (capacity, refill per second) in
 * shared_rate_buckets, each take one atomic upsert. A take that finds a token takes it (the row's
 * lock serialises concurrent takes from every instance); a refused take leaves the row as it was
 * — the same bucket as TokenBuckets' refilled-to-now one, without rewriting it under a flood.
 * Where instances' clocks disagree a bucket's time never goes back (no refill counted twice).
 */
export class PgWriteLimiter implements WriteLimiter {
  #lastSweep: number | null = null;

  constructor(
    private readonly db: PgDb,
    private readonly secret: string,
    private readonly policy: BucketPolicy = WRITE_LIMIT,
  ) {}

  async take(key: string, now: number): Promise<TakeResult> {
    const bucket = networkDigest(this.secret, 'rate-limit', key);
    const { capacity, refillPerSecond } = this.policy;
    const { rows } = await guarded(() =>
      this.db.execute<{ allowed: boolean; tokens: number | null }>(sql`
        with taken as (
          insert into shared_rate_buckets as b (bucket, tokens, at)
          values (${bucket}, ${capacity}::float8 - 1, ${now}::bigint)
          on conflict (bucket) do update
            set tokens = ${refilled('b', this.policy, now)} - 1, at = greatest(b.at, excluded.at)
            where ${refilled('b', this.policy, now)} >= 1
          returning 1
        )
        select exists (select 1 from taken) as allowed,
          (select ${refilled('s', this.policy, now)} from shared_rate_buckets s where s.bucket = ${bucket}) as tokens`),
    );
    this.#sweepNowAndThen(now);
    const row = rows[0]!;
    if (row.allowed) return { allowed: true };
    // The refusal's wait, from the bucket as this statement's snapshot saw it; a bucket created
    // concurrently and not yet visible counts as empty. A snapshot still showing a token means a
    // concurrent take emptied the bucket after it: read it again, as it is now.
    let tokens = row.tokens ?? 0;
    if (tokens >= 1) {
      const again = await guarded(() =>
        this.db.execute<{ tokens: number | null }>(
          sql`select ${refilled('s', this.policy, now)} as tokens from shared_rate_buckets s where s.bucket = ${bucket}`,
        ),
      );
      tokens = Math.min(1, again.rows[0]?.tokens ?? 0);
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerSecond)) };
  }

  /** Deletes the buckets that are full again (no row means a full bucket), at most every BUCKET_SWEEP_MS. */
  #sweepNowAndThen(now: number): void {
    if (this.#lastSweep !== null && Math.abs(now - this.#lastSweep) < BUCKET_SWEEP_MS) return;
    this.#lastSweep = now;
    void this.sweep(now).catch(() => {}); // the next sweep tries again
  }

  /** Deletes every bucket full at `now` (with a minute's margin for instances' clocks). */
  async sweep(now: number): Promise<number> {
    const { capacity, refillPerSecond } = this.policy;
    const fullAfterMs = Math.ceil((capacity / refillPerSecond) * 1000);
    const { rowCount } = await this.db.execute(
      sql`delete from shared_rate_buckets where at < ${now - fullAfterMs - BUCKET_SWEEP_MS}::bigint`,
    );
    return rowCount ?? 0;
  }
}

/**
 * LoginThrottle's failed-login counting across instances: one shared_login_attempts row per
 * counted attempt, keyed by a digest of the network. A reservation runs under a transaction-level
 * advisory lock, so check and count are one step for every instance together (as the in-memory
 * throttle's synchronous reserve is for one process); releasing deletes the row.
 */
export class PgLoginThrottle implements LoginThrottling {
  constructor(
    private readonly db: PgDb,
    private readonly secret: string,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {}

  async reserve(key: string, now: number): Promise<Reservation> {
    const { perNetwork, overall, windowMs } = this.limits;
    const network = networkDigest(this.secret, 'login', key);
    const wait = (oldest: number) => Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    const outcome = await guarded(() =>
      inTransaction(this.db, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${LOGIN_LOCK_KEY}::bigint)`);
        // Attempts that left the window are forgotten (the table holds at most `overall` live rows).
        await tx.execute(sql`delete from shared_login_attempts where at <= ${now - windowMs}::bigint`);
        const { rows } = await tx.execute<{
          mine: number;
          mineOldest: number | null;
          all: number;
          allOldest: number | null;
        }>(sql`
          select count(*) filter (where network = ${network}) as "mine",
            min(at) filter (where network = ${network}) as "mineOldest",
            count(*) as "all", min(at) as "allOldest"
          from shared_login_attempts where at > ${now - windowMs}::bigint`);
        const counts = rows[0]!;
        if (counts.mine >= perNetwork) {
          return { reserved: false as const, retryAfterSeconds: wait(counts.mineOldest!), scope: 'network' as const };
        }
        if (counts.all >= overall) {
          return { reserved: false as const, retryAfterSeconds: wait(counts.allOldest!), scope: 'everyone' as const };
        }
        const inserted = await tx.execute<{ id: number }>(
          sql`insert into shared_login_attempts (network, at) values (${network}, ${now}::bigint) returning id`,
        );
        return { reserved: true as const, id: inserted.rows[0]!.id };
      }),
    );
    if (!outcome.reserved) return outcome;
    let released = false;
    return {
      reserved: true,
      release: async () => {
        if (released) return;
        released = true;
        await guarded(() => this.db.execute(sql`delete from shared_login_attempts where id = ${outcome.id}`));
      },
    };
  }
}

/** The check value of a secret: an HMAC of a constant under it (says nothing about the secret). */
export const voterKeyCheck = (secret: string) =>
  createHmac('sha256', secret).update(VOTER_KEY_CHECK_INPUT).digest('base64url');

/**
 * Refuses to go on when VOTER_KEY_SECRET is not the secret the database's other instances use:
 * votes keyed under another secret would escape every duplicate lock and address budget, and
 * cookies signed by one instance would be rejected by the next. The first instance records the
 * check (insert … on conflict do nothing: of several starting at once, one wins); every instance
 * compares with what was recorded.
 */
export async function verifyVoterKeySecret(db: PgDb, secret: string): Promise<void> {
  const check = voterKeyCheck(secret);
  await db.execute(
    sql`insert into settings (key, value) values (${VOTER_KEY_CHECK_SETTING}, ${check}) on conflict (key) do nothing`,
  );
  const { rows } = await db.execute<{ value: string }>(
    sql`select value from settings where key = ${VOTER_KEY_CHECK_SETTING}`,
  );
  const recorded = Buffer.from(rows[0]?.value ?? '');
  const mine = Buffer.from(check);
  if (recorded.length !== mine.length || !timingSafeEqual(recorded, mine)) {
    throw new ConfigError(
      'VOTER_KEY_SECRET',
      'is not the secret this PostgreSQL database was first used with: every instance on one database ' +
        'must be started with the same VOTER_KEY_SECRET (the one the running instances have). Under ' +
        'another secret no earlier vote would be recognised by the duplicate checks; to start over ' +
        `on purpose, delete the settings row "${VOTER_KEY_CHECK_SETTING}".`,
    );
  }
}

/** Runs `work` holding a session-level advisory lock (db/pg/migrate.ts): the other instances wait. */
export const withAdvisoryLock = <T>(db: PgDb, key: number, work: () => Promise<T>): Promise<T> =>
  withSessionLock(db.$client, key, () => work());

export interface SharedState {
  /** The shared-state pool (also what the change feed publishes on). */
  db: PgDb;
  writeLimit: PgWriteLimiter;
  loginThrottle: PgLoginThrottle;
  /** Runs `work` while no other instance runs its own (seeding an empty database once). */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens the shared state of the (already migrated) database at `url` for an instance whose
 * VOTER_KEY_SECRET is `secret`; refuses (ConfigError) when the other instances use another.
 */
export async function openSharedState(
  url: string,
  secret: string,
  {
    writeLimit = WRITE_LIMIT,
    loginLimits = LOGIN_LIMITS,
  }: { writeLimit?: BucketPolicy; loginLimits?: LoginLimits } = {},
): Promise<SharedState> {
  const db = createPgDb(url, { max: SHARED_POOL_SIZE });
  try {
    await verifyVoterKeySecret(db, secret);
  } catch (error) {
    await db.$client.end().catch(() => {});
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    db,
    writeLimit: new PgWriteLimiter(db, secret, writeLimit),
    loginThrottle: new PgLoginThrottle(db, secret, loginLimits),
    exclusively: (work) => withAdvisoryLock(db, SEED_LOCK_KEY, work),
    close: () => (closing ??= db.$client.end()),
  };
}
