/**
 * Every state has a way forward: a poll owner creates a scheduled poll in the admin UI, opens it
 * early, closes it and reopens it, while a visitor's page follows along. Times on the pages are
 * rewritten into the reader's zone (this browser is in Kathmandu, UTC+5:45).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const PASSWORD = 'e2e-admin-password';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD, SEED_DEMO: '0' } });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The status badge of the admin page or the public page. */
const badge = (page: Page) => page.locator('.meta .badge').first().innerText();

describe('poll lifecycle through the admin UI', () => {
  it('creates → schedules → opens now → closes → reopens, and the public page follows', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Kathmandu', locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Polls' }).waitFor();

    // Create, scheduled far ahead: the poll is Scheduled with two ways forward.
    await page.getByRole('main').getByRole('link', { name: 'New poll' }).click();
    await page.getByLabel('Question').fill('Team offsite: which month?');
    // With JavaScript the options are one row each (test/e2e/authoring.spec.ts covers the rows).
    await page.getByRole('textbox', { name: 'Option 1', exact: true }).fill('May');
    await page.getByRole('textbox', { name: 'Option 2', exact: true }).fill('June');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByRole('textbox', { name: 'Option 3', exact: true }).fill('September');
    await page.getByLabel(/^Opens at/).fill('2099-06-01T09:00');
    await page.getByLabel(/^Closes at/).fill('2099-06-30T17:00');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.waitForURL(`${server.url}/admin/polls/team-offsite-which-month?created`);
    await expect(badge(page)).resolves.toBe('SCHEDULED');
    await page.getByRole('button', { name: 'Open now' }).waitFor();
    await page.getByRole('button', { name: 'Close poll' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The opening time, rewritten in this reader's zone with a relative phrase; UTC on hover.
    const opens = page.locator('.meta time').first();
    await expect(opens.innerText()).resolves.toMatch(/^\d{1,2} \w{3} 2099, \d\d:\d\d GMT\+5:45 \(in \d+ years\)$/);
    await expect(opens.getAttribute('title')).resolves.toMatch(/UTC/);

    // A visitor finds when it opens, and no ballot.
    const visitor = await context.newPage();
    await visitor.goto(`${server.url}/polls/team-offsite-which-month`);
    await expect(visitor.locator('p.notice[role=status]').innerText()).resolves.toMatch(
      /This poll opens on .+ \(in \d+ years\)/,
    );
    await expect(visitor.getByRole('radio').count()).resolves.toBe(0);
    expect(await axeViolations(visitor)).toEqual([]);

    // Open now: the ballot is there, the planned close is kept.
    await page.getByRole('button', { name: 'Open now' }).click();
    await page.getByRole('button', { name: 'Close poll' }).waitFor();
    await expect(badge(page)).resolves.toBe('OPEN');
    await expect(page.locator('.meta').first().innerText()).resolves.toMatch(/Closes .*2099/);
    await visitor.reload();
    await visitor.getByLabel('June').check();
    await visitor.getByRole('button', { name: 'Vote' }).click();
    await visitor.waitForURL(/results$/);

    // Close: the visitor is led to the results.
    await page.getByRole('button', { name: 'Close poll' }).click();
    await page.getByRole('button', { name: 'Reopen poll' }).waitFor();
    await expect(badge(page)).resolves.toBe('CLOSED');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await visitor.goto(`${server.url}/polls/team-offsite-which-month`);
    await expect(visitor.locator('p.notice[role=status]').innerText()).resolves.toMatch(
      /This poll is closed: it closed on .+ \(now\)/,
    );
    await visitor.getByRole('link', { name: 'See the results' }).click();
    await visitor.waitForURL(/results$/);
    expect(await axeViolations(visitor)).toEqual([]);

    // Reopen: open again, with no close planned.
    await page.getByRole('button', { name: 'Reopen poll' }).click();
    await page.getByRole('button', { name: 'Close poll' }).waitFor();
    await expect(badge(page)).resolves.toBe('OPEN');
    const actions = await page.getByRole('table', { name: /admin change/ }).innerText();
    expect(actions).toMatch(/reopen[\s\S]*close[\s\S]*open[\s\S]*create/);
    await context.close();
  });
});
