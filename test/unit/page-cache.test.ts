import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DataVersions, versionedStore, wordsHoldUntil } from '@/lib/data-versions';
import { PageCache } from '@/http/page-cache';

const request = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  ({ method, url, headers: { host: 'polls.example', ...headers } }) as unknown as IncomingMessage;
const page = (text: string, headers: Record<string, string> = {}) => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body: Buffer.from(text),
});
const NOW = 1_000_000;

function cacheWith(versions = new DataVersions(), limits?: { entries: number; bytes: number }) {
  const cache = new PageCache(versions, limits);
  const keep = (url: string, text: string, poll = 'lunch', until = NOW + 60_000) => {
    const key = cache.keyOf(request(url))!;
    cache.set(key, { poll, until }, cache.begin(), page(text), NOW);
    return key;
  };
  return { cache, versions, keep };
}

describe('PageCache', () => {
  it('serves a kept page to another visitor without cookies', () => {
    const { cache, keep } = cacheWith();
    keep('/polls/lunch/results', '<p>results</p>');
    const key = cache.keyOf(request('/polls/lunch/results', { cookie: 'other=1' }))!;
    expect(cache.get(key, NOW + 1)?.body.toString()).toBe('<p>results</p>');
  });

  it('never serves or keeps pages for visitors with our cookies or credentials, or for writes', () => {
    const { cache } = cacheWith();
    expect(cache.keyOf(request('/polls/lunch', { cookie: 'a=1; pp_voter=x' }))).toBeNull();
    expect(cache.keyOf(request('/polls/lunch', { cookie: 'pp_admin=x' }))).toBeNull();
    expect(cache.keyOf(request('/polls/lunch', { authorization: 'Bearer x' }))).toBeNull();
    expect(cache.keyOf(request('/polls/lunch', {}, 'POST'))).toBeNull();
    expect(cache.keyOf(request('/polls/lunch', {}, 'HEAD'))).not.toBeNull();
  });

  it('keys by host, forwarding headers and the whole target', () => {
    const { cache, keep } = cacheWith();
    keep('/polls/lunch?theme=dark', 'dark');
    expect(cache.get(cache.keyOf(request('/polls/lunch'))!, NOW)).toBeNull();
    expect(cache.get(cache.keyOf(request('/polls/lunch?theme=dark', { host: 'evil.example' }))!, NOW)).toBeNull();
    const forwarded = cache.keyOf(request('/polls/lunch?theme=dark', { 'x-forwarded-host': 'evil.example' }))!;
    expect(cache.get(forwarded, NOW)).toBeNull();
    expect(cache.get(cache.keyOf(request('/polls/lunch?theme=dark'))!, NOW)?.body.toString()).toBe('dark');
  });

  it('drops a page when its poll gets a vote, not when another poll does; any other write drops all', () => {
    const { cache, versions, keep } = cacheWith();
    const lunch = keep('/polls/lunch/results', 'lunch');
    const home = keep('/', 'home', '*');
    versions.voteRecorded('coffee');
    expect(cache.get(lunch, NOW)).not.toBeNull();
    expect(cache.get(home, NOW)).toBeNull();
    versions.voteRecorded('lunch');
    expect(cache.get(lunch, NOW)).toBeNull();
    const again = keep('/polls/lunch/results', 'lunch 2');
    versions.siteChanged();
    expect(cache.get(again, NOW)).toBeNull();
  });

  it('does not keep a page whose data changed while it rendered', () => {
    const { cache, versions } = cacheWith();
    const key = cache.keyOf(request('/polls/lunch'))!;
    const before = cache.begin();
    versions.voteRecorded('coffee');
    cache.set(key, { poll: 'lunch', until: NOW + 60_000 }, before, page('stale'), NOW);
    expect(cache.get(key, NOW)).toBeNull();
  });

  it('honours the time its words hold, and keeps only plain 200s', () => {
    const { cache, keep } = cacheWith();
    const key = keep('/polls/lunch', 'closes in 2 minutes', 'lunch', NOW + 120_000);
    expect(cache.get(key, NOW + 119_999)).not.toBeNull();
    expect(cache.get(key, NOW + 120_000)).toBeNull();
    const mark = { poll: 'lunch', until: NOW + 60_000 };
    cache.set(key, mark, cache.begin(), { ...page('x'), status: 404 }, NOW);
    cache.set(key, mark, cache.begin(), page('x', { 'set-cookie': 'pp_voter=1' }), NOW);
    expect(cache.get(key, NOW)).toBeNull();
  });

  it('gives every reuse a fresh per-visitor value of the same length', () => {
    const { cache } = cacheWith();
    const key = cache.keyOf(request('/embed/lunch'))!;
    let minted = 0;
    const mint = () => `tok-${String(++minted).padStart(4, '0')}`;
    const rendered = mint();
    const body = `<input name=device value="${rendered}"><input value="${rendered}">`;
    cache.set(key, { poll: 'lunch', until: NOW + 60_000, fresh: { rendered, mint } }, cache.begin(), page(body), NOW);
    const first = cache.get(key, NOW)!.body.toString();
    const second = cache.get(key, NOW)!.body.toString();
    expect(first).not.toContain(rendered);
    expect(first.match(/tok-\d{4}/g)).toHaveLength(2);
    expect(new Set(first.match(/tok-\d{4}/g))).toHaveLength(1);
    expect(second).not.toBe(first);
  });

  it('stays within its entry and byte limits, dropping the least recently used', () => {
    const { cache, keep } = cacheWith(new DataVersions(), { entries: 2, bytes: 1000 });
    const a = keep('/a', 'a');
    keep('/b', 'b');
    cache.get(a, NOW);
    keep('/c', 'c');
    expect(cache.size).toBe(2);
    expect(cache.get(a, NOW)).not.toBeNull();
    expect(cache.get(cache.keyOf(request('/b'))!, NOW)).toBeNull();
    keep('/big', 'x'.repeat(300));
    expect(cache.get(cache.keyOf(request('/big'))!, NOW)).toBeNull();
  });
});

describe('versionedStore', () => {
  const fakeStore = () => ({
    reads: 0,
    async findPoll() {
      this.reads++;
      return null;
    },
    async recordVote(slug: string) {
      return { outcome: 'recorded', poll: { slug } };
    },
    async refuseVote() {
      return { outcome: 'duplicate' };
    },
    async updatePoll() {
      return true;
    },
    async failing() {
      throw new Error('disk full');
    },
  });

  it('moves the voted poll on a vote, the site on any other call not named a read', async () => {
    const versions = new DataVersions();
    const store = versionedStore(fakeStore(), versions, { reads: new Set(['findPoll']), vote: 'recordVote' });
    const refusals = versionedStore(fakeStore(), versions, { reads: new Set(), vote: 'refuseVote' });
    const lunch = versions.stamp('lunch');
    const site = versions.stamp('coffee');
    await store.findPoll();
    expect([versions.stamp('lunch'), versions.stamp('coffee')]).toEqual([lunch, site]);
    await store.recordVote('lunch');
    expect(versions.stamp('lunch')).not.toBe(lunch);
    expect(versions.stamp('coffee')).toBe(site);
    await refusals.refuseVote();
    const afterRefusal = versions.stamp('coffee');
    expect(afterRefusal).not.toBe(site);
    await store.updatePoll();
    expect(versions.stamp('coffee')).not.toBe(afterRefusal);
    const beforeFailure = versions.stamp('coffee');
    await expect(store.failing()).rejects.toThrow('disk full');
    expect(versions.stamp('coffee')).not.toBe(beforeFailure);
    expect(store.reads).toBe(1);
  });
});

describe('wordsHoldUntil', () => {
  it("is the poll's next instant, at most a minute ahead", () => {
    expect(wordsHoldUntil(NOW, null, null)).toBe(NOW + 60_000);
    expect(wordsHoldUntil(NOW, NOW + 5_000, null)).toBe(NOW + 5_000);
    expect(wordsHoldUntil(NOW, NOW - 5_000, NOW + 30_000)).toBe(NOW + 30_000);
    expect(wordsHoldUntil(NOW, NOW, NOW + 90_000)).toBe(NOW + 60_000);
  });
});
