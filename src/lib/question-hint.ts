/** How many answers a question takes, in words: the hint under the poll ballot's and each survey question's legend. */
import type { PollRecord } from './types';

export function questionHint(poll: Pick<PollRecord, 'type' | 'options' | 'minChoices' | 'maxChoices'>): string {
  const { minChoices: min, maxChoices: max } = poll;
  if (poll.type === 'ranked') {
    const all = poll.options.length;
    if (min === max)
      return max === 1
        ? 'Choose your favourite.'
        : `Rank ${max === all ? 'all' : 'your top'} ${max} options, favourite first.`;
    return `Rank ${min === 1 ? 'up to' : `at least ${min} and up to`} ${max} options, favourite first.`;
  }
  if (poll.type === 'rating') return 'Choose one point on the scale.';
  if (poll.type !== 'multiple') return 'Choose one option.';
  if (min === max) return `Choose ${max} options.`;
  return `Choose ${min === 1 ? 'up to' : `${min} to`} ${max} options.`;
}
