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

/**
 * Request headers as every check here reads them: a Web `Headers` (Astro) is one, and so is the
 * node:http layer's view of an IncomingMessage (src/http/api/node-request.ts). Names are lowercase.
 */
export interface HeaderGetter {
  get(name: string): string | null;
}

/**
 * The right-most entry of a forwarding header: the one our proxy wrote. Entries to its left came
 * with the request and prove nothing (as for X-Forwarded-For).
 */
export function lastForwarded(headers: HeaderGetter, name: string): string | undefined {
  return headers.get(name)?.split(',').at(-1)?.trim() || undefined;
}

/** The host the client addressed: Host, or X-Forwarded-Host behind a trusted proxy. */
export function requestHost(headers: HeaderGetter, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? lastForwarded(headers, 'x-forwarded-host') : undefined;
  return forwarded || headers.get('host');
}

/**
 * True when a state-changing request demonstrably comes from another site. With PUBLIC_ORIGIN
 * the Origin must be exactly that origin, scheme included (http://polls.example is another site
 * than https://polls.example); without it, the host the client addressed must match.
 */
export function isCrossSiteWrite(
  method: string,
  headers: HeaderGetter,
  trustProxy: boolean,
  publicOrigin: string | null = null,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  if (headers.get('sec-fetch-site') === 'cross-site') return true;
  const origin = headers.get('origin');
  if (origin === null) return false;
  if (publicOrigin !== null) return origin !== publicOrigin;
  let originHost: string;
  try {
    originHost = new URL(origin).host; // "null" (sandboxed or opaque origins) fails here
  } catch {
    return true;
  }
  return originHost !== requestHost(headers, trustProxy);
}

/**
 * With PUBLIC_ORIGIN set: true when the request addresses another host. A page on a rebound DNS
 * name (or a forged Host) would otherwise be served, and any absolute URL built from it reflected.
 */
export function isForeignHost(headers: HeaderGetter, trustProxy: boolean, publicOrigin: string): boolean {
  const host = requestHost(headers, trustProxy);
  if (!host || !/^[a-z0-9.[\]:-]+$/i.test(host)) return true;
  const expected = new URL(publicOrigin);
  try {
    // Parsed under the public scheme, so "polls.example:443" equals https://polls.example.
    return new URL(`${expected.protocol}//${host}`).host !== expected.host;
  } catch {
    return true;
  }
}
