/**
 * A rating scale's summary (src/lib/rating.ts) in words for the results page: the one-line
 * statistics ("Mean 3.8 (95% interval 3.5–4.1) · Median 4 · Standard deviation 0.9 · n = 120")
 * and a plain sentence saying what they mean. Pure: the component and the tests share the words.
 */
import { count } from './format';
import type { RatingSummary } from './rating';

/** 3.8421 → "3.8", 4 → "4", 3.5 → "3.5": one decimal, none when whole. */
export function ratingNumber(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/**
 * The t-interval's ends as shown, kept within the scale: with few ratings it can reach past the
 * ends (5.5 on a 1–5 scale), where no average can be.
 */
function shownInterval(ci95: { low: number; high: number }, scale: readonly number[]): [string, string] {
  const low = scale.length > 0 ? Math.max(ci95.low, Math.min(...scale)) : ci95.low;
  const high = scale.length > 0 ? Math.min(ci95.high, Math.max(...scale)) : ci95.high;
  return [ratingNumber(low), ratingNumber(high)];
}

/** The statistics in one line; null without ratings. Without an interval (n = 1), mean, median and n. */
export function ratingLine(rating: RatingSummary, n: number, scale: readonly number[]): string | null {
  if (rating.mean === null || n === 0) return null;
  const interval = rating.ci95 ? ` (95% interval ${shownInterval(rating.ci95, scale).join('–')})` : '';
  const parts = [
    `Mean ${ratingNumber(rating.mean)}${interval}`,
    ...(rating.median !== null ? [`Median ${ratingNumber(rating.median)}`] : []),
    ...(rating.sd !== null ? [`Standard deviation ${ratingNumber(rating.sd)}`] : []),
    `n = ${count(n)}`,
  ];
  return parts.join(' · ');
}

/**
 * What the numbers mean, for a reader who is not a statistician: "The average rating is 3.8 on
 * the scale from 1 to 5. Allowing for chance, the average among all peers is probably between
 * 3.5 and 4.1. The middle rating is 4." One rating: no interval yet. None: "No ratings yet."
 */
export function ratingSentence(rating: RatingSummary, n: number, scale: readonly number[]): string {
  if (rating.mean === null || n === 0) return 'No ratings yet.';
  const low = Math.min(...scale);
  const high = Math.max(...scale);
  const on = scale.length > 0 ? ` on the scale from ${ratingNumber(low)} to ${ratingNumber(high)}` : '';
  const average = `The average rating is ${ratingNumber(rating.mean)}${on}.`;
  const middle = rating.median !== null ? ` The middle rating is ${ratingNumber(rating.median)}.` : '';
  if (!rating.ci95) return `${average}${middle} With a single rating there is no margin of error yet.`;
  const [a, b] = shownInterval(rating.ci95, scale);
  const where = a === b ? `about ${a}` : `between ${a} and ${b}`;
  return `${average} Allowing for chance, the average among all peers is probably ${where}.${middle}`;
}
