/**
 * The scripts issue 16 names, against the built server: rotating the User-Agent, dropping cookies,
 * many addresses of one network, IPv6 interface ids — each stopped by the address-only network
 * key or by the poll's address budget (votes per network prefix per clock hour). A vote beyond
 * the budget is answered 429 rate_limited with Retry-After, on the JSON API and on the page and
 * widget form posts, and stores nothing but the refused count of its prefix and hour.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, loginAsAdmin, request, requestFrom, voteFrom } from '../support/api';
import { withRawDatabase } from '../support/raw-database';
import { ADMIN_TOKEN, useServer, withServer, type RunningServer } from '../support/server';

const PASSWORD = 'correct horse battery staple';
const server = useServer({ env: { ADMIN_PASSWORD: PASSWORD } });

const resultsOf = async (base: string, slug: string) => (await request(`${base}/api/polls/${slug}/results`)).body;

/** Every row of every table, in order: what "nothing was stored" is checked against. */
const dump = (databaseUrl: string): Promise<Record<string, unknown[]>> =>
  withRawDatabase(databaseUrl, async (db) => {
    const rows: Record<string, unknown[]> = {};
    for (const { name } of await db.tables())
      if (!name.startsWith('sqlite_')) rows[name] = await db.query(`select * from "${name}" order by 1, 2`);
    return rows;
  });

/** A browser's form post from a loopback address: urlencoded, the site's own Origin, no cookie. */
const formFrom = (address: string, base: string, path: string, fields: Record<string, string>) =>
  requestFrom(address, `${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      origin: base,
      'user-agent': 'test-browser/1.0',
    },
    body: new URLSearchParams(fields).toString(),
  });

/** The Retry-After of a budget refusal: seconds to the end of the current clock hour. */
function expectHourRetry(retryAfter: string | null) {
  const seconds = Number(retryAfter);
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(3600);
}

describe('the address-only network key', () => {
  it('refuses a script that rotates its User-Agent as a duplicate (network + address)', async () => {
    await createPoll(server.url, {
      slug: 'ua-rotation',
      question: 'UA?',
      options: ['A', 'B'],
      duplicatePolicy: 'network',
      networkIdentity: 'address',
      resultsVisibility: 'always',
    });
    expect((await voteFrom('127.0.0.2', server.url, 'ua-rotation', ['a'], { 'user-agent': 'bot/0' })).status).toBe(201);
    for (let i = 1; i <= 5; i++) {
      const again = await voteFrom('127.0.0.2', server.url, 'ua-rotation', ['a'], { 'user-agent': `bot/${i}` });
      expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_voted' } } });
    }
    // Another address is another identity, whatever its agent.
    expect((await voteFrom('127.0.0.3', server.url, 'ua-rotation', ['b'], { 'user-agent': 'bot/0' })).status).toBe(201);
    expect(await resultsOf(server.url, 'ua-rotation')).toMatchObject({ totalResponses: 2, duplicatesRefused: 5 });
  });

  it('is what the owner JSON says, with the budget the policy got by default', async () => {
    const created = await createPoll(server.url, {
      slug: 'owner-json',
      question: 'Owner?',
      options: ['A', 'B'],
      duplicatePolicy: 'network',
      networkIdentity: 'address',
    });
    expect(created).toMatchObject({
      networkIdentity: 'address',
      addressBudget: { votesPerHour: 300, ipv6Prefix: 64 },
      embedOrigins: [],
      totalResponses: 0,
    });
    // The public poll does not show the owner's protections.
    const publicPoll = (await request(`${server.url}/api/polls/owner-json`)).body;
    expect(publicPoll).not.toHaveProperty('addressBudget');
    expect(publicPoll).not.toHaveProperty('networkIdentity');
  });
});

describe('the address budget', () => {
  it('stops a script that drops cookies and rotates its User-Agent (device_or_network) at exactly N', async () => {
    await createPoll(server.url, {
      slug: 'stuffing',
      question: 'Stuffed?',
      options: ['A', 'B'],
      duplicatePolicy: 'device_or_network',
      addressBudget: { votesPerHour: 4 },
      resultsVisibility: 'always',
    });
    // No cookie (a "new browser" each time) and a new agent each time: a new identity every vote.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        voteFrom('127.0.0.4', server.url, 'stuffing', ['a'], { 'user-agent': `bot/${i}` }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(8);
    for (const answer of refused) {
      expect(answer).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
      expect(answer.body.error.message).toMatch(/at most 4 votes an hour from one network/);
      expectHourRetry(answer.headers.get('retry-after'));
    }
    // The budget's refusals are not duplicates: the public count of repeats stays honest.
    expect(await resultsOf(server.url, 'stuffing')).toMatchObject({ totalResponses: 4, duplicatesRefused: 0 });
  });

  it('is shared by distinct clients of one /24 (127.0.0.x), and not by the next /24', async () => {
    await createPoll(server.url, {
      slug: 'one-network',
      question: 'Network?',
      options: ['A', 'B'],
      duplicatePolicy: 'device',
      addressBudget: { votesPerHour: 3 },
    });
    const statuses: number[] = [];
    for (const address of ['127.0.0.10', '127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.200'])
      statuses.push((await voteFrom(address, server.url, 'one-network', ['a'])).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect((await voteFrom('127.0.1.10', server.url, 'one-network', ['a'])).status).toBe(201);
    expect((await voteFrom('127.0.2.10', server.url, 'one-network', ['a'])).status).toBe(201);
  });

  it('refuses with 429 and Retry-After, storing nothing but the refused count', async () => {
    await createPoll(server.url, {
      slug: 'nothing-stored',
      question: 'Stored?',
      options: ['A', 'B'],
      duplicatePolicy: 'device',
      addressBudget: { votesPerHour: 1 },
      profile: ['role'],
      allowOther: true,
    });
    expect((await voteFrom('127.0.0.20', server.url, 'nothing-stored', ['a'])).status).toBe(201);
    const before = await dump(server.databaseUrl);
    const refused = await requestFrom('127.0.0.21', `${server.url}/api/polls/nothing-stored/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'test-browser/1.0' },
      body: JSON.stringify({ choices: ['other'], other: 'A write-in', profile: { role: 'manager' } }),
    });
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expectHourRetry(refused.headers.get('retry-after'));
    const after = await dump(server.databaseUrl);
    // The one difference: the prefix's row for this hour counts one refused vote more.
    const { prefix_hour_tallies: tallies, ...rest } = after;
    const { prefix_hour_tallies: talliesBefore, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    const pollId = (before.polls as { id: number; slug: string }[]).find((p) => p.slug === 'nothing-stored')!.id;
    const mine = (rows: unknown[] | undefined) =>
      (rows as { poll_id: number; votes: number; refused: number }[]).filter((row) => row.poll_id === pollId);
    expect(mine(talliesBefore)).toEqual([expect.objectContaining({ votes: 1, refused: 0 })]);
    expect(mine(tallies)).toEqual([expect.objectContaining({ votes: 1, refused: 1 })]);
    expect((tallies as unknown[]).length).toBe((talliesBefore as unknown[]).length);
  });

  it('answers the poll page’s and the widget’s form posts with 429, Retry-After and the sentence', async () => {
    await createPoll(server.url, {
      slug: 'forms',
      question: 'Forms?',
      options: ['A', 'B'],
      duplicatePolicy: 'device',
      resultsVisibility: 'always',
      addressBudget: { votesPerHour: 1 },
    });
    expect((await formFrom('127.0.0.30', server.url, '/polls/forms', { choice: 'a' })).status).toBe(303);
    for (const path of ['/polls/forms', '/embed/forms']) {
      const refused = await formFrom('127.0.0.31', server.url, path, { choice: 'b' });
      expect(refused.status).toBe(429);
      expectHourRetry(refused.headers.get('retry-after'));
      expect(refused.body).toContain('role="alert"');
      expect(refused.body).toMatch(/at most 1 vote an hour from one network, and yours has reached that; try again in/);
    }
    expect(await resultsOf(server.url, 'forms')).toMatchObject({ totalResponses: 1 });
  });

  it('leaves a poll without a budget (and kiosks, which get none by default) to the duplicate policy alone', async () => {
    const kiosk = await createPoll(server.url, {
      slug: 'kiosk',
      question: 'Kiosk?',
      options: ['A', 'B'],
      duplicatePolicy: 'none',
    });
    expect(kiosk.addressBudget).toBeNull();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => voteFrom('127.0.0.40', server.url, 'kiosk', ['a'])),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
  });
});

describe('the admin form (no JavaScript)', () => {
  const ownerPoll = async (slug: string) =>
    (await request(`${server.url}/api/admin/polls/${slug}`, { token: ADMIN_TOKEN })).body;
  const fields = {
    question: 'Office lunch?',
    options: 'Pizza\nSushi',
    type: 'single',
    resultsVisibility: 'always',
    opensAt: '',
    closesAt: '',
  };

  it('shows the network protection with the default budget and the office help', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const page = (await request(`${server.url}/admin/polls/new`, { headers: { cookie } })).body as string;
    const html = page.replace(/\s+/g, ' ');
    expect(html).toMatch(/<select id="networkIdentity" name="networkIdentity"/);
    expect(html).toMatch(/<input id="addressBudget" name="addressBudget" value="300"/);
    expect(html).toMatch(/<option value="64" selected/);
    expect(html).toContain('an office of 200 people behind one address still vote together');
    expect(html).toContain('refused until the clock hour ends');
  });

  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    [
      'an address-only key and a /48 budget',
      { duplicatePolicy: 'network', networkIdentity: 'address', addressBudget: '25', addressBudgetIpv6: '48' },
      { networkIdentity: 'address', addressBudget: { votesPerHour: 25, ipv6Prefix: 48 } },
    ],
    [
      'an empty count: no budget',
      { duplicatePolicy: 'device', networkIdentity: 'address_agent', addressBudget: '', addressBudgetIpv6: '64' },
      { networkIdentity: 'address_agent', addressBudget: null },
    ],
    [
      '0: no budget',
      { duplicatePolicy: 'device', networkIdentity: 'address_agent', addressBudget: '0', addressBudgetIpv6: '64' },
      { addressBudget: null },
    ],
  ])('creates a poll with %s', async (name, budget, expected) => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const slug = `form-${name
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase()
      .replace(/-$/, '')}`;
    const response = await formPost(server.url, '/admin/polls/new', { ...fields, ...budget, slug }, { cookie });
    expect(response.status).toBe(303);
    expect(await ownerPoll(slug)).toMatchObject(expected);
  });

  it('refuses a count that is not a whole number next to its field, storing nothing', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const response = await formPost(
      server.url,
      '/admin/polls/new',
      { ...fields, duplicatePolicy: 'device', addressBudget: 'lots', addressBudgetIpv6: '64', slug: 'form-refused' },
      { cookie },
    );
    expect(response.status).toBe(422);
    expect(response.body).toContain('id="addressBudget-error"');
    expect(response.body).toContain('The address budget must be a whole number.');
    expect((await request(`${server.url}/api/admin/polls/form-refused`, { token: ADMIN_TOKEN })).status).toBe(404);
  });
});

describe('the address budget behind a proxy, over IPv6', () => {
  /** Votes for `slug` from the given client addresses (named by a trusted proxy), in order. */
  const votesVia = async (proxied: RunningServer, slug: string, clients: string[]) => {
    const statuses: number[] = [];
    for (const client of clients)
      statuses.push((await voteFrom('127.0.0.1', proxied.url, slug, ['a'], { 'x-forwarded-for': client })).status);
    return statuses;
  };

  it('counts a /64 however its interface ids rotate, and two /64s of one site apart unless the budget says /48', async () => {
    await withServer({ env: { TRUST_PROXY: '1' } }, async (proxied) => {
      for (const ipv6Prefix of [64, 48]) {
        await createPoll(proxied.url, {
          slug: `v6-${ipv6Prefix}`,
          question: 'IPv6?',
          options: ['A', 'B'],
          duplicatePolicy: 'device',
          addressBudget: { votesPerHour: 2, ipv6Prefix },
        });
      }
      const clients = [
        '2001:db8:1:1::a',
        '2001:db8:1:1:ffff:1:2:3',
        '2001:db8:1:1::c', // a third interface id of the first /64
        '2001:db8:1:2::a', // the next /64 of the same /48 site
        '2001:db8:1:2::b',
        '2001:db8:2:1::a', // another site
      ];
      expect(await votesVia(proxied, 'v6-64', clients)).toEqual([201, 201, 429, 201, 201, 201]);
      expect(await votesVia(proxied, 'v6-48', clients)).toEqual([201, 201, 429, 429, 429, 201]);
    });
  });

  it('keys the address-only identity on the /64, so rotating interface ids is a duplicate (attack review)', async () => {
    await withServer({ env: { TRUST_PROXY: '1' } }, async (proxied) => {
      await createPoll(proxied.url, {
        slug: 'v6-rotation',
        question: 'Rotated?',
        options: ['A', 'B'],
        duplicatePolicy: 'network',
        networkIdentity: 'address',
        addressBudget: null,
      });
      const rotated = ['2001:db8:1:1::a', '2001:db8:1:1::b', '2001:db8:1:1:ffff:1:2:3', '2001:db8:1:2::a'];
      expect(await votesVia(proxied, 'v6-rotation', rotated)).toEqual([201, 409, 409, 201]);
    });
  });
});
