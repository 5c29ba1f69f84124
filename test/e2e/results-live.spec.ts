/**
 * Live results on the results page (SPEC.md, "Live results"): with the page open, a vote from
 * elsewhere changes the table, the total, the headline and the chart in place, without a reload;
 * the polite region says the new total; axe stays clean; after a server restart on the same port
 * the page finds the stream again. Without JavaScript the page is as the server rendered it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, margin, percent, responses, wholePercentRange } from '@/lib/format';
import { resultsHeadline } from '@/lib/headline';
import type { Results } from '@/lib/types';
import { chartSummary } from '@/scripts/results-chart-data';
import { createPoll, request, vote } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { LIVE_POLL, LOOKS, SHOTS_DIR, withRestartableServer } from '../support/live';
import { ADMIN_TOKEN, useServer } from '../support/server';

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'standup', ...LIVE_POLL });
    for (const choice of ['yes', 'yes', 'no']) await vote(url, 'standup', [choice]);
    // Closed: its results cannot change any more.
    await createPoll(url, { slug: 'finished', ...LIVE_POLL });
    await vote(url, 'finished', ['no']);
    await request(`${url}/api/admin/polls/finished`, {
      method: 'PATCH',
      json: { status: 'closed' },
      token: ADMIN_TOKEN,
    });
  },
});

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const apiResults = async (base: string, slug: string) =>
  (await request<Results>(`${base}/api/polls/${slug}/results`)).body;

/** Each table row as a reader sees it: label, responses, share, margin with its range. */
const tableRows = (page: Page) =>
  page
    .locator('.results-table-wrap[data-stream] tbody tr')
    .evaluateAll((rows) =>
      (rows as HTMLTableRowElement[]).map((row) =>
        [...row.cells].map((cell) => cell.innerText.replace(/\s+/g, ' ').trim()),
      ),
    );

/**
 * Waits until the table, total, headline and chart say what the API says: up to 15 s, since the
 * chart redraws on animation frames, which a loaded machine running other browser tests delays.
 */
async function expectCaughtUp(page: Page, base: string, slug: string, timeout = 15_000): Promise<Results> {
  const results = await apiResults(base, slug);
  const rows = results.options.map((o) => [
    o.label,
    count(o.votes),
    percent(o.share),
    `${margin(o.ci95.low, o.ci95.high)} ${wholePercentRange(o.ci95.low, o.ci95.high)}`,
  ]);
  await expect.poll(() => tableRows(page), { timeout }).toEqual(rows);
  await expect(page.locator('.results-table-wrap caption').innerText()).resolves.toBe(
    `Results from ${responses(results.totalResponses)}`,
  );
  await expect(page.locator('p.headline').innerText()).resolves.toBe(resultsHeadline(results).text);
  await expect
    .poll(() => page.locator('results-chart canvas').getAttribute('aria-label'), { timeout })
    .toBe(chartSummary(results, []));
  // The bars as drawn: the shares written beside them.
  await expect
    .poll(() => page.locator('results-chart').getAttribute('data-bar-labels'), { timeout })
    .toBe(JSON.stringify(results.options.map((o) => `${(o.share * 100).toFixed(1)}%`)));
  return results;
}

describe.each(LOOKS)('a results page left open ($scheme, $width px)', ({ scheme, width }) => {
  it('updates the table, total, headline and chart in place when someone else votes, and says so politely', async () => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 } });
    const page = await context.newPage();
    const shot = async (state: string) => {
      if (SHOTS_DIR)
        await page.screenshot({ path: `${SHOTS_DIR}/results-live-${state}-${width}-${scheme}.png`, fullPage: true });
    };
    try {
      await page.goto(`${server.url}/polls/standup/results`);
      await page.locator('results-chart[data-drawn="true"]').waitFor();
      const before = await expectCaughtUp(page, server.url, 'standup');
      await shot('before');
      // A mark that a reload would wipe out.
      await page.evaluate(() => Object.assign(window, { notReloaded: true }));
      const live = page.locator('[aria-live="polite"]');
      await expect(live.textContent()).resolves.toBe('');
      const headingTop = await page.locator('.results-table-wrap').evaluate((el) => el.getBoundingClientRect().top);

      expect((await vote(server.url, 'standup', ['sometimes'])).status).toBe(201);
      const after = await expectCaughtUp(page, server.url, 'standup');
      expect(after.totalResponses).toBe(before.totalResponses + 1);
      await expect.poll(() => live.textContent()).toBe(`${responses(after.totalResponses)} — updated`);
      await expect(page.evaluate(() => 'notReloaded' in window)).resolves.toBe(true);
      // Nothing above the table moved: the headline kept its lines, the chart its box.
      await expect(page.locator('.results-table-wrap').evaluate((el) => el.getBoundingClientRect().top)).resolves.toBe(
        headingTop,
      );
      await shot('after');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('which pages follow the stream', () => {
  it('an open poll’s results page opens one stream; a closed poll’s opens none', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const streams: string[] = [];
      page.on('request', (req) => {
        if (req.url().endsWith('/results/stream')) streams.push(new URL(req.url()).pathname);
      });
      await page.goto(`${server.url}/polls/finished/results`);
      await page.locator('results-chart[data-drawn="true"]').waitFor();
      await page.goto(`${server.url}/polls/standup/results`);
      await expect.poll(() => streams).toEqual(['/api/polls/standup/results/stream']);
    } finally {
      await context.close();
    }
  });
});

describe('without JavaScript', () => {
  it('shows the results as rendered, with no live region', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/polls/standup/results`);
      const results = await apiResults(server.url, 'standup');
      await expect(page.locator('.results-table-wrap caption').innerText()).resolves.toBe(
        `Results from ${responses(results.totalResponses)}`,
      );
      await expect(page.locator('[aria-live="polite"]').count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('reconnecting', () => {
  it('comes back after the server restarts on the same port and shows a later vote, without a reload', async () => {
    const context = await browser.newContext();
    try {
      await withRestartableServer(async (server) => {
        await createPoll(server.url, { slug: 'restart', ...LIVE_POLL });
        expect((await vote(server.url, 'restart', ['yes'])).status).toBe(201);
        const page = await context.newPage();
        await page.goto(`${server.url}/polls/restart/results`);
        await page.locator('results-chart[data-drawn="true"]').waitFor();
        await expectCaughtUp(page, server.url, 'restart');
        await page.evaluate(() => Object.assign(window, { notReloaded: true }));

        await server.restart();
        expect((await vote(server.url, 'restart', ['no'])).status).toBe(201);

        // EventSource waits the server's 2 s before trying again, then more while the port is closed.
        const results = await expectCaughtUp(page, server.url, 'restart', 20_000);
        expect(results.totalResponses).toBe(2);
        await expect(page.evaluate(() => 'notReloaded' in window)).resolves.toBe(true);
      });
    } finally {
      await context.close();
    }
  });
});
