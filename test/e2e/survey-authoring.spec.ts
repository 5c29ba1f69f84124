/**
 * Authoring a survey in Chromium: build three questions on two pages (one ranked and required)
 * with the editor's buttons, move one, preview, create, find it on the dashboard, edit its title,
 * see a refusal and the locked questions after a response — axe on every state, light and dark,
 * at phone and desktop widths, with a full-page screenshot of each (SHOTS_DIR, /tmp/shots-admin).
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

/** Checks axe, no horizontal page scroll, and keeps a full-page screenshot of the state. */
async function check(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), name).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: horizontal overflow`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Clicks a button that posts the editor, and waits for the page the server answers with. */
async function press(page: Page, name: string | RegExp): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

const question = (page: Page, n: number) => page.locator(`#question-${n}`);

describe.each([
  [390, 'light'],
  [390, 'dark'],
  [1280, 'light'],
  [1280, 'dark'],
] as const)('survey authoring at %i px, %s', (width, scheme) => {
  const tag = `${width}-${scheme}`;
  const slug = `pulse-${tag}`;

  it('builds, moves, previews, creates, lists, edits and locks a three-question survey', async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Surveys' }).waitFor();
    await page.getByRole('link', { name: 'New survey' }).click();
    await page.getByRole('heading', { name: 'New survey' }).waitFor();
    await check(page, `survey-new-${tag}`);

    await page.getByLabel('Title', { exact: true }).fill('Team pulse');
    await page.getByLabel('Slug', { exact: true }).fill(slug);
    await page.getByRole('checkbox', { name: 'Role' }).check();
    const first = question(page, 1);
    await first.getByLabel('Question', { exact: true }).fill('Where do you work from?');
    await first.getByRole('textbox', { name: 'Options' }).fill('Office\nHome\nBoth');
    await first.getByRole('checkbox', { name: /^Required/ }).check();

    await press(page, 'Add question');
    const second = question(page, 2);
    await second.getByLabel('Question', { exact: true }).fill('Which tool helped your rollout most?');
    await second.getByLabel('Ranked choice').check();
    await second.getByRole('textbox', { name: 'Options' }).fill('Copilot\nCursor\nNeither');
    await second.getByLabel('Voters may rank at most').fill('2');
    await second.getByRole('checkbox', { name: /^Required/ }).check();

    await press(page, 'Add question');
    await question(page, 3).getByLabel('Question', { exact: true }).fill('Would you answer again?');
    await question(page, 3).getByRole('textbox', { name: 'Options' }).fill('Yes\nNo');
    // What was typed survives the round trips to the server.
    await expect(first.getByLabel('Question', { exact: true }).inputValue()).resolves.toBe('Where do you work from?');
    await expect(second.getByRole('checkbox', { name: /^Required/ }).isChecked()).resolves.toBe(true);
    await check(page, `survey-three-questions-${tag}`);

    // Move the third question up: it swaps with the ranked one on the same page.
    await press(page, 'Move up question 3');
    await expect(question(page, 2).getByLabel('Question', { exact: true }).inputValue()).resolves.toBe(
      'Would you answer again?',
    );
    await expect(question(page, 3).getByLabel('Ranked choice').isChecked()).resolves.toBe(true);
    // The ranked question goes on a page of its own.
    await question(page, 3).getByLabel('Page').selectOption('2');

    await press(page, 'Preview');
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview.getByText('Page 1 of 2').isVisible()).resolves.toBe(true);
    await expect(preview.getByText('Page 2 of 2').isVisible()).resolves.toBe(true);
    await expect(preview.getByText('Which tool helped your rollout most?').isVisible()).resolves.toBe(true);
    // Nothing in the preview can be answered: every control is disabled (the ranked one enhanced or not).
    const controls = preview.locator('input, select, textarea, button');
    expect(await controls.count()).toBeGreaterThan(5);
    await expect(controls.evaluateAll((all) => all.every((control) => control.matches(':disabled')))).resolves.toBe(
      true,
    );
    await expect(preview.getByRole('radio', { name: 'Office' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: 'Page 2', level: 3 }).isVisible()).resolves.toBe(true);
    await check(page, `survey-preview-${tag}`);

    await press(page, 'Create survey');
    expect(page.url()).toBe(`${server.url}/admin/surveys/${slug}?created`);
    await page.getByRole('heading', { name: 'Survey created' }).waitFor();
    await check(page, `survey-created-${tag}`);
    const api = await (await page.request.get(`${server.url}/api/surveys/${slug}`)).json();
    expect(
      api.pages.map((p: { question: string; type: string; required: boolean }[]) =>
        p.map((q) => `${q.question} ${q.type}${q.required ? ' required' : ''}`),
      ),
    ).toEqual([
      ['Where do you work from? single required', 'Would you answer again? single'],
      ['Which tool helped your rollout most? ranked required'],
    ]);

    await page.goto(`${server.url}/admin`);
    await expect(page.getByRole('link', { name: 'Team pulse', exact: true }).first().isVisible()).resolves.toBe(true);
    await check(page, `survey-dashboard-${tag}`);

    await page.goto(`${server.url}/admin/surveys/${slug}`);
    await page.getByLabel('Title', { exact: true }).fill('Team pulse, renamed');
    await press(page, 'Save changes');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Team pulse, renamed');
    await expect(page.getByRole('status').innerText()).resolves.toBe('Changes saved.');
    await check(page, `survey-saved-${tag}`);

    await page.getByLabel('Title', { exact: true }).fill('');
    await press(page, 'Save changes');
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/Not saved[\s\S]*Title/);
    await expect(page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await check(page, `survey-refused-${tag}`);

    const answered = await page.request.post(`${server.url}/api/surveys/${slug}/responses`, {
      data: { answers: { [`${slug}-1`]: { choices: ['office'] } } },
    });
    expect(answered.status()).toBe(201);
    await page.goto(`${server.url}/admin/surveys/${slug}`);
    await expect(page.getByText(/Questions are locked/).isVisible()).resolves.toBe(true);
    await expect(question(page, 1).getByRole('textbox', { name: 'Options' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Add question' }).count()).resolves.toBe(0);
    await check(page, `survey-locked-${tag}`);
    // A question's own admin page: its results, and a pointer back to the survey.
    await page.getByRole('link', { name: 'Where do you work from?' }).click();
    await page.getByText(/is a question of the survey/).waitFor();
    await check(page, `survey-question-admin-${tag}`);
    await page.goBack();

    await press(page, 'Delete survey');
    await page.getByRole('heading', { name: 'Delete this survey?' }).waitFor();
    await check(page, `survey-delete-confirm-${tag}`);

    await page.goto(`${server.url}/admin/surveys/import`);
    await check(page, `survey-import-${tag}`);
    await page.getByLabel('Or paste its text').fill('{ "title": "Half a file"');
    await press(page, 'Import survey');
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(
      /Nothing was imported[\s\S]*Survey file: This is not valid JSON/,
    );
    await check(page, `survey-import-refused-${tag}`);
    await context.close();
    // Many page states, each checked by axe: longer than one ballot.
  }, 240_000);
});

describe('survey authoring without JavaScript', () => {
  it('adds, moves, previews and creates with the form alone, times typed in UTC', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, timezoneId: 'Asia/Kathmandu' });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByLabel('Password').fill(PASSWORD);
    await press(page, 'Log in');
    await page.goto(`${server.url}/admin/surveys/new`);
    await page.getByLabel('Title', { exact: true }).fill('No script');
    await page.getByLabel('Slug', { exact: true }).fill('no-script');
    await page.getByLabel('Closes at').fill('2099-06-30T17:00');
    await question(page, 1).getByLabel('Question', { exact: true }).fill('First?');
    await question(page, 1).getByRole('textbox', { name: 'Options' }).fill('A\nB');
    await press(page, 'Add question');
    // The form came back from the server, landing on the new question.
    expect(page.url()).toBe(`${server.url}/admin/surveys/new#question-2`);
    await question(page, 2).getByLabel('Question', { exact: true }).fill('Second?');
    await question(page, 2).getByLabel('Rating scale').check();
    await question(page, 2).getByRole('textbox', { name: 'Options' }).fill('1\n2\n3\n4\n5');
    await question(page, 2)
      .getByRole('checkbox', { name: /^Required/ })
      .check();
    await press(page, 'Move up question 2');
    await expect(question(page, 1).getByLabel('Question', { exact: true }).inputValue()).resolves.toBe('Second?');
    await press(page, 'Preview');
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview.getByText('Page 1 of 1').isVisible()).resolves.toBe(true);
    await expect(preview.getByRole('radio', { name: '3' }).isDisabled()).resolves.toBe(true);
    await press(page, 'Create survey');
    expect(page.url()).toBe(`${server.url}/admin/surveys/no-script?created`);
    const api = await (await page.request.get(`${server.url}/api/surveys/no-script`)).json();
    expect(api.closesAt).toBe('2099-06-30T17:00:00.000Z');
    expect(api.pages[0].map((q: { question: string; required: boolean }) => [q.question, q.required])).toEqual([
      ['Second?', true],
      ['First?', false],
    ]);
    await context.close();
  }, 120_000);
});
