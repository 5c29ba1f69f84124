/**
 * Logging in to the admin UI: throttle (src/lib/login-throttle.ts), read the form, check the
 * password, start a session. The page calls `attemptLogin` before anything else is awaited and
 * renders its outcome.
 */
import { startSession } from '@/lib/admin-session';
import { isPollError } from '@/lib/errors';
import { MAX_ADMIN_BODY_BYTES } from '@/lib/limits';
import type { LoginThrottling } from '@/lib/login-throttle';
import type { AdminStore } from '@/lib/store';
import { rateLimitKey } from './client-address';
import { readFormBody } from './read-body';

/** What the login page needs from the app. */
export interface LoginApp {
  /** In memory (SQLite), or shared by every instance (PostgreSQL). */
  loginThrottle: LoginThrottling;
  /** null when ADMIN_PASSWORD is unset. */
  checkAdminPassword: ((attempt: string) => Promise<boolean>) | null;
  adminStore: AdminStore;
}

/** A session token, or the HTTP status and the sentence to show (with Retry-After when throttled). */
export type LoginOutcome =
  | { kind: 'ok'; token: string }
  | { kind: 'throttled'; status: 429; retryAfterSeconds: number; message: string }
  | { kind: 'wrong'; status: 401; message: string }
  | { kind: 'error'; status: number; message: string };

const minutes = (seconds: number) => {
  const count = Math.ceil(seconds / 60);
  return `${count} ${count === 1 ? 'minute' : 'minutes'}`;
};

/** One login attempt from `clientAddress`: a session token, or why not. */
export async function attemptLogin(app: LoginApp, request: Request, clientAddress: string): Promise<LoginOutcome> {
  const checkPassword = app.checkAdminPassword;
  if (!checkPassword) return { kind: 'error', status: 404, message: 'The admin UI is disabled.' };
  // Nothing may be awaited before this call: the reservation is what makes the throttle race-free
  // (in memory it counts synchronously, in this call; on PostgreSQL under an advisory lock).
  const slot = await app.loginThrottle.reserve(rateLimitKey(clientAddress), Date.now());
  if (!slot.reserved) {
    const wait = minutes(slot.retryAfterSeconds);
    const message =
      slot.scope === 'network'
        ? `Too many failed logins from your network. Try again in ${wait}.`
        : `Too many failed logins to this site from many networks, so logging in is paused for everyone. Try again in ${wait}.`;
    return { kind: 'throttled', status: 429, retryAfterSeconds: slot.retryAfterSeconds, message };
  }
  try {
    const attempt = (await readFormBody(request, MAX_ADMIN_BODY_BYTES)).get('password') ?? '';
    if (!(await checkPassword(attempt))) return { kind: 'wrong', status: 401, message: 'That password is not right.' };
    await slot.release();
    return { kind: 'ok', token: await startSession(app.adminStore, Date.now()) };
  } catch (thrown) {
    // Unless the password proved right, the reservation stays: an unreadable body is no free retry.
    if (!isPollError(thrown)) throw thrown;
    return { kind: 'error', status: thrown.status, message: thrown.message };
  }
}
