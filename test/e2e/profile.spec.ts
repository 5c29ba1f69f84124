/**
 * "About you (optional)" in Chromium: answers remembered by this browser pre-fill the next poll
 * that asks the same questions (site and widget); without JavaScript a profile vote still
 * counts; the fieldset is axe-clean and fits a phone in light and dark, and so is the editor's
 * "Ask voters about". Set SHOTS_DIR to keep screenshots of each state.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../db/client';
import { createPoll } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { freePort, useServer } from '../support/server';

const SHOTS = process.env.SHOTS_DIR;
const PASSWORD = 'correct horse battery staple';
const ALL = ['role', 'industry', 'companySize', 'region'];

const server = useServer({
  env: { ADMIN_PASSWORD: PASSWORD },
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'first',
      question: 'Which project tool does your team use most?',
      options: ['Jira', 'Smartsheet', 'Microsoft Project', 'Asana'],
      profile: ['role', 'industry'],
    });
    await createPoll(url, {
      slug: 'second',
      question: 'How many AI projects are in production at your company?',
      options: ['None', '1–2', '3–5', 'More than 5'],
      profile: ['role', 'region'],
    });
    await createPoll(url, {
      slug: 'nojs',
      question: 'Do you work remotely?',
      options: ['Yes', 'No'],
      profile: ['role', 'companySize'],
    });
    await createPoll(url, {
      slug: 'looks',
      question: 'Which of these AI uses are in production at your company?',
      description: 'Tick every use that serves real users or staff today.',
      options: ['Code assistants', 'Customer support', 'Document search', 'Forecasting', 'None of these'],
      type: 'multiple',
      profile: ALL,
      duplicatePolicy: 'none',
    });
  },
});

/** An intranet page on another site embedding the widget with the loader, in the theme asked. */
const intranetPage = (widgetOrigin: string, theme: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Team intranet</title><style>body { margin: 0; padding: 12px; font-family: sans-serif }</style></head>
<body><main><h1>Team news</h1>
<div data-peer-poll="looks" data-theme="${theme}"></div>
<script async src="${widgetOrigin}/embed.js"></script>
</main></body></html>`;

let browser: Browser;
let host: Server;
let hostUrl: string;
beforeAll(async () => {
  const port = await freePort();
  host = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(intranetPage(server.url, new URL(req.url ?? '/', 'http://x').searchParams.get('theme') ?? 'auto'));
  });
  await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
  // "localhost" is another site than the widget's 127.0.0.1: the widget runs as a third party.
  hostUrl = `http://localhost:${port}/`;
  browser = await launchChromium();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
});

/** The stored answers of a poll's votes, "dimension=value" sorted. */
function storedAnswers(slug: string): string[] {
  const db = new Database(sqlitePathFromUrl(server.databaseUrl), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT vp.dimension, vp.value FROM vote_profiles vp JOIN polls p ON p.id = vp.poll_id WHERE p.slug = ?')
      .all(slug) as { dimension: string; value: string }[];
    return rows.map((row) => `${row.dimension}=${row.value}`).sort();
  } finally {
    db.close();
  }
}

/** The poll's response count as stored. */
function responseCount(slug: string): number {
  const db = new Database(sqlitePathFromUrl(server.databaseUrl), { readonly: true });
  try {
    return (db.prepare('SELECT response_count AS n FROM polls WHERE slug = ?').get(slug) as { n: number }).n;
  } finally {
    db.close();
  }
}

const profileSelect = (page: Page, label: string) =>
  page.getByRole('group', { name: /About you \(optional\)/ }).getByLabel(label);

async function withContext<T>(
  options: Parameters<Browser['newContext']>[0],
  use: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

describe('remembered answers', () => {
  it('pre-fill the next poll asking the same question, on the site and in the widget', async () => {
    await withContext({}, async (page) => {
      await page.goto(`${server.url}/polls/first`);
      await page.getByRole('radio', { name: 'Smartsheet' }).check();
      await profileSelect(page, 'Your role').selectOption({ label: 'Manager' });
      await profileSelect(page, 'Your industry').selectOption({ label: 'Media' });
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.waitForURL(/\/polls\/first\/results$/);
      expect(storedAnswers('first')).toEqual(['industry=media', 'role=manager']);
      expect(await page.evaluate(() => JSON.parse(localStorage.getItem('peer-polls:profile') ?? 'null'))).toEqual({
        role: 'manager',
        industry: 'media',
      });

      await page.goto(`${server.url}/polls/second`);
      await expect.poll(() => profileSelect(page, 'Your role').inputValue()).toBe('manager');
      expect(await profileSelect(page, 'Your region').inputValue()).toBe('');

      // The widget, same origin here, reads the same memory.
      await page.goto(`${server.url}/embed/looks`);
      await expect.poll(() => profileSelect(page, 'Your role').inputValue()).toBe('manager');
      expect(await profileSelect(page, 'Your industry').inputValue()).toBe('media');
      expect(await profileSelect(page, 'Size of your company').inputValue()).toBe('');

      // "Prefer not to say" on a later vote forgets that answer; the others stay remembered.
      await page.goto(`${server.url}/polls/second`);
      await page.getByRole('radio', { name: 'None' }).check();
      await profileSelect(page, 'Your role').selectOption({ label: 'Prefer not to say' });
      await profileSelect(page, 'Your region').selectOption({ label: 'Asia/Pacific' });
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.waitForURL(/\/polls\/second\/results$/);
      expect(storedAnswers('second')).toEqual(['region=apac']);
      expect(await page.evaluate(() => JSON.parse(localStorage.getItem('peer-polls:profile') ?? 'null'))).toEqual({
        industry: 'media',
        region: 'apac',
      });
    });
  });
});

describe('a tampered answer', () => {
  it("is refused in the page's alert, the vote not counted, the ballot kept to send again", async () => {
    await withContext({ viewport: { width: 390, height: 900 } }, async (page) => {
      await page.goto(`${server.url}/polls/nojs`);
      await page.getByRole('radio', { name: 'No' }).check();
      // What a hand-crafted post would send: a value outside the catalogue.
      await profileSelect(page, 'Your role').evaluate((select: HTMLSelectElement) => {
        select.add(new Option('Emperor', 'emperor', true, true));
      });
      const before = { answers: storedAnswers('nojs'), responses: responseCount('nojs') };
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toMatch(
        /Your vote was not counted\.\s*The role must be one of/,
      );
      expect(await page.getByRole('radio', { name: 'No' }).isChecked()).toBe(true);
      expect({ answers: storedAnswers('nojs'), responses: responseCount('nojs') }).toEqual(before);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/poll-page-refused-390-light.png`, fullPage: true });
    });
  });
});

describe('without JavaScript', () => {
  it('a vote with profile answers counts them (nothing pre-filled, nothing remembered)', async () => {
    await withContext({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${server.url}/polls/nojs`);
      expect(await profileSelect(page, 'Your role').inputValue()).toBe('');
      await page.getByRole('radio', { name: 'Yes' }).check();
      await profileSelect(page, 'Your role').selectOption({ label: 'Director' });
      await profileSelect(page, 'Size of your company').selectOption({ label: 'More than 10,000 employees' });
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.waitForURL(/\/polls\/nojs\/results$/);
      expect(storedAnswers('nojs')).toEqual(['companySize=gt-10000', 'role=director']);
    });
  });
});

describe('looks', () => {
  const widths = [390, 1280];
  for (const width of widths) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`poll page and widget with all four questions, ${width} px ${colorScheme}: fits, selects full width on a phone, axe`, async () => {
        await withContext({ viewport: { width, height: 900 }, colorScheme }, async (page) => {
          await page.goto(`${server.url}/polls/looks`);
          const fieldset = page.getByRole('group', { name: /About you \(optional\)/ });
          await expect.poll(() => fieldset.isVisible()).toBe(true);
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          const selectWidths = await fieldset
            .locator('select')
            .evaluateAll((selects) => selects.map((s) => s.getBoundingClientRect().width));
          expect(selectWidths).toHaveLength(4);
          const fieldsetWidth = (await fieldset.boundingBox())!.width;
          if (width === 390) for (const w of selectWidths) expect(w).toBeGreaterThan(fieldsetWidth - 2);
          else for (const w of selectWidths) expect(w).toBeLessThan(fieldsetWidth / 1.5);
          expect(await axeViolations(page)).toEqual([]);
          if (SHOTS) await page.screenshot({ path: `${SHOTS}/poll-page-${width}-${colorScheme}.png`, fullPage: true });

          // The widget as a third party in an intranet page, at this width.
          await page.goto(`${hostUrl}?theme=${colorScheme}`);
          const frame = page.frameLocator('div[data-peer-poll] iframe');
          const widgetFieldset = frame.getByRole('group', { name: /About you \(optional\)/ });
          await widgetFieldset.waitFor();
          const frameWidth = await frame.locator('html').evaluate((html) => html.clientWidth);
          expect(await frame.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(frameWidth);
          // The loader has grown the iframe to the whole widget: the Vote button shows.
          await expect.poll(() => frame.getByRole('button', { name: 'Vote' }).isVisible()).toBe(true);
          expect(await axeViolations(page)).toEqual([]);
          if (SHOTS) await page.screenshot({ path: `${SHOTS}/widget-${width}-${colorScheme}.png`, fullPage: true });
        });
      });

      it(`the editor's "Ask voters about" boxes, ${width} px ${colorScheme}: fits, axe`, async () => {
        await withContext({ viewport: { width, height: 900 }, colorScheme }, async (page) => {
          await page.goto(`${server.url}/admin`);
          await page.getByLabel('Password').fill(PASSWORD);
          await page.getByRole('button', { name: 'Log in' }).click();
          await page.waitForURL(/\/admin$/);
          await page.goto(`${server.url}/admin/polls/looks`);
          const group = page.getByRole('group', { name: 'Ask voters about' });
          for (const label of ['Role', 'Industry', 'Company size', 'Region']) {
            expect(await group.getByRole('checkbox', { name: label }).isChecked()).toBe(true);
          }
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          expect(await axeViolations(page)).toEqual([]);
          if (SHOTS) {
            const { top, height } = await group.evaluate((el) => {
              const rect = el.getBoundingClientRect();
              return { top: rect.top + scrollY, height: rect.height };
            });
            await page.screenshot({
              path: `${SHOTS}/editor-${width}-${colorScheme}.png`,
              fullPage: true,
              clip: { x: 0, y: Math.max(0, top - 240), width, height: height + 480 },
            });
          }
        });
      });
    }
  }
});
