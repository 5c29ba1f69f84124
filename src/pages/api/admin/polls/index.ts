import { API_ACTOR, requireAdminToken } from '@/http/admin-token';
import { adminApiRoute, uncached } from '@/http/admin-request';
import { json, methodNotAllowed } from '@/http/responses';
import { readJsonBody } from '@/http/read-body';
import { MAX_ADMIN_BODY_BYTES } from '@/lib/limits';
import { createPoll } from '@/lib/poll-admin';
import { listAllPolls, toOwnerPollJson } from '@/lib/polls';

/** Every poll, drafts included, newest first. */
export const GET = adminApiRoute(async ({ locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const now = Date.now();
  const polls = await listAllPolls(locals.app.store);
  return json({ polls: polls.map((poll) => toOwnerPollJson(poll, now)) });
});

export const POST = adminApiRoute(async ({ locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const body = await readJsonBody(request, MAX_ADMIN_BODY_BYTES);
  const now = Date.now();
  const poll = await createPoll(locals.app.store, body, now, API_ACTOR);
  return json(toOwnerPollJson(poll, now), 201, { Location: `/api/admin/polls/${poll.slug}` });
});

export const ALL = uncached(methodNotAllowed('GET, POST'));
