/**
 * Astro's routes (pages and the endpoints still in Astro) rendered by our server instead of the
 * adapter's handler, as the adapter does it — NodeApp: createRequest, match, render with our
 * locals and the cookies as Set-Cookie, Astro's 404 page when nothing matches — except for how
 * the answer is written. A whole body (a page, a JSON or CSV answer) is collected and handed to
 * `sendBody`, which gives it a validator and compresses it; the adapter streamed every answer
 * chunk by chunk, so neither was possible.
 *
 * Streamed answers stay streamed: an event stream is written event by event exactly as the
 * adapter did (no Astro route streams events today: the live streams are served, and a stalled
 * reader cut off, by src/http/event-stream.ts), and a body that
 * outgrows MAX_BUFFERED_BYTES (a long CSV export paged from the database) is sent as it comes,
 * compressed as a stream, with backpressure: the next page is read when the socket took the last.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { SSRManifest } from 'astro';
import { NodeApp } from 'astro/app/node';
import { compressStream, isCompressible, mergeVary, negotiate } from './compress';
import type { CachedPage, PageCache, PageMark } from './page-cache';
import { REVALIDATE_PRIVATE, sendBody } from './send';

/**
 * Bodies up to this size are collected whole (every page here is well under it: the results page
 * is 30 KB); past it, the answer is a stream and is sent as one.
 */
export const MAX_BUFFERED_BYTES = 64 * 1024;

/** How the adapter marks the cleanup of a request's abort listener (astro/dist/core/constants.js). */
const ABORT_CLEANUP = Symbol.for('astro.nodeRequestAbortControllerCleanup');

/** No page is prerendered: Astro's fallback for a prerendered error page must not fetch anything. */
const noPrerenderedPage = async () => new Response(null, { status: 404 });

function outgoingHeaders(headers: Headers): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of headers) if (name !== 'set-cookie') out[name] = value;
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  // Pages say nothing about caching unless they must (no-store on admin and personal pages). Every
  // page may read the visitor's cookies (an own vote, a session), so none is for a shared cache;
  // the browser revalidates, and the ETag makes an unchanged page a 304.
  if (out['cache-control'] === undefined && /^text\/html\b/i.test(String(out['content-type'] ?? ''))) {
    out['cache-control'] = REVALIDATE_PRIVATE;
  }
  return out;
}

export type RenderAstro = (
  req: IncomingMessage,
  res: ServerResponse,
  locals: { socketAddress?: string; pageCache?: PageMark },
) => Promise<void>;

/**
 * `pages` keeps the pages a visitor without our cookies may be served again (see
 * src/http/page-cache.ts): a kept page is sent without rendering; a page that marks itself
 * reusable (`locals.pageCache`) is kept when nothing under it was written while it rendered;
 * `forwardingTrusted` says whether a peer's forwarding headers are believed (part of the key).
 */
export function astroRenderer(
  manifest: SSRManifest,
  pages: PageCache,
  forwardingTrusted: (peer: string | undefined) => boolean,
): RenderAstro {
  // No streaming render: the body is collected anyway, and a page rendered to one string is cheaper.
  const app = new NodeApp(manifest, false);
  return async (req, res, locals) => {
    const key = pages.keyOf(req, forwardingTrusted(locals.socketAddress));
    const kept = key === null ? null : pages.get(key, Date.now());
    if (kept) return sendBody(req, res, kept.status, kept.headers, kept.body);
    const begun = pages.begin();
    let request: Request;
    try {
      request = NodeApp.createRequest(req, { allowedDomains: manifest.allowedDomains ?? [] });
    } catch (error) {
      console.error(`Could not read the request for ${req.url}:`, error);
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error');
      return;
    }
    const cleanup = Reflect.get(req, ABORT_CLEANUP);
    if (typeof cleanup === 'function') {
      res.once('finish', cleanup as () => void);
      res.once('close', cleanup as () => void);
    }
    try {
      const response = await app.render(request, {
        addCookieHeader: true,
        locals,
        // Unmatched: Astro renders our 404 page (with the locals, so the middleware knows the client).
        routeData: app.match(request, true),
        prerenderedErrorPageFetch: noPrerenderedPage,
      });
      const whole = await write(req, res, response);
      const mark = locals.pageCache;
      if (whole && mark && key !== null) pages.set(key, mark, begun, whole, Date.now());
    } catch (error) {
      console.error(`Could not render ${req.url}:`, error);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error');
      } else res.destroy();
    }
  };
}

/** Writes the answer; returns it when it was whole (not streamed), for the page cache. */
async function write(req: IncomingMessage, res: ServerResponse, response: Response): Promise<CachedPage | null> {
  if (response.statusText) res.statusMessage = response.statusText;
  const headers = outgoingHeaders(response.headers);
  if (!response.body) {
    sendBody(req, res, response.status, headers, Buffer.alloc(0));
    return null;
  }
  if (/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')) {
    await NodeApp.writeResponse(response, res);
    return null;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_BUFFERED_BYTES) {
      streamRest(req, res, response.status, headers, chunks, reader);
      return null;
    }
  }
  const page = { status: response.status, headers: { ...headers }, body: Buffer.concat(chunks, size) };
  sendBody(req, res, page.status, headers, page.body);
  return page;
}

/** What was read so far, then the rest as it is produced; compressed as a stream when it pays. */
function streamRest(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  read: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): void {
  const compressible =
    status !== 206 && headers['content-encoding'] === undefined && isCompressible(String(headers['content-type']));
  const coding = compressible ? negotiate(req.headers['accept-encoding']) : null;
  if (compressible) headers.vary = mergeVary(headers.vary ?? res.getHeader('vary'), 'Accept-Encoding');
  if (coding) {
    headers['content-encoding'] = coding;
    delete headers['content-length'];
  }
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    reader.cancel().catch(() => undefined);
    return void res.end();
  }
  async function* chunks() {
    try {
      yield* read;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // A client that hung up: stop paging through the database.
      reader.cancel().catch(() => undefined);
    }
  }
  const done = (error: Error | null | undefined) => {
    if (error) res.destroy();
  };
  const source = Readable.from(chunks(), { objectMode: false });
  if (coding) pipeline(source, compressStream(coding), res, done);
  else pipeline(source, res, done);
}
