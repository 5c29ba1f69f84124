import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { REVALIDATE_PRIVATE } from '@/http/send';
import { readDeviceIds } from '@/http/voter-cookie';
import { getPublicPoll } from '@/lib/polls';
import { resultsView, resultsWithBreakdown } from '@/lib/results-view';

/**
 * The results, when this visitor may see them (403 results_hidden with the reason otherwise);
 * with `?by=` (and `?where=`) the breakdown by a profile question.
 */
export const GET = apiRoute(async ({ params, locals, cookies, url }) => {
  const { store, secret, config } = locals.app;
  const now = Date.now();
  const poll = await getPublicPoll(store, params.slug!);
  const view = await resultsView({ store, secret, now }, poll, readDeviceIds(cookies, secret));
  const results = await resultsWithBreakdown({ store, now, minCellSize: config.segmentMinN }, view, url.searchParams);
  // Holds this visitor's own choice: private, revalidated with its ETag (src/http/send.ts).
  return json(results, 200, { 'Cache-Control': REVALIDATE_PRIVATE });
});

export const ALL = methodNotAllowed('GET');
