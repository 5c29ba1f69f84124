import { describe, expect, it } from 'vitest';
import { optionStatistics, share, wilsonInterval, Z_95 } from '@/lib/stats';

describe('wilsonInterval', () => {
  // Published values: Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I.
  it.each([
    { k: 81, n: 263, low: 0.2553, high: 0.3662 },
    { k: 15, n: 148, low: 0.0624, high: 0.1605 },
    { k: 0, n: 20, low: 0, high: 0.1611 },
    { k: 1, n: 29, low: 0.0061, high: 0.1718 },
  ])('$k/$n matches Newcombe: $low–$high', ({ k, n, low, high }) => {
    const interval = wilsonInterval(k, n);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it.each([
    { k: 0, n: 1 },
    { k: 0, n: 291 },
    { k: 5, n: 5 },
    { k: 20, n: 20 },
  ])('is exact at the edges for $k/$n', ({ k, n }) => {
    const interval = wilsonInterval(k, n);
    if (k === 0) expect(interval.low).toBe(0);
    if (k === n) expect(interval.high).toBe(1);
    expect(interval.low).toBeLessThanOrEqual(k / n);
    expect(interval.high).toBeGreaterThanOrEqual(k / n);
  });

  it('mirrors: the interval of n-k is 1 minus the interval of k', () => {
    const a = wilsonInterval(81, 263);
    const b = wilsonInterval(263 - 81, 263);
    expect(b.low).toBeCloseTo(1 - a.high, 12);
    expect(b.high).toBeCloseTo(1 - a.low, 12);
  });

  it('covers everything when nobody answered', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('uses the contract z', () => {
    expect(Z_95).toBe(1.959964);
  });

  it.each([
    [-1, 10],
    [11, 10],
    [1.5, 10],
    [1, Number.NaN],
  ])('refuses impossible counts %s/%s', (k, n) => {
    expect(() => wilsonInterval(k, n)).toThrow(RangeError);
  });
});

describe('share', () => {
  it.each([
    { votes: 0, n: 0, expected: 0 },
    { votes: 0, n: 10, expected: 0 },
    { votes: 10, n: 10, expected: 1 },
    { votes: 1, n: 3, expected: 1 / 3 },
  ])('$votes/$n = $expected', ({ votes, n, expected }) => {
    expect(share(votes, n)).toBe(expected);
  });
});

describe('optionStatistics', () => {
  it('divides by respondents, so multiple-choice shares may sum above 1', () => {
    const stats = optionStatistics(
      [
        { key: 'a', label: 'A', votes: 8 },
        { key: 'b', label: 'B', votes: 6 },
      ],
      10,
    );
    expect(stats.map((s) => s.share)).toEqual([0.8, 0.6]);
    expect(stats[0]!.ci95).toEqual(wilsonInterval(8, 10));
  });

  it('keeps ties and zero-vote options', () => {
    const stats = optionStatistics(
      [
        { key: 'a', label: 'A', votes: 5 },
        { key: 'b', label: 'B', votes: 5 },
        { key: 'c', label: 'C', votes: 0 },
      ],
      10,
    );
    expect(stats[0]!.ci95).toEqual(stats[1]!.ci95);
    expect(stats[2]).toMatchObject({ share: 0, ci95: { low: 0 } });
  });
});
