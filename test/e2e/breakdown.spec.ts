/**
 * Breakdowns on the results page in a real browser: with JavaScript off the links, the option
 * picker and the narrowing form work and the table is complete; with it on the chart draws with
 * a text alternative stating the numbers. axe on each state, light and dark, 390 px and 1280 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser';
import { BREAKDOWN_ENV, makeBreakdownPoll, SLUG } from '../support/breakdown-poll';
import { useServer } from '../support/server';

const server = useServer({ env: BREAKDOWN_ENV, setup: ({ url }) => makeBreakdownPoll(url) });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const HIDDEN = 'Fewer than 3 answers — hidden to protect anonymity';
const axe = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

/** The breakdown table of the compared option, by its caption. */
const table = (page: Page, caption: string) => page.getByRole('table', { name: caption });
const rowTexts = async (page: Page, caption: string) =>
  (await table(page, caption).locator('tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

async function noHorizontalOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  for (const wrap of await page.locator('#breakdown .results-table-wrap').all()) {
    const box = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
  }
}

describe('without JavaScript', () => {
  it('links, the option picker and the narrowing form work; the table is complete; no chart box', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/polls/${SLUG}/results`);
    const by = page.getByRole('navigation', { name: 'Break down by' });
    await by.getByRole('link', { name: 'Role' }).click();
    await page.waitForURL(`${server.url}/polls/${SLUG}/results?by=role#breakdown`);
    await expect(by.getByRole('link', { name: 'Role' }).getAttribute('aria-current')).resolves.toBe('page');

    const rows = await rowTexts(page, 'Share choosing Jira, by role');
    expect(rows).toHaveLength(7);
    expect(rows.filter((r) => r.endsWith(HIDDEN))).toHaveLength(4);
    expect(rows.find((r) => r.startsWith('Manager'))).toMatch(/75\.0% .* \+44 pts .* Higher than other respondents$/);
    // The chart's box stays hidden: nothing empty where a picture would be.
    await expect(page.locator('breakdown-chart .chart-box').isVisible()).resolves.toBe(false);
    await noHorizontalOverflow(page);

    await page.getByRole('navigation', { name: 'Option to compare' }).getByRole('link', { name: 'Trello' }).click();
    await page.waitForURL(/option=trello/);
    expect(await rowTexts(page, 'Share choosing Trello, by role')).toHaveLength(7);

    await page.getByLabel('Narrow to').selectOption({ label: 'More than 10,000 employees' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/where=companySize%3Agt-10000/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      by: 'role',
      where: 'companySize:gt-10000',
      option: 'trello',
    });
    await expect(page.getByText('Only people with').innerText()).resolves.toContain(
      'Company size: More than 10,000 employees',
    );
    const narrowed = await rowTexts(page, 'Share choosing Trello, by role');
    expect(narrowed.filter((r) => r.endsWith(HIDDEN))).toHaveLength(6);
    expect(narrowed.find((r) => r.startsWith('Manager'))).toMatch(/0\.0% .* −67 pts .* Lower than other respondents$/);

    await page.getByRole('link', { name: 'Show everyone' }).click();
    await page.waitForURL(`${server.url}/polls/${SLUG}/results?by=role&option=trello#breakdown`);
    await by.getByRole('link', { name: 'Everyone' }).click();
    await page.waitForURL(`${server.url}/polls/${SLUG}/results#breakdown`);
    await expect(page.getByRole('table', { name: /^Share choosing/ }).count()).resolves.toBe(0);
    // (axe needs JavaScript in the page; the states above are checked with it on, below.)
    await context.close();
  });
});

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

describe('with JavaScript', () => {
  for (const size of SIZES) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`${size.name} ${size.width}px, ${colorScheme}: the chart states its numbers; every state axe-clean`, async () => {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));

        await page.goto(`${server.url}/polls/${SLUG}/results?by=role`);
        const chart = page.locator('breakdown-chart[data-drawn]');
        await chart.waitFor();
        const canvas = page.getByRole('img', { name: /^Bar chart of the share choosing Jira, by role:/ });
        await expect(canvas.isVisible()).resolves.toBe(true);
        expect(await canvas.getAttribute('aria-label')).toBe(
          'Bar chart of the share choosing Jira, by role: Director: 16.7% of 6 (95% range 3–56%); ' +
            'Manager: 75.0% of 8 (95% range 41–93%); Individual contributor: 40.0% of 5 (95% range 12–77%). ' +
            'Everyone: 45.8%. Hidden to protect anonymity: C-level executive, Vice president, Other role, Not stated.',
        );
        // The shares written beside the bars are the table's, in its order.
        const drawn = JSON.parse(
          (await page.locator('breakdown-chart[data-bar-labels]').getAttribute('data-bar-labels'))!,
        );
        expect(drawn).toEqual(['16.7%', '75.0%', '40.0%']);
        await noHorizontalOverflow(page);
        await axe(page);

        // Narrowed, with hidden rows.
        await page.goto(`${server.url}/polls/${SLUG}/results?by=role&where=companySize:gt-10000`);
        await page.locator('breakdown-chart[data-drawn]').waitFor();
        await expect(
          page
            .getByRole('img', { name: /^Bar chart of the share choosing Jira, by role: Manager: 100\.0% of 5/ })
            .count(),
        ).resolves.toBe(1);
        await noHorizontalOverflow(page);
        await axe(page);

        // The whole group too small: one sentence, no table, no chart.
        await page.goto(`${server.url}/polls/${SLUG}/results?by=companySize&where=role:vp`);
        await expect(
          page
            .getByText(
              "This group's breakdown is hidden to protect anonymity: fewer than 3 people in it answered, or its numbers would let a smaller group be worked out.",
            )
            .isVisible(),
        ).resolves.toBe(true);
        await expect(page.locator('breakdown-chart').count()).resolves.toBe(0);
        await axe(page);

        // A bad query: the alert, the results above it.
        const response = await page.goto(`${server.url}/polls/${SLUG}/results?by=region`);
        expect(response?.status()).toBe(422);
        await expect(page.getByRole('alert').innerText()).resolves.toContain('"by" must name a profile question');
        await expect(page.locator('results-chart[data-drawn]').count()).resolves.toBe(1);
        await noHorizontalOverflow(page);
        await axe(page);

        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});
