import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { visitorOf } from '@/http/person';
import { getPublicPoll } from '@/lib/polls';
import { resultsView, visibleResults } from '@/lib/results-view';
import { parseTrendInterval, readTrend } from '@/lib/trend';

/** Shares per day or week (`?interval=day|week`), under the results' visibility rules. */
export const GET = apiRoute(async ({ params, locals, cookies, url }) => {
  const { store, secret } = locals.app;
  const now = Date.now();
  const poll = await getPublicPoll(store, params.slug!);
  const interval = parseTrendInterval(url.searchParams);
  visibleResults(await resultsView({ store, secret, now }, poll, visitorOf(cookies, locals)));
  return json(await readTrend(store, poll, interval, now), 200, { 'Cache-Control': 'no-store' });
});

export const ALL = methodNotAllowed('GET');
