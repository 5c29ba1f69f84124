/** The admin form's fields ↔ PollInput / PollPatch: what the owner typed, as the admin API's schema reads it. */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_FORM,
  formValues,
  formValuesOf,
  pollInputFromForm,
  pollPatchFromForm,
  type PollFormValues,
} from '@/lib/poll-form';
import {
  optionLine,
  parseOptionLines,
  parseRange,
  readAfterBar,
  type AfterBar,
  type LineMode,
  type LineOption,
} from '@/lib/option-lines';
import { PollInputError, preparePoll } from '@/lib/poll-admin';
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
      networkIdentity: '',
      addressBudget: '',
      addressBudgetIpv6: '',
      draft: 'on',
    });
  });

  it('gives an absent field as empty text, not as the blank form’s default, and no profile question', () => {
    expect(formValues(new URLSearchParams())).toEqual({
      ...Object.fromEntries(Object.keys(EMPTY_FORM).map((key) => [key, ''])),
      profile: [],
    });
  });

  it('joins every posted embedOrigins value (ticked hosts and the text box) into one list', () => {
    const form = new URLSearchParams([
      ['embedOrigins', 'https://*.sharepoint.com'],
      ['embedOrigins', 'https://a.example\nhttps://b.example'],
    ]);
    expect(pollInputFromForm(formValues(form)).embedOrigins).toEqual([
      'https://*.sharepoint.com',
      'https://a.example',
      'https://b.example',
    ]);
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
      // The blank form shows the default policy's budget, and posts it.
      networkIdentity: 'address_agent',
      addressBudget: { votesPerHour: 300, ipv6Prefix: 64 },
      opensAt: null,
      closesAt: null,
      status: 'open',
      profile: [],
      embedOrigins: [],
      allowOther: false,
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
          networkIdentity: 'address',
          addressBudget: '50',
          addressBudgetIpv6: '48',
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
      networkIdentity: 'address',
      addressBudget: { votesPerHour: 50, ipv6Prefix: 48 },
      embedOrigins: [],
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

describe('the address budget fields', () => {
  it.each<[string, Partial<PollFormValues>, unknown]>([
    ['empty: no budget', { addressBudget: '' }, null],
    ['blank: no budget', { addressBudget: '  ' }, null],
    ['0: no budget', { addressBudget: '0' }, null],
    ['a count, /64', { addressBudget: '300', addressBudgetIpv6: '64' }, { votesPerHour: 300, ipv6Prefix: 64 }],
    ['a count, /48', { addressBudget: ' 40 ', addressBudgetIpv6: '48' }, { votesPerHour: 40, ipv6Prefix: 48 }],
    [
      'a count without a prefix: /64',
      { addressBudget: '40', addressBudgetIpv6: '' },
      { votesPerHour: 40, ipv6Prefix: 64 },
    ],
  ])('%s', (_name, fields, expected) => {
    const input = pollInputSchema.parse(pollInputFromForm(form(fields)));
    expect(input.addressBudget).toEqual(expected);
  });

  it.each<[string, Partial<PollFormValues>]>([
    ['a word', { addressBudget: 'lots' }],
    ['a negative count', { addressBudget: '-5' }],
    ['a fraction', { addressBudget: '2.5' }],
    ['beyond the most a budget may allow', { addressBudget: '100001' }],
    ['a prefix other than /48 or /64', { addressBudget: '10', addressBudgetIpv6: '32' }],
  ])('refuses %s under the field "addressBudget"', (_name, fields) => {
    const parsed = pollInputSchema.safeParse(pollInputFromForm(form(fields)));
    expect(parsed.success).toBe(false);
    expect(Object.keys(fieldErrors(parsed.error!))).toEqual(['addressBudget']);
  });

  it.each([
    ['address_agent', 'address_agent'],
    ['address', 'address'],
    ['', undefined],
  ])('network identity %j → %j', (networkIdentity, expected) => {
    expect(pollInputFromForm(form({ networkIdentity })).networkIdentity).toBe(expected);
  });

  it('refuses an unknown network identity under its own field', () => {
    const parsed = pollInputSchema.safeParse(pollInputFromForm(form({ networkIdentity: 'cookie' })));
    expect(Object.keys(fieldErrors(parsed.error!))).toEqual(['networkIdentity']);
  });

  it('in an edit: the budget the owner emptied is cleared (null, not absent)', () => {
    const patch = pollPatchFromForm(form({ addressBudget: '' }), false);
    expect(patch).toHaveProperty('addressBudget', null);
    expect(pollPatchSchema.parse(patch).addressBudget).toBeNull();
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
    // A kiosk: no budget.
    addressBudget: '',
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
      networkIdentity: 'address_agent',
      addressBudget: null,
      opensAt: null,
      closesAt: '2026-12-31T17:30:00Z',
      profile: ['role', 'industry'],
      embedOrigins: [],
      allowOther: false,
    });
  });

  it('once there are votes: neither options nor type nor choice counts, but the scale and profile questions', () => {
    expect(pollPatchFromForm(edit, false)).toEqual({
      question: 'Renamed?',
      description: 'Now with context.',
      scale: 'nominal',
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      networkIdentity: 'address_agent',
      addressBudget: null,
      opensAt: null,
      closesAt: '2026-12-31T17:30:00Z',
      profile: ['role', 'industry'],
      embedOrigins: [],
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
      networkIdentity: 'address',
      addressBudget: { votesPerHour: 120, ipv6Prefix: 48 },
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
      networkIdentity: 'address',
      addressBudget: { votesPerHour: 120, ipv6Prefix: 48 },
      opensAt: '2026-06-01T09:00:00Z',
      closesAt: '2026-06-30T18:15:00Z',
      profile: ['industry', 'region'],
      embedOrigins: [],
      allowOther: false,
    });
  });

  it.each<[string, Parameters<typeof pollRecord>[0], Partial<PollFormValues>]>([
    ['no budget: an empty count', { addressBudget: null }, { addressBudget: '', addressBudgetIpv6: '64' }],
    [
      'the default budget',
      { addressBudget: { votesPerHour: 300, ipv6Prefix: 64 } },
      { addressBudget: '300', addressBudgetIpv6: '64' },
    ],
    [
      'an address-only network key and a /48 budget',
      { networkIdentity: 'address', addressBudget: { votesPerHour: 25, ipv6Prefix: 48 } },
      { networkIdentity: 'address', addressBudget: '25', addressBudgetIpv6: '48' },
    ],
  ])('shows %s', (_name, overrides, expected) => {
    expect(formValuesOf(pollRecord(overrides))).toMatchObject(expected);
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
    expect(optionLine({ label, range }, isOrdinal ? 'ranges' : 'labels')).toBe(expected);
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

describe('question types: ranked, rating values after a bar, and the write-in "Other"', () => {
  const refusal = (fields: Partial<PollFormValues>) => {
    try {
      pollInputFromForm(form(fields));
    } catch (error) {
      if (error instanceof PollInputError) return error.errors;
      throw error;
    }
    throw new Error('not refused');
  };
  /** The poll the admin API would create from the form, or its refusal per field. */
  const prepared = (fields: Partial<PollFormValues>) => preparePoll(pollInputFromForm(form(fields)));

  it.each<[string, string, AfterBar]>([
    ['blank', '  ', { kind: 'none' }],
    ['a range', '10-20', { kind: 'range', range: { low: 10, high: 20 } }],
    ['a range with a negative low', '-10-0', { kind: 'range', range: { low: -10, high: 0 } }],
    ['a value', '4', { kind: 'value', value: 4 }],
    ['a padded value', ' 4 ', { kind: 'value', value: 4 }],
    ['a negative value', '-5', { kind: 'value', value: -5 }],
    ['a decimal value', '2.5', { kind: 'value', value: 2.5 }],
    ['words', 'four', { kind: 'text' }],
    ['a number with words', '4 stars', { kind: 'text' }],
    ['a comma decimal', '2,5', { kind: 'text' }],
    ['a half range', '5-', { kind: 'text' }],
    ['too large for a number', '1e999', { kind: 'text' }],
  ])('readAfterBar tells a range from a value from text: %s', (_name, text, expected) => {
    expect(readAfterBar(text)).toEqual(expected);
  });

  it('a ranked poll: type, its rank counts as minChoices/maxChoices, no scale of its own, valid', () => {
    const input = pollInputFromForm(
      form({ type: 'ranked', options: 'A\nB\nC\nD', minChoices: '2', maxChoices: '3', scale: 'ordinal' }),
    );
    expect(input).toMatchObject({ type: 'ranked', scale: 'nominal', minChoices: 2, maxChoices: 3, allowOther: false });
    expect(prepared({ type: 'ranked', options: 'A\nB\nC\nD', minChoices: '2', maxChoices: '3' }).fields).toMatchObject({
      type: 'ranked',
      scale: 'nominal',
      minChoices: 2,
      maxChoices: 3,
    });
  });

  it('a ranked poll with empty counts ranks 1 to all options', () => {
    expect(prepared({ type: 'ranked', options: 'A\nB\nC' }).fields).toMatchObject({ minChoices: 1, maxChoices: 3 });
  });

  it('a rating scale: plain numbers are their own values, "label | value" sets one, the scale is ordered', () => {
    const input = pollInputFromForm(form({ type: 'rating', options: '1\n2\n3\n4\n5', scale: 'nominal' }));
    expect(input).toMatchObject({ type: 'rating', scale: 'ordinal', options: ['1', '2', '3', '4', '5'] });
    expect(input).not.toHaveProperty('minChoices');
    expect(prepared({ type: 'rating', options: '1\n2\n3' }).options.map((o) => o.value)).toEqual([1, 2, 3]);

    const labelled = pollInputFromForm(
      form({ type: 'rating', options: 'Very poor | 1\nPoor | 2\nOK|3\nGood | 4 \nExcellent | 5' }),
    );
    expect(labelled.options).toEqual([
      { label: 'Very poor', value: 1 },
      { label: 'Poor', value: 2 },
      { label: 'OK', value: 3 },
      { label: 'Good', value: 4 },
      { label: 'Excellent', value: 5 },
    ]);
    expect(pollInputSchema.safeParse(labelled).success).toBe(true);
    expect(
      prepared({ type: 'rating', options: 'Cold | -5\n0\nA | B | 2.5' }).options.map((o) => [o.label, o.value]),
    ).toEqual([
      ['Cold', -5],
      ['0', 0],
      ['A | B', 2.5],
    ]);
  });

  it.each<[string, Partial<PollFormValues>, Record<string, string | RegExp>]>([
    [
      'a rating value that is not a number',
      { type: 'rating', options: 'Bad | one\nGood | 2' },
      {
        options: `Option 1's value "one" is not a number; write one number after the bar, e.g. "Very poor | 1" (decimals with a dot).`,
      },
    ],
    [
      'a range on a rating scale',
      { type: 'rating', options: 'Bad | 1\nGood | 2-3' },
      { options: 'Option 2 has a range (2-3); a point of a rating scale takes one number, e.g. "Very poor | 1".' },
    ],
    [
      'a single number on an ordered scale',
      { scale: 'ordinal', options: 'Low | 4\nHigh | 4-8' },
      { options: /^Option 1 has one number \(4\) after its bar; a range needs two, low-high, such as 10-20\./ },
    ],
    [
      'garbage after a bar on an ordered scale',
      { scale: 'ordinal', options: 'Low | 0-1\nHigh | lots' },
      { options: /^Option 2's range "lots" is not two numbers such as 10-20/ },
    ],
    [
      'a number after a bar on an unordered scale',
      { options: 'Plan | 4\nOther plan' },
      {
        options:
          /^Option 1 has a number after its bar \(4\), but such numbers are the points of a rating scale: choose "Rating scale"/,
      },
    ],
    [
      'numbers after a bar on a ranked poll',
      { type: 'ranked', options: 'A | 1\nB | 0-10\nC' },
      {
        options:
          'Option 1 has numbers after its bar (1); the options of a ranked poll are labels only: remove them. Option 2 has numbers after its bar (0-10); the options of a ranked poll are labels only: remove them.',
      },
    ],
  ])('refuses %s on the field "options"', (_name, fields, expected) => {
    const errors = refusal(fields);
    expect(Object.keys(errors)).toEqual(['options']);
    if (typeof expected.options === 'string') expect(errors.options).toBe(expected.options);
    else expect(errors.options).toMatch(expected.options!);
  });

  it('a rating point without a number is refused by the poll rules, on "options"', () => {
    expect(() => prepared({ type: 'rating', options: 'Very poor\nPoor | 2' })).toThrow(
      /Option 1 \("Very poor"\) needs a number on the scale/,
    );
  });

  it.each([
    ['single', ''],
    ['multiple', ''],
  ])('allowOther ticked on %s choice: the poll gets "Other" last', (type) => {
    const input = pollInputFromForm(form({ type, options: 'Jira\nLinear', allowOther: 'on' }));
    expect(input.allowOther).toBe(true);
    const poll = prepared({ type, options: 'Jira\nLinear', allowOther: 'on' });
    expect(poll.fields.allowOther).toBe(true);
    expect(poll.options.map((o) => o.key)).toEqual(['jira', 'linear', 'other']);
  });

  it('reads the allowOther checkbox as posted', () => {
    expect(formValues(new URLSearchParams([['allowOther', 'on']])).allowOther).toBe('on');
    expect(formValues(new URLSearchParams()).allowOther).toBe('');
  });

  it.each<[string, Partial<PollFormValues>, string, RegExp]>([
    ['ranked', { type: 'ranked' }, 'allowOther', /^Only single- and multiple-choice polls can take a write-in "Other"/],
    ['rating', { type: 'rating', options: '1\n2\n3' }, 'allowOther', /^Only single- and multiple-choice polls/],
    ['an ordered scale', { scale: 'ordinal' }, 'allowOther', /^An ordered scale cannot take a write-in "Other"/],
    ['"Other" also listed', { options: 'A\nother' }, 'options', /^Option 2 is "Other"; with write-ins allowed/],
  ])('refuses allowOther with %s under its field', (_name, fields, field, sentence) => {
    let errors: Record<string, string> = {};
    try {
      prepared({ allowOther: 'on', ...fields });
    } catch (error) {
      if (!(error instanceof PollInputError)) throw error;
      errors = error.errors;
    }
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]).toMatch(sentence);
  });

  it('an edit turns allowOther off when unticked, and leaves it alone once options are locked', () => {
    expect(pollPatchFromForm(form({ allowOther: '' }), true)).toHaveProperty('allowOther', false);
    expect(pollPatchFromForm(form({ allowOther: 'on' }), true)).toHaveProperty('allowOther', true);
    expect(pollPatchFromForm(form({ allowOther: '' }), false)).not.toHaveProperty('allowOther');
  });

  it.each<[string, LineOption, LineMode, string]>([
    ['a numeric label that is its own value', { label: '4', value: 4 }, 'values', '4'],
    ['a decimal numeric label', { label: '2.5', value: 2.5 }, 'values', '2.5'],
    ['a label in words with its value', { label: 'Very poor', value: 1 }, 'values', 'Very poor | 1'],
    ['a numeric label with another value', { label: '1', value: 10 }, 'values', '1 | 10'],
    ['a negative value', { label: 'Cold', value: -5 }, 'values', 'Cold | -5'],
    ['a label with a bar and its value', { label: 'A | B', value: 2 }, 'values', 'A | B | 2'],
    ['a rating label with a bar and no value', { label: 'A | 3', value: null }, 'values', 'A | 3 |'],
    ['an unordered label ending in a number after a bar', { label: 'Plan | 4' }, 'labels', 'Plan | 4 |'],
    ['an unordered label ending in a range after a bar', { label: 'Tier | 1-2' }, 'labels', 'Tier | 1-2 |'],
    ['an unordered label with words after its bar', { label: 'Rock | Pop' }, 'labels', 'Rock | Pop'],
  ])('optionLine: %s', (_name, option, mode, expected) => {
    expect(optionLine(option, mode)).toBe(expected);
  });

  it.each<[string, LineOption[], LineMode, string]>([
    [
      'values',
      [
        { label: '1', value: 1 },
        { label: 'Very poor | x', value: 2 },
        { label: 'OK', value: 3 },
      ],
      'values',
      'rating',
    ],
    ['labels', [{ label: 'Plan | 4' }, { label: 'Rock | Pop' }, { label: 'Tier | 1-2' }], 'labels', 'single'],
    ['ranked labels', [{ label: 'Plan | 4' }, { label: 'Rock | Pop' }], 'labels', 'ranked'],
  ])('optionLine and the parser round-trip %s', (_name, options, mode, type) => {
    const lines = options.map((option) => optionLine(option, mode));
    const parsed = parseOptionLines(lines, mode, type === 'ranked');
    expect(parsed.map((o) => (typeof o === 'string' ? o : o.label))).toEqual(options.map((o) => o.label));
  });

  it('shows a ranked poll with its rank counts, and round-trips it', () => {
    const poll = pollRecord({
      type: 'ranked',
      minChoices: 2,
      maxChoices: 3,
      options: optionRecords(['a', 'b', 'c', 'd']),
    });
    const values = formValuesOf(poll);
    expect(values).toMatchObject({ type: 'ranked', minChoices: '2', maxChoices: '3', options: 'A\nB\nC\nD' });
    expect(pollPatchFromForm(values, true)).toMatchObject({
      type: 'ranked',
      scale: 'nominal',
      options: ['A', 'B', 'C', 'D'],
      minChoices: 2,
      maxChoices: 3,
      allowOther: false,
    });
  });

  it('shows a rating poll with its values, and round-trips them', () => {
    const labels = ['Very poor', 'Poor', '3', 'Good', '5'];
    const poll = pollRecord({
      type: 'rating',
      scale: 'ordinal',
      options: optionRecords(['a', 'b', 'c', 'd', 'e']).map((o, i) => ({ ...o, label: labels[i]!, value: i + 1 })),
    });
    const values = formValuesOf(poll);
    expect(values.options).toBe('Very poor | 1\nPoor | 2\n3\nGood | 4\n5');
    const patch = pollPatchFromForm(values, true);
    expect(patch).toMatchObject({ type: 'rating', scale: 'ordinal' });
    expect(patch.options).toEqual([
      { label: 'Very poor', value: 1 },
      { label: 'Poor', value: 2 },
      '3',
      { label: 'Good', value: 4 },
      '5',
    ]);
    expect(pollPatchSchema.safeParse(patch).success).toBe(true);
  });

  it('shows a poll with write-ins: the box ticked, "Other" not among the lines, and round-trips it', () => {
    const poll = pollRecord({
      allowOther: true,
      options: [
        ...optionRecords(['a', 'b']),
        { ...optionRecords(['other'])[0]!, id: 99, label: 'Other', position: 2, other: true },
      ],
    });
    const values = formValuesOf(poll);
    expect(values).toMatchObject({ allowOther: 'on', options: 'A\nB' });
    const patch = pollPatchFromForm(values, true);
    expect(patch).toMatchObject({ options: ['A', 'B'], allowOther: true });
    expect(preparePoll({ ...patch, slug: 'p' }).options.map((o) => o.key)).toEqual(['a', 'b', 'other']);
  });
});
