/**
 * The ballots of the new question types in Chromium: ranking by keyboard with JavaScript on
 * (announced moves, nothing submits but the Vote button), ranking with the native selects with
 * JavaScript off, rating and write-in votes, and axe on every new page state, light and dark.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { createQuestionTypePolls } from '../support/question-type-polls';
import { useServer } from '../support/server';
import { PollPage } from './pages';

const server = useServer({
  setup: ({ url }) => createQuestionTypePolls(url, ['capital', 'capital-nojs', 'capital-axe']),
});

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Per option key, how many ballots ranked it 1st, 2nd, … (the results JSON). */
async function positions(slug: string): Promise<Record<string, number[]>> {
  const { body } = await request(`${server.url}/api/polls/${slug}/results`);
  return Object.fromEntries(body.ranked.positions.map((p: { key: string; counts: number[] }) => [p.key, p.counts]));
}

async function open(options: BrowserContextOptions = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors, poll: new PollPage(page, server.url) };
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement;
    return `${active.textContent} ${active.dataset.key ?? ''}`.trim();
  });
const status = (page: Page) => page.locator('.rank-status[role=status]').innerText();

describe('ranking by keyboard with JavaScript', () => {
  it('adds and moves options by keyboard, announces each change, and submits only on Vote', async () => {
    const { context, page, errors, poll } = await open();
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await poll.open('capital');
    const question = poll.question('Where should the capital of Tennessee be?');
    // The selects are hidden behind the buttons, but still in the form.
    await expect(question.getByLabel('1st choice').isVisible()).resolves.toBe(false);
    await expect(question.getByText('Nothing ranked yet.', { exact: false }).isVisible()).resolves.toBe(true);

    // Tab from the question's hint onto the first "Add to ranking" (Memphis), then Enter and Space.
    await page.getByRole('button', { name: 'Add to ranking' }).first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page)).toBe('Memphis added as 1st of 1.');
    // Focus went on to the next option to add.
    expect(await focused(page)).toBe('Add to ranking nashville');
    await page.keyboard.press('Space');
    await expect.poll(() => status(page)).toBe('Nashville added as 2nd of 2.');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page)).toBe('Knoxville added as 4th of 4.');
    // The ranking is full: focus is on the last item's "Move up".
    expect(await focused(page)).toBe('Move up knoxville');

    await page.keyboard.press('Enter');
    await expect.poll(() => status(page)).toBe('Knoxville moved to 3rd of 4.');
    expect(await focused(page)).toBe('Move up knoxville');
    await page.keyboard.press('Space');
    await expect.poll(() => status(page)).toBe('Knoxville moved to 2nd of 4.');
    expect(await focused(page)).toBe('Move up knoxville');
    // Arrow keys do nothing, and nothing was submitted by any of these keys.
    for (const key of ['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight']) await page.keyboard.press(key);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Move down knoxville');
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page)).toBe('Knoxville moved to 3rd of 4.');
    expect(await focused(page)).toBe('Move down knoxville');

    // At the top, "Move up" stays focusable and says why nothing moved.
    await page.getByRole('button', { name: 'Move up' }).first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page)).toBe('Memphis is already first, 1st of 4.');
    expect(posts).toEqual([]);
    expect(page.url()).toBe(`${server.url}/polls/capital`);

    const items = await question.getByRole('list', { name: 'Your ranking' }).locator('.rank-name').allTextContents();
    expect(items).toEqual(['1stMemphis', '2ndNashville', '3rdKnoxville', '4thChattanooga']);
    // The hidden selects carry the same ranking.
    const values = await page
      .locator('select[name=choice]')
      .evaluateAll((s) => s.map((e) => (e as HTMLSelectElement).value));
    expect(values).toEqual(['memphis', 'nashville', 'knoxville', 'chattanooga']);

    await poll.vote();
    await page.waitForURL(`${server.url}/polls/capital/results`);
    expect(posts).toHaveLength(1);
    expect(await positions('capital')).toEqual({
      memphis: [1, 0, 0, 0],
      nashville: [0, 1, 0, 0],
      chattanooga: [0, 0, 0, 1],
      knoxville: [0, 0, 1, 0],
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('removes an option from the ranking, and stops adding at the poll’s maximum', async () => {
    const { context, page, poll } = await open();
    await poll.open('top-tools');
    const add = (name: string) =>
      page.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Add to ranking' }).click();
    await add('Jira');
    await add('Linear');
    await add('Trello');
    // The full ranking's "Add to ranking" stays focusable (aria-disabled) and says why.
    await page.getByRole('button', { name: 'Add to ranking' }).first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page)).toBe('You can rank at most 3. Remove one first to add Asana.');
    await page.getByRole('listitem').filter({ hasText: 'Linear' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => status(page)).toBe('Linear removed from the ranking; 2 ranked.');
    // Focus stays in the ranking, on the item that took Linear's place.
    expect(await focused(page)).toBe('Remove trello');
    await poll.vote();
    await page.waitForURL(/results$/);
    expect(await positions('top-tools')).toMatchObject({ jira: [1, 0, 0, 0, 0], trello: [0, 1, 0, 0, 0] });
    await context.close();
  });
});

describe('ranking by pointer', () => {
  it('drags a ranked item onto another’s place', async () => {
    const { context, page, poll } = await open();
    await poll.open('capital-axe');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Add to ranking' }).first().click();
    const ranked = page.getByRole('list', { name: 'Your ranking' });
    await ranked.getByRole('listitem').filter({ hasText: 'Chattanooga' }).dragTo(ranked.getByRole('listitem').first());
    await expect.poll(() => status(page)).toBe('Chattanooga moved to 1st of 3.');
    await expect(ranked.locator('.rank-name').allTextContents()).resolves.toEqual([
      '1stChattanooga',
      '2ndMemphis',
      '3rdNashville',
    ]);
    const values = await page
      .locator('select[name=choice]')
      .evaluateAll((s) => s.map((e) => (e as HTMLSelectElement).value));
    expect(values).toEqual(['chattanooga', 'memphis', 'nashville', '']);
    await context.close();
  });
});

describe('ranking without JavaScript', () => {
  it('ranks with one native select per rank and posts the form', async () => {
    const { context, page, poll } = await open({ javaScriptEnabled: false });
    await poll.open('capital-nojs');
    const question = poll.question('Where should the capital of Tennessee be?');
    await question.getByLabel('1st choice').selectOption({ label: 'Knoxville' });
    await question.getByLabel('2nd choice').selectOption({ label: 'Chattanooga' });
    // The 3rd rank is left blank; the 4th moves up.
    await question.getByLabel('4th choice').selectOption({ label: 'Nashville' });
    await poll.vote();
    await page.waitForURL(`${server.url}/polls/capital-nojs/results`);
    expect(await positions('capital-nojs')).toEqual({
      memphis: [0, 0, 0, 0],
      nashville: [0, 0, 1, 0],
      chattanooga: [0, 1, 0, 0],
      knoxville: [1, 0, 0, 0],
    });
    await context.close();
  });
});

describe('rating and write-in votes', () => {
  it('rates on the scale', async () => {
    const { context, page, poll } = await open();
    await poll.open('workshop');
    await page.getByRole('radio', { name: '4 Very' }).check();
    await poll.vote();
    await page.waitForURL(/results$/);
    const { body } = await request(`${server.url}/api/polls/workshop/results`);
    expect(body.rating.mean).toBe(4);
    await context.close();
  });

  it('picks "Other" when its text is typed, and counts it', async () => {
    const { context, page, poll } = await open();
    await poll.open('tool');
    await page.getByLabel('Other (please specify)').fill('Basecamp');
    await expect(page.getByRole('radio', { name: 'Other', exact: true }).isChecked()).resolves.toBe(true);
    await poll.vote();
    await page.waitForURL(/results$/);
    const { body } = await request(`${server.url}/api/polls/tool/results`);
    expect(body.options.find((o: { key: string }) => o.key === 'other').votes).toBe(1);
    await expect(page.content()).resolves.not.toContain('Basecamp');
    await context.close();
  });
});

/** Every new page state, reached as a voter reaches it. */
const STATES: [string, BrowserContextOptions, (page: Page) => Promise<unknown>][] = [
  ['ranked ballot, JavaScript on', {}, (page) => go(page, '/polls/capital-axe')],
  [
    'ranked ballot, JavaScript on, two ranked',
    {},
    async (page) => {
      await go(page, '/polls/capital-axe');
      await page.getByRole('button', { name: 'Add to ranking' }).first().click();
      await page.getByRole('button', { name: 'Add to ranking' }).first().click();
    },
  ],
  ['ranked ballot, JavaScript off', { javaScriptEnabled: false }, (page) => go(page, '/polls/capital-axe')],
  [
    'ranked ballot refused (an option ranked twice), JavaScript off',
    { javaScriptEnabled: false },
    async (page) => {
      await go(page, '/polls/capital-axe');
      await page.getByLabel('1st choice').selectOption({ label: 'Memphis' });
      await page.getByLabel('2nd choice').selectOption({ label: 'Memphis' });
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByRole('alert').waitFor();
    },
  ],
  [
    'ranked ballot refused (too few), JavaScript on',
    {},
    async (page) => {
      await go(page, '/polls/top-tools');
      await page.getByRole('button', { name: 'Add to ranking' }).first().click();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByRole('alert').waitFor();
      // The refused ranking comes back as it was left.
      await page.getByRole('list', { name: 'Your ranking' }).getByText('Trello').waitFor();
    },
  ],
  ['rating ballot', {}, (page) => go(page, '/polls/workshop')],
  ['rating ballot 0–10', {}, (page) => go(page, '/polls/nps')],
  ['Other ballot', {}, (page) => go(page, '/polls/tool')],
  [
    'Other refused (no text)',
    {},
    async (page) => {
      await go(page, '/polls/tool');
      await page.getByRole('radio', { name: 'Other', exact: true }).check();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByRole('alert').waitFor();
    },
  ],
  // The widget is checked where it lives: in a host page, here the poll page's embed preview.
  ['ranked widget', {}, (page) => preview(page, 'capital-axe')],
  ['rating widget', {}, (page) => preview(page, 'workshop')],
  ['Other widget', {}, (page) => preview(page, 'tool')],
  [
    'ranked widget results',
    {},
    async (page) => {
      const frame = await preview(page, 'capital-axe');
      await frame.getByLabel('1st choice').selectOption({ label: 'Nashville' });
      await frame.getByRole('button', { name: 'Vote' }).click();
      await frame.getByText('First choices', { exact: true }).waitFor();
    },
  ],
];

async function go(page: Page, path: string) {
  await page.goto(`${server.url}${path}`);
}

/** The poll page's embed preview, opened: the widget in its iframe. */
async function preview(page: Page, slug: string) {
  await go(page, `/polls/${slug}`);
  await page.getByText('Embed this poll').click();
  const frame = page.frameLocator('.embed-preview iframe');
  await frame.getByRole('button', { name: 'Vote' }).waitFor();
  return frame;
}

describe('accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it.each(STATES)(`%s has no axe violations (${colorScheme})`, async (_, options, reach) => {
      // axe needs JavaScript, so "JavaScript off" is the page with its own scripts blocked.
      const scriptsOff = options.javaScriptEnabled === false;
      const { context, page } = await open({ ...options, javaScriptEnabled: true, colorScheme });
      if (scriptsOff) await context.route('**/_astro/*.js', (route) => route.abort());
      await reach(page);
      if (scriptsOff) await expect(page.locator('.rank-ui').count()).resolves.toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
