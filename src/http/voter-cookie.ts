/**
 * Reads and issues the signed voter identity, on an Astro request (AstroCookies) or on one served
 * at the node:http layer (src/http/api/node-request.ts): both are a CookieJar.
 */
import type { Voter } from '@/lib/votes';
import type { HeaderGetter } from './origin-checks';
import { isPotentiallyTrustworthy } from './public-origin';
import {
  newDeviceId,
  signDeviceId,
  verifyDeviceCookie,
  verifyWidgetToken,
  VOTER_COOKIE,
  VOTER_COOKIE_MAX_AGE_SECONDS,
} from '@/lib/voter';

/**
 * The widget's own cookie. Inside a cross-site iframe it lives in the host page's partition
 * (CHIPS), so it gets its own name rather than shadowing the first-party `pp_voter`.
 */
export const WIDGET_VOTER_COOKIE = 'pp_widget_voter';

/** The attributes our cookies are issued with (serialised by the `cookie` package, as Astro does). */
export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  maxAge: number;
  sameSite: 'lax' | 'none';
  secure?: boolean;
  partitioned?: boolean;
}

/** The request's cookies and the ones set for its response; AstroCookies is one. */
export interface CookieJar {
  get(name: string): { value: string } | undefined;
  set(name: string, value: string, options: CookieOptions): void;
}

/** What choosing a voter reads of a request: its cookies, locals and headers (an APIContext or AstroGlobal is one). */
export interface VoterContext {
  cookies: CookieJar;
  locals: App.Locals;
  request: { headers: HeaderGetter };
}

export interface DeviceOptions {
  /** The request comes from the widget, typically inside a cross-site iframe. */
  embedded?: boolean;
}

/**
 * Every device id the browser's cookies prove, the one this context uses first: the widget
 * prefers its own cookie, the site `pp_voter`. Both count for "has this browser voted".
 */
export function readDeviceIds(cookies: CookieJar, secret: string, { embedded = false }: DeviceOptions = {}): string[] {
  const widget = verifyDeviceCookie(secret, cookies.get(WIDGET_VOTER_COOKIE)?.value);
  const site = verifyDeviceCookie(secret, cookies.get(VOTER_COOKIE)?.value);
  const ordered = embedded ? [widget, site] : [site, widget];
  return [...new Set(ordered.filter((id): id is string => id !== null))];
}

/** The device id this context knows the browser by, or null when it has no valid cookie. */
export function readDeviceId(cookies: CookieJar, secret: string, options: DeviceOptions = {}): string | null {
  return readDeviceIds(cookies, secret, options)[0] ?? null;
}

export interface IssueOptions extends DeviceOptions {
  /** The origin accepts `Secure` cookies (HTTPS or loopback): needed for any cross-site cookie. */
  trustworthy: boolean;
  /** The device id of a valid widget token carried in the widget's form (see verifyWidgetToken). */
  tokenDeviceId?: string | null;
}

const COMMON = { path: '/', httpOnly: true, maxAge: VOTER_COOKIE_MAX_AGE_SECONDS } as const;

/**
 * The site's own `pp_voter`. `SameSite=None; Secure` wherever the origin allows `Secure`, so that
 * a widget granted storage access (the Storage Access API, on the vote click) is sent it: browsers
 * only ever let `SameSite=None` cookies into a cross-site frame. Cross-site writes are refused
 * before routing (src/http/origin-checks.ts), so Lax adds nothing there. On a plain-HTTP public
 * host no cross-site cookie is possible and Lax it stays.
 */
export function siteCookieOptions(trustworthy: boolean): CookieOptions {
  return trustworthy ? { ...COMMON, sameSite: 'none', secure: true } : { ...COMMON, sameSite: 'lax', secure: false };
}

/**
 * The voter's device id: from a cookie, else from the widget's signed token, else a new one;
 * the cookies this context may hold and lacks are issued with it, so only voting hands out
 * identities. Inside a cross-site iframe a cookie must be `SameSite=None; Secure`; the widget's
 * own is `Partitioned` (CHIPS), stored per host site, which keeps "one vote per browser on this
 * intranet page" where third-party cookies are blocked. The widget also issues the site's
 * unpartitioned `pp_voter`: a browser that granted storage access (or allows third-party
 * cookies) stores it and is then one voter on the site and in every widget; any other browser
 * drops it.
 */
export function ensureDeviceId(cookies: CookieJar, secret: string, options: IssueOptions): string {
  const { embedded = false, trustworthy } = options;
  const deviceId = readDeviceId(cookies, secret, options) ?? options.tokenDeviceId ?? newDeviceId();
  const value = signDeviceId(secret, deviceId);
  const hasSite = verifyDeviceCookie(secret, cookies.get(VOTER_COOKIE)?.value) !== null;
  if (!embedded) {
    if (!hasSite) cookies.set(VOTER_COOKIE, value, siteCookieOptions(trustworthy));
    return deviceId;
  }
  if (verifyDeviceCookie(secret, cookies.get(WIDGET_VOTER_COOKIE)?.value) === null) {
    cookies.set(
      WIDGET_VOTER_COOKIE,
      value,
      // Plain HTTP on a public host: no cross-site cookie is possible; the form token carries the identity.
      trustworthy ? { ...COMMON, sameSite: 'none', secure: true, partitioned: true } : { ...COMMON, sameSite: 'lax' },
    );
  }
  if (trustworthy && !hasSite) cookies.set(VOTER_COOKIE, value, siteCookieOptions(true));
  return deviceId;
}

/**
 * Whether this widget request knows the browser as the site does: it carries the site's
 * `pp_voter`, or the browser says (`Sec-Fetch-Storage-Access`, Chromium) that this frame holds
 * or may activate a storage-access grant, so its next vote click will carry it. Otherwise
 * repeat votes are stopped per host site only, and the widget's fine print says so.
 */
export function sharesSiteIdentity(cookies: CookieJar, secret: string, headers: HeaderGetter): boolean {
  if (verifyDeviceCookie(secret, cookies.get(VOTER_COOKIE)?.value) !== null) return true;
  const access = headers.get('sec-fetch-storage-access');
  return access === 'active' || access === 'inactive';
}

/** The voter behind a request: device id, client address and user agent. */
function voterOf(deviceId: string, locals: App.Locals, request: { headers: HeaderGetter }): Voter {
  return { deviceId, address: locals.clientAddress, userAgent: request.headers.get('user-agent') ?? '' };
}

/**
 * The voter casting a ballot in this request: the browser's device id (issued in a cookie when
 * it has none — only voting hands out identities), its network address and user agent. In the
 * widget, a valid form token (see verifyWidgetToken) names the device when no cookie does.
 */
export function ballotVoter(
  { cookies, locals, request }: VoterContext,
  { embedded = false, tokenDeviceId = null }: { embedded?: boolean; tokenDeviceId?: string | null } = {},
): Voter {
  const { secret } = locals.app;
  const known = [...readDeviceIds(cookies, secret, { embedded }), ...(tokenDeviceId ? [tokenDeviceId] : [])];
  const deviceId = ensureDeviceId(cookies, secret, {
    embedded,
    trustworthy: isPotentiallyTrustworthy(locals.origin),
    tokenDeviceId,
  });
  return { ...voterOf(deviceId, locals, request), otherDeviceIds: known.filter((id) => id !== deviceId) };
}

/** The voter behind a widget's ballot: its cookie, else the device its form token names (for this poll). */
export function widgetBallotVoter(context: VoterContext, pollId: number, formToken: string | null): Voter {
  const tokenDeviceId = verifyWidgetToken(context.locals.app.secret, formToken, pollId, Date.now());
  return ballotVoter(context, { embedded: true, tokenDeviceId });
}
