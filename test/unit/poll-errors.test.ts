import { describe, expect, it } from 'vitest';
import { PollError } from '@/lib/errors';
import { formErrorsOf, preparePoll } from '@/lib/poll-admin';
import { ballotOptionIds } from '@/lib/poll-rules';
import { findDuplicateLabel, normaliseOptions } from '@/lib/question-rules';
import { EMPTY_FORM, pollInputFromForm } from '@/lib/poll-form';
import { optionRecords, pollRecord } from '../support/records';
import { describeIssue, fieldErrors, pollInputSchema } from '@/lib/schemas';

const valid = { question: 'Which editor?', options: ['Vim', 'Emacs'] };

/** The sentence a form shows next to `field`, and the API's message, for one refused input. */
function refusal(input: unknown): { form: Record<string, string>; api: string } {
  try {
    preparePoll(input);
  } catch (error) {
    if (!(error instanceof PollError)) throw error;
    return { form: formErrorsOf(error), api: error.message };
  }
  throw new Error('accepted');
}

describe('schema issues as sentences an owner understands', () => {
  it.each([
    [{ ...valid, options: ['Only one'] }, 'options', 'Give at least 2 options.'],
    [{ ...valid, options: Array.from({ length: 31 }, (_, i) => `o${i}`) }, 'options', 'Give at most 30 options.'],
    [{ ...valid, options: ['A', ' '] }, 'options', 'Option 2 is empty; write a label or remove it.'],
    [{ ...valid, options: ['A', 'x'.repeat(201)] }, 'options', 'Option 2 is longer than 200 characters.'],
    [{ ...valid, question: ' ' }, 'question', 'The question must not be empty.'],
    [{ ...valid, question: 'x'.repeat(301) }, 'question', 'The question must be at most 300 characters long.'],
    [{ ...valid, type: 'multiple', minChoices: 'two' }, 'minChoices', 'Minimum choices must be a whole number.'],
    [{ ...valid, type: 'multiple', maxChoices: 0 }, 'maxChoices', 'Maximum choices must be at least 1.'],
    [
      { ...valid, opensAt: '2026-12-01 09:00' },
      'opensAt',
      'The opening time must be a date and time with a time zone.',
    ],
    [{ ...valid, type: 'poll' }, 'type', 'The type must be one of "single", "multiple", "ranked", "rating".'],
    [{ ...valid, extra: 1 }, 'body', 'The field "extra" is not known.'],
    [
      { ...valid, type: 'rating', options: [{ label: 'Low', value: 1e10 }, '2'] },
      'options',
      "Option 1's value must lie between −1,000,000,000 and 1,000,000,000.",
    ],
    [
      { ...valid, opensAt: '2026-12-02T09:00:00Z', closesAt: '2026-12-01T09:00:00Z' },
      'closesAt',
      'The closing time must be later than the opening time.',
    ],
    [
      { ...valid, type: 'multiple', maxChoices: 3 },
      'maxChoices',
      'Maximum choices cannot be more than the number of options (2).',
    ],
  ])('%j → %s: %s', (input, field, sentence) => {
    const { form, api } = refusal(input);
    expect(form[field]).toBe(sentence);
    // The API names the field first (the contract), then says the same sentence.
    expect(api).toBe(`${field}: ${sentence}`);
    expect(api).not.toMatch(/element\(s\)|Array must|Expected|Required/);
  });

  it('keeps one sentence per field and the full path in the API message', () => {
    const parsed = pollInputSchema.safeParse({ question: '', options: ['A', ''] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(fieldErrors(parsed.error)).toEqual({
      question: 'The question must not be empty.',
      options: 'Option 2 is empty; write a label or remove it.',
    });
    expect(describeIssue(parsed.error)).toBe('question: The question must not be empty.');
  });
});

describe('duplicate options, ignoring case and spacing', () => {
  it.each<[string[], { label: string; first: number; second: number } | null]>([
    [['Vim', 'Emacs'], null],
    [['Vim', ' vim '], { label: 'vim', first: 0, second: 1 }],
    [['VS  Code', 'Vim', 'vs code'], { label: 'vs code', first: 0, second: 2 }],
    [['A', 'B', 'C', 'b'], { label: 'b', first: 1, second: 3 }],
    [['Ｖｉｍ', 'vim'], { label: 'vim', first: 0, second: 1 }],
    [['10%', '10 %'], null],
  ])('%j → %j', (labels, expected) => {
    expect(findDuplicateLabel(labels)).toEqual(expected);
  });

  it('refuses them as invalid_poll naming options, with a sentence for the form', () => {
    expect(() => normaliseOptions(['Vim', { key: 'vim-2', label: 'VIM' }])).toThrow(/^options: "VIM" is listed twice/);
    const { form, api } = refusal({ ...valid, options: ['Vim', 'Emacs', ' vim '] });
    expect(api).toMatch(/^options: /);
    expect(form.options).toBe(
      '"vim" is listed twice (options 1 and 3); each option must differ by more than case or spacing.',
    );
  });
});

describe('an exclusive option ("None of these")', () => {
  const poll = pollRecord({
    type: 'multiple',
    minChoices: 1,
    maxChoices: 3,
    options: optionRecords(['a', 'b', 'none']).map((o) => ({ ...o, exclusive: o.key === 'none' })),
  });

  it.each<[string[], string | null]>([
    [['none'], null],
    [['a', 'b'], null],
    [['a', 'none'], 'invalid_choice: "NONE" cannot be chosen together with other options.'],
    [['none', 'b', 'a'], 'invalid_choice: "NONE" cannot be chosen together with other options.'],
  ])('%j → %s', (choices, refusal) => {
    let outcome: string | null = null;
    try {
      ballotOptionIds(poll, choices);
    } catch (error) {
      if (!(error instanceof PollError)) throw error;
      outcome = `${error.code}: ${error.message}`;
    }
    expect(outcome).toBe(refusal);
  });

  it('is refused on single choice, and named in the form by its label', () => {
    expect(refusal({ ...valid, options: ['A', { label: 'None', exclusive: true }] }).form.options).toBe(
      'Only a multiple-choice poll can have an option that excludes the others.',
    );
    const form = { ...EMPTY_FORM, question: 'Q', type: 'multiple', options: 'A\nB\nnone of these' };
    expect(pollInputFromForm({ ...form, exclusive: 'None of these' }).options).toEqual([
      'A',
      'B',
      { label: 'none of these', exclusive: true },
    ]);
    expect(pollInputFromForm({ ...form, options: 'A\nB', exclusive: 'None' }).options).toEqual([
      'A',
      'B',
      { label: 'None', exclusive: true },
    ]);
    // Single choice ignores the field, as it ignores min/max choices.
    expect(pollInputFromForm({ ...form, type: 'single', exclusive: 'None' }).options).toEqual([
      'A',
      'B',
      'none of these',
    ]);
  });
});
