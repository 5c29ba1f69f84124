/**
 * Breakdowns over HTTP against the built server (SPEC.md, "Breakdowns with small-cell
 * suppression"): the JSON shape, every 422 invalid_breakdown, visibility, the CSV, K from
 * SEGMENT_MIN_N, and ballots with profiles.
 */
import { describe, expect, it } from 'vitest';
import { newcombeDifference, wilsonInterval } from '@/lib/stats';
import { createPoll, rawRequest, request } from '../support/api';
import { useServer, withServer } from '../support/server';

const server = useServer({ env: { SEGMENT_MIN_N: '3' }, setup: (s) => seed(s.url) });

const castWithProfile = (base: string, slug: string, choices: string[], profile?: unknown) =>
  request(`${base}/api/polls/${slug}/votes`, {
    method: 'POST',
    json: profile === undefined ? { choices } : { choices, profile },
  });

/**
 * 16 ballots: manager in a company over 10,000 ×4 (Jira), manager under 1,000 ×3 (Trello),
 * individual contributor under 1,000 ×5 (Trello), company size only (under 1,000) ×3 (Excel),
 * one vice president (Jira).
 */
async function seed(base: string) {
  await createPoll(base, {
    slug: 'tools',
    question: 'Which tool does your team use?',
    options: ['Jira', 'Trello', 'Excel'],
    duplicatePolicy: 'none',
    resultsVisibility: 'always',
    profile: ['role', 'companySize'],
  });
  const ballots: [string, Record<string, string> | undefined, number][] = [
    ['jira', { role: 'manager', companySize: 'gt-10000' }, 4],
    ['trello', { role: 'manager', companySize: 'lt-1000' }, 3],
    ['trello', { role: 'individual', companySize: 'lt-1000' }, 5],
    ['excel', { companySize: 'lt-1000' }, 3],
    ['jira', { role: 'vp' }, 1],
  ];
  for (const [choice, profile, times] of ballots) {
    for (let i = 0; i < times; i++) {
      const response = await castWithProfile(base, 'tools', [choice], profile);
      if (response.status !== 201) throw new Error(`vote failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
}

const results = (query: string, base = server.url) => request(`${base}/api/polls/tools/results?${query}`);

describe('GET /api/polls/{slug}/results?by=', () => {
  it('answers the contract shape: every catalogue value and not-stated, K, suppressed segments with nulls', async () => {
    const response = await results('by=role');
    expect(response.status).toBe(200);
    expect(response.body.totalResponses).toBe(16);
    const b = response.body.breakdown;
    expect(Object.keys(b)).toEqual(['dimension', 'where', 'minCellSize', 'suppressed', 'segments']);
    expect(b).toMatchObject({ dimension: 'role', where: null, minCellSize: 3, suppressed: false });
    // vp (1) is hidden and, hidden alone, pulls in the smallest shown segment: not stated (3).
    const hidden = (value: string, label: string) => ({ value, label, suppressed: true, n: null, options: null });
    expect(b.segments.filter((s: { suppressed: boolean }) => s.suppressed)).toEqual([
      hidden('c-level', 'C-level executive'),
      hidden('vp', 'Vice president'),
      hidden('director', 'Director'),
      hidden('other', 'Other role'),
      hidden('not-stated', 'Not stated'),
    ]);
    expect(b.segments.map((s: { value: string }) => s.value)).toEqual([
      'c-level',
      'vp',
      'director',
      'manager',
      'individual',
      'other',
      'not-stated',
    ]);
    const manager = b.segments[3];
    expect(Object.keys(manager)).toEqual(['value', 'label', 'suppressed', 'n', 'options']);
    // Managers: 7, Jira 4, Trello 3, Excel 0; the other 9 respondents: Jira 1, Trello 5, Excel 3.
    expect(manager).toEqual({
      value: 'manager',
      label: 'Manager',
      suppressed: false,
      n: 7,
      options: [
        { key: 'jira', votes: 4, share: 4 / 7, ci95: wilsonInterval(4, 7), diff: newcombeDifference(4, 7, 1, 9) },
        { key: 'trello', votes: 3, share: 3 / 7, ci95: wilsonInterval(3, 7), diff: newcombeDifference(3, 7, 5, 9) },
        { key: 'excel', votes: 0, share: 0, ci95: wilsonInterval(0, 7), diff: newcombeDifference(0, 7, 3, 9) },
      ],
    });
    expect(Object.keys(manager.options[0])).toEqual(['key', 'votes', 'share', 'ci95', 'diff']);
    expect(Object.keys(manager.options[0].diff)).toEqual(['value', 'ci95']);
    expect(b.segments[4]).toMatchObject({
      value: 'individual',
      n: 5,
      options: [{ votes: 0 }, { votes: 5 }, { votes: 0 }],
    });
  });

  it('narrows to a cross-section with where, not-stated included', async () => {
    const response = await results('by=role&where=companySize:lt-1000');
    expect(response.status).toBe(200);
    const b = response.body.breakdown;
    expect(b).toMatchObject({ where: { dimension: 'companySize', value: 'lt-1000' }, suppressed: false });
    const n = Object.fromEntries(b.segments.map((s: { value: string; n: number | null }) => [s.value, s.n]));
    expect(n).toEqual({
      'c-level': null,
      vp: null,
      director: null,
      // Hidden across views: "not stated" is hidden in ?by=role, and manager beside it (see
      // suppressedTable), so the lt-1000 total minus the shown cells reveals nothing.
      manager: null,
      individual: 5,
      other: null,
      'not-stated': null,
    });
    // "Not stated" (3) is hidden in ?by=role beside the lone vp, so no view narrowed to it shows numbers.
    const unstated = await results('by=companySize&where=role:not-stated');
    expect(unstated.body.breakdown.suppressed).toBe(true);
    expect(unstated.body.breakdown.segments.map((s: { n: number | null }) => s.n)).toEqual([null, null, null, null]);
    const byRole = await results('by=role');
    expect(byRole.body.breakdown.segments.find((s: { value: string }) => s.value === 'not-stated').suppressed).toBe(
      true,
    );
  });

  it('suppresses the whole breakdown when the cross-section has fewer than K respondents', async () => {
    // One vice president: a cross-section of 1 < K = 3.
    const response = await results('by=companySize&where=role:vp');
    expect(response.status).toBe(200);
    expect(response.body.breakdown).toEqual({
      dimension: 'companySize',
      where: { dimension: 'role', value: 'vp' },
      minCellSize: 3,
      suppressed: true,
      segments: [
        { value: 'lt-1000', label: 'Fewer than 1,000 employees', suppressed: true, n: null, options: null },
        { value: '1000-10000', label: '1,000–10,000 employees', suppressed: true, n: null, options: null },
        { value: 'gt-10000', label: 'More than 10,000 employees', suppressed: true, n: null, options: null },
        { value: 'not-stated', label: 'Not stated', suppressed: true, n: null, options: null },
      ],
    });
  });

  it('answers plain results without by or where', async () => {
    const response = await results('');
    expect(response.status).toBe(200);
    expect(response.body.breakdown).toBeUndefined();
  });
});

describe('422 invalid_breakdown', () => {
  // Long, but inside the server's URL limit (2,048), so the breakdown's own check answers.
  const long = 'x'.repeat(1800);
  const cases: [string, string][] = [
    ['where without by', 'where=role:vp'],
    ['by repeated', 'by=role&by=role'],
    ['two by', 'by=role&by=companySize'],
    ['by empty', 'by='],
    ['by unknown', 'by=age'],
    ['by not asked', 'by=industry'],
    ['by in another case', 'by=ROLE'],
    ['by a NUL', 'by=%00'],
    ['by a NUL after a dimension', 'by=role%00'],
    ['by an object key', 'by=__proto__'],
    ['by very long', `by=${long}`],
    ['where repeated', 'by=role&where=companySize:lt-1000&where=companySize:gt-10000'],
    ['where empty', 'by=role&where='],
    ['where without a colon', 'by=role&where=companySize'],
    ['where with an encoded colon and no value', 'by=role&where=companySize%3A'],
    ['where role: (no value)', 'by=companySize&where=role:'],
    ['where without a dimension', 'by=role&where=:lt-1000'],
    ['where with an unknown dimension', 'by=role&where=age:30'],
    ['where with a dimension not asked', 'by=role&where=region:emea'],
    ['where with the same dimension as by', 'by=role&where=role:vp'],
    ['where with an unknown value', 'by=role&where=companySize:huge'],
    ['where with a NUL value', 'by=role&where=companySize:%00'],
    ['where with a second colon', 'by=role&where=companySize:lt-1000:x'],
    ['where very long', `by=role&where=companySize:${long}`],
  ];

  it.each(cases)('%s: the JSON error envelope', async (_name, query) => {
    for (const path of ['results', 'results.csv']) {
      const response = await rawRequest(server.url, `/api/polls/tools/${path}?${query}`);
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = JSON.parse(response.body);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe('invalid_breakdown');
      expect(body.error.message).toMatch(/^\S.{10,300}$/s);
      expect(body.error.message).not.toContain('xxxxxxxxxx');
    }
  });

  it('refuses by on a poll that asks no profile questions', async () => {
    await createPoll(server.url, {
      slug: 'plain',
      question: 'Plain?',
      options: ['A', 'B'],
      resultsVisibility: 'always',
    });
    const response = await request(`${server.url}/api/polls/plain/results?by=role`);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_breakdown');
  });

  // Refused by the server before any route reads the query, with the same envelope.
  it.each([
    ['a bad percent escape', 'by=%ZZ', 400, 'invalid_body'],
    ['a cut UTF-8 sequence', 'by=%E0%A4%A', 400, 'invalid_body'],
    ['a URL longer than the server takes', `by=${'r'.repeat(2100)}`, 414, 'uri_too_long'],
  ])('%s is %i %s, never 5xx', async (_name, query, status, code) => {
    const response = await rawRequest(server.url, `/api/polls/tools/results?${query}`);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body).error.code).toBe(code);
  });

  it('a request line longer than Node reads is refused before the app, never 5xx', async () => {
    const response = await rawRequest(server.url, `/api/polls/tools/results?by=role&where=${'x'.repeat(20_000)}`);
    expect(response.status).toBe(431);
  });

  it('ignores parameters it does not know, such as by[]', async () => {
    const response = await results('by[]=role&foo=bar');
    expect(response.status).toBe(200);
    expect(response.body.breakdown).toBeUndefined();
  });

  it('logged no unhandled error for any of these', () => {
    expect(server.output()).not.toMatch(/Unhandled error/);
  });
});

describe('visibility and unknown polls', () => {
  it('403 results_hidden wins for hidden results, JSON and CSV', async () => {
    await createPoll(server.url, {
      slug: 'hidden',
      question: 'Hidden?',
      options: ['A', 'B'],
      resultsVisibility: 'after_close',
      profile: ['role'],
    });
    for (const path of ['results?by=role', 'results.csv?by=role']) {
      const response = await request(`${server.url}/api/polls/hidden/${path}`);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('results_hidden');
    }
  });

  it('404 poll_not_found for an unknown poll, whatever the query', async () => {
    for (const path of ['results?by=role', 'results.csv?by=role', 'results?by=nonsense']) {
      const response = await request(`${server.url}/api/polls/nope/${path}`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('poll_not_found');
    }
  });
});

describe('GET /api/polls/{slug}/results.csv?by=', () => {
  it('has the contract header, rows per shown segment and option, one empty row per hidden segment', async () => {
    const response = await request(`${server.url}/api/polls/tools/results.csv?by=role`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="tools-results-by-role.csv"');
    const lines = (response.body as string).split('\r\n');
    expect(lines[0]).toBe('segment,segment_label,n,key,label,votes,share,ci95_low,ci95_high,diff,diff_low,diff_high');
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1).map((line) => line.split(','));
    expect(rows.map((r) => r[0])).toEqual([
      'c-level',
      'vp',
      'director',
      'manager',
      'manager',
      'manager',
      'individual',
      'individual',
      'individual',
      'other',
      'not-stated',
    ]);
    expect(lines[2]).toBe('vp,Vice president,,,,,,,,,,');
    expect(lines[11]).toBe('not-stated,Not stated,,,,,,,,,,');
    const jira = newcombeDifference(4, 7, 1, 9)!;
    const ci = wilsonInterval(4, 7);
    expect(lines[4]).toBe(
      `manager,Manager,7,jira,Jira,4,${4 / 7},${ci.low},${ci.high},${jira.value},${jira.ci95.low},${jira.ci95.high}`,
    );
  });

  it('names the cross-section in the file name, and shows nothing of a small one', async () => {
    const response = await request(`${server.url}/api/polls/tools/results.csv?by=companySize&where=role:vp`);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="tools-results-by-companySize-role-vp.csv"',
    );
    expect((response.body as string).split('\r\n').slice(1, -1)).toEqual([
      'lt-1000,"Fewer than 1,000 employees",,,,,,,,,,',
      '1000-10000,"1,000–10,000 employees",,,,,,,,,,',
      'gt-10000,"More than 10,000 employees",,,,,,,,,,',
      'not-stated,Not stated,,,,,,,,,,',
    ]);
  });
});

describe('ballots with a profile', () => {
  it.each([
    ['a dimension the poll does not ask', { region: 'emea' }],
    ['an unknown value', { role: 'ceo' }],
    ['a number', { role: 7 }],
    ['a list', ['vp']],
    ['a string', 'vp'],
    ['a value of another dimension', { companySize: 'vp' }],
  ])('refuses %s with 422 invalid_profile and stores nothing', async (_name, profile) => {
    const before = (await results('by=companySize')).body;
    const response = await castWithProfile(server.url, 'tools', ['jira'], profile);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_profile');
    const after = (await results('by=companySize')).body;
    expect(after.totalResponses).toBe(before.totalResponses);
    expect(after.breakdown).toEqual(before.breakdown);
  });
});

describe('SEGMENT_MIN_N', () => {
  it('changes K: the same votes with K = 5 hide more, and K = 10 by default hides the whole small poll', async () => {
    await withServer({ env: { SEGMENT_MIN_N: '5' } }, async (five) => {
      await seed(five.url);
      const b = (await results('by=role', five.url)).body.breakdown;
      expect(b.minCellSize).toBe(5);
      // vp 1 and not stated 3 hold 4 < 5 together: the smallest shown (individual, 5) goes too.
      expect(b.segments.map((s: { n: number | null }) => s.n)).toEqual([null, null, null, 7, null, null, null]);
      const narrowed = (await results('by=role&where=companySize:gt-10000', five.url)).body.breakdown;
      expect(narrowed).toMatchObject({ minCellSize: 5, suppressed: true });
    });
    await withServer({}, async (fallback) => {
      await seed(fallback.url);
      const b = (await results('by=role', fallback.url)).body.breakdown;
      expect(b).toMatchObject({ minCellSize: 10, suppressed: false });
      // Manager (7) is under 10 too: every segment hidden, the poll's 16 shown only as a total.
      expect(b.segments.every((s: { n: number | null }) => s.n === null)).toBe(true);
    });
  });
});
