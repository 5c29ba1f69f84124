import { describe, expect, it } from 'vitest';
import { ratingSummary, studentQuantile } from '@/lib/rating';

describe('studentQuantile', () => {
  // Two-sided 95 % critical values from standard t tables.
  it.each([
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [5, 2.5706],
    [10, 2.2281],
    [29, 2.0452],
    [30, 2.0423],
    [100, 1.984],
    [1000, 1.9623],
  ])('t(0.975, %i) = %f', (df, t) => {
    expect(studentQuantile(0.975, df)).toBeCloseTo(t, 3);
  });
});

describe('ratingSummary', () => {
  it('works a small case by hand: 1, 2, 2, 3, 5 on a 1–5 scale', () => {
    // mean 13/5 = 2.6; deviations −1.6, −0.6, −0.6, 0.4, 2.4 → squares sum 9.2; sd = √(9.2/4) = 1.5166;
    // half-width t(0.975, 4) = 2.7764 × 1.5166 / √5 = 1.8831.
    const summary = ratingSummary([
      { value: 1, votes: 1 },
      { value: 2, votes: 2 },
      { value: 3, votes: 1 },
      { value: 4, votes: 0 },
      { value: 5, votes: 1 },
    ]);
    expect(summary.mean).toBeCloseTo(2.6, 12);
    expect(summary.median).toBe(2);
    expect(summary.sd).toBeCloseTo(1.516575, 5);
    expect(summary.ci95!.low).toBeCloseTo(2.6 - 1.8831, 3);
    expect(summary.ci95!.high).toBeCloseTo(2.6 + 1.8831, 3);
  });

  it('takes the mean of the two middle answers for an even n', () => {
    expect(
      ratingSummary([
        { value: 0, votes: 1 },
        { value: 7, votes: 1 },
        { value: 10, votes: 2 },
      ]).median,
    ).toBe(8.5);
  });

  it('has no interval or sd for one answer, and nothing for none', () => {
    expect(ratingSummary([{ value: 4, votes: 1 }])).toEqual({ mean: 4, ci95: null, median: 4, sd: null });
    expect(ratingSummary([{ value: 4, votes: 0 }])).toEqual({ mean: null, ci95: null, median: null, sd: null });
  });

  it('gives a zero-width interval when everyone agrees', () => {
    const summary = ratingSummary([{ value: 3, votes: 20 }]);
    expect(summary).toMatchObject({ mean: 3, median: 3, sd: 0, ci95: { low: 3, high: 3 } });
  });
});
