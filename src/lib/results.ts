/** Results: statistics from the tallies (constant cost whatever the vote count), visibility, CSV. */
import { toCsv } from './csv';
import { effectiveStatus } from './poll-rules';
import { optionStatistics } from './stats';
import type { PollRecord, Results } from './types';

/** The contract's Results JSON for a poll record. */
export function buildResults(poll: PollRecord, now: number): Results {
  return {
    slug: poll.slug,
    question: poll.question,
    status: effectiveStatus(poll, now),
    type: poll.type,
    duplicatePolicy: poll.duplicatePolicy,
    totalResponses: poll.responseCount,
    duplicatesRefused: poll.duplicateCount,
    options: optionStatistics(poll.options, poll.responseCount).map(({ key, label, votes, share, ci95 }) => ({
      key,
      label,
      votes,
      share,
      ci95,
    })),
    updatedAt: new Date(poll.updatedAt).toISOString(),
  };
}

/** One sentence on why results are hidden and when they will show. */
export function hiddenResultsMessage(poll: PollRecord, reason: 'after_vote' | 'after_close'): string {
  if (reason === 'after_vote') return 'Results are shown to people who have voted in this poll.';
  if (poll.closesAt !== null) {
    return `Results will be shown when the poll closes on ${new Date(poll.closesAt).toISOString().replace('.000Z', 'Z')}.`;
  }
  return 'Results will be shown when the poll closes.';
}

export const RESULTS_CSV_HEADER = ['key', 'label', 'votes', 'share', 'ci95_low', 'ci95_high'] as const;

/** The results table as RFC 4180 CSV. */
export function resultsCsv(results: Results): string {
  return toCsv([
    [...RESULTS_CSV_HEADER],
    ...results.options.map((o) => [o.key, o.label, o.votes, o.share, o.ci95.low, o.ci95.high]),
  ]);
}
