/**
 * What every request gets before its route runs, in one place for both request paths: Astro's
 * middleware (src/middleware.ts: pages and the other endpoints) and the JSON API served at the
 * node:http layer (src/http/api/routes.ts). Each layer only adapts its request to these functions
 * and its answer from them, so the two cannot drift apart.
 */
import { clientAddress, forwardingTrusted, rateLimitKey } from './client-address';
import { isCrossSiteWrite, isForeignHost, type HeaderGetter } from './origin-checks';
import { signedInPerson } from './person';
import { publicOrigin } from './public-origin';
import { TokenBuckets, WRITE_LIMIT } from './rate-limit';
import { refusalReply, type Reply } from './responses';
import { PollError } from '@/lib/errors';

/** The locals derived from the request: who sent it, who signed in, and where the visitor reached us. */
export type RequestLocals = Pick<App.Locals, 'forwarded' | 'origin' | 'clientAddress' | 'person'>;

/**
 * The TCP peer as src/server.ts hands it in (Astro's own `clientAddress` is never read: the Node
 * adapter fills it from the left-most X-Forwarded-For entry, which any client can write), the
 * request's headers, and the URL it was built with (for the origin, when no Host is usable).
 */
export function requestLocals(
  app: App.Locals['app'],
  peer: string | undefined,
  headers: HeaderGetter,
  url: Pick<URL, 'protocol' | 'host' | 'origin'>,
): RequestLocals {
  const forwarded = forwardingTrusted(peer, app.proxyTrust);
  return {
    forwarded,
    origin: app.config.publicOrigin ?? publicOrigin({ headers }, url, forwarded),
    clientAddress: clientAddress(peer, headers, app.proxyTrust),
    person: signedInPerson(app.config.signOn, forwarded, headers),
  };
}

/**
 * Writes per client address, one set of buckets for the whole process: a page's form post and a
 * JSON vote take from the same bucket, whichever layer serves them. The app's limiter on SQLite;
 * on PostgreSQL the app takes from the buckets every instance shares instead (`App.writeLimit`).
 */
export const writeLimit = new TokenBuckets(WRITE_LIMIT);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Refusal {
  error: PollError;
  /** Where the refusal page's "back" link goes. */
  home?: string;
  /** Seconds until a retry can succeed (the rate limit's own wait). */
  retryAfterSeconds?: number;
}

/**
 * The refusal a request gets before routing, or null: with PUBLIC_ORIGIN a request for another
 * host (421; /healthz is exempt — load balancers probe by address), then the per-address write
 * rate limit (429; RATE_LIMIT=0 turns it off, e.g. for benchmarks), then a cross-site write (403,
 * CSRF). In that order, on every route.
 */
export async function refusalFor(
  app: App.Locals['app'],
  method: string,
  pathname: string,
  headers: HeaderGetter,
  locals: RequestLocals,
  now: number,
): Promise<Refusal | null> {
  const { publicOrigin: expected, rateLimit } = app.config;
  if (expected !== null && pathname !== '/healthz' && isForeignHost(headers, locals.forwarded, expected)) {
    const error = new PollError('misdirected_request', `This server answers only for ${new URL(expected).host}.`);
    return { error, home: `${expected}/` };
  }
  if (rateLimit && !SAFE_METHODS.has(method)) {
    const outcome = await app.writeLimit.take(rateLimitKey(locals.clientAddress), now);
    if (!outcome.allowed) {
      const error = new PollError('rate_limited', 'Too many requests from your network; try again in a moment.');
      return { error, retryAfterSeconds: outcome.retryAfterSeconds };
    }
  }
  if (isCrossSiteWrite(method, headers, locals.forwarded, expected)) {
    return { error: new PollError('forbidden_origin', 'Requests from other sites may not change anything here.') };
  }
  return null;
}

/** The answer to a refusal, as the client reads it (see refusalReply), with the rate limit's wait. */
export function replyFor(refused: Refusal, accept: string | null, pathname: string): Reply {
  const reply = refusalReply(refused.error, accept, pathname, refused.home);
  if (refused.retryAfterSeconds !== undefined) reply.headers['Retry-After'] = String(refused.retryAfterSeconds);
  return reply;
}
