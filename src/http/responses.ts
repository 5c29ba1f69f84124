/**
 * Responses shared by the JSON endpoints and the form pages: JSON, the error envelope, refusal
 * pages, CSV downloads, and the one place that turns a thrown error into a status.
 *
 * Each answer is built once as a `Reply` (status, headers, body as plain data): Astro's endpoints
 * and middleware wrap it in a Response, the JSON API served at the node:http layer (src/http/api)
 * writes it with sendBody. So both layers answer refusals and errors byte for byte alike.
 */
import type { APIContext, APIRoute, MiddlewareHandler } from 'astro';
import { isPollError, type PollError } from '@/lib/errors';
import { STORAGE_RETRY_AFTER_SECONDS } from '@/lib/storage-health';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A whole response as plain data. Header names are spelled as sent. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Bytes when the answer comes from a cache of rendered answers (src/http/page-cache.ts). */
  body: string | Buffer;
}

/** A Reply as a Web Response (Astro). */
export function toResponse({ status, headers, body }: Reply): Response {
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), { status, headers });
}

export function jsonReply(data: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(data) };
}

export function json(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { 'Content-Type': JSON_TYPE, ...headers } });
}

/** The contract's error envelope. */
export function errorReply(error: PollError): Reply {
  // A refused oversized body may still be arriving: close the connection rather than reuse it.
  const headers: Record<string, string> = error.code === 'body_too_large' ? { Connection: 'close' } : {};
  // invalid_answers lists every problem of a survey submission (SurveyAnswersError.problems).
  const problems = (error as { problems?: unknown }).problems;
  const envelope = { code: error.code, message: error.message, ...(Array.isArray(problems) ? { problems } : {}) };
  return replyWithRetryAfter(jsonReply({ error: envelope }, error.status, { ...headers, ...retryAfterOf(error) }));
}

export function errorJson(error: PollError): Response {
  return toResponse(errorReply(error));
}

/**
 * Every 503 tells clients when to come back. Refusals with a wait of their own (rate limits,
 * stream caps) keep it; the rest — storage outages, wherever they are answered — get the default.
 */
export function withRetryAfter(response: Response): Response {
  if (response.status === 503 && !response.headers.has('Retry-After')) {
    response.headers.set('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
  }
  return response;
}

/** The Retry-After header a refusal names itself (an address budget's hour ending), if any. */
export function retryAfterOf(error: PollError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
}

/** withRetryAfter for a Reply. */
function replyWithRetryAfter(reply: Reply): Reply {
  if (reply.status === 503 && !('Retry-After' in reply.headers)) {
    reply.headers['Retry-After'] = String(STORAGE_RETRY_AFTER_SECONDS);
  }
  return reply;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The refusal page's heading: what happened, in a person's words. */
const REFUSAL_HEADINGS: Record<number, string> = {
  403: 'Not accepted',
  421: 'Wrong address',
  429: 'Too many requests',
  503: 'Temporarily unavailable',
};
/** Enough to read well in light and dark without the site's stylesheet (its name is hashed). */
const REFUSAL_STYLE =
  'body{font:1.0625rem/1.5 system-ui,sans-serif;margin:0;padding:2rem 1.25rem}main{max-width:36rem;margin:0 auto}h1{font-size:1.5rem;margin:0 0 .75rem}p[role=alert]{border-left:4px solid #c2410c;padding:.5rem .75rem}a{color:LinkText}';

/**
 * A refusal in the form the client reads: the JSON envelope for the API and non-browser clients,
 * a small HTML page for a browser's form post (so a person sees a sentence, not JSON).
 */
export function refusalReply(error: PollError, accept: string | null, pathname: string, home = '/'): Reply {
  const browserPage = !pathname.startsWith('/api/') && (accept ?? '').includes('text/html');
  if (!browserPage) return errorReply(error);
  const heading = REFUSAL_HEADINGS[error.status] ?? 'Not accepted';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${heading} · Peer Polls</title><style>${REFUSAL_STYLE}</style></head><body><main><h1>${heading}</h1><p role="alert">${escapeHtml(error.message)}</p><p><a href="${escapeHtml(home)}">Back to Peer Polls</a></p></main></body></html>`;
  return replyWithRetryAfter({
    status: error.status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...retryAfterOf(error) },
    body: html,
  });
}

export function refusal(error: PollError, request: Request, pathname: string, home = '/'): Response {
  return toResponse(refusalReply(error, request.headers.get('accept'), pathname, home));
}

/** A CSV download, whole or streamed. */
export function csvResponse(csv: string | ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
    },
  });
}

/** Unexpected errors are bugs: logged once, answered without internals. */
export function internalErrorReply(error: unknown): Reply {
  console.error('Unhandled error:', error);
  return jsonReply({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}

export function internalError(error: unknown): Response {
  return toResponse(internalErrorReply(error));
}

/** What a JSON endpoint answers for a thrown error: its envelope for a PollError, a logged 500 for a bug. */
export function thrownReply(error: unknown): Reply {
  return isPollError(error) ? errorReply(error) : internalErrorReply(error);
}

/** Wraps a JSON endpoint so every thrown PollError becomes the contract's error response. */
export function apiRoute(handler: (context: APIContext) => Promise<Response>): APIRoute {
  return async (context) => {
    try {
      return await handler(context);
    } catch (error) {
      return toResponse(thrownReply(error));
    }
  };
}

/**
 * Middleware: a PollError that escapes a page or endpoint (a storage outage under logout, say)
 * is answered as the refusal it is rather than a 500 with a stack, and a page that set a 503
 * itself (re-rendered form) gets its Retry-After.
 */
export const answerRefusals: MiddlewareHandler = async (context, next) => {
  try {
    return withRetryAfter(await next());
  } catch (error) {
    if (!isPollError(error)) throw error;
    return refusal(error, context.request, context.url.pathname);
  }
};

/** 405 for methods an endpoint does not take. */
export function methodNotAllowedReply(allow: string): Reply {
  const error = { code: 'method_not_allowed', message: `This endpoint accepts ${allow}.` };
  return jsonReply({ error }, 405, { Allow: allow });
}

export function methodNotAllowed(allow: string): APIRoute {
  return () => toResponse(methodNotAllowedReply(allow));
}
