/**
 * Pages and results kept for visitors without our cookies (src/http/page-cache.ts): a kept answer
 * never outlives a write under it, never carries one visitor's state to another, and the widget's
 * device token is fresh for every visitor.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, formPost, request, requestFrom, vote, voterCookie } from '../support/api';
import { ADMIN_TOKEN, useServer, withServer } from '../support/server';

const server = useServer({
  env: { SEED_DEMO: '0' },
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'kept', question: 'Kept?', options: ['Yes', 'No'], resultsVisibility: 'always' });
    await createPoll(url, {
      slug: 'kept-after',
      question: 'After voting?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_vote',
    });
    await createPoll(url, {
      slug: 'kept-device',
      question: 'One per browser?',
      options: ['Yes', 'No'],
      duplicatePolicy: 'device',
      resultsVisibility: 'always',
    });
  },
});

const responsesOn = (html: string) => Number(/(\d[\d,]*) responses?/.exec(html)?.[1]?.replace(/,/g, '') ?? NaN);
const tokenIn = (html: string) => /name="device" value="([^"]+)"/.exec(html)?.[1] ?? null;

describe('page cache', () => {
  it('shows a vote on the next read of the results page and JSON, however often they were read before', async () => {
    const page = () => request(`${server.url}/polls/kept/results`);
    const json = () => request(`${server.url}/api/polls/kept/results`);
    const before = responsesOn((await page()).body);
    expect((await page()).body).toBe((await page()).body);
    const jsonBefore = (await json()).body.totalResponses;
    await json();
    for (let i = 0; i < 3; i++) {
      expect((await vote(server.url, 'kept', ['yes'])).status).toBe(201);
      expect(responsesOn((await page()).body)).toBe(before + i + 1);
      expect((await json()).body.totalResponses).toBe(jsonBefore + i + 1);
    }
  });

  it('never gives a voter the page of someone who has not voted, nor the reverse', async () => {
    const anonymous = await request(`${server.url}/polls/kept/results`);
    expect(anonymous.body).not.toContain('Your choice');
    const voted = await vote(server.url, 'kept', ['no']);
    const cookie = voterCookie(voted.headers);
    const mine = await request(`${server.url}/polls/kept/results`, { headers: { cookie } });
    expect(mine.body).toContain('Your choice');
    expect((await request(`${server.url}/polls/kept/results`)).body).not.toContain('Your choice');
  });

  it('keeps results shown only after voting hidden from others once a voter has read them', async () => {
    const results = (cookie?: string) =>
      request(`${server.url}/api/polls/kept-after/results`, { headers: cookie ? { cookie } : {} });
    expect((await results()).status).toBe(403);
    const cookie = voterCookie((await vote(server.url, 'kept-after', ['yes'])).headers);
    expect((await results(cookie)).status).toBe(200);
    expect((await results()).status).toBe(403);
    expect((await results(cookie)).body.totalResponses).toBe(1);
  });

  it("shows an owner's edit at once", async () => {
    expect((await request(`${server.url}/polls/kept`)).body).toContain('Kept?');
    const edited = await request(`${server.url}/api/admin/polls/kept`, {
      method: 'PATCH',
      json: { question: 'Kept, edited?' },
      token: ADMIN_TOKEN,
    });
    expect(edited.status).toBe(200);
    expect((await request(`${server.url}/polls/kept`)).body).toContain('Kept, edited?');
    expect((await request(`${server.url}/polls/kept/results`)).body).toContain('Kept, edited?');
  });

  it('gives every visitor of a kept widget a device token of its own, each good for one vote', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const widget = await request(`${server.url}/embed/kept-device`);
      expect(widget.status).toBe(200);
      const token = tokenIn(widget.body);
      expect(token).not.toBeNull();
      tokens.add(token!);
    }
    expect(tokens.size).toBe(4);
    // Each token is a browser of its own: all four votes count under the device policy.
    for (const token of tokens) {
      const posted = await formPost(server.url, '/embed/kept-device', { choice: 'yes', device: token });
      expect(posted.status).toBe(303);
    }
    const results = await request(`${server.url}/api/polls/kept-device/results`);
    expect(results.body.totalResponses).toBe(4);
  });

  it("never serves a page rendered for a client's own forwarding headers to visitors through the trusted proxy", async () => {
    await withServer({ env: { SEED_DEMO: '0', TRUST_PROXY: '1', TRUSTED_PROXIES: '127.0.0.2' } }, async ({ url }) => {
      await createPoll(url, { slug: 'proxied', question: 'Proxied?', options: ['Yes', 'No'] });
      const forwarded = { 'x-forwarded-host': 'polls.example.com', 'x-forwarded-proto': 'https' };
      // A client reaching the port directly sends what the proxy would send: not believed…
      const direct = await requestFrom('127.0.0.3', `${url}/polls/proxied/results`, { headers: forwarded });
      expect(direct.status).toBe(200);
      expect(direct.body).not.toContain('https://polls.example.com/');
      // …and not what the proxy's visitors get afterwards.
      const viaProxy = await requestFrom('127.0.0.2', `${url}/polls/proxied/results`, { headers: forwarded });
      expect(viaProxy.body).toContain('https://polls.example.com/polls/proxied');
    });
  });
});
