/** Words and states of the survey pages, kept out of the templates (src/pages/surveys/**). */
import { count, wholePercent, wholePercentRange } from './format';
import type { PollStatus } from './types';

/** "You just finished", carried from the last page's 303 to the one results view that follows (like the poll's vote flash). */
export const SURVEY_DONE_COOKIE = 'pp_survey_done';

export type SurveyPageState = 'answering' | 'responded' | 'scheduled' | 'closed' | 'refused';

/** What the survey page shows: the form, or why not. */
export function surveyState({
  status,
  responded,
  refused,
}: {
  status: PollStatus;
  responded: boolean;
  refused: boolean;
}): SurveyPageState {
  if (refused) return 'refused';
  if (status === 'scheduled') return 'scheduled';
  if (status === 'closed') return 'closed';
  if (responded) return 'responded';
  return 'answering';
}

/** "3 questions on 3 pages", "1 question". */
export function questionCount(questions: number, pages: number): string {
  const q = `${questions} question${questions === 1 ? '' : 's'}`;
  return pages > 1 ? `${q} on ${pages} pages` : q;
}

/** The results' answer in words: "212 people started, 168 finished — 79% (95% interval 73–84%)". */
export function completionHeadline(completion: {
  started: number;
  finished: number;
  rate: number;
  ci95: { low: number; high: number };
}): string {
  const { started, finished, rate, ci95 } = completion;
  if (started === 0) return 'Nobody has answered this survey yet.';
  const people = started === 1 ? '1 person started' : `${count(started)} people started`;
  return `${people}, ${count(finished)} finished — ${wholePercent(rate)} (95% interval ${wholePercentRange(ci95.low, ci95.high)})`;
}

/** One row of the drop-off table: how many reached and submitted a page, as counts and shares of everyone who started. */
export interface FunnelRow {
  page: number;
  reached: number;
  completed: number;
  /** Reached ÷ started (0 when nobody started). */
  reachedShare: number;
  /** Completed ÷ started. */
  completedShare: number;
}

export function funnelRows(
  funnel: readonly { page: number; reached: number; completed: number }[],
  started: number,
): FunnelRow[] {
  const of = (n: number) => (started > 0 ? n / started : 0);
  return funnel.map((step) => ({ ...step, reachedShare: of(step.reached), completedShare: of(step.completed) }));
}
