/** Surveys as JSON: pages from the stored questions, the contract's shapes, and the export that recreates a survey. */
import { describe, expect, it } from 'vitest';
import { prepareSurvey } from '@/lib/survey-admin';
import { toSurveyInput } from '@/lib/survey-files';
import { surveyInputSchema } from '@/lib/survey-schemas';
import { surveyPages, surveyStatus, toSurveyJson, toSurveySummary } from '@/lib/surveys';
import { HOUR, NOW } from '../support/records';
import { question, surveyRecord } from '../support/survey-records';

const survey = surveyRecord(
  [
    question('pulse-1', 0, {}, true),
    question('pulse-2', 0),
    question('pulse-3', 1, { type: 'multiple', maxChoices: 3 }),
  ],
  { startedCount: 5, finishedCount: 3, profile: ['role'], closesAt: NOW + HOUR },
);

describe('surveyPages', () => {
  it('groups the questions by page in stored order', () => {
    expect(surveyPages(survey).map((page) => page.map((q) => q.poll.slug))).toEqual([
      ['pulse-1', 'pulse-2'],
      ['pulse-3'],
    ]);
  });
});

describe('surveyStatus', () => {
  it.each([
    [{ status: 'draft' as const }, 'draft'],
    [{ opensAt: NOW + 1 }, 'scheduled'],
    [{}, 'open'],
    [{ closesAt: NOW }, 'closed'],
    [{ status: 'closed' as const }, 'closed'],
  ])('%o → %s', (overrides, status) => {
    expect(surveyStatus(surveyRecord([], overrides), NOW)).toBe(status);
  });
});

describe('toSurveyJson', () => {
  it('is the contract shape: pages of Polls with `required`', () => {
    const json = toSurveyJson(survey, NOW);
    expect(json).toMatchObject({
      slug: 'pulse',
      title: 'Pulse',
      status: 'open',
      opensAt: null,
      closesAt: new Date(NOW + HOUR).toISOString(),
      resultsVisibility: 'after_vote',
      duplicatePolicy: 'device',
      profile: ['role'],
    });
    expect(json.pages.map((page) => page.map((q) => [q.slug, q.required]))).toEqual([
      [
        ['pulse-1', true],
        ['pulse-2', false],
      ],
      [['pulse-3', false]],
    ]);
    expect(json.pages[0]![0]!.options.map((o) => o.key)).toEqual(['a', 'b', 'c']);
  });

  it('summarises for the list', () => {
    expect(toSurveySummary(survey, NOW)).toEqual({
      slug: 'pulse',
      title: 'Pulse',
      status: 'open',
      questions: 3,
      pages: 2,
      totalResponses: 5,
      createdAt: new Date(NOW - HOUR).toISOString(),
    });
  });
});

describe('toSurveyInput (export)', () => {
  it('is a valid SurveyInput that prepares into the same survey', () => {
    const input = toSurveyInput(survey);
    expect(surveyInputSchema.safeParse(input).success).toBe(true);
    expect(input.pages).toEqual([[0, 1], [2]]);
    expect(input.questions.map((q) => [q.slug, q.required])).toEqual([
      ['pulse-1', true],
      ['pulse-2', false],
      ['pulse-3', false],
    ]);
    // The survey owns the lifecycle: the questions carry none of their own.
    expect(input.questions.every((q) => !('status' in q) && !('closesAt' in q))).toBe(true);
    const prepared = prepareSurvey(input);
    expect(prepared.slug).toBe('pulse');
    expect(prepared.fields.closesAt).toBe(NOW + HOUR);
    expect(prepared.questions.map((q) => [q.slug, q.page, q.required, q.fields.type])).toEqual([
      ['pulse-1', 0, true, 'single'],
      ['pulse-2', 0, false, 'single'],
      ['pulse-3', 1, false, 'multiple'],
    ]);
  });

  it('exports a draft as a draft', () => {
    expect(toSurveyInput(surveyRecord(survey.questions, { status: 'draft' })).status).toBe('draft');
  });
});
