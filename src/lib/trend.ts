/**
 * Trends over time (SPEC.md, "Trends over time"): per-day tallies summed into UTC days or ISO
 * weeks (Monday to Sunday), every period from the first vote to today — empty ones included —
 * at most the 180 most recent, each with shares and Wilson intervals.
 */
import { PollError } from './errors';
import { effectiveStatus } from './poll-rules';
import { optionStatistics, type Interval } from './stats';
import { DAY_MS, type DayCounts, type PollStore } from './store';
import type { PollRecord } from './types';

export const TREND_INTERVALS = ['day', 'week'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];
export const MAX_TREND_POINTS = 180;

export interface TrendPoint {
  /** The period's first day, YYYY-MM-DD (UTC). */
  start: string;
  n: number;
  options: { key: string; votes: number; share: number; ci95: Interval }[];
}

export interface Trend {
  slug: string;
  interval: TrendInterval;
  points: TrendPoint[];
}

const PERIOD_DAYS: Record<TrendInterval, number> = { day: 1, week: 7 };

/** The first day of the period holding `day`: itself, or the Monday of its week (1970-01-01 was a Thursday). */
export function periodStart(day: number, interval: TrendInterval): number {
  return interval === 'day' ? day : day - ((((day + 3) % 7) + 7) % 7);
}

export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** `?interval=` of a trend URL: day (default) or week; anything else is 400 invalid_body. */
export function parseTrendInterval(params: URLSearchParams): TrendInterval {
  const values = params.getAll('interval');
  if (values.length === 0) return 'day';
  const [value] = values;
  if (values.length > 1 || !(TREND_INTERVALS as readonly string[]).includes(value!)) {
    throw new PollError('invalid_body', '"interval" must be "day" or "week", given once.');
  }
  return value as TrendInterval;
}

/**
 * The last day a trend shows: today while the poll runs; for a closed poll the day it closed
 * (its closing time, or its last change when closed by hand), so a poll closed long ago still
 * shows its own weeks rather than 180 empty ones.
 */
function lastDay(poll: PollRecord, now: number): number {
  if (effectiveStatus(poll, now) !== 'closed') return Math.floor(now / DAY_MS);
  const closedAt = Math.min(now, poll.closesAt ?? Infinity, poll.status === 'closed' ? poll.updatedAt : Infinity);
  return Math.floor(closedAt / DAY_MS);
}

/** Builds the trend's points from per-day counts (pure). */
export function trendPoints(
  poll: PollRecord,
  interval: TrendInterval,
  firstDay: number | null,
  days: readonly DayCounts[],
  endDay: number,
): TrendPoint[] {
  if (firstDay === null) return [];
  const length = PERIOD_DAYS[interval];
  const last = periodStart(Math.max(endDay, firstDay), interval);
  const first = Math.max(periodStart(firstDay, interval), last - (MAX_TREND_POINTS - 1) * length);
  const points: TrendPoint[] = [];
  for (let start = first; start <= last; start += length) {
    const inPeriod = days.filter((d) => d.day >= start && d.day < start + length);
    const n = inPeriod.reduce((sum, d) => sum + d.responses, 0);
    const tallies = poll.options.map((option) => ({
      key: option.key,
      label: option.label,
      votes: inPeriod.reduce((sum, d) => sum + (d.optionVotes.get(option.id) ?? 0), 0),
    }));
    points.push({
      start: isoDay(start),
      n,
      options: optionStatistics(tallies, n).map(({ key, votes, share, ci95 }) => ({ key, votes, share, ci95 })),
    });
  }
  return points;
}

/** The trend of a poll, read from its per-day tallies (at most 180 periods' worth of rows). */
export async function readTrend(
  store: PollStore,
  poll: PollRecord,
  interval: TrendInterval,
  now: number,
): Promise<Trend> {
  const endDay = lastDay(poll, now);
  const length = PERIOD_DAYS[interval];
  const windowStart = periodStart(endDay, interval) - (MAX_TREND_POINTS - 1) * length;
  const { firstDay, days } = await store.dailyCounts(poll.id, windowStart, endDay + length);
  return { slug: poll.slug, interval, points: trendPoints(poll, interval, firstDay, days, endDay) };
}
