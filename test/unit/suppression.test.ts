/** The small-cell suppression rules (SPEC.md, "Breakdowns with small-cell suppression"), table by table. */
import { describe, expect, it } from 'vitest';
import { crossSectionTooSmall, suppressedSegments } from '@/lib/suppression';

const K = 10;
const T = true;
const F = false;

describe('crossSectionTooSmall', () => {
  it.each([
    { n: 0, k: 10, small: true },
    { n: 9, k: 10, small: true },
    { n: 10, k: 10, small: false },
    { n: 11, k: 10, small: false },
    { n: 2, k: 3, small: true },
    { n: 3, k: 3, small: false },
  ])('$n respondents with K = $k: too small $small', ({ n, k, small }) => {
    expect(crossSectionTooSmall(n, k)).toBe(small);
  });
});

describe('suppressedSegments (K = 10)', () => {
  it.each([
    { name: 'nothing to break down', n: [], hidden: [] },
    { name: 'every segment at K or more', n: [10, 20, 30], hidden: [F, F, F] },
    // n = K − 1 is hidden, and on its own it would be the total minus the shown: complementary.
    { name: 'one segment at K − 1 and the smallest shown with it', n: [9, 20, 30], hidden: [T, T, F] },
    { name: 'n = K shows', n: [10, 10, 30, 0], hidden: [F, F, F, T] },
    { name: 'empty segments hidden, no complementary for them', n: [0, 20, 0, 30], hidden: [T, F, T, F] },
    { name: 'one small segment: the smallest shown, wherever it is', n: [3, 20, 12, 30], hidden: [T, F, T, F] },
    { name: 'one small segment among empty ones', n: [0, 1, 0, 15, 11], hidden: [T, T, T, F, T] },
    { name: 'ties: the first of equal smallest', n: [3, 15, 15, 30], hidden: [T, T, F, F] },
    { name: 'ties after the small one', n: [40, 15, 3, 15], hidden: [F, T, T, F] },
    { name: 'two small segments holding K or more: no complementary', n: [4, 6, 20, 30], hidden: [T, T, F, F] },
    { name: 'two small segments of K − 1', n: [9, 9, 20], hidden: [T, T, F] },
    { name: 'one small segment and no shown segment', n: [5, 0, 0], hidden: [T, T, T] },
    { name: 'everything below K', n: [9, 9, 9, 0], hidden: [T, T, T, T] },
    { name: 'every segment empty', n: [0, 0, 0], hidden: [T, T, T] },
    { name: 'one segment is everyone', n: [0, 0, 25, 0], hidden: [T, T, F, T] },
  ])('$name: $n', ({ n, hidden }) => {
    expect(suppressedSegments(n, K)).toEqual(hidden);
  });

  // Two hidden segments of 1 each: the total minus the shown is 2, and since a lone hidden
  // segment would have pulled a shown one in with it, a reader knows both hold exactly one
  // respondent — and, when an option's remainder is 2, what each of them chose. The hidden
  // segments must hold K or more together, as any shown group does.
  it.each([
    { name: 'two segments of 1', n: [1, 1, 20, 30], hidden: [T, T, T, F] },
    { name: 'three small segments holding K − 1', n: [3, 3, 3, 12, 40], hidden: [T, T, T, T, F] },
    { name: 'two small segments holding K − 1, ties', n: [50, 4, 5, 11, 11], hidden: [F, T, T, T, F] },
  ])('small segments holding fewer than K together: the smallest shown goes too ($name)', ({ n, hidden }) => {
    expect(suppressedSegments(n, K)).toEqual(hidden);
  });

  it('with K = 3 hides 1 and 2 and shows 3', () => {
    expect(suppressedSegments([1, 2, 3, 4], 3)).toEqual([T, T, F, F]);
    expect(suppressedSegments([2, 3, 4], 3)).toEqual([T, T, F]);
  });

  it('never leaves exactly one hidden segment with respondents, nor fewer than K hidden respondents, while any shows', () => {
    for (const n of [
      [1, 10],
      [9, 10, 10],
      [1, 1, 1, 1, 100],
      [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17],
    ]) {
      const hidden = suppressedSegments(n, K);
      const hiddenWithRespondents = n.filter((v, i) => hidden[i] && v > 0);
      const hiddenTotal = hiddenWithRespondents.reduce((a, b) => a + b, 0);
      expect(hiddenWithRespondents.length).not.toBe(1);
      expect(hiddenTotal === 0 || hiddenTotal >= K).toBe(true);
    }
  });
});
