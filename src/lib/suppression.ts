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

/**
 * What a reader can work out from a two-way table's views: the shown cells, the row and column
 * totals the plain breakdowns show, and the grand total, by solving again and again every sum
 * with one unknown (a row = its cells, a column = its cells, all rows = all columns = the total).
 * Returns whether any hidden cell or hidden total holding 1…K−1 people comes out.
 */
export function revealsSmallGroup(
  cells: readonly (readonly number[])[],
  hidden: readonly (readonly boolean[])[],
  rowHidden: readonly boolean[],
  colHidden: readonly boolean[],
  minCellSize: number,
): boolean {
  const rowTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = (cells[0] ?? []).map((_, c) => cells.reduce((sum, row) => sum + row[c]!, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  // Unknowns by name: "r,c" cells, "R r" and "C c" totals; known values are the shown ones.
  const actual = new Map<string, number>();
  const known = new Map<string, number>();
  cells.forEach((row, r) =>
    row.forEach((n, c) => {
      actual.set(`${r},${c}`, n);
      if (!hidden[r]![c]) known.set(`${r},${c}`, n);
    }),
  );
  rowTotals.forEach((n, r) => {
    actual.set(`R${r}`, n);
    if (!rowHidden[r]) known.set(`R${r}`, n);
  });
  colTotals.forEach((n, c) => {
    actual.set(`C${c}`, n);
    if (!colHidden[c]) known.set(`C${c}`, n);
  });
  // Each sum: the named total (or the grand total) equals its parts.
  const sums: { whole: string | number; parts: string[] }[] = [
    ...cells.map((row, r) => ({ whole: `R${r}`, parts: row.map((_, c) => `${r},${c}`) })),
    ...colTotals.map((_, c) => ({ whole: `C${c}`, parts: cells.map((_, r) => `${r},${c}`) })),
    { whole: total, parts: rowTotals.map((_, r) => `R${r}`) },
    { whole: total, parts: colTotals.map((_, c) => `C${c}`) },
  ];
  for (let changed = true; changed;) {
    changed = false;
    for (const { whole, parts } of sums) {
      const names = typeof whole === 'string' ? [whole, ...parts] : parts;
      const unknown = names.filter((name) => !known.has(name));
      if (unknown.length !== 1) continue;
      const name = unknown[0]!;
      const n = actual.get(name)!;
      if (n > 0 && n < minCellSize) return true;
      known.set(name, n);
      changed = true;
    }
  }
  return false;
}

/**
 * Suppression across views: the two-way table of answers to two questions (rows × columns,
 * "not stated" included) as `?by=` one of them `&where=` the other shows it, one row or column
 * per view. One view at a time is safe by the rules above, but views can be combined: a row's
 * total is public in the plain breakdown by the row's question, so the row's shown cells
 * subtracted from it would reveal a lone hidden cell (and columns likewise). The pattern:
 *
 * 1. a cell with fewer than K respondents is hidden, and so is every cell of a row or column
 *    whose own total is hidden in its plain breakdown (`rowHidden`, `colHidden`);
 * 2. in every row and column whose total is shown, the hidden cells must hold nobody, or at
 *    least two groups with respondents and K or more together; otherwise the smallest shown
 *    cell of that line is hidden too, and the check runs again over every line until none needs
 *    more. Shown cells always hold K or more, so each step hides real respondents.
 *
 * A line may need more cells than it shows (its hidden cells are what its column or row hides);
 * the pattern is then checked by solving it as a reader would (revealsSmallGroup), and when
 * that would single out a group of 1…K−1 the answer is 'all': every view combining the two
 * questions is hidden.
 * Callers compute it in one orientation (rows = the question that sorts first), so `by=A&where=B`
 * and `by=B&where=A` hide the same cells.
 */
export function suppressedTable(
  cells: readonly (readonly number[])[],
  rowHidden: readonly boolean[],
  colHidden: readonly boolean[],
  minCellSize: number,
): boolean[][] | 'all' {
  const hidden = cells.map((row, r) => row.map((n, c) => n < minCellSize || rowHidden[r]! || colHidden[c]!));
  const lines: { shown: boolean; at: [number, number][] }[] = [
    ...cells.map((row, r) => ({ shown: !rowHidden[r], at: row.map((_, c): [number, number] => [r, c]) })),
    ...(cells[0] ?? []).map((_, c) => ({ shown: !colHidden[c], at: cells.map((_, r): [number, number] => [r, c]) })),
  ];
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      if (!line.shown) continue;
      const hiddenAt = line.at.filter(([r, c]) => hidden[r]![c]);
      const held = hiddenAt.reduce((sum, [r, c]) => sum + cells[r]![c]!, 0);
      const groups = hiddenAt.filter(([r, c]) => cells[r]![c]! > 0).length;
      if (held === 0 || (held >= minCellSize && groups >= 2)) continue;
      const shownAt = line.at.filter(([r, c]) => !hidden[r]![c]);
      if (shownAt.length === 0) continue;
      const [r, c] = shownAt.reduce((small, at) => (cells[at[0]]![at[1]]! < cells[small[0]]![small[1]]! ? at : small));
      hidden[r]![c] = true;
      changed = true;
    }
  }
  // A line that needed more than it could hide is safe only if the reader still cannot solve it.
  return revealsSmallGroup(cells, hidden, rowHidden, colHidden, minCellSize) ? 'all' : hidden;
}
