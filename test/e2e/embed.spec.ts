/**
 * An intranet page on another site (localhost vs 127.0.0.1, other port) embeds two polls with
 * the loader, in a Chromium that blocks third-party cookies.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { ADMIN_TOKEN, freePort, useServer } from '../support/server';

let host: Server;
let hostUrl: string;
let browser: Browser;

function intranetPage(widgetOrigin: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Team intranet</title></head>
<body>
<main>
  <h1>Team news</h1>
  <p>This week's peer polls.</p>
  <div data-peer-poll="lunch"></div>
  <p>And one more:</p>
  <peer-poll slug="standup" theme="dark"></peer-poll>
  <script async src="${widgetOrigin}/embed.js"></script>
</main>
</body>
</html>`;
}

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'lunch',
      question: 'Where shall we have lunch?',
      options: ['Canteen', 'Food trucks', 'Desk'],
      resultsVisibility: 'after_vote',
    });
    await createPoll(url, {
      slug: 'standup',
      question: 'Should standups be async?',
      options: ['Yes', 'No', 'Sometimes'],
    });
  },
});

beforeAll(async () => {
  const port = await freePort();
  host = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(intranetPage(server.url));
  });
  await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
  // Another site than the widget's 127.0.0.1: "localhost" is a different registrable domain.
  hostUrl = `http://localhost:${port}/`;
  browser = await launchChromium(['--test-third-party-cookie-phaseout']);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
});

async function heightsMatch(page: Page, selector: string): Promise<void> {
  // The widget's own content height, measured inside the frame, equals the iframe's height.
  const frame = page.frameLocator(selector);
  await expect
    .poll(
      async () => {
        const inner = await frame.locator('body').evaluate((body) => Math.ceil(body.getBoundingClientRect().height));
        const outer = await page.locator(selector).evaluate((iframe) => iframe.getBoundingClientRect().height);
        return Math.abs(inner - outer);
      },
      { timeout: 10_000 },
    )
    .toBeLessThanOrEqual(1);
}

function widget(page: Page, selector: string): FrameLocator {
  return page.frameLocator(selector);
}

describe('embedding on another site with third-party cookies blocked', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(hostUrl);
  });
  afterAll(async () => context?.close());

  it('turns both placeholders into titled, lazy iframes sized to their content', async () => {
    await page.locator('div[data-peer-poll] iframe').waitFor();
    await page.locator('peer-poll iframe').waitFor();
    // Named after the question once the widget reports it ("Poll" until then, never the slug).
    await page.locator('div[data-peer-poll] iframe[title="Poll: Where shall we have lunch?"]').waitFor();
    await page.locator('peer-poll iframe[title="Poll: Should standups be async?"]').waitFor();
    expect(await page.locator('peer-poll iframe').getAttribute('loading')).toBe('lazy');
    expect(await page.locator('peer-poll iframe').getAttribute('src')).toBe(`${server.url}/embed/standup?theme=dark`);
    await widget(page, 'div[data-peer-poll] iframe')
      .getByRole('group', { name: 'Where shall we have lunch?' })
      .waitFor();
    await widget(page, 'peer-poll iframe').getByRole('group', { name: 'Should standups be async?' }).waitFor();
    await heightsMatch(page, 'div[data-peer-poll] iframe');
    await heightsMatch(page, 'peer-poll iframe');
  });

  it('votes inside the widget, shows the results there and resizes', async () => {
    const lunch = widget(page, 'div[data-peer-poll] iframe');
    const before = await page
      .locator('div[data-peer-poll] iframe')
      .evaluate((iframe) => iframe.getBoundingClientRect().height);
    await lunch.getByLabel('Food trucks').check();
    await lunch.getByRole('button', { name: 'Vote' }).click();
    await lunch.getByRole('list', { name: 'Results' }).waitFor();
    await expect(lunch.getByText('Thanks — your vote is counted.').isVisible()).resolves.toBe(true);
    // The voter's own option is marked.
    await expect(lunch.getByRole('listitem').filter({ hasText: 'Your choice' }).innerText()).resolves.toContain(
      'Food trucks',
    );
    await expect(lunch.getByRole('listitem').filter({ hasText: 'Food trucks' }).innerText()).resolves.toContain(
      '100.0%',
    );
    await heightsMatch(page, 'div[data-peer-poll] iframe');
    const after = await page
      .locator('div[data-peer-poll] iframe')
      .evaluate((iframe) => iframe.getBoundingClientRect().height);
    expect(after).not.toBe(before);
    // The other widget is independent: still a ballot.
    await expect(widget(page, 'peer-poll iframe').getByRole('button', { name: 'Vote' }).isVisible()).resolves.toBe(
      true,
    );
  });

  it('keeps its identity in a partitioned cookie, not an unpartitioned third-party one', async () => {
    const cookies = await context.cookies(server.url);
    expect(cookies.map((c) => c.name)).toEqual(['pp_widget_voter']);
    expect(cookies[0]).toMatchObject({
      sameSite: 'None',
      secure: true,
      httpOnly: true,
      partitionKey: 'http://localhost',
    });
  });

  it('shows results instead of a second ballot after the host page reloads', async () => {
    await page.reload();
    const lunch = widget(page, 'div[data-peer-poll] iframe');
    await lunch.getByRole('list', { name: 'Results' }).waitFor();
    await expect(lunch.getByRole('button', { name: 'Vote' }).count()).resolves.toBe(0);
    await heightsMatch(page, 'div[data-peer-poll] iframe');
    const results = await (
      await fetch(`${server.url}/api/admin/polls`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json();
    expect(results.polls.find((p: { slug: string }) => p.slug === 'lunch').totalResponses).toBe(1);
  });

  it('refuses a second vote from the same browser through a ballot left open in another tab', async () => {
    const stale = await context.newPage();
    await stale.goto(hostUrl);
    const staleBallot = widget(stale, 'peer-poll iframe');
    await staleBallot.getByLabel('No').check();

    const standup = widget(page, 'peer-poll iframe');
    await standup.getByLabel('Yes').check();
    await standup.getByRole('button', { name: 'Vote' }).click();
    await standup.getByRole('list', { name: 'Results' }).waitFor();

    await staleBallot.getByRole('button', { name: 'Vote' }).click();
    await expect(staleBallot.getByRole('alert').innerText()).resolves.toContain('already voted');
    await expect(staleBallot.getByRole('listitem').filter({ hasText: 'Yes' }).innerText()).resolves.toMatch(
      /100\.0%\s*\(1\)/,
    );
    await stale.close();
  });

  it('passes axe-core on the host page, widgets included', async () => {
    await page.reload();
    await widget(page, 'div[data-peer-poll] iframe').getByRole('list', { name: 'Results' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('the embed snippet on a poll page', () => {
  it('previews the widget live, resized by the loader, and passes axe-core when open', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/polls/standup`);
    await page.getByText('Embed this poll').click();
    const preview = page.frameLocator('.embed-preview iframe');
    await preview.getByRole('group', { name: 'Should standups be async?' }).waitFor();
    await heightsMatch(page, '.embed-preview iframe');
    await expect(page.getByLabel('Script tag (resizes itself)').inputValue()).resolves.toContain(
      `src="${server.url}/embed.js"`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('a widget that may keep storage but no cookie', () => {
  it('puts the remembered token back into the ballot, so a second vote is refused', async () => {
    await createPoll(server.url, {
      slug: 'stored',
      question: 'Stored?',
      options: ['Yes', 'No'],
      resultsVisibility: 'always',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/embed/stored`);
    await page.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await page.getByRole('list', { name: 'Results' }).waitFor();
    // The cookie is gone (as in a browser that keeps none for this frame); storage stays.
    await context.clearCookies();
    await page.goto(`${server.url}/embed/stored`);
    expect(page.url()).toBe(`${server.url}/embed/stored`); // no identity in the URL
    await page.getByLabel('No').check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('already voted');
    const results = await (await fetch(`${server.url}/api/polls/stored/results`)).json();
    expect(results.totalResponses).toBe(1);
    await context.close();
  });
});
