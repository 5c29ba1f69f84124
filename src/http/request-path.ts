/**
 * One canonical spelling of the request path, made once in src/server.ts before anything looks at
 * it. Astro's router forgives a lot — it strips a second leading slash, decodes %61 to "a", and the
 * URL parser turns "\" into "/" and resolves "/polls/../admin" — while checks on the path (the
 * admin no-store rule, static files, the widget's framing headers) see the text as sent. Two
 * readings of one path let `//admin` be served as /admin without being treated as /admin.
 *
 * So: repeated slashes collapse, percent-encoded unreserved characters (RFC 3986 §2.3: letters,
 * digits, - . _ ~) are decoded — they mean exactly the same, so this is RFC 3986 normalisation,
 * not a second decoding — and whatever could still be read two ways is refused with 400 rather than
 * guessed at: an encoded slash or backslash (%2F, %5C; no path of ours contains one, and whether
 * they separate segments differs between parsers), a raw backslash, dot segments ("." and "..",
 * also as %2E), a "#", control characters and anything that is not an origin-form path
 * ("*", "http://host/…"). Browsers never send any of these; they normalise before sending.
 */

export type NormalisedTarget = { ok: true; url: string; path: string } | { ok: false };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** "%61" → "a" for unreserved characters only; every other escape is left exactly as sent. */
function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
}

/**
 * The request target (`req.url`) with its path in canonical form and the query string kept as
 * sent, or `{ ok: false }` when the path is refused.
 */
export function normaliseTarget(target: string): NormalisedTarget {
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt);
  if (!rawPath.startsWith('/')) return { ok: false };
  // Spaces and controls: the URL parser silently drops tabs and newlines (/ad<TAB>min → /admin).
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u0020\u007f\\#]|%2f|%5c/i.test(rawPath)) return { ok: false };
  const path = decodeUnreserved(rawPath).replace(/\/{2,}/g, '/');
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return { ok: false };
  return { ok: true, url: path + query, path };
}
