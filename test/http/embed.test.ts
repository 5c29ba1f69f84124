/** The widget, the loader and oEmbed, over HTTP against the built server. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { newDeviceId, signWidgetToken } from '@/lib/voter';
import { cookieFrom, createPoll, formPost, request, vote } from '../support/api';
import { ADMIN_TOKEN, useServer, withServer } from '../support/server';

/** SPEC.md: the widget's first render, everything included, is at most 10 KB gzip. */
const WIDGET_BUDGET_BYTES = 10 * 1024;
/** SPEC.md: the loader is at most 3 KB gzip. */
const LOADER_BUDGET_BYTES = 3 * 1024;
/** Known to the test so it can forge tokens the way a hostile page cannot. */
const SECRET = 'embed-test-secret-embed-test-secret-0123';

const server = useServer({
  env: {
    SEED_DEMO: '1',
    EMBED_ALLOWED_ORIGINS: 'https://intranet.example.com http://localhost:8080',
    VOTER_KEY_SECRET: SECRET,
  },
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'widget',
      question: 'Widget <i>poll</i>?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_vote',
    });
    await createPoll(url, {
      slug: 'sealed',
      question: 'Sealed?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_close',
    });
    await createPoll(url, {
      slug: 'upcoming',
      question: 'Upcoming?',
      options: ['Yes', 'No'],
      opensAt: new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString(),
    });
    // The heaviest ballot the widget can show: every profile question, 25 answers in all.
    await createPoll(url, {
      slug: 'profiled',
      question: 'Which of these AI uses are in production at your company?',
      options: ['Code assistants', 'Customer support', 'Document search', 'Forecasting', 'None of these'],
      type: 'multiple',
      profile: ['role', 'industry', 'companySize', 'region'],
    });
    // The new question types' heaviest widgets: four ranks of four options, and a write-in.
    await createPoll(url, {
      slug: 'ranked-profiled',
      question: 'Where should the capital of Tennessee be?',
      options: ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'],
      type: 'ranked',
      profile: ['role', 'industry', 'companySize', 'region'],
    });
    await createPoll(url, {
      slug: 'write-in',
      question: 'Which tools does your team use?',
      options: ['Trello', 'Jira', 'Asana', 'Linear'],
      type: 'multiple',
      allowOther: true,
      profile: ['role', 'industry', 'companySize', 'region'],
    });
  },
});

const frameAncestors = (headers: Headers) =>
  /frame-ancestors ([^;]+)/.exec(headers.get('content-security-policy') ?? '')?.[1];

const deviceToken = (html: string) => /name="device" value="([^"]+)"/.exec(html)![1]!;

/**
 * Every file the widget's first render loads, the page first: its stylesheets and scripts and,
 * following their static imports, the shared modules those scripts pull in (a dynamic import()
 * would load later and is not followed). Each must come from our own origin.
 */
async function firstRenderFiles(html: string): Promise<string[]> {
  const queue = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+)"/g)].map((m) => m[1]!);
  const files = new Map<string, string>();
  while (queue.length > 0) {
    const asset = queue.shift()!;
    if (files.has(asset)) continue;
    expect(asset).toMatch(/^\/(?!\/)/);
    const body = (await request(`${server.url}${asset}`)).body as string;
    files.set(asset, body);
    if (!asset.endsWith('.js')) continue;
    for (const [, imported] of body.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+)["']/g)) {
      queue.push(new URL(imported!, `http://widget${asset}`).pathname);
    }
  }
  return [html, ...files.values()];
}

const gzipBytes = (files: string[]) => files.reduce((sum, text) => sum + gzipSync(text, { level: 9 }).length, 0);

describe('framing headers', () => {
  it('lets the configured origins (and our own pages) frame /embed/*', async () => {
    const response = await request(`${server.url}/embed/widget`);
    expect(response.status).toBe(200);
    expect(frameAncestors(response.headers)).toBe("'self' https://intranet.example.com http://localhost:8080");
  });

  it.each(['/', '/polls/widget', '/polls/widget/results', '/api/polls', '/oembed?url=x', '/no-such-page'])(
    "answers frame-ancestors 'none' on %s",
    async (path) => {
      const response = await request(`${server.url}${path}`);
      expect(frameAncestors(response.headers)).toBe("'none'");
    },
  );
});

describe('GET /embed/{slug}', () => {
  it('renders a chrome-less ballot with a device token and a link to the full results', async () => {
    const { status, body } = await request(`${server.url}/embed/widget`);
    expect(status).toBe(200);
    const html = body as string;
    expect(html).toContain('<legend>Widget &lt;i&gt;poll&lt;/i&gt;?</legend>');
    expect(html).toMatch(/<form method="post" action="\/embed\/widget">/);
    expect(deviceToken(html)).toMatch(/^[\w-]{22}\.\d+\.\d+\.[\w-]{43}$/);
    expect(html).toMatch(/href="\/polls\/widget\/results" target="_blank" rel="noopener noreferrer"/);
    expect(html).not.toContain('class="site-header"');
    expect(html).not.toMatch(/chart/i);
  });

  it.each([
    ['?theme=dark', 'dark'],
    ['?theme=light', 'light'],
    ['?theme=auto', 'auto'],
    ['?theme=<script>', 'auto'],
    ['', 'auto'],
  ])('honours %s as data-theme="%s"', async (query, theme) => {
    const { body } = await request(`${server.url}/embed/widget${query}`);
    expect(body).toContain(`data-theme="${theme}"`);
  });

  it('answers an unknown poll with a 404 widget', async () => {
    const { status, body } = await request(`${server.url}/embed/nope`);
    expect(status).toBe(404);
    expect(body).toContain('Poll not found');
  });

  it('says when a scheduled poll opens, as a <time> the local-time script rewrites, and nothing else', async () => {
    const html = (await request(`${server.url}/embed/upcoming`)).body as string;
    expect(html).toMatch(
      /This poll opens\s+(?:<script[^>]*><\/script>\s*)?<time datetime="[^"]+Z"[^>]*>[^<]+UTC \(in 3 days\)<\/time>/,
    );
    expect(html).not.toContain('shown to people who have voted');
  });

  // The scheduled widget is the one that also loads the local-time script; the profiled one
  // carries all four "About you" selects and the script that remembers their answers; the ranked
  // one four rank selects of four options besides, and the write-in one its "Other" box.
  it.each(['ai-projects-in-production', 'upcoming', 'profiled', 'ranked-profiled', 'write-in'])(
    `weighs at most ${WIDGET_BUDGET_BYTES} bytes gzip on first render, HTML, CSS and JS included, all first-party (%s)`,
    async (slug) => {
      const html = (await request(`${server.url}/embed/${slug}`)).body as string;
      if (slug.endsWith('profiled')) expect(html.match(/<select name="profile-/g)).toHaveLength(4);
      if (slug === 'ranked-profiled') expect(html.match(/<select name="choice"/g)).toHaveLength(4);
      if (slug === 'write-in') expect(html).toContain('name="other"');
      const files = await firstRenderFiles(html);
      const bytes = gzipBytes(files);
      console.log(`widget first render: ${bytes} bytes gzip (${files.length} files; budget ${WIDGET_BUDGET_BYTES})`);
      expect(bytes).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
    },
  );
});

describe('live results in the widget', () => {
  it(`weighs at most ${WIDGET_BUDGET_BYTES} bytes gzip when it shows live results, everything included`, async () => {
    const voted = await formPost(server.url, '/embed/profiled', 'choice=forecasting');
    const cookie = cookieFrom(voted.headers, 'pp_widget_voter');
    const html = (await request(`${server.url}/embed/profiled`, { headers: { cookie } })).body as string;
    expect(html).toContain('data-stream="/api/polls/profiled/results/stream"');
    const files = await firstRenderFiles(html);
    // The live script is in the first render's JavaScript, not fetched later.
    expect(files.some((text) => text.includes('new EventSource'))).toBe(true);
    const bytes = gzipBytes(files);
    console.log(`widget with live results: ${bytes} bytes gzip (${files.length} files; budget ${WIDGET_BUDGET_BYTES})`);
    expect(bytes).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
  });

  it('streams nothing for a closed poll, whose results no longer change', async () => {
    await createPoll(server.url, { slug: 'finished', question: 'Finished?', options: ['Yes', 'No'] });
    expect((await vote(server.url, 'finished', ['yes'])).status).toBe(201);
    const closed = await request(`${server.url}/api/admin/polls/finished`, {
      method: 'PATCH',
      json: { status: 'closed' },
      token: ADMIN_TOKEN,
    });
    expect(closed.status).toBe(200);
    const html = (await request(`${server.url}/embed/finished`)).body as string;
    expect(html).toContain('This poll is closed.');
    expect(html).toMatch(/<ol aria-label="Results">/);
    expect(html).not.toContain('data-stream');
  });
});

describe('voting in the widget without JavaScript', () => {
  it('posts, redirects back into the widget (no identity in the URL), and shows the results', async () => {
    const ballot = (await request(`${server.url}/embed/widget?theme=dark`)).body as string;
    const token = deviceToken(ballot);
    const voted = await formPost(
      server.url,
      '/embed/widget?theme=dark',
      `choice=yes&device=${encodeURIComponent(token)}`,
    );
    expect(voted.status).toBe(303);
    const location = voted.headers.get('location')!;
    expect(location).toBe('/embed/widget?theme=dark');
    const cookie = cookieFrom(voted.headers, 'pp_widget_voter');

    const after = (await request(`${server.url}${location}`, { headers: { cookie } })).body as string;
    expect(after).toContain('Thanks — your vote is counted.');
    expect(after).toMatch(/<ol aria-label="Results"[^>]*>[\s\S]*Yes[\s\S]*100\.0%/);
    // The open poll's results name their live stream (src/scripts/widget-live.ts) and the total shown.
    expect(after).toMatch(
      /<ol aria-label="Results" data-stream="\/api\/polls\/widget\/results\/stream" data-total="1">/,
    );
    expect(after).toMatch(/<p class="n">1 response · few so far, shares will move a lot<\/p>/);
    expect(after).toMatch(/<p class="headline">[^<]*too close to call, with 1 response\.<\/p>/);
    expect(after).toMatch(/Yes\s*<strong class="mine">Your choice<\/strong>/);
    // Every other row takes the tag's room without its words, so the widget's height (which a
    // host page sees) is the same whichever option was chosen (attack review).
    const rows = after.match(/<li data-key="[^"]+">[\s\S]*?<\/li>/g)!;
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows)
      expect(row).toMatch(/<strong class="mine( unmarked" aria-hidden="true" data-tag="Your choice">)?/);
    expect(after.match(/>Your choice</g)).toHaveLength(1);
    expect(after).not.toContain('<form');
  });

  it('refuses a second vote carrying the same device token (no cookie), storing nothing', async () => {
    const token = deviceToken((await request(`${server.url}/embed/widget`)).body as string);
    expect((await formPost(server.url, '/embed/widget', `choice=no&device=${encodeURIComponent(token)}`)).status).toBe(
      303,
    );
    const again = await formPost(server.url, '/embed/widget', `choice=yes&device=${encodeURIComponent(token)}`);
    expect(again.status).toBe(409);
    expect(again.body).toMatch(/role="alert"[^>]*>\s*You have already voted/);
    expect(again.body).toContain('<ol aria-label="Results"');
  });

  it('never adopts an identity from the URL', async () => {
    const voted = await formPost(
      server.url,
      '/embed/widget',
      `choice=yes&device=${encodeURIComponent(deviceToken((await request(`${server.url}/embed/widget`)).body as string))}`,
    );
    const cookieValue = cookieFrom(voted.headers, 'pp_widget_voter').split('=')[1]!;
    // The old ?d= parameter, with a token or a cookie value a hostile host page learned, changes nothing.
    for (const d of [cookieValue, deviceToken((await request(`${server.url}/embed/widget`)).body as string)]) {
      const page = (await request(`${server.url}/embed/widget?d=${encodeURIComponent(d)}`)).body as string;
      expect(page).toContain('<form');
      expect(page).not.toContain('your vote is counted');
    }
  });

  it('ignores a token of another poll or an expired one: it names no browser', async () => {
    const pollId = Number(deviceToken((await request(`${server.url}/embed/widget`)).body as string).split('.')[1]);
    const sealedToken = deviceToken((await request(`${server.url}/embed/sealed`)).body as string);
    const expired = signWidgetToken(SECRET, newDeviceId(), pollId, Date.now() - 1000);
    for (const token of [sealedToken, expired]) {
      // Were the token adopted, the second post would be refused as the same browser's.
      for (let i = 0; i < 2; i++) {
        const response = await formPost(server.url, '/embed/widget', `choice=no&device=${encodeURIComponent(token)}`);
        expect(response.status).toBe(303);
      }
    }
  });

  it('re-renders the widget with the reason for an invalid ballot', async () => {
    const response = await formPost(server.url, '/embed/widget', 'choice=maybe');
    expect(response.status).toBe(422);
    expect(response.body).toMatch(/role="alert"[\s\S]*not an option/);
    expect(response.body).toContain('<form');
  });

  it('says when results will appear for after_close polls', async () => {
    const response = await formPost(server.url, '/embed/sealed', 'choice=yes');
    const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
    const after = (await request(`${server.url}${response.headers.get('location')}`, { headers: { cookie } }))
      .body as string;
    expect(after).toContain('Results will be shown when the poll closes.');
    expect(after).not.toContain('<ol');
  });

  it('sets a SameSite=None; Secure; Partitioned cookie when the request is secure', async () => {
    await withServer({ env: { TRUST_PROXY: '1' } }, async (secureServer) => {
      await createPoll(secureServer.url, { slug: 's', question: 'S?', options: ['A', 'B'] });
      const response = await request(`${secureServer.url}/embed/s`, {
        method: 'POST',
        body: 'choice=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
      });
      expect(response.status).toBe(303);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('pp_widget_voter='))!;
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; SameSite=None/i);
      expect(cookie).toMatch(/; Partitioned/i);
      expect(cookie).toMatch(/; HttpOnly/i);
    });
  });
});

describe('GET /embed.js', () => {
  it(`is JavaScript of at most ${LOADER_BUDGET_BYTES} bytes gzip`, async () => {
    const response = await request(`${server.url}/embed.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const bytes = gzipSync(response.body as string, { level: 9 }).length;
    console.log(`embed.js: ${bytes} bytes gzip (budget ${LOADER_BUDGET_BYTES})`);
    expect(bytes).toBeLessThanOrEqual(LOADER_BUDGET_BYTES);
    expect(response.body).toContain('peer-polls:resize');
  });
});

describe('GET /oembed', () => {
  const oembed = (query: string) => request(`${server.url}/oembed?${query}`);
  const pageUrl = () => encodeURIComponent(`${server.url}/polls/widget`);

  it('answers a rich oEmbed 1.0 response for a poll page, results page or widget URL', async () => {
    for (const path of ['/polls/widget', '/polls/widget/results', '/embed/widget']) {
      const response = await oembed(`url=${encodeURIComponent(server.url + path)}&format=json`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        version: '1.0',
        type: 'rich',
        provider_name: 'Peer Polls',
        title: 'Widget <i>poll</i>?',
      });
      expect(response.body.html).toContain(`src="${server.url}/embed/widget"`);
      expect(response.body.html).toContain('title="Poll: Widget &lt;i&gt;poll&lt;/i&gt;?"');
    }
  });

  it('respects maxwidth and maxheight', async () => {
    const response = await oembed(`url=${pageUrl()}&maxwidth=300&maxheight=200`);
    expect(response.body).toMatchObject({ width: 300, height: 200 });
    expect(response.body.html).toContain('width="300" height="200"');
  });

  it.each([
    ['a missing url', '', 400],
    ['a foreign url', `url=${encodeURIComponent('https://evil.example/polls/widget')}`, 400],
    ['a malformed maxwidth', `url=${encodeURIComponent('/polls/widget')}&maxwidth=wide`, 400],
    ['an unknown poll', `url=${encodeURIComponent('SELF/polls/nope')}`, 404],
    ['a page that is not a poll', `url=${encodeURIComponent('SELF/about')}`, 404],
    ['format=xml', `url=${encodeURIComponent('SELF/polls/widget')}&format=xml`, 501],
  ])('answers %s with %i', async (_name, query, status) => {
    const response = await oembed(query.replace(encodeURIComponent('SELF'), encodeURIComponent(server.url)));
    expect(response.status).toBe(status);
  });

  it('is discoverable from poll pages', async () => {
    const { body } = await request(`${server.url}/polls/widget`);
    const link = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(body as string);
    expect(link).not.toBeNull();
    const href = link![1]!.replace(/&amp;/g, '&');
    expect((await request(href)).body.type).toBe('rich');
  });
});

describe('embed snippet on poll pages', () => {
  it.each(['/polls/widget', '/polls/ai-projects-in-production/results'])(
    '%s offers iframe, script and oEmbed snippets with a preview',
    async (path) => {
      const { body } = await request(`${server.url}${path}`);
      const html = body as string;
      expect(html).toContain('<summary>Embed this poll</summary>');
      expect(html).toMatch(/<textarea[^>]*>&lt;iframe src=&quot;http:\/\/127\.0\.0\.1:\d+\/embed\//);
      expect(html).toMatch(/&lt;script async src=&quot;http:\/\/127\.0\.0\.1:\d+\/embed\.js&quot;&gt;/);
      expect(html).toMatch(/<div class="embed-preview" data-peer-poll="[^"]+" data-title="Preview of the widget/);
      expect(html).toContain('<script async src="/embed.js"></script>');
    },
  );
});
