import { describe, expect, it } from 'vitest';
import { DAY_MS, type DayCounts } from '@/lib/store';
import { isoDay, MAX_TREND_POINTS, parseTrendInterval, periodStart, trendPoints } from '@/lib/trend';
import { codeOf } from '../support/errors';
import { optionRecords, pollRecord } from '../support/records';

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const poll = pollRecord({ options: optionRecords(['a', 'b']) });
const [A, B] = poll.options.map((o) => o.id) as [number, number];
const counts = (iso: string, a: number, b: number): DayCounts => ({
  day: dayOf(iso),
  responses: a + b,
  optionVotes: new Map([
    [A, a],
    [B, b],
  ]),
});

describe('periodStart', () => {
  it.each([
    ['2026-11-02', '2026-11-02'], // a Monday
    ['2026-11-08', '2026-11-02'], // the Sunday after
    ['2026-11-09', '2026-11-09'],
    ['1970-01-01', '1969-12-29'], // the epoch was a Thursday
  ])('the week of %s starts on %s', (day, monday) => {
    expect(isoDay(periodStart(dayOf(day), 'week'))).toBe(monday);
    expect(periodStart(dayOf(day), 'day')).toBe(dayOf(day));
  });
});

describe('trendPoints', () => {
  const days = [counts('2026-11-02', 3, 1), counts('2026-11-04', 0, 2), counts('2026-11-10', 5, 5)];

  it('lists every day from the first vote to the last day, empty days with n = 0', () => {
    const points = trendPoints(poll, 'day', dayOf('2026-11-02'), days, dayOf('2026-11-11'));
    expect(points.map((p) => p.start)).toEqual([
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
      '2026-11-07',
      '2026-11-08',
      '2026-11-09',
      '2026-11-10',
      '2026-11-11',
    ]);
    expect(points[0]).toMatchObject({
      n: 4,
      options: [
        { key: 'a', votes: 3, share: 0.75 },
        { key: 'b', votes: 1 },
      ],
    });
    expect(points[1]).toMatchObject({ n: 0, options: [{ votes: 0, share: 0, ci95: { low: 0, high: 1 } }, {}] });
  });

  it('sums days into ISO weeks; votes over all points equal the totals', () => {
    const points = trendPoints(poll, 'week', dayOf('2026-11-02'), days, dayOf('2026-11-11'));
    expect(points.map((p) => [p.start, p.n])).toEqual([
      ['2026-11-02', 6],
      ['2026-11-09', 10],
    ]);
    const sum = (key: string) => points.reduce((s, p) => s + p.options.find((o) => o.key === key)!.votes, 0);
    expect([sum('a'), sum('b')]).toEqual([8, 8]);
  });

  it('keeps only the 180 most recent periods', () => {
    const points = trendPoints(poll, 'day', dayOf('2026-01-01'), [], dayOf('2026-11-30'));
    expect(points).toHaveLength(MAX_TREND_POINTS);
    expect(points.at(-1)!.start).toBe('2026-11-30');
  });

  it('is empty without votes', () => {
    expect(trendPoints(poll, 'day', null, [], dayOf('2026-11-30'))).toEqual([]);
  });
});

describe('parseTrendInterval', () => {
  it.each([
    ['', 'day'],
    ['interval=day', 'day'],
    ['interval=week', 'week'],
  ])('%s → %s', (query, interval) => {
    expect(parseTrendInterval(new URLSearchParams(query))).toBe(interval);
  });
  it.each(['interval=month', 'interval=', 'interval=day&interval=week', 'interval=DAY'])('%s is refused', (query) => {
    expect(codeOf(() => parseTrendInterval(new URLSearchParams(query)))).toBe('invalid_body');
  });
});
