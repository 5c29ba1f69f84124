/**
 * Admin UI authentication: the password checked through scrypt in constant time, one hash at a
 * time, and sessions identified by 256 random bits of which only a SHA-256 is stored. The login
 * flow is src/http/admin-login.ts, its throttle src/lib/login-throttle.ts.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { Semaphore } from './semaphore';
import type { AdminStore } from './store';

export const ADMIN_COOKIE = 'pp_admin';
/** A working day; after that the owner logs in again. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const SCRYPT_KEY_LENGTH = 32;
/**
 * scrypt hashes one at a time. Each takes ~100 ms and 32 MiB on one of libuv's 4 pool threads,
 * which file reads (CSS, scripts) share: unbounded, a login flood took every thread and CSS took
 * 5 s. With one in flight the other three stay free; the queue is short because every waiting
 * attempt holds a login-throttle reservation (at most MAX_OVERALL_LOGIN_FAILURES).
 */
export const SCRYPT_CONCURRENCY = 1;

function scryptAsync(password: BinaryLike, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT_KEY_LENGTH, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * A checker for the configured password. The password is hashed once at start with a random
 * salt; every attempt is hashed the same way (slow by design) and compared in constant time.
 * Hashes queue on `limiter` (tests pass one that watches).
 */
export async function passwordChecker(
  password: string,
  limiter = new Semaphore(SCRYPT_CONCURRENCY),
): Promise<(attempt: string) => Promise<boolean>> {
  const salt = randomBytes(16);
  const hash = (text: string) => limiter.run(() => scryptAsync(text, salt));
  const expected = await hash(password);
  return async (attempt) => timingSafeEqual(await hash(attempt), expected);
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** How a session appears in the audit log: a short hash, never the token. */
export const actorForToken = (token: string) => `session:${hashToken(token).slice(0, 12)}`;

/** Starts a session and returns its token (for the cookie). */
export async function startSession(store: AdminStore, now: number): Promise<string> {
  // Expired rows are dead weight nothing else removes; a login is rare, so sweeping here is
  // cheap and bounds the table to roughly the sessions of one TTL.
  await store.deleteExpiredSessions(now);
  const token = randomBytes(32).toString('base64url');
  await store.createSession(hashToken(token), now, now + SESSION_TTL_MS);
  return token;
}

/** The session behind a cookie value, as its audit actor, or null when missing, unknown or expired. */
export async function sessionActor(store: AdminStore, token: string | undefined, now: number): Promise<string | null> {
  if (!token || !/^[\w-]{43}$/.test(token)) return null;
  return (await store.findSession(hashToken(token), now)) ? actorForToken(token) : null;
}

export async function endSession(store: AdminStore, token: string | undefined): Promise<void> {
  if (token) await store.deleteSession(hashToken(token));
}
