/** A stored poll as a PollInput for export, and how an import names its problems. */
import { describe, expect, it } from 'vitest';
import { preparePoll } from '@/lib/poll-admin';
import { ImportError, toPollInput } from '@/lib/poll-files';
import { pollInputSchema } from '@/lib/schemas';
import { OTHER_KEY, OTHER_LABEL } from '@/lib/types';
import { NOW, optionRecords, pollRecord } from '../support/records';

describe('toPollInput', () => {
  it.each<[string, Parameters<typeof pollRecord>[0], Record<string, unknown>]>([
    [
      'an open single-choice poll',
      { slug: 'p', question: 'Q?' },
      {
        slug: 'p',
        question: 'Q?',
        description: '',
        type: 'single',
        options: [
          { key: 'a', label: 'A' },
          { key: 'b', label: 'B' },
          { key: 'c', label: 'C' },
        ],
        opensAt: null,
        closesAt: null,
        resultsVisibility: 'after_vote',
        duplicatePolicy: 'device',
        status: 'open',
      },
    ],
    [
      'a multiple-choice poll, with its choice counts',
      { type: 'multiple', minChoices: 2, maxChoices: 3 },
      { type: 'multiple', minChoices: 2, maxChoices: 3 },
    ],
    ['a draft', { status: 'draft' }, { status: 'draft' }],
    [
      'a poll closed by hand: open, with its closing time, so it arrives closed',
      { status: 'closed', closesAt: NOW - 1 },
      { status: 'open', closesAt: '2026-06-01T11:59:59.999Z' },
    ],
    [
      'a scheduled poll, times in UTC',
      { opensAt: Date.parse('2099-01-01T00:00:00Z') },
      { opensAt: '2099-01-01T00:00:00.000Z' },
    ],
  ])('writes %s', (_name, overrides, expected) => {
    const input = toPollInput(pollRecord(overrides));
    expect(input).toMatchObject(expected);
    expect(pollInputSchema.safeParse(input).success).toBe(true);
  });

  it('leaves choice counts out of a single-choice poll, and tallies and ids out of every poll', () => {
    const input = toPollInput(pollRecord({ responseCount: 5, options: optionRecords(['a', 'b'], [3, 2]) }));
    expect(Object.keys(input).sort()).toEqual(
      [
        'slug',
        'question',
        'description',
        'type',
        'options',
        'profile',
        'allowOther',
        'scale',
        'opensAt',
        'closesAt',
        'resultsVisibility',
        'duplicatePolicy',
        'networkIdentity',
        'addressBudget',
        'embedOrigins',
        'status',
      ].sort(),
    );
    expect(input.options).toEqual([
      { key: 'a', label: 'A' },
      { key: 'b', label: 'B' },
    ]);
  });

  it('describes the same poll when imported again', () => {
    const poll = pollRecord({
      slug: 'again',
      question: 'Again?',
      description: 'Context',
      type: 'multiple',
      minChoices: 1,
      maxChoices: 2,
      opensAt: Date.parse('2099-01-01T09:00:00Z'),
      closesAt: Date.parse('2099-02-01T09:00:00Z'),
      resultsVisibility: 'always',
      duplicatePolicy: 'none',
      status: 'draft',
      profile: ['role', 'region'],
    });
    const { slug, options, fields } = preparePoll(toPollInput(poll));
    expect(slug).toBe(poll.slug);
    expect(options).toEqual(poll.options.map(({ key, label }) => ({ key, label })));
    expect(fields).toEqual({
      question: poll.question,
      description: poll.description,
      allowOther: false,
      type: poll.type,
      minChoices: poll.minChoices,
      maxChoices: poll.maxChoices,
      status: poll.status,
      opensAt: poll.opensAt,
      closesAt: poll.closesAt,
      resultsVisibility: poll.resultsVisibility,
      profile: poll.profile,
      scale: poll.scale,
      duplicatePolicy: poll.duplicatePolicy,
      networkIdentity: poll.networkIdentity,
      addressBudget: poll.addressBudget,
      embedOrigins: poll.embedOrigins,
    });
  });
});

describe('question types in files', () => {
  /** Stored option records with these labels (keys from them) and optional rating values. */
  const labelled = (labels: string[], values: (number | null)[] = []) =>
    optionRecords(labels.map((label) => label.toLowerCase().replace(/\s+/g, '-'))).map((option, i) => ({
      ...option,
      label: labels[i]!,
      value: values[i] ?? null,
    }));
  /** The options and fields an import of the exported file would create. */
  const reimported = (poll: ReturnType<typeof pollRecord>) =>
    preparePoll(JSON.parse(JSON.stringify(toPollInput(poll))));

  it('a ranked poll keeps its type and rank counts, and is the same poll imported again', () => {
    const poll = pollRecord({
      type: 'ranked',
      minChoices: 2,
      maxChoices: 3,
      options: labelled(['Pilot', 'Sponsor', 'Shared problem', 'Stop']),
    });
    const input = toPollInput(poll);
    expect(input).toMatchObject({ type: 'ranked', scale: 'nominal', minChoices: 2, maxChoices: 3, allowOther: false });
    const { options, fields } = reimported(poll);
    expect(options).toEqual(poll.options.map(({ key, label }) => ({ key, label })));
    expect(fields).toMatchObject({ type: 'ranked', scale: 'nominal', minChoices: 2, maxChoices: 3 });
  });

  it('a rating scale keeps each point’s value, labels in words included', () => {
    const poll = pollRecord({
      type: 'rating',
      scale: 'ordinal',
      options: labelled(['Very poor', 'Poor', '3', 'Good', 'Excellent'], [1, 2, 3, 4, 5]),
    });
    const input = toPollInput(poll);
    expect(input.type).toBe('rating');
    expect(input.options).toEqual([
      { key: 'very-poor', label: 'Very poor', value: 1 },
      { key: 'poor', label: 'Poor', value: 2 },
      { key: '3', label: '3', value: 3 },
      { key: 'good', label: 'Good', value: 4 },
      { key: 'excellent', label: 'Excellent', value: 5 },
    ]);
    expect(input).not.toHaveProperty('minChoices');
    const { options, fields } = reimported(poll);
    expect(options.map((o) => [o.key, o.label, o.value])).toEqual(poll.options.map((o) => [o.key, o.label, o.value]));
    expect(fields).toMatchObject({ type: 'rating', scale: 'ordinal', minChoices: 1, maxChoices: 1 });
  });

  it.each(['single', 'multiple'] as const)(
    'a %s-choice poll with write-ins: allowOther, and "Other" not exported as an owner option',
    (type) => {
      const poll = pollRecord({
        type,
        allowOther: true,
        ...(type === 'multiple' ? { minChoices: 1, maxChoices: 3 } : {}),
        options: [
          ...labelled(['Linear', 'GitHub Issues']),
          { ...optionRecords([OTHER_KEY])[0]!, id: 99, label: OTHER_LABEL, position: 2, other: true },
        ],
      });
      const input = toPollInput(poll);
      expect(input.allowOther).toBe(true);
      expect(input.options).toEqual([
        { key: 'linear', label: 'Linear' },
        { key: 'github-issues', label: 'GitHub Issues' },
      ]);
      expect(pollInputSchema.safeParse(input).success).toBe(true);
      // Imported again, the poll brings its own "Other" back, last, once.
      const { options, fields } = reimported(poll);
      expect(options).toEqual([
        { key: 'linear', label: 'Linear' },
        { key: 'github-issues', label: 'GitHub Issues' },
        { key: OTHER_KEY, label: OTHER_LABEL, other: true },
      ]);
      expect(fields).toMatchObject({ type, allowOther: true, minChoices: 1, maxChoices: type === 'multiple' ? 3 : 1 });
    },
  );
});

describe('ImportError', () => {
  it.each<[ImportError['problems'], string]>([
    [
      [{ index: 0, slug: null, message: 'the file must hold a JSON array of polls' }],
      'poll 1: the file must hold a JSON array of polls',
    ],
    [
      [
        { index: 1, slug: null, message: 'question: must not be empty.' },
        { index: 2, slug: 'Bad Slug', message: 'slug: must be lowercase.' },
      ],
      'poll 2: question: must not be empty.\npoll 3 (Bad Slug): slug: must be lowercase.',
    ],
  ])('names each problem by its position (from 1) and slug: %j', (problems, message) => {
    const error = new ImportError(problems);
    expect(error.message).toBe(message);
    expect(error.name).toBe('ImportError');
    expect(error.problems).toBe(problems);
  });
});
