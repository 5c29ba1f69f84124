import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_POLLS, seedDemo } from '../../db/seed';
import { openTempDb, type TempDb } from '../support/temp-db';

const NOW = Date.parse('2026-06-01T12:00:00Z');
let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

describe('seedDemo', () => {
  it('creates the two demo polls with votes in the demo shares over the last 30 days', async () => {
    expect(await seedDemo(t.store, NOW)).toBe(true);
    for (const demo of DEMO_POLLS) {
      const poll = (await t.store.findPoll(demo.input.slug!))!;
      const total = poll.responseCount;
      expect(total).toBeGreaterThan(200);
      // The spec's demo shares add up to 97 and 98 %, so compare proportions.
      const shareSum = demo.shares.reduce((a, b) => a + b, 0);
      poll.options.forEach((option, i) => expect(option.votes / total).toBeCloseTo(demo.shares[i]! / shareSum, 6));
    }
    const span = t.db.$client.prepare('select min(created_at) lo, max(created_at) hi from votes').get() as {
      lo: number;
      hi: number;
    };
    expect(span.lo).toBeGreaterThanOrEqual(NOW - 30 * 86_400_000);
    expect(span.hi).toBeLessThanOrEqual(NOW);
    expect(span.hi - span.lo).toBeGreaterThan(20 * 86_400_000);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('does nothing on a database that already has polls', async () => {
    await seedDemo(t.store, NOW);
    expect(await seedDemo(t.store, NOW)).toBe(false);
    expect((await t.store.listPolls()).length).toBe(2);
  });

  it('derives the bucket keys of the AI poll', async () => {
    await seedDemo(t.store, NOW);
    const poll = (await t.store.findPoll('ai-projects-in-production'))!;
    expect(poll.options.map((o) => o.key)).toEqual([
      'lt-10',
      '10-20',
      '21-30',
      '31-40',
      '41-50',
      '51-60',
      '61-70',
      '71-80',
      'gt-80',
    ]);
  });
});
