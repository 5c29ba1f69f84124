/** Checking a survey's answers: the poll ballot rules per question, required questions, every problem listed. */
import { describe, expect, it } from 'vitest';
import {
  checkFormPage,
  checkResponseBody,
  pageAnswersFromForm,
  SurveyAnswersError,
  type AnswerProblem,
} from '@/lib/survey-answers';
import { optionRecords } from '../support/records';
import { question, surveyRecord } from '../support/survey-records';

const key = (pollId: number) => `key-${pollId}`;
const withOther = () => [
  ...optionRecords(),
  { ...optionRecords(['other'])[0]!, id: 999, position: 3, label: 'Other', other: true },
];

/** Page 1: q-1 single (required), q-2 multiple up to 2 with "Other"; page 2: q-3 ranked (required). */
const survey = surveyRecord(
  [
    question('q-1', 0, {}, true),
    question('q-2', 0, { type: 'multiple', minChoices: 1, maxChoices: 2, allowOther: true }),
    question('q-3', 1, { type: 'ranked', minChoices: 1, maxChoices: 3 }, true),
  ],
  { profile: ['role'] },
);
survey.questions[1]!.poll.options = withOther().map((o) => ({ ...o, id: o.id + 50000 }));

/** The problems a check refuses with. */
function problemsOf(run: () => unknown): AnswerProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SurveyAnswersError) {
      expect(error.code).toBe('invalid_answers');
      expect(error.status).toBe(422);
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected invalid_answers');
}

describe('checkResponseBody (JSON API)', () => {
  it('records pages 1…k, k the last page with an answer, first choice and whole order for a ranking', () => {
    const checked = checkResponseBody(
      survey,
      { answers: { 'q-1': { choices: ['a'] }, 'q-3': { choices: ['c', 'a'] } }, profile: { role: 'vp' } },
      key,
    );
    expect(checked.pages).toEqual([0, 1]);
    expect(checked.profile).toEqual({ role: 'vp' });
    expect(checked.answers).toEqual([
      { pollId: 101, optionIds: [10100], ranking: null, otherText: null, deviceKey: 'key-101' },
      { pollId: 103, optionIds: [10302], ranking: [10302, 10300], otherText: null, deviceKey: 'key-103' },
    ]);
  });

  it('stops at the first page when later pages have no answers (their required questions wait)', () => {
    const checked = checkResponseBody(survey, { answers: { 'q-1': { choices: ['b'] } } }, key);
    expect(checked.pages).toEqual([0]);
    expect(checked.answers.map((a) => a.pollId)).toEqual([101]);
    expect(checked.profile).toEqual({});
  });

  it('refuses a response that answers nothing, and lists at most 20 problems of a body full of junk', () => {
    const optional = surveyRecord([question('q-1', 0, {}, false), question('q-2', 1, {}, false)]);
    expect(problemsOf(() => checkResponseBody(optional, { answers: {} }, key))).toEqual([
      { question: null, code: 'invalid_body', message: 'The response answers no question; answer at least one.' },
    ]);
    const junk = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`nope-${i}`, { choices: ['a'] }]));
    const problems = problemsOf(() =>
      checkResponseBody(survey, { answers: { ...junk, 'q-1': { choices: ['a'] } } }, key),
    );
    expect(problems).toHaveLength(21);
    expect(problems[20]).toEqual({ question: null, code: 'invalid_body', message: '…and 30 more problems.' });
  });

  it('names an answer keyed "__proto__" as a question the survey lacks', () => {
    const body = JSON.parse('{"answers":{"__proto__":{"choices":["a"]},"q-1":{"choices":["a"]}}}');
    expect(problemsOf(() => checkResponseBody(survey, body, key)).map((p) => [p.question, p.code])).toEqual([
      ['__proto__', 'unknown_question'],
    ]);
  });

  it('takes a write-in as the option "other"', () => {
    const checked = checkResponseBody(
      survey,
      { answers: { 'q-1': { choices: ['a'] }, 'q-2': { choices: ['b'], other: '  Jira  ' } } },
      key,
    );
    expect(checked.answers[1]).toMatchObject({ pollId: 102, optionIds: [50011, 50999], otherText: 'Jira' });
  });

  it('lists every problem, per question, and the profile and body problems without one', () => {
    const problems = problemsOf(() =>
      checkResponseBody(
        survey,
        {
          answers: {
            'q-2': { choices: ['a', 'b', 'c'] },
            'q-3': { choices: ['a', 'a'] },
            nope: { choices: ['a'] },
          },
          profile: { role: 'astronaut' },
        },
        key,
      ),
    );
    expect(problems.map((p) => [p.question, p.code])).toEqual([
      ['nope', 'unknown_question'],
      ['q-1', 'required'],
      ['q-2', 'too_many_choices'],
      ['q-3', 'invalid_choice'],
      [null, 'invalid_profile'],
    ]);
    for (const problem of problems) expect(problem.message).toMatch(/\.$/);
    expect(problems.map((p) => p.message).join(' ')).not.toMatch(/poll|voting/);
  });

  it.each<[string, Record<string, unknown>, [string | null, string][]]>([
    ['an unknown option', { 'q-1': { choices: ['z'] } }, [['q-1', 'invalid_choice']]],
    ['two options on a single choice', { 'q-1': { choices: ['a', 'b'] } }, [['q-1', 'too_many_choices']]],
    ['"Other" without text', { 'q-1': { choices: ['a'] }, 'q-2': { choices: ['other'] } }, [['q-2', 'invalid_other']]],
    ['a write-in where none is taken', { 'q-1': { choices: ['a'], other: 'x' } }, [['q-1', 'invalid_other']]],
    ['a malformed answer', { 'q-1': { choices: 'a' } }, [['q-1', 'invalid_body']]],
    ['an answer with an unknown field', { 'q-1': { choices: ['a'], extra: 1 } }, [['q-1', 'invalid_body']]],
    ['a required question left empty', { 'q-1': { choices: [] } }, [['q-1', 'required']]],
    ['a later page answered, an earlier required one not', { 'q-3': { choices: ['a'] } }, [['q-1', 'required']]],
  ])('refuses %s', (_, answers, expected) => {
    const problems = problemsOf(() => checkResponseBody(survey, { answers }, key));
    expect(problems.map((p) => [p.question, p.code])).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['unknown top-level fields', { answers: { 'q-1': { choices: ['a'] } }, extra: true }],
    ['answers that are not an object', { answers: [] }],
    ['no answers at all', {}],
  ])('reports %s as a body problem', (_, body) => {
    const problems = problemsOf(() => checkResponseBody(survey, body, key));
    expect(problems.some((p) => p.question === null && p.code === 'invalid_body')).toBe(true);
  });

  it('refuses a body that is not an object as 400 invalid_body', () => {
    expect(() => checkResponseBody(survey, [1], key)).toThrow(expect.objectContaining({ code: 'invalid_body' }));
  });
});

describe('checkFormPage (the form, one page)', () => {
  const form = (pairs: [string, string][]) => new URLSearchParams(pairs);

  it('reads q:<slug> fields with the ballot rules and the profile on page 1', () => {
    const checked = checkFormPage(
      survey,
      1,
      form([
        ['q:q-1', 'c'],
        ['q:q-2', 'a'],
        ['q:q-2:other', 'Asana'],
        ['profile-role', 'manager'],
        ['choice', 'b'],
      ]),
      key,
    );
    expect(checked.profile).toEqual({ role: 'manager' });
    expect(checked.answers.map((a) => [a.pollId, a.optionIds, a.otherText])).toEqual(
      [
        [101, [10102]],
        [102, [50010, 50999], 'Asana'],
      ].map(([id, ids, text]) => [id, ids, text ?? null]),
    );
  });

  it('keeps ranks in order, skipping a blank one, and leaves the profile alone on later pages', () => {
    const checked = checkFormPage(
      survey,
      2,
      form([
        ['q:q-3', 'b'],
        ['q:q-3', ''],
        ['q:q-3', 'a'],
        ['profile-role', 'manager'],
      ]),
      key,
    );
    expect(checked.profile).toBeNull();
    expect(checked.answers).toEqual([
      { pollId: 103, optionIds: [10301], ranking: [10301, 10300], otherText: null, deviceKey: 'key-103' },
    ]);
  });

  it('lists every problem of the page only', () => {
    const problems = problemsOf(() =>
      checkFormPage(
        survey,
        1,
        form([
          ['q:q-2', 'a'],
          ['q:q-2', 'b'],
          ['q:q-2', 'c'],
          ['profile-role', 'astronaut'],
        ]),
        key,
      ),
    );
    expect(problems.map((p) => [p.question, p.code])).toEqual([
      ['q-1', 'required'],
      ['q-2', 'too_many_choices'],
      [null, 'invalid_profile'],
    ]);
  });

  it('refuses an empty required page', () => {
    expect(problemsOf(() => checkFormPage(survey, 2, form([]), key))).toEqual([
      { question: 'q-3', code: 'required', message: 'Answer this question; it is required.' },
    ]);
  });
});

describe('pageAnswersFromForm', () => {
  it('keeps what was typed for the page, write-in text included, for a refused page', () => {
    const answers = pageAnswersFromForm(
      survey,
      1,
      new URLSearchParams([
        ['q:q-2', 'a'],
        ['q:q-2', 'b'],
        ['q:q-2', 'c'],
        ['q:q-2:other', 'half typed'],
        ['q:q-3', 'a'],
      ]),
    );
    expect([...answers]).toEqual([
      ['q-1', { choices: [], other: '' }],
      ['q-2', { choices: ['a', 'b', 'c'], other: 'half typed' }],
    ]);
  });
});
