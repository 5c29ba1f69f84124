/** Preparing a survey: every problem with its field path, pages, required, default question slugs. */
import { describe, expect, it } from 'vitest';
import { PollInputError } from '@/lib/poll-admin';
import { defaultQuestionSlug, prepareSurvey } from '@/lib/survey-admin';

const q = (question: string, extra: Record<string, unknown> = {}) => ({ question, options: ['Yes', 'No'], ...extra });

/** Every field path → sentence of a refused input. */
function problems(body: unknown): Record<string, string> {
  try {
    prepareSurvey(body);
  } catch (error) {
    if (error instanceof PollInputError) return error.errors;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('prepareSurvey', () => {
  it('prepares a minimal survey: one question per page, optional questions, the survey defaults', () => {
    const prepared = prepareSurvey({ title: ' Pulse ', questions: [q('One?'), q('Two?', { required: true })] });
    expect(prepared.slug).toBeNull();
    expect(prepared.fields).toEqual({
      title: 'Pulse',
      description: '',
      status: 'open',
      opensAt: null,
      closesAt: null,
      resultsVisibility: 'after_vote',
      duplicatePolicy: 'device',
      profile: [],
    });
    expect(prepared.questions.map((x) => [x.fields.question, x.page, x.required, x.index])).toEqual([
      ['One?', 0, false, 0],
      ['Two?', 1, true, 1],
    ]);
    expect(prepared.questions[0]!.options.map((o) => o.key)).toEqual(['yes', 'no']);
  });

  it('groups questions by `pages`, storing them page by page', () => {
    const prepared = prepareSurvey({
      slug: 'pulse',
      title: 'Pulse',
      questions: [q('A?'), q('B?'), q('C?')],
      pages: [[2, 0], [1]],
    });
    expect(prepared.questions.map((x) => [x.fields.question, x.page, x.index])).toEqual([
      ['C?', 0, 2],
      ['A?', 0, 0],
      ['B?', 1, 1],
    ]);
  });

  it('orders the profile as the catalogue does', () => {
    expect(prepareSurvey({ title: 'P', questions: [q('A?')], profile: ['region', 'role'] }).fields.profile).toEqual([
      'role',
      'region',
    ]);
  });

  it('reports every problem at once, each under its path', () => {
    const found = problems({
      title: '',
      questions: [
        q('Fine?'),
        { question: 'Bad?', options: ['only one'] },
        q('Counts?', { type: 'multiple', minChoices: 5 }),
      ],
      pages: [[0], [1, 2], []],
    });
    expect(Object.keys(found).sort()).toEqual(
      ['pages.2', 'questions.1.options', 'questions.2.minChoices', 'title'].sort(),
    );
    expect(found.title).toBe('The title must not be empty.');
    expect(found['questions.1.options']).toBe('Give at least 2 options.');
    expect(found['pages.2']).toMatch(/Page 3 is empty/);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no questions', { title: 'P', questions: [] }, 'questions', /at least one question/],
    [
      'too many questions',
      { title: 'P', questions: Array.from({ length: 21 }, (_, i) => q(`Q${i}?`)) },
      'questions',
      /at most 20/,
    ],
    ['no title', { questions: [q('A?')] }, 'title', /required/],
    ['a long title', { title: 'x'.repeat(301), questions: [q('A?')] }, 'title', /at most 300/],
    ['a long description', { title: 'P', description: 'x'.repeat(2001), questions: [q('A?')] }, 'description', /2000/],
    [
      'eleven questions without pages',
      { title: 'P', questions: Array.from({ length: 11 }, (_, i) => q(`Q${i}?`)) },
      'pages',
      /at most 10 pages/,
    ],
    [
      'eleven pages',
      { title: 'P', questions: [q('A?')], pages: Array.from({ length: 11 }, () => [0]) },
      'pages',
      /at most 10 pages/,
    ],
    [
      'a question on no page',
      { title: 'P', questions: [q('A?'), q('B?')], pages: [[0]] },
      'pages',
      /Question 2 \(index 1\) is on no page/,
    ],
    [
      'a question on two pages',
      { title: 'P', questions: [q('A?'), q('B?')], pages: [[0, 1], [1]] },
      'pages',
      /on more than one page/,
    ],
    [
      'a page naming a missing question',
      { title: 'P', questions: [q('A?')], pages: [[0, 3]] },
      'pages.0',
      /numbered 0 to 0/,
    ],
    ['a page that is not a list', { title: 'P', questions: [q('A?')], pages: [0] }, 'pages.0', /must be a list/],
    ['a question that is not an object', { title: 'P', questions: ['A?'] }, 'questions.0', /must be an object/],
    [
      'required that is not a boolean',
      { title: 'P', questions: [q('A?', { required: 'yes' })] },
      'questions.0.required',
      /true or false/,
    ],
    [
      'an unknown question field',
      { title: 'P', questions: [q('A?', { colour: 'red' })] },
      'questions.0',
      /"colour" is not known/,
    ],
    ['an unknown survey field', { title: 'P', questions: [q('A?')], colour: 'red' }, 'body', /"colour" is not known/],
    [
      'two questions with one slug',
      { title: 'P', questions: [q('A?', { slug: 'same' }), q('B?', { slug: 'same' })] },
      'questions.1.slug',
      /Question 1 has the slug "same" too/,
    ],
    ['a bad survey slug', { slug: 'Not A Slug', title: 'P', questions: [q('A?')] }, 'slug', /lowercase/],
    [
      'closing before opening',
      { title: 'P', questions: [q('A?')], opensAt: '2026-12-02T00:00:00Z', closesAt: '2026-12-01T00:00:00Z' },
      'closesAt',
      /later than the opening/,
    ],
    ['a body that is not an object', [1, 2], 'body', /JSON object describing the survey/],
  ])('refuses %s', (_, body, field, sentence) => {
    const found = problems(body);
    expect(found[field], JSON.stringify(found)).toMatch(sentence);
  });

  it('puts the first problem in the message with its path, as the API answers it', () => {
    try {
      prepareSurvey({ title: 'P', questions: [q('A?'), { question: 'B?', options: [] }] });
    } catch (error) {
      expect((error as PollInputError).code).toBe('invalid_poll');
      expect((error as PollInputError).message).toBe('questions.1.options: Give at least 2 options.');
      return;
    }
    throw new Error('expected a refusal');
  });
});

describe('defaultQuestionSlug', () => {
  it.each([
    ['pulse', 1, 'pulse-1'],
    ['pulse', 12, 'pulse-12'],
    ['a'.repeat(64), 3, `${'a'.repeat(62)}-3`],
    [`${'a'.repeat(61)}-bc`, 10, `${'a'.repeat(61)}-10`],
  ])('%s, question %i → %s', (survey, n, slug) => {
    expect(defaultQuestionSlug(survey, n)).toBe(slug);
    expect(slug.length).toBeLessThanOrEqual(64);
  });
});
