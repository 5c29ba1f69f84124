import { apiRoute, csvResponse, methodNotAllowed } from '@/http/responses';
import { readDeviceIds } from '@/http/voter-cookie';
import { getPublicPoll } from '@/lib/polls';
import { resultsCsv } from '@/lib/results';
import { resultsView, visibleResults } from '@/lib/results-view';

/** The results table as CSV, under the same visibility rules as the JSON. */
export const GET = apiRoute(async ({ params, locals, cookies }) => {
  const { store, secret } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  const view = await resultsView({ store, secret, now: Date.now() }, poll, readDeviceIds(cookies, secret));
  return csvResponse(resultsCsv(visibleResults(view)), `${poll.slug}-results.csv`);
});

export const ALL = methodNotAllowed('GET');
