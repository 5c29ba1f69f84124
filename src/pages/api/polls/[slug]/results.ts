import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { readDeviceIds } from '@/http/voter-cookie';
import { getPublicPoll } from '@/lib/polls';
import { resultsView, visibleResults } from '@/lib/results-view';

/** The results, when this visitor may see them; 403 results_hidden with the reason otherwise. */
export const GET = apiRoute(async ({ params, locals, cookies }) => {
  const { store, secret } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  const view = await resultsView({ store, secret, now: Date.now() }, poll, readDeviceIds(cookies, secret));
  return json(visibleResults(view), 200, { 'Cache-Control': 'no-store' });
});

export const ALL = methodNotAllowed('GET');
