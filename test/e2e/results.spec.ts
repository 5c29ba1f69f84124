/**
 * The results page read at a glance, at a phone's 390 px and a desktop's 1280 px, light and dark:
 * no sideways scrolling, a headline in words, shares written on the bars, an axis scaled to the
 * data, the voter's own choice marked with thanks after voting — and axe on each of those states.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, vote } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';
import { PollPage, ResultsPage } from './pages';

const server = useServer({
  env: { SEED_DEMO: '1' },
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'one',
      question: 'Is one response enough?',
      options: ['Yes', 'No'],
      resultsVisibility: 'always',
    });
    await vote(url, 'one', ['yes']);
  },
});
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

async function noHorizontalOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  // Nor is any column of the results table cut off inside its own scroll box.
  for (const wrap of await page.locator('.results-table-wrap').all()) {
    const box = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
  }
}

const axe = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

/** The texts the chart wrote beside its bars, once it has drawn. */
async function barLabels(page: Page): Promise<string[]> {
  const chart = page.locator('results-chart[data-bar-labels]');
  await chart.waitFor();
  return JSON.parse((await chart.getAttribute('data-bar-labels'))!) as string[];
}

describe('results at a glance', () => {
  for (const size of SIZES) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`${size.name} ${size.width}px, ${colorScheme}: vote, thanks, own choice, headline, labelled bars, no overflow, axe`, async () => {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));

        // A reader who has not voted: the headline, labelled bars, the table.
        await page.goto(`${server.url}/polls/project-management-tool/results`);
        await expect(page.locator('p.headline').innerText()).resolves.toMatch(
          /^Smartsheet \(\d+%\) and Microsoft Project \(\d+%\) are too close to call, with \d+ responses\.$/,
        );
        const results = new ResultsPage(page);
        const shares = (await results.table().locator('tbody .share-value').allInnerTexts()).map((t) => t.trim());
        expect(await barLabels(page)).toEqual(shares);
        // Scaled to the data: the 38 % leader's whisker ends near 43 %, so the axis ends at 50 %.
        expect(await page.locator('results-chart').getAttribute('data-axis-max')).toBe('50');
        expect(await results.chart().getAttribute('aria-label')).toMatch(
          /Smartsheet: \d+\.\d% \(\d+ responses, margin ±\d+ pts\)/,
        );
        await noHorizontalOverflow(page);
        await axe(page);

        // Vote, land on the results: thanks, the own choice marked in the table and the chart.
        const poll = new PollPage(page, server.url);
        await poll.open('project-management-tool');
        await noHorizontalOverflow(page);
        await poll.choose('Trello');
        await poll.vote();
        await page.waitForURL(`${server.url}/polls/project-management-tool/results`);
        await expect(
          page.getByRole('status').filter({ hasText: 'Thanks — your vote is counted.' }).innerText(),
        ).resolves.toContain('You chose Trello.');
        await expect(results.row('Trello').getByText('Your choice').isVisible()).resolves.toBe(true);
        await expect(page.getByText('Your choice', { exact: true }).count()).resolves.toBe(1);
        expect(await results.chart().getAttribute('aria-label')).toContain('Trello (your choice):');
        expect(await barLabels(page)).toHaveLength(4);
        await noHorizontalOverflow(page);
        await axe(page);

        // A reload: no second thanks, the choice stays marked.
        await page.reload();
        await expect(page.getByText('Thanks — your vote is counted.').count()).resolves.toBe(0);
        await expect(results.row('Trello').getByText('Your choice').isVisible()).resolves.toBe(true);

        // One response: no leader called, the small-sample note, the axis still scaled.
        await page.goto(`${server.url}/polls/one/results`);
        await expect(page.locator('p.headline').innerText()).resolves.toBe(
          'Yes (100%) and No (0%) are too close to call, with 1 response.',
        );
        await expect(page.locator('p.small-sample').innerText()).resolves.toContain('shares will move a lot');
        expect(await barLabels(page)).toEqual(['100.0%', '0.0%']);
        await noHorizontalOverflow(page);
        await axe(page);

        // The header navigation leads home.
        await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'All polls' }).click();
        await page.waitForURL(`${server.url}/`);
        await noHorizontalOverflow(page);
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});
