/** Ordered scales in PollInput (scale, option ranges) and the `ordinal` block of the results. */
import { describe, expect, it } from 'vitest';
import { PollInputError, preparePoll } from '@/lib/poll-admin';
import { toPollInput } from '@/lib/poll-files';
import { toPollJson } from '@/lib/polls';
import { buildResults } from '@/lib/results';
import { NOW, optionRecords, pollRecord } from '../support/records';

const BUCKETS = [
  { label: '< 10%', range: { low: 0, high: 10 } },
  { label: '10-20%', range: { low: 10, high: 20 } },
  { label: '> 20%', range: { low: 20, high: 100 } },
];

const refusal = (input: Record<string, unknown>) => {
  try {
    preparePoll({ question: 'Share?', options: BUCKETS, ...input });
  } catch (error) {
    if (error instanceof PollInputError) return error.errors;
    throw error;
  }
  return null;
};

describe('PollInput.scale and option ranges', () => {
  it('accepts an ordinal single-choice poll with ranges, some options without one', () => {
    const prepared = preparePoll({
      question: 'Share?',
      scale: 'ordinal',
      options: [...BUCKETS, { label: "Don't know" }],
    });
    expect(prepared.fields.scale).toBe('ordinal');
    expect(prepared.options.map((o) => o.range ?? null)).toEqual([
      { low: 0, high: 10 },
      { low: 10, high: 20 },
      { low: 20, high: 100 },
      null,
    ]);
  });

  it('defaults to nominal', () => {
    expect(preparePoll({ question: 'Tool?', options: ['A', 'B'] }).fields.scale).toBe('nominal');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['ordinal multiple choice', { scale: 'ordinal', type: 'multiple' }, 'scale'],
    ['a range on a nominal poll', {}, 'options'],
    ['low not below high', { scale: 'ordinal', options: [{ label: 'A', range: { low: 5, high: 5 } }, 'B'] }, 'options'],
    ['a range that is not two numbers', { scale: 'ordinal', options: [{ label: 'A', range: [0, 1] }, 'B'] }, 'options'],
    [
      'a range with text',
      { scale: 'ordinal', options: [{ label: 'A', range: { low: '0', high: 1 } }, 'B'] },
      'options',
    ],
    ['an unknown scale', { scale: 'interval' }, 'scale'],
  ])('refuses %s (invalid_poll on %s)', (_name, input, field) => {
    expect(Object.keys(refusal(input) ?? {})).toContain(field);
  });
});

describe('results of an ordinal poll', () => {
  const options = optionRecords(['lt-10', '10-20', 'gt-20'], [3, 4, 1]).map((o, i) => ({
    ...o,
    range: BUCKETS[i]!.range,
  }));
  const poll = pollRecord({ scale: 'ordinal', options, responseCount: 8 });

  it('adds the ordinal block: median option, interpolated median, cumulative shares', () => {
    const { ordinal } = buildResults(poll, NOW, undefined);
    expect(ordinal).toMatchObject({ medianKey: '10-20', cumulative: [{ key: 'lt-10' }, {}, {}] });
    // n = 8, n/2 = 4: one respondent into 10–20 (4 there) → 10 + (4 − 3) / 4 × 10.
    expect(ordinal!.median).toBeCloseTo(12.5, 12);
    expect(ordinal!.cumulative[0]!.atMost.share).toBeCloseTo(3 / 8, 12);
  });

  it('leaves it out of nominal polls, and carries scale and ranges in the poll JSON and files', () => {
    expect(buildResults({ ...poll, scale: 'nominal' }, NOW, undefined).ordinal).toBeUndefined();
    const json = toPollJson(poll, NOW);
    expect(json.scale).toBe('ordinal');
    expect(json.options[0]).toEqual({ key: 'lt-10', label: 'LT-10', exclusive: false, range: { low: 0, high: 10 } });
    const again = preparePoll(toPollInput(poll));
    expect(again.fields.scale).toBe('ordinal');
    expect(again.options.map((o) => o.range)).toEqual(BUCKETS.map((b) => b.range));
  });
});

describe('ranges in order', () => {
  it.each<[string, { low: number; high: number }[]]>([
    [
      'out of order',
      [
        { low: 10, high: 20 },
        { low: 0, high: 10 },
      ],
    ],
    [
      'overlapping',
      [
        { low: 0, high: 100 },
        { low: 1, high: 2 },
      ],
    ],
  ])('refuses ranges %s', (_name, ranges) => {
    expect(() =>
      preparePoll({
        question: 'Share?',
        scale: 'ordinal',
        options: ranges.map((range, i) => ({ label: `O${i}`, range })),
      }),
    ).toThrow(/lowest first/);
  });

  it('accepts touching ranges and an option without one between them', () => {
    const options = [
      { label: 'Low', range: { low: 0, high: 10 } },
      { label: "Don't know" },
      { label: 'High', range: { low: 10, high: 20 } },
    ];
    expect(preparePoll({ question: 'Share?', scale: 'ordinal', options }).options).toHaveLength(3);
  });
});
