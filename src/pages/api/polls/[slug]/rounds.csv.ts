import { apiRoute, csvResponse, methodNotAllowed } from '@/http/responses';
import { visitorOf } from '@/http/person';
import { PollError } from '@/lib/errors';
import { getPublicPoll } from '@/lib/polls';
import { roundsCsv } from '@/lib/ranked-csv';
import { resultsView, visibleResults } from '@/lib/results-view';

/**
 * A ranked poll's instant-runoff rounds as CSV, under the same visibility rules as results.csv
 * (404 poll_not_found, 403 results_hidden); a poll of another type has no rounds (404 not_found).
 */
export const GET = apiRoute(async ({ params, locals, cookies }) => {
  const { store, secret } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  if (poll.type !== 'ranked') {
    throw new PollError(
      'not_found',
      `This poll is not ranked, so it has no runoff rounds; its results are at /api/polls/${poll.slug}/results.csv.`,
    );
  }
  const view = await resultsView({ store, secret, now: Date.now() }, poll, visitorOf(cookies, locals));
  const results = visibleResults(view);
  return csvResponse(roundsCsv(results.ranked!, results.options), `${poll.slug}-rounds.csv`);
});

export const ALL = methodNotAllowed('GET');
