/** Words and states of the survey pages, kept out of the templates (src/pages/surveys/**). */
import { count, wholePercent, wholePercentRange } from './format';
import { DAY_MS } from './store';
import type { SurveyStore } from './survey-types';
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

/** Started / finished on one UTC day, for the "Over time" table. */
export interface SurveyDayRow {
  day: number;
  /** "27 Nov 2026". */
  label: string;
  started: number;
  finished: number;
}

/** Days shown in "Over time": the last 30 UTC days with answers or between them. */
export const SURVEY_DAYS = 30;

/** Every UTC day from the first with answers (at most SURVEY_DAYS ago) to today, zeros included; empty when nobody answered. */
export async function surveyDays(
  surveyStore: Pick<SurveyStore, 'surveyDailyCounts'>,
  surveyId: number,
  now: number,
): Promise<SurveyDayRow[]> {
  const today = Math.floor(now / DAY_MS);
  const from = today - (SURVEY_DAYS - 1);
  const { firstDay, days } = await surveyStore.surveyDailyCounts(surveyId, from, today);
  if (firstDay === null) return [];
  const start = Math.max(from, firstDay);
  const byDay = new Map(days.map((d) => [d.day, d]));
  const rows: SurveyDayRow[] = [];
  for (let day = start; day <= today; day++) {
    const counts = byDay.get(day);
    rows.push({
      day,
      label: new Date(day * DAY_MS).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }),
      started: counts?.started ?? 0,
      finished: counts?.finished ?? 0,
    });
  }
  return rows;
}
