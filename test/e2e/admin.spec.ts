/** The poll owner's path through the admin UI, in Chromium. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const PASSWORD = 'e2e-admin-password';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD, SEED_DEMO: '1' } });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('admin UI', () => {
  it('logs in, creates a poll from the form, sees it public, closes it and logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('not right');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Polls' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('main').getByRole('link', { name: 'New poll' }).click();
    await page.getByRole('heading', { name: 'New poll' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // A refused form keeps what was typed and says what is wrong next to the field.
    await page.getByLabel('Description').fill('Where the team lunches on Fridays.');
    // With JavaScript the options are one row each (test/e2e/authoring.spec.ts covers the rows).
    await page.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Only one');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await expect(page.locator('#question-error').innerText()).resolves.toContain('question');
    await expect(page.getByLabel('Description').inputValue()).resolves.toBe('Where the team lunches on Fridays.');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Question').fill('Friday lunch: where?');
    await page.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Canteen');
    await page.getByRole('textbox', { name: 'Option 2', exact: true }).fill('Food trucks');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByRole('textbox', { name: 'Option 3', exact: true }).fill('Picnic');
    await page.getByLabel('Multiple choice').check();
    await page.getByLabel('Maximum choices').fill('2');
    await page.getByLabel('Results visibility').selectOption('always');
    await page.getByLabel('Duplicate policy').selectOption('device');
    await page.getByLabel('Closes at').fill('2099-06-30T17:00');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.waitForURL(`${server.url}/admin/polls/friday-lunch-where?created`);

    const visitor = await context.newPage();
    await visitor.goto(`${server.url}/`);
    await visitor.getByRole('link', { name: 'Friday lunch: where?' }).click();
    await visitor.getByRole('group', { name: 'Friday lunch: where?' }).waitFor();
    await visitor.getByLabel('Picnic').check();
    await visitor.getByRole('button', { name: 'Vote' }).click();
    await visitor.waitForURL(/results$/);

    await page.reload();
    await expect(page.getByRole('table').first().innerText()).resolves.toMatch(/Picnic\s+1\s/);
    await page.getByRole('button', { name: 'Close poll' }).click();
    await page.getByRole('button', { name: 'Reopen poll' }).waitFor();
    await visitor.goto(`${server.url}/polls/friday-lunch-where`);
    await expect(visitor.getByText('This poll is closed').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table', { name: /admin change/ }).innerText()).resolves.toMatch(/close[\s\S]*create/);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Password').waitFor();
    await expect(page.getByRole('status').innerText()).resolves.toBe('You are logged out.');
    await page.goto(`${server.url}/admin/polls/new`);
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
