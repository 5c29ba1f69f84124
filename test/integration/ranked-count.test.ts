/**
 * The kept runoff counts (src/lib/ranked-count.ts) over a real database: an ordinary (quick)
 * count is exact for every new vote; a slow one is shared by readers for up to ten times its
 * cost (a second at least) while votes arrive, then redone; each database keeps its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoll } from '@/lib/poll-admin';
import { RankedCounts } from '@/lib/ranked-count';
import type { PollStore } from '@/lib/store';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');

let t: TempStores;
let clock: number;
let reads: number;
/** The real store, counting its ranking reads and making each take `readMs` on the test's clock. */
let readMs: number;
const timed = (store: PollStore): Pick<PollStore, 'rankingTallies'> => ({
  rankingTallies: async (pollId) => {
    reads++;
    clock += readMs;
    return store.rankingTallies(pollId);
  },
});

beforeEach(async () => {
  t = await openTempStores();
  clock = 0;
  reads = 0;
  readMs = 1;
  await createPoll(
    t.store,
    { slug: 'rank', question: 'Rank?', type: 'ranked', options: ['A', 'B', 'C'], duplicatePolicy: 'none' },
    NOW,
  );
});
afterEach(() => t.cleanup());

const vote = (choices: string[]) =>
  castVote(
    { store: t.store, secret: SECRET, now: NOW },
    'rank',
    { choices },
    { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
    'api',
  );
const poll = async () => (await t.store.findPoll('rank'))!;
const ballots = (count: { rounds: { continuing: number; exhausted: number }[] } | undefined) =>
  count!.rounds[0]!.continuing + count!.rounds[0]!.exhausted;

describe('RankedCounts', () => {
  it('counts a quick poll afresh for every vote, and once per state however many read it', async () => {
    const counts = new RankedCounts(() => clock);
    const store = timed(t.store);
    await vote(['a', 'b']);
    const first = await Promise.all([1, 2, 3].map(async () => counts.count(store, await poll())));
    expect(first.map(ballots)).toEqual([1, 1, 1]);
    expect(reads).toBe(1);
    await vote(['b']);
    expect(ballots(await counts.count(store, await poll()))).toBe(2);
    expect(reads).toBe(2);
  });

  it('counts a small poll afresh even when a busy machine made its count slow', async () => {
    const counts = new RankedCounts(() => clock);
    const store = timed(t.store);
    readMs = 200;
    await vote(['a']);
    expect(ballots(await counts.count(store, await poll()))).toBe(1);
    await vote(['c']);
    expect(ballots(await counts.count(store, await poll()))).toBe(2);
    expect(reads).toBe(2);
  });

  it('shares a slow count while votes arrive, for ten times its cost, then counts again', async () => {
    // Any number of distinct rankings may count as slow here (the default asks for 1,000).
    const counts = new RankedCounts(() => clock, 0);
    const store = timed(t.store);
    readMs = 200;
    await vote(['a']);
    expect(ballots(await counts.count(store, await poll()))).toBe(1);
    await vote(['c']);
    clock += 1000;
    // 200 ms of counting: kept for 2 s after it finished; 1 s has passed.
    expect(ballots(await counts.count(store, await poll()))).toBe(1);
    expect(reads).toBe(1);
    clock += 1100;
    expect(ballots(await counts.count(store, await poll()))).toBe(2);
    expect(reads).toBe(2);
  });

  it('gives nothing for other types, and keeps each database apart', async () => {
    const counts = new RankedCounts(() => clock);
    await createPoll(t.store, { slug: 'one', question: 'One?', options: ['A', 'B'] }, NOW);
    expect(await counts.count(timed(t.store), (await t.store.findPoll('one'))!)).toBeUndefined();
    expect(reads).toBe(0);
    await vote(['a']);
    expect(ballots(await counts.count(t.store, await poll()))).toBe(1);
    // Another database whose poll has the same id and the same state is counted on its own.
    const other = await openTempStores();
    try {
      const twin = await createPoll(
        other.store,
        { slug: 'rank', question: 'Rank?', type: 'ranked', options: ['A', 'B', 'C'], duplicatePolicy: 'none' },
        NOW,
      );
      expect(twin.id).toBe((await poll()).id);
      const empty = await counts.count(other.store, { ...(await poll()), options: twin.options });
      expect(ballots(empty)).toBe(0);
    } finally {
      await other.cleanup();
    }
  });
});
