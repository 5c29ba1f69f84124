/** Survey records for tests of pure functions: questions built from pollRecord, no database. */
import type { SurveyQuestion, SurveyRecord } from '@/lib/survey-types';
import type { PollRecord } from '@/lib/types';
import { HOUR, NOW, optionRecords, pollRecord } from './records';

/** A question on a 0-based page; its poll gets its own id and option ids. */
export function question(
  slug: string,
  page: number,
  overrides: Partial<PollRecord> = {},
  required = false,
): SurveyQuestion {
  const id = Number(/\d+$/.exec(slug)?.[0] ?? 1) + 100;
  return {
    poll: pollRecord({
      id,
      slug,
      options: optionRecords().map((o) => ({ ...o, id: id * 100 + o.position })),
      surveyId: 7,
      ...overrides,
    }),
    page,
    required,
  };
}

/** An open survey "pulse" (id 7) with these questions, created an hour before NOW. */
export function surveyRecord(questions: SurveyQuestion[], overrides: Partial<SurveyRecord> = {}): SurveyRecord {
  return {
    id: 7,
    slug: 'pulse',
    title: 'Pulse',
    description: '',
    status: 'open',
    opensAt: null,
    closesAt: null,
    resultsVisibility: 'after_vote',
    duplicatePolicy: 'device',
    profile: [],
    startedCount: 0,
    finishedCount: 0,
    duplicateCount: 0,
    createdAt: NOW - HOUR,
    updatedAt: NOW - HOUR,
    questions,
    ...overrides,
  };
}
