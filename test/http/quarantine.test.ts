/**
 * Quarantine over HTTP: the admin poll page's Traffic section flags a burst, its Quarantine and
 * Restore buttons work as form posts with a session (and not without one, nor cross-site), the
 * public results page, widget and JSON (fresh, not a kept copy) say how many votes were excluded,
 * the live stream hears of it, and the vote log CSV marks the votes.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request, vote, voterCookie } from '../support/api';
import { openStream } from '../support/event-stream';
import { withRawDatabase } from '../support/raw-database';
import { useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });
const BURST = 25;

/** SQL on the server's database, read-write (`?` placeholders, either store). */
const sql = <Row = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  withRawDatabase(server.databaseUrl, (db) => db.query<Row>(text, params), { write: true });

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

const counts = async () =>
  (
    await sql<{ responses: number; quarantined: number; quarantines: number; audits: number }>(
      `select p.response_count as responses, p.quarantined_count as quarantined,
        (select count(*) from quarantines q where q.poll_id = p.id) as quarantines,
        (select count(*) from audit_log a where a.poll_slug = p.slug) as audits
       from polls p where slug = 'stuffed'`,
    )
  )[0]!;

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
    const [{ pollId, prefixKey, hour }] = await sql<{ pollId: number; prefixKey: string; hour: number }>(
      `select poll_id as "pollId", prefix_key as "prefixKey", created_at / 3600000 as hour from votes
       where prefix_key is not null limit 1`,
    );
    await sql(
      `insert into prefix_hour_tallies (poll_id, prefix_key, hour, votes, refused) values (?, ?, ?, ?, 1)
       on conflict (poll_id, prefix_key, hour) do update set refused = prefix_hour_tallies.refused + 1`,
      [pollId, prefixKey, hour, BURST],
    );

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
    const before = await counts();
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
    expect(await counts()).toEqual(before);

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
    expect(await counts()).toEqual(before);

    const done = await formPost(server.url, '/admin/polls/stuffed', { ...burst, action: 'quarantine' }, { cookie });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/polls/stuffed?quarantined=25#traffic');
    expect(await counts()).toEqual({ responses: 0, quarantined: BURST, quarantines: 1, audits: before.audits + 1 });
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
    // The 3 later votes came from the burst's network: in its hour they reopen it (see the next test).
    const [{ n: inBurstHour }] = await sql<{ n: number }>(
      'select count(*) as n from votes where prefix_key = ? and created_at / 3600000 = ?',
      [prefixKey, hour],
    );
    expect(after).toContain(
      inBurstHour === BURST + 3
        ? 'Quarantine the 3 votes counted since'
        : 'Quarantined: these votes are out of the public results.',
    );
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
    expect(await counts()).toMatchObject({ responses: BURST + 3, quarantined: 0, quarantines: 1 });
  });

  it('reopens a quarantined burst when its network votes again in its hours, and quarantines only those votes', async () => {
    await createPoll(server.url, {
      slug: 'held',
      question: 'Held?',
      options: ['A', 'B'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
    });
    const cast = async (n: number) => {
      for (let i = 0; i < n; i++) expect((await vote(server.url, 'held', ['b'])).status).toBe(201);
    };
    await cast(10);
    const [{ pollId, prefixKey, hour }] = await sql<{ pollId: number; prefixKey: string; hour: number }>(
      `select v.poll_id as "pollId", v.prefix_key as "prefixKey", v.created_at / 3600000 as hour from votes v
       join polls p on p.id = v.poll_id where p.slug = 'held' limit 1`,
    );
    // Flagged as over the budget, as the vote path marks an hour whose budget refused a vote.
    await sql('update prefix_hour_tallies set refused = 1 where poll_id = ? and prefix_key = ?', [pollId, prefixKey]);
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const page = async (query = '') =>
      (await request(`${server.url}/admin/polls/held${query}`, { headers: { cookie } })).body as string;
    const first = await formPost(
      server.url,
      '/admin/polls/held',
      { ...formFields(await page(), 'quarantine'), action: 'quarantine' },
      { cookie },
    );
    expect(first.headers.get('location')).toBe('/admin/polls/held?quarantined=10#traffic');

    // Four more from the same network, in the burst's hour (moved there should the clock have
    // turned the hour meanwhile): they count, and the page must say so and offer to take them.
    await cast(4);
    await sql('update votes set created_at = ? where poll_id = ? and quarantine_id is null', [
      hour * 3_600_000 + 3_599_000,
      pollId,
    ]);
    expect((await request(`${server.url}/api/polls/held/results`)).body).toMatchObject({
      totalResponses: 4,
      excludedVotes: 10,
    });
    const reopened = await page();
    expect(reopened).not.toContain('Quarantined: these votes are out of the public results.');
    expect(reopened.replace(/\s+/g, ' ')).toContain(
      '4 votes of this network in these hours arrived after the quarantine and are counted',
    );
    expect(reopened).toContain('Quarantine the 4 votes counted since');
    const second = await formPost(
      server.url,
      '/admin/polls/held',
      { ...formFields(reopened, 'quarantine'), action: 'quarantine' },
      { cookie },
    );
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe('/admin/polls/held?quarantined=4#traffic');
    expect((await request(`${server.url}/api/polls/held/results`)).body).toMatchObject({
      totalResponses: 0,
      excludedVotes: 14,
    });
    const held = await page();
    expect(held).toContain('Quarantined: these votes are out of the public results.');
    expect(held).not.toContain('name="action" value="quarantine"');

    // A poll older than the default window links to every hour; that view keeps its query on the forms.
    await sql('update polls set created_at = ? where id = ?', [(hour - 72) * 3_600_000, pollId]);
    expect(await page()).toContain('href="/admin/polls/held?traffic=all#traffic"');
    const all = await page('?traffic=all');
    expect(all).toContain('Votes per hour over the poll’s whole life');
    expect(all).toContain('action="/admin/polls/held?traffic=all#traffic"');
    expect(all).toContain('Show the last 48 hours only');
  });
});
