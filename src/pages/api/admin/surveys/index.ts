import { API_ACTOR, requireAdminToken } from '@/http/admin-token';
import { adminApiRoute, uncached } from '@/http/admin-request';
import { json, methodNotAllowed } from '@/http/responses';
import { readJsonBody } from '@/http/read-body';
import { MAX_ADMIN_BODY_BYTES } from '@/lib/limits';
import { createSurvey } from '@/lib/survey-admin';
import { listAllSurveys, toOwnerSurveyJson, toSurveyJson } from '@/lib/surveys';

/** Every survey, drafts included, newest first. */
export const GET = adminApiRoute(async ({ locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const now = Date.now();
  const surveys = await listAllSurveys(locals.app.surveyStore);
  return json({ surveys: surveys.map((survey) => toOwnerSurveyJson(survey, now)) });
});

export const POST = adminApiRoute(async ({ locals, request }) => {
  requireAdminToken(request, locals.app.config.adminToken);
  const body = await readJsonBody(request, MAX_ADMIN_BODY_BYTES);
  const now = Date.now();
  const survey = await createSurvey(locals.app, body, now, API_ACTOR);
  return json(toSurveyJson(survey, now), 201, { Location: `/api/admin/surveys/${survey.slug}` });
});

export const ALL = uncached(methodNotAllowed('GET, POST'));
