/**
 * Server entry. Boots the app (configuration, migrations, demo seed) *before* the port opens,
 * so a bad setting prints one line and exits with 1; then serves the Astro handler (pages and
 * static assets) behind a thin node:http layer that adds the security headers to every
 * response, refuses overlong URLs, bounds slow clients and shuts down cleanly.
 */
import { createServer } from 'node:http';
import { createExports } from '@astrojs/node/server.js';
import { app } from './lib/app';
import { ConfigError, startupWarnings } from './lib/config';
import { securityHeaders } from './lib/security-headers';
import { staticPathMatcher } from './static-files';

export { createExports };

/** Longer URLs are never ours; refusing them early keeps them out of every parser. */
const MAX_URL_LENGTH = 2048;

export function start(...[manifest, options]: Parameters<typeof createExports>): void {
  app().then(
    ({ config, store }) => {
      // Static files go through the adapter's standalone handler (file serving, caching headers);
      // every other path straight to the app, skipping a file-system lookup per request.
      const serveFiles = createExports(manifest, { ...options, mode: 'standalone' }).handler;
      const serveApp = createExports(manifest, { ...options, mode: 'middleware' }).handler;
      const isStatic = staticPathMatcher(options as { client: string; server: string });
      const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
        const url = req.url ?? '/';
        const path = url.split('?')[0]!;
        for (const [name, value] of Object.entries(securityHeaders(path, config.embedAllowedOrigins))) {
          res.setHeader(name, value);
        }
        if (url.length > MAX_URL_LENGTH) {
          res.writeHead(414, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
          res.end(JSON.stringify({ error: { code: 'uri_too_long', message: 'The URL is too long.' } }));
          return;
        }
        if (isStatic(path)) return serveFiles(req, res);
        try {
          decodeURI(url);
        } catch {
          res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: { code: 'invalid_body', message: 'The URL is not validly encoded.' } }));
          return;
        }
        // The socket's peer is handed to the app here: Astro's own `clientAddress` believes the
        // left-most X-Forwarded-For entry whatever TRUST_PROXY says, so it is never used.
        void serveApp(req, res, undefined, { socketAddress: req.socket.remoteAddress });
      });
      server.listen(config.port, config.host, () => {
        console.log(`Peer Polls listening on http://${config.host}:${config.port}`);
        for (const warning of startupWarnings(config)) console.log(warning);
      });
      const shutdown = () => {
        server.close(() => {
          void store.close().finally(() => process.exit(0));
        });
        server.closeIdleConnections();
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
