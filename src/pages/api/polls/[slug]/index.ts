import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { getPublicPoll, toPollJson } from '@/lib/polls';

export const GET = apiRoute(async ({ params, locals }) => {
  const poll = await getPublicPoll(locals.app.store, params.slug!);
  return json(toPollJson(poll, Date.now()));
});

export const ALL = methodNotAllowed('GET');
