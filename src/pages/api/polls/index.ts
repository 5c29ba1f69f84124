import { apiRoute, json, methodNotAllowed } from '../../../lib/http';
import { listPublicPolls, toPollSummary } from '../../../lib/polls';

export const GET = apiRoute(async ({ locals }) => {
  const now = Date.now();
  const { open, closed } = await listPublicPolls(locals.app.store, now);
  const newestFirst = [...open, ...closed].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  return json({ polls: newestFirst.map((poll) => toPollSummary(poll, now)) });
});

export const ALL = methodNotAllowed('GET');
