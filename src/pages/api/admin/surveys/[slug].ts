import { API_ACTOR, requireAdminToken } from '@/http/admin-token';
import { adminApiRoute, uncached } from '@/http/admin-request';
import { json, methodNotAllowed } from '@/http/responses';
import { readJsonBody } from '@/http/read-body';
import { MAX_ADMIN_BODY_BYTES } from '@/lib/limits';
import { deleteSurvey, updateSurvey } from '@/lib/survey-admin';
import { toSurveyInput } from '@/lib/survey-files';
import { getSurveyForOwner, toOwnerSurveyJson, toSurveyJson } from '@/lib/surveys';

/** The survey as the owner sees it, with `input`: the SurveyInput that recreates it (export). */
export const GET = adminApiRoute(async ({ params, locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const survey = await getSurveyForOwner(locals.app.surveyStore, params.slug!);
  return json({ ...toOwnerSurveyJson(survey, Date.now()), input: toSurveyInput(survey) });
});

export const PATCH = adminApiRoute(async ({ params, locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const body = await readJsonBody(request, MAX_ADMIN_BODY_BYTES);
  const now = Date.now();
  return json(toSurveyJson(await updateSurvey(locals.app, params.slug!, body, now, API_ACTOR), now));
});

export const DELETE = adminApiRoute(async ({ params, locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  await deleteSurvey(locals.app.surveyStore, params.slug!, Date.now(), API_ACTOR);
  return new Response(null, { status: 204 });
});

export const ALL = uncached(methodNotAllowed('GET, PATCH, DELETE'));
