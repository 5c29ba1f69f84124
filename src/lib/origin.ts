/**
 * Cross-site request refusal for state-changing requests. Browsers send `Origin` (and
 * `Sec-Fetch-Site`) on every cross-origin POST, so a request is refused when either says it
 * came from another site. Clients that send neither (curl, server-to-server) are not browsers
 * and cannot carry a victim's cookies, so they pass.
 *
 * Astro's own `checkOrigin` is not used: it compares against a URL whose host it rebuilds as
 * "localhost" unless every domain is listed in advance, and answers in plain text, not JSON.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host the client addressed: Host, or X-Forwarded-Host behind a trusted proxy. */
export function requestHost(headers: Headers, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return forwarded || headers.get('host');
}

/** True when a state-changing request demonstrably comes from another site. */
export function isCrossSiteWrite(method: string, headers: Headers, trustProxy: boolean): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  if (headers.get('sec-fetch-site') === 'cross-site') return true;
  const origin = headers.get('origin');
  if (origin === null) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host; // "null" (sandboxed or opaque origins) fails here
  } catch {
    return true;
  }
  return originHost !== requestHost(headers, trustProxy);
}
