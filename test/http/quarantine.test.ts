/**
 * Quarantine over HTTP: the admin poll page's Traffic section flags a burst, its Quarantine and
 * Restore buttons work as form posts with a session (and not without one, nor cross-site), the
 * public results page, widget and JSON (fresh, not a kept copy) say how many votes were excluded,
 * the live stream hears of it, and the vote log CSV marks the votes.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../db/client';
import { createPoll, formPost, loginAsAdmin, request, vote, voterCookie } from '../support/api';
import { openStream } from '../support/event-stream';
import { useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });
const BURST = 25;

function sqlite() {
  return new Database(sqlitePathFromUrl(server.databaseUrl));
}

/** The hidden fields of the form whose action is `action` on an admin page. */
function formFields(html: string, action: string): Record<string, string> {
  const forms = html.split('<form').slice(1);
  const form = forms.find((f) => f.includes(`name="action" value="${action}"`));
  if (!form) throw new Error(`no ${action} form`);
  const fields: Record<string, string> = {};
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[name!] = value!;
  return fields;
}

const counts = () => {
  const db = sqlite();
  try {
    return db
      .prepare(
        `select p.response_count as responses, p.quarantined_count as quarantined,
          (select count(*) from quarantines q where q.poll_id = p.id) as quarantines,
          (select count(*) from audit_log a where a.poll_slug = p.slug) as audits
         from polls p where slug = 'stuffed'`,
      )
      .get() as { responses: number; quarantined: number; quarantines: number; audits: number };
  } finally {
    db.close();
  }
};

describe('quarantine from the admin poll page', () => {
  it('flags a burst, quarantines it, says so in public, and restores it', async () => {
    await createPoll(server.url, {
      slug: 'stuffed',
      question: 'Best editor?',
      options: ['Vim', 'Emacs'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    });
    for (let i = 0; i < BURST; i++) expect((await vote(server.url, 'stuffed', ['vim'])).status).toBe(201);
    // The burst's network (every loopback client is one /24): its hour marked as over the budget,
    // as the vote path does when a budget refuses a vote.
    const db = sqlite();
    const { pollId, prefixKey, hour } = db
      .prepare(
        `select poll_id as pollId, prefix_key as prefixKey, created_at / 3600000 as hour from votes
         where prefix_key is not null limit 1`,
      )
      .get() as { pollId: number; prefixKey: string; hour: number };
    db.prepare(
      `insert into prefix_hour_tallies (poll_id, prefix_key, hour, votes, refused) values (?, ?, ?, ?, 1)
       on conflict do update set refused = refused + 1`,
    ).run(pollId, prefixKey, hour, BURST);
    db.close();

    // A cookie-less reader's JSON, which the page cache may keep: it must not outlive the quarantine.
    expect((await request(`${server.url}/api/polls/stuffed/results`)).body).toMatchObject({
      totalResponses: BURST,
      excludedVotes: 0,
    });
    const stream = await openStream(`${server.url}/api/polls/stuffed/results/stream`);

    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const page = (await request(`${server.url}/admin/polls/stuffed`, { headers: { cookie } })).body as string;
    expect(page).toMatch(/id="traffic-heading"[^>]*>Traffic<\/h2>/);
    expect(page).toContain('Network A');
    expect(page).toMatch(/Quarantine these 25 votes/);
    expect(page).toContain('went over the address budget (1 vote refused)');
    expect(page).not.toContain(prefixKey);
    const burst = formFields(page, 'quarantine');
    expect(burst.network).not.toBe(prefixKey);

    // Without a session: back to the login, nothing written; cross-site with one: 403.
    const before = counts();
    const anonymous = await formPost(server.url, '/admin/polls/stuffed', { ...burst, action: 'quarantine' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/admin');
    const crossSite = await formPost(
      server.url,
      '/admin/polls/stuffed',
      { ...burst, action: 'quarantine' },
      { cookie, origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(counts()).toEqual(before);

    // Malformed and unknown networks are refused in the section's alert.
    const bad = await formPost(
      server.url,
      '/admin/polls/stuffed',
      { ...burst, action: 'quarantine', to: burst.from! },
      { cookie },
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/role="alert"[^>]*>\s*The quarantine form names no burst/);
    const unknown = await formPost(
      server.url,
      '/admin/polls/stuffed',
      { ...burst, action: 'quarantine', network: 'x'.repeat(22) },
      { cookie },
    );
    expect(unknown.status).toBe(404);
    expect(counts()).toEqual(before);

    const done = await formPost(server.url, '/admin/polls/stuffed', { ...burst, action: 'quarantine' }, { cookie });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/polls/stuffed?quarantined=25#traffic');
    expect(counts()).toEqual({ responses: 0, quarantined: BURST, quarantines: 1, audits: before.audits + 1 });
    expect(await stream.next(2)).toBe(true);
    expect(stream.events.at(-1)).toMatchObject({ totalResponses: 0, excludedVotes: BURST });
    stream.close();

    // The same burst again: nothing left to quarantine (until new votes of that network arrive in those hours).
    const again = await formPost(server.url, '/admin/polls/stuffed', { ...burst, action: 'quarantine' }, { cookie });
    expect(again.status).toBe(404);
    expect(again.body).toContain('nothing to quarantine');

    // Votes cast afterwards count.
    let voter = '';
    for (let i = 0; i < 3; i++) {
      const cast = await vote(server.url, 'stuffed', ['emacs']);
      expect(cast.status).toBe(201);
      voter = voterCookie(cast.headers);
    }
    const json = (await request(`${server.url}/api/polls/stuffed/results`)).body;
    expect(json).toMatchObject({ totalResponses: 3, excludedVotes: BURST });
    expect(json.options.map((o: { votes: number }) => o.votes)).toEqual([0, 3]);
    const results = (await request(`${server.url}/polls/stuffed/results`)).body as string;
    expect(results).toContain('25 votes excluded after review.');
    // The widget shows results to a browser that voted.
    const widget = (await request(`${server.url}/embed/stuffed`, { headers: { cookie: voter } })).body as string;
    expect(widget).toContain('25 votes excluded after review.');

    const after = (await request(`${server.url}/admin/polls/stuffed?quarantined=25`, { headers: { cookie } }))
      .body as string;
    expect(after).toContain('25 votes quarantined: out of the public results, kept in the vote log.');
    expect(after).toContain('Quarantined: these votes are out of the public results.');
    expect(after).toMatch(/<td>quarantine<\/td>\s*<td>Network A, /);
    const log = (await request(`${server.url}/admin/polls/stuffed/votes.csv`, { headers: { cookie } })).body as string;
    expect(log.split('\r\n')[0]).toBe('time,choices,source,excluded');
    expect(log.split('\r\n').filter((line) => line.endsWith(',quarantined'))).toHaveLength(BURST);

    // Restore: one click, counts back, the note gone.
    const restore = formFields(after, 'restore');
    const restored = await formPost(server.url, '/admin/polls/stuffed', { ...restore, action: 'restore' }, { cookie });
    expect(restored.status).toBe(303);
    expect(restored.headers.get('location')).toBe('/admin/polls/stuffed?restored=25#traffic');
    expect((await request(`${server.url}/api/polls/stuffed/results`)).body).toMatchObject({
      totalResponses: BURST + 3,
      excludedVotes: 0,
    });
    expect((await request(`${server.url}/polls/stuffed/results`)).body).not.toContain('excluded after review');
    const history = (await request(`${server.url}/admin/polls/stuffed`, { headers: { cookie } })).body as string;
    expect(history).toMatch(/<h3[^>]*>Restored<\/h3>/);
    // The burst is flagged again (the traffic counts every vote that arrived, the 3 later ones too with an address budget in the vote path).
    expect(history).toMatch(/Quarantine these (25|28) votes/);
    const twice = await formPost(server.url, '/admin/polls/stuffed', { ...restore, action: 'restore' }, { cookie });
    expect(twice.status).toBe(404);
    expect(counts()).toMatchObject({ responses: BURST + 3, quarantined: 0, quarantines: 1 });
  });
});
