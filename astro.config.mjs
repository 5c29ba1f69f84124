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
 * (script-src 'self'). A stylesheet under 4 KB (Vite's own default) — one component's or page's
 * rules, the widget's, admin.css — goes in a <style>: each file costs a request whose headers
 * alone (the security headers) are about 800 bytes, more than most of these stylesheets weigh
 * compressed, and a render-blocking round trip on a cold load. The site-wide global.css (5 KB, on
 * every page) stays a file that browsers cache from page to page, and so does the 4.1 KB sheet of
 * the breakdown and trend tables (shared by the results pages; inlined, its class names would
 * also appear in pages that show no such table, which the HTTP tests check).
 * @param {string} file
 * @param {Buffer} content
 */
const inlineOnlySmallStylesheets = (file, content) => file.endsWith('.css') && content.length < 4096;

/**
 * Rollup splits the modules the page scripts share into a chunk per combination of importers:
 * the results page fetched format, live-stream and results-table-live separately, 1–4 KB each and
 * each paying ~800 bytes of headers. The live-results code (and what it imports) is one chunk
 * instead, fetched once by the results pages and the widget. Chart.js keeps its own chunk (only
 * pages with a chart load it); editor and ballot code stay out (never on a results page).
 */
const LIVE_RESULTS = /\/src\/(lib\/format|scripts\/live-stream|scripts\/results-table-live)\.ts$/;
/** @param {string} id */
const liveResultsChunk = (id) => (LIVE_RESULTS.test(id) ? 'live-results' : undefined);

export default defineConfig({
  output: 'server',
  adapter: nodeWithBoot(),
  // The JSON routes src/server.ts serves outside Astro, mounted on `astro dev` too.
  integrations: [apiInDev()],
  // Cross-site writes are refused by src/middleware.ts (see src/http/origin-checks.ts for why not Astro's check).
  security: { checkOrigin: false },
  vite: {
    build: {
      assetsInlineLimit: inlineOnlySmallStylesheets,
      rollupOptions: { output: { manualChunks: liveResultsChunk } },
    },
  },
  devToolbar: { enabled: false },
});
