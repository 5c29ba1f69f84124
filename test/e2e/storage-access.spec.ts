/**
 * One browser across the site and its widgets: Chromium with third-party cookies blocked, a host
 * page on another site (localhost vs the widget's 127.0.0.1), the `storage-access` permission
 * granted or denied through CDP. Granted, the widget's vote click carries the site's own
 * `pp_voter`, both ways; denied, the widget keeps its own identity per host site and says so.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { launchChromium } from '../support/browser';
import { ADMIN_TOKEN, freePort, useServer } from '../support/server';
import { PollPage } from './pages';

const FINE_PRINT = 'repeat votes are stopped per host site';

let host: Server;
let hostUrl: string;
let browser: Browser;

const server = useServer({
  setup: async ({ url }) => {
    for (const slug of ['coffee', 'tea', 'cake'])
      await createPoll(url, {
        slug,
        question: `Do you like ${slug}?`,
        options: ['Yes', 'No'],
        duplicatePolicy: 'device',
      });
  },
});

beforeAll(async () => {
  const port = await freePort();
  host = createServer((req, res) => {
    const slug = new URL(req.url ?? '/', 'http://host').searchParams.get('poll') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Intranet</title></head>
<body><main><h1>Team news</h1><div data-peer-poll="${slug.replace(/[^a-z]/g, '')}"></div>
<script async src="${server.url}/embed.js"></script></main></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
  // Another site than the widget's 127.0.0.1: "localhost" is a different registrable domain.
  hostUrl = `http://localhost:${port}`;
  browser = await launchChromium(['--test-third-party-cookie-phaseout']);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
});

/** The `storage-access` permission of the widget's site under the host site, in this context only. */
async function setStorageAccess(context: BrowserContext, page: Page, setting: 'granted' | 'denied') {
  const session = await context.newCDPSession(page);
  const { targetInfo } = await session.send('Target.getTargetInfo');
  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.setPermission', {
    permission: { name: 'storage-access' },
    setting,
    origin: hostUrl, // the embedding (top-level) origin
    embeddedOrigin: server.url,
    browserContextId: targetInfo.browserContextId,
  });
  // Kept attached: Chromium drops a session's permission overrides when it detaches.
  await session.detach();
}

/** Votes on the site itself (clicks: Chromium grants storage access only to a site used top-level). */
async function voteOnSite(page: Page, slug: string, option: string) {
  const poll = new PollPage(page, server.url);
  await poll.open(slug);
  await poll.choose(option);
  await poll.vote();
  await page.waitForURL(`${server.url}/polls/${slug}/results`);
}

async function openWidget(page: Page, slug: string) {
  await page.goto(`${hostUrl}/?poll=${slug}`);
  const widget = page.frameLocator('div[data-peer-poll] iframe');
  await widget.locator('main').waitFor();
  return widget;
}

/** Clicks the widget's Vote button and returns the response to its form post. */
async function voteInWidget(page: Page, slug: string, option: string): Promise<Response> {
  const widget = page.frameLocator('div[data-peer-poll] iframe');
  await widget.getByLabel(option, { exact: true }).check();
  const posted = page.waitForResponse(
    (response) => response.request().method() === 'POST' && response.url().startsWith(`${server.url}/embed/${slug}`),
  );
  await widget.getByRole('button', { name: 'Vote' }).click();
  return posted;
}

async function totalResponses(slug: string): Promise<number> {
  const { body } = await request(`${server.url}/api/admin/polls`, { token: ADMIN_TOKEN });
  return body.polls.find((p: { slug: string }) => p.slug === slug).totalResponses;
}

/** Whether any request to the widget's site carried an unpartitioned `pp_voter` from inside the host page. */
function watchSiteCookie(page: Page): { seen: () => boolean } {
  let seen = false;
  page.on('request', (req) => {
    const frame = req.frame();
    if (req.url().startsWith(`${server.url}/embed/`) && frame.parentFrame() !== null)
      void req.allHeaders().then((headers) => {
        if (/(?:^|;\s*)pp_voter=/.test(headers.cookie ?? '')) seen = true;
      });
  });
  return { seen: () => seen };
}

describe('storage access granted', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterAll(async () => context?.close());

  it('refuses a widget vote from a browser that voted on the site (409, already voted)', async () => {
    await voteOnSite(page, 'coffee', 'Yes');
    const site = (await context.cookies(server.url)).find((c) => c.name === 'pp_voter');
    expect(site).toMatchObject({ sameSite: 'None', secure: true, httpOnly: true });
    expect(site?.partitionKey).toBeUndefined();

    // Blocked for real: without a grant the widget is not sent the site's cookie and offers a ballot.
    const cookie = watchSiteCookie(page);
    const widget = await openWidget(page, 'coffee');
    await widget.getByRole('button', { name: 'Vote' }).waitFor();
    expect(cookie.seen()).toBe(false);

    await setStorageAccess(context, page, 'granted');
    const response = await voteInWidget(page, 'coffee', 'No');
    expect(response.status()).toBe(409);
    await expect(widget.getByRole('alert').innerText()).resolves.toContain('already voted');
    expect(cookie.seen()).toBe(true);
    // The results show the site's vote as this browser's own, and no per-host-site caveat.
    await expect(widget.getByRole('listitem').filter({ hasText: 'Your choice' }).innerText()).resolves.toContain('Yes');
    await expect(widget.getByText(FINE_PRINT).count()).resolves.toBe(0);
    expect(await totalResponses('coffee')).toBe(1);
  });

  it('counts a widget vote for the site too: the site then refuses this browser', async () => {
    const widget = await openWidget(page, 'tea');
    const response = await voteInWidget(page, 'tea', 'Yes');
    expect(response.status()).toBe(303);
    await widget.getByText('Thanks — your vote is counted.').waitFor();
    await expect(widget.getByText(FINE_PRINT).count()).resolves.toBe(0);

    // First-party on the site: the same browser, already voted.
    await page.goto(`${server.url}/polls/tea/results`);
    const again = await page.evaluate(async () => {
      const res = await fetch('/api/polls/tea/votes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ choices: ['no'] }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_voted' } } });
    expect(await totalResponses('tea')).toBe(1);
  });
});

describe('storage access denied', () => {
  it('falls back to the widget’s own identity: one vote per host site, and the fine print says so', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await voteOnSite(page, 'cake', 'Yes');
    await setStorageAccess(context, page, 'denied');

    const cookie = watchSiteCookie(page);
    const widget = await openWidget(page, 'cake');
    const response = await voteInWidget(page, 'cake', 'No');
    expect(response.status()).toBe(303);
    await widget.getByText('Thanks — your vote is counted.').waitFor();
    await expect(widget.getByText(FINE_PRINT).isVisible()).resolves.toBe(true);
    expect(cookie.seen()).toBe(false);
    expect(await totalResponses('cake')).toBe(2);

    // Within this host site the browser is still one voter: the widget's partitioned cookie.
    const partitioned = (await context.cookies(server.url)).filter((c) => c.name === 'pp_widget_voter');
    expect(partitioned.map((c) => c.partitionKey)).toEqual(['http://localhost']);
    const again = await openWidget(page, 'cake');
    await again.getByText(FINE_PRINT).waitFor();
    await expect(again.getByRole('button', { name: 'Vote' }).count()).resolves.toBe(0);
    expect(await totalResponses('cake')).toBe(2);
    await context.close();
  });
});
