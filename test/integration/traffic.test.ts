/**
 * From the vote path to a quarantine, on a real migrated SQLite file: votes cast through castVote
 * from two networks (one over the poll's address budget) show in trafficOf per digest and hour,
 * the burst is flagged over budget, and quarantining it leaves the other network's votes counted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PollError } from '@/lib/errors';
import { createPoll } from '@/lib/poll-admin';
import { HOUR_MS } from '@/lib/store';
import { analyseTraffic, trafficWindow } from '@/lib/stuffing';
import { pollTraffic } from '@/lib/traffic';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:20:00Z');

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

const from = (address: string, now: number) =>
  castVote(
    { store: t.store, secret: SECRET, now },
    'budget',
    { choices: [address.startsWith('203.') ? 'a' : 'b'] },
    { deviceId: newDeviceId(), address, userAgent: 'vitest' },
    'api',
  );

describe('traffic through the vote path', () => {
  it('shows each network per hour, flags the one over budget, and quarantines only it', async () => {
    const poll = await createPoll(
      t.store,
      {
        slug: 'budget',
        question: 'Which?',
        options: ['A', 'B'],
        duplicatePolicy: 'none',
        addressBudget: { votesPerHour: 5, ipv6Prefix: 64 },
      },
      NOW - HOUR_MS,
    );
    let refused = 0;
    for (let i = 0; i < 8; i++)
      await from(`203.0.113.${i + 1}`, NOW + i * 60_000).catch((error: unknown) => {
        expect(error).toBeInstanceOf(PollError);
        expect((error as PollError).code).toBe('rate_limited');
        refused += 1;
      });
    for (let i = 0; i < 3; i++) await from(`198.51.100.${i + 1}`, NOW + i * 60_000);
    expect(refused).toBe(3);

    const window = trafficWindow(poll, NOW + HOUR_MS / 2);
    const rows = await t.store.trafficOf(poll.id, window.fromHour, window.toHour);
    expect(rows.map((row) => [row.hour, row.votes, row.refused]).sort()).toEqual([
      [Math.floor(NOW / HOUR_MS), 3, 0],
      [Math.floor(NOW / HOUR_MS), 5, 3],
    ]);
    const view = analyseTraffic(rows, window);
    expect(view.networks.map((n) => [n.label, n.votes, n.refused])).toEqual([
      ['Network A', 5, 3],
      ['Network B', 3, 0],
    ]);
    expect(view.bursts).toHaveLength(1);
    const [burst] = view.bursts;
    expect(burst).toMatchObject({ label: 'Network A', votes: 5, reasons: ['over_budget'], heldBy: null });

    const done = await t.store.quarantineBurst(
      poll.id,
      burst!.prefixKey,
      burst!.fromHour * HOUR_MS,
      burst!.toHour * HOUR_MS,
      NOW + HOUR_MS / 2,
      { actor: 'cli', action: 'quarantine' },
    );
    expect(done).toMatchObject({ outcome: 'done', quarantine: { votes: 5 } });
    const after = (await t.store.findPoll('budget'))!;
    expect([after.responseCount, after.quarantinedCount]).toEqual([3, 5]);
    expect(after.options.map((o) => o.votes)).toEqual([0, 3]);
    expect(await t.store.recount(false)).toEqual([]);
    // The section's view: the burst held, the quarantine listed under its label, no digest in it.
    const shown = await pollTraffic(t.store, after, NOW + HOUR_MS / 2);
    expect(shown.view.bursts[0]!.heldBy).toBe(done.outcome === 'done' ? done.quarantine.id : -1);
    expect(shown.active).toEqual([expect.objectContaining({ label: 'Network A', votes: 5, restoredAt: null })]);
    expect(JSON.stringify(shown.active)).not.toContain(burst!.prefixKey);
  });

  it('reopens a quarantined burst when the network votes again in its hours, and takes only the new votes', async () => {
    const poll = await createPoll(
      t.store,
      {
        slug: 'budget',
        question: 'Which?',
        options: ['A', 'B'],
        duplicatePolicy: 'none',
        addressBudget: { votesPerHour: 5, ipv6Prefix: 64 },
      },
      NOW - HOUR_MS,
    );
    const hour = Math.floor(NOW / HOUR_MS);
    const range = [hour * HOUR_MS, (hour + 1) * HOUR_MS] as const;
    const quarantine = async (at: number) => {
      const prefixKey = (await t.store.trafficOf(poll.id, hour, hour))[0]!.prefixKey;
      return t.store.quarantineBurst(poll.id, prefixKey, ...range, at, { actor: 'cli', action: 'quarantine' });
    };
    for (let i = 0; i < 4; i++) await from(`203.0.113.${i + 1}`, NOW + i * 1000);
    expect(await quarantine(NOW + 60_000)).toMatchObject({ outcome: 'done', quarantine: { votes: 4 } });
    // The same network, the same hour, after the quarantine: one more vote counted, two refused.
    for (let i = 0; i < 3; i++)
      await from(`203.0.113.${i + 10}`, NOW + 120_000 + i * 1000).catch((error: unknown) =>
        expect((error as PollError).code).toBe('rate_limited'),
      );
    const prefixKey = (await t.store.trafficOf(poll.id, hour, hour))[0]!.prefixKey;
    expect(await t.store.countedVotesIn(poll.id, prefixKey, ...range)).toBe(1);
    const open = await pollTraffic(t.store, (await t.store.findPoll('budget'))!, NOW + 180_000);
    expect(open.view.bursts).toEqual([
      expect.objectContaining({ votes: 5, refused: 2, coveredBy: expect.any(Number), countedLeft: 1, heldBy: null }),
    ]);
    expect((await t.store.findPoll('budget'))!.options.map((o) => o.votes)).toEqual([1, 0]);

    // Quarantining the burst's hours again takes only the vote counted since.
    expect(await quarantine(NOW + 240_000)).toMatchObject({ outcome: 'done', quarantine: { votes: 1 } });
    const held = await pollTraffic(t.store, (await t.store.findPoll('budget'))!, NOW + 300_000);
    expect(held.view.bursts).toEqual([expect.objectContaining({ countedLeft: 0, heldBy: expect.any(Number) })]);
    const after = (await t.store.findPoll('budget'))!;
    expect([after.responseCount, after.quarantinedCount]).toEqual([0, 5]);
    expect(await t.store.recount(false)).toEqual([]);
  });
});
