import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { listPublicPollsNewestFirst, toPollSummary } from '@/lib/polls';

export const GET = apiRoute(async ({ locals }) => {
  const now = Date.now();
  const polls = await listPublicPollsNewestFirst(locals.app.store, now);
  return json({ polls: polls.map((poll) => toPollSummary(poll, now)) });
});

export const ALL = methodNotAllowed('GET');
