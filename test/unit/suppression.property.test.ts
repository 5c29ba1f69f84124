/**
 * Privacy properties of breakdowns (SPEC.md, "Breakdowns with small-cell suppression"), over
 * random polls (single and multiple choice, 2–6 options), random votes with random partial
 * profiles, random K (3–15), with and without `where`. The segment counts are computed here from
 * the votes the way the store computes them, then the breakdown is built and serialized as the
 * API sends it.
 *
 * What "cannot be recovered" means here. The reader holds ONE breakdown response (JSON, or the
 * CSV made from it), knows the rules (K, complementary suppression, catalogue order), and also
 * knows the cross-section's totals — respondents and votes per option — even when `where` hides
 * them (the page shows them, or another response does). Subtracting every shown segment from
 * those totals leaves the remainder held by the hidden segments. The guarantee:
 *
 * - whenever that remainder has respondents, it is spread over at least two hidden segments
 *   that have respondents (never exactly one), and it holds at least K respondents — a group no
 *   smaller than a shown one; the same remainder, over the same segments, is all the reader gets
 *   for every option's votes. So no suppressed segment's n or option votes equals a number the
 *   reader can compute, and a hidden segment of 1 cannot be told from one of 0 or K − 1;
 * - even using the rules' bounds (a hidden segment holds fewer than K unless it is the
 *   complementary one, which holds no more than the smallest shown), no hidden segment's size is
 *   pinned below K − 1 (checked exhaustively below for small tables);
 * - a suppressed empty segment and a suppressed populated one serialize identically apart from
 *   their value and label, so "nobody" and "a few" look the same;
 * - a whole-suppressed breakdown (cross-section under K) carries no count at all.
 *
 * What it does NOT cover:
 *
 * - comparing different responses: other `by`/`where` combinations of the same poll, or the
 *   same URL read before and after a vote (a new respondent changes one segment and a reader
 *   watching the numbers move learns that voter's segment and choice). Suppression is decided
 *   response by response, so views can undo each other. Example (K = 10): `?by=role` hides
 *   vp (1) and, complementarily, director (12); `?by=companySize&where=role:director` is a
 *   cross-section of 12 ≥ K, so it is not suppressed (which alone says director ≥ K), and
 *   when one of its segments shows, that segment's differences from "other respondents" give
 *   away the total, 12 — subtract it from the first view's remainder and vp is 1. The
 *   same holds for cells of the role × company size table read through `where` views in both
 *   directions;
 * - what an option's remainder says about the hidden group as a whole: a remainder of 0 tells
 *   that none of the hidden respondents chose it, and one equal to the hidden respondents that
 *   all did (as a shown segment with 0 % or 100 % does for its members);
 * - bounds: the reader learns the hidden segments together hold the remainder, and with the
 *   rules' bounds may pin a hidden segment at K − 1 or more (e.g. three hidden segments holding
 *   3(K − 1) must each hold K − 1), or the complementary segment's size;
 * - anything known outside the site (a reader who knows who answered).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBreakdown, type Breakdown, type BreakdownQuery } from '@/lib/breakdown';
import { NOT_STATED, PROFILE_CATALOGUE, PROFILE_DIMENSIONS, segmentsOf, type ProfileDimension } from '@/lib/profile';
import type { GroupCounts, SegmentCounts } from '@/lib/store';
import { crossSectionTooSmall, suppressedSegments } from '@/lib/suppression';
import { optionRecords, pollRecord } from '../support/records';

interface RandomVote {
  choices: number[];
  profile: Partial<Record<ProfileDimension, string>>;
}

const valueOf = (dimension: ProfileDimension) =>
  fc.option(fc.constantFrom(...PROFILE_CATALOGUE[dimension].values.map((v) => v.key)), {
    nil: undefined,
    freq: 4,
  });

/**
 * A profile where each dimension leans, by a random weight, towards one popular answer (a value
 * or "prefer not to say"): real polls have a big segment and a tail of small ones, and that tail
 * is what suppression is for.
 */
const leaning = fc.record(
  Object.fromEntries(
    PROFILE_DIMENSIONS.map((d) => [d, fc.record({ popular: valueOf(d), weight: fc.integer({ min: 0, max: 12 }) })]),
  ) as Record<ProfileDimension, fc.Arbitrary<{ popular: string | undefined; weight: number }>>,
);

const profileArb = (lean: Record<ProfileDimension, { popular: string | undefined; weight: number }>) =>
  fc
    .record(
      Object.fromEntries(
        PROFILE_DIMENSIONS.map((d) => [
          d,
          fc.oneof(
            { arbitrary: fc.constant(lean[d].popular), weight: lean[d].weight },
            { arbitrary: valueOf(d), weight: 2 },
          ),
        ]),
      ) as Record<ProfileDimension, fc.Arbitrary<string | undefined>>,
    )
    .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as RandomVote['profile']);

/** A random poll, its votes, K and a query (by, and perhaps where on another dimension). */
const scenario = fc
  .record({
    type: fc.constantFrom('single' as const, 'multiple' as const),
    optionCount: fc.integer({ min: 2, max: 6 }),
    minCellSize: fc.integer({ min: 3, max: 15 }),
    dimensions: fc.shuffledSubarray([...PROFILE_DIMENSIONS], { minLength: 2, maxLength: 2 }),
    withWhere: fc.boolean(),
    lean: leaning,
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      votes: fc.array(
        fc.record({
          choices:
            base.type === 'single'
              ? fc.integer({ min: 0, max: base.optionCount - 1 }).map((i) => [i])
              : fc.uniqueArray(fc.integer({ min: 0, max: base.optionCount - 1 }), {
                  minLength: 1,
                  maxLength: base.optionCount,
                }),
          profile: profileArb(base.lean),
        }),
        { maxLength: 120 },
      ),
      whereValue: fc.constantFrom(
        ...segmentsOf(base.dimensions[1]!).map((s) => s.key),
        // Weight the cross-sections most votes fall into, so `where` is not almost always tiny.
        NOT_STATED,
        NOT_STATED,
      ),
    }),
  );

const optionId = (index: number) => 10 + index;

/** The counts as the store computes them: the cross-section, and each stated `by` value within it. */
function countsOf(votes: readonly RandomVote[], query: BreakdownQuery): SegmentCounts {
  const empty = (): GroupCounts => ({ responses: 0, optionVotes: new Map() });
  const add = (group: GroupCounts, vote: RandomVote) => {
    group.responses += 1;
    for (const c of vote.choices) group.optionVotes.set(optionId(c), (group.optionVotes.get(optionId(c)) ?? 0) + 1);
  };
  const crossSection = empty();
  const segments = new Map<string, GroupCounts>();
  for (const vote of votes) {
    if (query.where && (vote.profile[query.where.dimension] ?? NOT_STATED) !== query.where.value) continue;
    add(crossSection, vote);
    const value = vote.profile[query.by];
    if (value) add(segments.get(value) ?? segments.set(value, empty()).get(value)!, vote);
  }
  return { crossSection, segments };
}

/** The true counts of every segment, "not stated" included, in catalogue order (the ground truth). */
function truth(votes: readonly RandomVote[], query: BreakdownQuery, optionCount: number) {
  return segmentsOf(query.by).map(({ key }) => {
    const members = votes.filter(
      (v) =>
        (!query.where || (v.profile[query.where.dimension] ?? NOT_STATED) === query.where.value) &&
        (v.profile[query.by] ?? NOT_STATED) === key,
    );
    return {
      key,
      n: members.length,
      votes: Array.from({ length: optionCount }, (_, i) => members.filter((m) => m.choices.includes(i)).length),
    };
  });
}

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Builds the poll, the query and the counts of a scenario, and the breakdown as the API sends it. */
function setup({ base, votes, whereValue }: Scenario) {
  const [by, whereDimension] = base.dimensions as [ProfileDimension, ProfileDimension];
  const keys = Array.from({ length: base.optionCount }, (_, i) => `o${i}`);
  const poll = pollRecord({
    type: base.type,
    maxChoices: base.type === 'single' ? 1 : base.optionCount,
    options: optionRecords(keys),
    profile: [by, whereDimension],
  });
  const query: BreakdownQuery = { by, where: base.withWhere ? { dimension: whereDimension, value: whereValue } : null };
  const counts = countsOf(votes, query);
  const json = JSON.stringify(buildBreakdown(poll, query, counts, base.minCellSize));
  return {
    query,
    counts,
    json,
    breakdown: JSON.parse(json) as Breakdown,
    truth: truth(votes, query, base.optionCount),
    K: base.minCellSize,
  };
}

const RUNS = { numRuns: 400 };

describe('breakdown privacy (property)', () => {
  const seen = { populatedHidden: 0, complementary: 0, severalSmall: 0 };

  it('(a) subtracting the shown segments leaves a remainder over two or more populated hidden segments, of K or more, for n and every option', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { breakdown, truth: segments, counts, K } = setup(s);
        if (breakdown.suppressed) return true;
        const shown = breakdown.segments.filter((seg) => !seg.suppressed);
        const hidden = segments.filter((_, i) => breakdown.segments[i]!.suppressed);
        const populatedHidden = hidden.filter((seg) => seg.n > 0);
        const residualN = counts.crossSection.responses - shown.reduce((sum, seg) => sum + seg.n!, 0);
        expect(residualN).toBe(hidden.reduce((sum, seg) => sum + seg.n, 0));
        if (residualN > 0) {
          seen.populatedHidden++;
          if (hidden.some((seg) => seg.n >= K)) seen.complementary++;
          if (populatedHidden.filter((seg) => seg.n < K).length >= 2) seen.severalSmall++;
          expect(populatedHidden.length).toBeGreaterThanOrEqual(2);
          expect(residualN).toBeGreaterThanOrEqual(K);
        }
        for (let i = 0; i < s.base.optionCount; i++) {
          const total = counts.crossSection.optionVotes.get(optionId(i)) ?? 0;
          const residual = total - shown.reduce((sum, seg) => sum + seg.options![i]!.votes, 0);
          // The option's remainder is the hidden segments' votes, all of them, never one segment's.
          expect(residual).toBe(hidden.reduce((sum, seg) => sum + seg.votes[i]!, 0));
          if (residual > 0) expect(populatedHidden.length).toBeGreaterThanOrEqual(2);
        }
        return true;
      }),
      RUNS,
    );
    // Not vacuous: hidden respondents, complementary suppression, several small hidden segments.
    expect(seen.populatedHidden).toBeGreaterThan(20);
    expect(seen.complementary).toBeGreaterThan(10);
    expect(seen.severalSmall).toBeGreaterThan(10);
  });

  it('(b) a suppressed empty segment and a suppressed populated one serialize identically but for value and label', () => {
    let sawBoth = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { json, truth: segments } = setup(s);
        const raw = (JSON.parse(json) as { segments: Record<string, unknown>[] }).segments;
        const hiddenForms = raw
          .map((seg, i) => ({ seg, n: segments[i]!.n }))
          .filter(({ seg }) => seg.suppressed === true)
          .map(({ seg, n }) => ({ n, form: JSON.stringify({ ...seg, value: '', label: '' }) }));
        for (const { form } of hiddenForms) {
          expect(form).toBe('{"value":"","label":"","suppressed":true,"n":null,"options":null}');
        }
        if (hiddenForms.some((h) => h.n === 0) && hiddenForms.some((h) => h.n > 0)) sawBoth++;
        return true;
      }),
      RUNS,
    );
    // The property is not vacuous: the generator does make tables with both kinds.
    expect(sawBoth).toBeGreaterThan(10);
  });

  it('(c) a whole-suppressed breakdown shows no count at all, exactly when the cross-section is under K', () => {
    let wholeSuppressed = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { breakdown, json, counts, K } = setup(s);
        expect(breakdown.suppressed).toBe(crossSectionTooSmall(counts.crossSection.responses, K));
        if (!breakdown.suppressed) return true;
        wholeSuppressed++;
        const numbers: [string, number][] = [];
        JSON.parse(json, (key, value: unknown) => {
          if (typeof value === 'number') numbers.push([key, value]);
          return value;
        });
        expect(numbers).toEqual([['minCellSize', K]]);
        expect(breakdown.segments.every((seg) => seg.suppressed && seg.n === null && seg.options === null)).toBe(true);
        return true;
      }),
      RUNS,
    );
    expect(wholeSuppressed).toBeGreaterThan(10);
  });

  it('(d) shown n plus hidden n is the cross-section; shown segments have K or more and finite numbers', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { breakdown, truth: segments, counts, K } = setup(s);
        expect(segments.reduce((sum, seg) => sum + seg.n, 0)).toBe(counts.crossSection.responses);
        expect(breakdown.segments.map((seg) => seg.value)).toEqual(segments.map((seg) => seg.key));
        breakdown.segments.forEach((seg, i) => {
          if (seg.suppressed) return;
          expect(seg.n).toBe(segments[i]!.n);
          expect(seg.n).toBeGreaterThanOrEqual(K);
          expect(seg.options!.map((o) => o.votes)).toEqual(segments[i]!.votes);
          for (const o of seg.options!) {
            expect(o.share).toBe(o.votes / seg.n!);
            expect(o.ci95.low).toBeLessThanOrEqual(o.share);
            expect(o.ci95.high).toBeGreaterThanOrEqual(o.share);
            const others = counts.crossSection.responses - seg.n!;
            if (others === 0) expect(o.diff).toBeNull();
            else {
              expect(o.diff!.ci95.low).toBeLessThanOrEqual(o.diff!.value);
              expect(o.diff!.ci95.high).toBeGreaterThanOrEqual(o.diff!.value);
              expect(o.diff!.ci95.low).toBeGreaterThanOrEqual(-1);
              expect(o.diff!.ci95.high).toBeLessThanOrEqual(1);
            }
          }
        });
        return true;
      }),
      RUNS,
    );
  });
});

describe('a reader using the rules (exhaustive, small tables)', () => {
  /** Every vector of `length` counts from 0 to max. */
  function* vectors(length: number, max: number): Generator<number[]> {
    if (length === 0) {
      yield [];
      return;
    }
    for (let v = 0; v <= max; v++) for (const rest of vectors(length - 1, max)) yield [v, ...rest];
  }

  /** Every way to split `total` into `parts` counts (in order). */
  function* splits(total: number, parts: number): Generator<number[]> {
    if (parts === 0) {
      if (total === 0) yield [];
      return;
    }
    if (parts === 1) {
      yield [total];
      return;
    }
    for (let v = 0; v <= total; v++) for (const rest of splits(total - v, parts - 1)) yield [v, ...rest];
  }

  /**
   * For one table, each hidden segment's possible sizes: every assignment of the hidden sizes
   * that adds up to the remainder and that the rules would have suppressed exactly the same way.
   */
  function possibleSizes(n: readonly number[], K: number): Map<number, Set<number>> {
    const hidden = suppressedSegments(n, K);
    const hiddenAt = n.flatMap((_, i) => (hidden[i] ? [i] : []));
    const remainder = hiddenAt.reduce((sum, i) => sum + n[i]!, 0);
    const possible = new Map(hiddenAt.map((i) => [i, new Set<number>()]));
    for (const guess of splits(remainder, hiddenAt.length)) {
      const candidate = [...n];
      hiddenAt.forEach((i, j) => (candidate[i] = guess[j]!));
      const again = suppressedSegments(candidate, K);
      if (again.every((h, i) => h === hidden[i])) hiddenAt.forEach((i, j) => possible.get(i)!.add(guess[j]!));
    }
    return possible;
  }

  it.each([3, 4, 5])('never pins a hidden segment below K − 1 (K = %i, four segments up to 2K + 2)', (K) => {
    for (const n of vectors(4, 2 * K + 2)) {
      const total = n.reduce((a, b) => a + b, 0);
      if (crossSectionTooSmall(total, K)) continue;
      for (const [i, sizes] of possibleSizes(n, K)) {
        if (n[i]! > 0 && sizes.size === 1) expect(n[i], `table ${n.join(',')}`).toBeGreaterThanOrEqual(K - 1);
      }
    }
  });

  it('cannot tell two hidden segments of 1 from other splits (the case the remainder rule closes)', () => {
    const sizes = possibleSizes([1, 1, 20, 30], 10);
    expect(sizes.get(0)!.size).toBeGreaterThan(1);
    expect(sizes.get(0)).toContain(1);
  });
});
