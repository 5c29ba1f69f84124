import { describe, expect, it } from 'vitest';
import type { Breakdown } from '@/lib/breakdown';
import {
  breakdownCaption,
  breakdownChartSummary,
  breakdownDataHref,
  breakdownHref,
  comparedOption,
  crossSectionChoices,
  crossSectionWords,
  differenceWords,
  dimensionTitle,
  leadingOption,
  points,
  pointsRange,
  referenceWords,
  suppressedSegmentText,
  suppressionNote,
  wholeSuppressedText,
} from '@/lib/breakdown-words';
import { newcombeDifference, wilsonInterval } from '@/lib/stats';

describe('points: a difference of shares in percentage points', () => {
  it.each([
    [0.123, '+12 pts'],
    [-0.05, '−5 pts'],
    [0.004, '+0.4 pts'],
    [-0.0095, '−1 pts'],
    [0, '0 pts'],
    [-0.0001, '0 pts'],
    [1, '+100 pts'],
    [-1, '−100 pts'],
  ])('%s → %s', (value, text) => expect(points(value)).toBe(text));

  it('says a range with the unit once', () => {
    expect(pointsRange(-0.63, 0.06)).toBe('−63 to +6 pts');
    expect(pointsRange(0.0524, 0.3339)).toBe('+5 to +33 pts');
  });
});

describe('differenceWords: a note in words only when the interval excludes zero', () => {
  it.each([
    // Newcombe (1998), published: 56/70 − 48/80 = 0.2000 [0.0524, 0.3339] → clearly higher
    { name: '56/70 v 48/80', diff: newcombeDifference(56, 70, 48, 80), kind: 'higher', value: '+20 pts' },
    // The same the other way round → clearly lower
    { name: '48/80 v 56/70', diff: newcombeDifference(48, 80, 56, 70), kind: 'lower', value: '−20 pts' },
    // 5/56 − 0/29 = 0.0893 [−0.0381, 0.1926] → the interval includes zero
    { name: '5/56 v 0/29', diff: newcombeDifference(5, 56, 0, 29), kind: 'unclear', value: '+9 pts' },
    // 10/10 − 0/20: an edge that still excludes zero
    { name: '10/10 v 0/20', diff: newcombeDifference(10, 10, 0, 20), kind: 'higher', value: '+100 pts' },
    // A segment that is everyone: no one else
    { name: 'everyone', diff: newcombeDifference(7, 10, 0, 0), kind: 'none', value: null },
  ])('$name: $kind', ({ diff, kind, value }) => {
    const words = differenceWords(diff);
    expect(words.kind).toBe(kind);
    expect(words.value).toBe(value);
    expect(words.note).toBe(
      {
        higher: 'Higher than other respondents',
        lower: 'Lower than other respondents',
        unclear: 'No clear difference',
        none: 'No one else to compare with',
      }[kind],
    );
    expect(words.range === null).toBe(diff === null);
  });

  it('treats an interval touching zero as no clear difference', () => {
    expect(differenceWords({ value: 0.1, ci95: { low: 0, high: 0.2 } }).kind).toBe('unclear');
    expect(differenceWords({ value: -0.1, ci95: { low: -0.2, high: 0 } }).kind).toBe('unclear');
  });
});

describe('the option compared', () => {
  const options = [
    { key: 'a', label: 'A', votes: 3 },
    { key: 'b', label: 'B', votes: 5 },
    { key: 'c', label: 'C', votes: 5 },
  ];
  it.each([
    ['b', 'b'],
    ['a', 'a'],
    [null, 'b'],
    ['nope', 'b'],
    ['', 'b'],
  ])('option=%s → %s (the leader, first listed on a tie, by default)', (key, expected) => {
    expect(comparedOption(options, key)?.key).toBe(expected);
  });
  it('has no leader without options', () => expect(leadingOption([])).toBeUndefined());
  it('leads with the first listed when no one has votes', () =>
    expect(leadingOption(options.map((o) => ({ ...o, votes: 0 })))?.key).toBe('a'));
});

describe('sentences and labels', () => {
  it.each([
    [suppressedSegmentText(10), 'Fewer than 10 answers — hidden to protect anonymity'],
    [
      wholeSuppressedText(10),
      "This group's breakdown is hidden to protect anonymity: fewer than 10 people in it answered, or its numbers would let a smaller group be worked out.",
    ],
    [breakdownCaption('Smartsheet', 'companySize'), 'Share choosing Smartsheet, by company size'],
    [dimensionTitle('companySize'), 'Company size'],
    [dimensionTitle('role'), 'Role'],
    [crossSectionWords({ dimension: 'companySize', value: 'gt-10000' }), 'Company size: More than 10,000 employees'],
    [crossSectionWords({ dimension: 'role', value: 'not-stated' }), 'Role: Not stated'],
    [referenceWords(0.458), 'Everyone: 46%'],
    [referenceWords(0.458, true), 'Whole poll: 46%'],
  ])('%s', (actual, expected) => expect(actual).toBe(expected));
});

describe('links', () => {
  it.each([
    [{}, '/polls/p/results#breakdown'],
    [{ by: 'role' }, '/polls/p/results?by=role#breakdown'],
    [{ by: 'role', where: 'companySize:gt-10000' }, '/polls/p/results?by=role&where=companySize:gt-10000#breakdown'],
    [{ by: 'role', where: null, option: 'jira' }, '/polls/p/results?by=role&option=jira#breakdown'],
    // where and option mean nothing without by
    [{ where: 'role:vp', option: 'jira' }, '/polls/p/results#breakdown'],
    [{ by: 'role', option: 'a&b c' }, '/polls/p/results?by=role&option=a%26b+c#breakdown'],
  ])('%o → %s', (link, href) => expect(breakdownHref('p', link)).toBe(href));

  it('points the data links at the API with by and where only', () => {
    const link = { by: 'role', where: 'companySize:lt-1000', option: 'jira' };
    expect(breakdownDataHref('p', 'csv', link)).toBe('/api/polls/p/results.csv?by=role&where=companySize:lt-1000');
    expect(breakdownDataHref('p', 'json', link)).toBe('/api/polls/p/results?by=role&where=companySize:lt-1000');
  });

  it('offers every value of the other asked dimensions, not stated included', () => {
    const choices = crossSectionChoices(['role', 'companySize'], 'role');
    expect(choices.map((c) => c.dimension)).toEqual(['companySize']);
    expect(choices[0]!.values.map((v) => v.value)).toEqual([
      'companySize:lt-1000',
      'companySize:1000-10000',
      'companySize:gt-10000',
      'companySize:not-stated',
    ]);
    expect(crossSectionChoices(['role'], 'role')).toEqual([]);
  });
});

describe('breakdown summaries', () => {
  const cell = (votes: number, n: number, otherVotes: number, others: number) => ({
    key: 'jira',
    votes,
    share: votes / n,
    ci95: wilsonInterval(votes, n),
    diff: newcombeDifference(votes, n, otherVotes, others),
  });
  const breakdown = (suppressedValues: string[]): Breakdown => ({
    dimension: 'role',
    where: null,
    minCellSize: 10,
    suppressed: false,
    segments: [
      { value: 'manager', label: 'Manager', suppressed: false, n: 20, options: [cell(15, 20, 5, 20)] },
      { value: 'director', label: 'Director', suppressed: false, n: 20, options: [cell(5, 20, 15, 20)] },
      ...suppressedValues.map((value) => ({ value, label: value, suppressed: true, n: null, options: null })),
    ],
  });

  it('states every shown number and names the hidden groups in the chart text', () => {
    expect(breakdownChartSummary(breakdown(['vp']), { key: 'jira', label: 'Jira' }, 0.5)).toBe(
      'Bar chart of the share choosing Jira, by role: Manager: 75.0% of 20 (95% range 53–89%); ' +
        'Director: 25.0% of 20 (95% range 11–47%). Everyone: 50.0%. Hidden to protect anonymity: vp.',
    );
  });

  it('explains suppression only when a group is hidden', () => {
    expect(suppressionNote(breakdown([]))).toBeNull();
    expect(suppressionNote(breakdown(['vp']))).toMatch(/^Groups with fewer than 10 answers are hidden/);
  });
});
