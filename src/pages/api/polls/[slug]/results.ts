import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { getPublicPoll } from '@/lib/polls';
import { resultsForVisitor } from '@/lib/results';
import { hasVoted } from '@/lib/votes';
import { readDeviceId } from '@/http/voter-cookie';

export const GET = apiRoute(async ({ params, locals, cookies }) => {
  const { store, secret } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  const voted = await hasVoted(store, secret, poll, readDeviceId(cookies, secret));
  return json(resultsForVisitor(poll, { hasVoted: voted }, Date.now()), 200, { 'Cache-Control': 'no-store' });
});

export const ALL = methodNotAllowed('GET');
