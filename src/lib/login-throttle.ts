/**
 * Failed-login throttling, framework-free: attempts per network and overall in a sliding
 * window, in memory (one process: SQLite), or shared by several instances on PostgreSQL
 * (db/pg/shared-state.ts PgLoginThrottle, the same semantics). An attempt counts from the moment it starts, not when its password has
 * been found wrong: `reserve` checks and counts in one synchronous step, so neither concurrent
 * requests nor bodies held back until the last byte get more guesses than the allowance. Only a
 * right password gives its reservation back.
 */

/** Failed logins allowed per network (IPv4 address, IPv6 /64) within the window. */
export const MAX_LOGIN_FAILURES = 5;
/**
 * Failed logins allowed per window from everyone together. Per-network counting alone lets a
 * guesser with many addresses (a botnet, or many /64s) multiply its 5; this caps all of them
 * at 50 per 15 minutes (4,800 a day), whatever the number of addresses. The price: a flood of
 * wrong passwords locks the admin UI for everyone, the owner included, until its failures
 * leave the window. The admin JSON API (ADMIN_TOKEN, not guessable by design) keeps working,
 * and on SQLite the counts are in memory, so a restart clears them (on PostgreSQL they are shared
 * by every instance and outlive restarts: `delete from shared_login_attempts` clears them). 50 is
 * far above what owners mistype.
 */
export const MAX_OVERALL_LOGIN_FAILURES = 50;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export interface LoginLimits {
  perNetwork: number;
  overall: number;
  windowMs: number;
}

export const LOGIN_LIMITS: LoginLimits = {
  perNetwork: MAX_LOGIN_FAILURES,
  overall: MAX_OVERALL_LOGIN_FAILURES,
  windowMs: LOGIN_WINDOW_MS,
};

/** A counted attempt: a failure, or an attempt still being checked. */
interface Attempt {
  at: number;
}

/**
 * A counted attempt (`release` it when the password proves right, so it no longer counts), or
 * a refusal with the seconds until the oldest counted attempt leaves the window.
 */
export type Reservation =
  | { reserved: true; release(): void | Promise<void> }
  | { reserved: false; retryAfterSeconds: number; scope: 'network' | 'everyone' };

/**
 * What the login page counts attempts with: LoginThrottle in memory, or PostgreSQL's shared
 * table. `reserve` must count the attempt before its promise settles, and a caller must call it
 * before anything else is awaited (the in-memory throttle counts synchronously, in that call).
 */
export interface LoginThrottling {
  reserve(key: string, now: number): Reservation | Promise<Reservation>;
}

/** Failed (and in-progress) logins per network and overall, in a sliding window, in memory. */
export class LoginThrottle implements LoginThrottling {
  readonly #limits: LoginLimits;
  readonly #byKey = new Map<string, Attempt[]>();
  #all: Attempt[] = [];

  constructor(limits: LoginLimits = LOGIN_LIMITS) {
    this.#limits = limits;
  }

  /**
   * Counts an attempt for `key` now, or says how long to wait. Synchronous on purpose: callers
   * reserve before their first await, so the check cannot be raced.
   */
  reserve(key: string, now: number): Reservation {
    const { perNetwork, overall } = this.#limits;
    this.#all = this.#live(this.#all, now);
    const mine = this.#live(this.#byKey.get(key) ?? [], now);
    if (mine.length >= perNetwork) {
      this.#keep(key, mine);
      return { reserved: false, retryAfterSeconds: this.#wait(mine[0]!, now), scope: 'network' };
    }
    if (this.#all.length >= overall) {
      this.#keep(key, mine);
      return { reserved: false, retryAfterSeconds: this.#wait(this.#all[0]!, now), scope: 'everyone' };
    }
    const attempt: Attempt = { at: now };
    mine.push(attempt);
    this.#all.push(attempt);
    this.#byKey.set(key, mine);
    this.#sweep(now);
    let released = false;
    return {
      reserved: true,
      release: () => {
        if (released) return;
        released = true;
        this.#all = this.#all.filter((a) => a !== attempt);
        this.#keep(
          key,
          (this.#byKey.get(key) ?? []).filter((a) => a !== attempt),
        );
      },
    };
  }

  /** Networks with attempts remembered (for tests: memory stays bounded). */
  get size(): number {
    return this.#byKey.size;
  }

  #live(attempts: Attempt[], now: number): Attempt[] {
    return attempts.filter((a) => now - a.at < this.#limits.windowMs);
  }

  #wait(oldest: Attempt, now: number): number {
    return Math.max(1, Math.ceil((oldest.at + this.#limits.windowMs - now) / 1000));
  }

  #keep(key: string, attempts: Attempt[]): void {
    if (attempts.length > 0) this.#byKey.set(key, attempts);
    else this.#byKey.delete(key);
  }

  /**
   * Forgets networks whose attempts have all left the window. Every live attempt is also in
   * the overall list, which the overall cap bounds, so after a sweep at most `overall` keys
   * remain: a spray of addresses cannot grow memory.
   */
  #sweep(now: number): void {
    if (this.#byKey.size <= this.#limits.overall) return;
    for (const [key, attempts] of this.#byKey) this.#keep(key, this.#live(attempts, now));
  }
}
