import { adminActor, adminApiRoute, uncached } from '@/http/admin-request';
import { requireAdminToken } from '@/http/admin-token';
import { csvResponse, methodNotAllowed } from '@/http/responses';
import { PollError } from '@/lib/errors';
import { responsesCsv } from '@/lib/survey-csv';

/**
 * The owner's responses CSV (a row per response, a column per question; minute-precision times,
 * no voter keys), streamed page by page. Admin only: the bearer token, or an admin session.
 * Drafts included (the owner's own survey).
 */
export const GET = adminApiRoute(async ({ params, locals, cookies, request }) => {
  if (request.headers.has('authorization') || !(await adminActor(locals, cookies))) {
    requireAdminToken(request, locals.app.config.adminToken);
  }
  const survey = await locals.app.surveyStore.findSurvey(params.slug!);
  if (!survey) throw new PollError('not_found', `No survey "${params.slug!.slice(0, 80)}" was found.`);
  return csvResponse(responsesCsv(locals.app.surveyStore, survey), `${survey.slug}-responses.csv`);
});

export const ALL = uncached(methodNotAllowed('GET'));
