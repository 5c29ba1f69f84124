/**
 * The Traffic section in Chromium: a flagged burst quarantined and restored by clicking its
 * buttons (real form posts with the session cookie and the browser's own Origin), the public
 * results saying "N votes excluded after review" in between, and axe-core clean on the admin page
 * and the results page with the note, light and dark.
 */
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../db/client';
import { createPoll, loginAsAdmin, vote } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await createPoll(server.url, {
    slug: 'lunch',
    question: 'Where should the team lunch be?',
    options: ['Noodle bar', 'Pizza place'],
    duplicatePolicy: 'none',
    resultsVisibility: 'always',
  });
  for (let i = 0; i < 12; i++) await vote(server.url, 'lunch', ['pizza-place']);
  // The loopback network's hour marked as over the budget, as the vote path does when a budget refuses.
  const db = new Database(sqlitePathFromUrl(server.databaseUrl));
  const row = db
    .prepare('select poll_id as pollId, prefix_key as prefixKey, created_at / 3600000 as hour from votes limit 1')
    .get() as { pollId: number; prefixKey: string; hour: number };
  db.prepare(
    `insert into prefix_hour_tallies (poll_id, prefix_key, hour, votes, refused) values (?, ?, ?, 12, 1)
     on conflict do update set refused = refused + 1`,
  ).run(row.pollId, row.prefixKey, row.hour);
  db.close();
});
afterAll(() => browser?.close());

describe('the Traffic section', () => {
  it('quarantines a flagged burst and restores it with one click each; axe finds nothing, light and dark', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const [name, value] = cookie.split('=') as [string, string];
    const context = await browser.newContext();
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/polls/lunch`);
    const traffic = page.getByRole('region', { name: 'Traffic' });
    await expect(traffic.getByRole('table', { name: /Share of the votes/ }).isVisible()).resolves.toBe(true);
    await traffic.getByRole('button', { name: 'Quarantine these 12 votes' }).click();
    await page.waitForURL(/quarantined=12#traffic$/);
    expect(await page.getByRole('status').first().textContent()).toContain('12 votes quarantined');

    const results = await context.newPage();
    await results.goto(`${server.url}/polls/lunch/results`);
    expect(await results.getByText('12 votes excluded after review.').isVisible()).toBe(true);

    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await results.emulateMedia({ colorScheme });
      expect(await axeViolations(page, '#traffic'), `admin ${colorScheme}`).toEqual([]);
      expect(await axeViolations(results), `results ${colorScheme}`).toEqual([]);
    }

    await traffic.getByRole('button', { name: 'Restore 12 votes' }).click();
    await page.waitForURL(/restored=12#traffic$/);
    expect(await traffic.getByRole('heading', { name: 'Restored' }).isVisible()).toBe(true);
    await results.reload();
    expect(await results.getByText('excluded after review').count()).toBe(0);
    await context.close();
  });
});
