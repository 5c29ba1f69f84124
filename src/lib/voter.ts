/**
 * Anonymous voter identity. A browser gets a random device id in a signed cookie; votes store
 * only a per-poll HMAC of it, so two polls' votes cannot be linked and no raw id is kept.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const VOTER_COOKIE = 'pp_voter';
/** A year: long enough to span a poll, short enough to expire. */
export const VOTER_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

function mac(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('base64url');
}

/** 128 random bits. */
export function newDeviceId(): string {
  return randomBytes(16).toString('base64url');
}

/** "<id>.<signature>" for the cookie. */
export function signDeviceId(secret: string, deviceId: string): string {
  return `${deviceId}.${mac(secret, 'device-cookie', deviceId)}`;
}

function macMatches(secret: string, purpose: string, value: string, signature: string): boolean {
  const expected = Buffer.from(mac(secret, purpose, value));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The device id from a cookie value, or null when it is missing, malformed or forged. */
export function verifyDeviceCookie(secret: string, value: string | undefined): string | null {
  if (!value) return null;
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, deviceId, signature] = match as unknown as [string, string, string];
  return macMatches(secret, 'device-cookie', deviceId, signature) ? deviceId : null;
}

/** A widget ballot may stay open this long; a token is useless after it. */
export const WIDGET_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The device token a widget carries in its form (never in a URL), for browsers that keep no
 * cookie inside a cross-site iframe: "<device id>.<poll id>.<expiry in unix seconds>.<signature>".
 * Bound to one poll and an expiry, so a token seen once cannot follow a browser elsewhere.
 */
export function signWidgetToken(secret: string, deviceId: string, pollId: number, expiresAt: number): string {
  const payload = `${deviceId}.${pollId}.${Math.floor(expiresAt / 1000)}`;
  return `${payload}.${mac(secret, 'widget-token', payload)}`;
}

/** The token for a widget's ballot form: this browser's device, or a new one it may adopt by voting. */
export function widgetFormToken(secret: string, deviceId: string | null, pollId: number, now: number): string {
  return signWidgetToken(secret, deviceId ?? newDeviceId(), pollId, now + WIDGET_TOKEN_TTL_MS);
}

/** The device id of a widget token for this poll that has not expired; otherwise null. */
export function verifyWidgetToken(secret: string, token: string | null, pollId: number, now: number): string | null {
  const match = /^([A-Za-z0-9_-]{22})\.(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match) return null;
  const [, deviceId, poll, expiresAt, signature] = match as unknown as [string, string, string, string, string];
  if (Number(poll) !== pollId || Number(expiresAt) * 1000 <= now) return null;
  return macMatches(secret, 'widget-token', `${deviceId}.${poll}.${expiresAt}`, signature) ? deviceId : null;
}

/** The per-poll key stored with a vote and used to lock the device under the `device` policy. */
export function deviceKeyFor(secret: string, pollId: number, deviceId: string): string {
  return mac(secret, 'device-key', `${pollId}:${deviceId}`);
}

/**
 * The per-poll network identity: HMAC-SHA256(secret, poll ‖ client address ‖ user agent).
 * Only this digest is stored, so the address cannot be read back from the database.
 */
export function networkKeyFor(secret: string, pollId: number, address: string, userAgent: string): string {
  return mac(secret, 'network-key', `${pollId}\0${address}\0${userAgent}`);
}

/**
 * The per-poll network identity from the address alone (the `address` network identity): a
 * script that rotates its User-Agent gets nothing from it. Its own purpose, so it never equals
 * the address-and-agent key of the same voter.
 */
export function addressKeyFor(secret: string, pollId: number, address: string): string {
  return mac(secret, 'address-key', `${pollId}\0${address}`);
}

/** The per-poll digest of a network prefix (src/lib/address-prefix.ts): what a budget counts under. */
export function prefixKeyFor(secret: string, pollId: number, prefix: string): string {
  return mac(secret, 'prefix-key', `${pollId}\0${prefix}`);
}

/**
 * The per-poll key of a signed-in person (the `person` policy): HMAC of the user id the
 * authenticating proxy named, so the database never holds who voted, and two polls' keys of one
 * person cannot be matched without the secret.
 */
export function personKeyFor(secret: string, pollId: number, userId: string): string {
  return mac(secret, 'person-key', `${pollId}\0${userId}`);
}

/**
 * The survey-level device key: stored on a response and locked under the survey's `device`
 * policy. Its own purpose, so it never equals a question poll's deviceKeyFor.
 */
export function surveyDeviceKeyFor(secret: string, surveyId: number, deviceId: string): string {
  return mac(secret, 'survey-device-key', `${surveyId}:${deviceId}`);
}

/** The survey-level person key (a `person` survey locks it): its own purpose, never a question poll's personKeyFor. */
export function surveyPersonKeyFor(secret: string, surveyId: number, userId: string): string {
  return mac(secret, 'survey-person-key', `${surveyId}\0${userId}`);
}

/** The survey-level network identity: HMAC(secret, survey ‖ client address ‖ user agent), as networkKeyFor for polls. */
export function surveyNetworkKeyFor(secret: string, surveyId: number, address: string, userAgent: string): string {
  return mac(secret, 'survey-network-key', `${surveyId}\0${address}\0${userAgent}`);
}
