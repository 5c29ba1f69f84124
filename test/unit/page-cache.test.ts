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
/** Polls by id, as pages mark themselves. */
const LUNCH = 1;
const COFFEE = 2;
const key = (cache: PageCache, req: IncomingMessage, forwarded = false) => cache.keyOf(req, forwarded);

function cacheWith(versions = new DataVersions(), limits?: { entries: number; bytes: number }) {
  const cache = new PageCache(versions, limits);
  const keep = (url: string, text: string, poll: number | '*' = LUNCH, until = NOW + 60_000) => {
    const kept = key(cache, request(url))!;
    cache.set(kept, { poll, until }, cache.begin(), page(text), NOW);
    return kept;
  };
  return { cache, versions, keep };
}

describe('PageCache', () => {
  it('serves a kept page to another visitor without cookies', () => {
    const { cache, keep } = cacheWith();
    keep('/polls/lunch/results', '<p>results</p>');
    const other = key(cache, request('/polls/lunch/results', { cookie: 'other=1' }))!;
    expect(cache.get(other, NOW + 1)?.body.toString()).toBe('<p>results</p>');
  });

  it('never serves or keeps pages for visitors with our cookies or credentials, or for writes', () => {
    const { cache } = cacheWith();
    expect(key(cache, request('/polls/lunch', { cookie: 'a=1; pp_voter=x' }))).toBeNull();
    expect(key(cache, request('/polls/lunch', { cookie: 'pp_admin=x' }))).toBeNull();
    expect(key(cache, request('/polls/lunch', { authorization: 'Bearer x' }))).toBeNull();
    expect(key(cache, request('/polls/lunch', {}, 'POST'))).toBeNull();
    expect(key(cache, request('/polls/lunch', {}, 'HEAD'))).not.toBeNull();
  });

  it('keys by host, forwarding headers and the whole target', () => {
    const { cache, keep } = cacheWith();
    keep('/polls/lunch?theme=dark', 'dark');
    expect(cache.get(key(cache, request('/polls/lunch'))!, NOW)).toBeNull();
    expect(cache.get(key(cache, request('/polls/lunch?theme=dark', { host: 'evil.example' }))!, NOW)).toBeNull();
    const forwarded = key(cache, request('/polls/lunch?theme=dark', { 'x-forwarded-host': 'evil.example' }))!;
    expect(cache.get(forwarded, NOW)).toBeNull();
    expect(cache.get(key(cache, request('/polls/lunch?theme=dark'))!, NOW)?.body.toString()).toBe('dark');
  });

  it('drops a page when its poll gets a vote, not when another poll does; any other write drops all', () => {
    const { cache, versions, keep } = cacheWith();
    const lunch = keep('/polls/lunch/results', 'lunch');
    const home = keep('/', 'home', '*');
    versions.voteOn(COFFEE);
    expect(cache.get(lunch, NOW)).not.toBeNull();
    expect(cache.get(home, NOW)).toBeNull();
    versions.voteOn(LUNCH);
    expect(cache.get(lunch, NOW)).toBeNull();
    const again = keep('/polls/lunch/results', 'lunch 2');
    versions.siteChanged();
    expect(cache.get(again, NOW)).toBeNull();
  });

  it('does not keep a page whose data changed while it rendered; a write under another poll does not matter', () => {
    const { cache, versions } = cacheWith();
    const lunch = key(cache, request('/polls/lunch'))!;
    const before = cache.begin();
    versions.voteOn(LUNCH);
    cache.set(lunch, { poll: LUNCH, until: NOW + 60_000 }, before, page('stale'), NOW);
    expect(cache.get(lunch, NOW)).toBeNull();
    const again = cache.begin();
    versions.voteOn(COFFEE);
    cache.set(lunch, { poll: LUNCH, until: NOW + 60_000 }, again, page('fresh'), NOW);
    expect(cache.get(lunch, NOW)?.body.toString()).toBe('fresh');
    const third = cache.begin();
    versions.siteChanged();
    cache.set(lunch, { poll: LUNCH, until: NOW + 60_000 }, third, page('stale'), NOW);
    expect(cache.get(lunch, NOW)).toBeNull();
  });

  it('never shares an answer between a trusted proxy and a client sending the same headers itself', () => {
    const { cache } = cacheWith();
    const headers = { 'x-forwarded-host': 'polls.example.com', 'x-forwarded-proto': 'https' };
    const direct = key(cache, request('/polls/lunch', headers), false)!;
    cache.set(direct, { poll: LUNCH, until: NOW + 60_000 }, cache.begin(), page('direct origin'), NOW);
    expect(cache.get(key(cache, request('/polls/lunch', headers), true)!, NOW)).toBeNull();
    expect(cache.get(direct, NOW)?.body.toString()).toBe('direct origin');
  });

  it('honours the time its words hold, and keeps only plain 200s', () => {
    const { cache, keep } = cacheWith();
    const kept = keep('/polls/lunch', 'closes in 2 minutes', LUNCH, NOW + 120_000);
    expect(cache.get(kept, NOW + 119_999)).not.toBeNull();
    expect(cache.get(kept, NOW + 120_000)).toBeNull();
    const mark = { poll: LUNCH, until: NOW + 60_000 };
    cache.set(kept, mark, cache.begin(), { ...page('x'), status: 404 }, NOW);
    cache.set(kept, mark, cache.begin(), page('x', { 'set-cookie': 'pp_voter=1' }), NOW);
    expect(cache.get(kept, NOW)).toBeNull();
  });

  it('gives every reuse a fresh per-visitor value of the same length', () => {
    const { cache } = cacheWith();
    const widget = key(cache, request('/embed/lunch'))!;
    let minted = 0;
    const mint = () => `tok-${String(++minted).padStart(4, '0')}`;
    const rendered = mint();
    const body = `<input name=device value="${rendered}"><input value="${rendered}">`;
    cache.set(widget, { poll: LUNCH, until: NOW + 60_000, fresh: { rendered, mint } }, cache.begin(), page(body), NOW);
    const first = cache.get(widget, NOW)!.body.toString();
    const second = cache.get(widget, NOW)!.body.toString();
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
    expect(cache.get(key(cache, request('/b'))!, NOW)).toBeNull();
    keep('/big', 'x'.repeat(300));
    expect(cache.get(key(cache, request('/big'))!, NOW)).toBeNull();
    // A key counts too: a long URL (or host header) is as costly as a long page.
    keep(`/${'k'.repeat(200)}`, 'short');
    expect(cache.get(key(cache, request(`/${'k'.repeat(200)}`))!, NOW)).toBeNull();
  });
});

describe('versionedStore', () => {
  const fakeStore = () => ({
    reads: 0,
    async findPoll() {
      this.reads++;
      return null;
    },
    async recordVote(vote: { pollId: number }) {
      return { outcome: 'recorded', poll: { id: vote.pollId } };
    },
    async refuseVote(vote: { pollId: number }) {
      return { outcome: 'duplicate', pollId: vote.pollId };
    },
    async updatePoll() {
      return true;
    },
    async failing() {
      throw new Error('disk full');
    },
  });

  it('moves the voted poll on a vote or a refused vote, the site on any other call not named a read', async () => {
    const versions = new DataVersions();
    const store = versionedStore(fakeStore(), versions, { reads: new Set(['findPoll']), vote: 'recordVote' });
    const refusals = versionedStore(fakeStore(), versions, { reads: new Set(), vote: 'refuseVote' });
    const lunch = versions.lastWrite(LUNCH);
    const coffee = versions.lastWrite(COFFEE);
    await store.findPoll();
    expect([versions.lastWrite(LUNCH), versions.lastWrite(COFFEE)]).toEqual([lunch, coffee]);
    await store.recordVote({ pollId: LUNCH });
    expect(versions.lastWrite(LUNCH)).not.toBe(lunch);
    expect(versions.lastWrite(COFFEE)).toBe(coffee);
    // A refused vote moves its own poll only (its count of refused repeats).
    await refusals.refuseVote({ pollId: COFFEE });
    const afterRefusal = versions.lastWrite(COFFEE);
    expect(afterRefusal).not.toBe(coffee);
    const lunchNow = versions.lastWrite(LUNCH);
    await store.updatePoll();
    expect(versions.lastWrite(COFFEE)).not.toBe(afterRefusal);
    expect(versions.lastWrite(LUNCH)).not.toBe(lunchNow);
    const beforeFailure = versions.lastWrite(COFFEE);
    await expect(store.failing()).rejects.toThrow('disk full');
    expect(versions.lastWrite(COFFEE)).not.toBe(beforeFailure);
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
