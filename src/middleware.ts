/**
 * Runs around every route, outermost first: security headers, the booted app and the
 * visitor's origin and address on `locals`, the write rate limit, and cross-site refusal.
 */
import { defineMiddleware, sequence } from 'astro:middleware';
import { app } from './app';
import { clientAddress, forwardingTrusted, rateLimitKey } from '@/http/client-address';
import { PollError } from '@/lib/errors';
import { answerRefusals, refusal } from '@/http/responses';
import { isCrossSiteWrite, isForeignHost } from '@/http/origin-checks';
import { publicOrigin } from '@/http/public-origin';
import { TokenBuckets, WRITE_LIMIT } from '@/http/rate-limit';
import { securityHeaders } from '@/http/security-headers';

const attachApp = defineMiddleware(async (context, next) => {
  context.locals.app = await app();
  const { proxyTrust } = context.locals.app;
  // The TCP peer, as src/server.ts passes it in. Astro's own `clientAddress` is never read: the
  // Node adapter fills it from the left-most X-Forwarded-For entry, which any client can write.
  // Under `astro dev` (no server entry of ours) every client is "unknown", which is fine there.
  const peer = context.locals.socketAddress;
  context.locals.forwarded = forwardingTrusted(peer, proxyTrust);
  context.locals.origin =
    context.locals.app.config.publicOrigin ?? publicOrigin(context.request, context.url, context.locals.forwarded);
  context.locals.clientAddress = clientAddress(peer, context.request.headers, proxyTrust);
  return next();
});

const writeLimit = new TokenBuckets(WRITE_LIMIT);

/** Per-address token bucket on writes (RATE_LIMIT=0 turns it off, e.g. for benchmarks). */
const limitWrites = defineMiddleware((context, next) => {
  if (!context.locals.app.config.rateLimit || ['GET', 'HEAD', 'OPTIONS'].includes(context.request.method))
    return next();
  const outcome = writeLimit.take(rateLimitKey(context.locals.clientAddress), Date.now());
  if (outcome.allowed) return next();
  const error = new PollError('rate_limited', 'Too many requests from your network; try again in a moment.');
  const response = refusal(error, context.request, context.url.pathname);
  response.headers.set('Retry-After', String(outcome.retryAfterSeconds));
  return response;
});

/**
 * With PUBLIC_ORIGIN, answers only requests for its host (421 otherwise). /healthz is exempt:
 * load balancers and orchestrators probe by address.
 */
const refuseOtherHosts = defineMiddleware((context, next) => {
  const { publicOrigin: expected } = context.locals.app.config;
  if (expected === null || context.url.pathname === '/healthz') return next();
  if (!isForeignHost(context.request.headers, context.locals.forwarded, expected)) return next();
  const error = new PollError('misdirected_request', `This server answers only for ${new URL(expected).host}.`);
  return refusal(error, context.request, context.url.pathname, `${expected}/`);
});

/** Refuses cross-site form posts and API writes (CSRF) on every route. */
const refuseCrossSiteWrites = defineMiddleware((context, next) => {
  const { method, headers } = context.request;
  if (isCrossSiteWrite(method, headers, context.locals.forwarded, context.locals.app.config.publicOrigin)) {
    const error = new PollError('forbidden_origin', 'Requests from other sites may not change anything here.');
    return refusal(error, context.request, context.url.pathname);
  }
  return next();
});

/** Security headers on every route (the server entry adds them to static files too). */
const withSecurityHeaders = defineMiddleware(async (context, next) => {
  const response = await next();
  const { embedAllowedOrigins } = (await app()).config;
  for (const [name, value] of Object.entries(securityHeaders(context.url.pathname, embedAllowedOrigins))) {
    response.headers.set(name, value);
  }
  // Owner pages and answers must never sit in a shared or back-button cache.
  if (/^\/(api\/)?admin(\/|$)/.test(context.url.pathname)) response.headers.set('Cache-Control', 'no-store');
  return response;
});

// answerRefusals: a thrown PollError (a storage outage, say) is answered as a refusal; every 503 gets Retry-After.
export const onRequest = sequence(
  withSecurityHeaders,
  answerRefusals,
  attachApp,
  refuseOtherHosts,
  limitWrites,
  refuseCrossSiteWrites,
);
