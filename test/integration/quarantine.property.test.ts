/**
 * Property: whatever votes arrive (any network, hour, choices, profile, ranking, write-in) and
 * whatever quarantines and restores the owner makes in between, every tally equals a recount of
 * the log minus quarantine, quarantined_count equals the votes held, and restoring everything
 * brings back the tallies of the whole log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTempStores } from '../support/temp-db';
import { HOUR_MS, T0, publicCounts, quarantinePolls, record } from '../support/quarantine';

const NETWORKS = ['net-a', 'net-b', 'net-c'];
const AUDIT = { actor: 'cli', action: 'quarantine' };

type Step =
  | { kind: 'vote'; ranked: boolean; picks: number[]; role: string | null; other: boolean; net: number; minute: number }
  | { kind: 'quarantine'; ranked: boolean; net: number; fromHour: number; hours: number }
  | { kind: 'restore'; ranked: boolean; which: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('vote' as const),
      ranked: fc.boolean(),
      picks: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }),
      role: fc.constantFrom(null, 'manager', 'vp'),
      other: fc.boolean(),
      net: fc.nat(2),
      minute: fc.nat(6 * 60 - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('quarantine' as const),
      ranked: fc.boolean(),
      net: fc.nat(2),
      fromHour: fc.nat(5),
      hours: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('restore' as const), ranked: fc.boolean(), which: fc.nat(5) }),
  },
);

describe('quarantine and restore, any sequence', () => {
  it('keep every tally equal to the log minus quarantine', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (steps) => {
        const t = await openTempStores();
        try {
          const polls = await quarantinePolls(t.store);
          const pollOf = (ranked: boolean) => (ranked ? polls.ranked : polls.multiple);
          for (const step of steps) {
            const poll = pollOf(step.ranked);
            if (step.kind === 'vote') {
              await record(t.store, poll, {
                picks: step.ranked ? step.picks : [...step.picks].sort(),
                profile: !step.ranked && step.role ? { role: step.role } : {},
                other: !step.ranked && step.other ? 'Write-in' : undefined,
                prefixKey: NETWORKS[step.net]!,
                at: T0 + step.minute * 60_000,
              });
            } else if (step.kind === 'quarantine') {
              const from = T0 + step.fromHour * HOUR_MS;
              await t.store.quarantineBurst(poll.id, NETWORKS[step.net]!, from, from + step.hours * HOUR_MS, T0, AUDIT);
            } else {
              const active = (await t.store.quarantinesOf(poll.id)).filter((q) => q.restoredAt === null);
              if (active.length > 0)
                await t.store.restoreQuarantine(poll.id, active[step.which % active.length]!.id, T0, AUDIT);
            }
            expect(await t.store.recount(false)).toEqual([]);
          }
          // Every quarantine restored: the tallies of the whole log, as if none had been made.
          for (const poll of [polls.multiple, polls.ranked])
            for (const q of await t.store.quarantinesOf(poll.id))
              if (q.restoredAt === null) await t.store.restoreQuarantine(poll.id, q.id, T0, AUDIT);
          const [votes] = await t.query<{ n: number }>('select count(*) as n from votes');
          const restored = [
            await publicCounts(t.store, t.adminStore, 'multi'),
            await publicCounts(t.store, t.adminStore, 'ranked'),
          ];
          expect(restored[0]!.responses + restored[1]!.responses).toBe(votes!.n);
          expect(restored.map((counts) => counts.quarantined)).toEqual([0, 0]);
          expect(await t.store.recount(false)).toEqual([]);
        } finally {
          await t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
    // 40 fresh databases: a PostgreSQL one (copied from the template) takes most of a second to make.
  }, 120_000);
});
