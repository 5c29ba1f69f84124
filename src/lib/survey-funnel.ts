/**
 * A survey's drop-off (SPEC.md, "Surveys contract"): how many respondents reached and submitted
 * each page, and the share who finished with its Wilson interval. Pure: the store supplies the
 * funnel tallies (SurveyStore.funnel). Only submitted pages count — a page view leaves no trace
 * (no cookie is needed to answer, and bots would inflate it).
 */
import { share, wilsonInterval, type Interval } from './stats';
import type { FunnelStep } from './survey-types';

export interface Completion {
  /** Responses created (first page submitted). */
  started: number;
  /** Responses that submitted the last page. */
  finished: number;
  /** finished / started; 0 when nobody started. */
  rate: number;
  /** Wilson 95 % interval of the rate; [0, 1] when nobody started (as polls do at n = 0). */
  ci95: Interval;
}

/**
 * Every page 1…pageCount in order, with the store's counts where it has them and zeros
 * elsewhere; counts are clamped so that a step never shows more than reached it, and a page is
 * never reached by more than completed the page before (a snapshot read across two tallies
 * cannot make the funnel widen).
 */
export function funnelSteps(pageCount: number, stored: readonly FunnelStep[]): FunnelStep[] {
  const byPage = new Map(stored.map((step) => [step.page, step]));
  const steps: FunnelStep[] = [];
  let previousCompleted = Infinity;
  for (let page = 1; page <= pageCount; page++) {
    const step = byPage.get(page);
    const reached = Math.max(0, Math.min(step?.reached ?? 0, previousCompleted));
    const completed = Math.max(0, Math.min(step?.completed ?? 0, reached));
    steps.push({ page, reached, completed });
    previousCompleted = completed;
  }
  return steps;
}

/** Started = reached the first page; finished = completed the last (both 0 for a survey with no pages). */
export function completionOf(funnel: readonly FunnelStep[]): Completion {
  const started = funnel[0]?.reached ?? 0;
  const finished = funnel.at(-1)?.completed ?? 0;
  return completion(started, finished);
}

/** The completion rate of `finished` out of `started` respondents, with its Wilson interval. */
export function completion(started: number, finished: number): Completion {
  return { started, finished, rate: share(finished, started), ci95: wilsonInterval(finished, started) };
}

/** Respondents who stopped on each page: reached it but did not submit it. */
export function dropOff(funnel: readonly FunnelStep[]): { page: number; stopped: number }[] {
  return funnel.map(({ page, reached, completed }) => ({ page, stopped: reached - completed }));
}
