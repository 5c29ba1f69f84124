/** Breakdown queries (`?by=`, `?where=`) and breakdowns built from segment counts, by hand. */
import { describe, expect, it } from 'vitest';
import { buildBreakdown, parseBreakdownQuery, type BreakdownQuery } from '@/lib/breakdown';
import { newcombeDifference, wilsonInterval } from '@/lib/stats';
import type { GroupCounts, SegmentCounts } from '@/lib/store';
import { codeOf } from '../support/errors';
import { optionRecords, pollRecord } from '../support/records';

// Options a (id 10) and b (id 11); the poll asks role and company size, not industry or region.
const poll = pollRecord({ options: optionRecords(['a', 'b']), profile: ['role', 'companySize'] });
const parse = (query: string) => parseBreakdownQuery(poll, new URLSearchParams(query));

describe('parseBreakdownQuery', () => {
  it.each([
    ['', null],
    ['other=1', null],
    ['by=role', { by: 'role', where: null }],
    ['by=companySize', { by: 'companySize', where: null }],
    ['by=role&where=companySize:gt-10000', { by: 'role', where: { dimension: 'companySize', value: 'gt-10000' } }],
    ['where=role:vp&by=companySize', { by: 'companySize', where: { dimension: 'role', value: 'vp' } }],
    ['by=role&where=companySize:not-stated', { by: 'role', where: { dimension: 'companySize', value: 'not-stated' } }],
    ['by=role&where=companySize%3Alt-1000', { by: 'role', where: { dimension: 'companySize', value: 'lt-1000' } }],
  ])('%j → %j', (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });

  it.each([
    ['where without by', 'where=role:vp'],
    ['by repeated', 'by=role&by=role'],
    ['by repeated with two dimensions', 'by=role&by=companySize'],
    ['by empty', 'by='],
    ['by unknown', 'by=age'],
    ['by in another case', 'by=Role'],
    ['by not asked by the poll', 'by=industry'],
    ['by an object key', 'by=__proto__'],
    ['by a NUL', 'by=%00'],
    ['by very long', `by=${'r'.repeat(5000)}`],
    ['by a catalogue value', 'by=vp'],
    ['by not-stated', 'by=not-stated'],
    ['where repeated', 'by=role&where=companySize:lt-1000&where=companySize:gt-10000'],
    ['where empty', 'by=role&where='],
    ['where without a colon', 'by=role&where=companySize'],
    ['where without a dimension', 'by=role&where=:lt-1000'],
    ['where without a value', 'by=role&where=companySize:'],
    ['where with an unknown dimension', 'by=role&where=age:30'],
    ['where with a dimension not asked', 'by=role&where=industry:media'],
    ['where with the same dimension as by', 'by=role&where=role:vp'],
    ['where with an unknown value', 'by=role&where=companySize:huge'],
    ['where with a value of another dimension', 'by=role&where=companySize:vp'],
    ['where with a second colon', 'by=role&where=companySize:lt-1000:x'],
    ['where with spaces', 'by=role&where=companySize: lt-1000'],
    ['where with an object key', 'by=role&where=companySize:constructor'],
    ['where very long', `by=role&where=companySize:${'x'.repeat(5000)}`],
  ])('%s: 422 invalid_breakdown', (_name, query) => {
    expect(codeOf(() => parse(query))).toBe('invalid_breakdown');
  });

  it('refuses any by on a poll that asks no profile questions, saying so', () => {
    const plain = pollRecord({ profile: [] });
    expect(() => parseBreakdownQuery(plain, new URLSearchParams('by=role'))).toThrow(/asks no profile questions/);
  });

  it('never repeats what was sent in its message', () => {
    for (const query of ['by=<script>', 'by=role&where=<b>:x', 'by=role&where=companySize:<i>']) {
      try {
        parse(query);
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toMatch(/[<>]/);
      }
    }
  });
});

const group = (responses: number, votes: Record<number, number>): GroupCounts => ({
  responses,
  optionVotes: new Map(Object.entries(votes).map(([id, n]) => [Number(id), n])),
});

const byCompanySize: BreakdownQuery = { by: 'companySize', where: null };

/**
 * 20 respondents: a 12, b 8. Fewer than 1,000: 10 (a 8, b 2); more than 10,000: 6 (a 2, b 4);
 * 1,000–10,000: nobody; so "not stated" is 20 − 16 = 4 (a 2, b 2).
 */
const twenty: SegmentCounts = {
  crossSection: group(20, { 10: 12, 11: 8 }),
  segments: new Map([
    ['lt-1000', group(10, { 10: 8, 11: 2 })],
    ['gt-10000', group(6, { 10: 2, 11: 4 })],
  ]),
};

describe('buildBreakdown', () => {
  const b = buildBreakdown(poll, byCompanySize, twenty, 3);
  const segment = (value: string) => b.segments.find((s) => s.value === value)!;

  it('lists every catalogue value and "not stated" in order, with the query and K', () => {
    expect(b).toMatchObject({ dimension: 'companySize', where: null, minCellSize: 3, suppressed: false });
    expect(b.segments.map((s) => [s.value, s.label])).toEqual([
      ['lt-1000', 'Fewer than 1,000 employees'],
      ['1000-10000', '1,000–10,000 employees'],
      ['gt-10000', 'More than 10,000 employees'],
      ['not-stated', 'Not stated'],
    ]);
  });

  it('gives shares and Wilson intervals per segment (8/10: 0.4902–0.9433)', () => {
    const a = segment('lt-1000').options![0]!;
    expect(a).toMatchObject({ key: 'a', votes: 8, share: 0.8 });
    expect(a.ci95.low).toBeCloseTo(0.4902, 4);
    expect(a.ci95.high).toBeCloseTo(0.9433, 4);
    expect(segment('gt-10000').options!.map((o) => [o.key, o.votes, o.share])).toEqual([
      ['a', 2, 2 / 6],
      ['b', 4, 4 / 6],
    ]);
    expect(segment('gt-10000').options![0]!.ci95).toEqual(wilsonInterval(2, 6));
  });

  it('compares each segment with all *other* respondents: 8/10 against (12 − 8)/(20 − 10)', () => {
    const diff = segment('lt-1000').options![0]!.diff!;
    expect(diff.value).toBeCloseTo(0.4, 12);
    expect(diff).toEqual(newcombeDifference(8, 10, 4, 10));
    // b among more than 10,000: 4/6 against (8 − 4)/(20 − 6) = 4/14.
    expect(segment('gt-10000').options![1]!.diff).toEqual(newcombeDifference(4, 6, 4, 14));
  });

  it('derives "not stated" as the cross-section minus the stated segments', () => {
    expect(segment('not-stated')).toMatchObject({ suppressed: false, n: 4 });
    expect(segment('not-stated').options!.map((o) => o.votes)).toEqual([2, 2]);
    expect(segment('not-stated').options![0]!.diff).toEqual(newcombeDifference(2, 4, 10, 16));
  });

  it('hides the empty segment exactly like a small one', () => {
    expect(segment('1000-10000')).toEqual({
      value: '1000-10000',
      label: '1,000–10,000 employees',
      suppressed: true,
      n: null,
      options: null,
    });
  });

  it('hides a small segment and, as it is alone, the smallest shown one too (K = 5)', () => {
    const k5 = buildBreakdown(poll, byCompanySize, twenty, 5);
    expect(k5.segments.map((s) => [s.value, s.n])).toEqual([
      ['lt-1000', 10],
      ['1000-10000', null],
      ['gt-10000', null],
      ['not-stated', null],
    ]);
  });

  it('has no difference for a segment that is everyone (nobody else to compare with)', () => {
    const everyone = buildBreakdown(
      poll,
      byCompanySize,
      { crossSection: group(12, { 10: 5, 11: 7 }), segments: new Map([['gt-10000', group(12, { 10: 5, 11: 7 })]]) },
      3,
    );
    const shown = everyone.segments.filter((s) => !s.suppressed);
    expect(shown.map((s) => s.value)).toEqual(['gt-10000']);
    expect(shown[0]!.options!.map((o) => o.diff)).toEqual([null, null]);
    expect(shown[0]!.options!.map((o) => o.share)).toEqual([5 / 12, 7 / 12]);
  });

  it('suppresses the whole breakdown when the cross-section has fewer than K respondents', () => {
    const where: BreakdownQuery = { by: 'role', where: { dimension: 'companySize', value: 'gt-10000' } };
    const small = buildBreakdown(
      poll,
      where,
      { crossSection: group(4, { 10: 4 }), segments: new Map([['vp', group(4, { 10: 4 })]]) },
      5,
    );
    expect(small.suppressed).toBe(true);
    expect(small.where).toEqual({ dimension: 'companySize', value: 'gt-10000' });
    expect(small.segments).toHaveLength(7);
    expect(small.segments.every((s) => s.suppressed && s.n === null && s.options === null)).toBe(true);
  });

  it('gives multiple-choice shares of respondents, so they may sum above 1', () => {
    const multiple = pollRecord({
      type: 'multiple',
      maxChoices: 2,
      options: optionRecords(['a', 'b']),
      profile: ['companySize'],
    });
    const counts: SegmentCounts = {
      crossSection: group(30, { 10: 21, 11: 18 }),
      segments: new Map([
        ['lt-1000', group(10, { 10: 7, 11: 6 })],
        ['gt-10000', group(20, { 10: 14, 11: 12 })],
      ]),
    };
    const result = buildBreakdown(multiple, byCompanySize, counts, 3);
    const small = result.segments[0]!;
    expect(small.options!.map((o) => o.share)).toEqual([0.7, 0.6]);
    expect(small.options![1]!.ci95).toEqual(wilsonInterval(6, 10));
    // Same shares in both groups: no difference, an interval on both sides of 0.
    expect(small.options![0]!.diff!.value).toBe(0);
    expect(small.options![0]!.diff!.ci95.low).toBeLessThan(0);
    expect(result.segments[3]).toMatchObject({ value: 'not-stated', suppressed: true, n: null });
  });

  it('serializes to finite numbers only (no NaN, no Infinity, no −0 in the JSON)', () => {
    const json = JSON.stringify(b);
    expect(json).not.toMatch(/NaN|Infinity|-0[,}\]]/);
    const numbers: number[] = [];
    JSON.parse(json, (_key, value: unknown) => {
      if (typeof value === 'number') numbers.push(value);
      return value;
    });
    expect(numbers.every((n) => Number.isFinite(n) && !Object.is(n, -0))).toBe(true);
  });
});
