/** The admin UI over HTTP: login, throttling, sessions, CSRF, forms, audit, exports. */
import { describe, expect, it } from 'vitest';
import { hashToken } from '@/lib/admin-session';
import { formPost, loginAsAdmin, loginFrom, request, voteFrom } from '../support/api';
import { storedText, withRawDatabase } from '../support/raw-database';
import { ADMIN_TOKEN, useServer, withServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

/** SQL on the server's database, read-write (`?` placeholders, either store). */
const sql = <Row = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  withRawDatabase(server.databaseUrl, (db) => db.query<Row>(text, params), { write: true });

describe('login', () => {
  it('is disabled, naming ADMIN_PASSWORD, when no password is configured', async () => {
    await withServer({}, async (off) => {
      const { status, body } = await request(`${off.url}/admin`);
      expect(status).toBe(200);
      expect(body).toContain('The admin UI is disabled');
      expect(body).toContain('ADMIN_PASSWORD');
      expect(
        (
          await request(`${off.url}/admin`, {
            method: 'POST',
            body: 'password=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).body,
      ).not.toContain('Dashboard');
    });
  });

  it('shows a login form with a Password field and a Log in button, never cached', async () => {
    const response = await request(`${server.url}/admin`);
    expect(response.body).toMatch(/<label for="password"[^>]*>Password<\/label>/);
    expect(response.body).toMatch(/<button type="submit" class="button"[^>]*>\s*Log in\s*<\/button>/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a wrong password with 401 and the reason in role=alert', async () => {
    const response = await loginFrom('127.0.0.20', server.url, 'nope');
    expect(response.status).toBe(401);
    expect(response.body).toMatch(/role="alert"[^>]*>\s*That password is not right/);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('answers 429 after 5 failures in 15 minutes from one address, while others can still log in', async () => {
    const attempt = (address: string, password: string) => loginFrom(address, server.url, password);
    for (let i = 0; i < 5; i++) expect((await attempt('127.0.0.21', 'wrong')).status).toBe(401);
    const blocked = await attempt('127.0.0.21', PASSWORD); // even the right password waits
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect((await attempt('127.0.0.22', PASSWORD)).status).toBe(303);
  });

  it('starts a session: an HttpOnly, SameSite=Strict, expiring cookie whose token is stored only as a hash', async () => {
    const response = await formPost(server.url, '/admin', { password: PASSWORD });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('pp_admin='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Max-Age=28800/);
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    const stored = await storedText(server);
    expect(stored).toContain(hashToken(token));
    expect(stored).not.toContain(token);
    const dashboard = await request(`${server.url}/admin`, { headers: { cookie: `pp_admin=${token}` } });
    expect(dashboard.body).toMatch(/<h1[^>]*>Polls<\/h1>/);
  });
});

describe('sessions', () => {
  it('expire', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await sql('update admin_sessions set expires_at = ?', [Date.now() - 1000]);
    const page = await request(`${server.url}/admin`, { headers: { cookie } });
    expect(page.body).toContain('Log in');
    expect(page.body).not.toMatch(/<h1[^>]*>Polls<\/h1>/);
  });

  it('are revoked by Log out on the server, not only in the browser', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const out = await formPost(server.url, '/admin/logout', {}, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(
      /pp_admin=;|pp_admin=deleted|Max-Age=0|Expires=Thu, 01 Jan 1970/i,
    );
    const replay = await request(`${server.url}/admin/polls/new`, { headers: { cookie } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/admin');
  });

  it('say "You are logged out" after Log out, and only to a visitor who is', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const out = await formPost(server.url, '/admin/logout', {}, { cookie });
    const location = out.headers.get('location')!;
    expect(location).toBe('/admin?logged-out');
    const page = await request(`${server.url}${location}`);
    expect(page.body).toMatch(/role="status"[^>]*>\s*You are logged out\./);
    expect(page.body).toContain('Log in');
    const stillIn = await loginAsAdmin(server.url, PASSWORD);
    const dashboard = await request(`${server.url}${location}`, { headers: { cookie: stillIn } });
    expect(dashboard.body).not.toContain('You are logged out');
  });

  it('guard every admin page and export', async () => {
    for (const path of [
      '/admin/polls/new',
      '/admin/polls/x',
      '/admin/polls/x/results.csv',
      '/admin/polls/x/votes.csv',
    ]) {
      const response = await request(`${server.url}${path}`, {
        headers: { cookie: 'pp_admin=forged-forged-forged-forged-forged-forged-f' },
      });
      expect(response.status, path).toBe(303);
    }
  });
});

describe('forms', () => {
  it('refuses cross-origin posts (CSRF) with 403 and changes nothing', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'CSRF?', options: 'A\nB', slug: 'csrf' },
      { cookie, origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect((await request(`${server.url}/api/polls/csrf`)).status).toBe(404);
    expect(
      (await formPost(server.url, '/admin', { password: PASSWORD }, { origin: 'https://evil.example' })).status,
    ).toBe(403);
  });

  it('creates a poll from the form, public at once', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      {
        question: 'Which IDE?',
        description: 'Pick one.',
        options: 'VS Code\nIntelliJ\n\nVim  ',
        type: 'single',
        resultsVisibility: 'always',
        duplicatePolicy: 'device',
        opensAt: '',
        closesAt: '2099-01-01T12:00',
        slug: '',
      },
      { cookie },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/polls/which-ide?created');
    const poll = await request(`${server.url}/api/polls/which-ide`);
    expect(poll.body).toMatchObject({
      status: 'open',
      closesAt: '2099-01-01T12:00:00.000Z',
      options: [{ key: 'vs-code' }, { key: 'intellij' }, { key: 'vim' }],
    });

    // The redirect lands on the "Poll created" panel, then the Share box (link with a Copy button,
    // QR code) and the embeds, open.
    const created = await request(`${server.url}/admin/polls/which-ide?created`, { headers: { cookie } });
    const html = created.body as string;
    expect(html).toMatch(/<h2[^>]*id="created-heading"[^>]*>Poll created<\/h2>/);
    expect(html).toMatch(/id="share-url-which-ide"[^>]*value="http:\/\/[^"]+\/polls\/which-ide"/);
    expect(html).toContain('data-copy-link="share-url-which-ide"');
    expect(html).toContain('src="/polls/which-ide/qr.svg"');
    expect(html).toMatch(/<details class="card embed-snippet" open/);
    // Shown once, after creating: the page itself keeps the embeds folded and no panel.
    const later = (await request(`${server.url}/admin/polls/which-ide`, { headers: { cookie } })).body as string;
    expect(later).not.toContain('Poll created');
    expect(later).toMatch(/<details class="card embed-snippet">/);
  });

  it('refuses duplicate options (case and spacing ignored) with a sentence next to the field', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'Editor?', options: 'Vim\nEmacs\n vim ', type: 'single' },
      { cookie },
    );
    expect(response.status).toBe(422);
    expect(response.body).toContain(
      '<p class="field-error" id="options-error">&quot;vim&quot; is listed twice (options 1 and 3); each option must differ by more than case or spacing.</p>',
    );
    expect(response.body).not.toMatch(/element\(s\)|Array must/);
  });

  it('re-renders the form with the values kept and each error next to its field', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      {
        question: '',
        description: 'Keep me',
        options: 'Only one',
        type: 'multiple',
        maxChoices: 'lots',
        opensAt: '2030-01-02T00:00',
        closesAt: '2030-01-01T00:00',
        slug: 'Bad Slug',
      },
      { cookie },
    );
    expect(response.status).toBe(422);
    const html = response.body as string;
    expect(html).toContain('role="alert"');
    expect(html).toContain('>Keep me</textarea>');
    expect(html).toContain('>Only one</textarea>');
    for (const field of ['question', 'options', 'maxChoices', 'slug']) {
      expect(html, field).toMatch(
        new RegExp(`id="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*${field}-error`),
      );
      expect(html, field).toContain(`<p class="field-error" id="${field}-error">`);
    }
  });

  it('edits, closes, reopens and deletes behind a confirmation, recording each change in the audit log', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'Lifecycle?', options: 'A\nB', slug: 'life', duplicatePolicy: 'none', resultsVisibility: 'always' },
      { cookie },
    );
    const admin = (fields: Record<string, string>) => formPost(server.url, '/admin/polls/life', fields, { cookie });
    expect(
      (
        await admin({
          action: 'update',
          question: 'Lifecycle, renamed?',
          options: 'A\nB\nC',
          type: 'single',
          resultsVisibility: 'always',
          duplicatePolicy: 'none',
        })
      ).status,
    ).toBe(303);
    expect((await request(`${server.url}/api/polls/life`)).body.options).toHaveLength(3);
    await voteFrom('127.0.0.30', server.url, 'life', ['c']);
    // With votes the options are locked: the form disables them and ignores them.
    const page = (await request(`${server.url}/admin/polls/life`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/<textarea id="options" name="options" rows="6" disabled/);
    expect(page).toContain('Options and type are locked');
    expect((await admin({ action: 'close' })).status).toBe(303);
    expect((await request(`${server.url}/api/polls/life`)).body.status).toBe('closed');
    expect((await admin({ action: 'reopen' })).status).toBe(303);
    expect((await request(`${server.url}/api/polls/life`)).body.status).toBe('open');
    await request(`${server.url}/api/admin/polls/life`, {
      method: 'PATCH',
      json: { description: 'via API' },
      token: ADMIN_TOKEN,
    });

    const audit = (await request(`${server.url}/admin/polls/life`, { headers: { cookie } })).body as string;
    // The time column is a <time datetime> in UTC; the first one is preceded by the script that
    // rewrites them in the reader's zone (Astro renders a component's script where it is first used).
    const row =
      /<tr>\s*<td>\s*(?:<script[^>]*><\/script>)?\s*<time datetime="[^"]+Z"[^>]*>[^<]+UTC<\/time>\s*<\/td>\s*<td>\s*<code>([^<]+)<\/code>\s*<\/td>\s*<td>([^<]+)<\/td>/g;
    const rows = [...audit.matchAll(row)].map((m) => [m[1]!.trim(), m[2]!.trim()]);
    expect(rows.map((r) => r[1])).toEqual(['update', 'reopen', 'close', 'update', 'create']);
    expect(rows[0]![0]).toBe('api-token');
    expect(rows[1]![0]).toMatch(/^session:[0-9a-f]{12}$/);

    const confirm = await admin({ action: 'delete' });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Yes, delete poll');
    expect((await request(`${server.url}/api/polls/life`)).status).toBe(200);
    expect((await admin({ action: 'delete-confirmed' })).headers.get('location')).toBe('/admin');
    expect((await request(`${server.url}/api/polls/life`)).status).toBe(404);
    const trail = await sql<{ action: string }>("select action from audit_log where poll_slug = 'life' order by id");
    expect(trail.map((r) => r.action)).toEqual(['create', 'update', 'close', 'reopen', 'update', 'delete']);
  });

  it('offers "Open now" and "Close poll" on a scheduled poll, and both work from the page', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const day = 24 * 3600 * 1000;
    for (const slug of ['soon-open', 'soon-close']) {
      const created = await request(`${server.url}/api/admin/polls`, {
        method: 'POST',
        token: ADMIN_TOKEN,
        json: {
          slug,
          question: `${slug}?`,
          options: ['A', 'B'],
          opensAt: new Date(Date.now() + 3 * day).toISOString(),
          closesAt: new Date(Date.now() + 6 * day).toISOString(),
        },
      });
      expect(created.body.status).toBe('scheduled');
      const page = (await request(`${server.url}/admin/polls/${slug}`, { headers: { cookie } })).body as string;
      expect(page).toMatch(/value="open-now"[\s\S]*Open now[\s\S]*value="close"[\s\S]*Close poll/);
      expect(page).toMatch(
        /Opens\s+(?:<script[^>]*><\/script>\s*)?<time datetime="[^"]+Z" data-local data-relative>[^<]+UTC \(in 3 days\)<\/time>/,
      );
    }
    const post = (slug: string, action: string) => formPost(server.url, `/admin/polls/${slug}`, { action }, { cookie });
    expect((await post('soon-open', 'open-now')).status).toBe(303);
    expect((await request(`${server.url}/api/polls/soon-open`)).body.status).toBe('open');
    // The reported bug: closing a scheduled poll failed with "closesAt: must be later than opensAt".
    expect((await post('soon-close', 'close')).status).toBe(303);
    expect((await request(`${server.url}/api/polls/soon-close`)).body.status).toBe('closed');
    const closedPage = (await request(`${server.url}/admin/polls/soon-close`, { headers: { cookie } })).body as string;
    expect(closedPage).toMatch(/value="reopen"[\s\S]*Reopen poll/);
    expect((await post('soon-close', 'reopen')).status).toBe(303);
    expect((await request(`${server.url}/api/polls/soon-close`)).body.status).toBe('open');
  });

  it('publishes a draft created from the form', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await formPost(
      server.url,
      '/admin/polls/new',
      { question: 'Draft first?', options: 'A\nB', slug: 'drafted', draft: 'on' },
      { cookie },
    );
    expect((await request(`${server.url}/api/polls/drafted`)).status).toBe(404);
    const page = (await request(`${server.url}/admin/polls/drafted`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/value="publish"[\s\S]*Publish poll/);
    expect((await formPost(server.url, '/admin/polls/drafted', { action: 'publish' }, { cookie })).status).toBe(303);
    expect((await request(`${server.url}/api/polls/drafted`)).body.status).toBe('open');
    const audit = (await request(`${server.url}/admin/polls/drafted`, { headers: { cookie } })).body as string;
    expect(audit).toMatch(/<td>\s*publish\s*<\/td>/);
  });

  it('publishes a draft with a planned opening as scheduled, keeping the plan', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const opensAt = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
    await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      token: ADMIN_TOKEN,
      json: { slug: 'planned', question: 'Planned?', options: ['A', 'B'], status: 'draft', opensAt },
    });
    expect((await formPost(server.url, '/admin/polls/planned', { action: 'publish' }, { cookie })).status).toBe(303);
    expect((await request(`${server.url}/api/polls/planned`)).body).toMatchObject({ status: 'scheduled', opensAt });
    const page = (await request(`${server.url}/admin/polls/planned`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/<td>\s*publish\s*<\/td>/);
    expect(page).toContain('Open now');
  });

  it('exports the aggregate and the anonymised vote log as CSV', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await formPost(
      server.url,
      '/admin/polls/new',
      {
        question: 'Export?',
        options: 'Red\nBlue',
        slug: 'export',
        type: 'multiple',
        resultsVisibility: 'after_close',
        duplicatePolicy: 'none',
      },
      { cookie },
    );
    await voteFrom('127.0.0.31', server.url, 'export', ['red', 'blue']);
    await voteFrom('127.0.0.32', server.url, 'export', ['blue']);
    const aggregate = await request(`${server.url}/admin/polls/export/results.csv`, { headers: { cookie } });
    expect(aggregate.headers.get('cache-control')).toBe('no-store');
    expect((aggregate.body as string).split('\r\n').slice(0, 3)).toEqual([
      'key,label,votes,share,ci95_low,ci95_high',
      expect.stringMatching(/^red,Red,1,0\.5,/),
      expect.stringMatching(/^blue,Blue,2,1,/),
    ]);
    const log = (await request(`${server.url}/admin/polls/export/votes.csv`, { headers: { cookie } })).body as string;
    const lines = log.trim().split('\r\n');
    expect(lines[0]).toBe('time,choices,source,excluded');
    expect(lines.slice(1).map((l) => l.split(',').slice(1))).toEqual([
      ['red blue', 'api', ''],
      ['blue', 'api', ''],
    ]);
    expect(log).not.toMatch(/127\.0\.0\.|pp_voter|[A-Za-z0-9_-]{43}/);
  });
});
