import { API_ACTOR, requireAdminToken } from '@/http/admin-token';
import { adminApiRoute, uncached } from '@/http/admin-request';
import { json, methodNotAllowed } from '@/http/responses';
import { readJsonBody } from '@/http/read-body';
import { MAX_ADMIN_BODY_BYTES } from '@/lib/limits';
import { deletePoll, updatePoll } from '@/lib/poll-admin';
import { getPollForOwner, toOwnerPollJson } from '@/lib/polls';

export const GET = adminApiRoute(async ({ params, locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  return json(toOwnerPollJson(await getPollForOwner(locals.app.store, params.slug!), Date.now()));
});

export const PATCH = adminApiRoute(async ({ params, locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const body = await readJsonBody(request, MAX_ADMIN_BODY_BYTES);
  const now = Date.now();
  return json(
    toOwnerPollJson(
      await updatePoll(locals.app.store, params.slug!, body, now, API_ACTOR, locals.app.surveyStore),
      now,
    ),
  );
});

export const DELETE = adminApiRoute(async ({ params, locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  await deletePoll(locals.app.store, params.slug!, Date.now(), API_ACTOR, locals.app.surveyStore);
  return new Response(null, { status: 204 });
});

export const ALL = uncached(methodNotAllowed('GET, PATCH, DELETE'));
