/**
 * Statistics of rating scales (SPEC.md, "Question types contract"): the mean with its Student-t
 * 95 % interval, the median and the sample standard deviation of answers on a numeric scale
 * (1–5, 0–10, …). Pure functions, table-tested against hand-worked values and t tables.
 */

export interface RatingCount {
  /** The scale point, e.g. 4 on a 1–5 scale. */
  value: number;
  /** How many respondents chose it. */
  votes: number;
}

export interface RatingSummary {
  /** null when nobody answered. */
  mean: number | null;
  /** Student-t interval for the mean; null with fewer than two answers. */
  ci95: { low: number; high: number } | null;
  median: number | null;
  /** Sample standard deviation (n − 1); null with fewer than two answers. */
  sd: number | null;
}

/** ln Γ(x) by Lanczos' approximation (g = 7, 9 terms), accurate to ~15 digits for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)) / a;
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    const numerator =
      i === 0
        ? 1
        : i % 2 === 0
          ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
          : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    c = 1 + numerator / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const step = c * d;
    f *= step;
    if (Math.abs(1 - step) < 1e-14) break;
  }
  return front * (f - 1);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
function studentCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t quantile with P(T ≤ t) = p (0.5 < p < 1), by bisection on the distribution function. */
export function studentQuantile(p: number, df: number): number {
  let low = 0;
  let high = 1;
  while (studentCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (studentCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Mean, t-interval, median and standard deviation of counted answers on a numeric scale. */
export function ratingSummary(counts: readonly RatingCount[]): RatingSummary {
  const sorted = counts.filter((c) => c.votes > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((sum, c) => sum + c.votes, 0);
  if (n === 0) return { mean: null, ci95: null, median: null, sd: null };
  const mean = sorted.reduce((sum, c) => sum + c.value * c.votes, 0) / n;
  const valueAt = (rank: number) => {
    let seen = 0;
    for (const c of sorted) if ((seen += c.votes) >= rank) return c.value;
    return sorted.at(-1)!.value;
  };
  const median = n % 2 === 1 ? valueAt((n + 1) / 2) : (valueAt(n / 2) + valueAt(n / 2 + 1)) / 2;
  if (n < 2) return { mean, ci95: null, median, sd: null };
  const sd = Math.sqrt(sorted.reduce((sum, c) => sum + c.votes * (c.value - mean) ** 2, 0) / (n - 1));
  const half = studentQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { mean, ci95: { low: mean - half, high: mean + half }, median, sd };
}
