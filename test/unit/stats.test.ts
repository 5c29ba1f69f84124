import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newcombeDifference, optionStatistics, share, wilsonInterval, Z_95 } from '@/lib/stats';

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

describe('newcombeDifference', () => {
  // Published values: Newcombe (1998), "Interval estimation for the difference between independent
  // proportions", Table II, method 10 (hybrid score, from the two Wilson intervals), 4 decimals.
  it.each([
    { k1: 56, n1: 70, k2: 48, n2: 80, value: 0.2, low: 0.0524, high: 0.3339 },
    { k1: 9, n1: 10, k2: 3, n2: 10, value: 0.6, low: 0.1705, high: 0.809 },
    { k1: 5, n1: 56, k2: 0, n2: 29, value: 0.0893, low: -0.0381, high: 0.1926 },
    { k1: 10, n1: 10, k2: 0, n2: 20, value: 1, low: 0.6791, high: 1 },
  ])('$k1/$n1 − $k2/$n2 = $value [$low, $high] as Newcombe publishes', ({ k1, n1, k2, n2, value, low, high }) => {
    const d = newcombeDifference(k1, n1, k2, n2)!;
    expect(d.value).toBeCloseTo(value, 4);
    expect(d.ci95.low).toBeCloseTo(low, 4);
    expect(d.ci95.high).toBeCloseTo(high, 4);
  });

  it.each([
    // 0/n against 0/m: no difference seen, an interval on both sides of it.
    { name: '0/10 vs 0/20', k1: 0, n1: 10, k2: 0, n2: 20, value: 0 },
    // n/n against m/m: the same, from the top.
    { name: '10/10 vs 20/20', k1: 10, n1: 10, k2: 20, n2: 20, value: 0 },
    // n/n against 0/m: the largest difference, +1, its interval closed at 1.
    { name: '7/7 vs 0/9', k1: 7, n1: 7, k2: 0, n2: 9, value: 1 },
    // 0/n against m/m: the −1 side, its interval closed at −1.
    { name: '0/7 vs 9/9', k1: 0, n1: 7, k2: 9, n2: 9, value: -1 },
  ])('edge $name: value $value, interval around it inside [−1, 1]', ({ k1, n1, k2, n2, value }) => {
    const d = newcombeDifference(k1, n1, k2, n2)!;
    expect(d.value).toBe(value);
    expect(d.ci95.low).toBeLessThanOrEqual(value);
    expect(d.ci95.high).toBeGreaterThanOrEqual(value);
    expect(d.ci95.low).toBeGreaterThanOrEqual(-1);
    expect(d.ci95.high).toBeLessThanOrEqual(1);
    if (value === 1) expect(d.ci95.high).toBe(1);
    if (value === -1) expect(d.ci95.low).toBe(-1);
    if (value === 0) {
      expect(d.ci95.low).toBeLessThan(0);
      expect(d.ci95.high).toBeGreaterThan(0);
    }
  });

  it('is exactly Newcombe 10/10 − 0/20 mirrored on the −1 side', () => {
    const d = newcombeDifference(0, 20, 10, 10)!;
    expect(d.value).toBe(-1);
    expect(d.ci95.low).toBe(-1);
    expect(d.ci95.high).toBeCloseTo(-0.6791, 4);
  });

  it.each([
    [0, 0, 3, 10],
    [3, 10, 0, 0],
    [0, 0, 0, 0],
  ])('is null when a group is empty (%s/%s vs %s/%s): nothing to compare with', (k1, n1, k2, n2) => {
    expect(newcombeDifference(k1, n1, k2, n2)).toBeNull();
  });

  it.each([
    [11, 10, 0, 5],
    [-1, 10, 0, 5],
    [1, 10, 6, 5],
    [0.5, 10, 0, 5],
  ])('refuses impossible counts %s/%s vs %s/%s', (k1, n1, k2, n2) => {
    expect(() => newcombeDifference(k1, n1, k2, n2)).toThrow(RangeError);
  });

  it('is symmetric: swapping the groups negates the value and mirrors the interval', () => {
    const a = newcombeDifference(56, 70, 48, 80)!;
    const b = newcombeDifference(48, 80, 56, 70)!;
    expect(b.value).toBeCloseTo(-a.value, 12);
    expect(b.ci95.low).toBeCloseTo(-a.ci95.high, 12);
    expect(b.ci95.high).toBeCloseTo(-a.ci95.low, 12);
  });

  const groups = fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 })).chain(([n1, n2]) =>
    fc.record({
      n1: fc.constant(n1),
      n2: fc.constant(n2),
      k1: fc.integer({ min: 0, max: n1 }),
      k2: fc.integer({ min: 0, max: n2 }),
    }),
  );

  it('always holds its point estimate, stays inside [−1, 1], and mirrors when swapped (property)', () => {
    fc.assert(
      fc.property(groups, ({ k1, n1, k2, n2 }) => {
        const d = newcombeDifference(k1, n1, k2, n2)!;
        const swapped = newcombeDifference(k2, n2, k1, n1)!;
        const finite = [d.value, d.ci95.low, d.ci95.high].every(Number.isFinite);
        return (
          finite &&
          d.value === k1 / n1 - k2 / n2 &&
          -1 <= d.ci95.low &&
          d.ci95.low <= d.value &&
          d.value <= d.ci95.high &&
          d.ci95.high <= 1 &&
          Math.abs(swapped.value + d.value) < 1e-12 &&
          Math.abs(swapped.ci95.low + d.ci95.high) < 1e-12 &&
          Math.abs(swapped.ci95.high + d.ci95.low) < 1e-12
        );
      }),
      { numRuns: 2000 },
    );
  });
});
