/** The admin form's fields ↔ PollInput / PollPatch: what the owner typed, as the admin API's schema reads it. */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_FORM,
  formValues,
  formValuesOf,
  optionLine,
  parseRange,
  pollInputFromForm,
  pollPatchFromForm,
  type PollFormValues,
} from '@/lib/poll-form';
import { PollInputError } from '@/lib/poll-admin';
import { fieldErrors, pollInputSchema, pollPatchSchema } from '@/lib/schemas';
import { optionRecords, pollRecord } from '../support/records';

const form = (fields: Partial<PollFormValues> = {}): PollFormValues => ({
  ...EMPTY_FORM,
  question: 'Which IDE?',
  options: 'A\nB',
  ...fields,
});

describe('formValues', () => {
  it('reads every field of the form as text, first value wins, unknown fields are ignored', () => {
    const values = formValues(
      new URLSearchParams([
        ['question', 'Q?'],
        ['question', 'second'],
        ['options', 'A\r\nB'],
        ['type', 'multiple'],
        ['maxChoices', '2'],
        ['draft', 'on'],
        ['action', 'update'],
        ['__proto__', 'x'],
      ]),
    );
    expect(values).toEqual({
      ...EMPTY_FORM,
      question: 'Q?',
      options: 'A\r\nB',
      type: 'multiple',
      scale: '',
      maxChoices: '2',
      resultsVisibility: '',
      duplicatePolicy: '',
      draft: 'on',
    });
  });

  it('gives an absent field as empty text, not as the blank form’s default, and no profile question', () => {
    expect(formValues(new URLSearchParams())).toEqual({
      ...Object.fromEntries(Object.keys(EMPTY_FORM).map((key) => [key, ''])),
      profile: [],
    });
  });

  it.each<[string, [string, string][], string[]]>([
    ['none ticked', [], []],
    ['one', [['profile', 'role']], ['role']],
    [
      'several, in the order posted',
      [
        ['profile', 'region'],
        ['profile', 'role'],
      ],
      ['region', 'role'],
    ],
    ['unknown ones as posted, for the schema to refuse', [['profile', 'shoe-size']], ['shoe-size']],
  ])('reads every ticked profile question: %s', (_name, fields, expected) => {
    expect(formValues(new URLSearchParams(fields)).profile).toEqual(expected);
  });
});

describe('pollInputFromForm', () => {
  it('turns a blank-form default post into the smallest PollInput', () => {
    expect(pollInputFromForm(form())).toEqual({
      question: 'Which IDE?',
      description: '',
      options: ['A', 'B'],
      type: 'single',
      scale: 'nominal',
      resultsVisibility: 'after_vote',
      duplicatePolicy: 'device',
      opensAt: null,
      closesAt: null,
      status: 'open',
      profile: [],
    });
  });

  it.each<[string[], string[]]>([
    [[], []],
    [['role'], ['role']],
    [
      ['region', 'companySize', 'role'],
      ['region', 'companySize', 'role'],
    ],
  ])('profile questions %j → PollInput.profile %j, a valid PollInput', (profile, expected) => {
    const input = pollInputFromForm(form({ profile }));
    expect(input.profile).toEqual(expected);
    expect(pollInputSchema.parse(input).profile).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['an unknown dimension', ['role', 'shoe-size']],
    ['a dimension twice', ['role', 'role']],
  ])('a form with %s is refused under the field "profile"', (_name, profile) => {
    const parsed = pollInputSchema.safeParse(pollInputFromForm(form({ profile })));
    expect(parsed.success).toBe(false);
    expect(Object.keys(fieldErrors(parsed.error!))).toEqual(['profile']);
  });

  it.each<[string, string, string[]]>([
    ['one per line', 'A\nB\nC', ['A', 'B', 'C']],
    ['Windows line ends', 'A\r\nB\r\n', ['A', 'B']],
    ['blank lines and padding dropped', '\n  VS Code \n\n\t\nVim  \n', ['VS Code', 'Vim']],
    ['nothing', '', []],
    ['only blank lines', '\n \n', []],
    ['commas are not separators', 'A, B', ['A, B']],
  ])('options: %s', (_name, options, expected) => {
    expect(pollInputFromForm(form({ options })).options).toEqual(expected);
  });

  it.each<[string, string, string | null]>([
    ['empty', '', null],
    ['blank', '   ', null],
    ['a datetime-local value (minutes) means UTC', '2026-12-01T09:00', '2026-12-01T09:00:00Z'],
    ['with seconds', '2026-12-01T09:00:30', '2026-12-01T09:00:30Z'],
    ['padded', ' 2026-12-01T09:00 ', '2026-12-01T09:00:00Z'],
    ['with a zone: as typed', '2026-12-01T09:00+05:45', '2026-12-01T09:00+05:45'],
    ['already UTC: as typed', '2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z'],
    ['a date only: as typed', '2026-12-01', '2026-12-01'],
    ['fractions of a second: as typed', '2026-12-01T09:00:00.5', '2026-12-01T09:00:00.5'],
    ['words: as typed', 'tomorrow', 'tomorrow'],
  ])('opensAt and closesAt: %s', (_name, typed, expected) => {
    const input = pollInputFromForm(form({ opensAt: typed, closesAt: typed }));
    expect(input.opensAt).toBe(expected);
    expect(input.closesAt).toBe(expected);
  });

  it.each<[string, string, number | string | undefined]>([
    ['empty', '', undefined],
    ['blank', '  ', undefined],
    ['digits', '2', 2],
    ['padded digits', ' 3 ', 3],
    ['leading zeros', '007', 7],
    ['zero', '0', 0],
    ['a word: as typed, for the schema to name the field', 'lots', 'lots'],
    ['a negative number: as typed', '-1', '-1'],
    ['a fraction: as typed', '1.5', '1.5'],
  ])('choice counts of a multiple-choice poll: %s', (_name, typed, expected) => {
    const input = pollInputFromForm(form({ type: 'multiple', minChoices: typed, maxChoices: typed }));
    expect(input).toHaveProperty('minChoices', expected);
    expect(input).toHaveProperty('maxChoices', expected);
  });

  it('leaves choice counts out of a single-choice poll, whatever was typed', () => {
    const input = pollInputFromForm(form({ type: 'single', minChoices: '2', maxChoices: '3' }));
    expect(input).not.toHaveProperty('minChoices');
    expect(input).not.toHaveProperty('maxChoices');
  });

  it.each<[Partial<PollFormValues>, Record<string, unknown>]>([
    [{ type: '', resultsVisibility: '', duplicatePolicy: '' }, {}],
    [
      { type: 'multiple', resultsVisibility: 'always', duplicatePolicy: 'none' },
      { type: 'multiple', resultsVisibility: 'always', duplicatePolicy: 'none' },
    ],
    [
      { type: 'approval', resultsVisibility: 'never', duplicatePolicy: 'ip' },
      { type: 'approval', resultsVisibility: 'never', duplicatePolicy: 'ip' },
    ],
  ])('choice fields %j: unset means the default, anything else goes as typed', (fields, expected) => {
    const { type, resultsVisibility, duplicatePolicy } = pollInputFromForm(form(fields));
    expect({ type, resultsVisibility, duplicatePolicy }).toEqual({
      type: undefined,
      resultsVisibility: undefined,
      duplicatePolicy: undefined,
      ...expected,
    });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['empty: derived from the question', '', {}],
    ['blank: derived from the question', '   ', {}],
    ['given', 'which-ide', { slug: 'which-ide' }],
    ['padded', '  which-ide ', { slug: 'which-ide' }],
    ['invalid: as typed, for the schema', 'Bad Slug', { slug: 'Bad Slug' }],
  ])('slug: %s', (_name, slug, expected) => {
    const input = pollInputFromForm(form({ slug }));
    expect('slug' in input ? { slug: input.slug } : {}).toEqual(expected);
  });

  it.each([
    ['', 'open'],
    ['on', 'draft'],
    ['anything', 'draft'],
  ])('draft checkbox %j → status %s', (draft, status) => {
    expect(pollInputFromForm(form({ draft })).status).toBe(status);
  });

  it('passes question and description as typed (the schema trims them)', () => {
    const input = pollInputFromForm(form({ question: '  Q?  ', description: ' Some <b>context</b>\r\n' }));
    expect(input).toMatchObject({ question: '  Q?  ', description: ' Some <b>context</b>\r\n' });
    expect(pollInputSchema.parse(input)).toMatchObject({ question: 'Q?', description: 'Some <b>context</b>' });
  });

  it('makes a complete form a valid PollInput whose times are UTC', () => {
    const input = pollInputSchema.parse(
      pollInputFromForm(
        form({
          question: 'Which IDE?',
          description: 'Pick up to two.',
          options: 'VS Code\nIntelliJ\nVim',
          type: 'multiple',
          minChoices: '1',
          maxChoices: '2',
          resultsVisibility: 'always',
          duplicatePolicy: 'network',
          opensAt: '2026-12-01T09:00',
          closesAt: '2026-12-31T17:30',
          slug: 'ide',
          draft: 'on',
          profile: ['role', 'companySize'],
        }),
      ),
    );
    expect(input).toEqual({
      question: 'Which IDE?',
      description: 'Pick up to two.',
      allowOther: false,
      options: ['VS Code', 'IntelliJ', 'Vim'],
      type: 'multiple',
      minChoices: 1,
      maxChoices: 2,
      resultsVisibility: 'always',
      duplicatePolicy: 'network',
      opensAt: '2026-12-01T09:00:00Z',
      closesAt: '2026-12-31T17:30:00Z',
      slug: 'ide',
      status: 'draft',
      profile: ['role', 'companySize'],
      scale: 'nominal',
    });
    expect(Date.parse(input.opensAt!)).toBe(Date.UTC(2026, 11, 1, 9, 0));
  });

  it.each<[Partial<PollFormValues>, string[]]>([
    [{ question: '' }, ['question']],
    [{ options: 'Only one' }, ['options']],
    [{ type: 'multiple', maxChoices: 'lots' }, ['maxChoices']],
    [{ type: 'multiple', minChoices: '0' }, ['minChoices']],
    [{ opensAt: '2026-12-01' }, ['opensAt']],
    [{ closesAt: 'tomorrow' }, ['closesAt']],
    [{ slug: 'Bad Slug' }, ['slug']],
    [{ type: 'approval' }, ['type']],
    [{ question: '', options: '', slug: 'Bad Slug', opensAt: 'soon' }, ['question', 'options', 'slug', 'opensAt']],
  ])('a refused form %j has its errors under the form’s own field names %j', (fields, fieldsAtFault) => {
    const parsed = pollInputSchema.safeParse(pollInputFromForm(form(fields)));
    expect(parsed.success).toBe(false);
    expect(Object.keys(fieldErrors(parsed.error!)).sort()).toEqual([...fieldsAtFault].sort());
  });
});

describe('pollPatchFromForm', () => {
  const edit = form({
    question: 'Renamed?',
    description: 'Now with context.',
    options: 'A\nB\nC',
    type: 'multiple',
    minChoices: '1',
    maxChoices: '2',
    resultsVisibility: 'always',
    duplicatePolicy: 'none',
    opensAt: '',
    closesAt: '2026-12-31T17:30',
    slug: 'ignored',
    draft: 'on',
    profile: ['role', 'industry'],
  });

  it('while options may change: everything but slug and status', () => {
    expect(pollPatchFromForm(edit, true)).toEqual({
      question: 'Renamed?',
      description: 'Now with context.',
      options: ['A', 'B', 'C'],
      type: 'multiple',
      scale: 'nominal',
      minChoices: 1,
      maxChoices: 2,
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      opensAt: null,
      closesAt: '2026-12-31T17:30:00Z',
      profile: ['role', 'industry'],
    });
  });

  it('once there are votes: neither options nor type nor choice counts, but the scale and profile questions', () => {
    expect(pollPatchFromForm(edit, false)).toEqual({
      question: 'Renamed?',
      description: 'Now with context.',
      scale: 'nominal',
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      opensAt: null,
      closesAt: '2026-12-31T17:30:00Z',
      profile: ['role', 'industry'],
    });
  });

  it.each([true, false])(
    'clears the profile questions when every box is unticked (options editable: %s)',
    (editable) => {
      const patch = pollPatchFromForm(form({ profile: [] }), editable);
      expect(patch).toHaveProperty('profile', []);
      expect(pollPatchSchema.parse(patch).profile).toEqual([]);
    },
  );

  it.each([true, false])('is a valid PollPatch (options editable: %s)', (editable) => {
    expect(pollPatchSchema.safeParse(pollPatchFromForm(edit, editable)).success).toBe(true);
  });

  it('clears a schedule the owner emptied (null, not absent)', () => {
    const patch = pollPatchFromForm(form({ opensAt: '', closesAt: '' }), false);
    expect(patch).toHaveProperty('opensAt', null);
    expect(patch).toHaveProperty('closesAt', null);
  });
});

describe('formValuesOf', () => {
  // 18:15 UTC is already the next day in Kathmandu (UTC+05:45), where the tests run.
  const closesAt = Date.parse('2026-06-30T18:15:00Z');

  it.each<[string, Parameters<typeof pollRecord>[0], Partial<PollFormValues>]>([
    [
      'a single-choice open poll',
      { question: 'Q?', description: 'D', options: optionRecords(['a', 'b']) },
      {
        question: 'Q?',
        description: 'D',
        options: 'A\nB',
        type: 'single',
        minChoices: '',
        maxChoices: '',
        opensAt: '',
        closesAt: '',
        draft: '',
      },
    ],
    [
      'a multiple-choice draft with a schedule, times in UTC',
      {
        type: 'multiple',
        minChoices: 2,
        maxChoices: 3,
        status: 'draft',
        opensAt: Date.parse('2026-06-01T00:00:00Z'),
        closesAt,
      },
      {
        type: 'multiple',
        minChoices: '2',
        maxChoices: '3',
        opensAt: '2026-06-01T00:00',
        closesAt: '2026-06-30T18:15',
        draft: 'on',
      },
    ],
    ['a closed poll: no draft box', { status: 'closed', closesAt }, { draft: '', closesAt: '2026-06-30T18:15' }],
    ['no profile questions', { profile: [] }, { profile: [] }],
    ['its profile questions', { profile: ['role', 'companySize'] }, { profile: ['role', 'companySize'] }],
    [
      'its own policy, visibility and slug',
      { slug: 'kept', resultsVisibility: 'after_close', duplicatePolicy: 'device_or_network' },
      { slug: 'kept', resultsVisibility: 'after_close', duplicatePolicy: 'device_or_network' },
    ],
  ])('shows %s', (_name, overrides, expected) => {
    expect(formValuesOf(pollRecord(overrides))).toMatchObject(expected);
  });

  it('round-trips through the edit form unchanged', () => {
    const poll = pollRecord({
      question: 'Round trip?',
      description: 'Context',
      type: 'multiple',
      minChoices: 1,
      maxChoices: 2,
      opensAt: Date.parse('2026-06-01T09:00:00Z'),
      closesAt,
      resultsVisibility: 'always',
      duplicatePolicy: 'network',
      profile: ['industry', 'region'],
      options: optionRecords(['vs-code', 'vim']).map((o, i) => ({ ...o, label: ['VS Code', 'Vim'][i]! })),
    });
    expect(pollPatchFromForm(formValuesOf(poll), true)).toEqual({
      question: 'Round trip?',
      description: 'Context',
      options: ['VS Code', 'Vim'],
      type: 'multiple',
      scale: 'nominal',
      minChoices: 1,
      maxChoices: 2,
      resultsVisibility: 'always',
      duplicatePolicy: 'network',
      opensAt: '2026-06-01T09:00:00Z',
      closesAt: '2026-06-30T18:15:00Z',
      profile: ['industry', 'region'],
    });
  });

  it('shows times to the minute: saving the form unchanged drops seconds set through the API', () => {
    const poll = pollRecord({ closesAt: Date.parse('2026-06-30T18:15:45.500Z') });
    expect(formValuesOf(poll).closesAt).toBe('2026-06-30T18:15');
    expect(pollPatchFromForm(formValuesOf(poll), false).closesAt).toBe('2026-06-30T18:15:00Z');
  });
});

describe('ordered scales: the scale choice and option ranges written "label | low-high"', () => {
  const ordinal = (options: string, fields: Partial<PollFormValues> = {}) =>
    pollInputFromForm(form({ scale: 'ordinal', options, ...fields }));
  /** The refusal pollInputFromForm throws, as the form shows it: field → sentence. */
  const refusal = (fields: Partial<PollFormValues>) => {
    try {
      pollInputFromForm(form(fields));
    } catch (error) {
      if (error instanceof PollInputError) return error.errors;
      throw error;
    }
    throw new Error('not refused');
  };

  it.each<[string, string, { low: number; high: number } | null | string]>([
    ['whole numbers', '0-10', { low: 0, high: 10 }],
    ['spaces around the dash', ' 10 - 20 ', { low: 10, high: 20 }],
    ['an en dash', '10–20', { low: 10, high: 20 }],
    ['"to"', '0 to 10', { low: 0, high: 10 }],
    ['".."', '0..10', { low: 0, high: 10 }],
    ['percent signs, ignored', '10 %-20 %', { low: 10, high: 20 }],
    ['a negative low', '-10-0', { low: -10, high: 0 }],
    ['both negative', '-10--5', { low: -10, high: -5 }],
    ['both negative, spaced', '-10 - -5', { low: -10, high: -5 }],
    ['decimals', '2.5-7.5', { low: 2.5, high: 7.5 }],
    ['a decimal without its zero', '.5-1', { low: 0.5, high: 1 }],
    ['an exponent', '1e3-2e3', { low: 1000, high: 2000 }],
    ['blank: no range', '', null],
    ['spaces: no range', '   ', null],
    ['low above high: read as typed (the poll rules refuse it)', '20-10', { low: 20, high: 10 }],
  ])('parseRange: %s', (_name, text, expected) => {
    expect(parseRange(text, 1)).toEqual(expected);
  });

  it.each([['5-'], ['-5'], ['abc'], ['1-2-3'], ['2,5-5'], ['ten-20'], ['1e999-2']])(
    'parseRange: "%s" is not a range, and the sentence names the option and the text',
    (text) => {
      const sentence = parseRange(text, 4);
      expect(sentence).toBe(
        `Option 4's range "${text}" is not two numbers such as 10-20 (low-high; decimals with a dot, e.g. -2.5-7.5).`,
      );
    },
  );

  it('reads the scale as posted; an absent one means the default', () => {
    expect(formValues(new URLSearchParams([['scale', 'ordinal']])).scale).toBe('ordinal');
    expect(pollInputFromForm(form({ scale: '' })).scale).toBeUndefined();
    expect(pollInputSchema.parse(pollInputFromForm(form({ scale: '' }))).scale).toBe('nominal');
  });

  it('turns ordered lines into options with ranges, a valid PollInput', () => {
    const input = ordinal('< 10 % | 0-10\n10–20 % | 10 - 20\n\n> 80 % | 80-100');
    expect(input.scale).toBe('ordinal');
    expect(input.options).toEqual([
      { label: '< 10 %', range: { low: 0, high: 10 } },
      { label: '10–20 %', range: { low: 10, high: 20 } },
      { label: '> 80 %', range: { low: 80, high: 100 } },
    ]);
    expect(pollInputSchema.safeParse(input).success).toBe(true);
  });

  it.each<[string, string, unknown[]]>([
    ['no bar: no range', 'Low\nHigh', ['Low', 'High']],
    ['a bar with nothing after it: no range', 'Low |\nHigh | ', ['Low', 'High']],
    ['some options with, some without', 'Low | 0-1\nHigh', [{ label: 'Low', range: { low: 0, high: 1 } }, 'High']],
    [
      'the last bar separates: a bar in the label stays',
      'A | B | 1-2\nC | D |',
      [{ label: 'A | B', range: { low: 1, high: 2 } }, 'C | D'],
    ],
  ])('ordered options: %s', (_name, options, expected) => {
    expect(ordinal(options).options).toEqual(expected);
  });

  it('refuses ranges that are not numbers on the field "options", naming each option as counted', () => {
    expect(refusal({ scale: 'ordinal', options: 'A | 0-10\n\nB | ten to twenty\nC | 5-' })).toEqual({
      options:
        'Option 2\'s range "ten to twenty" is not two numbers such as 10-20 (low-high; decimals with a dot, e.g. -2.5-7.5). ' +
        'Option 3\'s range "5-" is not two numbers such as 10-20 (low-high; decimals with a dot, e.g. -2.5-7.5).',
    });
  });

  it('on an unordered scale a bar is part of the label, but a range after it asks for "Ordered"', () => {
    expect(pollInputFromForm(form({ options: 'Rock | Pop\nJazz' })).options).toEqual(['Rock | Pop', 'Jazz']);
    expect(refusal({ scale: 'nominal', options: 'Low | 0-10\nHigh' })).toEqual({
      options: 'Option 1 has a range (0-10), but ranges need the scale "Ordered": choose it, or remove the range.',
    });
  });

  it('keeps the scale in a patch even when the options are locked (it may change with votes)', () => {
    const patch = pollPatchFromForm(form({ scale: 'ordinal', options: '' }), false);
    expect(patch.scale).toBe('ordinal');
    expect(patch).not.toHaveProperty('options');
  });

  it.each<[string, string, { low: number; high: number } | null, boolean, string]>([
    ['an ordered option with a range', '10–20 %', { low: 10, high: 20 }, true, '10–20 % | 10-20'],
    ['negative decimals', 'Colder', { low: -2.5, high: -0.5 }, true, 'Colder | -2.5--0.5'],
    ['an ordered option without one', 'Other', null, true, 'Other'],
    ['an ordered option with a bar in its label', 'A | B', null, true, 'A | B |'],
    ['an unordered option', 'A | B', null, false, 'A | B'],
  ])('optionLine: %s', (_name, label, range, isOrdinal, expected) => {
    expect(optionLine(label, range, isOrdinal)).toBe(expected);
  });

  it('shows an ordinal poll with its scale and ranges, and round-trips them through the edit form', () => {
    const labels = ['< 10 %', '10–20 %', 'A | B', '> 80 %'];
    const ranges = [{ low: 0, high: 10 }, { low: 10, high: 20 }, null, { low: 80, high: 100 }];
    const poll = pollRecord({
      scale: 'ordinal',
      options: optionRecords(['a', 'b', 'c', 'd']).map((o, i) => ({ ...o, label: labels[i]!, range: ranges[i]! })),
    });
    const values = formValuesOf(poll);
    expect(values.scale).toBe('ordinal');
    expect(values.options).toBe('< 10 % | 0-10\n10–20 % | 10-20\nA | B |\n> 80 % | 80-100');
    const patch = pollPatchFromForm(values, true);
    expect(patch.scale).toBe('ordinal');
    expect(patch.options).toEqual([
      { label: '< 10 %', range: { low: 0, high: 10 } },
      { label: '10–20 %', range: { low: 10, high: 20 } },
      'A | B',
      { label: '> 80 %', range: { low: 80, high: 100 } },
    ]);
    expect(pollPatchSchema.safeParse(patch).success).toBe(true);
  });

  it('shows a nominal poll as plain labels with its scale', () => {
    expect(formValuesOf(pollRecord())).toMatchObject({ scale: 'nominal', options: 'A\nB\nC' });
  });
});
