/** A stored poll as a PollInput for export, and how an import names its problems. */
import { describe, expect, it } from 'vitest';
import { preparePoll } from '@/lib/poll-admin';
import { ImportError, toPollInput } from '@/lib/poll-files';
import { pollInputSchema } from '@/lib/schemas';
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
    });
  });
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
