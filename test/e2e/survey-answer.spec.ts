/**
 * A three-page survey answered in a real browser, with JavaScript off and on: going back and
 * changing page 1, a refused page, finishing, the results with a cross-question breakdown, and
 * the widget in an iframe on another site's page. axe checks every state in light and dark.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { ADMIN_TOKEN, freePort, useServer } from '../support/server';

const SURVEY = {
  slug: 'pulse',
  title: 'Delivery pulse',
  description: 'Three short questions about shipping AI work.',
  resultsVisibility: 'always',
  duplicatePolicy: 'none',
  profile: ['role'],
  questions: [
    {
      question: 'What share of your AI projects reach production?',
      type: 'single',
      options: ['Under 10%', '10 to 30%', 'Over 30%'],
      required: true,
    },
    {
      question: 'Which tools does your team use?',
      type: 'multiple',
      options: ['Jira', 'Trello', 'Linear'],
      maxChoices: 2,
      required: true,
    },
    {
      question: 'What stalls a rollout most?',
      type: 'ranked',
      options: ['Budget', 'Data', 'Skills'],
      maxChoices: 3,
      required: true,
    },
  ],
  pages: [[0], [1], [2]],
};

/* eslint-disable @typescript-eslint/no-explicit-any */
let survey: any;
/* eslint-enable @typescript-eslint/no-explicit-any */
const keysOf = (question: number) => survey.pages[question][0].options.map((o: { key: string }) => o.key) as string[];

const server = useServer({
  setup: async ({ url }) => {
    const created = await request(`${url}/api/admin/surveys`, { method: 'POST', json: SURVEY, token: ADMIN_TOKEN });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    survey = created.body;
    // Enough earlier responses through the JSON API that a breakdown shows some groups.
    const [q1, q2, q3] = [keysOf(0), keysOf(1), keysOf(2)];
    for (let i = 0; i < 36; i++) {
      const answers: Record<string, { choices: string[] }> = { 'pulse-1': { choices: [q1[i % 2]!] } };
      if (i % 6 !== 5) answers['pulse-2'] = { choices: [q2[i % 3]!] };
      if (i % 6 < 4) answers['pulse-3'] = { choices: [q3[i % 3]!, q3[(i + 1) % 3]!] };
      const response = await request(`${url}/api/surveys/pulse/responses`, {
        method: 'POST',
        json: { answers },
        headers: { 'user-agent': `respondent ${i}` },
      });
      if (response.status !== 201)
        throw new Error(`response failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
  },
});

let browser: Browser;
let host: Server;
let hostUrl: string;

beforeAll(async () => {
  browser = await launchChromium();
  const port = await freePort();
  host = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Team intranet</title></head>
<body><main><h1>Team news</h1><p>Please answer our survey.</p>
<div data-peer-survey="pulse"></div>
<script async src="${server.url}/embed.js"></script>
</main></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
  // Another site than the widget's 127.0.0.1.
  hostUrl = `http://localhost:${port}/`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
});

async function axeClean(page: Page, state: string): Promise<void> {
  expect(await axeViolations(page), state).toEqual([]);
}

const progress = (page: Page) => page.locator('.survey-progress-text').innerText();
const question = (page: Page, text: RegExp) => page.getByRole('group', { name: text });

/** Votes the question has for one option, as the API counts them. */
async function votesFor(questionIndex: number, label: string): Promise<number> {
  const results = (await request(`${server.url}/api/surveys/pulse/results`)).body;
  return results.questions[questionIndex].options.find((o: { label: string }) => o.label === label).votes;
}

describe('answering a survey with JavaScript off', () => {
  let context: BrowserContext;
  afterAll(async () => context?.close());

  it('goes page by page, back to change page 1, shows a refused page, and finishes on the results', async () => {
    context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const before = await votesFor(0, 'Over 30%');
    const underBefore = await votesFor(0, 'Under 10%');

    await page.goto(`${server.url}/surveys/pulse`);
    expect(await progress(page)).toBe('Page 1 of 3');
    await question(page, /What share of your AI projects/)
      .getByLabel('Under 10%')
      .check();
    await page.getByLabel('Your role').selectOption({ label: 'Manager' });
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await progress(page)).toBe('Page 2 of 3');

    // Back: page 1 with the answer stored, then changed.
    await page.getByRole('button', { name: 'Back' }).click();
    expect(await progress(page)).toBe('Page 1 of 3');
    expect(await page.getByLabel('Under 10%').isChecked()).toBe(true);
    await page.getByLabel('Over 30%').check();
    await page.getByRole('button', { name: 'Next' }).click();

    // Nothing ticked on a required multiple-choice question: refused, said beside it, linked from the summary.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Which tools does your team use?');
    const tools = question(page, /Which tools does your team use/);
    // The problem is said next to the question, and the inputs point at it.
    const errorId = await tools.getByLabel('Jira').getAttribute('aria-describedby');
    expect(await tools.locator(`[id="${errorId}"]`).innerText()).toMatch(/\S/);
    expect(await tools.getByLabel('Jira').getAttribute('aria-invalid')).toBe('true');
    await tools.getByLabel('Jira').check();
    await page.getByRole('button', { name: 'Next' }).click();

    expect(await progress(page)).toBe('Page 3 of 3');
    await page.getByLabel('1st choice').selectOption({ label: 'Data' });
    await page.getByLabel('2nd choice').selectOption({ label: 'Budget' });
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.waitForURL(`${server.url}/surveys/pulse/results`);
    await page.getByText('Thank you — your answers are recorded.').waitFor();

    // Going back replaced the answer: "Over 30%" counted, "Under 10%" not.
    expect(await votesFor(0, 'Over 30%')).toBe(before + 1);
    expect(await votesFor(0, 'Under 10%')).toBe(underBefore);
  });
});

for (const scheme of ['light', 'dark'] as const) {
  describe(`answering a survey with JavaScript on (${scheme})`, () => {
    let context: BrowserContext;
    let page: Page;
    const errors: string[] = [];
    beforeAll(async () => {
      context = await browser.newContext({ colorScheme: scheme });
      page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
    });
    afterAll(async () => context?.close());

    it('answers, goes back, is refused, finishes, and every state passes axe', async () => {
      await page.goto(`${server.url}/surveys/pulse`);
      await axeClean(page, 'page 1');
      await page.getByLabel('10 to 30%').check();
      await page.getByRole('button', { name: 'Next' }).click();
      expect(await progress(page)).toBe('Page 2 of 3');
      await axeClean(page, 'page 2');
      // At most two tools: the third box is disabled once two are ticked.
      await page.getByLabel('Jira').check();
      await page.getByLabel('Trello').check();
      expect(await page.getByLabel('Linear').isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Back' }).click();
      expect(await page.getByLabel('10 to 30%').isChecked()).toBe(true);
      await page.getByLabel('Under 10%').check();
      await page.getByRole('button', { name: 'Next' }).click();

      // Back stored nothing of page 2: it is empty, and Next is refused.
      expect(await page.getByLabel('Jira').isChecked()).toBe(false);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('alert').waitFor();
      // The summary takes focus, so it is read first.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
      await axeClean(page, 'refused page');
      await page.getByLabel('Linear').check();
      await page.getByRole('button', { name: 'Next' }).click();

      // The ranked question, built with buttons.
      expect(await progress(page)).toBe('Page 3 of 3');
      const skills = page.locator('.rank-pool .rank-item').filter({ hasText: 'Skills' });
      await skills.getByRole('button', { name: /Add/ }).click();
      await page.getByRole('button', { name: 'Finish' }).click();
      await page.waitForURL(`${server.url}/surveys/pulse/results`);
      await page.getByText('Thank you — your answers are recorded.').waitFor();
      await page.locator('results-chart[data-drawn="true"]').first().waitFor();
      await axeClean(page, 'results');
      expect(errors).toEqual([]);
    });

    it('breaks the results down by the answers to question 1 with a plain link', async () => {
      await page.getByRole('link', { name: /^Question 1:/ }).click();
      await page.waitForURL(/by=question:pulse-1/);
      await page.getByRole('heading', { name: 'By answer to question 1' }).first().waitFor();
      expect(await page.getByRole('link', { name: /^Question 1:/ }).getAttribute('aria-current')).toBe('page');
      await axeClean(page, 'breakdown');
    });

    it('shows the widget in light and dark, passing axe', async () => {
      await page.goto(`${server.url}/embed/surveys/pulse?theme=${scheme}`);
      await axeClean(page, 'widget page 1');
      await page.getByLabel('Under 10%').check();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Back' }).waitFor();
      await axeClean(page, 'widget page 2');
      // Nothing ticked on the required tools question: refused inside the widget.
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('alert').waitFor();
      await axeClean(page, 'widget refused page');
      await page.goto(`${server.url}/embed/surveys/pulse?done=1&theme=${scheme}`);
      await axeClean(page, 'widget finished');
    });
  });
}

describe('the survey widget on another site', () => {
  it('is an iframe sized to its content, answered page by page inside it, ending in thanks and a results link', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(hostUrl);
    const iframe = page.locator('div[data-peer-survey] iframe');
    await iframe.waitFor();
    expect(await iframe.getAttribute('src')).toBe(`${server.url}/embed/surveys/pulse`);
    await page.locator('div[data-peer-survey] iframe[title="Survey: Delivery pulse"]').waitFor();
    const frame = page.frameLocator('div[data-peer-survey] iframe');
    const heightsMatch = async () =>
      expect
        .poll(
          async () => {
            const inner = await frame
              .locator('body')
              .evaluate((body) => Math.ceil(body.getBoundingClientRect().height));
            const outer = await iframe.evaluate((el) => el.getBoundingClientRect().height);
            return Math.abs(inner - outer);
          },
          { timeout: 10_000 },
        )
        .toBeLessThanOrEqual(1);
    await heightsMatch();
    await frame.getByLabel('Over 30%').check();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByText('Page 2 of 3').first().waitFor();
    await frame.getByLabel('Trello').check();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByText('Page 3 of 3').first().waitFor();
    await frame.getByLabel('1st choice').selectOption({ label: 'Budget' });
    await frame.getByRole('button', { name: 'Finish' }).click();
    await frame.getByText('Thank you — your answers are recorded.').waitFor();
    expect(await frame.getByRole('link', { name: /See the results/ }).getAttribute('target')).toBe('_blank');
    await heightsMatch();
    await context.close();
  });
});

describe('live results', () => {
  it('updates the headline and a question table in place when a response comes in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/surveys/pulse/results`);
    const headline = page.locator('[data-completion]');
    const before = await headline.innerText();
    const started = Number(/^(\d+)/.exec(before)![1]);
    const caption = page.locator('#results-pulse-1 caption');
    const captionBefore = await caption.innerText();
    // Let the stream connect before the response arrives.
    await page.waitForTimeout(1500);
    const response = await request(`${server.url}/api/surveys/pulse/responses`, {
      method: 'POST',
      json: { answers: { 'pulse-1': { choices: [keysOf(0)[2]!] } } },
      headers: { 'user-agent': 'live respondent' },
    });
    expect(response.status).toBe(201);
    await expect
      .poll(() => headline.innerText(), { timeout: 15_000 })
      .toMatch(new RegExp(`^${started + 1} people started`));
    expect(await caption.innerText()).not.toBe(captionBefore);
    // Same elements: the page did not reload.
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await context.close();
  });
});
