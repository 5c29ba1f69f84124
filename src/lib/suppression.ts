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
 * 2. complementary suppression: when exactly one hidden segment has respondents, the total minus
 *    the shown segments would reveal it, so the smallest shown segment is hidden as well (the
 *    first of equals, for a stable answer). Two or more hidden segments with respondents only
 *    ever reveal their sum.
 */
export function suppressedSegments(respondents: readonly number[], minCellSize: number): boolean[] {
  const hidden = respondents.map((n) => n < minCellSize);
  const hiddenWithRespondents = respondents.filter((n, i) => hidden[i] && n > 0).length;
  if (hiddenWithRespondents === 1) {
    let smallest = -1;
    respondents.forEach((n, i) => {
      if (!hidden[i] && (smallest === -1 || n < respondents[smallest]!)) smallest = i;
    });
    if (smallest !== -1) hidden[smallest] = true;
  }
  return hidden;
}
