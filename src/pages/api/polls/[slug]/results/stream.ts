import { resultsEventStream } from '@/http/event-stream';
import { apiRoute, methodNotAllowed } from '@/http/responses';
import { readDeviceIds } from '@/http/voter-cookie';
import { getPublicPoll } from '@/lib/polls';
import { resultsView, visibleResults } from '@/lib/results-view';

/**
 * Live results as Server-Sent Events: the results at once, then after each change (at most one
 * event a second), heartbeats every 25 s. Hidden results: 403 results_hidden before any stream.
 */
export const GET = apiRoute(async ({ params, locals, cookies, request }) => {
  const { store, secret, live } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  const view = await resultsView({ store, secret, now: Date.now() }, poll, readDeviceIds(cookies, secret));
  const results = visibleResults(view);
  return resultsEventStream(live, poll.slug, poll.id, view.voted, JSON.stringify(results), request.signal);
});

export const ALL = methodNotAllowed('GET');
