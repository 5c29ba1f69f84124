import { apiRoute, csvResponse, methodNotAllowed } from '@/http/responses';
import { visitorOf } from '@/http/person';
import { getPublicPoll } from '@/lib/polls';
import { breakdownCsv, resultsCsv } from '@/lib/results';
import { resultsView, resultsWithBreakdown } from '@/lib/results-view';

/** The results table as CSV (per segment with `?by=`), under the same visibility rules as the JSON. */
export const GET = apiRoute(async ({ params, locals, cookies, url }) => {
  const { store, secret, config } = locals.app;
  const now = Date.now();
  const poll = await getPublicPoll(store, params.slug!);
  const view = await resultsView({ store, secret, now }, poll, visitorOf(cookies, locals));
  const results = await resultsWithBreakdown({ store, now, minCellSize: config.segmentMinN }, view, url.searchParams);
  if (!results.breakdown) return csvResponse(resultsCsv(results), `${poll.slug}-results.csv`);
  const where = results.breakdown.where ? `-${results.breakdown.where.dimension}-${results.breakdown.where.value}` : '';
  return csvResponse(
    breakdownCsv(results, results.breakdown),
    `${poll.slug}-results-by-${results.breakdown.dimension}${where}.csv`,
  );
});

export const ALL = methodNotAllowed('GET');
