/**
 * Small-cell suppression for breakdowns (SPEC.md, "Breakdowns with small-cell suppression"):
 * which segments' numbers may be shown so that no reader can single out a small group of
 * respondents. Pure and table-tested; the property test in test/unit/suppression.property.test.ts
 * shows that no hidden segment can be recovered by subtraction within one response.
 */

/** The smallest and largest K an operator may set (SEGMENT_MIN_N). */
export const MIN_CELL_SIZE_RANGE = { min: 3, max: 1000 } as const;

/** Whether a whole cross-section is too small to break down at all: fewer than K respondents. */
export const crossSectionTooSmall = (respondents: number, minCellSize: number) => respondents < minCellSize;

/**
 * For segments with these respondent counts (every segment of the dimension, empty ones
 * included), which to hide:
 *
 * 1. every segment with fewer than K respondents — empty ones too, so an empty segment and a
 *    small one look the same;
 * 2. complementary suppression: the total minus the shown segments is what the hidden ones hold
 *    together, so that remainder must itself be a group of K or more (or nobody). When the
 *    hidden segments hold between 1 and K − 1 respondents, the smallest shown segment is hidden
 *    as well (the first of equals, for a stable answer). This covers the contract's case —
 *    exactly one hidden segment with respondents, which the subtraction would reveal — and also
 *    two hidden segments of 1 each: a remainder of 2 that no lone segment could leave (it would
 *    have pulled a shown one in) tells a reader both hold exactly one respondent, and an option
 *    chosen by 2 of the remainder what each of them chose.
 *
 * One shown segment is enough: it holds K or more, so afterwards the hidden ones hold more than
 * K, in at least two segments. With no shown segment left the whole cross-section is under K,
 * which crossSectionTooSmall hides entirely.
 */
export function suppressedSegments(respondents: readonly number[], minCellSize: number): boolean[] {
  const hidden = respondents.map((n) => n < minCellSize);
  const hiddenTotal = respondents.reduce((sum, n, i) => (hidden[i] ? sum + n : sum), 0);
  if (hiddenTotal > 0 && hiddenTotal < minCellSize) {
    let smallest = -1;
    respondents.forEach((n, i) => {
      if (!hidden[i] && (smallest === -1 || n < respondents[smallest]!)) smallest = i;
    });
    if (smallest !== -1) hidden[smallest] = true;
  }
  return hidden;
}
