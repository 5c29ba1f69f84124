import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { findPublicSurvey, toSurveyJson } from '@/lib/surveys';

export const GET = apiRoute(async ({ params, locals }) => {
  const survey = await findPublicSurvey(locals.app, params.slug!);
  return json(toSurveyJson(survey, Date.now()));
});

export const ALL = methodNotAllowed('GET');
