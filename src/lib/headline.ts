/**
 * The results in one sentence a reader gets in five seconds: who leads, or that the two leaders
 * are too close to call (the 95 % interval for their difference includes zero, see
 * leaderDifference in ./stats). Pure: the same words on the page, in the widget and in tests.
 */
import { countOf, wholePercent } from './format';
import { includesZero, leaderDifference } from './stats';
import type { IrvResult } from './irv';
import { rankedHeadline } from './ranked-words';
import type { RatingSummary } from './rating';
import { ratingNumber } from './rating-words';
import type { PollType } from './types';

/** Below this many responses a share can swing by double digits with a few more answers. */
export const SMALL_SAMPLE = 30;

export interface HeadlineInput {
  type: PollType;
  totalResponses: number;
  options: readonly { key?: string; label: string; votes: number; share: number }[];
  /** A ranked poll's runoff: the headline names its winner, not the first-choice leader. */
  ranked?: IrvResult;
  /** A rating poll's summary: the headline gives the average, not the most chosen point. */
  rating?: RatingSummary;
}

export interface Headline {
  kind: 'empty' | 'leader' | 'tied' | 'too_close' | 'winner' | 'average';
  text: string;
  /** Set when n is small: shares will still move a lot. */
  smallSample: string | null;
}

/** The two options with the most votes, in order; on equal votes the one listed first leads. */
function leaders(options: HeadlineInput['options']) {
  const sorted = options.map((o, i) => ({ ...o, i })).sort((a, b) => b.votes - a.votes || a.i - b.i);
  return [sorted[0], sorted[1]] as const;
}

/** The sentence above the chart, and the small-sample warning that goes with it. */
export function resultsHeadline({ type, totalResponses: n, options, ranked, rating }: HeadlineInput): Headline {
  const of = countOf(n, 'response');
  const smallSample =
    n > 0 && n < SMALL_SAMPLE
      ? `Only ${of} so far: with this few, shares will move a lot as more people answer.`
      : null;
  if (ranked) {
    const { kind, text } = rankedHeadline(
      ranked,
      options.map((o) => ({ key: o.key ?? o.label, label: o.label })),
    );
    return { kind, text, smallSample: kind === 'empty' ? null : smallSample };
  }
  if (rating && rating.mean !== null && n > 0) {
    return { kind: 'average', text: `The average rating is ${ratingNumber(rating.mean)}, from ${of}.`, smallSample };
  }
  const [first, second] = leaders(options);
  if (n === 0 || !first || first.votes === 0) return { kind: 'empty', text: 'No responses yet.', smallSample: null };
  if (!second)
    return { kind: 'leader', text: `${first.label} has ${wholePercent(first.share)} of ${of}.`, smallSample };
  if (first.votes === second.votes) {
    return {
      kind: 'tied',
      text: `${first.label} and ${second.label} are tied at ${wholePercent(first.share)} each of ${of}.`,
      smallSample,
    };
  }
  // Rating ballots name one option each, as single choice does.
  const { ci95 } = leaderDifference(first.votes, second.votes, n, type === 'multiple' ? 'multiple' : 'single');
  if (includesZero(ci95)) {
    return {
      kind: 'too_close',
      text: `${first.label} (${wholePercent(first.share)}) and ${second.label} (${wholePercent(second.share)}) are too close to call, with ${of}.`,
      smallSample,
    };
  }
  return { kind: 'leader', text: `${first.label} leads with ${wholePercent(first.share)} of ${of}.`, smallSample };
}
