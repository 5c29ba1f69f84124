/**
 * Authoring a poll in Chromium: option rows, fields that do not apply, local times, duplicate
 * options refused next to the field, the "Poll created" panel — and axe plus screenshots of each
 * state at phone and desktop widths, light and dark (screenshots under /tmp/shots-i10c/).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser';
import { ADMIN_TOKEN, useServer } from '../support/server';

const PASSWORD = 'e2e-admin-password';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-i10c';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD, SEED_DEMO: '1' } });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(width: number, scheme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page }> {
  // A zone other than UTC, so local times are visibly converted.
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: scheme,
    timezoneId: 'Asia/Kathmandu',
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Polls' }).waitFor();
  return { context, page };
}

/** Checks axe, no horizontal page scroll, and keeps a full-page screenshot of the state. */
async function check(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), name).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: horizontal overflow`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const option = (page: Page, n: number) => page.getByRole('textbox', { name: `Option ${n}`, exact: true });

describe.each([
  [390, 'light'],
  [390, 'dark'],
  [1280, 'light'],
  [1280, 'dark'],
] as const)('authoring at %i px, %s', (width, scheme) => {
  const tag = `${width}-${scheme}`;

  it('rows, fields that apply, a duplicate refused in place, then the Poll created panel', async () => {
    const { context, page } = await signedIn(width, scheme);
    await check(page, `dashboard-${tag}`);
    await page.goto(`${server.url}/admin/polls/new`);
    await page.getByRole('heading', { name: 'New poll' }).waitFor();

    // Two empty rows to start; the textarea is the hidden field the form submits.
    await expect(option(page, 1).inputValue()).resolves.toBe('');
    await expect(option(page, 2).isVisible()).resolves.toBe(true);
    await expect(page.locator('textarea[name="options"]').isHidden()).resolves.toBe(true);
    // Single choice: min/max choices do not apply, so they are not shown.
    await expect(page.getByLabel('Maximum choices').isHidden()).resolves.toBe(true);
    await expect(page.locator('#utc-hint').innerText()).resolves.toMatch(/Asia\/Kath?mandu \(UTC\+05:45\)/);
    await check(page, `new-${tag}`);

    const question = `Which editor, ${tag}?`;
    await page.getByLabel('Question').fill(question);
    await option(page, 1).fill('Vim');
    await option(page, 2).fill('Emacs');
    await page.getByRole('button', { name: 'Add option' }).click();
    await option(page, 3).fill(' vim ');
    await page.getByRole('button', { name: 'Add option' }).click();
    await option(page, 4).fill('Helix');
    await page.getByRole('button', { name: 'Remove option 4' }).click();
    await expect(option(page, 4).count()).resolves.toBe(0);
    await page.getByLabel('Multiple choice').check();
    await expect(page.getByLabel('Maximum choices').isVisible()).resolves.toBe(true);
    await page.getByLabel('Single choice').check();
    // 09:00 in Kathmandu is 03:15 UTC.
    await page.getByLabel('Opens at').fill('2099-06-01T09:00');
    await page.getByLabel('Closes at').fill('2099-06-01T08:00');
    await page.getByRole('button', { name: 'Create poll' }).click();

    await expect(page.locator('#options-error').innerText()).resolves.toBe(
      '"vim" is listed twice (options 1 and 3); each option must differ by more than case or spacing.',
    );
    await expect(page.locator('#closesAt-error').innerText()).resolves.toBe(
      'The closing time must be later than the opening time.',
    );
    // The rows come back as typed (trimmed), and the times in the owner's zone again.
    await expect(option(page, 3).inputValue()).resolves.toBe('vim');
    await expect(page.getByLabel('Opens at').inputValue()).resolves.toBe('2099-06-01T09:00');
    // The two date fields stay aligned when only one shows an error.
    const [opens, closes] = await Promise.all(
      ['Opens at', 'Closes at'].map((label) => page.getByLabel(label).boundingBox()),
    );
    if (width >= 1280) expect(opens!.y).toBe(closes!.y);
    await check(page, `new-refused-${tag}`);

    await page.getByRole('button', { name: 'Remove option 3' }).click();
    await page.getByLabel('Closes at').fill('2099-06-02T09:00');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.getByRole('heading', { name: 'Poll created' }).waitFor();
    expect(page.url()).toMatch(/\/admin\/polls\/which-editor-[^/]+\?created$/);
    const link = await page.getByLabel('Link to the poll').inputValue();
    expect(link).toMatch(/\/polls\/which-editor-/);
    await expect(page.getByText('Embed this poll', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('iframe', { exact: true }).isVisible()).resolves.toBe(true);
    // Stored in UTC: 09:00 in Kathmandu is 03:15Z.
    const slug = link.split('/polls/')[1]!;
    const api = await page.request.get(`${server.url}/api/polls/${slug}`);
    expect((await api.json()).opensAt).toBe('2099-06-01T03:15:00.000Z');
    await page.waitForLoadState('networkidle');
    await check(page, `created-${tag}`);
    await page.screenshot({ path: `${SHOTS}/created-top-${tag}.png` });

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('You are logged out.');
    await check(page, `logged-out-${tag}`);
    await context.close();
  });
});

describe('an exclusive option on the ballot', () => {
  it('unticks the others when ticked, and is unticked when another is', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    const created = await page.request.post(`${server.url}/api/admin/polls`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      data: {
        slug: 'tools-exclusive',
        question: 'Which tools do you use?',
        type: 'multiple',
        options: ['Jira', 'Trello', { label: 'None of these', exclusive: true }],
      },
    });
    expect(created.status()).toBe(201);
    // The site's ballot and the widget's behave alike.
    for (const path of ['/polls/tools-exclusive', '/embed/tools-exclusive']) {
      await page.goto(`${server.url}${path}`);
      const [jira, trello, none] = ['Jira', 'Trello', 'None of these'].map((name) => page.getByLabel(name));
      await jira!.check();
      await trello!.check();
      await none!.check();
      await expect(Promise.all([jira!.isChecked(), trello!.isChecked()])).resolves.toEqual([false, false]);
      await trello!.check();
      await expect(none!.isChecked()).resolves.toBe(false);
      // The widget is checked with axe inside its host page (embed.spec.ts); it is no page of its own.
      if (path.startsWith('/polls/')) expect(await axeViolations(page)).toEqual([]);
    }
    await page.goto(`${server.url}/polls/tools-exclusive`);
    await page.screenshot({ path: `${SHOTS}/ballot-exclusive-390-light.png` });
    await context.close();
  });
});
