/**
 * Runs around every route Astro serves, outermost first: security headers, the booted app and the
 * visitor's origin and address on `locals`, then the refusals every request gets before routing
 * (host check, write rate limit, cross-site refusal). Those come from src/http/guards.ts, which
 * the JSON API served at the node:http layer (src/http/api/routes.ts) calls too.
 */
import { defineMiddleware, sequence } from 'astro:middleware';
import { app } from './app';
import { refusalFor, replyFor, requestLocals } from '@/http/guards';
import { answerRefusals, toResponse } from '@/http/responses';
import { securityHeaders } from '@/http/security-headers';

const attachApp = defineMiddleware(async (context, next) => {
  context.locals.app = await app();
  // The TCP peer, as src/server.ts passes it in. Under `astro dev` (no server entry of ours)
  // every client is "unknown", which is fine there.
  const { request, url, locals } = context;
  Object.assign(locals, requestLocals(locals.app, locals.socketAddress, request.headers, url));
  return next();
});

/** Wrong host (421), too many writes (429 with Retry-After), cross-site writes (403). */
const refuseRequests = defineMiddleware(async (context, next) => {
  const { request, url, locals } = context;
  const refused = await refusalFor(locals.app, request.method, url.pathname, request.headers, locals, Date.now());
  if (!refused) return next();
  return toResponse(replyFor(refused, request.headers.get('accept'), url.pathname));
});

/** Security headers on every route (the server entry adds them to static files too). */
const withSecurityHeaders = defineMiddleware(async (context, next) => {
  const response = await next();
  // A widget names who may frame it (EMBED_ALLOWED_ORIGINS with the admin lists); anything else the configuration's.
  const frameAncestors = context.locals.frameAncestors ?? (await app()).config.embedAllowedOrigins;
  for (const [name, value] of Object.entries(securityHeaders(context.url.pathname, frameAncestors))) {
    response.headers.set(name, value);
  }
  // Owner pages and answers must never sit in a shared or back-button cache.
  if (/^\/(api\/)?admin(\/|$)/.test(context.url.pathname)) response.headers.set('Cache-Control', 'no-store');
  return response;
});

// answerRefusals: a thrown PollError (a storage outage, say) is answered as a refusal; every 503 gets Retry-After.
export const onRequest = sequence(withSecurityHeaders, answerRefusals, attachApp, refuseRequests);
