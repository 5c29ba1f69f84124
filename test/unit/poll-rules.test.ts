import { codeOf } from '../support/errors';
import { describe, expect, it } from 'vitest';
import {
  ballotOptionIds,
  checkSchedule,
  effectiveStatus,
  resultsHiddenReason,
  LIFECYCLE_ACTIONS,
  lifecyclePatch,
  scheduleAfterPatch,
} from '@/lib/poll-rules';
import { normaliseOptions, resolveChoiceCounts } from '@/lib/question-rules';
import { HOUR, NOW, pollRecord as poll } from '../support/records';

describe('effectiveStatus', () => {
  it.each([
    { status: 'draft', opensAt: null, closesAt: null, expected: 'draft' },
    { status: 'closed', opensAt: null, closesAt: null, expected: 'closed' },
    { status: 'open', opensAt: null, closesAt: null, expected: 'open' },
    { status: 'open', opensAt: NOW + HOUR, closesAt: null, expected: 'scheduled' },
    { status: 'open', opensAt: NOW, closesAt: null, expected: 'open' },
    { status: 'open', opensAt: NOW - HOUR, closesAt: NOW, expected: 'closed' },
    { status: 'open', opensAt: null, closesAt: NOW + 1, expected: 'open' },
    { status: 'draft', opensAt: NOW - HOUR, closesAt: null, expected: 'draft' },
  ] as const)('$status, opens $opensAt, closes $closesAt → $expected', ({ expected, ...fields }) => {
    expect(effectiveStatus(fields, NOW)).toBe(expected);
  });
});

describe('ballotOptionIds', () => {
  const single = poll();
  const multiple = poll({ type: 'multiple', minChoices: 2, maxChoices: 2 });

  it.each([
    { name: 'one valid key', p: single, choices: ['b'], code: undefined },
    { name: 'no choice', p: single, choices: [], code: 'too_few_choices' },
    { name: 'two choices in single', p: single, choices: ['a', 'b'], code: 'too_many_choices' },
    { name: 'unknown key', p: single, choices: ['zzz'], code: 'invalid_choice' },
    { name: 'repeated key', p: multiple, choices: ['a', 'a'], code: 'invalid_choice' },
    { name: 'too few in multiple', p: multiple, choices: ['a'], code: 'too_few_choices' },
    { name: 'too many in multiple', p: multiple, choices: ['a', 'b', 'c'], code: 'too_many_choices' },
    { name: 'exact count in multiple', p: multiple, choices: ['c', 'a'], code: undefined },
    { name: 'prototype keys are just unknown keys', p: single, choices: ['__proto__'], code: 'invalid_choice' },
  ])('$name → $code', ({ p, choices, code }) => {
    expect(codeOf(() => ballotOptionIds(p, choices))).toBe(code);
  });

  it('maps keys to option ids in ballot order', () => {
    expect(ballotOptionIds(multiple, ['c', 'a'])).toEqual([12, 10]);
  });
});

describe('resolveChoiceCounts', () => {
  it.each([
    { type: 'single', min: undefined, max: undefined, expected: { minChoices: 1, maxChoices: 1 } },
    { type: 'multiple', min: undefined, max: undefined, expected: { minChoices: 1, maxChoices: 4 } },
    { type: 'multiple', min: 2, max: 3, expected: { minChoices: 2, maxChoices: 3 } },
    { type: 'single', min: 1, max: 2, expected: 'invalid_poll' },
    { type: 'multiple', min: 3, max: 2, expected: 'invalid_poll' },
    { type: 'multiple', min: 1, max: 5, expected: 'invalid_poll' },
  ] as const)('$type $min..$max → $expected', ({ type, min, max, expected }) => {
    if (typeof expected === 'string') expect(codeOf(() => resolveChoiceCounts(type, 4, min, max))).toBe(expected);
    else expect(resolveChoiceCounts(type, 4, min, max)).toEqual(expected);
  });
});

describe('scheduleAfterPatch: every state has a way forward', () => {
  const DAY = 24 * HOUR;
  const iso = (ms: number) => new Date(ms).toISOString();
  // Each row: the stored poll, the owner's patch, and the stored poll afterwards, whose
  // effective status is what the badge shows.
  it.each([
    // Scheduled (stored open, opensAt ahead), with and without a planned close.
    {
      name: 'scheduled → open now keeps the planned close',
      current: { status: 'open', opensAt: NOW + DAY, closesAt: NOW + 3 * DAY },
      patch: { status: 'open' },
      expected: { status: 'open', opensAt: NOW, closesAt: NOW + 3 * DAY },
      shows: 'open',
    },
    {
      name: 'scheduled → open now without a close',
      current: { status: 'open', opensAt: NOW + DAY, closesAt: null },
      patch: { status: 'open' },
      expected: { status: 'open', opensAt: NOW, closesAt: null },
      shows: 'open',
    },
    {
      name: 'scheduled → close now (the bug) never opened',
      current: { status: 'open', opensAt: NOW + DAY, closesAt: NOW + 3 * DAY },
      patch: { status: 'closed' },
      expected: { status: 'closed', opensAt: null, closesAt: NOW },
      shows: 'closed',
    },
    {
      name: 'scheduled without close → close now',
      current: { status: 'open', opensAt: NOW + DAY, closesAt: null },
      patch: { status: 'closed' },
      expected: { status: 'closed', opensAt: null, closesAt: NOW },
      shows: 'closed',
    },
    {
      name: 'opening this very moment → close now',
      current: { status: 'open', opensAt: NOW, closesAt: null },
      patch: { status: 'closed' },
      expected: { status: 'closed', opensAt: null, closesAt: NOW },
      shows: 'closed',
    },
    // Open.
    {
      name: 'open → close now keeps when it opened',
      current: { status: 'open', opensAt: NOW - DAY, closesAt: NOW + DAY },
      patch: { status: 'closed' },
      expected: { status: 'closed', opensAt: NOW - DAY, closesAt: NOW },
      shows: 'closed',
    },
    {
      name: 'open, no times → close now',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { status: 'closed' },
      expected: { status: 'closed', opensAt: null, closesAt: NOW },
      shows: 'closed',
    },
    // Closed, by the owner or by its schedule.
    {
      name: 'closed by owner → reopen clears the passed close',
      current: { status: 'closed', opensAt: NOW - DAY, closesAt: NOW - HOUR },
      patch: { status: 'open' },
      expected: { status: 'open', opensAt: NOW - DAY, closesAt: null },
      shows: 'open',
    },
    {
      name: 'closed by schedule → reopen',
      current: { status: 'open', opensAt: null, closesAt: NOW - HOUR },
      patch: { status: 'open' },
      expected: { status: 'open', opensAt: null, closesAt: null },
      shows: 'open',
    },
    {
      name: 'closed by schedule → close keeps the time it closed',
      current: { status: 'open', opensAt: null, closesAt: NOW - HOUR },
      patch: { status: 'closed' },
      expected: { status: 'closed', opensAt: null, closesAt: NOW - HOUR },
      shows: 'closed',
    },
    {
      name: 'reopen with a new close date',
      current: { status: 'closed', opensAt: null, closesAt: NOW - HOUR },
      patch: { status: 'open', closesAt: iso(NOW + DAY) },
      expected: { status: 'open', opensAt: null, closesAt: NOW + DAY },
      shows: 'open',
    },
    // Draft.
    {
      name: 'draft → publish',
      current: { status: 'draft', opensAt: null, closesAt: null },
      patch: { status: 'open' },
      expected: { status: 'open', opensAt: null, closesAt: null },
      shows: 'open',
    },
    {
      name: 'draft with a future opening → publish opens now',
      current: { status: 'draft', opensAt: NOW + DAY, closesAt: null },
      patch: { status: 'open' },
      expected: { status: 'open', opensAt: NOW, closesAt: null },
      shows: 'open',
    },
    {
      name: 'draft → schedule',
      current: { status: 'draft', opensAt: null, closesAt: null },
      patch: { status: 'scheduled', opensAt: iso(NOW + DAY) },
      expected: { status: 'open', opensAt: NOW + DAY, closesAt: null },
      shows: 'scheduled',
    },
    {
      name: 'open → back to draft',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { status: 'draft' },
      expected: { status: 'draft', opensAt: null, closesAt: null },
      shows: 'draft',
    },
    // Schedule edits without a status change.
    {
      name: 'open → reschedule into the future',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { opensAt: iso(NOW + DAY), closesAt: iso(NOW + 2 * DAY) },
      expected: { status: 'open', opensAt: NOW + DAY, closesAt: NOW + 2 * DAY },
      shows: 'scheduled',
    },
  ] as const)('$name', ({ current, patch, expected, shows }) => {
    const after = scheduleAfterPatch(current, patch, NOW);
    expect(after).toEqual(expected);
    expect(effectiveStatus(after, NOW)).toBe(shows);
  });

  it.each([
    {
      name: 'schedule without an opening',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { status: 'scheduled' },
    },
    {
      name: 'schedule with a passed opening',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { status: 'scheduled', opensAt: iso(NOW - HOUR) },
    },
    {
      name: 'close with an explicit future opening',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { status: 'closed', opensAt: iso(NOW + DAY) },
    },
    {
      name: 'times out of order',
      current: { status: 'open', opensAt: null, closesAt: null },
      patch: { opensAt: iso(NOW + 2 * DAY), closesAt: iso(NOW + DAY) },
    },
  ] as const)('refuses: $name', ({ current, patch }) => {
    expect(codeOf(() => scheduleAfterPatch(current, patch, NOW))).toBe('invalid_poll');
  });
});

describe('lifecycle buttons', () => {
  const DAY = 24 * HOUR;
  // Each state's buttons, pressed one by one: none may fail, and each leads where its label says.
  it.each([
    { from: 'draft', current: { status: 'draft', opensAt: null, closesAt: null }, to: ['open'] },
    {
      from: 'draft, opening planned',
      current: { status: 'draft', opensAt: NOW + DAY, closesAt: NOW + 2 * DAY },
      to: ['scheduled'],
    },
    {
      from: 'scheduled',
      current: { status: 'open', opensAt: NOW + DAY, closesAt: NOW + 2 * DAY },
      to: ['open', 'closed'],
    },
    { from: 'open', current: { status: 'open', opensAt: NOW - DAY, closesAt: NOW + DAY }, to: ['closed'] },
    { from: 'closed by owner', current: { status: 'closed', opensAt: null, closesAt: NOW - DAY }, to: ['open'] },
    {
      from: 'closed by schedule',
      current: { status: 'open', opensAt: NOW - 2 * DAY, closesAt: NOW - DAY },
      to: ['open'],
    },
  ] as const)('$from → $to', ({ current, to }) => {
    const actions = LIFECYCLE_ACTIONS[effectiveStatus(current, NOW)];
    const reached = actions.map((action) =>
      effectiveStatus(scheduleAfterPatch(current, lifecyclePatch(action, current, NOW), NOW), NOW),
    );
    expect(reached).toEqual(to);
  });
});

describe('checkSchedule and normaliseOptions', () => {
  it('refuses a close before the opening', () => {
    expect(codeOf(() => checkSchedule(NOW, NOW))).toBe('invalid_poll');
    expect(codeOf(() => checkSchedule(NOW, NOW + 1))).toBeUndefined();
    expect(codeOf(() => checkSchedule(null, NOW))).toBeUndefined();
  });

  it('refuses a repeated given key and derives the rest', () => {
    expect(
      codeOf(() =>
        normaliseOptions([
          { key: 'x', label: 'A' },
          { key: 'x', label: 'B' },
        ]),
      ),
    ).toBe('invalid_poll');
    expect(normaliseOptions(['< 10%', { key: 'custom', label: 'B' }])).toEqual([
      { key: 'lt-10', label: '< 10%' },
      { key: 'custom', label: 'B' },
    ]);
  });
});

describe('resultsHiddenReason', () => {
  it.each([
    { visibility: 'always', voted: false, status: 'open', expected: null },
    { visibility: 'after_vote', voted: false, status: 'open', expected: 'after_vote' },
    { visibility: 'after_vote', voted: true, status: 'open', expected: null },
    { visibility: 'after_vote', voted: false, status: 'closed', expected: null },
    { visibility: 'after_close', voted: true, status: 'open', expected: 'after_close' },
    { visibility: 'after_close', voted: false, status: 'closed', expected: null },
  ] as const)('$visibility, voted $voted, $status → $expected', ({ visibility, voted, status, expected }) => {
    const p = poll({ resultsVisibility: visibility, status });
    expect(resultsHiddenReason(p, { hasVoted: voted }, NOW)).toBe(expected);
  });

  it('shows after_close results once closesAt has passed, with no cron', () => {
    const p = poll({ resultsVisibility: 'after_close', closesAt: NOW + HOUR });
    expect(resultsHiddenReason(p, { hasVoted: false }, NOW)).toBe('after_close');
    expect(resultsHiddenReason(p, { hasVoted: false }, NOW + HOUR)).toBeNull();
  });
});
