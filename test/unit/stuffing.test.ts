/** The traffic view's rules, table-tested: labels, shares, the usual rate and which hours make a burst. */
import { describe, expect, it } from 'vitest';
import {
  analyseTraffic,
  BURST_MIN_VOTES,
  burstKey,
  digestOfRef,
  DOMINANT_MIN_VOTES,
  hasOlderHours,
  networkLabel,
  networkRef,
  TRAFFIC_MAX_HOURS,
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

  it('shows every hour on request, at most the last TRAFFIC_MAX_HOURS, and says when there are older hours', () => {
    const poll = { createdAt: created, closesAt: null };
    expect(trafficWindow(poll, (H0 + 100) * HOUR_MS, true)).toEqual({ fromHour: H0, toHour: H0 + 100 });
    expect(trafficWindow(poll, (H0 + 5000) * HOUR_MS, true)).toEqual({
      fromHour: H0 + 5001 - TRAFFIC_MAX_HOURS,
      toHour: H0 + 5000,
    });
    expect(hasOlderHours(poll, (H0 + 47) * HOUR_MS)).toBe(false);
    expect(hasOlderHours(poll, (H0 + 48) * HOUR_MS)).toBe(true);
  });
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
      'adjacent hours of one network merge, with both reasons; its whole span is flagged as dominant (46 %)',
      [row('x', 31, 100), row('x', 32, 300, 50), row('x', 34, 120)],
      [
        ['x', 34, 35, 120, ['above_usual']],
        ['x', 31, 35, 520, ['dominant']],
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
    const quarantines = [quarantine(1, 31, 33), quarantine(2, 40, 41, 5), quarantine(3, 40, 40.5)];
    const view = analyseTraffic(rows, WINDOW, quarantines);
    expect(view.bursts.map((b) => [b.fromHour - H0, b.coveredBy, b.heldBy])).toEqual([
      [40, null, null], // restored, or covering part of it only
      [31, null, null], // x's whole span (a third of the votes): dominant, and only partly quarantined
      [31, 1, 1], // no count of votes left given: held
    ]);
    // Votes of x cast in 31–33 after the quarantine still count: no longer held, 3 to quarantine.
    const key = burstKey({ prefixKey: 'x', fromHour: H0 + 31, toHour: H0 + 33 });
    const open = analyseTraffic(rows, WINDOW, quarantines, new Map([[key, 3]])).bursts[2]!;
    expect([open.coveredBy, open.countedLeft, open.heldBy]).toEqual([1, 3, null]);
    const held = analyseTraffic(rows, WINDOW, quarantines, new Map([[key, 0]])).bursts[2]!;
    expect([held.coveredBy, held.countedLeft, held.heldBy]).toEqual([1, 0, 1]);
  });
});

describe('the yardstick is the other networks', () => {
  /** Ten offices voting 4 at a time in every third hour (about 13 votes an hour between them). */
  const offices = Array.from({ length: 48 }, (_, hour) =>
    Array.from({ length: 10 }, (_, n) => ((hour + n) % 3 === 0 ? [row(`office-${n}`, hour, 4)] : [])).flat(),
  ).flat();
  const shape = (rows: PrefixHour[]) =>
    analyseTraffic(rows, WINDOW).bursts.map((b) => [b.prefixKey, b.fromHour - H0, b.toHour - H0, b.votes, b.reasons]);

  it('flags a patient stuffer under the budget in most hours (the attack: 93 % of 9,600 votes)', () => {
    const stuffer = Array.from({ length: 31 }, (_, h) => row('stuffer', 10 + h, 290));
    const view = analyseTraffic([...offices, ...stuffer], WINDOW);
    expect(view.usualRate).toBeGreaterThan(290); // all networks together: the stuffer's own hours
    expect(shape([...offices, ...stuffer])).toEqual([['stuffer', 10, 41, 8990, ['above_usual', 'dominant']]]);
    expect(view.bursts[0]!.usualRate).toBe(12); // the offices' median hour
  });

  it('flags a network at 3× the others in every hour by its share alone', () => {
    const steadyStuffer = Array.from({ length: 48 }, (_, h) => row('steady', h, 40));
    expect(shape([...offices, ...steadyStuffer])).toEqual([['steady', 0, 48, 1920, ['dominant']]]);
  });

  it.each([
    ['alone: no other network, no yardstick', []],
    [
      'with a few colleagues from home (under 20 other votes)',
      [row('home-1', 9, 1), row('home-2', 10, 3), row('home-3', 12, 2)],
    ],
  ])('leaves an office of 200 voting in its meeting hour unflagged %s', (_, others) => {
    expect(shape([row('office', 10, 200), ...(others as PrefixHour[])])).toEqual([]);
  });

  it('flags the same office when a real audience elsewhere gives a usual rate (a look, not a verdict)', () => {
    expect(shape([...offices, row('office', 10, 200)])).toEqual([['office', 10, 11, 200, ['above_usual']]]);
  });

  it.each([
    ['29 % of the votes', 6 * 5, 12, []],
    ['30 % of the votes', 6 * 5, 13, [['big', 0, 5, 65, ['dominant']]]],
    [`under ${DOMINANT_MIN_VOTES} votes`, 6 * 5, 9, []],
    ['only two other networks', 2, 65, []],
  ])('dominance: %s', (_, otherCount, perHour, expected) => {
    // `otherCount` networks share 150 votes in hours 0–4; `big` casts `perHour` in each of them.
    const others = Array.from({ length: otherCount }, (_, n) =>
      Array.from({ length: 5 }, (_, h) => row(`o${n}`, h, 150 / otherCount / 5)),
    ).flat();
    const big = Array.from({ length: 5 }, (_, h) => row('big', h, perHour));
    expect(shape([...others, ...big])).toEqual(expected);
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
