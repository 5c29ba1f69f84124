import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { listPublicSurveys, toSurveySummary } from '@/lib/surveys';

export const GET = apiRoute(async ({ locals }) => {
  const now = Date.now();
  const surveys = await listPublicSurveys(locals.app.surveyStore, now);
  return json({ surveys: surveys.map((survey) => toSurveySummary(survey, now)) });
});

export const ALL = methodNotAllowed('GET');
