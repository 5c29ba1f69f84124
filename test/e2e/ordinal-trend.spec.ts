/**
 * An ordered scale's summary and "Over time" on the results page in a real browser: without
 * JavaScript the median sentence, the cumulative table and the Over time table (open, scrolling in
 * its own box, never the page) and the day/week links work; with it the line chart draws with a
 * text alternative stating the numbers and the table folds behind "Show the numbers". axe-clean,
 * light and dark, 390 px and 1280 px. The ordinal poll is made through the admin and votes APIs;
 * the seeded nominal demo poll has votes over the last 30 days.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const LABELS = ['< 10%', '10-20%', '21-30%', '31-40%', '41-50%', '51-60%', '61-70%', '71-80%', '> 80%'];
const RANGES = [0, 10, 20, 30, 40, 50, 60, 70, 80].map((low, i) => ({ low, high: i === 8 ? 100 : low + 10 }));
const WORKED = [21, 34, 28, 7, 4, 2, 0, 0, 1];
const SIZES = ['lt-1000', '1000-10000', 'gt-10000'];
const DEMO = 'project-management-tool';

const server = useServer({
  env: { SEED_DEMO: '1', SEGMENT_MIN_N: '3' },
  setup: async ({ url }) => {
    const poll = await createPoll(url, {
      slug: 'ai-share',
      question: 'What share of your AI projects reach production?',
      scale: 'ordinal',
      options: LABELS.map((label, i) => ({ label, range: RANGES[i] })),
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      profile: ['companySize'],
    });
    for (const [i, option] of poll.options.entries()) {
      for (let k = 0; k < WORKED[i]!; k++) {
        const response = await request(`${url}/api/polls/ai-share/votes`, {
          method: 'POST',
          json: { choices: [option.key], profile: { companySize: SIZES[(i + k) % 3] } },
        });
        if (response.status !== 201 && response.status !== 200) throw new Error(`vote failed: ${response.status}`);
      }
    }
  },
});
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const axe = async (page: Page) => expect(await axeViolations(page)).toEqual([]);
const rowTexts = async (page: Page, caption: RegExp) =>
  (await page.getByRole('table', { name: caption }).locator('tbody tr').allInnerTexts()).map((t) =>
    t.replace(/\s+/g, ' ').trim(),
  );

/** The page never scrolls sideways; wide tables scroll inside their own box. */
async function noPageOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

describe('without JavaScript, on a phone', () => {
  it('the median in words, the cumulative table, Over time as an open table with day/week links', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);

    await page.goto(`${server.url}/polls/ai-share/results`);
    await expect(page.getByText('Half of respondents answered 18% or less.').isVisible()).resolves.toBe(true);
    const cumulative = await rowTexts(page, /^Share who answered up to or from each option/);
    expect(cumulative).toHaveLength(9);
    expect(cumulative[1]).toMatch(/^10-20% Middle answer 56\.7% \d+–\d+% 78\.4% \d+–\d+%$/);
    await noPageOverflow(page);

    // The only day so far: the table, no chart.
    const overTime = page.getByRole('region', { name: 'Over time' });
    await expect(overTime.getByText('All responses so far came in one day').isVisible()).resolves.toBe(true);
    await expect(page.locator('trend-chart').count()).resolves.toBe(0);

    await page.goto(`${server.url}/polls/${DEMO}/results`);
    const demoOverTime = page.getByRole('region', { name: 'Over time' });
    // The chart's box stays hidden: nothing empty where a picture would be; the numbers are open.
    await expect(page.locator('.trend-chart-box').isVisible()).resolves.toBe(false);
    const days = page.getByRole('table', { name: /^Each option's share per day/ });
    await expect(days.isVisible()).resolves.toBe(true);
    expect((await rowTexts(page, /^Each option's share per day/)).length).toBeGreaterThanOrEqual(30);
    const box = await page
      .locator('.trend-table')
      .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflow: getComputedStyle(el).overflowX }));
    expect(box.scroll).toBeGreaterThan(box.client);
    expect(box.overflow).toBe('auto');
    await noPageOverflow(page);

    await demoOverTime.getByRole('link', { name: 'By week' }).click();
    await page.waitForURL(`${server.url}/polls/${DEMO}/results?interval=week#over-time`);
    await expect(page.getByRole('link', { name: 'By week' }).getAttribute('aria-current')).resolves.toBe('page');
    const weeks = await rowTexts(page, /^Each option's share per week/);
    expect(weeks.length).toBeGreaterThanOrEqual(5);
    expect(weeks.at(-1)).toMatch(/^Week of \d+ \w{3} [\d,]+ /);
    await context.close();
  });
});

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

describe('with JavaScript', () => {
  for (const size of VIEWPORTS) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`${size.name} ${size.width}px, ${colorScheme}: the trend chart states its numbers; axe-clean`, async () => {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme });
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));

        await page.goto(`${server.url}/polls/${DEMO}/results`);
        await page.locator('trend-chart[data-drawn]').waitFor();
        const chart = page.getByRole('img', { name: /^Line chart of each option's share per day, \d+ days from / });
        await expect(chart.isVisible()).resolves.toBe(true);
        const label = (await chart.getAttribute('aria-label'))!;
        for (const option of ['Microsoft Project', 'Smartsheet', 'Monday.com', 'Trello']) {
          expect(label).toMatch(new RegExp(`${option.replace('.', '\\.')}: \\d+\\.\\d% on .*, \\d+\\.\\d% on `));
        }
        // The table folds behind "Show the numbers" once the chart is drawn, and opens on a click.
        const table = page.getByRole('table', { name: /^Each option's share per day/ });
        await expect(table.isVisible()).resolves.toBe(false);
        await noPageOverflow(page);
        await axe(page);
        await page.getByText('Show the numbers').click();
        await expect(table.isVisible()).resolves.toBe(true);
        await noPageOverflow(page);
        await axe(page);

        // An ordinal poll with a breakdown: the median sentence and each group's median.
        await page.goto(`${server.url}/polls/ai-share/results?by=companySize`);
        await expect(page.getByText('Half of respondents answered 18% or less.').isVisible()).resolves.toBe(true);
        const groups = await rowTexts(page, /^Share choosing .*, by company size$/);
        expect(groups.filter((r) => / answers median \d+% /.test(r))).toHaveLength(3);
        await noPageOverflow(page);
        await axe(page);

        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});
