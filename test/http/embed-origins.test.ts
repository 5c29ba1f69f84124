/**
 * Who may frame a widget, over HTTP: EMBED_ALLOWED_ORIGINS with the site-wide list an admin keeps
 * at /admin/embedding and a poll's own list, in the widget's frame-ancestors — at once after an
 * edit, page cache or not. And the compact, iframe-only widget and its oEmbed.
 */
import { describe, expect, it } from 'vitest';
import { compactWidgetHeight } from '@/lib/embed';
import { SITE_AUDIT_KEY, SITE_EMBED_ORIGINS_SETTING } from '@/lib/embed-origins';
import { createPoll, formPost, loginAsAdmin, request } from '../support/api';
import { withRawDatabase } from '../support/raw-database';
import { createSurvey } from '../support/surveys';
import { ADMIN_TOKEN, useServer, withServer, type RunningServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const SHAREPOINT = 'https://*.sharepoint.com';
const TEAMS = 'https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft';

const server = useServer({
  env: { ADMIN_PASSWORD: PASSWORD },
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'plain', question: 'Plain?', options: ['Yes', 'No'] });
    await createPoll(url, {
      slug: 'own',
      question: 'Own list?',
      options: ['Yes', 'No'],
      embedOrigins: ['https://wiki.example.org'],
    });
    await createSurvey(url, {
      slug: 'pulse',
      title: 'Pulse',
      questions: [{ question: 'Happy?', type: 'single', options: ['Yes', 'No'], required: true }],
    });
  },
});

const frameAncestors = async (url: string, headers: Record<string, string> = {}) => {
  const response = await request(url, { headers });
  expect(response.status).toBe(200);
  return /frame-ancestors ([^;]+)/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
};

const storedSetting = (running: RunningServer) =>
  withRawDatabase(running.databaseUrl, async (db) => {
    const [row] = await db.query<{ value: string }>('select value from settings where key = ?', [
      SITE_EMBED_ORIGINS_SETTING,
    ]);
    return row?.value ?? null;
  });

const auditRows = (running: RunningServer) =>
  withRawDatabase(running.databaseUrl, (db) =>
    db.query<{ actor: string; action: string; details: string }>(
      'select actor, action, details from audit_log where poll_slug = ? order by id',
      [SITE_AUDIT_KEY],
    ),
  );

/** The admin page's form post: every value posted under "embedOrigins", as ticks and the text box do. */
const siteForm = (entries: string[]) => entries.map((entry) => `embedOrigins=${encodeURIComponent(entry)}`).join('&');

describe('EMBED_ALLOWED_ORIGINS unset', () => {
  it('lets any site frame a widget while no list is kept, and only us frame other pages', async () => {
    expect(await frameAncestors(`${server.url}/embed/plain`)).toBe("'self' *");
    expect(await frameAncestors(`${server.url}/embed/surveys/pulse`)).toBe("'self' *");
    expect(await frameAncestors(`${server.url}/polls/plain`)).toBe("'none'");
  });

  it('narrows a poll to its own list when the site keeps none (EMBED_ALLOWED_ORIGINS unset: the admin lists decide)', async () => {
    expect(await frameAncestors(`${server.url}/embed/own`)).toBe("'self' https://wiki.example.org");
  });

  it('shows the admin page only with a session, linked from the admin navigation', async () => {
    const anonymous = await request(`${server.url}/admin/embedding`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/admin');
    const posted = await formPost(server.url, '/admin/embedding', siteForm([SHAREPOINT]));
    expect(posted.status).toBe(303);
    expect(await storedSetting(server)).toBeNull();

    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const home = await request(`${server.url}/admin`, { headers: { cookie } });
    expect(home.body).toMatch(/<a href="\/admin\/embedding"[^>]*>Embedding<\/a>/);
    const page = await request(`${server.url}/admin/embedding`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).toContain('SharePoint Online');
    expect(page.body).toContain('Microsoft Teams tabs');
    expect(page.body).toContain('Confluence Cloud');
    expect(page.body).toContain(`value="${TEAMS}"`);
  });

  it('refuses a cross-site post, storing nothing', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(server.url, '/admin/embedding', siteForm([SHAREPOINT]), {
      cookie,
      origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(await storedSetting(server)).toBeNull();
    expect(await auditRows(server)).toEqual([]);
  });

  it.each([
    ['a path', 'https://intranet.example.com/pages'],
    ['a bare star', '*'],
    ['a top-level wildcard', 'https://*.com'],
    ['not a URL', 'intranet'],
    ['a script scheme', 'javascript:alert(1)'],
  ])('refuses %s with 422 and the field marked, storing nothing', async (_name, entry) => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(server.url, '/admin/embedding', siteForm([SHAREPOINT, entry]), { cookie });
    expect(response.status).toBe(422);
    const html = response.body as string;
    expect(html).toMatch(/role="alert"[^>]*>\s*Nothing was saved/);
    expect(html).toContain('<p class="field-error" id="embedOrigins-error">');
    expect(html).toContain('aria-invalid="true"');
    // What was typed stays in the form to correct; the tick stays ticked.
    expect(html).toMatch(new RegExp(`value="https://\\*\\.sharepoint\\.com" checked`));
    expect(await storedSetting(server)).toBeNull();
    expect(await auditRows(server)).toEqual([]);
    expect(await frameAncestors(`${server.url}/embed/plain`)).toBe("'self' *");
  });

  it('saves the ticked hosts and typed origins, audits the change and frames by them at once, page cache or not', async () => {
    // Warm the page cache with the open header (a visitor without cookies is served a kept copy).
    expect(await frameAncestors(`${server.url}/embed/plain`)).toBe("'self' *");
    expect(await frameAncestors(`${server.url}/embed/plain`)).toBe("'self' *");
    expect(await frameAncestors(`${server.url}/embed/plain?layout=compact`)).toBe("'self' *");

    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/embedding',
      siteForm([
        SHAREPOINT,
        TEAMS,
        'HTTPS://Intranet.Example.com/\nhttps://intranet.example.com, http://localhost:8080',
      ]),
      { cookie },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/embedding?saved');
    const list = `${SHAREPOINT} ${TEAMS} https://intranet.example.com http://localhost:8080`;
    expect(await storedSetting(server)).toBe(list);
    expect(await auditRows(server)).toEqual([
      { actor: expect.stringMatching(/^session:/), action: 'embed_origins', details: list },
    ]);

    expect(await frameAncestors(`${server.url}/embed/plain`)).toBe(`'self' ${list}`);
    expect(await frameAncestors(`${server.url}/embed/plain?layout=compact`)).toBe(`'self' ${list}`);
    expect(await frameAncestors(`${server.url}/embed/surveys/pulse`)).toBe(`'self' ${list}`);
    // A poll's own list adds to the site's.
    expect(await frameAncestors(`${server.url}/embed/own`)).toBe(`'self' ${list} https://wiki.example.org`);

    const saved = await request(`${server.url}/admin/embedding?saved`, { headers: { cookie } });
    expect(saved.body).toContain('Saved.');
    expect(saved.body).toMatch(new RegExp(`value="${TEAMS.replace(/[.*]/g, '\\$&')}" checked`));
    expect(saved.body).toContain('embed_origins');
  });

  it("follows an edit of a poll's own list at once", async () => {
    const site = (await storedSetting(server))!;
    expect(await frameAncestors(`${server.url}/embed/own`)).toBe(`'self' ${site} https://wiki.example.org`);
    const patched = await request(`${server.url}/api/admin/polls/own`, {
      method: 'PATCH',
      json: { embedOrigins: ['https://*.atlassian.net'] },
      token: ADMIN_TOKEN,
    });
    expect(patched.status).toBe(200);
    expect(await frameAncestors(`${server.url}/embed/own`)).toBe(`'self' ${site} https://*.atlassian.net`);
  });

  it('keeps a poll list from the poll form (ticks and typed origins), and refuses a bad one with the field marked', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const base =
      'question=Form%20list%3F&options=A%0AB&slug=form-list&type=single&resultsVisibility=always&duplicatePolicy=none';
    const bad = await formPost(
      server.url,
      '/admin/polls/new',
      `${base}&embedOrigins=${encodeURIComponent('ftp://x.example')}`,
      {
        cookie,
      },
    );
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('<p class="field-error" id="embedOrigins-error">');
    expect((await request(`${server.url}/api/polls/form-list`)).status).toBe(404);

    const good = await formPost(
      server.url,
      '/admin/polls/new',
      `${base}&embedOrigins=${encodeURIComponent('https://*.atlassian.net')}&embedOrigins=${encodeURIComponent('https://hub.example.com')}`,
      { cookie },
    );
    expect(good.status).toBe(303);
    const site = (await storedSetting(server))!;
    expect(await frameAncestors(`${server.url}/embed/form-list`)).toBe(
      `'self' ${site} https://*.atlassian.net https://hub.example.com`,
    );
    const edit = await request(`${server.url}/admin/polls/form-list`, { headers: { cookie } });
    expect(edit.body).toMatch(/value="https:\/\/\*\.atlassian\.net" checked/);
    expect(edit.body).toMatch(/<textarea id="embedOrigins-other"[^>]*>https:\/\/hub\.example\.com<\/textarea>/);
  });
});

describe('EMBED_ALLOWED_ORIGINS set', () => {
  it('is a floor the admin lists add to', async () => {
    await withServer(
      { env: { ADMIN_PASSWORD: PASSWORD, EMBED_ALLOWED_ORIGINS: 'https://floor.example.com' } },
      async (running) => {
        await createPoll(running.url, { slug: 'p', question: 'P?', options: ['Yes', 'No'] });
        await createPoll(running.url, {
          slug: 'q',
          question: 'Q?',
          options: ['Yes', 'No'],
          embedOrigins: ['https://wiki.example.org'],
        });
        expect(await frameAncestors(`${running.url}/embed/p`)).toBe("'self' https://floor.example.com");
        expect(await frameAncestors(`${running.url}/embed/q`)).toBe(
          "'self' https://floor.example.com https://wiki.example.org",
        );
        const cookie = await loginAsAdmin(running.url, PASSWORD);
        const page = await request(`${running.url}/admin/embedding`, { headers: { cookie } });
        expect(page.body).toContain('this list adds to it');
        await formPost(running.url, '/admin/embedding', siteForm([SHAREPOINT]), { cookie });
        expect(await frameAncestors(`${running.url}/embed/p`)).toBe(`'self' https://floor.example.com ${SHAREPOINT}`);
        expect(await frameAncestors(`${running.url}/embed/q`)).toBe(
          `'self' https://floor.example.com ${SHAREPOINT} https://wiki.example.org`,
        );
        // Clearing the site list leaves the operator's floor.
        expect((await formPost(running.url, '/admin/embedding', 'embedOrigins=', { cookie })).status).toBe(303);
        expect(await frameAncestors(`${running.url}/embed/p`)).toBe("'self' https://floor.example.com");
      },
    );
  });
});

describe('the compact widget', () => {
  it('renders the dense layout and keeps it across the no-JavaScript vote', async () => {
    const page = await request(`${server.url}/embed/plain?layout=compact`);
    expect(page.body).toContain('data-layout="compact"');
    expect(page.body).toContain('action="/embed/plain?layout=compact"');
    const token = /name="device" value="([^"]+)"/.exec(page.body)![1]!;
    const voted = await formPost(server.url, '/embed/plain?layout=compact', { choice: 'yes', device: token });
    expect(voted.status).toBe(303);
    expect(voted.headers.get('location')).toBe('/embed/plain?layout=compact');
    const dark = await request(`${server.url}/embed/plain?theme=dark&layout=compact`);
    expect(dark.body).toContain('action="/embed/plain?theme=dark&#38;layout=compact"');
  });

  it('is offered by oEmbed (layout=compact, or a compact widget URL) at its fixed height, the contract unchanged', async () => {
    const poll = (await request(`${server.url}/api/polls/plain`)).body;
    const height = compactWidgetHeight(poll);
    for (const query of [
      `url=${encodeURIComponent(`${server.url}/polls/plain`)}&format=json&layout=compact`,
      `url=${encodeURIComponent(`${server.url}/embed/plain?layout=compact`)}&format=json`,
    ]) {
      const { status, body } = await request(`${server.url}/oembed?${query}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ version: '1.0', type: 'rich', width: 560, height });
      expect(body.html).toContain(`src="${server.url}/embed/plain?layout=compact"`);
      expect(body.html).toContain(`height="${height}"`);
    }
    const standard = await request(`${server.url}/oembed?url=${encodeURIComponent(`${server.url}/polls/plain`)}`);
    expect(standard.body.html).toContain(`src="${server.url}/embed/plain"`);
  });

  it('opens every link in a new tab, before and after the vote, in either layout (a sandboxed host allows no _top)', async () => {
    for (const path of ['/embed/plain', '/embed/plain?layout=compact']) {
      const ballot = await request(`${server.url}${path}`);
      const token = /name="device" value="([^"]+)"/.exec(ballot.body)![1]!;
      const voted = await formPost(server.url, path, { choice: 'no', device: token });
      const results = await request(`${server.url}${voted.headers.get('location')}`, {
        headers: {
          cookie: voted.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; '),
        },
      });
      for (const html of [ballot.body as string, results.body as string]) {
        const anchors = [...html.matchAll(/<a\s[^>]*>/g)].map((m) => m[0]);
        expect(anchors.length).toBeGreaterThan(0);
        for (const anchor of anchors) {
          expect(anchor).toContain('target="_blank"');
          expect(anchor).toMatch(/rel="[^"]*noopener/);
        }
      }
      expect(results.body).toContain('Thanks — your vote is counted.');
    }
  });

  it('is offered in the embed box of the poll page', async () => {
    const page = await request(`${server.url}/polls/plain`);
    expect(page.body).toContain('iframe only, fixed height');
    expect(page.body).toContain(`${server.url}/embed/plain?layout=compact`);
  });
});
