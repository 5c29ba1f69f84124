/**
 * Statistics of ordered scales (SPEC.md, "Ordered scales"): the median option, the interpolated
 * median of grouped data with its rank-based 95 % interval, and cumulative "at most" / "at least"
 * shares with Wilson intervals. Pure functions, table-tested against the worked example.
 */
import { share, wilsonInterval, type Interval } from './stats';

export interface OrdinalOption {
  key: string;
  votes: number;
  /** The numeric range the option stands for (e.g. 10–20 %); absent for a bucket without one. */
  range?: { low: number; high: number } | null;
}

export interface CumulativeShare {
  key: string;
  atMost: { share: number; ci95: Interval };
  atLeast: { share: number; ci95: Interval };
}

export interface OrdinalSummary {
  /** The option holding respondent n/2; null when nobody answered. */
  medianKey: string | null;
  /** The interpolated median; null without answers or when an option has no range. */
  median: number | null;
  medianCi95: Interval | null;
  cumulative: CumulativeShare[];
}

/**
 * The value at rank r (1…n, or n/2 for the median) by linear interpolation inside the option
 * that holds it: L + (r − F) / f × w, where F counts the respondents before the option, f its
 * votes and w its width. Callers ensure every option has a range and 0 < r ≤ n.
 */
function valueAtRank(options: readonly OrdinalOption[], rank: number): number {
  let before = 0;
  for (const option of options) {
    if (option.votes > 0 && before + option.votes >= rank) {
      const { low, high } = option.range!;
      return low + ((rank - before) / option.votes) * (high - low);
    }
    before += option.votes;
  }
  throw new RangeError(`rank ${rank} is beyond the ${before} respondents`);
}

/**
 * The ordinal block of an ordered single-choice poll's results. The interval uses the ranks
 * floor(n/2 − 0.98·√n) and ceil(n/2 + 0.98·√n) (a binomial order-statistic interval for the
 * median, clamped to 1…n), placed by the same interpolation; it is widened, where needed, to
 * contain the median itself (at n = 1 the ranks both name the only respondent, whose interpolated
 * place is the bucket's top while the median is its middle).
 */
export function ordinalSummary(options: readonly OrdinalOption[]): OrdinalSummary {
  const n = options.reduce((sum, option) => sum + option.votes, 0);
  let before = 0;
  const cumulative = options.map((option) => {
    const atMost = before + option.votes;
    const atLeast = n - before;
    before = atMost;
    return {
      key: option.key,
      atMost: { share: share(atMost, n), ci95: wilsonInterval(atMost, n) },
      atLeast: { share: share(atLeast, n), ci95: wilsonInterval(atLeast, n) },
    };
  });
  if (n === 0) return { medianKey: null, median: null, medianCi95: null, cumulative };

  const half = n / 2;
  let count = 0;
  const medianOption = options.find((option) => (count += option.votes) >= half)!;
  if (!options.every((option) => option.range)) {
    return { medianKey: medianOption.key, median: null, medianCi95: null, cumulative };
  }
  const median = valueAtRank(options, half);
  const spread = 0.98 * Math.sqrt(n);
  const clampRank = (rank: number) => Math.min(n, Math.max(1, rank));
  const low = valueAtRank(options, clampRank(Math.floor(half - spread)));
  const high = valueAtRank(options, clampRank(Math.ceil(half + spread)));
  return {
    medianKey: medianOption.key,
    median,
    medianCi95: { low: Math.min(low, median), high: Math.max(high, median) },
    cumulative,
  };
}
