/** The words of an ordered scale on the results page (src/lib/ordinal-words.ts), table-tested. */
import { describe, expect, it } from 'vitest';
import { ordinalSummary } from '@/lib/ordinal';
import {
  cumulativeRows,
  medianIntervalSentence,
  medianSentence,
  scaleUnit,
  scaleValue,
  segmentMedianWords,
} from '@/lib/ordinal-words';

/** The SPEC.md buckets with the demo's labels. */
const LABELS = ['< 10%', '10-20%', '21-30%', '31-40%', '41-50%', '51-60%', '61-70%', '71-80%', '> 80%'];
const KEYS = ['lt-10', '10-20', '21-30', '31-40', '41-50', '51-60', '61-70', '71-80', 'gt-80'];
const RANGES = [0, 10, 20, 30, 40, 50, 60, 70, 80].map((low, i) => ({ low, high: i === 8 ? 100 : low + 10 }));
const OPTIONS = KEYS.map((key, i) => ({ key, label: LABELS[i]! }));
const summaryOf = (votes: number[], ranges: ({ low: number; high: number } | null)[] = RANGES) =>
  ordinalSummary(votes.map((v, i) => ({ key: KEYS[i]!, votes: v, range: ranges[i] })));
const WORKED = [21, 34, 28, 7, 4, 2, 0, 0, 1];

describe('scaleUnit', () => {
  it.each<[string, string[], string]>([
    ['percent labels', LABELS, '%'],
    ['a trailing space after %', ['10 % ', '20 %'], '%'],
    ['plain numbers', ['0-2', '3-5', '6+'], ''],
    ['one label without %', ['< 10%', '10-20%', 'More'], ''],
    ['no options', [], ''],
  ])('%s', (_name, labels, unit) => {
    expect(scaleUnit(labels.map((label, i) => ({ key: String(i), label })))).toBe(unit);
  });
});

describe('scaleValue', () => {
  it.each<[number, string, string]>([
    [18.0928, '%', '18%'],
    [18.5, '%', '19%'],
    [100, '%', '100%'],
    [5, '%', '5%'],
    [2.5, '', '2.5'],
    [3.25, '', '3.3'],
    [0, '%', '0%'],
    [-0.01, '', '0'],
  ])('%d with "%s" → %s', (value, unit, words) => {
    expect(scaleValue(value, unit)).toBe(words);
  });
});

describe('medianSentence and medianIntervalSentence', () => {
  it('say the worked example of SPEC.md (median 18.09, interval 15.00–21.43)', () => {
    const summary = summaryOf(WORKED);
    expect(medianSentence(summary, OPTIONS)).toBe('Half of respondents answered 18% or less.');
    expect(medianIntervalSentence(summary, OPTIONS)).toBe(
      'Allowing for chance, the middle answer among all peers is probably between 15% and 21% (95% interval).',
    );
  });

  it('name the middle option when a bucket has no range, and give no interval', () => {
    const summary = summaryOf(WORKED, [...RANGES.slice(0, 8), null]);
    expect(medianSentence(summary, OPTIONS)).toBe('The middle answer is 10-20%.');
    expect(medianIntervalSentence(summary, OPTIONS)).toBeNull();
  });

  it('write numbers without a unit when the labels have none', () => {
    const options = OPTIONS.map((o, i) => ({ ...o, label: `Band ${i + 1}` }));
    const summary = summaryOf([40, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(medianSentence(summary, options)).toBe('Half of respondents answered 5 or less.');
    expect(medianIntervalSentence(summary, options)).toBe(
      'Allowing for chance, the middle answer among all peers is probably between 3.3 and 6.8 (95% interval).',
    );
  });

  it('say one value when both ends of the interval round alike', () => {
    const sentence = medianIntervalSentence(
      { medianKey: '10-20', median: 18.2, medianCi95: { low: 17.6, high: 18.4 } },
      OPTIONS,
    );
    expect(sentence).toBe(
      'Allowing for chance, the middle answer among all peers is probably about 18% (95% interval).',
    );
  });

  it('say nothing when nobody answered', () => {
    const summary = summaryOf([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(medianSentence(summary, OPTIONS)).toBeNull();
    expect(medianIntervalSentence(summary, OPTIONS)).toBeNull();
  });
});

describe('segmentMedianWords', () => {
  it.each<[string, Parameters<typeof segmentMedianWords>[0], string | null]>([
    ['a number', { medianKey: '21-30', median: 24.4, medianCi95: { low: 20, high: 28 } }, 'median 24%'],
    ['no number', { medianKey: '10-20', median: null, medianCi95: null }, 'middle answer 10-20%'],
    ['no answers', { medianKey: null, median: null, medianCi95: null }, null],
    ['a nominal poll (no ordinal block)', undefined, null],
  ])('%s', (_name, ordinal, words) => {
    expect(segmentMedianWords(ordinal, OPTIONS)).toBe(words);
  });
});

describe('cumulativeRows', () => {
  it('give each option its at-most and at-least share with ranges, marking the median option', () => {
    const rows = cumulativeRows(summaryOf(WORKED), OPTIONS);
    expect(rows).toHaveLength(9);
    // 21/97 = 21.6 % (Wilson 14.6–30.9 %); everyone answered "< 10%" or more.
    expect(rows[0]).toEqual({
      key: 'lt-10',
      label: '< 10%',
      atMost: { share: '21.6%', range: '15–31%' },
      atLeast: { share: '100.0%', range: '96–100%' },
      isMedian: false,
    });
    // 55/97 = 56.7 % at most 10-20%; 76/97 = 78.4 % at least.
    expect(rows[1]).toMatchObject({
      label: '10-20%',
      isMedian: true,
      atMost: { share: '56.7%' },
      atLeast: { share: '78.4%' },
    });
    expect(rows[8]).toMatchObject({ atMost: { share: '100.0%' }, atLeast: { share: '1.0%' }, isMedian: false });
    expect(rows.filter((r) => r.isMedian)).toHaveLength(1);
  });
});
