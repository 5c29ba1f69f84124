/**
 * `astro dev` has no src/server.ts in front of it, so the routes served at the node:http layer
 * (src/http/api/routes.ts) would be missing there. This integration mounts the same route table
 * on the dev server, loaded through Vite so it shares its modules (the app, the rate limit, the
 * live-results hub) with the pages Astro serves. Production never loads this file.
 */
import type { AstroIntegration } from 'astro';

type Routes = typeof import('./routes');
type SecurityHeaders = typeof import('@/http/security-headers');
type AppModule = typeof import('@/app');

export function apiInDev(): AstroIntegration {
  return {
    name: 'peer-polls:api-in-dev',
    hooks: {
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((req, res, next) => {
          const path = (req.url ?? '/').split('?')[0]!;
          if (!path.startsWith('/api/')) return next();
          void (async () => {
            const { apiRoute } = (await server.ssrLoadModule('/src/http/api/routes.ts')) as Routes;
            const api = apiRoute(path);
            if (!api) return next();
            const { securityHeaders } = (await server.ssrLoadModule(
              '/src/http/security-headers.ts',
            )) as SecurityHeaders;
            const { app } = (await server.ssrLoadModule('/src/app.ts')) as AppModule;
            const { embedAllowedOrigins } = (await app()).config;
            for (const [name, value] of Object.entries(securityHeaders(path, embedAllowedOrigins))) {
              res.setHeader(name, value);
            }
            await api(req, res, req.socket.remoteAddress);
          })().catch(next);
        });
      },
    },
  };
}
