/**
 * The one line the widget says above the bars of a ranked or rating poll, where the bars alone
 * mislead: a ranked poll's bars are first choices, so the runoff's outcome comes first; a rating
 * poll's mean (with its 95 % interval) sums up the scale. Pure: the server render and the live
 * updates (src/scripts/widget-live.ts) use the same words.
 */
import type { Results } from './types';

const oneDecimal = (value: number) => value.toFixed(1);

/** "Knoxville wins after 3 rounds.", "Mean 3.8 (3.5–4.1)"; null for other types or no answers. */
export function typeSummary({
  ranked,
  rating,
  options,
}: Pick<Results, 'ranked' | 'rating' | 'options'>): string | null {
  if (ranked) {
    const rounds = ranked.rounds.length;
    if (!ranked.rounds[0]?.continuing) return null;
    if (ranked.winner === null) return 'No winner: the last two options tied.';
    const label = options.find((option) => option.key === ranked.winner)?.label ?? ranked.winner;
    return `${label} wins ${rounds === 1 ? 'in the first round' : `after ${rounds} rounds`}.`;
  }
  if (rating && rating.mean !== null) {
    const interval = rating.ci95 ? ` (${oneDecimal(rating.ci95.low)}–${oneDecimal(rating.ci95.high)})` : '';
    return `Mean ${oneDecimal(rating.mean)}${interval}`;
  }
  return null;
}
