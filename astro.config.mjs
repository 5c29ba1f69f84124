// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

/**
 * The standalone Node adapter, with our own server entry in front of it: src/server.ts checks the
 * configuration, migrates and seeds the database *before* the port opens, so a bad setting stops
 * the process at start instead of at the first request.
 */
function nodeWithBoot() {
  const integration = node({ mode: 'standalone' });
  const configDone = integration.hooks['astro:config:done'];
  integration.hooks['astro:config:done'] = (params) =>
    configDone?.({
      ...params,
      setAdapter: (adapter) =>
        params.setAdapter({ ...adapter, serverEntrypoint: new URL('./src/server.ts', import.meta.url) }),
    });
  return integration;
}

export default defineConfig({
  output: 'server',
  adapter: nodeWithBoot(),
  // Cross-site writes are refused by src/middleware.ts (see src/lib/origin.ts for why not Astro's check).
  security: { checkOrigin: false },
  vite: { build: { assetsInlineLimit: 0 } },
  devToolbar: { enabled: false },
});
