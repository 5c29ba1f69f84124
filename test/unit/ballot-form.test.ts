/** Forms into ballots (the poll page's and the widget's): ranks in order, blanks skipped, the write-in box read as a voter means it. */
import { describe, expect, it } from 'vitest';
import { ballotFromForm, questionFieldNames } from '@/lib/ballot-form';
import type { PollType } from '@/lib/types';

const form = (pairs: [string, string][]) => new URLSearchParams(pairs);
const poll = (type: PollType, allowOther = true) => ({ type, allowOther, profile: [] });

describe('ballotFromForm', () => {
  it('keeps ranks in document order and skips a rank left empty', () => {
    const ballot = ballotFromForm(
      poll('ranked', false),
      form([
        ['choice', 'knoxville'],
        ['choice', ''],
        ['choice', 'memphis'],
      ]),
    );
    expect(ballot).toEqual({ choices: ['knoxville', 'memphis'], profile: {} });
  });

  it.each<[string, PollType, [string, string][], string | undefined]>([
    ['text alone on single choice counts', 'single', [['other', 'Asana']], 'Asana'],
    [
      'text with "Other" picked counts',
      'single',
      [
        ['choice', 'other'],
        ['other', 'Asana'],
      ],
      'Asana',
    ],
    [
      'text left behind after picking another option does not',
      'single',
      [
        ['choice', 'jira'],
        ['other', 'Asana'],
      ],
      undefined,
    ],
    [
      'text with "Other" and another option is kept (too many choices, said as such)',
      'single',
      [
        ['choice', 'other'],
        ['choice', 'jira'],
        ['other', 'x'],
      ],
      'x',
    ],
    [
      'text on multiple choice ticks "Other"',
      'multiple',
      [
        ['choice', 'jira'],
        ['other', 'Asana'],
      ],
      'Asana',
    ],
    [
      'an empty box is no write-in',
      'multiple',
      [
        ['choice', 'jira'],
        ['other', '  '],
      ],
      undefined,
    ],
  ])('%s', (_name, type, pairs, other) => {
    expect(ballotFromForm(poll(type), form(pairs)).other).toBe(other);
  });

  it('ignores a write-in box on a poll without "Other"', () => {
    expect(ballotFromForm(poll('single', false), form([['other', 'Asana']])).other).toBeUndefined();
  });

  it("reads a survey question's own fields (q:<slug>, q:<slug>:other) with the same rules, ignoring the others", () => {
    const ballot = ballotFromForm(
      poll('multiple'),
      form([
        ['choice', 'nope'],
        ['q:tools', 'jira'],
        ['q:other-question', 'asana'],
        ['q:tools:other', 'Linear'],
        ['other', 'ignored'],
      ]),
      questionFieldNames('tools'),
    );
    expect(ballot).toEqual({ choices: ['jira'], other: 'Linear', profile: {} });
  });
});
