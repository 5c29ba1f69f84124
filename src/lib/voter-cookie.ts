/** Reads and issues the signed voter cookie on an Astro request. */
import type { AstroCookies } from 'astro';
import { newDeviceId, signDeviceId, verifyDeviceCookie, VOTER_COOKIE, VOTER_COOKIE_MAX_AGE_SECONDS } from './voter';

/** The browser's device id, or null when it has no valid cookie. */
export function readDeviceId(cookies: AstroCookies, secret: string): string | null {
  return verifyDeviceCookie(secret, cookies.get(VOTER_COOKIE)?.value);
}

/** The browser's device id, issuing a cookie first when it has none (only voting needs one). */
export function ensureDeviceId(cookies: AstroCookies, secret: string, url: URL): string {
  const existing = readDeviceId(cookies, secret);
  if (existing) return existing;
  const deviceId = newDeviceId();
  cookies.set(VOTER_COOKIE, signDeviceId(secret, deviceId), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: VOTER_COOKIE_MAX_AGE_SECONDS,
  });
  return deviceId;
}
