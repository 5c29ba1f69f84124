/**
 * Token buckets per client, in memory. A bucket holds `capacity` tokens and refills at
 * `refillPerSecond`; each request takes one. Bursts up to the capacity pass, a sustained rate
 * above the refill is refused with the seconds until a token is back.
 */

export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
  /** Buckets kept at most; the least recently used go first (memory stays bounded under floods of addresses). */
  maxKeys: number;
}

/**
 * Writes (votes, form posts, admin changes) per client address. An office behind one address
 * voting about once a second uses a tenth of the refill; a flood of hundreds of posts a second
 * gets its first 60 through and is then held to 10 a second.
 */
export const WRITE_LIMIT: BucketPolicy = { capacity: 60, refillPerSecond: 10, maxKeys: 100_000 };

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes a token for a client's network (rateLimitKey of its address) at `now` (ms): TokenBuckets
 * in memory for one process (SQLite), or the buckets several instances share in PostgreSQL
 * (db/pg/shared-state.ts PgWriteLimiter, one atomic upsert per take). The app chooses.
 */
export interface WriteLimiter {
  take(key: string, now: number): TakeResult | Promise<TakeResult>;
}

export class TokenBuckets implements WriteLimiter {
  readonly #policy: BucketPolicy;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(policy: BucketPolicy) {
    this.#policy = policy;
  }

  /** Takes a token for `key` at time `now` (ms). */
  take(key: string, now: number): TakeResult {
    const { capacity, refillPerSecond, maxKeys } = this.#policy;
    const previous = this.#buckets.get(key);
    const elapsed = previous ? Math.max(0, now - previous.at) / 1000 : 0;
    const tokens = previous ? Math.min(capacity, previous.tokens + elapsed * refillPerSecond) : capacity;
    // Re-insert so Map order is least-recently-used first.
    this.#buckets.delete(key);
    if (this.#buckets.size >= maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      return { allowed: true };
    }
    this.#buckets.set(key, { tokens, at: now });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerSecond)) };
  }

  get size(): number {
    return this.#buckets.size;
  }
}
