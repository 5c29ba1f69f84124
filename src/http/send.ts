/**
 * Writes a whole response body from the node:http layer (the JSON API served outside Astro and
 * Astro's buffered pages). The one place that decides validators (ETag / 304) and compression.
 *
 * - Validator: a GET or HEAD 200 whose Cache-Control does not say no-store gets a weak ETag, a
 *   hash of the uncompressed body (weak: the gzip and brotli forms of one body share it), unless
 *   the route set its own. A matching If-None-Match is answered 304 without a body, keeping the
 *   validator, Cache-Control, Vary and Set-Cookie. no-store answers (admin pages and API, the
 *   personal ones) get no validator: nothing may keep them, so there is nothing to revalidate.
 * - Compression: text formats of at least 1 KB, in the coding the client prefers (br, then gzip),
 *   only when it comes out smaller; `Vary: Accept-Encoding` on every answer that could have been
 *   compressed, so caches keep the forms apart. Never a 206, a body already encoded, or an event
 *   stream (those are piped, never passed here).
 */
import { hash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { compress, isCompressible, mergeVary, MIN_COMPRESSIBLE_BYTES, negotiate, type Coding } from './compress';

/**
 * `Cache-Control` for answers that depend on who asks (the voter's own choice on results): no
 * shared cache keeps them, and the browser asks again each time — with the ETag, so an unchanged
 * answer costs a 304. Another browser never sees them: it has its own private cache.
 */
export const REVALIDATE_PRIVATE = 'private, no-cache';

/** A weak validator from the bytes themselves: equal tags mean equal bodies. */
export function weakTag(body: Buffer): string {
  return `W/"${hash('sha1', body, 'base64url')}"`;
}

/**
 * Does If-None-Match name this tag? Weak comparison (RFC 9110 §13.1.2): `W/` is ignored on both
 * sides, `*` matches any current representation.
 */
export function noneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  const opaque = tag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const t = candidate.trim();
    return t === '*' || t.replace(/^W\//, '') === opaque;
  });
}

/**
 * Compressed forms of recent bodies, keyed by body hash and coding: the results page read by
 * hundreds of people in a minute is compressed once per change, not once per reader. Bounded by
 * bytes; the least recently used leave first.
 */
const CACHE_LIMIT_BYTES = 8 * 1024 * 1024;
const compressedCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(key: string, value: Buffer): void {
  if (value.length > CACHE_LIMIT_BYTES / 8) return;
  compressedCache.set(key, value);
  cachedBytes += value.length;
  for (const [oldKey, old] of compressedCache) {
    if (cachedBytes <= CACHE_LIMIT_BYTES) break;
    compressedCache.delete(oldKey);
    cachedBytes -= old.length;
  }
}

function compressCached(body: Buffer, coding: Coding, key: string | undefined): Promise<Buffer> {
  if (key === undefined) return compress(body, coding);
  const cacheKey = `${coding}:${key}`;
  const hit = compressedCache.get(cacheKey);
  if (hit) {
    // Most recently used last.
    compressedCache.delete(cacheKey);
    compressedCache.set(cacheKey, hit);
    return Promise.resolve(hit);
  }
  return compress(body, coding).then((out) => {
    remember(cacheKey, out);
    return out;
  });
}

/** Header names in lower case, so a route's `Cache-Control` and `cache-control` are one header. */
function lowerCased(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

const text = (value: string | number | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);

/** Statuses that never carry a body. */
const BODILESS = new Set([204, 304]);

export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const out = lowerCased(headers);
  const header = (name: string) => text(out[name] ?? res.getHeader(name));
  const readable = req.method === 'GET' || req.method === 'HEAD';

  let tag = header('etag');
  if (status === 200 && readable && tag === undefined && !/\bno-store\b/i.test(header('cache-control') ?? '')) {
    tag = weakTag(bytes);
    out.etag = tag;
  }

  const compressible =
    !BODILESS.has(status) &&
    status !== 206 &&
    header('content-encoding') === undefined &&
    bytes.length >= MIN_COMPRESSIBLE_BYTES &&
    isCompressible(header('content-type'));
  if (compressible) out.vary = mergeVary(out.vary ?? res.getHeader('vary'), 'Accept-Encoding');

  if (status === 200 && readable && tag !== undefined && noneMatch(text(req.headers['if-none-match']), tag)) {
    // A 304 describes the stored 200: its validator and caching headers, none of its body's.
    delete out['content-type'];
    delete out['content-length'];
    res.removeHeader('content-type');
    res.writeHead(304, 'Not Modified', out);
    res.end();
    return;
  }

  const finish = (payload: Buffer, coding: Coding | null) => {
    if (res.destroyed) return;
    if (coding) out['content-encoding'] = coding;
    if (BODILESS.has(status)) delete out['content-length'];
    else out['content-length'] = payload.length;
    res.writeHead(status, out);
    res.end(req.method === 'HEAD' || BODILESS.has(status) ? undefined : payload);
  };

  const coding = compressible ? negotiate(req.headers['accept-encoding']) : null;
  if (!coding) return finish(bytes, null);
  // Only validated bodies (public or per-viewer pages and results) are worth remembering; no-store
  // ones (admin pages with their form tokens) are rarely asked for twice.
  compressCached(bytes, coding, tag?.startsWith('W/"') ? tag : undefined).then(
    (compressed) => (compressed.length < bytes.length ? finish(compressed, coding) : finish(bytes, null)),
    () => finish(bytes, null),
  );
}
