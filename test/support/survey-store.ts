/**
 * A survey of every question type for store tests, and submissions built from option keys (the
 * recount of every survey tally from the rows, and the dump of every table: survey-rows.ts).
 */
import type { ProfileAnswers } from '@/lib/profile';
import type { NewQuestion, SurveyFields, SurveyRecord, SurveySubmission, SubmissionOutcome } from '@/lib/survey-types';
import type { PollFields, PollType } from '@/lib/types';

export const T0 = Date.parse('2026-11-20T10:00:00Z');

export const surveyFields = (overrides: Partial<SurveyFields> = {}): SurveyFields => ({
  slug: 'team',
  title: 'Team survey',
  description: '',
  status: 'open',
  opensAt: null,
  closesAt: null,
  resultsVisibility: 'always',
  duplicatePolicy: 'device',
  profile: ['role', 'region'],
  ...overrides,
});

const question = (
  slug: string,
  type: PollType,
  keys: string[],
  page: number,
  extra: Partial<PollFields> = {},
  required = false,
): NewQuestion => ({
  fields: {
    slug,
    question: `Question ${slug}?`,
    description: '',
    type,
    scale: 'nominal',
    minChoices: 1,
    maxChoices: type === 'multiple' ? keys.length : type === 'ranked' ? keys.length : 1,
    status: 'draft',
    opensAt: null,
    closesAt: null,
    resultsVisibility: 'after_close',
    duplicatePolicy: 'none',
    networkIdentity: 'address_agent',
    addressBudget: null,
    embedOrigins: [],
    profile: [],
    allowOther: false,
    ...extra,
  },
  options: keys.map((key, i) => ({
    key,
    label: key.toUpperCase(),
    ...(type === 'rating' ? { value: i + 1 } : {}),
    ...(key === 'other' ? { other: true } : {}),
  })),
  page,
  required,
});

/** Three pages: a single choice with "Other" and a multiple choice; a ranked and a rating; a single. */
export const QUESTIONS: NewQuestion[] = [
  question('team-1', 'single', ['a', 'b', 'c', 'other'], 0, { allowOther: true }, true),
  question('team-2', 'multiple', ['x', 'y', 'z'], 0),
  question('team-3', 'ranked', ['r1', 'r2', 'r3'], 1),
  question('team-4', 'rating', ['s1', 's2', 's3', 's4', 's5'], 1),
  question('team-5', 'single', ['yes', 'no'], 2),
];

/** An answer by option keys (ranked: the order); `other` the write-in text. */
export interface KeyAnswer {
  slug: string;
  keys: string[];
  other?: string;
}

/** A submission of these pages and answers, by option keys. */
export function submission(
  survey: SurveyRecord,
  input: {
    responseId?: number | null;
    pages: number[];
    answers: KeyAnswer[];
    profile?: ProfileAnswers | null;
    at?: number;
    lockKeys?: string[];
    deviceKey?: string | null;
  },
): SurveySubmission {
  return {
    surveyId: survey.id,
    responseId: input.responseId ?? null,
    pages: input.pages,
    answers: input.answers.map(({ slug, keys, other }) => {
      const poll = survey.questions.find((q) => q.poll.slug === slug)!.poll;
      const ids = keys.map((key) => poll.options.find((option) => option.key === key)!.id);
      const ranked = poll.type === 'ranked';
      return {
        pollId: poll.id,
        optionIds: ranked ? ids.slice(0, 1) : ids,
        ranking: ranked ? ids : null,
        otherText: other ?? null,
        deviceKey: `device-${slug}`,
      };
    }),
    profile: input.profile === undefined ? (input.responseId ? null : {}) : input.profile,
    createdAt: input.at ?? T0,
    source: 'web',
    deviceKey: input.deviceKey ?? null,
    lockKeys: input.lockKeys ?? [],
    checkedAgainst: survey.updatedAt,
  };
}

export function responseIdOf(outcome: SubmissionOutcome): number {
  if (outcome.outcome !== 'recorded') throw new Error(`not recorded: ${outcome.outcome}`);
  return outcome.responseId;
}
