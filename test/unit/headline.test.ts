import { describe, expect, it } from 'vitest';
import { resultsHeadline } from '@/lib/headline';
import { includesZero, leaderDifference } from '@/lib/stats';

describe('leaderDifference', () => {
  // Worked by hand: p = (k + 1) / (n + 2); var = (p1 + p2 − (p1 − p2)² − 2·overlap) / (n + 2);
  // interval = p1 − p2 ± 1.959964·√var, clamped to [−1, 1].
  it.each([
    // 37/99 and 33/99: var = (0.70707 − 0.00163) / 99 = 0.0071257 → 0.0404 ± 0.1655
    { name: 'demo tool poll 36 v 32 of 97', k1: 36, k2: 32, n: 97, type: 'single', low: -0.125, high: 0.2059 },
    // 61/102 and 21/102: var = (0.80392 − 0.15379) / 102 = 0.0063738 → 0.3922 ± 0.1565
    { name: 'clear leader 60 v 20 of 100', k1: 60, k2: 20, n: 100, type: 'single', low: 0.2357, high: 0.5486 },
    // 37/99 and 25/99: var = (0.62626 − 0.01469) / 99 = 0.0061774 → 0.1212 ± 0.1540
    { name: 'close 36 v 24 of 97', k1: 36, k2: 24, n: 97, type: 'single', low: -0.0328, high: 0.2753 },
    // n = 0: p = ½ each, var = 1/2 → 0 ± 1.386, clamped
    { name: 'no responses', k1: 0, k2: 0, n: 0, type: 'single', low: -1, high: 1 },
    // 2/3 and 1/3: var = (1 − 1/9) / 3 = 0.29630 → 0.3333 ± 1.0669
    { name: 'one response', k1: 1, k2: 0, n: 1, type: 'single', low: -0.7335, high: 1 },
    // 6/12 each: var = 1 / 12 → 0 ± 0.5658
    { name: 'a tie 5 v 5 of 10', k1: 5, k2: 5, n: 10, type: 'single', low: -0.5658, high: 0.5658 },
    // 10/12 and 9/12 overlap at least 7/12: var = (1.58333 − 0.00694 − 1.16667) / 12 = 0.034144 → 0.0833 ± 0.3622
    { name: 'multiple 9 v 8 of 10', k1: 9, k2: 8, n: 10, type: 'multiple', low: -0.2788, high: 0.4455 },
    // 31/42 and 11/42 sum to 1: no forced overlap, same as single → 0.4762 ± 0.2659
    { name: 'multiple 30 v 10 of 40', k1: 30, k2: 10, n: 40, type: 'multiple', low: 0.2103, high: 0.7421 },
  ] as const)('$name: $low to $high', ({ k1, k2, n, type, low, high }) => {
    const { ci95 } = leaderDifference(k1, k2, n, type);
    expect(ci95.low).toBeCloseTo(low, 4);
    expect(ci95.high).toBeCloseTo(high, 4);
  });

  it('reports the observed difference, not the adjusted one', () => {
    expect(leaderDifference(60, 20, 100, 'single').difference).toBeCloseTo(0.4, 12);
  });

  it('refuses impossible counts', () => {
    expect(() => leaderDifference(6, 5, 10, 'single')).toThrow(RangeError);
    expect(() => leaderDifference(11, 0, 10, 'multiple')).toThrow(RangeError);
    expect(() => leaderDifference(1.5, 0, 10, 'single')).toThrow(RangeError);
  });

  it.each([
    { interval: { low: -0.1, high: 0.2 }, expected: true },
    { interval: { low: 0, high: 0.2 }, expected: true },
    { interval: { low: 0.01, high: 0.2 }, expected: false },
  ])('includesZero($interval) is $expected', ({ interval, expected }) => {
    expect(includesZero(interval)).toBe(expected);
  });
});

const opts = (...pairs: [string, number][]) => {
  const n = pairs.reduce((sum, [, votes]) => sum + votes, 0);
  return { n, options: pairs.map(([label, votes]) => ({ label, votes, share: n === 0 ? 0 : votes / n })) };
};

describe('resultsHeadline', () => {
  it.each([
    {
      name: 'n = 0',
      type: 'single',
      ...opts(['A', 0], ['B', 0]),
      kind: 'empty',
      text: 'No responses yet.',
      small: false,
    },
    {
      name: 'n = 1: never a leader, and the small-sample note',
      type: 'single',
      ...opts(['Yes', 1], ['No', 0]),
      kind: 'too_close',
      text: 'Yes (100%) and No (0%) are too close to call, with 1 response.',
      small: true,
    },
    {
      name: 'an exact tie',
      type: 'single',
      ...opts(['Go', 5], ['Rust', 5], ['Zig', 2]),
      kind: 'tied',
      text: 'Go and Rust are tied at 42% each of 12 responses.',
      small: true,
    },
    {
      name: 'demo tool poll: the leaders are too close',
      type: 'single',
      ...opts(['Microsoft Project', 32], ['Smartsheet', 36], ['Monday.com', 12], ['Trello', 17]),
      kind: 'too_close',
      text: 'Smartsheet (37%) and Microsoft Project (33%) are too close to call, with 97 responses.',
      small: false,
    },
    {
      name: 'a clear leader, listed last',
      type: 'single',
      ...opts(['Trello', 20], ['Smartsheet', 60], ['Other', 20]),
      kind: 'leader',
      text: 'Smartsheet leads with 60% of 100 responses.',
      small: false,
    },
    {
      name: 'a clear leader among few: leads, with the note',
      type: 'single',
      ...opts(['Yes', 20], ['No', 2]),
      kind: 'leader',
      text: 'Yes leads with 91% of 22 responses.',
      small: true,
    },
  ] as const)('$name', ({ type, n, options, kind, text, small }) => {
    const headline = resultsHeadline({ type, totalResponses: n, options });
    expect(headline.kind).toBe(kind);
    expect(headline.text).toBe(text);
    expect(headline.smallSample !== null).toBe(small);
  });

  it('multiple choice: shares of respondents, conservative about overlap', () => {
    const options = [
      { label: 'Go', votes: 9, share: 0.9 },
      { label: 'Rust', votes: 8, share: 0.8 },
    ];
    expect(resultsHeadline({ type: 'multiple', totalResponses: 10, options }).text).toBe(
      'Go (90%) and Rust (80%) are too close to call, with 10 responses.',
    );
    const clear = [
      { label: 'Go', votes: 30, share: 0.75 },
      { label: 'Rust', votes: 10, share: 0.25 },
      { label: 'Zig', votes: 10, share: 0.25 },
    ];
    expect(resultsHeadline({ type: 'multiple', totalResponses: 40, options: clear }).text).toBe(
      'Go leads with 75% of 40 responses.',
    );
  });

  it('says how few answered below 30 responses', () => {
    const { smallSample } = resultsHeadline({
      type: 'single',
      ...{ totalResponses: 29 },
      options: opts(['A', 29], ['B', 0]).options,
    });
    expect(smallSample).toBe('Only 29 responses so far: with this few, shares will move a lot as more people answer.');
    expect(
      resultsHeadline({ type: 'single', totalResponses: 30, options: opts(['A', 30], ['B', 0]).options }).smallSample,
    ).toBeNull();
  });
});
