/**
 * The results page's ordered-scale summary and "Over time" section as a browser without
 * JavaScript gets them: the median sentence and its interval, the cumulative table, each group's
 * median in the breakdown, the Over time table per day and per week (checked against the trend
 * API), and neither where they do not belong. Polls: an ordinal one with the SPEC.md ranges and
 * its worked example's counts (n = 97), made through the admin and votes APIs; an ordinal one
 * without ranges; a nominal one without votes; hidden results; the seeded nominal demo poll,
 * whose votes are spread over the last 30 days.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { useServer } from '../support/server';

const LABELS = ['< 10%', '10-20%', '21-30%', '31-40%', '41-50%', '51-60%', '61-70%', '71-80%', '> 80%'];
const RANGES = [0, 10, 20, 30, 40, 50, 60, 70, 80].map((low, i) => ({ low, high: i === 8 ? 100 : low + 10 }));
const WORKED = [21, 34, 28, 7, 4, 2, 0, 0, 1];
const DEMO = 'project-management-tool';

async function voteMany(base: string, slug: string, key: string, times: number, profile?: Record<string, string>) {
  for (let i = 0; i < times; i++) {
    const response = await request(`${base}/api/polls/${slug}/votes`, {
      method: 'POST',
      json: { choices: [key], ...(profile ? { profile } : {}) },
    });
    if (response.status >= 300) throw new Error(`vote failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

const server = useServer({
  env: { SEED_DEMO: '1', SEGMENT_MIN_N: '3' },
  setup: async ({ url }) => {
    const share = await createPoll(url, {
      slug: 'ai-share',
      question: 'What share of your AI projects reach production?',
      scale: 'ordinal',
      options: LABELS.map((label, i) => ({ label, range: RANGES[i] })),
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      profile: ['companySize'],
    });
    // The two lowest answers from small companies (55), the rest from large ones (42).
    for (const [i, option] of share.options.entries()) {
      await voteMany(url, 'ai-share', option.key, WORKED[i]!, { companySize: i < 2 ? 'lt-1000' : 'gt-10000' });
    }
    const often = await createPoll(url, {
      slug: 'how-often',
      question: 'How often do you ship on a Friday?',
      scale: 'ordinal',
      options: ['Never', 'Sometimes', 'Often'],
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
    });
    for (const [i, option] of often.options.entries()) await voteMany(url, 'how-often', option.key, [1, 2, 1][i]!);
    await createPoll(url, {
      slug: 'empty',
      question: 'Tabs or spaces?',
      options: ['Tabs', 'Spaces'],
      resultsVisibility: 'always',
    });
    await createPoll(url, {
      slug: 'secret',
      question: 'Shown after close?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_close',
      closesAt: '2099-01-01T00:00:00Z',
      duplicatePolicy: 'none',
    });
    await voteMany(url, 'secret', 'yes', 2);
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

async function page(slug: string, query = '') {
  const { status, body } = await request(`${server.url}/polls/${slug}/results${query}`);
  return { status, html: body as string };
}

const section = (html: string, id: string) =>
  new RegExp(`<section[^>]*(?:id="${id}"|aria-labelledby="${id}")[^>]*>([\\s\\S]*?)</section>`).exec(html)?.[1] ?? null;

/** The header and body rows' cell texts of the table whose caption starts with `caption`. */
function table(html: string, caption: string): { head: string[]; rows: string[][] } {
  const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
  const found = tables.find((t) => text(/<caption>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? '').startsWith(caption));
  if (!found) throw new Error(`no table captioned "${caption}"`);
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1]!));
  const head = cells(/<thead>([\s\S]*?)<\/thead>/.exec(found)![1]!);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(found)![1]!;
  return { head, rows: (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map(cells) };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

describe('an ordinal poll with ranges', () => {
  it('states the median and its 95 % interval in words (the worked example of SPEC.md)', async () => {
    const { status, html } = await page('ai-share');
    expect(status).toBe(200);
    const summary = section(html, 'ordinal-heading')!;
    expect(summary).not.toBeNull();
    expect(text(summary)).toContain('The middle answer Half of respondents answered 18% or less.');
    expect(text(summary)).toContain(
      'Allowing for chance, the middle answer among all peers is probably between 15% and 21% (95% interval).',
    );
  });

  it('shows a cumulative table: at most / at least each option, with ranges, the median option marked', async () => {
    const { html } = await page('ai-share');
    const { head, rows } = table(html, 'Share who answered up to or from each option');
    expect(head).toEqual(['Option', 'This or lower 95% range', 'This or higher 95% range']);
    expect(rows).toHaveLength(9);
    // 21 of 97 answered < 10%; everyone answered < 10% or more.
    expect(rows[0]).toEqual(['< 10%', '21.6% 15–31%', '100.0% 96–100%']);
    // 55 of 97 answered 10-20% or less; 76 of 97 answered it or more; it holds the median.
    expect(rows[1]![0]).toBe('10-20% Middle answer');
    expect(rows[1]![1]).toMatch(/^56\.7% \d+–\d+%$/);
    expect(rows[1]![2]).toMatch(/^78\.4% \d+–\d+%$/);
    expect(rows[8]).toEqual(['> 80%', '100.0% 96–100%', expect.stringMatching(/^1\.0% 0–6%$/)]);
    expect(rows.filter((r) => r[0]!.endsWith('Middle answer'))).toHaveLength(1);
  });

  it("gives each shown group's median in the breakdown table", async () => {
    const { status, html } = await page('ai-share', '?by=companySize');
    expect(status).toBe(200);
    const breakdown = section(html, 'breakdown')!;
    const { rows } = table(breakdown, 'Share choosing');
    const row = (label: string) => rows.find((r) => r[0]!.startsWith(label))![0];
    // Small: 21 in 0–10, 34 in 10–20 → 10 + (27.5 − 21) / 34 × 10 = 11.9; large: 20 + 21 / 28 × 10 = 27.5.
    expect(row('Fewer than 1,000 employees')).toBe('Fewer than 1,000 employees 55 answers median 12%');
    expect(row('More than 10,000 employees')).toBe('More than 10,000 employees 42 answers median 28%');
    // A hidden group says why, with no median.
    expect(row('1,000–10,000 employees')).not.toContain('median');
  });

  it('shows Over time with today as the one day, the same numbers as the trend API', async () => {
    const { html } = await page('ai-share');
    const over = section(html, 'over-time')!;
    expect(over).not.toBeNull();
    const { head, rows } = table(over, "Each option's share per day");
    expect(head).toEqual(['Day', 'Responses', ...LABELS]);
    expect(rows).toHaveLength(1);
    expect(rows[0]![1]).toBe('97');
    expect(rows[0]![2]).toBe('21.6% 15–31%');
    // One day makes no line: the table alone, open, and a sentence saying why.
    expect(text(over)).toContain('All responses so far came in one day; the chart starts with the second.');
    expect(over).not.toContain('<canvas');
    expect(over).toMatch(/<details class="trend-numbers" open>/);
  });
});

describe('an ordinal poll without ranges', () => {
  it('names the middle option, gives no interval, and still shows the cumulative table', async () => {
    const { html } = await page('how-often');
    const summary = text(section(html, 'ordinal-heading')!);
    expect(summary).toContain('The middle answer is Sometimes.');
    expect(summary).not.toContain('Allowing for chance');
    const { rows } = table(html, 'Share who answered up to or from each option');
    expect(rows.map((r) => [r[0], r[1]!.split(' ')[0], r[2]!.split(' ')[0]])).toEqual([
      ['Never', '25.0%', '100.0%'],
      ['Sometimes Middle answer', '75.0%', '75.0%'],
      ['Often', '100.0%', '25.0%'],
    ]);
  });
});

describe('Over time on the demo poll (votes over the last 30 days)', () => {
  it('has a row per day, latest first, with n and each share and range as the trend API says', async () => {
    const api = (await request(`${server.url}/api/polls/${DEMO}/trend`)).body;
    const options = (await request(`${server.url}/api/polls/${DEMO}`)).body.options as { key: string; label: string }[];
    const { status, html } = await page(DEMO);
    expect(status).toBe(200);
    const over = section(html, 'over-time')!;
    const { head, rows } = table(over, "Each option's share per day");
    expect(head).toEqual(['Day', 'Responses', ...options.map((o) => o.label)]);
    expect(api.points.length).toBeGreaterThanOrEqual(30);
    expect(rows).toHaveLength(api.points.length);
    const points = [...api.points].reverse();
    for (const [i, row] of rows.entries()) {
      const point = points[i]!;
      expect(row[1]).toBe(point.n.toLocaleString('en-US'));
      for (const [j, cell] of point.options.entries()) {
        const range = `${Math.round(cell.ci95.low * 100)}–${Math.round(cell.ci95.high * 100)}%`;
        expect(row[2 + j]).toBe(point.n === 0 ? '—' : `${percent(cell.share)} ${range}`);
      }
    }
    // About 10 responses a day: the page says the swings are mostly chance.
    expect(text(over)).toMatch(
      /With about \d+ responses a day, most ups and downs are chance; “By week” is steadier\./,
    );
    // Times in the table are machine-readable days.
    expect(over).toContain(`<time datetime="${points[0]!.start}">`);
  });

  it('gives the chart a text alternative with the first and last day per option, and a table open without JavaScript', async () => {
    const api = (await request(`${server.url}/api/polls/${DEMO}/trend`)).body;
    const { html } = await page(DEMO);
    const over = section(html, 'over-time')!;
    const label = decode(/<canvas role="img" aria-label="([^"]*)"/.exec(over)![1]!);
    expect(label).toMatch(
      new RegExp(
        `^Line chart of each option's share per day, ${api.points.length} days from \\d+ \\w{3} \\d{4} to \\d+ \\w{3} \\d{4}\\. Microsoft Project: \\d+\\.\\d% on `,
      ),
    );
    const answered = api.points.filter((p: { n: number }) => p.n > 0);
    const first = answered[0];
    const last = answered.at(-1);
    expect(label).toContain(`Microsoft Project: ${percent(first.options[0].share)} on `);
    expect(label).toContain(`, ${percent(last.options[0].share)} on `);
    expect(label).toContain(`(${last.n} response${last.n === 1 ? '' : 's'})`);
    expect(over).toMatch(/<details class="trend-numbers" open>\s*<summary>Show the numbers<\/summary>/);
    expect(text(over)).toContain('Latest first; under each share, its 95% range.');
    // Without JavaScript the chart's box stays hidden.
    expect(over).toMatch(/<div class="trend-chart-box" hidden>/);
  });

  it('groups by week with ?interval=week, through plain links that keep the rest of the query', async () => {
    const api = (await request(`${server.url}/api/polls/${DEMO}/trend?interval=week`)).body;
    const { html } = await page(DEMO, '?by=role&interval=week');
    const over = section(html, 'over-time')!;
    const nav = /<nav aria-label="Group responses">([\s\S]*?)<\/nav>/.exec(over)![1]!;
    const links = [...nav.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a>/g)].map(([, attrs, inner]) => ({
      text: text(inner!),
      href: decode(/href="([^"]*)"/.exec(attrs!)![1]!),
      current: /aria-current="([^"]*)"/.exec(attrs!)?.[1] ?? null,
    }));
    expect(links).toEqual([
      { text: 'By day', href: `/polls/${DEMO}/results?by=role#over-time`, current: null },
      { text: 'By week', href: `/polls/${DEMO}/results?by=role&interval=week#over-time`, current: 'page' },
    ]);
    const { head, rows } = table(over, "Each option's share per week");
    expect(head[0]).toBe('Week');
    expect(rows).toHaveLength(api.points.length);
    expect(rows.at(-1)![0]).toMatch(/^Week of \d+ \w{3}$/);
    const total = rows.reduce((sum, r) => sum + Number(r[1]!.replace(/,/g, '')), 0);
    const results = (await request(`${server.url}/api/polls/${DEMO}/results`)).body;
    expect(total).toBe(results.totalResponses);
  });

  it('falls back to days for an unknown interval rather than failing', async () => {
    const { status, html } = await page(DEMO, '?interval=month');
    expect(status).toBe(200);
    expect(() => table(section(html, 'over-time')!, "Each option's share per day")).not.toThrow();
  });

  it('has no ordered-scale summary on a nominal poll', async () => {
    const { html } = await page(DEMO);
    expect(section(html, 'ordinal-heading')).toBeNull();
    expect(html).not.toContain('Half of respondents');
  });
});

describe('where Over time is not shown', () => {
  it('a poll without votes has neither Over time nor a median', async () => {
    const { status, html } = await page('empty');
    expect(status).toBe(200);
    expect(section(html, 'over-time')).toBeNull();
    expect(html).not.toContain('<trend-chart');
  });

  it('hidden results show no trend either', async () => {
    const { status, html } = await page('secret');
    expect(status).toBe(200);
    expect(html).toContain('Results will be shown when the poll closes');
    expect(section(html, 'over-time')).toBeNull();
    expect(html).not.toContain('trend-table');
  });
});
