import { apiRoute, csvResponse, methodNotAllowed } from '@/http/responses';
import { getPublicPoll } from '@/lib/polls';
import { resultsCsv, resultsForVisitor } from '@/lib/results';
import { hasVoted } from '@/lib/votes';
import { readDeviceId } from '@/http/voter-cookie';

export const GET = apiRoute(async ({ params, locals, cookies }) => {
  const { store, secret } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  const voted = await hasVoted(store, secret, poll, readDeviceId(cookies, secret));
  const results = resultsForVisitor(poll, { hasVoted: voted }, Date.now());
  return csvResponse(resultsCsv(results), `${poll.slug}-results.csv`);
});

export const ALL = methodNotAllowed('GET');
