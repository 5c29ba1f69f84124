/**
 * Privacy of cross-question breakdowns (`?by=question:<slug>` on a survey's results), over random
 * surveys: a by-question with 2–6 answers (an "Other" sometimes among them), a target question
 * (single or multiple choice, 2–5 options), random respondents who may skip either question, and
 * random K (3–15). The counts are computed here from the respondents the way the store's pair
 * tallies count them (SurveyStore.crossQuestionCounts): the cross-section is everyone who answered
 * the target, each segment those of them who gave that answer to the by-question. The breakdown is
 * built by the same buildBreakdown as profile breakdowns and serialized as the API sends it.
 *
 * The reader holds one response, knows the rules and the target's totals (its own results), and
 * subtracts every shown segment from them (as in test/unit/suppression.property.test.ts, whose
 * limits — comparing views, a remainder of 0 or all — apply here too). The guarantees:
 *
 * - the remainder, when it has respondents, lies over at least two hidden segments that have
 *   respondents and holds K or more: no suppressed segment's n (or option votes) equals anything
 *   the reader can compute;
 * - a suppressed empty segment and a suppressed populated one serialize alike but for value and label;
 * - a cross-section under K shows no count at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBreakdown, type Breakdown } from '@/lib/breakdown';
import type { GroupCounts, SegmentCounts } from '@/lib/store';
import { crossSectionTooSmall } from '@/lib/suppression';
import { NOT_ANSWERED, questionSegments } from '@/lib/survey-results';
import type { OptionRecord } from '@/lib/types';
import { optionRecords, pollRecord } from '../support/records';

const scenario = fc
  .record({
    byCount: fc.integer({ min: 2, max: 6 }),
    byOther: fc.boolean(),
    type: fc.constantFrom('single' as const, 'multiple' as const),
    targetCount: fc.integer({ min: 2, max: 5 }),
    minCellSize: fc.integer({ min: 3, max: 15 }),
    // One popular answer and a tail of rare ones, as real surveys have.
    popular: fc.integer({ min: 0, max: 5 }),
    popularWeight: fc.integer({ min: 0, max: 12 }),
    skipBy: fc.integer({ min: 0, max: 4 }),
    skipTarget: fc.integer({ min: 0, max: 4 }),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      // Each respondent: the by-question's answer index (null: skipped it), the target's choices (null: skipped it).
      respondents: fc.array(
        fc.record({
          by: fc.oneof(
            { arbitrary: fc.constant(base.popular % base.byCount), weight: base.popularWeight },
            { arbitrary: fc.integer({ min: 0, max: base.byCount - 1 }), weight: 3 },
            { arbitrary: fc.constant(null), weight: base.skipBy },
          ),
          target: fc.oneof(
            {
              arbitrary:
                base.type === 'single'
                  ? fc.integer({ min: 0, max: base.targetCount - 1 }).map((i) => [i])
                  : fc.uniqueArray(fc.integer({ min: 0, max: base.targetCount - 1 }), {
                      minLength: 1,
                      maxLength: base.targetCount,
                    }),
              weight: 8,
            },
            { arbitrary: fc.constant(null), weight: base.skipTarget },
          ),
        }),
        { maxLength: 150 },
      ),
    }),
  );

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const targetOptionId = (index: number) => 10 + index;

function setup({ base, respondents }: Scenario) {
  const byKeys = Array.from({ length: base.byCount }, (_, i) =>
    base.byOther && i === base.byCount - 1 ? 'other' : `b${i}`,
  );
  const byOptions: OptionRecord[] = optionRecords(byKeys).map((o, i) => ({
    ...o,
    id: 100 + i,
    other: base.byOther && i === base.byCount - 1,
  }));
  const by = pollRecord({ id: 1, slug: 'sv-1', options: byOptions, allowOther: base.byOther });
  const target = pollRecord({
    id: 2,
    slug: 'sv-2',
    type: base.type,
    maxChoices: base.type === 'single' ? 1 : base.targetCount,
    options: optionRecords(Array.from({ length: base.targetCount }, (_, i) => `t${i}`)),
  });
  // As the pair tallies count them: only respondents who answered the target.
  const empty = (): GroupCounts => ({ responses: 0, optionVotes: new Map() });
  const add = (group: GroupCounts, choices: number[]) => {
    group.responses += 1;
    for (const c of choices) {
      group.optionVotes.set(targetOptionId(c), (group.optionVotes.get(targetOptionId(c)) ?? 0) + 1);
    }
  };
  const counts: SegmentCounts = { crossSection: empty(), segments: new Map() };
  for (const r of respondents) {
    if (r.target === null) continue;
    add(counts.crossSection, r.target);
    if (r.by !== null) {
      const key = byKeys[r.by]!;
      add(counts.segments.get(key) ?? counts.segments.set(key, empty()).get(key)!, r.target);
    }
  }
  // The ground truth per segment, "No answer" last.
  const truth = [...byKeys, NOT_ANSWERED].map((key) => {
    const members = respondents.filter(
      (r) => r.target !== null && (r.by === null ? NOT_ANSWERED : byKeys[r.by]) === key,
    );
    return {
      key,
      n: members.length,
      votes: Array.from({ length: base.targetCount }, (_, i) => members.filter((m) => m.target!.includes(i)).length),
    };
  });
  const json = JSON.stringify(buildBreakdown(target, questionSegments(by), counts, base.minCellSize));
  return { counts, truth, json, breakdown: JSON.parse(json) as Breakdown, K: base.minCellSize };
}

const RUNS = { numRuns: 400 };

describe('cross-question breakdown privacy (property)', () => {
  it('(a) no suppressed segment can be recovered by subtraction: the remainder lies over ≥ 2 populated hidden segments and holds ≥ K', () => {
    const seen = { populatedHidden: 0, complementary: 0, notAnsweredHidden: 0 };
    fc.assert(
      fc.property(scenario, (s) => {
        const { breakdown, truth, counts, K } = setup(s);
        expect(breakdown.segments.map((seg) => seg.value)).toEqual(truth.map((t) => t.key));
        if (breakdown.suppressed) return true;
        const shown = breakdown.segments.filter((seg) => !seg.suppressed);
        const hidden = truth.filter((_, i) => breakdown.segments[i]!.suppressed);
        const populatedHidden = hidden.filter((seg) => seg.n > 0);
        const residualN = counts.crossSection.responses - shown.reduce((sum, seg) => sum + seg.n!, 0);
        expect(residualN).toBe(hidden.reduce((sum, seg) => sum + seg.n, 0));
        if (residualN > 0) {
          seen.populatedHidden++;
          if (hidden.some((seg) => seg.n >= K)) seen.complementary++;
          if (populatedHidden.some((seg) => seg.key === NOT_ANSWERED)) seen.notAnsweredHidden++;
          expect(populatedHidden.length).toBeGreaterThanOrEqual(2);
          expect(residualN).toBeGreaterThanOrEqual(K);
          // So no single hidden segment's n is the remainder a reader computes.
          for (const seg of populatedHidden) expect(seg.n).toBeLessThan(residualN);
        }
        for (let i = 0; i < s.base.targetCount; i++) {
          const total = counts.crossSection.optionVotes.get(targetOptionId(i)) ?? 0;
          const residual = total - shown.reduce((sum, seg) => sum + seg.options![i]!.votes, 0);
          expect(residual).toBe(hidden.reduce((sum, seg) => sum + seg.votes[i]!, 0));
          if (residual > 0) expect(populatedHidden.length).toBeGreaterThanOrEqual(2);
        }
        return true;
      }),
      RUNS,
    );
    expect(seen.populatedHidden).toBeGreaterThan(20);
    expect(seen.complementary).toBeGreaterThan(10);
    expect(seen.notAnsweredHidden).toBeGreaterThan(10);
  });

  it('(b) a suppressed empty segment and a suppressed populated one serialize identically but for value and label', () => {
    let sawBoth = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { json, truth } = setup(s);
        const raw = (JSON.parse(json) as { segments: Record<string, unknown>[] }).segments;
        const hiddenForms = raw
          .map((seg, i) => ({ seg, n: truth[i]!.n }))
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
    expect(sawBoth).toBeGreaterThan(10);
  });

  it('(c) a cross-section under K shows no count at all', () => {
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
        return true;
      }),
      RUNS,
    );
    expect(wholeSuppressed).toBeGreaterThan(10);
  });

  it('(d) shown segments hold K or more and their true numbers', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { breakdown, truth, K } = setup(s);
        breakdown.segments.forEach((seg, i) => {
          if (seg.suppressed) return;
          expect(seg.n).toBe(truth[i]!.n);
          expect(seg.n).toBeGreaterThanOrEqual(K);
          expect(seg.options!.map((o) => o.votes)).toEqual(truth[i]!.votes);
        });
        return true;
      }),
      RUNS,
    );
  });
});
