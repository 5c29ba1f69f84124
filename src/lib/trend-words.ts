/**
 * A trend (src/lib/trend.ts) told in words for the results page's "Over time" section: which
 * interval the page shows, each period's name ("25 Nov", "Week of 23 Nov"), the chart's text
 * alternative (first and last period with answers, per option) and the table's cells. Pure.
 */
import { count, countOf, percent, wholePercentRange } from './format';
import type { Trend, TrendInterval, TrendPoint } from './trend';

interface LabelledOption {
  key: string;
  label: string;
}

/** The page's `?interval=`: "week" when asked for, else "day" (a page falls back, unlike the API's 400). */
export function pageTrendInterval(params: URLSearchParams): TrendInterval {
  return params.get('interval') === 'week' ? 'week' : 'day';
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const YEAR_FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** "2026-11-25" → "25 Nov" (day) or "Week of 23 Nov" (week); with the year when asked. */
export function periodLabel(start: string, interval: TrendInterval, withYear = false): string {
  const date = (withYear ? YEAR_FORMAT : DAY_FORMAT).format(Date.parse(`${start}T00:00:00Z`));
  return interval === 'week' ? `Week of ${date}` : date;
}

/** "per day" / "per week". */
export const intervalWords = (interval: TrendInterval) => `per ${interval}`;

/** The periods that had answers. */
const answered = (points: readonly TrendPoint[]) => points.filter((p) => p.n > 0);

/**
 * The line chart's text alternative: how many periods, and per option its share in the first
 * and the last period with answers — "Line chart of each option's share per day, 3 days from 25
 * Nov 2026 to 27 Nov 2026. Jira: 50.0% on 25 Nov 2026 (4 responses), 40.0% on 27 Nov 2026 (5
 * responses); …".
 */
export function trendSummary(trend: Trend, options: readonly LabelledOption[]): string {
  const { points, interval } = trend;
  const head = `Line chart of each option's share ${intervalWords(interval)}`;
  const shown = answered(points);
  if (points.length === 0 || shown.length === 0) return `${head}: no responses yet.`;
  const name = (point: TrendPoint) =>
    `${interval === 'week' ? 'the week of ' : ''}${periodLabel(point.start, 'day', true)}`;
  const span =
    points.length === 1
      ? `${countOf(1, interval)}, ${name(points[0]!)}`
      : `${countOf(points.length, interval)} from ${name(points[0]!)} to ${name(points.at(-1)!)}`;
  const first = shown[0]!;
  const last = shown.at(-1)!;
  const at = (point: TrendPoint, key: string) =>
    `${percent(point.options.find((o) => o.key === key)?.share ?? 0)} ${interval === 'week' ? 'in' : 'on'} ${name(point)} (${countOf(point.n, 'response')})`;
  const perOption = options
    .map((o) =>
      first === last ? `${o.label}: ${at(first, o.key)}` : `${o.label}: ${at(first, o.key)}, ${at(last, o.key)}`,
    )
    .join('; ');
  return `${head}, ${span}. ${perOption}.`;
}

export interface TrendCell {
  share: string;
  range: string;
}

export interface TrendRow {
  start: string;
  label: string;
  n: string;
  /** One cell per option in the poll's order; null when the period had no answers. */
  cells: (TrendCell | null)[];
}

/** The table's rows, most recent period first (what a reader looks for), each share with its 95 % range. */
export function trendRows(trend: Trend, options: readonly LabelledOption[]): TrendRow[] {
  return [...trend.points].reverse().map((point) => ({
    start: point.start,
    label: periodLabel(point.start, trend.interval),
    n: count(point.n),
    cells: options.map((o) => {
      const cell = point.options.find((c) => c.key === o.key);
      if (point.n === 0 || !cell) return null;
      return { share: percent(cell.share), range: wholePercentRange(cell.ci95.low, cell.ci95.high) };
    }),
  }));
}

/** Below this many responses per period, a period's shares swing mostly by chance (a ±18 pt margin or more). */
export const FEW_PER_PERIOD = 30;

/**
 * A warning when periods are small: "With about 9 responses a day, most ups and downs are chance;
 * By week is steadier." Null when the periods with answers average FEW_PER_PERIOD or more.
 */
export function trendNote(trend: Trend): string | null {
  const shown = answered(trend.points);
  if (shown.length === 0) return null;
  const average = Math.round(shown.reduce((sum, p) => sum + p.n, 0) / shown.length);
  if (average >= FEW_PER_PERIOD) return null;
  const few = `With about ${countOf(average, 'response')} a ${trend.interval}, most ups and downs are chance`;
  return trend.interval === 'day' ? `${few}; “By week” is steadier.` : `${few}.`;
}
