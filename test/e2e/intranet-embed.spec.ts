/**
 * The iframe-only snippet as a script-free intranet host uses it (SharePoint pages, Confluence's
 * iframe macro): a page on another site (localhost vs 127.0.0.1) frames the compact widget, from
 * the oEmbed answer, in a sandboxed iframe, with JavaScript off. At the snippet's fixed height
 * the whole ballot shows and, after the form post, the whole results — no scrollbar either time.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, loginAsAdmin } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { freePort, useServer } from '../support/server';

const SANDBOX = 'allow-forms allow-scripts allow-same-origin allow-popups';

let host: Server;
let hostUrl: string;
let browser: Browser;
/** The oEmbed html (the iframe-only snippet) of each poll, as the host page pastes it. */
const snippets = new Map<string, string>();

const POLLS = [
  { slug: 'lunch', question: 'Where shall we have lunch?', options: ['Canteen', 'Food trucks', 'Desk'] },
  {
    slug: 'long',
    question:
      'Which of these practices should every team adopt next quarter, given what we learned from the last two retrospectives?',
    options: [
      'Written decision records for every architectural change',
      'Pairing on all production incidents',
      'No-meeting Wednesdays',
      'A shared on-call rota across teams',
      'Quarterly hack days',
      'None of these',
    ],
    type: 'multiple',
  },
  {
    slug: 'tools',
    question: 'Which tools does your team use?',
    options: ['Trello', 'Jira', 'Asana', 'Linear'],
    type: 'multiple',
    allowOther: true,
    profile: ['role', 'region'],
  },
  {
    slug: 'ranked',
    question: 'Rank the office snacks',
    options: ['Fruit', 'Crisps', 'Chocolate', 'Nuts'],
    type: 'ranked',
    minChoices: 1,
    maxChoices: 3,
  },
  {
    slug: 'rating',
    question: 'How was the all-hands?',
    options: ['1', '2', '3', '4', '5'].map((value) => ({ label: value, value: Number(value) })),
    type: 'rating',
  },
] as const;

const PASSWORD = 'correct horse battery staple';

const server = useServer({
  env: { ADMIN_PASSWORD: PASSWORD },
  setup: async ({ url }) => {
    for (const poll of POLLS) {
      await createPoll(url, { ...poll, resultsVisibility: 'after_vote', options: [...poll.options] });
      const oembed = await fetch(
        `${url}/oembed?url=${encodeURIComponent(`${url}/polls/${poll.slug}`)}&format=json&layout=compact`,
      );
      snippets.set(poll.slug, ((await oembed.json()) as { html: string }).html);
    }
  },
});

beforeAll(async () => {
  const port = await freePort();
  host = createServer((req, res) => {
    const slug = new URL(req.url ?? '/', 'http://x').searchParams.get('poll') ?? '';
    // The host keeps the pasted iframe as is, adding only a sandbox as SharePoint and Confluence do.
    const escape = new URL(req.url ?? '/', 'http://x').searchParams.has('escape');
    const sandbox = escape ? `${SANDBOX} allow-popups-to-escape-sandbox` : SANDBOX;
    const iframe = (snippets.get(slug) ?? '').replace('<iframe ', `<iframe sandbox="${sandbox}" `);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Intranet</title></head>
<body style="margin:0;padding:16px"><main><h1>Team page</h1>${iframe}</main></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
  hostUrl = `http://localhost:${port}/`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
});

async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('iframe').elementHandle();
  const frame = await handle!.contentFrame();
  await frame!.waitForLoadState();
  return frame!;
}

/** How far the widget's content overflows its frame, in px (0: no scrollbar). */
async function overflow(frame: Frame): Promise<number> {
  return frame.evaluate(() => {
    const root = document.scrollingElement!;
    return Math.max(root.scrollHeight - root.clientHeight, root.scrollWidth - root.clientWidth);
  });
}

/** The bottom of the widget's box, in px from the frame's top. */
const used = (frame: Frame) => frame.evaluate(() => document.querySelector('main')!.getBoundingClientRect().bottom);

/** Whether every element matching `selector` lies inside the frame's viewport. */
async function allInside(frame: Frame, selector: string): Promise<boolean> {
  return frame.evaluate((sel) => {
    const items = [...document.querySelectorAll(sel)];
    return (
      items.length > 0 &&
      items.every((item) => {
        const box = item.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth;
      })
    );
  }, selector);
}

describe.each([390, 1280])('the iframe-only snippet at %i px, JavaScript off', (width) => {
  it.each(POLLS.map((poll) => poll.slug))(
    '%s: the whole ballot, then the whole results, at one height',
    async (slug) => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${hostUrl}?poll=${slug}`);
      const src = await page.locator('iframe').getAttribute('src');
      expect(src).toBe(`${server.url}/embed/${slug}?layout=compact`);
      const height = Number(await page.locator('iframe').getAttribute('height'));
      let frame = await widgetFrame(page);
      await frame.getByRole('button', { name: 'Vote' }).waitFor();
      expect(await overflow(frame)).toBe(0);
      expect(await allInside(frame, 'fieldset, button[type=submit], main > .foot')).toBe(true);
      const usedBefore = await used(frame);

      if (slug === 'ranked') await frame.getByLabel('1st choice').selectOption({ label: 'Nuts' });
      else if (slug === 'rating') await frame.getByLabel('4', { exact: true }).check();
      else await frame.locator('input[name=choice]').first().check();
      await frame.getByRole('button', { name: 'Vote' }).click();
      await frame.waitForURL(`${server.url}/embed/${slug}?layout=compact`);
      frame = await widgetFrame(page);
      await frame.getByText('Thanks — your vote is counted.').waitFor();
      expect(await overflow(frame)).toBe(0);
      expect(await allInside(frame, 'ol li, p.n, main > .foot')).toBe(true);
      // Still the host page's iframe, at the same fixed height: the vote stayed inside it.
      expect(Number(await page.locator('iframe').getAttribute('height'))).toBe(height);
      // Snug: the taller of the two states leaves at most a few spare lines (more at 1280 px,
      // where the height planned for a 300 px column leaves the question on fewer lines).
      expect(height - Math.max(usedBefore, await used(frame))).toBeLessThan(width < 500 ? 100 : 200);
      await context.close();
    },
  );
});

describe('links inside a sandboxed widget', () => {
  it('open in a new tab (top navigation is not allowed); the popup escapes the sandbox where the host allows it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    // Without allow-popups-to-escape-sandbox the new tab inherits the sandbox, and browsers refuse
    // any page that sends Cross-Origin-Opener-Policy there (ours do): see the README.
    await page.goto(`${hostUrl}?poll=lunch&escape=1`);
    const frame = await widgetFrame(page);
    const links = await frame
      .locator('a[href]')
      .evaluateAll((anchors) =>
        anchors.map((a) => ({ target: a.getAttribute('target'), rel: a.getAttribute('rel') ?? '' })),
      );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.target).toBe('_blank');
      expect(link.rel).toContain('noopener');
    }
    const [popup] = await Promise.all([context.waitForEvent('page'), frame.getByText('Full results').click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${server.url}/polls/lunch/results`);
    // The host page stays where it was.
    expect(page.url()).toBe(`${hostUrl}?poll=lunch&escape=1`);
    await context.close();
  });
});

describe('accessibility', () => {
  it('passes axe-core on the admin page, the poll form and the compact widget, light and dark', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const [name, value] = cookie.split('=') as [string, string];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      await context.addCookies([{ name, value, url: server.url }]);
      const page = await context.newPage();
      for (const path of ['/admin/embedding', '/admin/polls/new']) {
        await page.goto(`${server.url}${path}`);
        expect(await axeViolations(page), `${path} ${colorScheme}`).toEqual([]);
      }
      // The widget as a host page shows it (axe checks inside the frame too).
      await page.goto(`${hostUrl}?poll=tools`);
      await (await widgetFrame(page)).getByRole('button', { name: 'Vote' }).waitFor();
      expect(await axeViolations(page), `compact widget ${colorScheme}`).toEqual([]);
      await context.close();
    }
  });
});
