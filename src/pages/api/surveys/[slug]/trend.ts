import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { visitorOf } from '@/http/person';
import { PollError } from '@/lib/errors';
import { hasResponded, surveyHiddenMessage, surveyHiddenReason } from '@/lib/survey-results';
import { readSurveyTrend } from '@/lib/survey-trend';
import { parseTrendInterval } from '@/lib/trend';
import { findPublicSurvey } from '@/lib/surveys';

/** Responses started and finished per day or week (`?interval=day|week`), under the results' visibility rules. */
export const GET = apiRoute(async ({ params, locals, cookies, url }) => {
  const { surveyStore, secret } = locals.app;
  const now = Date.now();
  const survey = await findPublicSurvey({ surveyStore }, params.slug!);
  const interval = parseTrendInterval(url.searchParams);
  const responded = await hasResponded(surveyStore, secret, survey, visitorOf(cookies, locals));
  const reason = surveyHiddenReason(survey, { responded }, now);
  if (reason) throw new PollError('results_hidden', surveyHiddenMessage(survey, reason));
  return json(await readSurveyTrend(surveyStore, survey, interval, now), 200, { 'Cache-Control': 'no-store' });
});

export const ALL = methodNotAllowed('GET');
