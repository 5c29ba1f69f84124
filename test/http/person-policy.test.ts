/**
 * The `person` policy over HTTP, behind a small authenticating proxy (test/support/sign-on-proxy.ts)
 * that forwards to the built server from 127.0.0.2, the one address in TRUSTED_PROXIES: one vote
 * per signed-in person whatever the browser, 401 (JSON) or a sign-in page (browsers) without a
 * believed sign-on, spoofed headers ignored, department breakdowns with the usual suppression,
 * nothing stored on refusal and no user id anywhere in the database file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request, requestFrom } from '../support/api';
import { onPostgres } from '../support/postgres';
import { withRawDatabase } from '../support/raw-database';
import { LOGIN_HEADER, startSignOnProxy, type SignOnProxy } from '../support/sign-on-proxy';
import { ADMIN_TOKEN, runServerExpectingExit, useServer, withServer } from '../support/server';
import { createSurvey, storedCounts } from '../support/surveys';

const PASSWORD = 'correct horse battery staple';
const SIGN_ON_ENV = {
  ADMIN_PASSWORD: PASSWORD,
  TRUST_PROXY: '1',
  TRUSTED_PROXIES: '127.0.0.2',
  AUTH_USER_HEADER: 'X-Forwarded-User',
  AUTH_ATTRIBUTE_HEADERS: 'department=X-Forwarded-Department',
  DEPARTMENTS: 'Sales;Engineering;Finance',
  SEGMENT_MIN_N: '3',
};

/** Distinctive user ids, to look for in the database file's bytes. */
const ALICE = 'alice.quixote-7f3a@corp.example';
const BOB = 'bob.zanzibar-91c2@corp.example';
const CAROL = 'carol.ytterbium-5d0e@corp.example';
const IVAN = 'ivan.quetzal-2b8e@corp.example';
const JUDY = 'judy.xylophone-6c1f@corp.example';

const server = useServer({
  env: SIGN_ON_ENV,
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'lunch',
      question: 'Where do we have lunch?',
      options: ['Canteen', 'Park'],
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
    });
    await createPoll(url, {
      slug: 'tools',
      question: 'Which tool does your team use?',
      options: ['Jira', 'Trello'],
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
      profile: ['department', 'role'],
    });
    await createPoll(url, {
      slug: 'open-door',
      question: 'Coffee or tea?',
      options: ['Coffee', 'Tea'],
      duplicatePolicy: 'device',
      resultsVisibility: 'always',
      profile: ['department'],
    });
    await createPoll(url, {
      slug: 'retro',
      question: 'Keep the retro format?',
      options: ['Keep', 'Change'],
      duplicatePolicy: 'person',
      resultsVisibility: 'after_vote',
    });
    await createPoll(url, {
      slug: 'desk-plants',
      question: 'More desk plants?',
      options: ['Yes', 'No'],
      duplicatePolicy: 'device',
      resultsVisibility: 'after_vote',
    });
    await createSurvey(url, {
      slug: 'offsite',
      title: 'Offsite',
      duplicatePolicy: 'person',
      resultsVisibility: 'after_vote',
      questions: [{ question: 'Come along?', options: ['Yes', 'No'] }],
    });
    await createSurvey(url, {
      slug: 'two-pages',
      title: 'Two pages',
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
      questions: [
        { question: 'First?', options: ['Yes', 'No'] },
        { question: 'Second?', options: ['Yes', 'No'] },
      ],
      pages: [[0], [1]],
    });
    await createSurvey(url, {
      slug: 'pulse',
      title: 'Team pulse',
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
      profile: ['department'],
      questions: [{ question: 'Happy?', options: ['Yes', 'No'] }],
    });
  },
});

let proxy: SignOnProxy;
beforeAll(async () => {
  proxy = await startSignOnProxy({
    target: server.url,
    attributeHeaders: { department: 'x-forwarded-department' },
  });
});
afterAll(() => proxy?.close());

/** A JSON vote through the proxy as `login` (undefined: nobody signed in), as a fresh browser unless a cookie is given. */
const voteAs = (login: string | undefined, slug: string, body: unknown, extra: Record<string, string> = {}) =>
  request(`${proxy.url}/api/polls/${slug}/votes`, {
    method: 'POST',
    json: body,
    headers: { ...(login === undefined ? {} : { [LOGIN_HEADER]: login }), ...extra },
  });
const total = async (slug: string) => (await request(`${server.url}/api/polls/${slug}/results`)).body.totalResponses;

describe('one vote per signed-in person', () => {
  it('counts a person once, whatever browser, cookie or spelling of their name', async () => {
    const first = await voteAs(ALICE, 'lunch', { choices: ['canteen'] });
    expect(first.status).toBe(201);
    // Another browser (no cookie), then the first browser's cookie, then the name in capitals.
    const again = await voteAs(ALICE, 'lunch', { choices: ['park'] });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'already_voted',
      message: expect.stringMatching(/signed-in person/),
    });
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await voteAs(ALICE, 'lunch', { choices: ['park'] }, { cookie })).status).toBe(409);
    expect((await voteAs(ALICE.toUpperCase(), 'lunch', { choices: ['park'] })).status).toBe(409);
    // The page and the widget are other doors to the same lock.
    const page = await formPost(proxy.url, '/polls/lunch', { choice: 'park' }, { [LOGIN_HEADER]: ALICE });
    expect(page.status).toBe(409);
    expect(page.body).toMatch(/role="alert"[\s\S]*one vote per signed-in person/);
    const widget = await formPost(proxy.url, '/embed/lunch', { choice: 'park' }, { [LOGIN_HEADER]: ALICE });
    expect(widget.status).toBe(409);
    // Someone else, from the same browser (the same cookie), still votes.
    expect((await voteAs(BOB, 'lunch', { choices: ['park'] }, { cookie })).status).toBe(201);
    const byPage = await formPost(proxy.url, '/polls/lunch', { choice: 'park' }, { [LOGIN_HEADER]: CAROL });
    expect(byPage.status).toBe(303);
    const results = await request(`${server.url}/api/polls/lunch/results`);
    expect(results.body.options.map((o: { votes: number }) => o.votes)).toEqual([1, 2]);
  });

  it('answers 401 without a sign-on, stores nothing, and keeps results readable', async () => {
    const before = await total('lunch');
    const refused = await voteAs(undefined, 'lunch', { choices: ['canteen'] });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({
      code: 'unauthorized',
      message: expect.stringMatching(/signed-in person: sign in through your intranet/),
    });
    // Before the ballot is looked at: a broken ballot still hears what is missing.
    expect((await voteAs(undefined, 'lunch', { choices: ['nope'] })).status).toBe(401);
    // A browser's form post gets the page with the reason, not JSON.
    const form = await formPost(proxy.url, '/polls/lunch', { choice: 'canteen' }, { accept: 'text/html' });
    expect(form.status).toBe(401);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(form.body).toMatch(/role="alert"[\s\S]*sign in through your intranet/);
    const widget = await formPost(proxy.url, '/embed/lunch', { choice: 'canteen' }, { accept: 'text/html' });
    expect(widget.status).toBe(401);
    expect(widget.body).toMatch(/role="alert"[\s\S]*sign in through your intranet/);
    expect(await total('lunch')).toBe(before);
    const results = await request(`${proxy.url}/api/polls/lunch/results`);
    expect(results.status).toBe(200);
    expect((await request(`${proxy.url}/polls/lunch/results`)).status).toBe(200);
  });

  it('shows a visitor without a sign-on how to sign in instead of a ballot, on the page and in the widget', async () => {
    for (const path of ['/polls/lunch', '/embed/lunch']) {
      const anonymous = await request(`${proxy.url}${path}`);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toContain('Sign in through your intranet to vote');
      expect(anonymous.body).not.toContain('<form method="post"');
      if (path.startsWith('/embed/'))
        expect(anonymous.body).toMatch(/<a href="\/polls\/lunch" target="_blank"[^>]*>\s*Sign in and vote/);
      const signedIn = await request(`${proxy.url}${path}`, { headers: { [LOGIN_HEADER]: 'dave@corp.example' } });
      expect(signedIn.body).toContain('<form method="post"');
      expect(signedIn.body).not.toContain('Sign in through your intranet');
      // Never the signed-in page for the next anonymous visitor, through the proxy or directly.
      expect((await request(`${proxy.url}${path}`)).body).not.toContain('<form method="post"');
      expect((await request(`${server.url}${path}`)).body).not.toContain('<form method="post"');
    }
  });
});

describe('sign-on headers from anyone but the proxy', () => {
  it('ignores a user header sent straight to the server from an untrusted address', async () => {
    const before = await total('lunch');
    const spoofed = await requestFrom('127.0.0.1', `${server.url}/api/polls/lunch/votes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-user': 'mallory@corp.example',
        'x-forwarded-for': '127.0.0.2',
      },
      body: JSON.stringify({ choices: ['canteen'] }),
    });
    expect(spoofed.status).toBe(401);
    const page = await requestFrom('127.0.0.3', `${server.url}/polls/lunch`, {
      headers: { 'x-forwarded-user': 'mallory@corp.example' },
    });
    expect(page.body).toContain('Sign in through your intranet to vote');
    expect(await total('lunch')).toBe(before);
  });

  it('treats a user header on several lines (a proxy that appends instead of replacing) as no sign-on', async () => {
    const before = await total('lunch');
    // From the trusted proxy's address: the visitor's own line, then the proxy's appended one.
    const appended = (user: string[]) =>
      requestFrom('127.0.0.2', `${server.url}/api/polls/lunch/votes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-user': user },
        body: JSON.stringify({ choices: ['canteen'] }),
      });
    for (let i = 0; i < 3; i++)
      expect((await appended([`forged-${i}@corp.example`, 'frank@corp.example'])).status).toBe(401);
    const page = await requestFrom('127.0.0.2', `${server.url}/polls/lunch`, {
      headers: { 'x-forwarded-user': ['forged@corp.example', 'frank@corp.example'] },
    });
    expect(page.body).toContain('Sign in through your intranet to vote');
    const widget = await requestFrom('127.0.0.2', `${server.url}/embed/lunch`, {
      headers: { 'x-forwarded-user': ['forged@corp.example', 'frank@corp.example'] },
    });
    expect(widget.body).toContain('Sign in through your intranet to vote');
    expect(await total('lunch')).toBe(before);
  });

  it('lets the proxy overwrite a user header the visitor sent', async () => {
    const victim = 'erin@corp.example';
    const forged = await voteAs(
      'frank@corp.example',
      'lunch',
      { choices: ['canteen'] },
      { 'x-forwarded-user': victim },
    );
    expect(forged.status).toBe(201);
    // The vote was Frank's: Erin still has hers, Frank has none left.
    expect((await voteAs('frank@corp.example', 'lunch', { choices: ['canteen'] })).status).toBe(409);
    expect((await voteAs(victim, 'lunch', { choices: ['canteen'] })).status).toBe(201);
  });
});

describe('profile answers from the sign-on', () => {
  it('fills the department from the header, ignores the ballot’s own, and suppresses small departments', async () => {
    const ballots: [string, string | undefined, Record<string, string>?][] = [
      ['sales-1', 'Sales', { department: 'finance' }],
      ['sales-2', 'sales'],
      ['sales-3', 'SALES'],
      ['sales-4', ' Sales '],
      ['eng-1', 'Engineering', { role: 'manager' }],
      ['eng-2', 'engineering'],
      ['eng-3', 'Engineering'],
      ['fin-1', 'Finance'],
      ['marketing-1', 'Marketing'],
      ['no-department-1', undefined],
    ];
    for (const [login, department, profile] of ballots) {
      const response = await request(`${proxy.url}/api/polls/tools/votes`, {
        method: 'POST',
        json: { choices: ['jira'], ...(profile ? { profile } : {}) },
        headers: { [LOGIN_HEADER]: login, ...(department ? { 'x-test-attribute-department': department } : {}) },
      });
      expect(response.status, login).toBe(201);
    }
    const byDepartment = await request(`${server.url}/api/polls/tools/results?by=department`);
    expect(byDepartment.status).toBe(200);
    const segments = byDepartment.body.breakdown.segments.map((s: { value: string; n: number | null }) => [
      s.value,
      s.n,
    ]);
    // Every department is listed; Finance (1) and "not stated" (Marketing and no header, 2) are
    // under K = 3, and together hold 3, so no shown segment has to be hidden with them.
    expect(segments).toEqual([
      ['sales', 4],
      ['engineering', 3],
      ['finance', null],
      ['not-stated', null],
    ]);
    // A ballot's role is still its own to give (role has no header).
    expect((await request(`${server.url}/api/polls/tools/results?by=role`)).status).toBe(200);
    const csv = await request(`${server.url}/api/polls/tools/results.csv?by=department`);
    expect(csv.body).toMatch(/^finance,Finance,,/m);
  });

  it('takes the department from the sign-on on polls of any policy, and does not ask for it', async () => {
    const page = await request(`${proxy.url}/polls/open-door`, { headers: { [LOGIN_HEADER]: 'gina@corp.example' } });
    expect(page.body).not.toContain('name="profile-department"');
    expect(page.body).toContain('Your department comes from your intranet sign-in');
    // Straight to the server (no believed sign-on), a ballot's department is ignored too: "not stated".
    const direct = await request(`${server.url}/api/polls/open-door/votes`, {
      method: 'POST',
      json: { choices: ['tea'], profile: { department: 'sales' } },
    });
    expect(direct.status).toBe(201);
    const breakdown = await request(`${server.url}/api/polls/open-door/results?by=department`);
    expect(breakdown.body.breakdown.segments.map((s: { value: string }) => s.value)).toEqual([
      'sales',
      'engineering',
      'finance',
      'not-stated',
    ]);
    expect(breakdown.body.totalResponses).toBe(1);
  });
});

describe('person surveys', () => {
  it('takes one response per person, 401 without a sign-on, a sign-in notice on the page', async () => {
    const post = (login: string | undefined) =>
      request(`${proxy.url}/api/surveys/pulse/responses`, {
        method: 'POST',
        json: { answers: { 'pulse-1': { choices: ['yes'] } } },
        headers: login ? { [LOGIN_HEADER]: login, 'x-test-attribute-department': 'Finance' } : {},
      });
    expect((await post(undefined)).status).toBe(401);
    expect((await post(ALICE)).status).toBe(201);
    expect((await post(ALICE)).status).toBe(409);
    const form = await formPost(
      proxy.url,
      '/surveys/pulse',
      { page: '1', 'q:pulse-1': 'no' },
      { [LOGIN_HEADER]: ALICE },
    );
    expect(form.status).toBe(409);
    expect((await formPost(proxy.url, '/surveys/pulse', { page: '1', 'q:pulse-1': 'no' })).status).toBe(401);
    const page = await request(`${proxy.url}/surveys/pulse`);
    expect(page.body).toContain('Sign in through your intranet to answer');
    expect(page.body).not.toContain('name="q:pulse-1"');
    const widget = await request(`${proxy.url}/embed/surveys/pulse`);
    expect(widget.body).toContain('Sign in through your intranet to answer');
    expect(widget.body).toMatch(
      /<a href="\/surveys\/pulse" target="_blank" rel="noopener noreferrer">\s*Sign in and answer/,
    );
    const counts = await storedCounts(server.url, 'pulse');
    expect(counts.started).toBe(1);
  });
});

describe('multi-page person surveys', () => {
  it('asks for the sign-on on every page, not only the first (the response token alone proves nobody)', async () => {
    const login = { [LOGIN_HEADER]: 'hana@corp.example' };
    const first = await formPost(proxy.url, '/surveys/two-pages', { page: '1', 'q:two-pages-1': 'yes' }, login);
    expect(first.status).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(first.body)?.[1];
    expect(token).toBeTruthy();
    const page2 = { page: '2', token: token!, 'q:two-pages-2': 'no' };
    const anonymous = await formPost(proxy.url, '/surveys/two-pages', page2);
    expect(anonymous.status).toBe(401);
    expect((await storedCounts(server.url, 'two-pages')).questions['two-pages-2']).toBe(0);
    expect((await formPost(proxy.url, '/surveys/two-pages', page2, login)).status).toBe(303);
    expect((await storedCounts(server.url, 'two-pages')).questions['two-pages-2']).toBe(1);
  });
});

describe('a person who voted, on another browser', () => {
  // Every request below is a fresh browser (no cookie jar): the laptop votes, the phone looks.
  const as = (login: string) => ({ headers: { [LOGIN_HEADER]: login } });
  const ballotForm = '<form method="post"';

  it('is recognised on the poll page, the results page, the widget and the results JSON', async () => {
    const laptop = await formPost(proxy.url, '/polls/retro', { choice: 'keep' }, { [LOGIN_HEADER]: IVAN });
    expect(laptop.status).toBe(303);
    const page = await request(`${proxy.url}/polls/retro`, as(IVAN));
    expect(page.body).not.toContain(ballotForm);
    expect(page.body).toContain('You have already voted in this poll.');
    // after_vote: the results show — but not which option was theirs: the person's lock names no
    // ballot (only the laptop's own cookie finds it), so nothing leads from a person to a vote.
    const results = await request(`${proxy.url}/polls/retro/results`, as(IVAN));
    expect(results.status).toBe(200);
    expect(results.body).not.toContain('Results are shown to people who have voted');
    expect(results.body).not.toContain('class="own-choice"');
    expect(results.body).not.toMatch(/own-choice-tag[^>]*>Your choice/);
    const widget = await request(`${proxy.url}/embed/retro`, as(IVAN));
    expect(widget.body).not.toContain(ballotForm);
    expect(widget.body).not.toMatch(/class="mine"[^>]*>Your choice/);
    // The laptop itself (its cookie) still sees its own choice.
    const cookie = laptop.headers.getSetCookie()[0]!.split(';')[0]!;
    const own = await request(`${proxy.url}/polls/retro/results`, { headers: { [LOGIN_HEADER]: IVAN, cookie } });
    expect(own.body).toMatch(/<tr class="own-choice"[^>]*>\s*<th[^>]*>\s*Keep/);
    const json = await request(`${proxy.url}/api/polls/retro/results`, as(IVAN));
    expect(json.status).toBe(200);
    expect(json.body.totalResponses).toBe(1);
    const csv = await request(`${proxy.url}/api/polls/retro/results.csv`, as(IVAN));
    expect(csv.status).toBe(200);
    // Sending the ballot anyway is still one vote per person.
    expect((await voteAs(IVAN, 'retro', { choices: ['change'] })).status).toBe(409);
    // Looking handed out no identity: no cookie names anyone, and none was set at all.
    for (const seen of [page, results, widget, json]) expect(seen.headers.getSetCookie()).toEqual([]);
  });

  it('is not lent to someone else on the same browser, nor to a visitor without a sign-on', async () => {
    // The laptop's cookie, but Judy signed in on it now: her ballot, hidden results.
    const laptop = await formPost(
      proxy.url,
      '/polls/retro',
      { choice: 'keep' },
      { [LOGIN_HEADER]: 'kim@corp.example' },
    );
    expect(laptop.status).toBe(303);
    const cookie = laptop.headers.getSetCookie()[0]!.split(';')[0]!;
    const judy = { headers: { [LOGIN_HEADER]: JUDY, cookie } };
    const page = await request(`${proxy.url}/polls/retro`, judy);
    expect(page.body).toContain(ballotForm);
    const results = await request(`${proxy.url}/polls/retro/results`, judy);
    expect(results.body).toContain('Results are shown to people who have voted in this poll.');
    expect(results.body).not.toMatch(/own-choice-tag[^>]*>Your choice/);
    expect((await request(`${proxy.url}/api/polls/retro/results`, judy)).status).toBe(403);
    const widget = await request(`${proxy.url}/embed/retro`, as(JUDY));
    expect(widget.body).toContain(ballotForm);
    // The widget's device token names a random device, never the person (who is in no form or cookie).
    const token = /name="device" value="([^"]+)"/.exec(widget.body)?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(widget.body.toLowerCase()).not.toContain(JUDY.split('@')[0]);
    // Nobody signed in: the sign-in notice, results hidden as ever.
    expect((await request(`${proxy.url}/polls/retro`)).body).toContain('Sign in through your intranet to vote');
    expect((await request(`${proxy.url}/api/polls/retro/results`)).status).toBe(403);
    // Judy votes through the API: another browser of hers shows the results, with no choice marked.
    expect((await voteAs(JUDY, 'retro', { choices: ['change'] })).status).toBe(201);
    const hers = await request(`${proxy.url}/polls/retro/results`, as(JUDY));
    expect(hers.body).not.toContain('Results are shown to people who have voted in this poll.');
    expect(hers.body).not.toContain('class="own-choice"');
  });

  it('counts the person only on person polls: a device poll still remembers the browser', async () => {
    const laptop = await formPost(proxy.url, '/polls/desk-plants', { choice: 'yes' }, { [LOGIN_HEADER]: IVAN });
    expect(laptop.status).toBe(303);
    const cookie = laptop.headers.getSetCookie()[0]!.split(';')[0]!;
    // The same browser knows; another browser of the same person does not (one vote per browser, as the poll says).
    const same = await request(`${proxy.url}/polls/desk-plants/results`, { headers: { [LOGIN_HEADER]: IVAN, cookie } });
    expect(same.body).toMatch(/own-choice-tag[^>]*>Your choice/);
    const phone = await request(`${proxy.url}/polls/desk-plants`, as(IVAN));
    expect(phone.body).toContain(ballotForm);
    expect((await request(`${proxy.url}/api/polls/desk-plants/results`, as(IVAN))).status).toBe(403);
  });

  it('is recognised by a person survey: already answered, results shown, on every browser', async () => {
    const laptop = await formPost(
      proxy.url,
      '/surveys/offsite',
      { page: '1', 'q:offsite-1': 'yes' },
      { [LOGIN_HEADER]: IVAN },
    );
    expect(laptop.status).toBe(303);
    for (const path of ['/surveys/offsite', '/embed/surveys/offsite']) {
      const phone = await request(`${proxy.url}${path}`, as(IVAN));
      expect(phone.body, path).toContain('You have already answered this survey.');
      expect(phone.body, path).not.toContain('name="q:offsite-1"');
      const other = await request(`${proxy.url}${path}`, as(JUDY));
      expect(other.body, path).toContain('name="q:offsite-1"');
    }
    const results = await request(`${proxy.url}/surveys/offsite/results`, as(IVAN));
    expect(results.body).not.toContain('Results are shown to people who have answered this survey.');
    expect((await request(`${proxy.url}/api/surveys/offsite/results`, as(IVAN))).status).toBe(200);
    expect((await request(`${proxy.url}/api/surveys/offsite/results`, as(JUDY))).status).toBe(403);
    // The question's results never say on the phone which answer was the person's.
    const question = await request(`${proxy.url}/polls/offsite-1/results`, as(IVAN));
    expect(question.body).not.toMatch(/own-choice-tag[^>]*>Your choice/);
    // And a second response from the phone is still refused.
    const again = await formPost(
      proxy.url,
      '/surveys/offsite',
      { page: '1', 'q:offsite-1': 'no' },
      { [LOGIN_HEADER]: IVAN },
    );
    expect(again.status).toBe(409);
  });
});

describe('non-ASCII user ids', () => {
  // What a proxy sends: the name's UTF-8 bytes (Node and fetch carry header values one byte per character).
  const wire = (name: string) => Buffer.from(name, 'utf8').toString('latin1');

  it('are people: michał, 田中, ÁLVARO and Борис vote once each, in any case or composition', async () => {
    await createPoll(server.url, {
      slug: 'names',
      question: 'Names?',
      options: ['Yes', 'No'],
      duplicatePolicy: 'person',
      resultsVisibility: 'always',
    });
    for (const name of ['michał', '田中', 'ÁLVARO', 'CONTOSO\\Борис', 'zoe\u0301'])
      expect((await voteAs(wire(name), 'names', { choices: ['yes'] })).status, name).toBe(201);
    for (const name of ['MICHAŁ', '田中', 'álvaro', 'contoso\\борис', 'ZOÉ'])
      expect((await voteAs(wire(name), 'names', { choices: ['no'] })).status, name).toBe(409);
    // Bytes that are not UTF-8 (a lone latin1 é) name nobody: 401, nothing stored.
    expect((await voteAs('Jos\u00e9', 'names', { choices: ['no'] })).status).toBe(401);
    expect(await total('names')).toBe(5);
  });
});

describe('the database', () => {
  // SQLite: the bytes of its files (WAL and freed pages included); PostgreSQL: every value of every
  // row of every table (its files are the server's, not the app's).
  it('holds no user id, in any spelling, anywhere in its files or rows', async () => {
    let text: string;
    if (onPostgres()) {
      text = await withRawDatabase(server.databaseUrl, (db) => db.everything());
      expect(text).toContain('names'); // the rows were read: the poll of the non-ASCII names is there
    } else {
      const files = readdirSync(server.dir).filter((name) => name.startsWith('peer-polls.db'));
      expect(files).toContain('peer-polls.db');
      text = Buffer.concat(files.map((name) => readFileSync(join(server.dir, name)))).toString('latin1');
    }
    for (const user of [ALICE, BOB, CAROL, IVAN, JUDY, 'frank@corp.example', 'mallory']) {
      for (const spelling of [user, user.toUpperCase(), user.split('@')[0]!]) {
        expect(text.toLowerCase().includes(spelling.toLowerCase()), spelling).toBe(false);
      }
    }
  });
});

describe('the admin form', () => {
  const newPollForm = async (base: string) => {
    const cookie = await loginAsAdmin(base, PASSWORD);
    return (await request(`${base}/admin/polls/new`, { headers: { cookie } })).body as string;
  };

  it('offers the person policy with what it means, and the department question', async () => {
    const html = await newPollForm(server.url);
    expect(html).toMatch(/<option value="person"[^>]*>\s*One vote per signed-in person/);
    expect(html).toMatch(/id="person-hint"[^>]*>[^<]*only a keyed hash per poll is stored/);
    expect(html).toContain('value="department"');
  });

  it('warns that nobody could vote in a person poll without a sign-on, and offers no department', async () => {
    await withServer({ env: { ADMIN_PASSWORD: PASSWORD } }, async ({ url }) => {
      const html = await newPollForm(url);
      expect(html).toMatch(/<option value="person"/);
      expect(html).toMatch(/id="person-hint" data-warning[^>]*>[^<]*AUTH_USER_HEADER is not set/);
      expect(html).not.toContain('value="department"');
      // Allowed (prepared before the proxy is in place, or imported), but every vote is a 401.
      await createPoll(url, { slug: 'early', question: 'Early?', options: ['Yes', 'No'], duplicatePolicy: 'person' });
      expect(
        (await request(`${url}/api/polls/early/votes`, { method: 'POST', json: { choices: ['yes'] } })).status,
      ).toBe(401);
      const refused = await request(`${url}/api/admin/polls`, {
        method: 'POST',
        token: ADMIN_TOKEN,
        json: { question: 'By team?', options: ['Yes', 'No'], profile: ['department'] },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.message).toMatch(/department.*DEPARTMENTS/);
    });
  });
});

describe('start', () => {
  it('refuses AUTH_USER_HEADER without TRUST_PROXY=1, naming the variable', async () => {
    const { code, output } = await runServerExpectingExit({ AUTH_USER_HEADER: 'X-Forwarded-User' });
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid configuration: AUTH_USER_HEADER is set, but .*TRUST_PROXY=1/);
  });

  it('says which header it believes from whom', () => {
    expect(server.output()).toMatch(/Sign-on: .*X-Forwarded-User header.*TRUSTED_PROXIES 127\.0\.0\.2/);
    expect(server.output()).not.toMatch(/WARNING: TRUSTED_PROXIES is not set/);
  });
});
