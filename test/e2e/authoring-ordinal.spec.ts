/**
 * Authoring an ordered scale in Chromium: the Scale choice shows and hides each option row's
 * "from – to" range fields, a refusal comes back next to the Scale field with the rows and ranges
 * as typed, the poll is created with its ranges, and the edit form shows them again. Without
 * JavaScript the same editor shows everything and the ranges are typed after a bar. axe and
 * screenshots of each state at phone and desktop widths, light and dark.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const PASSWORD = 'e2e-admin-password';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-ordinal-editor';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(width: number, scheme: 'light' | 'dark', javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: scheme,
    javaScriptEnabled,
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Polls' }).waitFor();
  return page;
}

/** Checks axe and no horizontal page scroll, and keeps a full-page screenshot of the state. */
async function check(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), name).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: horizontal overflow`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const option = (page: Page, n: number) => page.getByRole('textbox', { name: `Option ${n}`, exact: true });
const from = (page: Page, n: number) => page.getByRole('textbox', { name: `Option ${n}, range from` });
const to = (page: Page, n: number) => page.getByRole('textbox', { name: `Option ${n}, range to` });
const BUCKETS: [string, string, string][] = [
  ['< 10 %', '0', '10'],
  ['10–20 %', '10', '20'],
  ['20–50 %', '20', '50'],
  ['> 50 %', '50', '100'],
];

describe.each([
  [390, 'light'],
  [390, 'dark'],
  [1280, 'light'],
  [1280, 'dark'],
] as const)('an ordered scale at %i px, %s', (width, scheme) => {
  const tag = `${width}-${scheme}`;

  it('with JavaScript: range fields follow the scale, a refusal keeps them, the poll gets them', async () => {
    const page = await signedIn(width, scheme);
    await page.goto(`${server.url}/admin/polls/new`);
    await page.getByRole('heading', { name: 'New poll' }).waitFor();
    // Unordered by default: no range fields, no ranges hint.
    await expect(page.getByRole('radio', { name: 'Unordered (brands, tools)' }).isChecked()).resolves.toBe(true);
    await expect(from(page, 1).isHidden()).resolves.toBe(true);
    await expect(page.locator('#ranges-hint').isHidden()).resolves.toBe(true);

    await page.getByRole('radio', { name: /^Ordered/ }).check();
    await expect(from(page, 1).isVisible()).resolves.toBe(true);
    await expect(page.locator('#ranges-hint').innerText()).resolves.toMatch(/compute the median, e\.g\. 18 %/);
    await page.getByLabel('Question').fill(`What share of AI projects reach production, ${tag}?`);
    await page.getByLabel('Slug').fill(`ai-share-${tag}`);
    for (const [index, [label, low, high]] of BUCKETS.entries()) {
      if (index >= 2) await page.getByRole('button', { name: 'Add option' }).click();
      await option(page, index + 1).fill(label);
      await from(page, index + 1).fill(low);
      await to(page, index + 1).fill(high);
    }
    await check(page, `ordinal-new-${tag}`);

    // Ordered needs single choice: the server's refusal shows next to the Scale field.
    await page.getByLabel('Multiple choice').check();
    await page.getByRole('button', { name: 'Create poll' }).click();
    await expect(page.locator('#scale-error').innerText()).resolves.toMatch(
      /^An ordered scale needs a single-choice or rating poll/,
    );
    await expect(option(page, 2).inputValue()).resolves.toBe('10–20 %');
    await expect(from(page, 4).inputValue()).resolves.toBe('50');
    await expect(to(page, 4).inputValue()).resolves.toBe('100');
    await check(page, `ordinal-refused-${tag}`);

    await page.getByLabel('Single choice').check();
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    const api = await page.request.get(`${server.url}/api/polls/ai-share-${tag}`);
    const poll = await api.json();
    expect(poll.scale).toBe('ordinal');
    expect(poll.options.map((o: { label: string; range: unknown }) => [o.label, o.range])).toEqual(
      BUCKETS.map(([label, low, high]) => [label, { low: Number(low), high: Number(high) }]),
    );

    // The edit form shows the scale and each row's range again.
    await page.goto(`${server.url}/admin/polls/ai-share-${tag}`);
    await expect(page.getByRole('radio', { name: /^Ordered/ }).isChecked()).resolves.toBe(true);
    await expect(from(page, 3).inputValue()).resolves.toBe('20');
    await expect(to(page, 3).inputValue()).resolves.toBe('50');
    expect(await axeViolations(page), `ordinal-edit-${tag}`).toEqual([]);
    await page.locator('#edit-heading').scrollIntoViewIfNeeded();
    await page
      .locator('section[aria-labelledby="edit-heading"]')
      .screenshot({ path: `${SHOTS}/ordinal-edit-${tag}.png` });
    await page.context().close();
  });

  it('without JavaScript: everything shows, ranges are typed after a bar, and the poll gets them', async () => {
    const page = await signedIn(width, scheme, false);
    await page.goto(`${server.url}/admin/polls/new`);
    await expect(page.locator('#ranges-hint').isVisible()).resolves.toBe(true);
    await page.getByLabel('Question').fill(`Typed by hand, ${tag}?`);
    await page.getByLabel('Slug').fill(`typed-${tag}`);
    await page.getByRole('radio', { name: /^Ordered/ }).check();
    await page.getByRole('textbox', { name: 'Options' }).fill('< 10 % | 0-10\n10–20 % | 10-twenty\n> 20 % | 20-100');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await expect(page.locator('#options-error').innerText()).resolves.toMatch(/^Option 2's range "10-twenty"/);
    // No axe here: it runs as page script, which this context turns off (the same markup is
    // checked with JavaScript on above). The screenshot shows the form as served.
    await page.screenshot({ path: `${SHOTS}/ordinal-nojs-refused-${tag}.png`, fullPage: true });
    await page.getByRole('textbox', { name: 'Options' }).fill('< 10 % | 0-10\n10–20 % | 10-20\n> 20 % | 20-100');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    const poll = await (await page.request.get(`${server.url}/api/polls/typed-${tag}`)).json();
    expect(poll.options[1]).toMatchObject({ label: '10–20 %', range: { low: 10, high: 20 } });
    await page.context().close();
  });
});
