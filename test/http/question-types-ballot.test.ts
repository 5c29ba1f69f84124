/**
 * The ballots of the new question types over HTTP, as a browser without JavaScript posts them:
 * ranked (one select per rank, in rank order), rating and the write-in "Other", on the poll page
 * and in the widget. A refused ballot is a 422 page with the reason in role="alert", the voter's
 * entries kept, and nothing stored. Write-in texts never reach a public page or the public API.
 */
import { describe, expect, it } from 'vitest';
import { cookieFrom, formPost, request } from '../support/api';
import { createQuestionTypePolls } from '../support/question-type-polls';
import { withRawDatabase } from '../support/raw-database';
import { useServer } from '../support/server';

/** A write-in nobody else would type, to look for on every public surface. */
const SECRET_TEXT = 'Zephyr-Basecamp <b>9</b>';

const server = useServer({ setup: ({ url }) => createQuestionTypePolls(url, ['capital', 'widget-capital']) });

/* eslint-disable @typescript-eslint/no-explicit-any -- results JSON, its shape checked by the assertions */
const results = async (slug: string): Promise<any> => (await request(`${server.url}/api/polls/${slug}/results`)).body;
/* eslint-enable @typescript-eslint/no-explicit-any */

const positions = async (slug: string) =>
  Object.fromEntries(
    ((await results(slug)).ranked.positions as { key: string; counts: number[] }[]).map((p) => [p.key, p.counts]),
  );

/** Rows of a poll in a table of the database (nothing stored = no new row). */
const rowsIn = (table: 'vote_rankings' | 'other_answers', slug: string): Promise<number> =>
  withRawDatabase(server.databaseUrl, async (db) => {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${table} t JOIN polls p ON p.id = t.poll_id WHERE p.slug = ?`,
      [slug],
    );
    return row!.n;
  });

const post = (path: string, fields: [string, string][]) =>
  formPost(server.url, path, new URLSearchParams(fields).toString());

const ranks = (...keys: string[]) => keys.map((key): [string, string] => ['choice', key]);

/** A refusal: 422, the sentence in the page's alert. */
function expectRefused(response: { status: number; body: unknown }, sentence: string) {
  expect(response.status).toBe(422);
  const alert = /role="alert"[^>]*>([\s\S]*?)<\/(?:div|p)>/.exec(response.body as string)?.[1] ?? '';
  expect(alert.replace(/\s+/g, ' ')).toContain(sentence.replace(/"/g, '&quot;'));
}

describe('the ranked ballot without JavaScript', () => {
  it('offers one labelled select per rank, each with an empty "—" and every option', async () => {
    const html = (await request(`${server.url}/polls/capital`)).body as string;
    const fieldset = /<fieldset[^>]*>([\s\S]*?)<\/fieldset>/.exec(html)![1]!;
    expect(fieldset).toContain('Where should the capital of Tennessee be?</h1></legend>');
    expect(fieldset).toContain('Rank up to 4 options, favourite first.');
    const selects = [
      ...fieldset.matchAll(
        /<label class="rank-select">\s*<span>([^<]+)<\/span>\s*<select([^>]*)>([\s\S]*?)<\/select>/g,
      ),
    ];
    expect(selects.map((s) => s[1])).toEqual(['1st choice', '2nd choice', '3rd choice', '4th choice']);
    // Only the first rank is required (minChoices 1).
    expect(selects.map((s) => /\brequired\b/.test(s[2]!))).toEqual([true, false, false, false]);
    for (const [, , attributes, options] of selects) {
      expect(attributes).toContain('name="choice"');
      expect(
        [...options!.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((o) => `${o[1]}=${o[2]!.trim()}`),
      ).toEqual(['=—', 'memphis=Memphis', 'nashville=Nashville', 'chattanooga=Chattanooga', 'knoxville=Knoxville']);
    }
    // At least two of at most three ranks: the first two are required, and the hint says so.
    const top = (await request(`${server.url}/polls/top-tools`)).body as string;
    expect(top).toContain('Rank at least 2 and up to 3 options, favourite first.');
    expect(top.match(/<select name="choice" required/g)).toHaveLength(2);
    expect(top.match(/<select name="choice"/g)).toHaveLength(3);
  });

  it('stores the ranking in rank order and redirects to the results', async () => {
    const voted = await post('/polls/capital', ranks('knoxville', 'chattanooga', 'nashville', 'memphis'));
    expect(voted.status).toBe(303);
    expect(voted.headers.get('location')).toBe('/polls/capital/results');
    const body = await results('capital');
    expect(body.totalResponses).toBe(1);
    expect(body.ranked.rounds[0].tallies).toEqual([
      { key: 'memphis', votes: 0 },
      { key: 'nashville', votes: 0 },
      { key: 'chattanooga', votes: 0 },
      { key: 'knoxville', votes: 1 },
    ]);
    expect(await positions('capital')).toEqual({
      memphis: [0, 0, 0, 1],
      nashville: [0, 0, 1, 0],
      chattanooga: [0, 1, 0, 0],
      knoxville: [1, 0, 0, 0],
    });
  });

  it('skips a rank left blank: the next one moves up', async () => {
    const voted = await post('/polls/capital', ranks('memphis', '', 'nashville', ''));
    expect(voted.status).toBe(303);
    const counts = await positions('capital');
    expect(counts.memphis).toEqual([1, 0, 0, 1]);
    expect(counts.nashville).toEqual([0, 1, 1, 0]);
    expect((await results('capital')).totalResponses).toBe(2);
  });

  it('refuses an option ranked twice with 422, keeps the ranks chosen, stores nothing', async () => {
    const before = await rowsIn('vote_rankings', 'capital');
    const refused = await post('/polls/capital', [
      ...ranks('nashville', 'knoxville', 'nashville'),
      ['profile-region', 'emea'],
    ]);
    expectRefused(refused, 'Each option can be ranked only once.');
    const html = refused.body as string;
    const chosen = [...html.matchAll(/<select name="choice"[^>]*>[\s\S]*?<\/select>/g)].map(
      (select) => /<option value="([^"]+)" selected/.exec(select[0])?.[1] ?? '',
    );
    expect(chosen).toEqual(['nashville', 'knoxville', 'nashville', '']);
    expect(html).toMatch(/<option value="emea" selected/);
    expect(await rowsIn('vote_rankings', 'capital')).toBe(before);
    expect((await results('capital')).totalResponses).toBe(2);
  });

  it('refuses too few ranks (422) and too many is impossible to post as more ranks are refused', async () => {
    expectRefused(await post('/polls/top-tools', ranks('jira', '', '')), 'Rank at least 2');
    expect((await post('/polls/top-tools', ranks('jira', 'asana', 'linear', 'notion'))).status).toBe(422);
    expect((await results('top-tools')).totalResponses).toBe(0);
    expect((await post('/polls/top-tools', ranks('jira', '', 'asana'))).status).toBe(303);
    expect(await positions('top-tools')).toMatchObject({ jira: [1, 0, 0, 0, 0], asana: [0, 1, 0, 0, 0] });
  });

  it('refuses an unknown option with 422', async () => {
    expect((await post('/polls/capital', ranks('atlanta'))).status).toBe(422);
  });
});

describe('the rating ballot', () => {
  it('shows the scale as native radios with their labels, and stores a vote', async () => {
    const html = (await request(`${server.url}/polls/workshop`)).body as string;
    const points = [
      ...html.matchAll(
        /<label class="scale-point">\s*<input type="radio" name="choice" value="([^"]+)"[^>]*>\s*<span class="scale-value">(\d)<\/span>\s*<span class="scale-label">([^<]+)<\/span>/g,
      ),
    ];
    expect(points.map((p) => `${p[2]} ${p[3]}`)).toEqual([
      '1 Not at all',
      '2 Slightly',
      '3 Somewhat',
      '4 Very',
      '5 Extremely',
    ]);
    const keys = points.map((p) => p[1]!);
    expect((await post('/polls/workshop', [['choice', keys[3]!]])).status).toBe(303);
    expect((await post('/polls/workshop', [['choice', keys[4]!]])).status).toBe(303);
    const body = await results('workshop');
    expect(body.rating.mean).toBe(4.5);
    expect(body.totalResponses).toBe(2);
  });

  it('refuses a ballot with no point chosen (422)', async () => {
    expect((await post('/polls/workshop', [])).status).toBe(422);
    expect((await results('workshop')).totalResponses).toBe(2);
  });
});

describe('the write-in "Other"', () => {
  it('ends the options with an "Other" radio and a labelled text box of at most 200 characters', async () => {
    const html = (await request(`${server.url}/polls/tool`)).body as string;
    expect(html).toMatch(/<input type="radio" name="choice" value="other"[^>]*>\s*<span>Other<\/span>/);
    expect(html).toMatch(
      /<label class="other-text">\s*<span class="visually-hidden">Other \(please specify\)<\/span>\s*<input type="text" name="other" maxlength="200"/,
    );
    const multi = (await request(`${server.url}/polls/tools`)).body as string;
    expect(multi).toMatch(/<input type="checkbox" name="choice" value="other"/);
  });

  it('counts the text as the option "other", and the text appears on no public page, API or widget', async () => {
    const before = await rowsIn('other_answers', 'tool');
    const voted = await post('/polls/tool', [
      ['choice', 'other'],
      ['other', SECRET_TEXT],
    ]);
    expect(voted.status).toBe(303);
    // The text alone (nothing picked) counts too.
    expect((await post('/polls/tool', [['other', 'Basecamp']])).status).toBe(303);
    // A voter who typed and then picked another option changed their mind: the text is ignored.
    expect(
      (
        await post('/polls/tool', [
          ['choice', 'jira'],
          ['other', 'Monday'],
        ])
      ).status,
    ).toBe(303);
    expect(await rowsIn('other_answers', 'tool')).toBe(before + 2);
    const body = await results('tool');
    expect(body.options.find((o: { key: string }) => o.key === 'other')).toMatchObject({ label: 'Other', votes: 2 });
    expect(body.options.find((o: { key: string }) => o.key === 'jira')).toMatchObject({ votes: 1 });

    const surfaces = [
      JSON.stringify(body),
      (await request(`${server.url}/api/polls/tool`)).body,
      (await request(`${server.url}/api/polls/tool/results.csv`)).body,
      (await request(`${server.url}/polls/tool/results`)).body,
      (await request(`${server.url}/polls/tool`)).body,
      (await request(`${server.url}/embed/tool`)).body,
    ].map((surface) => (typeof surface === 'string' ? surface : JSON.stringify(surface)));
    // The widget after voting in it shows the results; the text is not there either.
    const widgetVote = await post('/embed/tool', [
      ['choice', 'trello'],
      ['device', deviceToken((await request(`${server.url}/embed/tool`)).body as string)],
    ]);
    const cookie = cookieFrom(widgetVote.headers, 'pp_widget_voter');
    const widget = (await request(`${server.url}/embed/tool`, { headers: { cookie } })).body as string;
    expect(widget).toContain('<ol aria-label="Results"');
    surfaces.push(widget);
    for (const surface of surfaces) {
      for (const needle of ['Zephyr', 'Basecamp', 'Monday']) expect(surface).not.toContain(needle);
    }
  });

  it('refuses "Other" chosen with an empty text (422 invalid_other), keeps the entries, stores nothing', async () => {
    const before = await rowsIn('other_answers', 'tool');
    const total = (await results('tool')).totalResponses;
    const refused = await post('/polls/tool', [
      ['choice', 'other'],
      ['other', '   '],
    ]);
    expectRefused(refused, 'Write your answer for "Other", or choose another option.');
    expect(refused.body).toMatch(/<input type="radio" name="choice" value="other" checked/);
    expect((await results('tool')).totalResponses).toBe(total);
    expect(await rowsIn('other_answers', 'tool')).toBe(before);
  });

  it('keeps a text that is too long after the refusal, escaped', async () => {
    const long = `"><b>${'x'.repeat(210)}`;
    const refused = await post('/polls/tools', [
      ['choice', 'jira'],
      ['other', long],
    ]);
    expectRefused(refused, 'Keep the "Other" answer to 200 characters.');
    // The quote is escaped, so the text stays inside the attribute.
    expect(refused.body).toContain(`name="other" maxlength="200" value="&#34;><b>${'x'.repeat(210)}"`);
    expect(refused.body).toMatch(/value="jira" checked/);
  });

  it('on a multiple-choice ballot, the text ticks "Other"', async () => {
    const voted = await post('/polls/tools', [
      ['choice', 'jira'],
      ['other', 'Basecamp'],
    ]);
    expect(voted.status).toBe(303);
    const body = await results('tools');
    expect(body.options.find((o: { key: string }) => o.key === 'other').votes).toBe(1);
    expect(body.options.find((o: { key: string }) => o.key === 'jira').votes).toBe(1);
  });
});

const deviceToken = (html: string) => /name="device" value="([^"]+)"/.exec(html)![1]!;

describe('the widget', () => {
  const widgetPost = async (slug: string, fields: [string, string][]) => {
    const token = deviceToken((await request(`${server.url}/embed/${slug}`)).body as string);
    return post(`/embed/${slug}`, [...fields, ['device', token]]);
  };

  it('ranks through one select per rank, and says the winner above the first choices', async () => {
    const html = (await request(`${server.url}/embed/widget-capital`)).body as string;
    expect(html.match(/<select name="choice"/g)).toHaveLength(4);
    expect(html).toContain('<span>4th choice</span>');
    expect(html).not.toContain('rank-ui');
    // The Tennessee example in small: 4 × Memphis first, 3 × Nashville > Chattanooga, 2 × Chattanooga > Knoxville.
    const ballots = [
      ...Array(4).fill(['memphis', 'nashville', 'chattanooga', 'knoxville']),
      ...Array(3).fill(['nashville', 'chattanooga', 'knoxville', 'memphis']),
      ...Array(2).fill(['chattanooga', 'knoxville', 'nashville', 'memphis']),
    ] as string[][];
    let cookie = '';
    for (const ballot of ballots) {
      const voted = await widgetPost('widget-capital', ranks(...ballot));
      expect(voted.status).toBe(303);
      expect(voted.headers.get('location')).toBe('/embed/widget-capital');
      cookie = cookieFrom(voted.headers, 'pp_widget_voter');
    }
    const body = await results('widget-capital');
    expect(body.ranked.winner).toBe('nashville');
    // Knoxville (no first choices), then Chattanooga are eliminated; Nashville beats Memphis 5–4.
    expect(body.ranked.rounds).toHaveLength(3);
    const after = (await request(`${server.url}/embed/widget-capital`, { headers: { cookie } })).body as string;
    expect(after).toMatch(
      /<p class="headline">Nashville wins with 56% of the 9 ballots still counting in round 3, after Knoxville and Chattanooga were eliminated\.<\/p>/,
    );
    expect(after).toMatch(/<p class="muted">First choices<\/p>\s*<ol aria-label="First choices"/);
    // Only the voter's first choice is theirs among the first-choice bars.
    expect(after.match(/class="mine"/g)).toHaveLength(1);
    expect(after).toMatch(/Chattanooga\s*<strong class="mine">Your 1st choice<\/strong>/);
  });

  it('refuses a duplicate rank with the reason in its alert and the ranks kept, storing nothing', async () => {
    const total = (await results('widget-capital')).totalResponses;
    const refused = await widgetPost('widget-capital', ranks('knoxville', 'knoxville'));
    expectRefused(refused, 'Each option can be ranked only once.');
    expect((refused.body as string).match(/<option value="knoxville" selected/g)).toHaveLength(2);
    expect((await results('widget-capital')).totalResponses).toBe(total);
  });

  it('takes a rating and says the average, and the mean with its interval', async () => {
    const widget = (await request(`${server.url}/embed/workshop`)).body as string;
    const keys = [...widget.matchAll(/name="choice" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys).toHaveLength(5);
    const voted = await widgetPost('workshop', [['choice', keys[2]!]]);
    expect(voted.status).toBe(303);
    const cookie = cookieFrom(voted.headers, 'pp_widget_voter');
    const after = (await request(`${server.url}/embed/workshop`, { headers: { cookie } })).body as string;
    // 4, 5 and 3: mean 4, t-interval 4 ± 4.303 × 1/√3 = 1.5–6.5, shown within the scale.
    expect(after).toContain('<p class="headline">The average rating is 4, from 3 responses.</p>');
    expect(after).toMatch(
      /<p class="muted rating" data-scale="1 2 3 4 5">\s*Mean 4 \(95% interval 1\.5–5\) · Median 4 · Standard deviation 1 · n = 3\s*<\/p>/,
    );
  });

  it('takes an "Other" text, and refuses "Other" without one (422)', async () => {
    const html = (await request(`${server.url}/embed/tools`)).body as string;
    expect(html).toMatch(/<input type="text" name="other" maxlength="200"[^>]*aria-label="Other \(please specify\)"/);
    const before = await rowsIn('other_answers', 'tools');
    const refused = await widgetPost('tools', [
      ['choice', 'other'],
      ['other', ''],
    ]);
    expectRefused(refused, 'Write your answer for "Other", or choose another option.');
    expect(await rowsIn('other_answers', 'tools')).toBe(before);
    const voted = await widgetPost('tools', [
      ['choice', 'other'],
      ['other', 'Basecamp'],
    ]);
    expect(voted.status).toBe(303);
    expect(await rowsIn('other_answers', 'tools')).toBe(before + 1);
    const cookie = cookieFrom(voted.headers, 'pp_widget_voter');
    const after = (await request(`${server.url}/embed/tools`, { headers: { cookie } })).body as string;
    expect(after).toMatch(/Other\s*<strong class="mine">Your choice<\/strong>/);
    expect(after).not.toContain('Basecamp');
  });
});
