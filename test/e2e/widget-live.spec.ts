/**
 * Live results in the widget (SPEC.md, "Live results"): a widget showing results changes its
 * numbers in place when someone else votes, announces the new total politely, stays axe-clean and
 * sized to its content, and finds its way back after a server restart or a full server.
 */
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request, vote, voterCookie } from '../support/api';
import { axeViolations, launchChromium } from '../support/browser';
import { LIVE_POLL, LOOKS, SHOTS_DIR, withRestartableServer } from '../support/live';
import { freePort, startServer, useServer } from '../support/server';
import { tempDir } from '../support/temp-db';

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'standup', ...LIVE_POLL });
    // Shown only to voters: the stream must recognise the widget's (partitioned) cookie.
    await createPoll(url, { slug: 'standup-host', ...LIVE_POLL, resultsVisibility: 'after_vote' });
  },
});

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

type Widget = Page | FrameLocator;

/** Votes "Yes" in the widget, as a reader would, and waits for its results. */
async function voteInWidget(widget: Widget): Promise<void> {
  await widget.getByLabel('Yes', { exact: true }).check();
  await widget.getByRole('button', { name: 'Vote' }).click();
  await widget.getByRole('list', { name: 'Results' }).waitFor();
}

function optionRow(widget: Widget, label: string): Locator {
  return widget.getByRole('list', { name: 'Results' }).getByRole('listitem').filter({ hasText: label });
}

/** What the widget should read once it has caught up: each option's "share% (votes)", the total line. */
async function expectedFromApi(base: string, slug: string, cookie?: string) {
  const { body } = await request(`${base}/api/polls/${slug}/results`, { headers: cookie ? { cookie } : {} });
  const rows = (body.options as { label: string; votes: number; share: number }[]).map((o) => ({
    label: o.label,
    text: `${(o.share * 100).toFixed(1)}% (${o.votes})`,
  }));
  return { rows, total: body.totalResponses as number };
}

/** Waits (a few seconds at most) until every row and the total read as the JSON API says. */
async function expectCaughtUp(
  widget: Widget,
  base: string,
  slug: string,
  { timeout = 5000, cookie }: { timeout?: number; cookie?: string } = {},
): Promise<number> {
  const { rows, total } = await expectedFromApi(base, slug, cookie);
  for (const row of rows) {
    await expect
      .poll(async () => (await optionRow(widget, row.label).innerText()).replace(/\s+/g, ' '), { timeout })
      .toContain(row.text);
  }
  await expect
    .poll(async () => widget.locator('.n').innerText(), { timeout })
    .toMatch(new RegExp(`^${total} responses?\\b`));
  return total;
}

/** The bar's width in percent, as its style says, for comparing with the share. */
const barWidth = (widget: Widget, label: string) =>
  optionRow(widget, label)
    .locator('.bar span')
    .evaluate((bar) => parseFloat((bar as HTMLElement).style.width));

describe.each(LOOKS)('a widget showing results ($scheme, $width px)', ({ scheme, width }) => {
  let context: BrowserContext;
  let page: Page;
  const shot = async (state: string) => {
    if (SHOTS_DIR)
      await page.screenshot({ path: `${SHOTS_DIR}/widget-${state}-${width}-${scheme}.png`, fullPage: true });
  };

  beforeAll(async () => {
    context = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 700 } });
    page = await context.newPage();
  });
  afterAll(async () => context?.close());

  it('updates bars, shares, counts and the total in place when someone else votes, and says so politely', async () => {
    await page.goto(`${server.url}/embed/standup`);
    await voteInWidget(page);
    await expectCaughtUp(page, server.url, 'standup');
    await shot('before');
    // A mark that a reload would wipe out.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const live = page.locator('[aria-live="polite"]');
    await expect(live.textContent()).resolves.toBe('');

    const voted = await vote(server.url, 'standup', ['no']);
    expect(voted.status).toBe(201);
    const total = await expectCaughtUp(page, server.url, 'standup');
    await expect.poll(() => live.textContent()).toBe(`${total} responses — updated`);

    const { body } = await request(`${server.url}/api/polls/standup/results`);
    const no = body.options.find((o: { key: string }) => o.key === 'no');
    await expect(barWidth(page, 'No')).resolves.toBeCloseTo(no.share * 100, 1);
    await expect(page.locator('.headline').innerText()).resolves.toMatch(new RegExp(`of ${total} responses\\.$`));
    // Still the same page, with this browser's choice still marked.
    await expect(page.evaluate(() => 'notReloaded' in window)).resolves.toBe(true);
    await expect(optionRow(page, 'Yes').getByText('Your choice').isVisible()).resolves.toBe(true);
    // The bars glide to their new widths; the picture is of where they arrive.
    await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
    await shot('after');
    expect(await axeViolations(page)).toEqual([]);

    // Another vote moments later moves the numbers at once, but the announcement waits out its
    // 30 s: the region still says the total it said last.
    expect((await vote(server.url, 'standup', ['sometimes'])).status).toBe(201);
    const later = await expectCaughtUp(page, server.url, 'standup');
    expect(later).toBe(total + 1);
    await expect(live.textContent()).resolves.toBe(`${total} responses — updated`);
  });
});

describe('a widget embedded on another site, third-party cookies blocked', () => {
  let host: Server;
  let hostUrl: string;
  let blocking: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const port = await freePort();
    host = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      // A narrow column, so the headline wraps differently as the numbers change.
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Team page</title></head>
<body><main style="width:300px"><h1>Team page</h1><div data-peer-poll="standup-host"></div>
<script async src="${server.url}/embed.js"></script></main></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
    // "localhost" is another site than the widget's 127.0.0.1.
    hostUrl = `http://localhost:${port}/`;
    blocking = await launchChromium(['--test-third-party-cookie-phaseout']);
    context = await blocking.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await blocking?.close();
    await new Promise((resolve) => host?.close(resolve));
  });

  it('updates a voter-only widget live and keeps the iframe sized to it', async () => {
    const page = await context.newPage();
    await page.goto(hostUrl);
    const frame = page.frameLocator('div[data-peer-poll] iframe');
    await voteInWidget(frame);
    // Up to 30 responses the total line carries the small-sample note; past it the line is shorter.
    let cookie: string | undefined;
    for (let i = 0; i < 30; i++) {
      const voted = await vote(server.url, 'standup-host', ['sometimes']);
      expect(voted.status).toBe(201);
      cookie = voterCookie(voted.headers); // a voter may read these results
    }
    await expectCaughtUp(frame, server.url, 'standup-host', { cookie });
    await expect(frame.locator('.n').innerText()).resolves.toBe('31 responses');
    await expect
      .poll(
        async () => {
          const inner = await frame.locator('body').evaluate((body) => Math.ceil(body.getBoundingClientRect().height));
          const outer = await page
            .locator('div[data-peer-poll] iframe')
            .evaluate((iframe) => iframe.getBoundingClientRect().height);
          return Math.abs(inner - outer);
        },
        { timeout: 5000 },
      )
      .toBeLessThanOrEqual(1);
  });
});

/** The status a new stream gets; a stream that opens is closed again at once, freeing its place. */
async function streamStatus(url: string): Promise<number> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  controller.abort();
  return response.status;
}

describe('reconnecting', () => {
  it('comes back after the server restarts on the same port and shows a later vote, without a reload', async () => {
    const context = await browser.newContext();
    try {
      await withRestartableServer(async (server) => {
        await createPoll(server.url, { slug: 'restart', ...LIVE_POLL });
        const page = await context.newPage();
        await page.goto(`${server.url}/embed/restart`);
        await voteInWidget(page);
        await page.evaluate(() => Object.assign(window, { notReloaded: true }));

        await server.restart();
        expect((await vote(server.url, 'restart', ['no'])).status).toBe(201);

        // EventSource waits the server's 2 s before trying again, then more while the port is closed.
        await expectCaughtUp(page, server.url, 'restart', { timeout: 20_000 });
        await expect(page.locator('.n').innerText()).resolves.toMatch(/^2 responses/);
        await expect(page.evaluate(() => 'notReloaded' in window)).resolves.toBe(true);
      });
    } finally {
      await context.close();
    }
  });

  it('keeps trying when the server refuses the stream (503 streams_full) and goes live once there is room', async () => {
    const dir = tempDir();
    const full = await startServer({ dir, env: { MAX_STREAMS: '1' } });
    const first = await browser.newContext();
    const second = await browser.newContext();
    try {
      await createPoll(full.url, { slug: 'crowded', ...LIVE_POLL });
      const holder = await first.newPage();
      await holder.goto(`${full.url}/embed/crowded`);
      await voteInWidget(holder);
      // The first widget holds the only stream once a vote cast elsewhere reaches it. Probing
      // before that would race it for the one place (and push it into its back-off).
      expect((await vote(full.url, 'crowded', ['no'])).status).toBe(201);
      await expectCaughtUp(holder, full.url, 'crowded', { timeout: 30_000 });
      // A second stream is refused.
      expect(await streamStatus(`${full.url}/api/polls/crowded/results/stream`)).toBe(503);

      const waiting = await second.newPage();
      await waiting.goto(`${full.url}/embed/crowded`);
      await voteInWidget(waiting);
      await expect(waiting.locator('.n').innerText()).resolves.toMatch(/^3 responses/);

      await holder.close(); // its stream ends, which makes room
      expect((await vote(full.url, 'crowded', ['no'])).status).toBe(201);
      // The refused widget retries with a growing delay (about 2, 4, 8 s …) and then catches up.
      await expectCaughtUp(waiting, full.url, 'crowded', { timeout: 30_000 });
      await expect(waiting.locator('.n').innerText()).resolves.toMatch(/^4 responses/);
    } finally {
      await first.close();
      await second.close();
      await full.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
