/**
 * The results of the new question types in Chromium, at 390 px and 1280 px, light and dark: a
 * ranked poll (the Tennessee example) with its winner, rounds chart and tables; an empty ranked
 * poll; a rating poll with its average; a write-in poll — no sideways scrolling, axe on each
 * state. Then a ballot arriving while a ranked poll's results are open: the headline follows and
 * the rounds say they are as loaded.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const TENNESSEE: [string[], number][] = [
  [['memphis', 'nashville', 'chattanooga', 'knoxville'], 42],
  [['nashville', 'chattanooga', 'knoxville', 'memphis'], 26],
  [['chattanooga', 'knoxville', 'nashville', 'memphis'], 15],
  [['knoxville', 'chattanooga', 'nashville', 'memphis'], 17],
];

async function ballot(base: string, slug: string, body: Record<string, unknown>, times = 1) {
  for (let i = 0; i < times; i++) {
    const response = await request(`${base}/api/polls/${slug}/votes`, { method: 'POST', json: body });
    if (response.status >= 300) throw new Error(`vote failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

const common = { resultsVisibility: 'always', duplicatePolicy: 'none' };
const server = useServer({
  setup: async ({ url }) => {
    const capital = ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'];
    await createPoll(url, {
      slug: 'capital',
      question: 'Where should the capital be?',
      type: 'ranked',
      options: capital,
      ...common,
    });
    for (const [choices, times] of TENNESSEE) await ballot(url, 'capital', { choices }, times);
    await createPoll(url, {
      slug: 'live',
      question: 'Which capital, live?',
      type: 'ranked',
      options: capital,
      ...common,
    });
    for (const [choices, times] of TENNESSEE) await ballot(url, 'live', { choices }, Math.round(times / 10));
    await createPoll(url, {
      slug: 'empty',
      question: 'Rank these AI rollout tactics by how much they helped',
      type: 'ranked',
      options: ['Land a pilot people care about', 'Find an executive sponsor', 'Stop projects that lost their purpose'],
      ...common,
    });
    await createPoll(url, {
      slug: 'rating',
      question: 'How useful was the workshop?',
      type: 'rating',
      options: ['1', '2', '3', '4', '5'],
      ...common,
    });
    for (const [value, times] of [
      ['1', 1],
      ['2', 2],
      ['3', 5],
      ['4', 9],
      ['5', 6],
    ] as const) {
      await ballot(url, 'rating', { choices: [value] }, times);
    }
    await createPoll(url, {
      slug: 'editor',
      question: 'Which editor?',
      options: ['Vim', 'Emacs'],
      allowOther: true,
      ...common,
    });
    await ballot(url, 'editor', { choices: [], other: 'secret write-in <i>text</i>' }, 2);
    await ballot(url, 'editor', { choices: ['vim'] });
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
  // Nor is a column of any table cut off inside its own scroll box (four rounds fit a phone).
  for (const wrap of await page.locator('.results-table-wrap').all()) {
    const box = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
  }
}

const axe = async (page: Page) => expect(await axeViolations(page)).toEqual([]);
const headline = (page: Page) => page.locator('p.headline').innerText();

describe('results of ranked, rating and write-in polls', () => {
  for (const size of SIZES) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`${size.name} ${size.width}px, ${colorScheme}: winner, rounds, average, Other — no overflow, axe`, async () => {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));

        // Ranked: the winner in words, the chart drawn with its numbers said, the rounds table.
        await page.goto(`${server.url}/polls/capital/results`);
        await expect(headline(page)).resolves.toBe(
          'Knoxville wins with 58% of the 100 ballots still counting in round 3, after Chattanooga and Nashville were eliminated.',
        );
        await page.locator('ranked-chart[data-drawn]').waitFor();
        await expect(
          page.getByRole('img', { name: /^Final round \(round 3\) of 100 continuing ballots: Memphis 42/ }).count(),
        ).resolves.toBe(1);
        const rounds = page.getByRole('table', { name: /^Votes in each round/ });
        const knoxville = rounds.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Knoxville' }) });
        await expect(knoxville.getByRole('cell').allInnerTexts()).resolves.toEqual([
          expect.stringMatching(/^17\s+17\.0%$/),
          expect.stringMatching(/^32\s+32\.0%$/),
          expect.stringMatching(/^58\s+58\.0%\s+Winner$/),
        ]);
        await expect(page.getByRole('table', { name: /^How often each option was ranked/ }).isVisible()).resolves.toBe(
          true,
        );
        await expect(page.getByRole('table', { name: 'First choices from 100 responses' }).isVisible()).resolves.toBe(
          true,
        );
        await expect(page.getByRole('link', { name: 'Rounds as CSV' }).getAttribute('href')).resolves.toBe(
          '/api/polls/capital/rounds.csv',
        );
        await noHorizontalOverflow(page);
        await axe(page);

        // Ranked without ballots: one sentence, no rounds.
        await page.goto(`${server.url}/polls/empty/results`);
        await expect(headline(page)).resolves.toBe('No ballots yet.');
        await expect(page.locator('ranked-chart').count()).resolves.toBe(0);
        await noHorizontalOverflow(page);
        await axe(page);

        // Rating: the average first, its statistics beside the distribution, the median said once.
        await page.goto(`${server.url}/polls/rating/results`);
        await expect(headline(page)).resolves.toBe('The average rating is 3.7, from 23 responses.');
        await expect(page.locator('.rating-line').innerText()).resolves.toMatch(
          /^Mean 3\.7 \(95% interval \d\.\d–\d\.\d\) · Median 4 · Standard deviation 1(\.\d)? · n = 23$/,
        );
        await expect(page.getByText('The middle answer is', { exact: false }).count()).resolves.toBe(0);
        await page.locator('results-chart[data-drawn]').waitFor();
        await noHorizontalOverflow(page);
        await axe(page);

        // Write-in: "Other" counted, its texts nowhere.
        await page.goto(`${server.url}/polls/editor/results`);
        await expect(
          page
            .getByRole('table', { name: /^Results from/ })
            .getByRole('rowheader', { name: 'Other' })
            .count(),
        ).resolves.toBe(1);
        await expect(page.content()).resolves.not.toContain('secret write-in');
        await noHorizontalOverflow(page);
        await axe(page);

        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});

describe('a ranked poll live', () => {
  it('new ballots: the headline follows at once, the rounds are recounted in place without a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/polls/live/results`);
    // 4, 3, 2, 2 first choices: Knoxville (2) then Nashville go out … Memphis and Chattanooga.
    const before = await headline(page);
    const note = page.locator('.ranked-stale');
    await expect(note.isVisible()).resolves.toBe(false);
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await ballot(server.url, 'live', { choices: ['knoxville', 'chattanooga'] }, 3);
    // Live results catch up with all three ballots; the headline is recounted in place.
    await page.waitForFunction(
      () =>
        document.querySelector('.results-table-wrap[data-stream] caption')?.textContent?.trim() ===
        'First choices from 14 responses',
    );
    const live = await headline(page);
    expect(live).not.toBe(before);
    // The rounds follow within the refetch interval (10–15 s), swapped in without a reload.
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('.ranked-results')?.dataset.total === '14',
      null,
      {
        timeout: 30_000,
      },
    );
    await expect(page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);
    await expect(page.locator('.ranked-stale').isVisible()).resolves.toBe(false);
    const rounds = await page.locator('.rounds-table').innerText();
    await expect(page.locator('.ranked-results canvas').count()).resolves.toBe(1);
    await page.reload();
    await expect(headline(page)).resolves.toBe(live);
    // What was swapped in is what the page renders for those ballots.
    await expect(page.locator('.rounds-table').innerText()).resolves.toBe(rounds);
    await expect(note.isVisible()).resolves.toBe(false);
    await axe(page);
    await context.close();
  });
});
