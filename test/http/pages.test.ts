/** The HTML pages of the built server, as a browser without JavaScript sees them. */
import { describe, expect, it } from 'vitest';
import { cookieFrom, createPoll, formPost, request, vote } from '../support/api';
import { useServer } from '../support/server';

const server = useServer({
  env: { SEED_DEMO: '1' },
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'multi',
      question: 'Which languages?',
      options: ['Go', 'Rust', 'TypeScript'],
      type: 'multiple',
      maxChoices: 2,
      resultsVisibility: 'always',
    });
    await createPoll(url, {
      slug: 'hidden',
      question: 'Secret ballot?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_close',
      closesAt: '2099-01-01T00:00:00Z',
    });
    await createPoll(url, {
      slug: 'old',
      question: 'Old question?',
      options: ['Yes', 'No'],
      closesAt: '2020-01-01T00:00:00Z',
    });
    await createPoll(url, {
      slug: 'later',
      question: 'Not yet open?',
      options: ['Yes', 'No'],
      opensAt: new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString(),
    });
    await createPoll(url, {
      slug: 'tie',
      question: 'Tea or coffee?',
      options: ['Tea', 'Coffee'],
      resultsVisibility: 'always',
    });
    await createPoll(url, {
      slug: 'clear',
      question: 'Lunch?',
      options: ['Pizza', 'Salad'],
      resultsVisibility: 'always',
    });
    await createPoll(url, {
      slug: 'escape',
      question: '<script>alert(1)</script> & "quotes"',
      options: ['<b>bold</b>', 'plain'],
    });
  },
});

describe('GET /', () => {
  it('lists open polls newest first, then recently closed ones, each linking to its page and results', async () => {
    const { status, body } = await request(`${server.url}/`);
    expect(status).toBe(200);
    const html = body as string;
    expect(html).toContain('href="/polls/ai-projects-in-production"');
    expect(html).toContain('href="/polls/project-management-tool/results"');
    expect(html.indexOf('/polls/multi"')).toBeLessThan(html.indexOf('/polls/ai-projects-in-production"'));
    expect(html.indexOf('Recently closed')).toBeLessThan(html.indexOf('/polls/old"'));
    expect(html.indexOf('/polls/ai-projects-in-production"')).toBeLessThan(html.indexOf('Recently closed'));
  });
});

describe('GET /polls/{slug}', () => {
  it('renders native inputs in a fieldset whose legend is the question', async () => {
    const { status, body } = await request(`${server.url}/polls/ai-projects-in-production`);
    expect(status).toBe(200);
    expect(body).toMatch(/<form method="post"/);
    expect(body).toMatch(
      /<fieldset[^>]*>\s*<legend><h1>What percentage of your organization&#39;s AI projects reach production\?<\/h1><\/legend>/,
    );
    expect((body as string).match(/type="radio"/g)).toHaveLength(9);
  });

  it('uses checkboxes for multiple choice', async () => {
    const { body } = await request(`${server.url}/polls/multi`);
    expect((body as string).match(/type="checkbox"/g)).toHaveLength(3);
  });

  it('escapes poll text', async () => {
    const { body } = await request(`${server.url}/polls/escape`);
    // Inside a quoted attribute "<" is inert; everywhere else it must arrive escaped.
    const outsideAttributes = (body as string).replace(/="[^"]*"/g, '=""');
    expect(outsideAttributes).not.toContain('<script>alert(1)</script>');
    expect(outsideAttributes).not.toContain('<b>bold</b>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('answers an unknown slug with the 404 page', async () => {
    for (const path of ['/polls/nope', '/polls/nope/results', '/no/such/page']) {
      const { status, body } = await request(`${server.url}${path}`);
      expect(status).toBe(404);
      expect(body).toContain('Page not found');
    }
  });
});

describe('a way forward in every state', () => {
  it('says when a scheduled poll opens, as a <time> in UTC with how far away, and offers no empty results', async () => {
    const html = (await request(`${server.url}/polls/later`)).body as string;
    expect(html).toMatch(
      /This poll opens on\s+<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z" data-local data-relative>\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC \(in 3 days\)<\/time>/,
    );
    expect(html).not.toContain('name="choice"');
    expect(html).not.toContain('See the results');
    const results = (await request(`${server.url}/polls/later/results`)).body as string;
    expect(results).toMatch(/This poll opens on\s+<time datetime="[^"]+Z"[^>]*>[^<]+UTC \(in 3 days\)<\/time>/);
    expect(results).not.toContain('shown to people who have voted');
  });

  it('leads a closed poll straight to its results (still 200), saying when it closed', async () => {
    const response = await request(`${server.url}/polls/old`);
    expect(response.status).toBe(200);
    expect(response.body).toMatch(
      /This poll is closed: it closed on\s+<time datetime="2020-01-01T00:00:00.000Z" data-local data-relative>1 Jan 2020, 00:00 UTC \(\d+ years ago\)<\/time>/,
    );
    expect(response.body).toMatch(/<a class="button" href="\/polls\/old\/results">\s*See the results\s*<\/a>/);
  });

  it('ships the one script that rewrites times in the reader’s zone, as a file (the CSP forbids inline)', async () => {
    const html = (await request(`${server.url}/`)).body as string;
    const src = html.match(/<script type="module" src="(\/_astro\/Time[^"]+\.js)"><\/script>/)?.[1];
    expect(src).toBeDefined();
    const script = (await request(`${server.url}${src}`)).body as string;
    // Helpers shared with other scripts (the widget's) sit in a chunk the script imports.
    const chunks = [...script.matchAll(/from\s*"\.\/([^"]+\.js)"/g)].map((m) => `/_astro/${m[1]}`);
    const imported = await Promise.all(chunks.map(async (chunk) => (await request(`${server.url}${chunk}`)).body));
    expect([script, ...imported].join('\n')).toContain('RelativeTimeFormat');
  });
});

describe('voting without JavaScript', () => {
  it('redirects 303 to the results after a vote (Post/Redirect/Get)', async () => {
    const response = await formPost(server.url, '/polls/project-management-tool', 'choice=trello');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/polls/project-management-tool/results');
  });

  it.each([
    { name: 'no choice', body: '', status: 422, reason: 'Choose an option' },
    { name: 'an unknown option', body: 'choice=zzz', status: 422, reason: 'not an option' },
    { name: 'two options in single choice', body: 'choice=trello&choice=smartsheet', status: 422, reason: 'only one' },
  ])('re-renders the poll with $status and the reason in role=alert for $name', async ({ body, status, reason }) => {
    const before = (await request(`${server.url}/api/polls/project-management-tool/results`)).body.totalResponses;
    const response = await formPost(server.url, '/polls/project-management-tool', body);
    expect(response.status).toBe(status);
    expect(response.body).toMatch(new RegExp(`role="alert"[^>]*>[\\s\\S]*${reason}`));
    expect(response.body).toContain('<fieldset');
    expect((await request(`${server.url}/api/polls/project-management-tool/results`)).body.totalResponses).toBe(before);
  });

  it('refuses a second vote from the same browser with 409 and shows "already voted" afterwards', async () => {
    const first = await formPost(server.url, '/polls/ai-projects-in-production', 'choice=lt-10');
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    const again = await formPost(server.url, '/polls/ai-projects-in-production', 'choice=10-20', { cookie });
    expect(again.status).toBe(409);
    expect(again.body).toMatch(/role="alert"[\s\S]*already voted/);
    const page = await request(`${server.url}/polls/ai-projects-in-production`, { headers: { cookie } });
    expect(page.body).toContain('You have already voted');
  });

  it('refuses a vote in a closed poll with 403', async () => {
    const response = await formPost(server.url, '/polls/old', 'choice=yes');
    expect(response.status).toBe(403);
    expect(response.body).toMatch(/role="alert"[\s\S]*closed/);
  });

  it('refuses a cross-site form post with 403', async () => {
    const response = await formPost(server.url, '/polls/project-management-tool', 'choice=trello', {
      origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
  });

  it('counts a multiple-choice ballot', async () => {
    const response = await formPost(server.url, '/polls/multi', 'choice=go&choice=rust');
    expect(response.status).toBe(303);
    const results = await request(`${server.url}/api/polls/multi/results`);
    expect(results.body.options.map((o: { votes: number }) => o.votes)).toEqual([1, 1, 0]);
  });
});

describe('GET /polls/{slug}/results', () => {
  it('renders n and a table of label, responses, share and margin, with the chart and downloads', async () => {
    const { status, body } = await request(`${server.url}/polls/project-management-tool/results`);
    expect(status).toBe(200);
    const html = body as string;
    expect(html).toMatch(/<table>[\s\S]*<caption>\s*Results from \d+ responses\s*<\/caption>/);
    expect(html).toMatch(/<th scope="row">\s*Smartsheet\s*<\/th>\s*<td class="num">111<\/td>/);
    // The margin as people read it, the exact 95 % range beneath.
    expect(html).toMatch(
      /\d+\.\d%<\/span>\s*<\/span>\s*<\/td>\s*<td class="num">\s*±\d+ pts\s*<span class="range">\d+–\d+%<\/span>/,
    );
    expect(html).toMatch(
      /<canvas role="img" aria-label="Bar chart of shares among \d+ responses: Microsoft Project: \d+\.\d% \(\d+ responses, margin ±\d+ pts\)/,
    );
    expect(html).toContain('href="/api/polls/project-management-tool/results.csv"');
    expect(html).toContain('href="/api/polls/project-management-tool/results"');
    expect(html).toContain('One vote per browser');
    // One word for the count: no "respondents" and no "votes" for it anywhere on the page.
    expect(html).not.toMatch(/respondent|\d votes/i);
  });

  it('states the leaders in a headline above the chart: too close to call on the demo poll', async () => {
    const html = (await request(`${server.url}/polls/project-management-tool/results`)).body as string;
    expect(html).toMatch(
      /<p class="headline"[^>]*>Smartsheet \(\d+%\) and Microsoft Project \(\d+%\) are too close to call, with \d+ responses\.<\/p>[\s\S]*<results-chart/,
    );
    expect(html).not.toContain('class="small-sample"');
  });

  it('names a clear leader, and warns below 30 responses', async () => {
    for (let i = 0; i < 9; i++) expect((await vote(server.url, 'clear', ['pizza'])).status).toBe(201);
    const html = (await request(`${server.url}/polls/clear/results`)).body as string;
    expect(html).toMatch(/<p class="headline"[^>]*>Pizza leads with 100% of 9 responses\.<\/p>/);
    expect(html).toMatch(/class="small-sample"[^>]*>Only 9 responses so far: with this few, shares will move a lot/);
  });

  it('says when the leaders are tied, and that one response decides nothing', async () => {
    expect((await vote(server.url, 'tie', ['tea'])).status).toBe(201);
    const one = (await request(`${server.url}/polls/tie/results`)).body as string;
    expect(one).toMatch(/Tea \(100%\) and Coffee \(0%\) are too close to call, with 1 response\./);
    expect(one).toContain('Only 1 response so far');
    expect((await vote(server.url, 'tie', ['coffee'])).status).toBe(201);
    const tied = (await request(`${server.url}/polls/tie/results`)).body as string;
    expect(tied).toMatch(/Tea and Coffee are tied at 50% each of 2 responses\./);
  });

  it('after a vote: thanks once, and marks the voter’s own choice on every later view', async () => {
    const voted = await formPost(server.url, '/polls/project-management-tool', 'choice=monday-com');
    expect(voted.status).toBe(303);
    expect(voted.headers.get('location')).toBe('/polls/project-management-tool/results');
    const cookie = `${cookieFrom(voted.headers, 'pp_voter')}; ${cookieFrom(voted.headers, 'pp_just_voted')}`;
    const first = await request(`${server.url}/polls/project-management-tool/results`, { headers: { cookie } });
    const html = first.body as string;
    expect(html).toMatch(
      /role="status"[^>]*>\s*<strong[^>]*>Thanks — your vote is counted\.<\/strong> You chose Monday\.com\./,
    );
    expect(html).toMatch(
      /<tr class="own-choice">\s*<th scope="row">\s*Monday\.com\s*<span class="own-choice-tag">Your choice<\/span>/,
    );
    expect(html.match(/Your choice</g)).toHaveLength(1);
    expect(html).toContain('Monday.com (your choice):');
    // The flag is cleared with that view; the choice stays marked.
    expect(
      first.headers
        .getSetCookie()
        .some(
          (c) =>
            /^pp_just_voted=;|^pp_just_voted=deleted/.test(c) ||
            /^pp_just_voted=.*Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c),
        ),
    ).toBe(true);
    const again = (
      await request(`${server.url}/polls/project-management-tool/results`, {
        headers: { cookie: cookieFrom(voted.headers, 'pp_voter') },
      })
    ).body as string;
    expect(again).not.toContain('Thanks — your vote is counted');
    expect(again).toContain('<span class="own-choice-tag">Your choice</span>');
    // Another browser sees no mark, and a forged flag alone thanks nobody.
    const stranger = (
      await request(`${server.url}/polls/project-management-tool/results`, {
        headers: { cookie: 'pp_just_voted=1' },
      })
    ).body as string;
    expect(stranger).not.toContain('Your choice');
    expect(stranger).not.toContain('Thanks — your vote is counted');
  });

  it('says why and when hidden results will be shown', async () => {
    const { status, body } = await request(`${server.url}/polls/hidden/results`);
    expect(status).toBe(200);
    expect(body).toMatch(
      /Results will be shown when the poll closes on\s+<time datetime="2099-01-01T00:00:00.000Z"[^>]*>1 Jan 2099, 00:00 UTC \(in \d+ years\)<\/time>/,
    );
    expect(body).not.toContain('<table>');
  });
});

describe('headers', () => {
  it('forbids framing of pages with a frame-ancestors header', async () => {
    for (const path of ['/', '/polls/multi', '/polls/multi/results', '/api/polls']) {
      const response = await request(`${server.url}${path}`);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
