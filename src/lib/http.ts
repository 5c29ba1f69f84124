/**
 * HTTP plumbing shared by the JSON endpoints and the form pages: JSON responses, the error
 * envelope, size-limited body reading, and the one place that turns a thrown error into a status.
 */
import type { APIContext, APIRoute, MiddlewareHandler } from 'astro';
import { isPollError, PollError } from './errors';
import { STORAGE_RETRY_AFTER_SECONDS } from './storage-health';

const JSON_TYPE = 'application/json; charset=utf-8';

export function json(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { 'Content-Type': JSON_TYPE, ...headers } });
}

/** The contract's error envelope. */
export function errorJson(error: PollError): Response {
  // A refused oversized body may still be arriving: close the connection rather than reuse it.
  const headers: HeadersInit = error.code === 'body_too_large' ? { Connection: 'close' } : {};
  return withRetryAfter(json({ error: { code: error.code, message: error.message } }, error.status, headers));
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

/** How much of an oversized body is read and thrown away before answering 413. */
const DRAIN_LIMIT_BYTES = 256 * 1024;

/**
 * Reads at most `limit` bytes of body, refusing larger ones before they are buffered
 * (by Content-Length when declared, else while streaming).
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new PollError('body_too_large', `The request body must be at most ${limit / 1024} KiB.`);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Read on (discarding) a little, so a client still sending gets the 413 rather than a
      // reset connection; past that, stop reading and let the connection close.
      while (size <= DRAIN_LIMIT_BYTES) {
        const next = await readChunk(reader).catch(() => ({ done: true as const, value: undefined }));
        if (next.done) break;
        size += next.value.byteLength;
      }
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new PollError('invalid_body', 'The request body is not valid UTF-8.');
  }
}

/** One chunk of a body; a client that hangs up mid-body is a bad request, not our error. */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    return await reader.read();
  } catch {
    throw new PollError('invalid_body', 'The request body ended before it was complete.');
  }
}

/** A JSON body of at most `limit` bytes, sent as application/json. */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new PollError('unsupported_media_type', 'Send the body as application/json.');
  }
  let text: string;
  try {
    text = await readBodyText(request, limit);
  } catch (error) {
    if (isPollError(error) && error.code === 'invalid_body') throw new PollError('invalid_json', error.message);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PollError('invalid_json', 'The request body is not valid JSON.');
  }
  if (depthOf(value) > MAX_JSON_DEPTH) {
    throw new PollError('invalid_body', `The JSON is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}

/** No input of ours nests deeper than 3; 32 leaves room without inviting depth bombs. */
const MAX_JSON_DEPTH = 32;

/** Depth of a parsed JSON value, iteratively (a recursive walk could itself overflow). */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** An urlencoded or multipart form of at most `limit` bytes. */
export async function readFormBody(request: Request, limit: number): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    return new URLSearchParams(await readBodyText(request, limit));
  }
  if (/^multipart\/form-data\s*;/i.test(type)) {
    const text = await readBodyText(request, limit);
    try {
      const form = await new Response(text, { headers: { 'Content-Type': type } }).formData();
      const params = new URLSearchParams();
      for (const [name, value] of form) if (typeof value === 'string') params.append(name, value);
      return params;
    } catch {
      throw new PollError('invalid_body', 'The form data could not be read.');
    }
  }
  throw new PollError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
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
export function refusal(error: PollError, request: Request, pathname: string, home = '/'): Response {
  const browserPage = !pathname.startsWith('/api/') && (request.headers.get('accept') ?? '').includes('text/html');
  if (!browserPage) return errorJson(error);
  const heading = REFUSAL_HEADINGS[error.status] ?? 'Not accepted';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${heading} · Peer Polls</title><style>${REFUSAL_STYLE}</style></head><body><main><h1>${heading}</h1><p role="alert">${escapeHtml(error.message)}</p><p><a href="${escapeHtml(home)}">Back to Peer Polls</a></p></main></body></html>`;
  return withRetryAfter(
    new Response(html, { status: error.status, headers: { 'Content-Type': 'text/html; charset=utf-8' } }),
  );
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
export function internalError(error: unknown): Response {
  console.error('Unhandled error:', error);
  return json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}

/** Wraps a JSON endpoint so every thrown PollError becomes the contract's error response. */
export function apiRoute(handler: (context: APIContext) => Promise<Response>): APIRoute {
  return async (context) => {
    try {
      return await handler(context);
    } catch (error) {
      return isPollError(error) ? errorJson(error) : internalError(error);
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
export function methodNotAllowed(allow: string): APIRoute {
  return () =>
    json({ error: { code: 'method_not_allowed', message: `This endpoint accepts ${allow}.` } }, 405, { Allow: allow });
}
