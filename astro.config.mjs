// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { apiInDev } from './src/http/api/dev-integration.ts';

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

/**
 * What the build may inline into the page. Never a script: the CSP allows only script files
 * (script-src 'self'). A stylesheet under 1 KB — one component's own rules — goes in a <style>
 * instead of costing a request of its own; the shared ones (global.css, admin.css, the widget's
 * embed.css) stay files that browsers cache from page to page.
 * @param {string} file
 * @param {Buffer} content
 */
const inlineOnlySmallStylesheets = (file, content) => file.endsWith('.css') && content.length < 1024;

export default defineConfig({
  output: 'server',
  adapter: nodeWithBoot(),
  // The JSON routes src/server.ts serves outside Astro, mounted on `astro dev` too.
  integrations: [apiInDev()],
  // Cross-site writes are refused by src/middleware.ts (see src/http/origin-checks.ts for why not Astro's check).
  security: { checkOrigin: false },
  vite: { build: { assetsInlineLimit: inlineOnlySmallStylesheets } },
  devToolbar: { enabled: false },
});
