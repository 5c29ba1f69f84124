/**
 * Server entry. Boots the app (configuration, migrations, demo seed) *before* the port opens,
 * so a bad setting prints one line and exits with 1; then serves the built static files (from
 * memory, precompressed copies by Accept-Encoding) and Astro's routes (rendered here, whole bodies
 * validated and compressed by sendBody) behind a thin node:http layer that puts the request path in
 * one canonical form, adds the security headers to every response, refuses overlong URLs, bounds
 * slow clients and connections per client, and shuts down cleanly.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createExports } from '@astrojs/node/server.js';
import type { SSRManifest } from 'astro';
import { app } from './app';
import { astroRenderer } from '@/http/astro-render';
import { apiRoute } from '@/http/api/routes';
import { forwardingTrusted } from '@/http/client-address';
import { ConfigError, startupWarnings } from '@/lib/config';
import {
  limitConnectionsPerClient,
  MAX_CONNECTIONS_PER_CLIENT,
  maxConnectionsFor,
  openFileLimit,
} from '@/http/connection-limit';
import { normaliseTarget } from '@/http/request-path';
import { securityHeaders } from '@/http/security-headers';
import { staticFiles } from '@/http/static-files';

export { createExports };

/** Longer URLs are never ours; refusing them early keeps them out of every parser. */
const MAX_URL_LENGTH = 2048;

/**
 * Header lines per request. Browsers send about 20 and proxies add a few; Node's default of
 * 2,000 silently drops the rest — a proxy's own X-Forwarded-For line among them.
 */
const MAX_HEADER_LINES = 100;

/** Methods no route takes, which Astro's Request cannot even represent (a 500 otherwise). */
const UNSUPPORTED_METHODS = new Set(['TRACE', 'TRACK', 'CONNECT']);

/**
 * Pipelined requests one connection may have waiting. Each waits its turn (see whenResponding);
 * a client queueing more is not a browser.
 */
const MAX_PIPELINED_REQUESTS = 16;

/**
 * Slow clients: the request line and headers must arrive within 10 s, the whole request within
 * 30 s. Node enforces both only when it sweeps its connections, every 30 s by default, so a
 * trickling client lived 30 s instead of 10; a sweep every second holds it to about 11 s.
 */
const SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1000,
  maxHeadersCount: MAX_HEADER_LINES,
};

/**
 * Runs `serve` once this response owns its connection. A pipelined request's response waits
 * behind the ones before it; served at once, it would open its file stream (static files) or do
 * its work for a response that may never be written — and a client hanging up then left the
 * stream open for good (a descriptor and its buffers per request).
 */
function whenResponding(res: ServerResponse, serve: () => void): void {
  if (res.socket) serve();
  else res.once('socket', serve);
}

/** Requests waiting on each connection, to cut off deep pipelining. */
const waiting = new WeakMap<Socket, number>();

function tooManyWaiting(req: IncomingMessage, res: ServerResponse): boolean {
  const socket = req.socket;
  const count = (waiting.get(socket) ?? 0) + 1;
  waiting.set(socket, count);
  res.once('close', () => waiting.set(socket, (waiting.get(socket) ?? 1) - 1));
  return count > MAX_PIPELINED_REQUESTS;
}

/** The number of Host header lines (HTTP/1.1 wants exactly one; Node keeps the first of several). */
const hostLines = (rawHeaders: string[]) =>
  rawHeaders.filter((value, index) => index % 2 === 0 && value.toLowerCase() === 'host').length;

/**
 * Drops each sign-on header (the user and attribute headers of AUTH_USER_HEADER /
 * AUTH_ATTRIBUTE_HEADERS) that arrived on more than one header line: Node would join them into
 * one value ("forged, alice"), a different person per forged line. A proxy sets the header once
 * on every path; several lines mean one of them came from the visitor past a proxy that appends
 * instead of replacing (README: One vote per person), so the request counts as not signed in.
 */
function dropRepeatedSignOnHeaders(req: IncomingMessage, names: readonly string[]): void {
  if (names.length === 0) return;
  const counts = new Map<string, number>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (names.includes(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const [name, count] of counts) if (count > 1) delete req.headers[name];
}

/**
 * A refusal made here, before routing: the strictest security headers (those of an ordinary
 * page, whatever the path said) and never cached. `Connection: close` — a client sending such
 * requests is not worth keeping a connection for.
 */
function refuse(res: ServerResponse, status: number, code: string, message: string, embedOrigins: string[]): void {
  for (const [name, value] of Object.entries(securityHeaders('/', embedOrigins))) res.setHeader(name, value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

/** /proc/self/limits, or '' where there is none (not Linux). */
function readProcLimits(): string {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return '';
  }
}

export function start(...[manifest, options]: Parameters<typeof createExports>): void {
  app().then(
    ({ config, proxyTrust, live, pageCache, close }) => {
      // Static files are known and read at start; every other path goes straight to the app,
      // skipping a file-system lookup per request. (The adapter's own handler, which the generated
      // entry still creates, is not used — only its unhandled-rejection logger stays installed.)
      const files = staticFiles(options as { client: string; server: string; assets?: string });
      const renderAstro = astroRenderer(manifest as SSRManifest, pageCache, (peer) =>
        forwardingTrusted(peer, proxyTrust),
      );
      const signOnHeaders = config.signOn
        ? [config.signOn.userHeader, ...config.signOn.attributeHeaders.map((a) => a.header)].map((h) => h.toLowerCase())
        : [];
      const server = createServer(SERVER_OPTIONS, (req, res) => {
        if (tooManyWaiting(req, res)) return void req.socket.destroy();
        const target = req.url ?? '/';
        if (target.length > MAX_URL_LENGTH) {
          return refuse(res, 414, 'uri_too_long', 'The URL is too long.', config.embedAllowedOrigins);
        }
        // Before anything reads the path: every check below and every route sees one spelling.
        const normalised = normaliseTarget(target);
        if (!normalised.ok) {
          const message = 'The URL path is not in a form this site accepts.';
          return refuse(res, 400, 'invalid_body', message, config.embedAllowedOrigins);
        }
        if (UNSUPPORTED_METHODS.has(req.method ?? '')) {
          return refuse(res, 405, 'method_not_allowed', 'This method is not supported.', config.embedAllowedOrigins);
        }
        if (req.rawHeaders.length / 2 >= MAX_HEADER_LINES) {
          return refuse(
            res,
            431,
            'headers_too_large',
            'The request has too many header lines.',
            config.embedAllowedOrigins,
          );
        }
        if (hostLines(req.rawHeaders) > 1) {
          return refuse(res, 400, 'invalid_body', 'The request names more than one host.', config.embedAllowedOrigins);
        }
        dropRepeatedSignOnHeaders(req, signOnHeaders);
        req.url = normalised.url;
        const path = normalised.path;
        for (const [name, value] of Object.entries(securityHeaders(path, config.embedAllowedOrigins))) {
          res.setHeader(name, value);
        }
        if (files.has(path)) return whenResponding(res, () => files.serve(req, res, path));
        try {
          decodeURI(req.url);
        } catch {
          return refuse(res, 400, 'invalid_body', 'The URL is not validly encoded.', config.embedAllowedOrigins);
        }
        // The socket's peer is handed to the app here: Astro's own `clientAddress` believes the
        // left-most X-Forwarded-For entry whatever TRUST_PROXY says, so it is never used.
        const socketAddress = req.socket.remoteAddress;
        // The JSON hot paths (votes, results, live streams) are served outside Astro, with the same guarantees.
        const api = apiRoute(path);
        if (api) return whenResponding(res, () => void api(req, res, socketAddress));
        whenResponding(res, () => void renderAstro(req, res, { socketAddress }));
      });
      // With TRUST_PROXY=1 the proxies are not counted (see PerClientLimit): every client arrives
      // through them, so a cap on them would be a cap on the whole site. A peer that is not a
      // trusted proxy (TRUSTED_PROXIES set, someone reaching the port directly) is still counted.
      limitConnectionsPerClient(server, {
        limit: MAX_CONNECTIONS_PER_CLIENT,
        exempt: (peer) => forwardingTrusted(peer, proxyTrust),
      });
      // A global cap does not keep /healthz reachable (past it, probes are dropped like everything
      // else; the per-client cap is what protects them from one flooding network), but it keeps
      // the process working for the connections it holds: at the descriptor limit the database
      // and static files could no longer open. Derived from the limit Node runs with (Linux only).
      const maxConnections = maxConnectionsFor(openFileLimit(readProcLimits()));
      if (maxConnections !== null) server.maxConnections = maxConnections;
      server.listen(config.port, config.host, () => {
        console.log(`Peer Polls listening on http://${config.host}:${config.port}`);
        for (const warning of startupWarnings(config)) console.log(warning);
      });
      const shutdown = () => {
        // Open streams would hold server.close() open until the 5 s fallback; end them first.
        live.closeAll();
        // The stores, and on PostgreSQL the shared state and the change feed (its last changes sent).
        server.close(() => {
          void close().finally(() => process.exit(0));
        });
        server.closeIdleConnections();
        // Connections whose last response (a stream, say) just ended become idle a moment later.
        setInterval(() => server.closeIdleConnections(), 100).unref();
        // Give in-flight requests a moment, then stop regardless.
        setTimeout(() => process.exit(0), 5000).unref();
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : `Peer Polls could not start: ${String(error)}`);
      process.exit(1);
    },
  );
}
