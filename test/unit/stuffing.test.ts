/** The traffic view's rules, table-tested: labels, shares, the usual rate and which hours make a burst. */
import { describe, expect, it } from 'vitest';
import {
  analyseTraffic,
  BURST_MIN_VOTES,
  digestOfRef,
  networkLabel,
  networkRef,
  trafficWindow,
  TOP_NETWORKS,
} from '@/lib/stuffing';
import { HOUR_MS, type PrefixHour, type QuarantineRecord } from '@/lib/store';
import { hoursText } from '@/lib/traffic';

const H0 = 490_000; // an hour number in 2025
const row = (prefixKey: string, hour: number, votes: number, refused = 0): PrefixHour => ({
  prefixKey,
  hour: H0 + hour,
  votes,
  refused,
});
const WINDOW = { fromHour: H0, toHour: H0 + 47 };
/** Ten networks voting 2 an hour each in hours 0–29: a usual hour holds 20 votes. */
const steady = Array.from({ length: 30 }, (_, hour) =>
  Array.from({ length: 10 }, (_, n) => row(`n${n}`, hour, 2)),
).flat();

describe('networkLabel', () => {
  it.each([
    [0, 'Network A'],
    [1, 'Network B'],
    [25, 'Network Z'],
    [26, 'Network AA'],
    [27, 'Network AB'],
    [701, 'Network ZZ'],
    [702, 'Network AAA'],
  ])('rank %i is %s', (rank, label) => expect(networkLabel(rank)).toBe(label));
});

describe('trafficWindow', () => {
  const created = H0 * HOUR_MS + 10 * 60_000;
  it.each([
    ['a young poll: its whole life', { createdAt: created, closesAt: null }, (H0 + 5) * HOUR_MS, [H0, H0 + 5]],
    [
      'an old poll: the last 48 hours',
      { createdAt: created, closesAt: null },
      (H0 + 100) * HOUR_MS,
      [H0 + 53, H0 + 100],
    ],
    [
      'a closed poll: up to its close',
      { createdAt: created, closesAt: (H0 + 10) * HOUR_MS },
      (H0 + 99) * HOUR_MS,
      [H0, H0 + 10],
    ],
    ['created this hour', { createdAt: created, closesAt: null }, created + 1, [H0, H0]],
  ])('%s', (_, poll, now, [fromHour, toHour]) => expect(trafficWindow(poll, now)).toEqual({ fromHour, toHour }));
});

describe('analyseTraffic', () => {
  it('is empty and flags nothing without traffic', () => {
    const view = analyseTraffic([], WINDOW);
    expect(view.hours).toHaveLength(48);
    expect([view.totalVotes, view.usualRate, view.networks, view.otherNetworks, view.bursts]).toEqual([
      0,
      0,
      [],
      null,
      [],
    ]);
  });

  it('sums hours, ranks networks by votes and sums the rest', () => {
    const rows = [...steady, row('big', 3, 100), row('n9', 4, 1)];
    const view = analyseTraffic(rows, WINDOW);
    expect(view.totalVotes).toBe(30 * 20 + 101);
    expect(view.hours[3]).toEqual({ hour: H0 + 3, votes: 120, refused: 0 });
    expect(view.hours[40]).toEqual({ hour: H0 + 40, votes: 0, refused: 0 });
    expect(view.networks.map((n) => [n.label, n.votes])).toEqual([
      ['Network A', 100],
      ['Network B', 61], // n9: 60 + 1
      ['Network C', 60], // n0 (ties by digest)
      ['Network D', 60],
      ['Network E', 60],
    ]);
    expect(view.networks).toHaveLength(TOP_NETWORKS);
    expect(view.otherNetworks).toEqual({ count: 6, votes: 360, share: 360 / 701 });
    expect(view.networks[0]!.share).toBeCloseTo(100 / 701);
    expect(view.labels.get('big')).toBe('Network A');
    expect(JSON.stringify(view.networks)).not.toContain('big'); // the digest stays out of what pages render
  });

  it.each([
    ['a usual hour of one network', [row('x', 31, 2)], []],
    ['a lively hour (4× usual) passes', [row('x', 31, 80)], []],
    ['5× the usual hour is flagged', [row('x', 31, 100)], [['x', 31, 32, 100, ['above_usual']]]],
    ['refused by the budget is flagged whatever the size', [row('x', 31, 3, 1)], [['x', 31, 32, 3, ['over_budget']]]],
    [
      'adjacent hours of one network merge, with both reasons',
      [row('x', 31, 100), row('x', 32, 300, 50), row('x', 34, 120)],
      [
        ['x', 34, 35, 120, ['above_usual']],
        ['x', 31, 33, 400, ['above_usual', 'over_budget']],
      ],
    ],
    [
      'two networks in the same hours stay two bursts',
      [row('x', 31, 100), row('y', 31, 110), row('y', 32, 100)],
      [
        ['y', 31, 33, 210, ['above_usual']],
        ['x', 31, 32, 100, ['above_usual']],
      ],
    ],
  ])('%s', (_, extra, expected) => {
    const view = analyseTraffic([...steady, ...(extra as PrefixHour[])], WINDOW);
    expect(view.usualRate).toBe(20);
    expect(view.bursts.map((b) => [b.prefixKey, b.fromHour - H0, b.toHour - H0, b.votes, b.reasons])).toEqual(expected);
  });

  it(`needs ${BURST_MIN_VOTES} votes on a quiet poll`, () => {
    const quiet = Array.from({ length: 20 }, (_, hour) => row('n', hour, 1));
    expect(analyseTraffic([...quiet, row('x', 21, 19)], WINDOW).bursts).toEqual([]);
    expect(analyseTraffic([...quiet, row('x', 21, 20)], WINDOW).bursts).toHaveLength(1);
  });

  it('ignores rows outside the window', () => {
    expect(analyseTraffic([row('x', -1, 500), row('x', 48, 500)], WINDOW).totalVotes).toBe(0);
  });

  it('says which bursts an active quarantine holds', () => {
    const quarantine = (id: number, from: number, to: number, restoredAt: number | null = null): QuarantineRecord => ({
      id,
      prefixKey: 'x',
      fromAt: (H0 + from) * HOUR_MS,
      toAt: (H0 + to) * HOUR_MS,
      votes: 1,
      createdAt: 0,
      restoredAt,
    });
    const rows = [...steady, row('x', 31, 100), row('x', 32, 100), row('x', 40, 100)];
    const view = analyseTraffic(rows, WINDOW, [
      quarantine(1, 31, 33),
      quarantine(2, 40, 41, 5),
      quarantine(3, 40, 40.5),
    ]);
    expect(view.bursts.map((b) => [b.fromHour - H0, b.heldBy])).toEqual([
      [40, null], // restored, or covering part of it only
      [31, 1],
    ]);
  });
});

describe('networkRef', () => {
  it('is opaque, stable and maps back to its digest among the rows', () => {
    const ref = networkRef('digest-one');
    expect(ref).toBe(networkRef('digest-one'));
    expect(ref).not.toContain('digest');
    expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(digestOfRef([row('digest-two', 0, 1), row('digest-one', 1, 1)], ref)).toBe('digest-one');
    expect(digestOfRef([row('digest-two', 0, 1)], ref)).toBeNull();
  });
});

describe('hoursText', () => {
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['one hour', '2026-06-01T08:00Z', '2026-06-01T09:00Z', '1 Jun 2026, 08:00–09:00 UTC'],
    ['to midnight', '2026-06-01T22:00Z', '2026-06-02T00:00Z', '1 Jun 2026, 22:00–24:00 UTC'],
    ['across days', '2026-06-01T23:00Z', '2026-06-02T02:00Z', '1 Jun 2026, 23:00 UTC – 2 Jun 2026, 02:00 UTC'],
  ])('%s', (_, from, to, text) => expect(hoursText(at(from), at(to))).toBe(text));
});
