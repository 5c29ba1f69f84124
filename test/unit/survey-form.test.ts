/** The survey editor's form ↔ SurveyInput, its buttons (add, move, remove) and its preview. */
import { describe, expect, it } from 'vitest';
import { PollInputError } from '@/lib/poll-admin';
import { prepareSurvey } from '@/lib/survey-admin';
import {
  applyEditorAction,
  editorAction,
  EMPTY_QUESTION,
  EMPTY_SURVEY_FORM,
  normaliseQuestions,
  readSurveyForm,
  surveyFormValues,
  surveyFormValuesOf,
  surveyInputFromForm,
  surveyPatchFromForm,
  type QuestionFormValues,
  type SurveyFormValues,
} from '@/lib/survey-form';
import { surveyPreview } from '@/lib/survey-preview';
import type { SurveyRecord } from '@/lib/survey-types';
import { HOUR, NOW, optionRecords, pollRecord } from '../support/records';

/** The fields the editor renders for these values, as a browser posts them (unticked boxes absent). */
function posted(values: SurveyFormValues, action = 'create'): URLSearchParams {
  const form = new URLSearchParams({ action });
  for (const [key, value] of Object.entries(values)) {
    if (key === 'profile') for (const dimension of values.profile) form.append('profile', dimension);
    else if (key !== 'questions' && (key !== 'draft' || value)) form.append(key, value as string);
  }
  values.questions.forEach((question, index) => {
    for (const [field, value] of Object.entries(question)) {
      if ((field === 'required' || field === 'allowOther') && !value) continue;
      form.append(`questions.${index}.${field}`, value);
    }
  });
  return form;
}

const question = (fields: Partial<QuestionFormValues>): QuestionFormValues => ({
  ...EMPTY_QUESTION,
  options: 'A\nB',
  ...fields,
});

/** A survey "pulse" of three questions on two pages, the second of them ranked and required. */
function survey(overrides: Partial<SurveyRecord> = {}): SurveyRecord {
  const common = { status: 'open' as const, opensAt: null, closesAt: NOW + 24 * HOUR, profile: ['role' as const] };
  return {
    id: 7,
    slug: 'pulse',
    title: 'Team pulse',
    description: 'Three quick questions.',
    status: 'open',
    opensAt: null,
    closesAt: NOW + 24 * HOUR,
    resultsVisibility: 'always',
    duplicatePolicy: 'device',
    profile: ['role'],
    startedCount: 0,
    finishedCount: 0,
    duplicateCount: 0,
    createdAt: NOW - HOUR,
    updatedAt: NOW - HOUR,
    questions: [
      { poll: pollRecord({ id: 1, slug: 'pulse-1', question: 'Where?', ...common }), page: 0, required: false },
      {
        poll: pollRecord({
          id: 2,
          slug: 'pulse-2',
          question: 'Rank the tools',
          type: 'ranked',
          minChoices: 1,
          maxChoices: 3,
          options: optionRecords(['x', 'y', 'z']),
          ...common,
        }),
        page: 0,
        required: true,
      },
      {
        poll: pollRecord({ id: 3, slug: 'custom-slug', question: 'Anything else?', allowOther: true, ...common }),
        page: 1,
        required: false,
      },
    ],
    ...overrides,
  };
}

describe('a survey → its form → SurveyInput', () => {
  it('comes back as the SurveyInput that would recreate it, pages from the page fields', () => {
    const values = surveyFormValuesOf(survey());
    expect(values.questions.map((q) => [q.page, q.required, q.slug])).toEqual([
      ['1', '', ''],
      ['1', 'on', ''],
      ['2', '', 'custom-slug'],
    ]);
    const { values: read, action } = readSurveyForm(posted(values));
    expect(action).toEqual({ kind: 'submit' });
    expect(read).toEqual({ ...values, questions: values.questions.map((q) => ({ ...q })) });
    expect(surveyInputFromForm(read)).toEqual({
      title: 'Team pulse',
      description: 'Three quick questions.',
      slug: 'pulse',
      questions: [
        expect.objectContaining({ question: 'Where?', type: 'single', options: ['A', 'B', 'C'], required: false }),
        expect.objectContaining({
          question: 'Rank the tools',
          type: 'ranked',
          options: ['X', 'Y', 'Z'],
          minChoices: 1,
          maxChoices: 3,
          required: true,
        }),
        expect.objectContaining({ question: 'Anything else?', slug: 'custom-slug', allowOther: true, required: false }),
      ],
      pages: [[0, 1], [2]],
      profile: ['role'],
      resultsVisibility: 'always',
      duplicatePolicy: 'device',
      opensAt: null,
      closesAt: '2026-06-02T12:00:00Z',
      status: 'open',
    });
  });

  it('is accepted by the admin API’s own rules, each question on its page, required kept', () => {
    const prepared = prepareSurvey(surveyInputFromForm(readSurveyForm(posted(surveyFormValuesOf(survey()))).values));
    expect(prepared.slug).toBe('pulse');
    expect(prepared.questions.map((q) => [q.fields.question, q.page, q.required, q.slug])).toEqual([
      ['Where?', 0, false, null],
      ['Rank the tools', 0, true, null],
      ['Anything else?', 1, false, 'custom-slug'],
    ]);
  });

  it('gives questions no survey-level fields: the survey’s own apply to them', () => {
    const input = surveyInputFromForm(readSurveyForm(posted(surveyFormValuesOf(survey()))).values);
    for (const one of input.questions as Record<string, unknown>[]) {
      for (const key of ['resultsVisibility', 'duplicatePolicy', 'opensAt', 'closesAt', 'status', 'profile']) {
        expect(one, key).not.toHaveProperty(key);
      }
    }
  });

  it('reads a draft, a slug, UTC wall times and unticked boxes', () => {
    const input = surveyInputFromForm({
      ...EMPTY_SURVEY_FORM,
      title: 'T',
      slug: ' my-survey ',
      draft: 'on',
      opensAt: '2099-01-02T09:30',
      closesAt: '',
      questions: [question({ question: 'Q?' })],
    });
    expect(input).toMatchObject({
      slug: 'my-survey',
      status: 'draft',
      opensAt: '2099-01-02T09:30:00Z',
      closesAt: null,
      pages: [[0]],
      questions: [{ question: 'Q?', options: ['A', 'B'], allowOther: false, required: false }],
    });
  });

  it('as an edit: no slug nor status, and no questions once they are locked', () => {
    const values = surveyFormValuesOf(survey());
    const open = surveyPatchFromForm(values, true);
    expect(open).not.toHaveProperty('slug');
    expect(open).not.toHaveProperty('status');
    expect(open).toHaveProperty('questions');
    expect(open).toHaveProperty('pages');
    const locked = surveyPatchFromForm({ ...values, questions: [] }, false);
    expect(Object.keys(locked).sort()).toEqual(
      ['closesAt', 'description', 'duplicatePolicy', 'opensAt', 'profile', 'resultsVisibility', 'title'].sort(),
    );
  });
});

describe('reading a posted form', () => {
  it('takes questions by their indexes in order, gaps closed, unknown fields ignored', () => {
    const values = surveyFormValues(
      new URLSearchParams([
        ['title', 'T'],
        ['questions.5.question', 'Fifth'],
        ['questions.5.page', '1'],
        ['questions.0.question', 'First'],
        ['questions.0.page', '1'],
        ['questions.0.nonsense', 'x'],
        ['questions.x.question', 'ignored'],
        ['__proto__', 'x'],
      ]),
    );
    expect(values.questions.map((q) => q.question)).toEqual(['First', 'Fifth']);
    expect(values.questions[0]).toEqual({ ...EMPTY_QUESTION, type: '', scale: '', question: 'First' });
  });

  it.each([
    ['add', { kind: 'add' }],
    ['preview', { kind: 'preview' }],
    ['create', { kind: 'submit' }],
    ['save', { kind: 'submit' }],
    ['move-up:2', { kind: 'move', index: 2, by: -1 }],
    ['move-down:0', { kind: 'move', index: 0, by: 1 }],
    ['remove:19', { kind: 'remove', index: 19 }],
    ['remove:x', null],
    ['move-up:99999', null],
    ['close', null],
    [null, null],
  ])('reads the button %s', (value, expected) => {
    expect(editorAction(value)).toEqual(expected);
  });
});

describe('the buttons', () => {
  const form = (pages: string[]): SurveyFormValues => ({
    ...EMPTY_SURVEY_FORM,
    questions: pages.map((page, i) => question({ question: `Q${i + 1}`, page })),
  });
  const shape = (values: SurveyFormValues) => values.questions.map((q) => `${q.question}@${q.page}`);

  it('adds a question on the last page, up to 20', () => {
    expect(shape(applyEditorAction(form(['1', '2']), { kind: 'add' }))).toEqual(['Q1@1', 'Q2@2', '@2']);
    const full = form(Array.from({ length: 20 }, () => '1'));
    expect(applyEditorAction(full, { kind: 'add' }).questions).toHaveLength(20);
  });

  it('moves a question within its page by swapping, and across a page break onto the next page', () => {
    const values = form(['1', '1', '2']);
    expect(shape(applyEditorAction(values, { kind: 'move', index: 1, by: -1 }))).toEqual(['Q2@1', 'Q1@1', 'Q3@2']);
    // Down across the break: Q2 becomes the first question of page 2.
    expect(shape(applyEditorAction(values, { kind: 'move', index: 1, by: 1 }))).toEqual(['Q1@1', 'Q2@2', 'Q3@2']);
    // Up across the break: Q3 joins page 1 at its end; page 2, now empty, is gone.
    expect(shape(applyEditorAction(values, { kind: 'move', index: 2, by: -1 }))).toEqual(['Q1@1', 'Q2@1', 'Q3@1']);
    // The first cannot go up, the last not down, an unknown index moves nothing.
    for (const move of [
      { index: 0, by: -1 as const },
      { index: 2, by: 1 as const },
      { index: 7, by: 1 as const },
    ]) {
      expect(shape(applyEditorAction(values, { kind: 'move', ...move }))).toEqual(['Q1@1', 'Q2@1', 'Q3@2']);
    }
  });

  it('removes a question, but never the only one', () => {
    expect(shape(applyEditorAction(form(['1', '2', '2']), { kind: 'remove', index: 0 }))).toEqual(['Q2@1', 'Q3@1']);
    expect(shape(applyEditorAction(form(['1']), { kind: 'remove', index: 0 }))).toEqual(['Q1@1']);
  });

  it('puts questions in page order, keeping their order on a page, and numbers pages without gaps', () => {
    expect(
      shape({ ...EMPTY_SURVEY_FORM, questions: normaliseQuestions(form(['3', '1', '3', '1']).questions) }),
    ).toEqual(['Q2@1', 'Q4@1', 'Q1@2', 'Q3@2']);
    // An empty page field follows the question before it.
    expect(shape({ ...EMPTY_SURVEY_FORM, questions: normaliseQuestions(form(['2', '', '5']).questions) })).toEqual([
      'Q1@1',
      'Q2@1',
      'Q3@2',
    ]);
    // A page that is no page leaves the order alone for the error to show where it was typed.
    expect(shape({ ...EMPTY_SURVEY_FORM, questions: normaliseQuestions(form(['2', 'x', '1']).questions) })).toEqual([
      'Q1@2',
      'Q2@x',
      'Q3@1',
    ]);
  });
});

describe('bad input', () => {
  it('names each question’s faulty field by its path, questions.N.field', () => {
    const values: SurveyFormValues = {
      ...EMPTY_SURVEY_FORM,
      title: 'T',
      questions: [
        question({ question: 'Fine' }),
        question({ question: 'Ranges?', scale: 'ordinal', options: 'Low | 1-x\nHigh' }),
        question({ question: 'Page?', page: '11' }),
      ],
    };
    let refused: unknown;
    try {
      surveyInputFromForm(values);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PollInputError);
    expect(Object.keys((refused as PollInputError).errors)).toEqual(['questions.1.options', 'questions.2.page']);
    expect((refused as PollInputError).errors['questions.2.page']).toBe('Choose a page from 1 to 10.');
    expect((refused as PollInputError).message).toMatch(/^questions\.1\.options: Option 1's range/);
  });

  it('names the admin rules’ problems too when the form finds its own, survey fields first', () => {
    let refused: unknown;
    try {
      surveyInputFromForm({
        ...EMPTY_SURVEY_FORM,
        title: '',
        questions: [
          question({ question: '' }),
          question({ question: 'Ranges?', scale: 'ordinal', options: 'Low | x' }),
        ],
      });
    } catch (error) {
      refused = error;
    }
    expect(Object.keys((refused as PollInputError).errors)).toEqual([
      'title',
      'questions.0.question',
      'questions.1.options',
    ]);
  });
});

describe('the preview', () => {
  it('shows the questions page by page as polls, required marked, the profile on the first page', () => {
    const preview = surveyPreview(readSurveyForm(posted(surveyFormValuesOf(survey()), 'preview')).values);
    expect(preview.title).toBe('Team pulse');
    expect(preview.profile).toEqual(['role']);
    expect(preview.errors).toEqual({});
    expect(preview.pages.map((page) => page.map((q) => [q.number, q.poll.question, q.required]))).toEqual([
      [
        [1, 'Where?', false],
        [2, 'Rank the tools', true],
      ],
      [[3, 'Anything else?', false]],
    ]);
    const ranked = preview.pages[0]![1]!.poll;
    expect([ranked.type, ranked.minChoices, ranked.maxChoices]).toEqual(['ranked', 1, 3]);
    expect(preview.pages[1]![0]!.poll.options.map((o) => o.key)).toEqual(['a', 'b', 'c', 'other']);
  });

  it('leaves out a question the poll rules refuse and says why under its own fields', () => {
    const preview = surveyPreview({
      ...EMPTY_SURVEY_FORM,
      questions: [question({ question: 'Fine' }), question({ question: '', options: 'Only one', page: '2' })],
    });
    expect(preview.title).toBe('Untitled survey');
    expect(preview.pages.map((page) => page.map((q) => q.number))).toEqual([[1]]);
    expect(Object.keys(preview.errors).sort()).toEqual(['questions.1.options', 'questions.1.question']);
  });
});
