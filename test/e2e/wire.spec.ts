/**
 * Bytes on the wire as a browser sees them: the results page loaded cold (a new profile, nothing
 * cached) costs under 80 KB in all — page, styles, scripts, the chart's bundle, the live stream's
 * first event, headers included — because Chromium is sent brotli; and a reload revalidates the
 * page with its ETag (a 304) while the hashed bundles come from the cache without a request.
 * Counted by the DevTools protocol's encodedDataLength, the size of what crossed the network.
 */
import type { Browser, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const server = useServer({ env: { SEED_DEMO: '1' } });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const BUDGET_BYTES = 80 * 1024;

interface Transfer {
  url: string;
  status: number;
  encoding: string;
  bytes: number;
}

/** Every response the page receives, with the bytes it took on the network (so far, for a stream). */
async function recordTransfers(cdp: CDPSession): Promise<Map<string, Transfer>> {
  const transfers = new Map<string, Transfer>();
  const rawStatus = new Map<string, number>();
  await cdp.send('Network.enable');
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    transfers.set(requestId, {
      url: response.url,
      status: response.status,
      encoding: headers['content-encoding'] ?? '',
      bytes: response.encodedDataLength,
    });
  });
  // The status as it came over the network: a revalidated page is reported above as the cached 200.
  cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode }) => {
    rawStatus.set(requestId, statusCode);
  });
  cdp.on('Network.dataReceived', ({ requestId, encodedDataLength }) => {
    const transfer = transfers.get(requestId);
    if (transfer) transfer.bytes += encodedDataLength;
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const transfer = transfers.get(requestId);
    // The finished total (headers and body) replaces the running count.
    if (transfer) transfer.bytes = encodedDataLength;
    if (transfer && rawStatus.has(requestId)) transfer.status = rawStatus.get(requestId)!;
  });
  return transfers;
}

describe('the results page on the wire', () => {
  it('loads cold in under 80 KB, scripts and styles brotli-encoded; a reload is a 304 and cached bundles', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const transfers = await recordTransfers(cdp);
    const url = `${server.url}/polls/project-management-tool/results`;

    await page.goto(url, { waitUntil: 'load' });
    // The chart has drawn: its bundle was fetched and ran.
    await page.locator('results-chart[data-bar-labels]').waitFor();

    const all = [...transfers.values()];
    const total = all.reduce((sum, t) => sum + t.bytes, 0);
    const summary = all.map((t) => `${t.status} ${t.encoding || '-'} ${t.bytes} ${t.url}`).join('\n');
    expect(total, summary).toBeLessThan(BUDGET_BYTES);
    const html = all.find((t) => t.url === url)!;
    expect(html.status).toBe(200);
    expect(html.encoding).toBe('br');
    const assets = all.filter((t) => /\/_astro\/.+\.(js|css)$/.test(t.url));
    expect(assets.length).toBeGreaterThan(0);
    // The chart's bundle (the largest file) among them, as its build-time brotli copy.
    expect(
      assets.some((t) => t.encoding === 'br' && t.bytes > 20_000),
      summary,
    ).toBe(true);

    transfers.clear();
    await page.reload({ waitUntil: 'load' });
    await page.locator('results-chart[data-bar-labels]').waitFor();
    const reload = [...transfers.values()];
    expect(reload.find((t) => t.url === url)?.status).toBe(304);
    // Hashed bundles are immutable: no request at all, or served from the memory/disk cache.
    const refetched = reload.filter((t) => /\/_astro\//.test(t.url) && t.bytes > 0 && t.status !== 304);
    expect(refetched.map((t) => t.url)).toEqual([]);
    await context.close();
  });
});
