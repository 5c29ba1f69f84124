/**
 * Runs before every route: attaches the booted app to `locals` and sets the response headers
 * that every page shares. Rate limiting, the strict CSP and embed framing join this sequence.
 */
import { defineMiddleware, sequence } from 'astro:middleware';
import { app } from './lib/app';
import { PollError } from './lib/errors';
import { errorJson } from './lib/http';
import { isCrossSiteWrite } from './lib/origin';
import { publicOrigin } from './lib/public-origin';

const attachApp = defineMiddleware(async (context, next) => {
  context.locals.app = await app();
  context.locals.origin = publicOrigin(context.request, context.url, context.locals.app.config.trustProxy);
  return next();
});

/** Refuses cross-site form posts and API writes (CSRF) on every route. */
const refuseCrossSiteWrites = defineMiddleware((context, next) => {
  if (isCrossSiteWrite(context.request.method, context.request.headers, context.locals.app.config.trustProxy)) {
    return errorJson(new PollError('forbidden_origin', 'Requests from other sites may not change anything here.'));
  }
  return next();
});

const securityHeaders = defineMiddleware(async (context, next) => {
  const response = await next();
  const headers = response.headers;
  // Only the widget may be framed: by the configured hosts, and by our own pages' previews.
  const embeddable = context.url.pathname.startsWith('/embed/');
  const ancestors = embeddable ? `'self' ${context.locals.app.config.embedAllowedOrigins.join(' ')}` : "'none'";
  headers.set('Content-Security-Policy', `frame-ancestors ${ancestors}`);
  headers.set('X-Content-Type-Options', 'nosniff');
  if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  return response;
});

export const onRequest = sequence(securityHeaders, attachApp, refuseCrossSiteWrites);
