import { describe, expect, it } from 'vitest';
import {
  LOGIN_WINDOW_MS,
  LoginThrottle,
  MAX_LOGIN_FAILURES,
  MAX_OVERALL_LOGIN_FAILURES,
  type Reservation,
} from '@/lib/login-throttle';

const MINUTE = 60_000;
const reserved = (r: Reservation) => r.reserved;

describe('LoginThrottle', () => {
  it(`counts an attempt as soon as it starts: ${MAX_LOGIN_FAILURES} in flight at once, the next refused`, () => {
    const throttle = new LoginThrottle();
    const attempts = Array.from({ length: 20 }, () => throttle.reserve('203.0.113.1', 0));
    expect(attempts.filter(reserved)).toHaveLength(MAX_LOGIN_FAILURES);
    expect(attempts.slice(MAX_LOGIN_FAILURES)).toEqual(
      Array(20 - MAX_LOGIN_FAILURES).fill({ reserved: false, retryAfterSeconds: 900, scope: 'network' }),
    );
    // Another network is not affected.
    expect(throttle.reserve('203.0.113.2', 0).reserved).toBe(true);
  });

  it('gives a reservation back when the password proves right, once', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) throttle.reserve('k', 0);
    const right = throttle.reserve('k', 0);
    expect(throttle.reserve('k', 0).reserved).toBe(false);
    if (!right.reserved) throw new Error('expected a reservation');
    right.release();
    right.release(); // a second release must not free someone else's attempt
    expect(throttle.reserve('k', 0).reserved).toBe(true);
    expect(throttle.reserve('k', 0).reserved).toBe(false);
  });

  it('slides: each failure stops counting a window after it, and Retry-After says when the oldest goes', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) throttle.reserve('k', i * MINUTE);
    expect(throttle.reserve('k', 10 * MINUTE)).toEqual({ reserved: false, retryAfterSeconds: 300, scope: 'network' });
    expect(throttle.reserve('k', LOGIN_WINDOW_MS - 1)).toMatchObject({ reserved: false, retryAfterSeconds: 1 });
    expect(throttle.reserve('k', LOGIN_WINDOW_MS).reserved).toBe(true);
    expect(throttle.reserve('k', LOGIN_WINDOW_MS).reserved).toBe(false);
  });

  it(`caps failures from all networks together at ${MAX_OVERALL_LOGIN_FAILURES} per window`, () => {
    const throttle = new LoginThrottle();
    const outcomes = Array.from({ length: MAX_OVERALL_LOGIN_FAILURES + 10 }, (_, i) =>
      throttle.reserve(`198.51.100.${i}`, i),
    );
    expect(outcomes.filter(reserved)).toHaveLength(MAX_OVERALL_LOGIN_FAILURES);
    expect(outcomes.at(-1)).toEqual({ reserved: false, retryAfterSeconds: 900, scope: 'everyone' });
    // Everyone waits, a fresh network too, until the first failures leave the window.
    expect(throttle.reserve('192.0.2.1', 2 * MINUTE).reserved).toBe(false);
    expect(throttle.reserve('192.0.2.1', LOGIN_WINDOW_MS + 1).reserved).toBe(true);
  });

  it('prefers the network message when both limits are reached', () => {
    const throttle = new LoginThrottle({ perNetwork: 2, overall: 2, windowMs: LOGIN_WINDOW_MS });
    throttle.reserve('k', 0);
    throttle.reserve('k', 0);
    expect(throttle.reserve('k', 0)).toMatchObject({ scope: 'network' });
    expect(throttle.reserve('other', 0)).toMatchObject({ scope: 'everyone' });
  });

  it('keeps memory bounded under a spray of addresses', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 20_000; i++) throttle.reserve(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, i * 1000);
    expect(throttle.size).toBeLessThanOrEqual(MAX_OVERALL_LOGIN_FAILURES);
  });
});
