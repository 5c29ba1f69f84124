/**
 * What the results chart draws and its text alternative, from Results: used by the server when it
 * renders src/components/ResultsChart.astro and by the browser when live results arrive
 * (results-live.ts), so both say exactly the same. Plain functions of @/lib/format, no DOM.
 */
import { countOf, margin, percent } from '@/lib/format';
import type { Results } from '@/lib/types';

export interface ChartData {
  /** Option keys, in the order drawn: a live update matches options by key. */
  keys: string[];
  labels: string[];
  shares: number[];
  lows: number[];
  highs: number[];
  /** This browser chose the option. */
  own?: boolean[];
}

export function chartData(results: Results, ownChoices: readonly string[]): ChartData {
  return {
    keys: results.options.map((o) => o.key),
    labels: results.options.map((o) => o.label),
    shares: results.options.map((o) => o.share),
    lows: results.options.map((o) => o.ci95.low),
    highs: results.options.map((o) => o.ci95.high),
    own: results.options.map((o) => ownChoices.includes(o.key)),
  };
}

/** The chart's text alternative: every option's share, count and margin, in one sentence. */
export function chartSummary(results: Results, ownChoices: readonly string[]): string {
  return (
    `Bar chart of shares among ${countOf(results.totalResponses, 'response')}: ` +
    results.options
      .map(
        (o) =>
          `${o.label}${ownChoices.includes(o.key) ? ' (your choice)' : ''}: ${percent(o.share)} (${countOf(o.votes, 'response')}, margin ${margin(o.ci95.low, o.ci95.high)})`,
      )
      .join('; ') +
    '.'
  );
}
