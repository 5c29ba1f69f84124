import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { useServer } from '../support/server';
import { PollPage, ResultsPage } from './pages';

const server = useServer({
  env: { SEED_DEMO: '1' },
  setup: ({ url }) =>
    createPoll(url, {
      slug: 'languages',
      question: 'Which languages does your team use?',
      options: ['Go', 'Rust', 'TypeScript', 'Python'],
      type: 'multiple',
      maxChoices: 2,
      resultsVisibility: 'after_vote',
    }),
});
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function respondents(page: import('playwright-core').Page): Promise<number> {
  const caption = await page
    .getByRole('table', { name: /^Results from/ })
    .locator('caption')
    .innerText();
  return Number(/([\d,]+) responses?/.exec(caption)![1]!.replace(/,/g, ''));
}

describe('voting', () => {
  it('works with JavaScript disabled: form post, redirect, results table', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const poll = new PollPage(page, server.url);
    await page.goto(`${server.url}/polls/project-management-tool/results`);
    const before = await respondents(page);

    await poll.open('project-management-tool');
    await expect(poll.question('Which project management tool does your team use most?').isVisible()).resolves.toBe(
      true,
    );
    await poll.choose('Trello');
    await poll.vote();
    await page.waitForURL(`${server.url}/polls/project-management-tool/results`);

    const results = new ResultsPage(page);
    expect(await respondents(page)).toBe(before + 1);
    await expect(results.row('Trello').innerText()).resolves.toMatch(/Trello\s+Your choice\s+49\s/);
    // Without JavaScript the chart is not drawn, but its text alternative is there.
    expect(await results.chart().getAttribute('aria-label')).toContain('Trello');
    await context.close();
  });

  it('works with JavaScript enabled, and the chart is actually drawn', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    const poll = new PollPage(page, server.url);

    await poll.open('languages');
    await poll.choose('Go');
    await poll.choose('TypeScript');
    // The third box is disabled once the maximum of two is reached.
    await expect(page.getByLabel('Rust', { exact: true }).isDisabled()).resolves.toBe(true);
    await poll.vote();
    await page.waitForURL(`${server.url}/polls/languages/results`);

    const results = new ResultsPage(page);
    await page.locator('results-chart[data-drawn="true"]').waitFor();
    await expect(results.row('Go').innerText()).resolves.toMatch(/Go\s+Your choice\s+1\s+100\.0%/);
    expect(await respondents(page)).toBe(1);
    // The canvas has real pixels: count non-transparent ones.
    const painted = await results.chart().evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++;
      return count;
    });
    expect(painted).toBeGreaterThan(1000);
    expect(await results.chart().getAttribute('aria-label')).toMatch(
      /Go \(your choice\): 100\.0% \(1 response, margin ±\d+ pts\)/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the reason in an alert when a vote is refused, and counts nothing', async () => {
    const context = await browser.newContext();
    const first = new PollPage(await context.newPage(), server.url);
    const second = new PollPage(await context.newPage(), server.url);
    // Two tabs of the same browser show the ballot; the second submission is a duplicate.
    await first.open('ai-projects-in-production');
    await second.open('ai-projects-in-production');
    await first.choose('< 10%');
    await first.vote();
    await first.page.waitForURL(/results$/);
    const before = await respondents(first.page);

    await second.choose('10-20%');
    await second.vote();
    const alert = second.page.getByRole('alert');
    await expect(alert.innerText()).resolves.toMatch(/not counted.*already voted/s);
    await first.page.reload();
    expect(await respondents(first.page)).toBe(before);
    await second.open('ai-projects-in-production');
    await expect(second.page.getByText('You have already voted').isVisible()).resolves.toBe(true);
    await context.close();
  });
});

describe('security in the browser', () => {
  const payload = `<img src=x onerror="alert('question')"><script>alert('script')</script>`;

  beforeAll(async () => {
    await createPoll(server.url, {
      slug: 'xss',
      question: `${payload} Which?`,
      description: `<svg onload=alert('description')>`,
      options: [`<b onmouseover=alert('option')>bold</b>`, `"><script>alert('attr')</script>`],
      resultsVisibility: 'always',
    });
  });

  it('shows poll text with HTML and script payloads as text, opening no dialog, on every page and in the widget', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    for (const path of [
      '/',
      '/polls/xss',
      '/polls/xss/results',
      '/embed/xss',
      '/oembed?url=' + encodeURIComponent(`${server.url}/polls/xss`),
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${server.url}/polls/xss`);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain(
      "<script>alert('script')</script>",
    );
    await page.getByLabel(`<b onmouseover=alert('option')>bold</b>`).hover();
    await page.getByLabel(`<b onmouseover=alert('option')>bold</b>`).check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await page.waitForURL(/results$/);
    await page.locator('results-chart[data-drawn="true"]').waitFor();
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('raises no Content-Security-Policy violation on our pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        console.error(`Refused to: ${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    for (const path of [
      '/',
      '/polls/languages',
      '/polls/project-management-tool/results',
      '/embed/languages',
      '/no-such-page',
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${server.url}/polls/project-management-tool/results`);
    await page.getByText('Embed this poll').click();
    await page.frameLocator('.embed-preview iframe').getByRole('group').first().waitFor();
    await page.locator('results-chart[data-drawn="true"]').waitFor();
    expect(violations).toEqual([]);
    await context.close();
  });
});

describe('accessibility (axe-core)', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it.each([
      '/',
      '/polls/ai-projects-in-production',
      '/polls/ai-projects-in-production/results',
      '/polls/languages',
      '/no-such-page',
    ])(`%s has no violations (${colorScheme})`, async (path) => {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`);
      if (path.endsWith('/results')) await page.locator('results-chart[data-drawn="true"]').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
