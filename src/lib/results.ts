/** Results: statistics from the tallies (constant cost whatever the vote count), visibility, CSV. */
import type { Breakdown } from './breakdown';
import { toCsv } from './csv';
import type { IrvResult } from './irv';
import { ordinalSummary } from './ordinal';
import { ratingSummary } from './rating';
import { effectiveStatus } from './poll-rules';
import { optionStatistics } from './stats';
import type { PollRecord, Results } from './types';

/**
 * The contract's Results JSON for a poll record. `ranked` is the runoff count of a ranked poll
 * (read by src/lib/ranked-count.ts, never with the poll itself); undefined for other types.
 */
export function buildResults(poll: PollRecord, now: number, ranked: IrvResult | undefined): Results {
  return {
    slug: poll.slug,
    question: poll.question,
    status: effectiveStatus(poll, now),
    type: poll.type,
    duplicatePolicy: poll.duplicatePolicy,
    totalResponses: poll.responseCount,
    duplicatesRefused: poll.duplicateCount,
    excludedVotes: poll.quarantinedCount,
    options: optionStatistics(poll.options, poll.responseCount).map(({ key, label, votes, share, ci95 }) => ({
      key,
      label,
      votes,
      share,
      ci95,
    })),
    updatedAt: new Date(poll.updatedAt).toISOString(),
    ...(poll.scale === 'ordinal' ? { ordinal: ordinalSummary(poll.options) } : {}),
    ...(poll.type === 'ranked' && ranked ? { ranked } : {}),
    ...(poll.type === 'rating'
      ? {
          rating: ratingSummary(
            poll.options.filter((o) => o.value !== null).map((o) => ({ value: o.value!, votes: o.votes })),
          ),
        }
      : {}),
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

export const BREAKDOWN_CSV_HEADER = [
  'segment',
  'segment_label',
  'n',
  'key',
  'label',
  'votes',
  'share',
  'ci95_low',
  'ci95_high',
  'diff',
  'diff_low',
  'diff_high',
] as const;

/** A breakdown as CSV: a row per shown segment and option, one row with empty numbers per hidden segment. */
export function breakdownCsv(results: Results, breakdown: Breakdown): string {
  const labels = new Map(results.options.map((o) => [o.key, o.label]));
  return toCsv([
    [...BREAKDOWN_CSV_HEADER],
    ...breakdown.segments.flatMap((segment) =>
      segment.options === null || segment.n === null
        ? [[segment.value, segment.label, '', '', '', '', '', '', '', '', '', '']]
        : segment.options.map((o) => [
            segment.value,
            segment.label,
            segment.n!,
            o.key,
            labels.get(o.key) ?? o.key,
            o.votes,
            o.share,
            o.ci95.low,
            o.ci95.high,
            o.diff?.value ?? '',
            o.diff?.ci95.low ?? '',
            o.diff?.ci95.high ?? '',
          ]),
    ),
  ]);
}

/** The results table as RFC 4180 CSV. */
export function resultsCsv(results: Results): string {
  return toCsv([
    [...RESULTS_CSV_HEADER],
    ...results.options.map((o) => [o.key, o.label, o.votes, o.share, o.ci95.low, o.ci95.high]),
  ]);
}
