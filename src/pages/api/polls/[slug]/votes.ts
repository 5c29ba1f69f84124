import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { readJsonBody } from '@/http/read-body';
import { MAX_VOTE_BODY_BYTES } from '@/lib/limits';
import { resultsHiddenReason } from '@/lib/poll-rules';
import { buildResults } from '@/lib/results';
import { castVote } from '@/lib/votes';
import { ensureDeviceId, voterOf } from '@/http/voter-cookie';
import { getPublicPoll } from '@/lib/polls';

/** Records a ballot; answers with the results when this voter may now see them. */
export const POST = apiRoute(async ({ params, locals, request, cookies }) => {
  const { store, secret } = locals.app;
  const body = await readJsonBody(request, MAX_VOTE_BODY_BYTES);
  const now = Date.now();
  const deviceId = ensureDeviceId(cookies, secret, { https: locals.origin.startsWith('https:') });
  await castVote({ store, secret, now }, params.slug!, body, voterOf(deviceId, locals, request), 'api');
  const poll = await getPublicPoll(store, params.slug!);
  const visible = resultsHiddenReason(poll, { hasVoted: true }, now) === null;
  return json({ accepted: true, results: visible ? buildResults(poll, now) : null }, 201);
});

export const ALL = methodNotAllowed('POST');
