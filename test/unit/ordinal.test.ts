import { describe, expect, it } from 'vitest';
import { ordinalSummary, type OrdinalOption } from '@/lib/ordinal';
import { wilsonInterval } from '@/lib/stats';

/** The SPEC.md buckets: 0–10, 10–20, …, 70–80, 80–100. */
const RANGES = [0, 10, 20, 30, 40, 50, 60, 70, 80].map((low, i) => ({ low, high: i === 8 ? 100 : low + 10 }));
const KEYS = ['lt-10', '10-20', '21-30', '31-40', '41-50', '51-60', '61-70', '71-80', 'gt-80'];

const scale = (votes: number[], ranges: (OrdinalOption['range'] | undefined)[] = RANGES): OrdinalOption[] =>
  votes.map((v, i) => ({ key: KEYS[i]!, votes: v, range: ranges[i] }));

describe('ordinalSummary', () => {
  it('reproduces the worked example of SPEC.md (n = 97)', () => {
    const summary = ordinalSummary(scale([21, 34, 28, 7, 4, 2, 0, 0, 1]));
    expect(summary.medianKey).toBe('10-20');
    expect(summary.median).toBeCloseTo(18.09, 2);
    expect(summary.medianCi95!.low).toBeCloseTo(15.0, 2);
    expect(summary.medianCi95!.high).toBeCloseTo(21.43, 2);
    expect(summary.cumulative[0]).toEqual({
      key: 'lt-10',
      atMost: { share: 21 / 97, ci95: wilsonInterval(21, 97) },
      atLeast: { share: 1, ci95: wilsonInterval(97, 97) },
    });
    expect(summary.cumulative[2]!.atMost.share).toBeCloseTo(83 / 97, 12);
    expect(summary.cumulative[8]).toMatchObject({ atMost: { share: 1 }, atLeast: { share: 1 / 97 } });
  });

  it.each<[string, number[], string | null, number | null, [number, number] | null]>([
    ['nobody answered', [0, 0, 0, 0, 0, 0, 0, 0, 0], null, null, null],
    // n = 1: the median is the middle of the bucket; both ranks name the one respondent (the top).
    ['one respondent', [0, 1, 0, 0, 0, 0, 0, 0, 0], '10-20', 15, [15, 20]],
    // n = 40: ranks floor(20 − 6.198) = 13 and ceil(26.198) = 27 → 13/40 × 10 and 27/40 × 10.
    ['everyone in the first bucket', [40, 0, 0, 0, 0, 0, 0, 0, 0], 'lt-10', 5, [3.25, 6.75]],
    // n = 10: ranks floor(5 − 3.099) = 1 and ceil(8.099) = 9 in 80–100 → 82 and 98.
    ['everyone in the open last bucket (80–100)', [0, 0, 0, 0, 0, 0, 0, 0, 10], 'gt-80', 90, [82, 98]],
    // Rank 9 lies in the second bucket: 10 + (9 − 5) / 5 × 10 = 18.
    ['an even split lands on the first bucket reaching n/2', [5, 5, 0, 0, 0, 0, 0, 0, 0], 'lt-10', 10, [2, 18]],
  ])('%s', (_name, votes, medianKey, median, interval) => {
    const summary = ordinalSummary(scale(votes));
    expect(summary.medianKey).toBe(medianKey);
    if (median === null) expect(summary.median).toBeNull();
    else expect(summary.median).toBeCloseTo(median, 9);
    if (interval === null) expect(summary.medianCi95).toBeNull();
    else {
      expect(summary.medianCi95!.low).toBeCloseTo(interval[0], 9);
      expect(summary.medianCi95!.high).toBeCloseTo(interval[1], 9);
    }
  });

  it('gives the median option but no number when a bucket has no range', () => {
    const ranges = [...RANGES.slice(0, 8), null];
    const summary = ordinalSummary(scale([21, 34, 28, 7, 4, 2, 0, 0, 1], ranges));
    expect(summary).toMatchObject({ medianKey: '10-20', median: null, medianCi95: null });
    expect(summary.cumulative).toHaveLength(9);
  });

  it('gives cumulative shares of 0 with the whole-range interval when nobody answered', () => {
    const summary = ordinalSummary(scale([0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(summary.cumulative.every((c) => c.atMost.share === 0 && c.atMost.ci95.high === 1)).toBe(true);
  });
});
