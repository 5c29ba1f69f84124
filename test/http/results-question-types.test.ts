/**
 * The results page and the rounds CSV of the new question types, as a browser without JavaScript
 * and a client of the API get them: a ranked poll with the Tennessee example's ballots (the
 * winner in words, every round, the rank positions, first choices), a final tie, an empty ranked
 * poll; rating polls with ten answers (statistics worked by hand) and one; a write-in poll whose
 * texts never reach the page; the rounds CSV's 403 and 404s. Polls are made through the admin
 * API and voted through the JSON API.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { useServer } from '../support/server';

const TENNESSEE: [string[], number][] = [
  [['memphis', 'nashville', 'chattanooga', 'knoxville'], 42],
  [['nashville', 'chattanooga', 'knoxville', 'memphis'], 26],
  [['chattanooga', 'knoxville', 'nashville', 'memphis'], 15],
  [['knoxville', 'chattanooga', 'nashville', 'memphis'], 17],
];
const WRITE_IN = '<b>Helix</b> secret-write-in';

async function ballot(base: string, slug: string, body: Record<string, unknown>, times = 1) {
  for (let i = 0; i < times; i++) {
    const response = await request(`${base}/api/polls/${slug}/votes`, { method: 'POST', json: body });
    if (response.status >= 300) throw new Error(`vote failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

const ranked = (slug: string, question: string, options: string[], extra: Record<string, unknown> = {}) => ({
  slug,
  question,
  type: 'ranked',
  options,
  resultsVisibility: 'always',
  duplicatePolicy: 'none',
  ...extra,
});

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(
      url,
      ranked('capital', 'Where should the capital be?', ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville']),
    );
    for (const [choices, times] of TENNESSEE) await ballot(url, 'capital', { choices }, times);
    await createPoll(url, ranked('tie', 'Tabs or spaces?', ['Tabs', 'Spaces', 'Both']));
    await ballot(url, 'tie', { choices: ['tabs'] }, 2);
    await ballot(url, 'tie', { choices: ['spaces'] }, 2);
    await ballot(url, 'tie', { choices: ['both'] });
    await createPoll(url, ranked('empty-ranked', 'Rank your editors', ['Vim', 'Emacs', 'VS Code']));
    await createPoll(
      url,
      ranked('hidden-ranked', 'Shown after close?', ['Yes', 'No'], {
        resultsVisibility: 'after_close',
        closesAt: '2099-01-01T00:00:00Z',
      }),
    );
    await ballot(url, 'hidden-ranked', { choices: ['yes', 'no'] });
    const rating = {
      type: 'rating',
      options: ['1', '2', '3', '4', '5'],
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
    };
    await createPoll(url, { slug: 'rating', question: 'How useful was it?', ...rating });
    // 2, 3, 3, 4, 4, 4, 4, 5, 5, 5
    for (const [value, times] of [
      ['2', 1],
      ['3', 2],
      ['4', 4],
      ['5', 3],
    ] as const) {
      await ballot(url, 'rating', { choices: [value] }, times);
    }
    await createPoll(url, { slug: 'rating-one', question: 'How was lunch?', ...rating });
    await ballot(url, 'rating-one', { choices: ['4'] });
    await createPoll(url, { slug: 'rating-none', question: 'How was dinner?', ...rating });
    await createPoll(url, {
      slug: 'editor',
      question: 'Which editor do you use?',
      options: ['Vim', 'Emacs'],
      allowOther: true,
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
    });
    await ballot(url, 'editor', { choices: [], other: WRITE_IN }, 2);
    await ballot(url, 'editor', { choices: ['vim'] }, 3);
  },
});

const decode = (html: string) =>
  html
    .replace(/&#38;|&amp;/g, '&')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
/** Text of an HTML fragment as read: tags dropped, whitespace collapsed. */
const text = (html: string) =>
  decode(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

async function page(slug: string) {
  const { status, body } = await request(`${server.url}/polls/${slug}/results`);
  return { status, html: body as string };
}

const headline = (html: string) => text(/<p class="headline"[^>]*>([\s\S]*?)<\/p>/.exec(html)![1]!);

const section = (html: string, id: string) =>
  new RegExp(`<section[^>]*aria-labelledby="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html)?.[1] ?? null;

/** The header and body rows' cell texts of the table whose caption starts with `caption`. */
function table(html: string, caption: string): { head: string[]; rows: string[][] } {
  const tables = html.match(/<table[^>]*>[\s\S]*?<\/table>/g) ?? [];
  const found = tables.find((t) => text(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? '').startsWith(caption));
  if (!found) throw new Error(`no table captioned "${caption}"`);
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1]!));
  const head = cells(/<thead>([\s\S]*?)<\/thead>/.exec(found)![1]!);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(found)![1]!;
  return { head, rows: (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map(cells) };
}

describe('a ranked poll: the Tennessee example', () => {
  it('says the winner first, in words', async () => {
    const { status, html } = await page('capital');
    expect(status).toBe(200);
    expect(headline(html)).toBe(
      'Knoxville wins with 58% of the 100 ballots still counting in round 3, after Chattanooga and Nashville were eliminated.',
    );
    // The winner sentence comes before any table.
    expect(html.indexOf('class="headline"')).toBeLessThan(html.indexOf('<table'));
  });

  it('explains each round in a line', async () => {
    const steps = [
      ...section((await page('capital')).html, 'rounds-heading')!.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g),
    ].map((m) => text(m[1]!));
    expect(steps).toEqual([
      'Round 1: no option has more than half of 100 ballots. Chattanooga has the fewest (15) and is eliminated; its ballots move to their next choice.',
      'Round 2: no option has more than half of 100 ballots. Nashville has the fewest (26) and is eliminated; its ballots move to their next choice.',
      'Round 3: Knoxville has 58 of 100 ballots, more than half, and wins.',
    ]);
  });

  it('shows every round as a table: votes, shares, eliminated, exhausted and continuing ballots', async () => {
    const { head, rows } = table((await page('capital')).html, 'Votes in each round');
    expect(head).toEqual(['Option', 'Round 1', 'Round 2', 'Round 3']);
    expect(rows).toEqual([
      ['Memphis', '42 42.0%', '42 42.0%', '42 42.0%'],
      ['Nashville', '26 26.0%', '26 26.0% Eliminated', '— out'],
      ['Chattanooga', '15 15.0% Eliminated', '— out', '— out'],
      ['Knoxville', '17 17.0%', '32 32.0%', '58 58.0% Winner'],
      ['Exhausted ballots no ranked option left', '0', '0', '0'],
      ['Ballots still counting', '100', '100', '100'],
    ]);
  });

  it('draws a chart whose text alternative states the final round', async () => {
    const { html } = await page('capital');
    const canvas = /<ranked-chart[\s\S]*?<canvas([^>]*)>/.exec(html)![1]!;
    expect(canvas).toContain('role="img"');
    expect(decode(/aria-label="([^"]*)"/.exec(canvas)![1]!)).toBe(
      'Final round (round 3) of 100 continuing ballots: Memphis 42 (42%), Knoxville 58 (58%). Knoxville wins with 58% of the 100 ballots still counting in round 3, after Chattanooga and Nashville were eliminated.',
    );
  });

  it('shows how often each option was ranked 1st, 2nd, …', async () => {
    const { head, rows } = table((await page('capital')).html, 'How often each option was ranked');
    expect(head).toEqual(['Option', '1st', '2nd', '3rd', '4th']);
    expect(rows).toEqual([
      ['Memphis', '42', '0', '0', '58'],
      ['Nashville', '26', '42', '32', '0'],
      ['Chattanooga', '15', '43', '42', '0'],
      ['Knoxville', '17', '15', '26', '42'],
    ]);
  });

  it('titles the options table as first choices, and links the rounds CSV', async () => {
    const { html } = await page('capital');
    expect(html).toMatch(/<h2 id="first-choices-heading"[^>]*>First choices<\/h2>/);
    const { rows } = table(html, 'First choices from 100 responses');
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['Memphis', '42', '42.0%'],
      ['Nashville', '26', '26.0%'],
      ['Chattanooga', '15', '15.0%'],
      ['Knoxville', '17', '17.0%'],
    ]);
    expect(html).toContain('href="/api/polls/capital/rounds.csv"');
    expect(text(html)).toContain('Rounds as CSV');
    // The first-choice chart would read as the result: a ranked poll has the rounds chart only.
    expect(html).not.toContain('<results-chart');
  });

  it('serves the rounds as CSV', async () => {
    const response = await request(`${server.url}/api/polls/capital/rounds.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain('capital-rounds.csv');
    expect(response.body).toBe(
      [
        'round,continuing,exhausted,key,label,votes,eliminated',
        '1,100,0,memphis,Memphis,42,false',
        '1,100,0,nashville,Nashville,26,false',
        '1,100,0,chattanooga,Chattanooga,15,true',
        '1,100,0,knoxville,Knoxville,17,false',
        '2,100,0,memphis,Memphis,42,false',
        '2,100,0,nashville,Nashville,26,true',
        '2,100,0,knoxville,Knoxville,32,false',
        '3,100,0,memphis,Memphis,42,false',
        '3,100,0,knoxville,Knoxville,58,false',
        '',
      ].join('\r\n'),
    );
  });
});

describe('other ranked states', () => {
  it('a final tie: no winner, said in words', async () => {
    const { html } = await page('tie');
    expect(headline(html)).toBe(
      'No option has a majority: Tabs and Spaces are tied with 2 ballots each in the final round.',
    );
    const { rows } = table(html, 'Votes in each round');
    expect(rows.at(-2)).toEqual(['Exhausted ballots no ranked option left', '0', '1']);
    expect(rows.at(-1)).toEqual(['Ballots still counting', '5', '4']);
  });

  it('no ballots: one sentence, no rounds, the first-choices table at zero', async () => {
    const { status, html } = await page('empty-ranked');
    expect(status).toBe(200);
    expect(headline(html)).toBe('No ballots yet.');
    expect(section(html, 'rounds-heading')).toBeNull();
    expect(html).not.toContain('<ranked-chart');
    expect(table(html, 'First choices from 0 responses').rows).toHaveLength(3);
    const csv = await request(`${server.url}/api/polls/empty-ranked/rounds.csv`);
    expect(csv.status).toBe(200);
    expect(csv.body).toBe(
      'round,continuing,exhausted,key,label,votes,eliminated\r\n1,0,0,vim,Vim,0,false\r\n1,0,0,emacs,Emacs,0,false\r\n1,0,0,vs-code,VS Code,0,false\r\n',
    );
  });

  it('hidden results: the page says when, the rounds CSV answers 403 results_hidden', async () => {
    const { html } = await page('hidden-ranked');
    expect(text(html)).toContain('Results will be shown when the poll closes');
    expect(html).not.toContain('rounds.csv');
    const csv = await request(`${server.url}/api/polls/hidden-ranked/rounds.csv`);
    expect(csv.status).toBe(403);
    expect(csv.body.error.code).toBe('results_hidden');
  });

  it('the rounds CSV of a poll that is not ranked, or not there, is 404', async () => {
    const notRanked = await request(`${server.url}/api/polls/rating/rounds.csv`);
    expect(notRanked.status).toBe(404);
    expect(notRanked.body.error).toEqual({
      code: 'not_found',
      message: 'This poll is not ranked, so it has no runoff rounds; its results are at /api/polls/rating/results.csv.',
    });
    const missing = await request(`${server.url}/api/polls/no-such-poll/rounds.csv`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('poll_not_found');
    const post = await request(`${server.url}/api/polls/capital/rounds.csv`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('rating polls', () => {
  it('ten answers: mean, interval, median and spread worked by hand, then the distribution', async () => {
    // 2,3,3,4,4,4,4,5,5,5: mean 3.9; sd √((161 − 152.1) / 9) = 0.994; t(9) = 2.262 → ±0.711 → 3.19–4.61.
    const { html } = await page('rating');
    expect(headline(html)).toBe('The average rating is 3.9, from 10 responses.');
    const summary = text(section(html, 'rating-heading')!);
    expect(summary).toBe(
      'Average rating Mean 3.9 (95% interval 3.2–4.6) · Median 4 · Standard deviation 1 · n = 10 The average rating is 3.9 on the scale from 1 to 5. Allowing for chance, the average among all peers is probably between 3.2 and 4.6. The middle rating is 4.',
    );
    expect(html.indexOf('rating-heading')).toBeLessThan(html.indexOf('<results-chart'));
    // The ordered-scale table follows, without saying the median a second time.
    const ordinal = text(section(html, 'ordinal-heading')!);
    expect(ordinal).toContain('At or below, at or above each point');
    expect(ordinal).not.toContain('The middle answer is');
    expect(table(html, 'Results from 10 responses').rows.map((r) => r.slice(0, 2))).toEqual([
      ['1', '0'],
      ['2', '1'],
      ['3', '2'],
      ['4', '4'],
      ['5', '3'],
    ]);
  });

  it('one answer: no interval', async () => {
    const summary = text(section((await page('rating-one')).html, 'rating-heading')!);
    expect(summary).toContain('Mean 4 · Median 4 · n = 1');
    expect(summary).not.toContain('interval');
    expect(summary).toContain('With a single rating there is no margin of error yet.');
  });

  it('no answers: said once', async () => {
    const { html } = await page('rating-none');
    expect(headline(html)).toBe('No responses yet.');
    expect(text(section(html, 'rating-heading')!)).toBe('Average rating No ratings yet.');
  });
});

describe('a poll with a write-in "Other"', () => {
  it('shows Other as a count, never the texts', async () => {
    const { html } = await page('editor');
    const { rows } = table(html, 'Results from 5 responses');
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['Vim', '3'],
      ['Emacs', '0'],
      ['Other', '2'],
    ]);
    expect(html).not.toContain('secret-write-in');
    expect(html).not.toContain('Helix');
    const csv = await request(`${server.url}/api/polls/editor/results.csv`);
    expect(csv.body).not.toContain('secret-write-in');
  });
});
