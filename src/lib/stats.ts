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

export interface LeaderDifference {
  /** The plain difference of the two shares, p1 − p2 (≥ 0 when `first` is the larger). */
  difference: number;
  /** 95 % interval for the difference; includes 0 when the two are too close to call. */
  ci95: Interval;
}

/**
 * The 95 % interval for the difference between two options' shares among the same n
 * respondents. Both shares come from one sample, so they are not independent:
 *
 * - single choice (one multinomial): Var(p1 − p2) = (p1 + p2 − (p1 − p2)²) / n.
 * - multiple choice: the same two people may pick both, and the tallies do not say how many did.
 *   Var(p1 − p2) = p1(1 − p1) + p2(1 − p2) − 2·Cov, and the covariance is smallest (so the
 *   variance largest) at the smallest possible overlap, max(0, p1 + p2 − 1) (Fréchet bound).
 *   We use that largest variance: a conservative interval that never calls a lead the data
 *   cannot support. With p1 + p2 ≤ 1 it equals the single-choice formula.
 *
 * Plain Wald intervals claim certainty at small n (1 response of 1 gives a zero-width interval),
 * so the shares are first moved toward each other as Agresti and Caffo (2000) do for two
 * proportions: one pseudo-response added to each option and two to n. The reported difference
 * stays the observed one; only the interval uses the adjusted values.
 */
export function leaderDifference(
  firstVotes: number,
  secondVotes: number,
  n: number,
  type: 'single' | 'multiple',
  z = Z_95,
): LeaderDifference {
  if (![firstVotes, secondVotes, n].every((v) => Number.isInteger(v) && v >= 0) || firstVotes > n || secondVotes > n) {
    throw new RangeError(`leaderDifference needs integers 0 ≤ votes ≤ n (got ${firstVotes}, ${secondVotes}, ${n})`);
  }
  if (type === 'single' && firstVotes + secondVotes > n) {
    throw new RangeError(`single choice: ${firstVotes} + ${secondVotes} votes exceed ${n} respondents`);
  }
  const difference = share(firstVotes, n) - share(secondVotes, n);
  const m = n + 2;
  const p1 = (firstVotes + 1) / m;
  const p2 = (secondVotes + 1) / m;
  const overlap = type === 'multiple' ? Math.max(0, p1 + p2 - 1) : 0;
  const variance = (p1 + p2 - (p1 - p2) ** 2 - 2 * overlap) / m;
  const halfWidth = z * Math.sqrt(Math.max(0, variance));
  const centre = p1 - p2;
  return { difference, ci95: { low: Math.max(-1, centre - halfWidth), high: Math.min(1, centre + halfWidth) } };
}

/** True when the interval for a difference leaves room for no difference at all. */
export const includesZero = (interval: Interval) => interval.low <= 0 && interval.high >= 0;

export interface Difference {
  /** p1 − p2. */
  value: number;
  ci95: Interval;
}

/**
 * The difference p1 − p2 between two independent proportions (k1 of n1 against k2 of n2) with
 * its 95 % interval by Newcombe's hybrid score method ("method 10", Newcombe 1998), built from
 * the two Wilson intervals: it stays inside [−1, 1] and behaves at 0/n and n/n, where the Wald
 * interval collapses. Null when either group is empty: there is nothing to compare with.
 */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number, z = Z_95): Difference | null {
  const one = wilsonInterval(k1, n1, z);
  const two = wilsonInterval(k2, n2, z);
  if (n1 === 0 || n2 === 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const value = p1 - p2;
  return {
    value,
    ci95: {
      low: Math.max(-1, value - Math.hypot(p1 - one.low, two.high - p2)),
      high: Math.min(1, value + Math.hypot(one.high - p1, p2 - two.low)),
    },
  };
}
