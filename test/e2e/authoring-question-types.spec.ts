/**
 * Authoring the question types in Chromium: the type choice shows each type's own fields (rank
 * counts for ranked, values and the 1–5 / 0–10 quick fills for rating, the write-in box for single
 * and multiple choice); a ranked poll and a rating poll are created through the UI and voted on
 * once; a poll with write-ins shows them grouped on its admin page. Without JavaScript the same
 * editor works with values typed after a bar, and refuses "Other" on a ranked poll next to the
 * box. axe and screenshots of each state at phone and desktop widths, light and dark.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const PASSWORD = 'e2e-admin-password';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-admin';
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

/** A JSON vote from the page's browser, as the public API takes it. */
async function vote(page: Page, slug: string, body: Record<string, unknown>): Promise<void> {
  const response = await page.request.post(`${server.url}/api/polls/${slug}/votes`, { data: body });
  expect(response.status(), await response.text()).toBe(201);
}

const option = (page: Page, n: number) => page.getByRole('textbox', { name: `Option ${n}`, exact: true });
const value = (page: Page, n: number) => page.getByRole('textbox', { name: `Option ${n}, value` });
const pollJson = async (page: Page, slug: string) => (await page.request.get(`${server.url}/api/polls/${slug}`)).json();

describe.each([
  [390, 'light'],
  [390, 'dark'],
  [1280, 'light'],
  [1280, 'dark'],
] as const)('question types at %i px, %s', (width, scheme) => {
  const tag = `${width}-${scheme}`;

  it('ranked: its rank counts show, "Other" is unavailable, the poll is created and counted', async () => {
    const page = await signedIn(width, scheme);
    await page.goto(`${server.url}/admin/polls/new`);
    // Single choice by default: no counts, the write-in box available, the scale offered.
    await expect(page.getByLabel('Single choice').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Minimum choices').isHidden()).resolves.toBe(true);
    await expect(page.getByLabel('Allow “Other” with a write-in box').isEnabled()).resolves.toBe(true);
    await check(page, `editor-single-${tag}`);

    await page.getByLabel('Multiple choice').check();
    await expect(page.getByLabel('Minimum choices').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Option that excludes the others (optional)').isVisible()).resolves.toBe(true);
    await check(page, `editor-multiple-${tag}`);

    await page.getByLabel('Ranked choice').check();
    await expect(page.getByLabel('Voters must rank at least').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Voters may rank at most').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Option that excludes the others (optional)').isHidden()).resolves.toBe(true);
    await expect(page.getByRole('group', { name: 'Scale', exact: true }).isHidden()).resolves.toBe(true);
    await expect(page.getByLabel('Allow “Other” with a write-in box').isDisabled()).resolves.toBe(true);
    const slug = `tactics-${tag}`;
    await page.getByLabel('Question').fill(`Rank these rollout tactics (${tag})`);
    await page.getByLabel('Slug').fill(slug);
    const tactics = ['Land a pilot', 'Executive sponsor', 'Shared problem', 'Stop stale projects'];
    for (const [index, label] of tactics.entries()) {
      if (index >= 2) await page.getByRole('button', { name: 'Add option' }).click();
      await option(page, index + 1).fill(label);
    }
    await page.getByLabel('Voters may rank at most').fill('3');
    await check(page, `editor-ranked-${tag}`);
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    const poll = await pollJson(page, slug);
    expect(poll).toMatchObject({ type: 'ranked', minChoices: 1, maxChoices: 3, allowOther: false });
    expect(poll.options.map((o: { label: string }) => o.label)).toEqual(tactics);

    await vote(page, slug, { choices: ['shared-problem', 'land-a-pilot'] });
    await page.goto(`${server.url}/admin/polls/${slug}`);
    await page.getByRole('heading', { name: 'First choices' }).waitFor();
    await expect(page.getByText('Winner after 1 round of instant runoff: Shared problem.').isVisible()).resolves.toBe(
      true,
    );
    // The edit form shows the type and its counts again (locked: the poll has a vote).
    await expect(page.getByLabel('Ranked choice').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Voters may rank at most').inputValue()).resolves.toBe('3');
    await check(page, `admin-ranked-${tag}`);
    await page.context().close();
  });

  it('rating: the 1–5 quick fill, values for labels in words, the poll is created and counted', async () => {
    const page = await signedIn(width, scheme);
    await page.goto(`${server.url}/admin/polls/new`);
    await expect(page.getByRole('button', { name: '1–5' }).isHidden()).resolves.toBe(true);
    await page.getByLabel('Rating scale').check();
    await expect(page.getByLabel('Allow “Other” with a write-in box').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('group', { name: 'Scale', exact: true }).isHidden()).resolves.toBe(true);
    await page.getByRole('button', { name: '0–10' }).click();
    await expect(option(page, 11).inputValue()).resolves.toBe('10');
    await page.getByRole('button', { name: '1–5' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: 'Options replaced by the points 1 to 5.' }).count(),
    ).resolves.toBe(1);
    await expect(page.getByRole('textbox', { name: /^Option \d+$/ }).count()).resolves.toBe(5);
    await expect(value(page, 5).inputValue()).resolves.toBe('5');
    // Words for the ends; the value field keeps their numbers.
    await option(page, 1).fill('Not useful');
    await option(page, 5).fill('Essential');
    const slug = `useful-${tag}`;
    await page.getByLabel('Question').fill(`How useful was the pilot (${tag})?`);
    await page.getByLabel('Slug').fill(slug);
    await check(page, `editor-rating-${tag}`);
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    const poll = await pollJson(page, slug);
    expect(poll).toMatchObject({ type: 'rating', scale: 'ordinal' });
    expect(poll.options.map((o: { label: string; value: number }) => [o.label, o.value])).toEqual([
      ['Not useful', 1],
      ['2', 2],
      ['3', 3],
      ['4', 4],
      ['Essential', 5],
    ]);
    await vote(page, slug, { choices: ['4'] });
    await page.goto(`${server.url}/admin/polls/${slug}`);
    await expect(page.getByLabel('Rating scale').isChecked()).resolves.toBe(true);
    await page.context().close();
  });

  it('write-ins: the box on a single-choice poll, the answers grouped on the admin page', async () => {
    const page = await signedIn(width, scheme);
    await page.goto(`${server.url}/admin/polls/new`);
    const slug = `trackers-${tag}`;
    await page.getByLabel('Question').fill(`Which tracker does your team use (${tag})?`);
    await page.getByLabel('Slug').fill(slug);
    await option(page, 1).fill('Linear');
    await option(page, 2).fill('GitHub Issues');
    await page.getByLabel('Allow “Other” with a write-in box').check();
    await page.getByLabel('Duplicate policy').selectOption('none');
    await check(page, `editor-other-${tag}`);
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    expect((await pollJson(page, slug)).allowOther).toBe(true);

    const texts = ['Jira', ' jira ', 'JIRA.', 'Azure DevOps Boards', '<script>alert(1)</script>'];
    for (const other of texts) await vote(page, slug, { choices: [], other });
    await vote(page, slug, { choices: ['linear'] });
    await page.goto(`${server.url}/admin/polls/${slug}`);
    const section = page.getByRole('region', { name: 'Write-in answers' });
    await expect(section.getByText('5 write-in answers, 3 distinct answers').count()).resolves.toBe(1);
    const rows = section.getByRole('row');
    await expect(rows.nth(1).innerText()).resolves.toMatch(/^JIRA\.\s+3$/);
    await expect(section.getByRole('rowheader', { name: '<script>alert(1)</script>' }).count()).resolves.toBe(1);
    await expect(section.getByRole('link', { name: 'Write-ins as CSV' }).getAttribute('href')).resolves.toBe(
      `/admin/polls/${slug}/other.csv`,
    );
    expect(await axeViolations(page), `admin-write-ins-${tag}`).toEqual([]);
    await section.screenshot({ path: `${SHOTS}/admin-write-ins-${tag}.png` });
    await check(page, `admin-other-${tag}`);
    await page.context().close();
  });

  it('without JavaScript: values typed after a bar; "Other" on a ranked poll refused next to its box', async () => {
    const page = await signedIn(width, scheme, false);
    await page.goto(`${server.url}/admin/polls/new`);
    await page.getByLabel('Question').fill(`Typed by hand (${tag})?`);
    const slug = `typed-rating-${tag}`;
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Ranked choice').check();
    await expect(page.getByLabel('Voters must rank at least').isVisible()).resolves.toBe(true);
    await page.getByRole('textbox', { name: 'Options' }).fill('A\nB\nC');
    await page.getByLabel('Allow “Other” with a write-in box').check();
    await page.getByRole('button', { name: 'Create poll' }).click();
    await expect(page.locator('#allowOther-error').innerText()).resolves.toMatch(
      /^Only single- and multiple-choice polls can take a write-in "Other"/,
    );
    await page.screenshot({ path: `${SHOTS}/nojs-ranked-other-refused-${tag}.png`, fullPage: true });

    await page.getByLabel('Allow “Other” with a write-in box').uncheck();
    await page.getByLabel('Rating scale').check();
    await expect(page.locator('#values-hint').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('group', { name: 'Scale', exact: true }).isHidden()).resolves.toBe(true);
    await page.getByRole('textbox', { name: 'Options' }).fill('Very poor | 1\nPoor | 2\nOK | three');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await expect(page.locator('#options-error').innerText()).resolves.toMatch(
      /^Option 3's value "three" is not a number/,
    );
    await page.screenshot({ path: `${SHOTS}/nojs-rating-refused-${tag}.png`, fullPage: true });
    await page.getByRole('textbox', { name: 'Options' }).fill('Very poor | 1\nPoor | 2\nOK | 3');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    const poll = await pollJson(page, slug);
    expect(poll.options.map((o: { value: number }) => o.value)).toEqual([1, 2, 3]);
    await page.context().close();
  });
});
