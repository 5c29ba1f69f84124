/**
 * What one visitor may see of a poll's results — the question every results surface asks (the
 * results page, the widget, the JSON and CSV endpoints, the answer to a vote): the poll's
 * status, whether this browser voted, and the results or the sentence saying when they show.
 */
import { parseBreakdownQuery, readBreakdown } from './breakdown';
import { PollError } from './errors';
import { effectiveStatus, resultsHiddenReason } from './poll-rules';
import { rankedCounts } from './ranked-count';
import { buildResults, hiddenResultsMessage } from './results';
import type { PollStore } from './store';
import type { PollRecord, PollStatus, Results } from './types';
import { ownChoices, type VisitorIds } from './votes';

export interface ResultsView {
  poll: PollRecord;
  status: PollStatus;
  /** This browser has a vote in the poll. */
  voted: boolean;
  /** The option keys this browser chose (its newest vote); empty when it has none or it is unknown. */
  ownChoices: readonly string[];
  /** Why the results are hidden from this visitor, and a sentence saying when they will show; null when shown. */
  hidden: { reason: 'after_vote' | 'after_close'; message: string } | null;
  /** The results, when this visitor may see them. */
  results: Results | null;
}

/** The view for a visitor whose voting is known (e.g. just voted). */
export async function resultsViewFor(
  store: Pick<PollStore, 'rankingTallies'>,
  poll: PollRecord,
  voted: boolean,
  now: number,
  choices: readonly string[] = [],
): Promise<ResultsView> {
  const reason = resultsHiddenReason(poll, { hasVoted: voted }, now);
  return {
    poll,
    status: effectiveStatus(poll, now),
    voted,
    ownChoices: voted ? choices : [],
    hidden: reason ? { reason, message: hiddenResultsMessage(poll, reason) } : null,
    // A ranked poll's count is read only for a visitor who may see it.
    results: reason ? null : buildResults(poll, now, await rankedCounts.count(store, poll)),
  };
}

/**
 * The view for this visitor: the browser's device ids (none: a browser that never voted here)
 * and, on a person poll, the signed-in person (their lock: voted, choice not known; see ownChoices).
 */
export async function resultsView(
  { store, secret, now }: { store: PollStore; secret: string; now: number },
  poll: PollRecord,
  visitor: VisitorIds,
): Promise<ResultsView> {
  const choices = await ownChoices(store, secret, poll, visitor);
  return resultsViewFor(store, poll, choices !== null, now, choices ?? []);
}

/**
 * The results of a view with the breakdown a results URL asks for (`?by=`, `?where=`): checks the
 * query (422 invalid_breakdown), then visibility (403 results_hidden), then reads the segments.
 * Without a query, the view's results as they are.
 */
export async function resultsWithBreakdown(
  { store, now, minCellSize }: { store: PollStore; now: number; minCellSize: number },
  view: ResultsView,
  params: URLSearchParams,
): Promise<Results> {
  const query = parseBreakdownQuery(view.poll, params);
  const results = visibleResults(view);
  if (!query) return results;
  const { poll, breakdown } = await readBreakdown(store, view.poll, query, minCellSize);
  return { ...buildResults(poll, now, results.ranked), breakdown };
}

/** The results of a view, or 403 results_hidden with its sentence (for the JSON and CSV API). */
export function visibleResults(view: ResultsView): Results {
  if (!view.results) throw new PollError('results_hidden', view.hidden?.message ?? 'Results are hidden.');
  return view.results;
}
