/**
 * The owner's side of the question types over HTTP: the editor offers ranked choice and rating
 * scales and the write-in "Other"; polls are created and shown again through the admin form
 * (no JavaScript); refusals come back next to their field with nothing stored; the write-in
 * answers are grouped on the admin page and exported as CSV for the owner only, escaped and
 * neutralised, and never reach the public pages or API.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request } from '../support/api';
import { useServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

const pollJson = async (slug: string) => (await request(`${server.url}/api/polls/${slug}`)).body;
const page = async (path: string, cookie: string) =>
  (await request(`${server.url}${path}`, { headers: { cookie } })).body as string;
const create = (cookie: string, fields: Record<string, string>) =>
  formPost(server.url, '/admin/polls/new', fields, { cookie });
/** A JSON vote with a write-in; every call is a new browser (no cookie) on a poll without a duplicate check. */
const voteOther = (slug: string, other: string, choices: string[] = []) =>
  request(`${server.url}/api/polls/${slug}/votes`, { method: 'POST', json: { choices, other } });

/** Text as the browser shows it from Astro's escaped HTML. */
const decoded = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const optionsText = (html: string) =>
  decoded(/<textarea id="options"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '');
const fieldError = (html: string, field: string) =>
  decoded(new RegExp(`<p class="field-error" id="${field}-error">\\s*([^<]+?)\\s*</p>`).exec(html)?.[1] ?? '');
const checkedType = (html: string) =>
  [...html.matchAll(/<input type="radio" name="type" value="(\w+)" checked/g)].map((m) => m[1]);
const fieldValue = (html: string, name: string) =>
  new RegExp(`<input id="${name}" name="${name}" value="([^"]*)"`).exec(html)?.[1];
const allowOtherChecked = (html: string) =>
  /<input type="checkbox" id="allowOther" name="allowOther" checked/.test(html);
/** The rows of the write-in table: [text as shown, count]. */
const writeInRows = (html: string) => {
  const section = /<section class="card write-ins[^"]*"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return [
    ...section.matchAll(
      /<th scope="row" class="write-in-text"[^>]*>\s*([\s\S]*?)\s*<\/th>\s*<td class="num"[^>]*>(\d+)<\/td>/g,
    ),
  ].map((m) => [decoded(m[1]!), Number(m[2])]);
};

describe('the editor offers the question types', () => {
  it('four types, each with what it asks of a voter; rank counts; the write-in box with its hint', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const html = await page('/admin/polls/new', cookie);
    for (const [value, name, description] of [
      ['single', 'Single choice', 'voters pick one option'],
      ['multiple', 'Multiple choice', 'voters tick one or more options'],
      ['ranked', 'Ranked choice', 'voters order the options; counted by instant runoff'],
      ['rating', 'Rating scale', 'one number on a scale, e.g. 1–5'],
    ]) {
      expect(html).toMatch(
        new RegExp(
          `<input type="radio" name="type" value="${value}"[^>]* id="type-${value}" aria-describedby="type-${value}-hint"[^>]*>\\s*<label for="type-${value}"[^>]*>${name}</label>`,
        ),
      );
      expect(html).toMatch(new RegExp(`id="type-${value}-hint"[^>]*>\\s*${description}\\s*<`));
    }
    expect(checkedType(html)).toEqual(['single']);
    expect(html).toMatch(/<span class="when-ranked"[^>]*>\s*Voters must rank at least\s*<\/span>/);
    expect(html).toMatch(/<span class="when-ranked"[^>]*>\s*Voters may rank at most\s*<\/span>/);
    expect(html).toMatch(/Allow “Other” with a write-in box\s*<\/label>/);
    expect(html).toContain('aria-describedby="allowOther-hint"');
    expect(html).toMatch(/id="values-hint"[^>]*>[^<]*“Very poor \| 1”/);
    // The quick fills wait for the script: hidden as served.
    expect(html).toMatch(/<div class="quick-fill"[^>]*data-quick-fill[^>]*hidden/);
  });
});

describe('creating each type with the form', () => {
  it('a ranked poll with its rank counts, shown again to edit', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await create(cookie, {
      question: 'Rank these rollout tactics',
      options: 'Pilot\nSponsor\nShared problem\nStop stale projects',
      type: 'ranked',
      minChoices: '2',
      maxChoices: '3',
      // Left over from an ordered single choice: a ranked poll is unordered whatever it says.
      scale: 'ordinal',
      slug: 'tactics',
    });
    expect(response.status).toBe(303);
    const poll = await pollJson('tactics');
    expect(poll).toMatchObject({ type: 'ranked', scale: 'nominal', minChoices: 2, maxChoices: 3, allowOther: false });
    expect(poll.options.map((o: { key: string }) => o.key)).toEqual([
      'pilot',
      'sponsor',
      'shared-problem',
      'stop-stale-projects',
    ]);
    const html = await page('/admin/polls/tactics', cookie);
    expect(checkedType(html)).toEqual(['ranked']);
    expect(fieldValue(html, 'minChoices')).toBe('2');
    expect(fieldValue(html, 'maxChoices')).toBe('3');
    expect(optionsText(html)).toBe('Pilot\nSponsor\nShared problem\nStop stale projects');
  });

  it('a rating scale typed as plain numbers: each is its own value', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    expect(
      (await create(cookie, { question: 'How useful?', options: '1\n2\n3\n4\n5', type: 'rating', slug: 'useful' }))
        .status,
    ).toBe(303);
    const poll = await pollJson('useful');
    expect(poll).toMatchObject({ type: 'rating', scale: 'ordinal', minChoices: 1, maxChoices: 1 });
    expect(poll.options.map((o: { label: string; value: number }) => [o.label, o.value])).toEqual([
      ['1', 1],
      ['2', 2],
      ['3', 3],
      ['4', 4],
      ['5', 5],
    ]);
    const html = await page('/admin/polls/useful', cookie);
    expect(checkedType(html)).toEqual(['rating']);
    expect(optionsText(html)).toBe('1\n2\n3\n4\n5');
  });

  it('a rating scale with labels in words, "label | value", shown again with its values and saved unchanged', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const typed = 'Very poor | 1\nPoor | 2\n3\nGood | 4\nExcellent | 5';
    expect(
      (await create(cookie, { question: 'How was onboarding?', options: typed, type: 'rating', slug: 'onboarding' }))
        .status,
    ).toBe(303);
    const before = await pollJson('onboarding');
    expect(before.options.map((o: { label: string; value: number }) => [o.label, o.value])).toEqual([
      ['Very poor', 1],
      ['Poor', 2],
      ['3', 3],
      ['Good', 4],
      ['Excellent', 5],
    ]);
    const html = await page('/admin/polls/onboarding', cookie);
    expect(optionsText(html)).toBe(typed);
    const saved = await formPost(
      server.url,
      '/admin/polls/onboarding',
      { action: 'update', question: 'How was onboarding?', type: 'rating', options: optionsText(html) },
      { cookie },
    );
    expect(saved.status).toBe(303);
    expect((await pollJson('onboarding')).options).toEqual(before.options);
  });

  it('single and multiple choice with "Other": the box ticked again, "Other" not among the lines', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    for (const type of ['single', 'multiple']) {
      const slug = `tracker-${type}`;
      const response = await create(cookie, {
        question: `Tracker (${type})?`,
        options: 'Linear\nGitHub Issues',
        type,
        allowOther: 'on',
        slug,
      });
      expect(response.status).toBe(303);
      const poll = await pollJson(slug);
      expect(poll.allowOther).toBe(true);
      // The public poll lists the owner's options; "Other" is the write-in box.
      expect(poll.options.map((o: { key: string }) => o.key)).toEqual(['linear', 'github-issues']);
      const html = await page(`/admin/polls/${slug}`, cookie);
      expect(allowOtherChecked(html)).toBe(true);
      expect(optionsText(html)).toBe('Linear\nGitHub Issues');
      // Saving the form as shown keeps the write-ins; unticking turns them off (no votes yet).
      const edit = (fields: Record<string, string>) =>
        formPost(
          server.url,
          `/admin/polls/${slug}`,
          { action: 'update', question: `Tracker (${type})?`, type, options: optionsText(html), ...fields },
          { cookie },
        );
      expect((await edit({ allowOther: 'on' })).status).toBe(303);
      expect((await pollJson(slug)).allowOther).toBe(true);
      expect((await edit({})).status).toBe(303);
      expect((await pollJson(slug)).allowOther).toBe(false);
      expect(allowOtherChecked(await page(`/admin/polls/${slug}`, cookie))).toBe(false);
    }
  });
});

describe('refusals, next to their field, creating nothing', () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      '"Other" on a ranked poll',
      { type: 'ranked', options: 'A\nB\nC', allowOther: 'on' },
      'allowOther',
      /^Only single- and multiple-choice polls can take a write-in "Other"/,
    ],
    [
      '"Other" on a rating scale',
      { type: 'rating', options: '1\n2\n3', allowOther: 'on' },
      'allowOther',
      /^Only single- and multiple-choice polls can take a write-in "Other"/,
    ],
    [
      '"Other" on an ordered scale',
      { options: 'Low\nHigh', scale: 'ordinal', allowOther: 'on' },
      'allowOther',
      /^An ordered scale cannot take a write-in "Other"/,
    ],
    [
      'a rating value that is not a number',
      { type: 'rating', options: 'Very poor | one\nGood | 2' },
      'options',
      /^Option 1's value "one" is not a number/,
    ],
    [
      'a range on a rating scale',
      { type: 'rating', options: 'Low | 1-2\nHigh | 3' },
      'options',
      /^Option 1 has a range \(1-2\); a point of a rating scale takes one number/,
    ],
    [
      'a rating point in words without its number',
      { type: 'rating', options: 'Very poor\nGood | 2' },
      'options',
      /^Option 1 \("Very poor"\) needs a number on the scale/,
    ],
    [
      'a single number on an ordered scale',
      { options: 'Low | 4\nHigh | 4-8', scale: 'ordinal' },
      'options',
      /^Option 1 has one number \(4\) after its bar; a range needs two/,
    ],
    [
      'numbers after a bar on a ranked poll',
      { type: 'ranked', options: 'A | 1\nB' },
      'options',
      /^Option 1 has numbers after its bar \(1\); the options of a ranked poll are labels only/,
    ],
    [
      'more ranks than options',
      { type: 'ranked', options: 'A\nB', maxChoices: '3' },
      'maxChoices',
      /^Voters cannot rank more options than there are \(2\)/,
    ],
  ])('%s', async (_name, fields, field, sentence) => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await create(cookie, { question: 'Refused?', slug: 'refused', ...fields });
    expect(response.status).toBe(422);
    expect(fieldError(response.body, field)).toMatch(sentence);
    expect(response.body).toMatch(new RegExp(`aria-describedby="[^"]*${field}-error`));
    // The owner's choices come back to be corrected, not lost.
    expect(optionsText(response.body)).toBe(fields.options);
    expect(checkedType(response.body)).toEqual([fields.type ?? 'single']);
    expect(allowOtherChecked(response.body)).toBe(fields.allowOther === 'on');
    expect((await request(`${server.url}/api/polls/refused`)).status).toBe(404);
  });
});

describe('write-in answers', () => {
  const HOSTILE = '<script>alert(1)</script>';
  const FORMULA = '=HYPERLINK("http://evil.example","click")';

  it('are grouped on the admin page, exported as CSV for the owner, and never shown publicly', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    await create(cookie, {
      question: 'Which tracker do you use?',
      options: 'Linear\nGitHub Issues',
      allowOther: 'on',
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      slug: 'trackers',
    });
    const empty = await page('/admin/polls/trackers', cookie);
    expect(empty).toMatch(/<h2 id="write-ins-heading"[^>]*>Write-in answers<\/h2>/);
    expect(empty).toContain('No write-in answers yet.');

    for (const text of ['Jira', ' jira ', 'JIRA.', HOSTILE, FORMULA])
      expect((await voteOther('trackers', text)).status).toBe(201);
    expect((await voteOther('trackers', 'Youtrack', ['linear'])).status).toBe(422);
    expect(
      (await request(`${server.url}/api/polls/trackers/votes`, { method: 'POST', json: { choices: ['linear'] } }))
        .status,
    ).toBe(201);

    const html = await page('/admin/polls/trackers', cookie);
    expect(writeInRows(html)).toEqual([
      ['JIRA.', 3],
      [HOSTILE, 1],
      [FORMULA, 1],
    ]);
    expect(decoded(html)).toContain('5 write-in answers, 3 distinct answers');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(HOSTILE);
    expect(html).toMatch(
      /<a class="button button-secondary" href="\/admin\/polls\/trackers\/other.csv" download[^>]*>Write-ins as CSV<\/a>/,
    );

    const csv = await request(`${server.url}/admin/polls/trackers/other.csv`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="trackers-other.csv"');
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const lines = (csv.body as string).split('\r\n');
    expect(lines[0]).toBe('time,text');
    expect(lines.slice(1, -1).map((line) => line.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/, ''))).toEqual(
      [
        'Jira',
        'jira',
        'JIRA.',
        HOSTILE,
        // Neutralised: a spreadsheet shows the text instead of running the formula.
        `"'=HYPERLINK(""http://evil.example"",""click"")"`,
      ],
    );
    expect(lines.at(-1)).toBe('');

    // Public pages and the public API show the count of "Other", never a text.
    const results = await request(`${server.url}/api/polls/trackers/results`);
    expect(results.body.options.find((o: { key: string }) => o.key === 'other')).toMatchObject({
      label: 'Other',
      votes: 5,
    });
    for (const path of [
      '/polls/trackers',
      '/polls/trackers/results',
      '/api/polls/trackers',
      '/api/polls/trackers/results',
      '/embed/trackers',
    ]) {
      const body = JSON.stringify((await request(`${server.url}${path}`)).body);
      expect(body.toLowerCase(), path).not.toContain('jira');
      expect(body, path).not.toContain('alert(1)');
      expect(body, path).not.toContain('HYPERLINK');
    }
  });

  it('the CSV is refused without a session, or with a forged one, and a missing poll is 404', async () => {
    await createPoll(server.url, { slug: 'guarded', question: 'Guarded?', options: ['A', 'B'], allowOther: true });
    await voteOther('guarded', 'secret text');
    for (const headers of [{}, { cookie: 'pp_admin=forged-forged-forged-forged-forged-forged-f' }] as Record<
      string,
      string
    >[]) {
      const response = await request(`${server.url}/admin/polls/guarded/other.csv`, { headers });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/admin');
      expect(response.body).not.toContain('secret text');
    }
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    expect((await request(`${server.url}/admin/polls/nope/other.csv`, { headers: { cookie } })).status).toBe(404);
  });

  it('no section on a poll without write-ins', async () => {
    await createPoll(server.url, { slug: 'plain', question: 'Plain?', options: ['A', 'B'] });
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    expect(await page('/admin/polls/plain', cookie)).not.toContain('Write-in answers');
  });
});

describe('a ranked poll’s admin page', () => {
  it('labels the table "First choices" and says the runoff’s winner', async () => {
    await createPoll(server.url, {
      slug: 'capital',
      question: 'Capital?',
      type: 'ranked',
      duplicatePolicy: 'none',
      options: ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'],
    });
    const ballots: [number, string[]][] = [
      [42, ['memphis', 'nashville', 'chattanooga', 'knoxville']],
      [26, ['nashville', 'chattanooga', 'knoxville', 'memphis']],
      [15, ['chattanooga', 'knoxville', 'nashville', 'memphis']],
      [17, ['knoxville', 'chattanooga', 'nashville', 'memphis']],
    ];
    for (const [times, choices] of ballots) {
      for (let i = 0; i < times; i++) {
        const response = await request(`${server.url}/api/polls/capital/votes`, { method: 'POST', json: { choices } });
        expect(response.status).toBe(201);
      }
    }
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const html = await page('/admin/polls/capital', cookie);
    expect(html).toMatch(/<h3[^>]*>First choices<\/h3>/);
    expect(decoded(html)).toMatch(/Winner after 3 rounds of instant runoff: Knoxville\./);
  });
});
