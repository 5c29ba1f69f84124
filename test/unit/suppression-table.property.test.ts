/**
 * Suppression across views (suppressedTable): random two-way tables, K and hidden totals. What a
 * reader has is every row total and column total the plain breakdowns show, the grand total and
 * every shown cell; what must hold is that repeatedly solving any row or column with a single
 * unknown (its total minus its known cells) never yields a hidden cell, so no small group is
 * ever pinned down by combining views. Linear algebra over many unknowns at once, bounds and
 * views over time are out of scope (see README, "Limits").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suppressedSegments, suppressedTable } from '@/lib/suppression';

const table = fc
  .record({
    rows: fc.integer({ min: 2, max: 6 }),
    cols: fc.integer({ min: 2, max: 6 }),
    K: fc.integer({ min: 3, max: 12 }),
  })
  .chain(({ rows, cols, K }) =>
    fc.record({
      K: fc.constant(K),
      // Mostly small numbers, so small cells are common; some large ones.
      cells: fc.array(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 40 })), {
          minLength: cols,
          maxLength: cols,
        }),
        {
          minLength: rows,
          maxLength: rows,
        },
      ),
    }),
  );

describe('suppressedTable (property)', () => {
  it('leaves no row or column with a single unknown a reader could solve for', () => {
    let protectedTables = 0;
    fc.assert(
      fc.property(table, ({ cells, K }) => {
        const rowTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
        const colTotals = cells[0]!.map((_, c) => cells.reduce((sum, row) => sum + row[c]!, 0));
        const rowHidden = suppressedSegments(rowTotals, K);
        const colHidden = suppressedSegments(colTotals, K);
        const pattern = suppressedTable(cells, rowHidden, colHidden, K);
        if (pattern === 'all') return true;
        protectedTables++;
        cells.forEach((row, r) =>
          row.forEach((n, c) => {
            if (n < K || rowHidden[r] || colHidden[c]) expect(pattern[r]![c]).toBe(true);
          }),
        );
        // The reader's propagation: known cells and shown totals; solve lines with one unknown.
        const known = cells.map((row, r) => row.map((n, c) => (pattern[r]![c] ? null : n)));
        const rowKnown = rowTotals.map((n, r) => (rowHidden[r] ? null : n));
        const colKnown = colTotals.map((n, c) => (colHidden[c] ? null : n));
        for (let changed = true; changed;) {
          changed = false;
          const solve = (total: number | null, at: [number, number][]) => {
            const unknown = at.filter(([r, c]) => known[r]![c] === null);
            if (total === null || unknown.length !== 1) return;
            const [r, c] = unknown[0]!;
            known[r]![c] = total - at.reduce((sum, [rr, cc]) => sum + (known[rr]![cc] ?? 0), 0);
            // Recovering an empty cell, or a group of K or more, singles nobody out.
            expect(known[r]![c]! === 0 || known[r]![c]! >= K).toBe(true);
            changed = true;
          };
          cells.forEach((row, r) =>
            solve(
              rowKnown[r]!,
              row.map((_, c): [number, number] => [r, c]),
            ),
          );
          cells[0]!.forEach((_, c) =>
            solve(
              colKnown[c]!,
              cells.map((_, r): [number, number] => [r, c]),
            ),
          );
        }
        return true;
      }),
      { numRuns: 1000 },
    );
    expect(protectedTables).toBeGreaterThan(100);
  });

  it('hides the smallest shown cell beside a lone small one, in rows and columns', () => {
    // K = 5. Row 0: 2 (small), 10, 20 → hide 10 as well; column 0 then holds 2 hidden + 30 shown:
    // 2 alone is pinned by the column total, so the column's smallest shown cell (30) goes too.
    const pattern = suppressedTable(
      [
        [2, 10, 20],
        [30, 40, 50],
      ],
      [false, false],
      [false, false, false],
      5,
    );
    expect(pattern).not.toBe('all');
    const hidden = pattern as boolean[][];
    expect(hidden[0]).toEqual([true, true, false]);
    expect(hidden[1]![0]).toBe(true);
  });
});
