/**
 * Results statistics: shares and Wilson score intervals. Pure functions, no I/O.
 * The Wilson interval stays inside [0, 1] and behaves at 0/n and n/n, unlike the normal
 * approximation — which matters for small peer polls.
 */

/** z for a two-sided 95 % interval, to the precision the contract names. */
export const Z_95 = 1.959964;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for k successes in n trials. With n = 0 nothing is known, so the
 * interval is the whole range [0, 1] (the limit of the formula as n → 0).
 */
export function wilsonInterval(k: number, n: number, z = Z_95): Interval {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) {
    throw new RangeError(`wilsonInterval needs integers 0 ≤ k ≤ n (got k=${k}, n=${n})`);
  }
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Clamp away floating-point dust at the edges (0/n must give exactly 0, n/n exactly 1).
  return {
    low: k === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: k === n ? 1 : Math.min(1, centre + halfWidth),
  };
}

/** votes / respondents, 0 when nobody answered. */
export function share(votes: number, respondents: number): number {
  return respondents === 0 ? 0 : votes / respondents;
}

export interface OptionTally {
  key: string;
  label: string;
  votes: number;
}

export interface OptionStatistics extends OptionTally {
  share: number;
  ci95: Interval;
}

/**
 * Share and interval per option. `respondents` is the number of people who answered: for
 * multiple choice each option is its own yes/no question over all respondents, so shares may
 * sum above 1 and each interval is still a binomial one.
 */
export function optionStatistics(options: readonly OptionTally[], respondents: number): OptionStatistics[] {
  return options.map((option) => ({
    ...option,
    share: share(option.votes, respondents),
    ci95: wilsonInterval(option.votes, respondents),
  }));
}
