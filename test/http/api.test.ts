/** The public and admin JSON API of the built server: every status and error code of the contract. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPoll, request, vote, voterCookie } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

const server = useServer();

async function totalResponses(slug: string): Promise<number> {
  const poll = await request(`${server.url}/api/admin/polls/${slug}`, { token: ADMIN_TOKEN });
  expect(poll.status).toBe(200);
  const row = await request(`${server.url}/api/polls`);
  const summary = row.body.polls.find((p: { slug: string }) => p.slug === slug);
  return summary?.totalResponses ?? -1;
}

describe('GET /healthz', () => {
  it('answers ok', async () => {
    const response = await request(`${server.url}/healthz`);
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('public polls', () => {
  it('lists public polls newest first with summaries, without drafts', async () => {
    await createPoll(server.url, { slug: 'list-older', question: 'Older?', options: ['A', 'B'] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await createPoll(server.url, { slug: 'list-newer', question: 'Newer?', options: ['A', 'B'] });
    await createPoll(server.url, { slug: 'list-draft', question: 'Draft?', options: ['A', 'B'], status: 'draft' });
    const response = await request(`${server.url}/api/polls`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const slugs = response.body.polls.map((p: { slug: string }) => p.slug);
    expect(slugs.indexOf('list-newer')).toBeLessThan(slugs.indexOf('list-older'));
    expect(slugs).not.toContain('list-draft');
  });

  it('returns the Poll shape', async () => {
    await createPoll(server.url, {
      slug: 'shape',
      question: 'Shape?',
      options: ['< 10%', { key: 'many', label: '> 80%' }],
    });
    const response = await request(`${server.url}/api/polls/shape`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      slug: 'shape',
      question: 'Shape?',
      description: '',
      type: 'single',
      scale: 'nominal',
      minChoices: 1,
      maxChoices: 1,
      status: 'open',
      opensAt: null,
      closesAt: null,
      resultsVisibility: 'after_vote',
      duplicatePolicy: 'device',
      profile: [],
      allowOther: false,
      options: [
        { key: 'lt-10', label: '< 10%', exclusive: false },
        { key: 'many', label: '> 80%', exclusive: false },
      ],
    });
  });

  it('lists an exclusive option ("None of these") and refuses it together with others', async () => {
    const created = await createPoll(server.url, {
      slug: 'exclusive',
      question: 'Which tools?',
      type: 'multiple',
      duplicatePolicy: 'none',
      options: ['Jira', 'Trello', { label: 'None of these', exclusive: true }],
    });
    expect(created.options).toEqual([
      { key: 'jira', label: 'Jira', exclusive: false },
      { key: 'trello', label: 'Trello', exclusive: false },
      { key: 'none-of-these', label: 'None of these', exclusive: true },
    ]);
    expect((await request(`${server.url}/api/polls/exclusive`)).body.options[2].exclusive).toBe(true);
    const mixed = await vote(server.url, 'exclusive', ['jira', 'none-of-these']);
    expect(mixed.status).toBe(422);
    expect(mixed.body.error).toEqual({
      code: 'invalid_choice',
      message: '"None of these" cannot be chosen together with other options.',
    });
    expect((await vote(server.url, 'exclusive', ['none-of-these'])).status).toBe(201);
    expect((await vote(server.url, 'exclusive', ['jira', 'trello'])).status).toBe(201);
    expect(await totalResponses('exclusive')).toBe(2);
  });

  it('refuses an exclusive option on a single-choice poll, naming options', async () => {
    const response = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      token: ADMIN_TOKEN,
      json: { question: 'One?', options: ['A', { label: 'None', exclusive: true }] },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_poll');
    expect(response.body.error.message).toMatch(/^options: Only a multiple-choice poll/);
  });

  it.each(['/api/polls/nope', '/api/polls/nope/results', '/api/polls/nope/results.csv', '/api/polls/list-draft'])(
    '%s → 404 poll_not_found',
    async (path) => {
      const response = await request(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('poll_not_found');
      expect(typeof response.body.error.message).toBe('string');
    },
  );

  it('answers unknown API paths with 404 not_found in JSON', async () => {
    const response = await request(`${server.url}/api/nothing/here`);
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

describe('POST /api/polls/{slug}/votes', () => {
  beforeAll(async () => {
    await createPoll(server.url, { slug: 'v', question: 'V?', options: ['A', 'B', 'C'], resultsVisibility: 'always' });
    await createPoll(server.url, {
      slug: 'vm',
      question: 'VM?',
      options: ['A', 'B', 'C', 'D'],
      type: 'multiple',
      minChoices: 2,
      maxChoices: 3,
      duplicatePolicy: 'none',
    });
  });

  it('accepts a vote with 201 and the results', async () => {
    const response = await vote(server.url, 'v', ['a']);
    expect(response.status).toBe(201);
    expect(response.body.accepted).toBe(true);
    expect(response.body.results.totalResponses).toBe(1);
    expect(response.body.results.options[0]).toMatchObject({ key: 'a', votes: 1, share: 1, ci95: { high: 1 } });
    const cookie = response.headers.getSetCookie().join(';');
    expect(cookie).toMatch(/pp_voter=.*HttpOnly/i);
    // A loopback origin accepts Secure cookies: SameSite=None, so a widget granted storage access is sent it.
    expect(cookie).toMatch(/SameSite=None/i);
    expect(cookie).toMatch(/; Secure/i);
  });

  it('refuses a second vote from the same browser with 409 already_voted under the device policy', async () => {
    const first = await vote(server.url, 'v', ['b']);
    const again = await vote(server.url, 'v', ['c'], voterCookie(first.headers));
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_voted' } } });
    const results = await request(`${server.url}/api/polls/v/results`);
    expect(results.body.options.map((o: { votes: number }) => o.votes)).toEqual([1, 1, 0]);
    expect(results.body.duplicatesRefused).toBe(1);
  });

  it.each([
    { name: 'malformed JSON', body: '{"choices": [', type: 'application/json', status: 400, code: 'invalid_json' },
    {
      name: 'invalid UTF-8',
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      type: 'application/json',
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'choices not an array',
      body: '{"choices":"a"}',
      type: 'application/json',
      status: 400,
      code: 'invalid_body',
    },
    { name: 'a JSON array', body: '["a"]', type: 'application/json', status: 400, code: 'invalid_body' },
    {
      name: 'unknown field',
      body: '{"choices":["a"],"x":1}',
      type: 'application/json',
      status: 400,
      code: 'invalid_body',
    },
    {
      name: 'prototype pollution',
      body: '{"choices":["a"],"__proto__":{"x":1}}',
      type: 'application/json',
      status: 400,
      code: 'invalid_body',
    },
    {
      name: 'form content type',
      body: 'choices=a',
      type: 'application/x-www-form-urlencoded',
      status: 415,
      code: 'unsupported_media_type',
    },
    { name: 'no content type', body: '{"choices":["a"]}', type: '', status: 415, code: 'unsupported_media_type' },
    {
      name: 'unknown option',
      body: '{"choices":["zzz"]}',
      type: 'application/json',
      status: 422,
      code: 'invalid_choice',
    },
    {
      name: 'two choices in single',
      body: '{"choices":["a","b"]}',
      type: 'application/json',
      status: 422,
      code: 'too_many_choices',
    },
    { name: 'no choice', body: '{"choices":[]}', type: 'application/json', status: 422, code: 'too_few_choices' },
    {
      name: 'a 17 KiB body',
      body: JSON.stringify({ choices: ['a'], pad: 'x'.repeat(17 * 1024) }),
      type: 'application/json',
      status: 413,
      code: 'body_too_large',
    },
  ])('$name → $status $code, storing nothing', async ({ body, type, status, code }) => {
    const before = await totalResponses('v');
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    const response = await request(`${server.url}/api/polls/v/votes`, { method: 'POST', body, headers });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(/\S/);
    expect(await totalResponses('v')).toBe(before);
  });

  it('refuses a streamed body over the limit without Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 8) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${server.url}/api/polls/v/votes`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('checks multiple-choice bounds', async () => {
    expect((await vote(server.url, 'vm', ['a'])).body.error.code).toBe('too_few_choices');
    expect((await vote(server.url, 'vm', ['a', 'b', 'c', 'd'])).body.error.code).toBe('too_many_choices');
    expect((await vote(server.url, 'vm', ['a', 'a'])).body.error.code).toBe('invalid_choice');
    const ok = await vote(server.url, 'vm', ['a', 'c', 'd']);
    expect(ok.status).toBe(201);
  });

  it('answers 404 for an unknown poll and 405 for other methods', async () => {
    expect((await vote(server.url, 'nope', ['a'])).status).toBe(404);
    const get = await request(`${server.url}/api/polls/v/votes`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses closed and not-yet-open polls with 403', async () => {
    await createPoll(server.url, {
      slug: 'past',
      question: 'Past?',
      options: ['A', 'B'],
      closesAt: '2020-01-01T00:00:00Z',
    });
    await createPoll(server.url, {
      slug: 'future',
      question: 'Future?',
      options: ['A', 'B'],
      opensAt: '2099-01-01T00:00:00Z',
    });
    expect(await vote(server.url, 'past', ['a'])).toMatchObject({
      status: 403,
      body: { error: { code: 'poll_closed' } },
    });
    expect(await vote(server.url, 'future', ['a'])).toMatchObject({
      status: 403,
      body: { error: { code: 'poll_not_open' } },
    });
    expect((await request(`${server.url}/api/polls/future`)).body.status).toBe('scheduled');
  });

  it('refuses a cross-site browser request with 403 forbidden_origin', async () => {
    const response = await request(`${server.url}/api/polls/v/votes`, {
      method: 'POST',
      json: { choices: ['a'] },
      headers: { origin: 'https://evil.example' },
    });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden_origin' } } });
  });
});

describe('results visibility', () => {
  it('after_vote: hidden (403 results_hidden) until this browser votes', async () => {
    await createPoll(server.url, { slug: 'av', question: 'AV?', options: ['A', 'B'], resultsVisibility: 'after_vote' });
    const hidden = await request(`${server.url}/api/polls/av/results`);
    expect(hidden).toMatchObject({ status: 403, body: { error: { code: 'results_hidden' } } });
    expect((await request(`${server.url}/api/polls/av/results.csv`)).status).toBe(403);
    const voted = await vote(server.url, 'av', ['a']);
    expect(voted.body.results.totalResponses).toBe(1);
    const visible = await request(`${server.url}/api/polls/av/results`, {
      headers: { cookie: voterCookie(voted.headers) },
    });
    expect(visible.status).toBe(200);
  });

  it('after_close: hidden even from voters until the poll closes', async () => {
    await createPoll(server.url, {
      slug: 'ac',
      question: 'AC?',
      options: ['A', 'B'],
      resultsVisibility: 'after_close',
    });
    const voted = await vote(server.url, 'ac', ['b']);
    expect(voted.status).toBe(201);
    expect(voted.body.results).toBeNull();
    const cookie = voterCookie(voted.headers);
    expect((await request(`${server.url}/api/polls/ac/results`, { headers: { cookie } })).status).toBe(403);
    await request(`${server.url}/api/admin/polls/ac`, {
      method: 'PATCH',
      json: { status: 'closed' },
      token: ADMIN_TOKEN,
    });
    const results = await request(`${server.url}/api/polls/ac/results`);
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ status: 'closed', totalResponses: 1 });
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180 and neutralises formulas', async () => {
    await createPoll(server.url, {
      slug: 'csv',
      question: 'CSV?',
      options: ['=SUM(A1:A2)', 'Plain, with "quotes"', '@cmd', '-1', '+1'],
      resultsVisibility: 'always',
    });
    await vote(server.url, 'csv', ['sum-a1-a2']);
    const response = await request(`${server.url}/api/polls/csv/results.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (response.body as string).split('\r\n');
    expect(lines[0]).toBe('key,label,votes,share,ci95_low,ci95_high');
    expect(lines[1]).toMatch(/^sum-a1-a2,'=SUM\(A1:A2\),1,1,0\.20\d*,1$/);
    expect(lines[2]).toMatch(/^plain-with-quotes,"Plain, with ""quotes""",0,0,0,0\.79/);
    expect(lines[3]).toMatch(/^at-cmd,'@cmd,/);
    expect(lines[4]).toMatch(/^1,'-1,/);
    expect(lines[5]).toMatch(/^plus-1,'\+1,/);
    expect(lines.at(-1)).toBe('');
  });
});

describe('admin API', () => {
  it.each([
    { name: 'no token', token: null },
    { name: 'a wrong token', token: 'wrong-token-wrong-token' },
    { name: 'a token with a suffix', token: `${ADMIN_TOKEN}x` },
  ])('answers 401 unauthorized for $name, creating nothing', async ({ token }) => {
    const response = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      json: { slug: 'unauth', question: 'Q', options: ['A', 'B'] },
      token,
    });
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect((await request(`${server.url}/api/polls/unauth`)).status).toBe(404);
  });

  it('creates a poll: 201 with the Poll and a scheduled status for a future opening', async () => {
    const response = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      token: ADMIN_TOKEN,
      json: { question: 'When do we ship?', options: ['Q1', 'Q2'], opensAt: '2099-01-01T00:00:00+05:45' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      slug: 'when-do-we-ship',
      status: 'scheduled',
      opensAt: '2098-12-31T18:15:00.000Z',
    });
  });

  it.each([
    [{ question: '', options: ['A', 'B'] }, 'question'],
    [{ question: 'Q', options: ['A'] }, 'options'],
    [{ question: 'Q', options: ['A', 'B'], type: 'multiple', maxChoices: 3 }, 'maxChoices'],
    [
      { question: 'Q', options: ['A', 'B'], opensAt: '2030-01-02T00:00:00Z', closesAt: '2030-01-01T00:00:00Z' },
      'closesAt',
    ],
    [
      {
        question: 'Q',
        options: [
          { key: 'k', label: 'A' },
          { key: 'k', label: 'B' },
        ],
      },
      'options',
    ],
    [{ question: 'Q', options: ['A', 'B'], color: 'red' }, 'color'],
    // Duplicates ignoring case and spacing: a voter could not tell them apart.
    [{ question: 'Q', options: ['Vim', ' vim '] }, 'options: "vim" is listed twice'],
    [{ question: 'Q', options: ['Vim', { key: 'other', label: 'VIM' }] }, 'options: "VIM" is listed twice'],
  ])('refuses %j with 422 invalid_poll naming %s', async (input, field) => {
    const response = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      json: input,
      token: ADMIN_TOKEN,
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_poll');
    expect(response.body.error.message).toContain(field);
  });

  it('answers 400 invalid_json, 415 and 413 for bad admin bodies', async () => {
    const post = (body: string, type = 'application/json') =>
      request(`${server.url}/api/admin/polls`, {
        method: 'POST',
        body,
        headers: { 'content-type': type },
        token: ADMIN_TOKEN,
      });
    expect((await post('{')).body.error.code).toBe('invalid_json');
    expect((await post('question=x', 'text/plain')).status).toBe(415);
    const big = JSON.stringify({ question: 'Q', options: ['A', 'B'], description: 'x'.repeat(65 * 1024) });
    expect(await post(big)).toMatchObject({ status: 413, body: { error: { code: 'body_too_large' } } });
    // Within 64 KiB is fine for admin bodies even though it is over the vote limit.
    const medium = JSON.stringify({
      question: 'Medium?',
      options: Array.from({ length: 30 }, (_, i) => `Option ${i} ${'x'.repeat(150)}`),
    });
    expect((await post(medium)).status).toBe(201);
  });

  it('answers 409 slug_taken for an explicit slug in use', async () => {
    await createPoll(server.url, { slug: 'taken', question: 'Q', options: ['A', 'B'] });
    const response = await request(`${server.url}/api/admin/polls`, {
      method: 'POST',
      json: { slug: 'taken', question: 'Q', options: ['A', 'B'] },
      token: ADMIN_TOKEN,
    });
    expect(response).toMatchObject({ status: 409, body: { error: { code: 'slug_taken' } } });
  });

  it('opens a scheduled poll now, closes a scheduled poll now, and reopens it', async () => {
    const day = 24 * 3600 * 1000;
    const future = (days: number) => new Date(Date.now() + days * day).toISOString();
    const patch = (slug: string, json: unknown) =>
      request(`${server.url}/api/admin/polls/${slug}`, { method: 'PATCH', json, token: ADMIN_TOKEN });

    const later = await createPoll(server.url, {
      slug: 'sched-open',
      question: 'Open early?',
      options: ['A', 'B'],
      opensAt: future(3),
      closesAt: future(6),
    });
    expect(later.status).toBe('scheduled');
    const opened = await patch('sched-open', { status: 'open' });
    expect(opened.status).toBe(200);
    expect(opened.body.status).toBe('open');
    expect(Date.parse(opened.body.opensAt)).toBeLessThanOrEqual(Date.now());
    expect(opened.body.closesAt).toBe(later.closesAt);
    expect((await vote(server.url, 'sched-open', ['a'])).status).toBe(201);

    // The reported bug: "closesAt: must be later than opensAt" and the badge stayed Scheduled.
    await createPoll(server.url, {
      slug: 'sched-close',
      question: 'Close before it opens?',
      options: ['A', 'B'],
      opensAt: future(3),
      closesAt: future(6),
    });
    const closed = await patch('sched-close', { status: 'closed' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', opensAt: null });
    expect(Date.parse(closed.body.closesAt)).toBeLessThanOrEqual(Date.now());
    expect((await vote(server.url, 'sched-close', ['a'])).body.error.code).toBe('poll_closed');
    const reopened = await patch('sched-close', { status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', opensAt: null, closesAt: null });
    expect((await vote(server.url, 'sched-close', ['a'])).status).toBe(201);
  });

  it('patches text and schedule, closes and reopens', async () => {
    await createPoll(server.url, { slug: 'p', question: 'Old?', options: ['A', 'B'], duplicatePolicy: 'none' });
    const patch = (json: unknown) =>
      request(`${server.url}/api/admin/polls/p`, { method: 'PATCH', json, token: ADMIN_TOKEN });
    expect((await patch({ question: 'New?', description: 'More context' })).body).toMatchObject({
      question: 'New?',
      description: 'More context',
    });
    expect((await patch({ closesAt: '2099-01-01T00:00:00Z' })).body.closesAt).toBe('2099-01-01T00:00:00.000Z');
    expect((await patch({ status: 'closed' })).body.status).toBe('closed');
    expect((await vote(server.url, 'p', ['a'])).body.error.code).toBe('poll_closed');
    expect((await patch({ status: 'open' })).body.status).toBe('open');
    expect((await vote(server.url, 'p', ['a'])).status).toBe(201);
    expect((await patch({ slug: 'renamed' })).body.error.code).toBe('invalid_poll');
    expect(
      (await request(`${server.url}/api/admin/polls/nope`, { method: 'PATCH', json: {}, token: ADMIN_TOKEN })).status,
    ).toBe(404);
  });

  it('changes options only while the poll has no votes: 409 poll_has_votes', async () => {
    await createPoll(server.url, { slug: 'opts', question: 'Opts?', options: ['A', 'B'], duplicatePolicy: 'none' });
    const patch = (json: unknown) =>
      request(`${server.url}/api/admin/polls/opts`, { method: 'PATCH', json, token: ADMIN_TOKEN });
    expect((await patch({ options: ['A', 'B', 'C'] })).body.options).toHaveLength(3);
    await vote(server.url, 'opts', ['c']);
    expect(await patch({ options: ['X', 'Y'] })).toMatchObject({
      status: 409,
      body: { error: { code: 'poll_has_votes' } },
    });
    expect(await patch({ type: 'multiple' })).toMatchObject({
      status: 409,
      body: { error: { code: 'poll_has_votes' } },
    });
    expect((await request(`${server.url}/api/polls/opts`)).body.options).toHaveLength(3);
  });

  it('lists every poll, drafts included, for the owner', async () => {
    await createPoll(server.url, { slug: 'owner-draft', question: 'Draft?', options: ['A', 'B'], status: 'draft' });
    const response = await request(`${server.url}/api/admin/polls`, { token: ADMIN_TOKEN });
    expect(response.status).toBe(200);
    expect(response.body.polls.find((p: { slug: string }) => p.slug === 'owner-draft')).toMatchObject({
      status: 'draft',
      totalResponses: 0,
    });
    expect((await request(`${server.url}/api/admin/polls`)).status).toBe(401);
  });

  it('deletes with 204, then the poll is gone', async () => {
    await createPoll(server.url, { slug: 'del', question: 'Del?', options: ['A', 'B'] });
    const response = await request(`${server.url}/api/admin/polls/del`, { method: 'DELETE', token: ADMIN_TOKEN });
    expect(response.status).toBe(204);
    expect((await request(`${server.url}/api/polls/del`)).status).toBe(404);
    expect((await request(`${server.url}/api/admin/polls/del`, { method: 'DELETE', token: ADMIN_TOKEN })).status).toBe(
      404,
    );
  });
});
