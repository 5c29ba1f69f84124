/**
 * A survey's results, by hand: the funnel and completion (Wilson interval, n = 0), `?by=` parsing,
 * cross-question breakdowns ("No answer" = cross-section minus stated, complementary
 * suppression, Newcombe differences from everyone else), the trend's points and the CSV rows.
 */
import { describe, expect, it } from 'vitest';
import { buildBreakdown } from '@/lib/breakdown';
import { DAY_MS, type GroupCounts, type SegmentCounts } from '@/lib/store';
import { newcombeDifference, wilsonInterval } from '@/lib/stats';
import { completion, completionOf, dropOff, funnelSteps } from '@/lib/survey-funnel';
import {
  breakdownChoices,
  parseSurveyBreakdown,
  questionSegments,
  surveyHiddenMessage,
  surveyHiddenReason,
} from '@/lib/survey-results';
import { isoMinute, responseCsvRow, responsesCsvHeader } from '@/lib/survey-csv';
import { surveyTrendPoints } from '@/lib/survey-trend';
import type { SurveyQuestion, SurveyRecord } from '@/lib/survey-types';
import type { PollRecord } from '@/lib/types';
import { codeOf } from '../support/errors';
import { HOUR, NOW, optionRecords, pollRecord } from '../support/records';

/** Options with ids from `firstId` (optionRecords numbers them from 10). */
const optionsFrom = (firstId: number, keys: string[]) =>
  optionRecords(keys).map((option, i) => ({ ...option, id: firstId + i }));

// Question 1 (single, x/y/z), 2 (multiple, a/b, write-in), 3 (ranked), 4 (rating 1–3), 5 (single with "Other").
const q1 = pollRecord({ id: 1, slug: 's-1', question: 'Tool?', options: optionsFrom(20, ['x', 'y', 'z']) });
const q2 = pollRecord({
  id: 2,
  slug: 's-2',
  question: 'Which?',
  type: 'multiple',
  maxChoices: 2,
  allowOther: true,
  options: optionRecords(['a', 'b']),
});
const q3 = pollRecord({ id: 3, slug: 's-3', question: 'Rank?', type: 'ranked', options: optionsFrom(30, ['r', 's']) });
const q4 = pollRecord({
  id: 4,
  slug: 's-4',
  question: 'Rate?',
  type: 'rating',
  options: optionsFrom(40, ['1', '2', '3']),
});
const q5 = pollRecord({
  id: 5,
  slug: 's-5',
  question: 'Where?',
  allowOther: true,
  options: [...optionsFrom(50, ['p']), { ...optionsFrom(51, ['other'])[0]!, label: 'Other', other: true }],
});

const question = (poll: PollRecord, page: number, required = false): SurveyQuestion => ({ poll, page, required });

function surveyRecord(overrides: Partial<SurveyRecord> = {}): SurveyRecord {
  return {
    id: 7,
    slug: 's',
    title: 'S',
    description: '',
    status: 'open',
    opensAt: null,
    closesAt: null,
    resultsVisibility: 'after_vote',
    duplicatePolicy: 'device',
    profile: ['role', 'companySize'],
    startedCount: 0,
    finishedCount: 0,
    duplicateCount: 0,
    createdAt: NOW - HOUR,
    updatedAt: NOW - HOUR,
    questions: [question(q1, 0, true), question(q2, 1), question(q3, 1), question(q4, 2), question(q5, 2)],
    ...overrides,
  };
}

const survey = surveyRecord();

describe('funnel and completion', () => {
  it('lists every page, zeros for pages the store has no row for, and never widens', () => {
    expect(
      funnelSteps(4, [
        { page: 1, reached: 100, completed: 85 },
        { page: 2, reached: 85, completed: 75 },
        // A snapshot read across tallies: page 3 can never be reached by more than completed page 2.
        { page: 3, reached: 80, completed: 90 },
      ]),
    ).toEqual([
      { page: 1, reached: 100, completed: 85 },
      { page: 2, reached: 85, completed: 75 },
      { page: 3, reached: 75, completed: 75 },
      { page: 4, reached: 0, completed: 0 },
    ]);
  });

  it('100 started, 70 finished: rate 0.7, Wilson 95 % 0.6042–0.7811', () => {
    const funnel = funnelSteps(3, [
      { page: 1, reached: 100, completed: 85 },
      { page: 2, reached: 85, completed: 75 },
      { page: 3, reached: 75, completed: 70 },
    ]);
    const c = completionOf(funnel);
    expect(c).toMatchObject({ started: 100, finished: 70, rate: 0.7 });
    expect(c.ci95.low).toBeCloseTo(0.6041515, 6);
    expect(c.ci95.high).toBeCloseTo(0.7810511, 6);
    expect(dropOff(funnel)).toEqual([
      { page: 1, stopped: 15 },
      { page: 2, stopped: 10 },
      { page: 3, stopped: 5 },
    ]);
  });

  it('2 of 3 finished: 0.2077–0.9385', () => {
    const c = completion(3, 2);
    expect(c.rate).toBeCloseTo(2 / 3, 12);
    expect(c.ci95.low).toBeCloseTo(0.2076596, 6);
    expect(c.ci95.high).toBeCloseTo(0.9385081, 6);
  });

  it('nobody started: rate 0 and the whole range, as polls show at n = 0', () => {
    expect(completion(0, 0)).toEqual({ started: 0, finished: 0, rate: 0, ci95: { low: 0, high: 1 } });
    expect(completionOf(funnelSteps(2, []))).toEqual({ started: 0, finished: 0, rate: 0, ci95: { low: 0, high: 1 } });
    expect(completionOf([])).toEqual(completion(0, 0));
  });

  it('everyone finished: the interval reaches exactly 1', () => {
    expect(completion(5, 5).ci95.high).toBe(1);
    expect(completion(5, 5).ci95).toEqual(wilsonInterval(5, 5));
  });
});

describe('parseSurveyBreakdown', () => {
  const parse = (query: string) => parseSurveyBreakdown(survey, new URLSearchParams(query));

  it.each([
    ['', null],
    ['option=a', null],
    ['by=role', { kind: 'profile', query: { by: 'role', where: null } }],
    [
      'by=role&where=companySize:gt-10000',
      { kind: 'profile', query: { by: 'role', where: { dimension: 'companySize', value: 'gt-10000' } } },
    ],
  ])('%j', (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });

  it('by=question:<slug> names a single-choice or rating question of the survey', () => {
    expect(parse('by=question:s-1')).toEqual({ kind: 'question', question: survey.questions[0] });
    expect(parse('by=question:s-4')).toEqual({ kind: 'question', question: survey.questions[3] });
    expect(parse('by=question:s-5')).toEqual({ kind: 'question', question: survey.questions[4] });
  });

  it.each([
    ['a multiple-choice question', 'by=question:s-2'],
    ['a ranked question', 'by=question:s-3'],
    ['a question of no survey', 'by=question:elsewhere'],
    ['an empty question', 'by=question:'],
    ['question in another case', 'by=Question:s-1'],
    ['a question with where', 'by=question:s-1&where=role:vp'],
    ['a question with an empty where', 'by=question:s-1&where='],
    ['a question twice', 'by=question:s-1&by=question:s-1'],
    ['where naming a question', 'by=role&where=question:s-1'],
    ['where without by', 'where=role:vp'],
    ['a profile dimension the survey does not ask', 'by=industry'],
    ['an unknown by', 'by=age'],
    ['by empty', 'by='],
    ['by an object key', 'by=__proto__'],
    ['by very long', `by=question:${'x'.repeat(5000)}`],
  ])('%s: 422 invalid_breakdown', (_name, query) => {
    expect(codeOf(() => parse(query))).toBe('invalid_breakdown');
  });

  it('names the choices in its message, never what was sent', () => {
    expect(() => parse('by=question:<b>')).toThrow(/"role", "companySize", "question:s-1", "question:s-4"/);
    expect(() => parse('by=question:<b>')).not.toThrow(/</);
  });
});

describe('breakdownChoices', () => {
  it('profile questions in catalogue order, then the single-answer questions in survey order', () => {
    expect(breakdownChoices(surveyRecord({ profile: ['companySize', 'role'] }))).toEqual([
      { by: 'role', label: 'Role' },
      { by: 'companySize', label: 'Company size' },
      { by: 'question:s-1', label: 'Tool?' },
      { by: 'question:s-4', label: 'Rate?' },
      { by: 'question:s-5', label: 'Where?' },
    ]);
    expect(breakdownChoices(surveyRecord({ profile: [], questions: [question(q2, 0)] }))).toEqual([]);
  });
});

const group = (responses: number, votes: Record<number, number>): GroupCounts => ({
  responses,
  optionVotes: new Map(Object.entries(votes).map(([id, n]) => [Number(id), n])),
});

/**
 * Question 2 (options a = 10, b = 11) broken down by question 1 (x, y, z). 20 answered question 2:
 * a 12, b 8. Of them x: 10 (a 8, b 2); y: 6 (a 2, b 4); z: nobody; so "No answer" (answered
 * question 2, not question 1) is 20 − 16 = 4 (a 2, b 2).
 */
const twenty: SegmentCounts = {
  crossSection: group(20, { 10: 12, 11: 8 }),
  segments: new Map([
    ['x', group(10, { 10: 8, 11: 2 })],
    ['y', group(6, { 10: 2, 11: 4 })],
  ]),
};

describe('cross-question breakdowns (buildBreakdown with the by-question’s segments)', () => {
  const b = buildBreakdown(q2, questionSegments(q1), twenty, 3);
  const segment = (value: string) => b.segments.find((s) => s.value === value)!;

  it('has a segment per option of the by-question, then "No answer"; dimension question:<slug>', () => {
    expect(b).toMatchObject({ dimension: 'question:s-1', where: null, minCellSize: 3, suppressed: false });
    expect(b.segments.map((s) => [s.value, s.label])).toEqual([
      ['x', 'X'],
      ['y', 'Y'],
      ['z', 'Z'],
      ['not-answered', 'No answer'],
    ]);
  });

  it('includes the by-question’s "Other" option as a segment of its own', () => {
    expect(questionSegments(q5).segments).toEqual([
      { value: 'p', label: 'P' },
      { value: 'other', label: 'Other' },
      { value: 'not-answered', label: 'No answer' },
    ]);
  });

  it('gives shares, Wilson intervals and differences from everyone else (8/10 against 4/10)', () => {
    expect(segment('x')).toMatchObject({ suppressed: false, n: 10 });
    const a = segment('x').options![0]!;
    expect(a).toMatchObject({ key: 'a', votes: 8, share: 0.8 });
    expect(a.ci95).toEqual(wilsonInterval(8, 10));
    expect(a.diff).toEqual(newcombeDifference(8, 10, 12 - 8, 20 - 10));
    expect(a.diff!.value).toBeCloseTo(0.4, 12);
    // b among y: 4/6 against (8 − 4)/(20 − 6).
    expect(segment('y').options![1]!.diff).toEqual(newcombeDifference(4, 6, 4, 14));
  });

  it('derives "No answer" as the cross-section minus the stated segments: 4 (a 2, b 2)', () => {
    expect(segment('not-answered')).toMatchObject({ suppressed: false, n: 4 });
    expect(segment('not-answered').options!.map((o) => o.votes)).toEqual([2, 2]);
    expect(segment('not-answered').options![0]!.diff).toEqual(newcombeDifference(2, 4, 10, 16));
  });

  it('hides the empty answer exactly like a small one', () => {
    expect(segment('z')).toEqual({ value: 'z', label: 'Z', suppressed: true, n: null, options: null });
  });

  it('K = 5: z (0) and "No answer" (4) are hidden, and as they hold 4 < K, the smallest shown (y, 6) too', () => {
    const k5 = buildBreakdown(q2, questionSegments(q1), twenty, 5);
    expect(k5.segments.map((s) => [s.value, s.n])).toEqual([
      ['x', 10],
      ['y', null],
      ['z', null],
      ['not-answered', null],
    ]);
  });

  it('K = 25: the whole cross-section of 20 is too small, no number shows', () => {
    const k25 = buildBreakdown(q2, questionSegments(q1), twenty, 25);
    expect(k25.suppressed).toBe(true);
    expect(k25.segments.every((s) => s.suppressed && s.n === null && s.options === null)).toBe(true);
  });
});

describe('survey visibility', () => {
  it('after_vote: shown to a browser with a response; always: to everyone; after_close: once closed', () => {
    expect(surveyHiddenReason(survey, { responded: false }, NOW)).toBe('after_vote');
    expect(surveyHiddenReason(survey, { responded: true }, NOW)).toBeNull();
    expect(surveyHiddenReason(surveyRecord({ resultsVisibility: 'always' }), { responded: false }, NOW)).toBeNull();
    const afterClose = surveyRecord({ resultsVisibility: 'after_close', closesAt: NOW + HOUR });
    expect(surveyHiddenReason(afterClose, { responded: true }, NOW)).toBe('after_close');
    expect(surveyHiddenReason(afterClose, { responded: false }, NOW + HOUR)).toBeNull();
    expect(surveyHiddenMessage(afterClose, 'after_close')).toBe(
      'Results will be shown when the survey closes on 2026-06-01T13:00:00Z.',
    );
    expect(surveyHiddenMessage(survey, 'after_vote')).toBe(
      'Results are shown to people who have answered this survey.',
    );
  });
});

describe('surveyTrendPoints', () => {
  const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
  const days = [
    { day: dayOf('2026-11-02'), started: 3, finished: 1 },
    { day: dayOf('2026-11-04'), started: 2, finished: 2 },
    { day: dayOf('2026-11-10'), started: 5, finished: 4 },
  ];

  it('every day from the first response to the last day, empty ones with zeros', () => {
    const points = surveyTrendPoints('day', dayOf('2026-11-02'), days, dayOf('2026-11-04'));
    expect(points).toEqual([
      { start: '2026-11-02', started: 3, finished: 1 },
      { start: '2026-11-03', started: 0, finished: 0 },
      { start: '2026-11-04', started: 2, finished: 2 },
    ]);
  });

  it('ISO weeks from Monday', () => {
    expect(surveyTrendPoints('week', dayOf('2026-11-02'), days, dayOf('2026-11-11'))).toEqual([
      { start: '2026-11-02', started: 5, finished: 3 },
      { start: '2026-11-09', started: 5, finished: 4 },
    ]);
  });

  it('no responses: no points', () => {
    expect(surveyTrendPoints('day', null, [], dayOf('2026-11-11'))).toEqual([]);
  });
});

describe('responses CSV rows', () => {
  it('header: response, times, finished, profile (catalogue order), question slugs, then write-ins', () => {
    expect(responsesCsvHeader(surveyRecord({ profile: ['companySize', 'role'] }))).toEqual([
      'response',
      'started',
      'updated',
      'finished',
      'role',
      'companySize',
      's-1',
      's-2',
      's-3',
      's-4',
      's-5',
      's-2:other',
      's-5:other',
    ]);
  });

  it('times to the minute, choices joined by ";" (ranked in order), empty where unanswered', () => {
    expect(isoMinute(Date.parse('2026-11-27T08:15:59.999Z'))).toBe('2026-11-27T08:15Z');
    const row = responseCsvRow(survey, {
      id: 12,
      createdAt: Date.parse('2026-11-27T08:15:42Z'),
      updatedAt: Date.parse('2026-11-27T08:21:05Z'),
      finished: false,
      profile: { companySize: 'gt-10000' },
      answers: new Map([
        [1, { choices: ['y'], other: null }],
        [2, { choices: ['a', 'b'], other: '=HYPERLINK("x")' }],
        [3, { choices: ['s', 'r'], other: null }],
      ]),
    });
    expect(row).toEqual([
      12,
      '2026-11-27T08:15Z',
      '2026-11-27T08:21Z',
      'false',
      '',
      'gt-10000',
      'y',
      'a;b',
      's;r',
      '',
      '',
      '=HYPERLINK("x")',
      '',
    ]);
  });
});
