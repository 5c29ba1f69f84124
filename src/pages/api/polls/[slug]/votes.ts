import { readJsonBody } from '@/http/read-body';
import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { ballotVoter } from '@/http/voter-cookie';
import { MAX_VOTE_BODY_BYTES } from '@/lib/limits';
import { resultsViewFor } from '@/lib/results-view';
import { castVote } from '@/lib/votes';

/** Records a ballot; answers with the results when this voter may now see them. */
export const POST = apiRoute(async (context) => {
  const { params, locals, request } = context;
  const { store, surveyStore, secret } = locals.app;
  const body = await readJsonBody(request, MAX_VOTE_BODY_BYTES);
  const now = Date.now();
  const poll = await castVote({ store, surveyStore, secret, now }, params.slug!, body, ballotVoter(context), 'api');
  return json({ accepted: true, results: (await resultsViewFor(store, poll, true, now)).results }, 201);
});

export const ALL = methodNotAllowed('POST');
