/**
 * The survey pages of the built server as a browser without JavaScript sees them: a survey
 * answered page by page with plain form posts (the response token in the form), going back and
 * changing page 1, refused pages (422) and a token that names no response (400), the states a
 * survey can be in, its results page with a cross-question breakdown, the widget and the loader.
 */
import { describe, expect, it } from 'vitest';
import { cookieFrom, formPost, request } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

/* eslint-disable @typescript-eslint/no-explicit-any */
async function createSurvey(base: string, input: Record<string, unknown>): Promise<any> {
  const response = await request(`${base}/api/admin/surveys`, { method: 'POST', json: input, token: ADMIN_TOKEN });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const PULSE = {
  slug: 'pulse',
  title: 'Delivery pulse',
  description: 'Three short questions about shipping AI work.',
  resultsVisibility: 'always',
  duplicatePolicy: 'device',
  profile: ['role'],
  questions: [
    {
      question: 'What share of your AI projects reach production?',
      type: 'single',
      options: ['Under 10%', '10 to 30%', 'Over 30%'],
      required: true,
    },
    {
      question: 'Which tools does your team use?',
      type: 'multiple',
      options: ['Jira', 'Trello', 'Linear'],
      maxChoices: 2,
      allowOther: true,
      required: false,
    },
    {
      question: 'What stalls a rollout most?',
      type: 'ranked',
      options: ['Budget', 'Data', 'Skills'],
      maxChoices: 3,
      required: true,
    },
  ],
  pages: [[0], [1], [2]],
};

/** Option keys of each question, as the API names them. */
let keys: string[][] = [];

const server = useServer({
  setup: async ({ url }) => {
    const created = await createSurvey(url, PULSE);
    keys = (created.pages as { options: { key: string }[] }[][]).flat().map((q) => q.options.map((o) => o.key));
    await createSurvey(url, {
      ...PULSE,
      slug: 'escape',
      title: '<script>alert(1)</script> & "quotes"',
      description: '<b>not bold</b>',
      questions: [{ ...PULSE.questions[0], question: '<img src=x onerror=alert(1)>?' }],
      pages: undefined,
    });
    await createSurvey(url, {
      ...PULSE,
      slug: 'old',
      title: 'An old survey',
      closesAt: '2020-01-01T00:00:00Z',
      questions: [PULSE.questions[0]],
      pages: undefined,
    });
    await createSurvey(url, {
      ...PULSE,
      slug: 'later',
      title: 'A later survey',
      opensAt: new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString(),
      questions: [PULSE.questions[0]],
      pages: undefined,
    });
    await createSurvey(url, {
      ...PULSE,
      slug: 'secret',
      title: 'A draft survey',
      status: 'draft',
      questions: [PULSE.questions[0]],
      pages: undefined,
    });
  },
});

/** The value of the hidden `token` field of a page. */
function tokenOf(html: string): string {
  // An empty value is written as a bare attribute.
  const match = /<input type="hidden" name="token" value(?:="([^"]*)")?>/.exec(html);
  if (!match) throw new Error('no token field');
  return match[1] ?? '';
}

/** The `<fieldset …>` opening tag of a question. */
function fieldsetOf(html: string, slug: string): string {
  return new RegExp(`<fieldset[^>]*id="question-${slug}"[^>]*>`).exec(html)?.[0] ?? '';
}

describe('GET /surveys/{slug}', () => {
  it('shows page 1: title, progress in words and a <progress>, the question in a fieldset, About you, Next only', async () => {
    const { status, headers, body } = await request(`${server.url}/surveys/pulse`);
    expect(status).toBe(200);
    const html = body as string;
    expect(html).toMatch(/<h1[^>]*>Delivery pulse<\/h1>/);
    expect(html).toContain('Three short questions about shipping AI work.');
    expect(html).toMatch(/Page 1 of 3\s*<\/label>/);
    expect(html).toMatch(/<progress[^>]*max="3"[^>]*value="1"/);
    expect(html).toMatch(/<form method="post" action="\/surveys\/pulse" class="survey-form">/);
    expect(fieldsetOf(html, 'pulse-1')).not.toBe('');
    expect(html).toContain('What share of your AI projects reach production?');
    expect(html).toContain('<span class="question-required">Required</span>');
    expect(html).toMatch(/<input type="radio" name="q:pulse-1" value="[^"]+" required/);
    expect(html).toContain('About you');
    expect(html).toMatch(/name="profile-role"/);
    expect(html).toMatch(/<input type="hidden" name="page" value="1">/);
    expect(tokenOf(html)).toBe('');
    expect(html).toMatch(/<button type="submit" name="nav" value="next"/);
    expect(html).not.toContain('value="back"');
    // Page 1 shows only its own question; viewing hands out no identity.
    expect(html).not.toContain('name="q:pulse-2"');
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('is 404 for an unknown or a draft survey', async () => {
    expect((await request(`${server.url}/surveys/no-such-survey`)).status).toBe(404);
    expect((await request(`${server.url}/surveys/secret`)).status).toBe(404);
    expect((await request(`${server.url}/surveys/secret/results`)).status).toBe(404);
    expect((await request(`${server.url}/embed/surveys/secret`)).status).toBe(404);
  });

  it('says a closed survey is closed and a scheduled one when it opens, with no form', async () => {
    const closed = (await request(`${server.url}/surveys/old`)).body as string;
    expect(closed).toContain('This survey is closed');
    expect(closed).not.toContain('<form method="post"');
    expect(closed).toContain('href="/surveys/old/results"');
    const later = (await request(`${server.url}/surveys/later`)).body as string;
    expect(later).toContain('This survey opens on');
    expect(later).not.toContain('<form method="post"');
  });

  it('escapes the title, description and questions', async () => {
    // Inside a quoted attribute "<" is inert; everywhere else it must arrive escaped.
    const outside = (html: string) => html.replace(/="[^"]*"/g, '=""');
    const { status, body } = await request(`${server.url}/surveys/escape`);
    expect(status).toBe(200);
    const html = body as string;
    expect(outside(html)).not.toContain('<script>alert(1)</script>');
    expect(outside(html)).not.toContain('<img src=x');
    expect(outside(html)).not.toContain('<b>not bold</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;?');
    for (const path of ['/surveys/escape/results', '/embed/surveys/escape', '/']) {
      const page = (await request(`${server.url}${path}`)).body as string;
      expect(outside(page), path).not.toContain('<script>alert(1)</script>');
      expect(page, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('POST /surveys/{slug}: the survey without JavaScript', () => {
  it('goes page by page with the token in the form, back to change page 1, and finishes with a 303 to the results', async () => {
    const [q1, q2, q3] = keys as [string[], string[], string[]];
    // Page 1, with a profile answer.
    const first = await formPost(server.url, '/surveys/pulse', {
      'q:pulse-1': q1[0]!,
      'profile-role': 'manager',
      page: '1',
      token: '',
      nav: 'next',
    });
    expect(first.status).toBe(200);
    const cookie = cookieFrom(first.headers, 'pp_voter');
    const page2 = first.body as string;
    expect(page2).toMatch(/Page 2 of 3\s*<\/label>/);
    expect(page2).toContain('name="q:pulse-2"');
    expect(page2).toContain('<span class="question-optional">Optional</span>');
    expect(page2).not.toContain('name="profile-role"');
    expect(page2).toMatch(/<button type="submit" name="nav" value="back" formnovalidate/);
    const token = tokenOf(page2);
    expect(token).toMatch(/^\d+\.\d+\.\d+\.[A-Za-z0-9_-]+$/);
    // The token never travels in a URL: no link or action carries it.
    expect(page2.split(token).length).toBe(2);

    // Back from page 2: page 1 again with the stored answer, nothing stored for page 2.
    const back = await formPost(
      server.url,
      '/surveys/pulse',
      { 'q:pulse-2': q2[0]!, page: '2', token, nav: 'back' },
      { cookie },
    );
    expect(back.status).toBe(200);
    const again = back.body as string;
    expect(again).toMatch(/Page 1 of 3\s*<\/label>/);
    expect(again).toMatch(new RegExp(`name="q:pulse-1" value="${q1[0]}" checked`));
    expect(again).toMatch(/<option value="manager" selected>/);

    // A crafted Back from page 1 stores nothing: page 1 again, with its stored answer.
    const backFromFirst = await formPost(
      server.url,
      '/surveys/pulse',
      { 'q:pulse-1': q1[1]!, page: '1', token: tokenOf(again), nav: 'back' },
      { cookie },
    );
    expect(backFromFirst.status).toBe(200);
    expect(backFromFirst.body).toMatch(new RegExp(`name="q:pulse-1" value="${q1[0]}" checked`));

    // Page 1 changed, then pages 2 and 3.
    const changed = await formPost(
      server.url,
      '/surveys/pulse',
      { 'q:pulse-1': q1[2]!, 'profile-role': 'manager', page: '1', token: tokenOf(again), nav: 'next' },
      { cookie },
    );
    expect(changed.status).toBe(200);
    const third = await formPost(
      server.url,
      '/surveys/pulse',
      { 'q:pulse-2': q2[1]!, 'q:pulse-2:other': '', page: '2', token: tokenOf(changed.body as string), nav: 'next' },
      { cookie },
    );
    expect(third.status).toBe(200);
    const page3 = third.body as string;
    expect(page3).toMatch(/Page 3 of 3\s*<\/label>/);
    expect(page3).toMatch(/<button type="submit" name="nav" value="finish"[^>]*>\s*Finish\s*<\/button>/);
    const body = new URLSearchParams([
      ['q:pulse-3', q3[1]!],
      ['q:pulse-3', q3[0]!],
      ['q:pulse-3', ''],
      ['page', '3'],
      ['token', tokenOf(page3)],
      ['nav', 'finish'],
    ]).toString();
    const done = await formPost(server.url, '/surveys/pulse', body, { cookie });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/surveys/pulse/results');

    // One response, with the changed answer to page 1 only.
    const results = (await request(`${server.url}/api/surveys/pulse/results`)).body;
    expect(results.completion).toMatchObject({ started: 1, finished: 1 });
    const question1 = results.questions[0];
    expect(question1.totalResponses).toBe(1);
    expect(question1.options.find((o: { key: string }) => o.key === q1[2]).votes).toBe(1);
    expect(question1.options.find((o: { key: string }) => o.key === q1[0]).votes).toBe(0);

    // The results page thanks once; the survey page then says it was answered.
    const thanks = await request(`${server.url}/surveys/pulse/results`, {
      headers: { cookie: `${cookie}; ${cookieFrom(done.headers, 'pp_survey_done')}` },
    });
    expect(thanks.body).toContain('Thank you — your answers are recorded.');
    const answered = await request(`${server.url}/surveys/pulse`, { headers: { cookie } });
    expect(answered.body).toContain('You have already answered this survey');
    expect(answered.body).not.toContain('<form method="post"');
  });

  it('refuses a page with a missing required answer: 422, a summary linking to the question, the problem beside it, answers kept', async () => {
    const response = await formPost(server.url, '/surveys/pulse', {
      'profile-role': 'manager',
      page: '1',
      token: '',
      nav: 'next',
    });
    expect(response.status).toBe(422);
    const html = response.body as string;
    expect(html).toMatch(/<div class="alert problem-summary" role="alert"/);
    expect(html).toContain('href="#question-pulse-1"');
    expect(fieldsetOf(html, 'pulse-1')).toContain('question-pulse-1-error');
    expect(html).toMatch(/<p class="field-error question-error" id="question-pulse-1-error">/);
    expect(html).toMatch(/name="q:pulse-1"[^>]*aria-invalid="true"[^>]*aria-describedby="question-pulse-1-error"/);
    expect(html).toMatch(/<option value="manager" selected>/);
    expect(html).toMatch(/Page 1 of 3\s*<\/label>/);
  });

  it('refuses a page 2 with too many choices, keeping them ticked', async () => {
    const [q1, q2] = keys as [string[], string[]];
    const first = await formPost(server.url, '/surveys/pulse', {
      'q:pulse-1': q1[1]!,
      page: '1',
      token: '',
      nav: 'next',
    });
    const token = tokenOf(first.body as string);
    const body = new URLSearchParams([
      ['q:pulse-2', q2[0]!],
      ['q:pulse-2', q2[1]!],
      ['q:pulse-2', q2[2]!],
      ['page', '2'],
      ['token', token],
      ['nav', 'next'],
    ]).toString();
    const refused = await formPost(server.url, '/surveys/pulse', body, {
      cookie: cookieFrom(first.headers, 'pp_voter'),
    });
    expect(refused.status).toBe(422);
    const html = refused.body as string;
    expect(html).toContain('href="#question-pulse-2"');
    for (const key of q2) expect(html).toMatch(new RegExp(`name="q:pulse-2" value="${key}" checked`));
    expect(tokenOf(html)).toBe(token);
  });

  it('answers a forged token with 400 and a link to start again', async () => {
    const [, q2] = keys as [string[], string[]];
    const response = await formPost(server.url, '/surveys/pulse', {
      'q:pulse-2': q2[0]!,
      page: '2',
      token: '1.1.9999999999.forged',
      nav: 'next',
    });
    expect(response.status).toBe(400);
    const html = response.body as string;
    expect(html).toMatch(/<div class="alert" role="alert"/);
    expect(html).toContain('Your earlier answers could not be found');
    expect(html).toMatch(/<a class="button" href="\/surveys\/pulse"[^>]*>\s*Start again from page 1\s*<\/a>/);
    const back = await formPost(server.url, '/surveys/pulse', { page: '2', token: 'nonsense', nav: 'back' });
    expect(back.status).toBe(400);
  });

  it('refuses answering a closed survey', async () => {
    const response = await formPost(server.url, '/surveys/old', {
      'q:old-1': 'x',
      page: '1',
      token: '',
      nav: 'finish',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toMatch(/role="alert"/);
  });
});

describe('GET /surveys/{slug}/results', () => {
  it('says the completion in words, the drop-off as a table, links to break down by, and every question', async () => {
    const { status, body } = await request(`${server.url}/surveys/pulse/results`);
    expect(status).toBe(200);
    const html = body as string;
    expect(html).toMatch(/\d+ (people|person) started, \d+ finished — \d+% \(95% interval \d+–\d+%\)/);
    expect(html).toContain('Pages reached and submitted');
    expect(html).toMatch(/<th scope="row"[^>]*>Page 3<\/th>/);
    expect(html).toContain('Break down by');
    expect(html).toContain('href="/surveys/pulse/results?by=question:pulse-1#questions"');
    expect(html).toContain('href="/surveys/pulse/results?by=role#questions"');
    // A multiple-choice or ranked question is no "by".
    expect(html).not.toContain('by=question:pulse-2');
    for (const slug of ['pulse-1', 'pulse-2', 'pulse-3']) {
      expect(html).toContain(`id="results-${slug}"`);
      expect(html).toContain(`href="/polls/${slug}/results"`);
    }
    expect(html).toContain('data-survey-stream="/api/surveys/pulse/results/stream"');
  });

  it('breaks every other question down by the answers to one, hiding small groups', async () => {
    const { status, body } = await request(`${server.url}/surveys/pulse/results?by=question:pulse-1`);
    expect(status).toBe(200);
    const html = body as string;
    expect(html).toContain('By answer to question 1');
    expect(html).toContain('hidden to protect anonymity');
    expect(html).toMatch(/aria-current="page"[^>]*>\s*Question 1:/);
  });

  it('says a bad breakdown in an alert with 422', async () => {
    const { status, body } = await request(`${server.url}/surveys/pulse/results?by=question:pulse-2`);
    expect(status).toBe(422);
    expect(body).toMatch(/role="alert"/);
    expect(body).toContain('This breakdown cannot be shown.');
  });
});

describe('the survey widget', () => {
  it('is framable, works through its own posts and thanks with a link to the results in a new tab', async () => {
    const [q1, q2, q3] = keys as [string[], string[], string[]];
    const page1 = await request(`${server.url}/embed/surveys/pulse?theme=dark`);
    expect(page1.status).toBe(200);
    expect(page1.headers.get('content-security-policy')).not.toContain("frame-ancestors 'none'");
    const html = page1.body as string;
    expect(html).toContain('data-theme="dark"');
    expect(html).toContain('data-kind="survey"');
    expect(html).toContain('action="/embed/surveys/pulse?theme=dark"');
    const post = (body: Record<string, string> | string, cookie?: string) =>
      formPost(server.url, '/embed/surveys/pulse?theme=dark', body, cookie ? { cookie } : {});
    const second = await post({ 'q:pulse-1': q1[0]!, page: '1', token: '', nav: 'next' });
    expect(second.status).toBe(200);
    expect(second.body).toMatch(/Page 2 of 3/);
    const third = await post({ 'q:pulse-2': q2[0]!, page: '2', token: tokenOf(second.body as string), nav: 'next' });
    expect(third.status).toBe(200);
    const done = await post({ 'q:pulse-3': q3[0]!, page: '3', token: tokenOf(third.body as string), nav: 'finish' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/embed/surveys/pulse?done=1&theme=dark');
    const thanks = (await request(`${server.url}/embed/surveys/pulse?done=1&theme=dark`)).body as string;
    expect(thanks).toContain('Thank you — your answers are recorded.');
    expect(thanks).toMatch(/<a href="\/surveys\/pulse\/results" target="_blank" rel="noopener noreferrer">/);
  });

  it('is turned into an iframe by the loader from data-peer-survey', async () => {
    const loader = (await request(`${server.url}/embed.js`)).body as string;
    expect(loader).toContain('data-peer-survey');
    expect(loader).toContain("'surveys/'");
  });
});

describe("a question's own poll page and widget", () => {
  it('offer no ballot but a link to answer the question in its survey', async () => {
    const page = (await request(`${server.url}/polls/pulse-1`)).body as string;
    expect(page).not.toContain('<form method="post"');
    expect(page).toContain('This question is part of the survey “Delivery pulse”.');
    expect(page).toContain('<a href="/surveys/pulse">Answer it in the survey</a>');
    const widget = (await request(`${server.url}/embed/pulse-1`)).body as string;
    expect(widget).not.toContain('<form method="post"');
    expect(widget).toMatch(
      /<a href="\/surveys\/pulse" target="_blank" rel="noopener noreferrer"[^>]*>\s*answer it there/,
    );
  });
});

describe('GET / lists surveys', () => {
  it('has a Surveys section linking to each public survey and its results', async () => {
    const html = (await request(`${server.url}/`)).body as string;
    expect(html).toContain('Surveys');
    expect(html).toContain('href="/surveys/pulse"');
    expect(html).toContain('href="/surveys/pulse/results"');
    expect(html).not.toContain('href="/surveys/secret"');
  });
});
