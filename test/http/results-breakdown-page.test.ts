/**
 * The results page's breakdowns as a browser without JavaScript gets them: the "Break down by"
 * links, the narrowing form, one row per group (hidden ones saying why), the whole-hidden
 * sentence, the 422 alert for a bad query, and data links carrying the same by/where. The poll
 * and its known counts are in test/support/breakdown-poll.ts (K = 3).
 */
import { describe, expect, it } from 'vitest';
import { createPoll, request } from '../support/api';
import { BREAKDOWN_ENV, makeBreakdownPoll, SLUG } from '../support/breakdown-poll';
import { useServer } from '../support/server';

const server = useServer({
  env: BREAKDOWN_ENV,
  setup: async ({ url }) => {
    await makeBreakdownPoll(url);
    await createPoll(url, {
      slug: 'secret',
      question: 'Shown after close?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_close',
      closesAt: '2099-01-01T00:00:00Z',
      profile: ['role'],
    });
    await createPoll(url, {
      slug: 'no-profile',
      question: 'Asks nothing about you?',
      options: ['Yes', 'No'],
      resultsVisibility: 'always',
    });
  },
});

const decode = (html: string) =>
  html
    .replace(/&#38;|&amp;/g, '&')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'");
/** Text of an HTML fragment as read: tags dropped, whitespace collapsed. */
const text = (html: string) =>
  decode(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

async function page(query: string) {
  const { status, body } = await request(`${server.url}/polls/${SLUG}/results${query}`);
  const html = body as string;
  const section = /<section[^>]*id="breakdown"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  return { status, html, section };
}

/** The rows' texts of the table whose caption starts with `caption`. */
function rows(section: string, caption: string): string[] {
  const tables = section.match(/<table>[\s\S]*?<\/table>/g) ?? [];
  const table = tables.find((t) => text(/<caption>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? '').startsWith(caption));
  if (!table) throw new Error(`no table captioned "${caption}"`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1]!;
  return (body.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map(text);
}

/** Every link of a fragment: its text, href (decoded) and aria-current. */
function links(html: string) {
  return [...html.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a>/g)].map(([, attrs, inner]) => ({
    text: text(inner!),
    href: decode(/href="([^"]*)"/.exec(attrs!)?.[1] ?? ''),
    current: /aria-current="([^"]*)"/.exec(attrs!)?.[1] ?? null,
  }));
}

const HIDDEN = 'Fewer than 3 answers — hidden to protect anonymity';

describe('the results page without a breakdown', () => {
  it('offers "Break down by" links for each asked question, Everyone current', async () => {
    const { status, section } = await page('');
    expect(status).toBe(200);
    const nav = /<nav aria-label="Break down by">([\s\S]*?)<\/nav>/.exec(section)![1]!;
    expect(links(nav)).toEqual([
      { text: 'Everyone', href: `/polls/${SLUG}/results#breakdown`, current: 'page' },
      { text: 'Role', href: `/polls/${SLUG}/results?by=role#breakdown`, current: null },
      { text: 'Company size', href: `/polls/${SLUG}/results?by=companySize#breakdown`, current: null },
    ]);
    expect(section).not.toContain('<table>');
  });

  it('has no breakdown section for a poll that asks nothing about respondents', async () => {
    const { status, body } = await request(`${server.url}/polls/no-profile/results`);
    expect(status).toBe(200);
    expect(body).not.toContain('id="breakdown"');
  });
});

describe('?by=role', () => {
  it('marks Role current and lists every group for the leader, hidden groups saying why', async () => {
    const { status, section } = await page('?by=role');
    expect(status).toBe(200);
    const nav = /<nav aria-label="Break down by">([\s\S]*?)<\/nav>/.exec(section)![1]!;
    expect(links(nav).find((l) => l.current)?.text).toBe('Role');
    // Jira leads (11 of 24), so it is compared by default.
    expect(rows(section, 'Share choosing Jira, by role')).toEqual([
      `C-level executive ${HIDDEN}`,
      // vp (1 answer) is hidden, and not stated (4) with it: the smallest other group.
      `Vice president ${HIDDEN}`,
      // 1 of 6 against 10 of 18 among everyone else.
      expect.stringMatching(/^Director 6 answers 16\.7% \d+–\d+% −39 pts −\d+ to \+\d+ pts No clear difference$/),
      // 6 of 8 against 5 of 16: clearly higher.
      expect.stringMatching(
        /^Manager 8 answers 75\.0% \d+–\d+% \+44 pts \+\d+ to \+\d+ pts Higher than other respondents$/,
      ),
      expect.stringMatching(/^Individual contributor 5 answers 40\.0% .* −7 pts .* No clear difference$/),
      `Other role ${HIDDEN}`,
      `Not stated ${HIDDEN}`,
    ]);
    expect(rows(section, 'Every option, by role')).toEqual([
      'Director Jira 17% Trello 83% Asana 0%',
      'Manager Jira 75% Trello 13% Asana 13%',
      'Individual contributor Jira 40% Trello 40% Asana 20%',
    ]);
    expect(text(section)).toContain('Groups with fewer than 3 answers are hidden so no one can be singled out');
  });

  it('compares the option the reader picks, and the leader for an unknown one', async () => {
    const trello = await page('?by=role&option=trello');
    expect(trello.status).toBe(200);
    expect(rows(trello.section, 'Share choosing Trello, by role')[2]).toMatch(
      /^Director 6 answers 83\.3% .* Higher than other respondents$/,
    );
    const picker = /<nav aria-label="Option to compare"[^>]*>([\s\S]*?)<\/nav>/.exec(trello.section)![1]!;
    expect(links(picker)).toEqual([
      { text: 'Jira', href: `/polls/${SLUG}/results?by=role&option=jira#breakdown`, current: null },
      { text: 'Trello', href: `/polls/${SLUG}/results?by=role&option=trello#breakdown`, current: 'true' },
      { text: 'Asana', href: `/polls/${SLUG}/results?by=role&option=asana#breakdown`, current: null },
    ]);
    const unknown = await page('?by=role&option=nope');
    expect(unknown.status).toBe(200);
    expect(rows(unknown.section, 'Share choosing Jira, by role')).toHaveLength(7);
  });

  it('has a GET form narrowing to one group of the other question, and data links with the same by', async () => {
    const { section } = await page('?by=role');
    const form = /<form[^>]*>[\s\S]*?<\/form>/.exec(section)![0];
    expect(form).toMatch(/method="get"/);
    expect(form).toContain(`action="/polls/${SLUG}/results#breakdown"`);
    expect(form).toContain('<input type="hidden" name="by" value="role">');
    expect([...form.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual([
      '', // "Choose a group…", disabled: submitting it unchanged adds no where
      'companySize:lt-1000',
      'companySize:1000-10000',
      'companySize:gt-10000',
      'companySize:not-stated',
    ]);
    expect(form).toMatch(/<option value="" disabled selected>/);
    const data = links(section).filter((l) => l.href.startsWith('/api/'));
    expect(data.map((l) => l.href)).toEqual([
      `/api/polls/${SLUG}/results.csv?by=role`,
      `/api/polls/${SLUG}/results?by=role`,
    ]);
  });
});

describe('?by=role&where=…', () => {
  it('narrows to the group, says so with a way back, and keeps by/where on the data links', async () => {
    const { status, section } = await page('?by=role&where=companySize:gt-10000');
    expect(status).toBe(200);
    expect(section).toMatch(/<option value="companySize:gt-10000" selected>/);
    expect(text(section)).toContain(
      'Only people with Company size: More than 10,000 employees are counted here. Each group is compared with the others in this selection. Show everyone',
    );
    expect(links(section).find((l) => l.text === 'Show everyone')?.href).toBe(
      `/polls/${SLUG}/results?by=role#breakdown`,
    );
    // Of 8: manager 5 shown; director 2 and vp 1 hidden.
    const table = rows(section, 'Share choosing Jira, by role');
    expect(table.filter((r) => r.endsWith(HIDDEN))).toHaveLength(6);
    expect(table[3]).toMatch(/^Manager 5 answers 100\.0% .* \+67 pts .* Higher than other respondents$/);
    const data = links(section).filter((l) => l.href.startsWith('/api/'));
    expect(data.map((l) => l.href)).toEqual([
      `/api/polls/${SLUG}/results.csv?by=role&where=companySize:gt-10000`,
      `/api/polls/${SLUG}/results?by=role&where=companySize:gt-10000`,
    ]);
    // The data links answer with the same breakdown.
    const json = await request(`${server.url}${data[1]!.href}`);
    expect(json.body.breakdown.where).toEqual({ dimension: 'companySize', value: 'gt-10000' });
    const csv = await request(`${server.url}${data[0]!.href}`);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('manager,Manager,5,jira,Jira,5,');
  });

  it('says in one sentence, instead of a table, that a group too small is hidden', async () => {
    const { status, section } = await page('?by=companySize&where=role:vp');
    expect(status).toBe(200);
    expect(section).not.toContain('<table>');
    expect(section).not.toContain('<canvas');
    expect(text(section)).toContain(
      "This group's breakdown is hidden to protect anonymity: fewer than 3 people in it answered, or its numbers would let a smaller group be worked out.",
    );
    expect(text(section)).not.toContain('Each group is compared');
  });
});

describe('a bad breakdown query', () => {
  it.each([
    ['?by=region', /"by" must name a profile question this poll asks: "role", "companySize"\./],
    ['?by=nonsense', /"by" must name a profile question/],
    ['?where=role:vp', /add "by" as well/],
    ['?by=role&where=role:vp', /"by" and "where" must name different profile questions\./],
    ['?by=role&where=companySize:huge', /The companySize in "where" must be one of/],
    ['?by=role&by=companySize', /Give "by" only once\./],
    ['?by=role&where=', /"where" must be dimension:value/],
  ])('%s answers 422 with the sentence in an alert, the results still shown', async (query, sentence) => {
    const { status, html, section } = await page(query);
    expect(status).toBe(422);
    const alert = /<p class="alert" role="alert">([\s\S]*?)<\/p>/.exec(section)?.[1];
    expect(text(alert ?? '')).toMatch(sentence);
    expect(html).toContain('Results from 24 responses');
    expect(section).not.toContain('<table>');
  });

  it('answers 422 on a poll that asks nothing, with the alert', async () => {
    const { status, body } = await request(`${server.url}/polls/no-profile/results?by=role`);
    expect(status).toBe(422);
    expect(body).toMatch(/role="alert"[^>]*>[\s\S]*this poll asks no profile questions/);
  });

  it('keeps hidden results hidden, with no breakdown and no error', async () => {
    for (const query of ['?by=role', '?by=nonsense']) {
      const { status, body } = await request(`${server.url}/polls/secret/results${query}`);
      expect(status).toBe(200);
      expect(body).toContain('Results will be shown when the poll closes');
      expect(body).not.toContain('id="breakdown"');
      expect(body).not.toContain('role="alert"');
    }
  });
});
