/**
 * A survey's trend (`GET /api/surveys/{slug}/trend?interval=day|week`): responses started and
 * finished per UTC day or ISO week, by the poll trends' period rules (src/lib/trend.ts): every
 * period from the first response to today (or to the day the survey closed), empty ones
 * included, at most the 180 most recent.
 */
import { DAY_MS } from './store';
import { effectiveStatus } from './poll-rules';
import type { SurveyDayCounts, SurveyRecord, SurveyStore } from './survey-types';
import { isoDay, MAX_TREND_POINTS, periodStart, type TrendInterval } from './trend';

export interface SurveyTrendPoint {
  /** The period's first day, YYYY-MM-DD (UTC). */
  start: string;
  started: number;
  finished: number;
}

export interface SurveyTrend {
  slug: string;
  interval: TrendInterval;
  points: SurveyTrendPoint[];
}

const PERIOD_DAYS: Record<TrendInterval, number> = { day: 1, week: 7 };

/** Today while the survey runs; for a closed one the day it closed (its closing time, or its last edit when closed by hand). */
export function surveyLastDay(survey: SurveyRecord, now: number): number {
  if (effectiveStatus(survey, now) !== 'closed') return Math.floor(now / DAY_MS);
  const closedAt = Math.min(now, survey.closesAt ?? Infinity, survey.status === 'closed' ? survey.updatedAt : Infinity);
  return Math.floor(closedAt / DAY_MS);
}

/** The trend's points from per-day counts (pure). */
export function surveyTrendPoints(
  interval: TrendInterval,
  firstDay: number | null,
  days: readonly SurveyDayCounts[],
  endDay: number,
): SurveyTrendPoint[] {
  if (firstDay === null) return [];
  const length = PERIOD_DAYS[interval];
  const last = periodStart(Math.max(endDay, firstDay), interval);
  const first = Math.max(periodStart(firstDay, interval), last - (MAX_TREND_POINTS - 1) * length);
  const points: SurveyTrendPoint[] = [];
  for (let start = first; start <= last; start += length) {
    const inPeriod = days.filter((d) => d.day >= start && d.day < start + length);
    points.push({
      start: isoDay(start),
      started: inPeriod.reduce((sum, d) => sum + d.started, 0),
      finished: inPeriod.reduce((sum, d) => sum + d.finished, 0),
    });
  }
  return points;
}

/** The survey's trend, read from its per-day tallies (at most 180 periods' worth of rows). */
export async function readSurveyTrend(
  surveyStore: Pick<SurveyStore, 'surveyDailyCounts'>,
  survey: SurveyRecord,
  interval: TrendInterval,
  now: number,
): Promise<SurveyTrend> {
  const endDay = surveyLastDay(survey, now);
  const length = PERIOD_DAYS[interval];
  const windowStart = periodStart(endDay, interval) - (MAX_TREND_POINTS - 1) * length;
  const { firstDay, days } = await surveyStore.surveyDailyCounts(survey.id, windowStart, endDay + length);
  return { slug: survey.slug, interval, points: surveyTrendPoints(interval, firstDay, days, endDay) };
}
