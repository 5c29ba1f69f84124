import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { visitorOf } from '@/http/person';
import { surveyResultsView, visibleSurveyResults } from '@/lib/survey-results';
import { findPublicSurvey } from '@/lib/surveys';

/**
 * Every question's results, the funnel and completion, when this visitor may see them (403
 * results_hidden otherwise); `?by=question:<slug>` or `?by=<profile dimension>[&where=]` adds
 * each question's breakdown (422 invalid_breakdown for anything else).
 */
export const GET = apiRoute(async ({ params, locals, cookies, url }) => {
  const { store, surveyStore, secret, config } = locals.app;
  const now = Date.now();
  const survey = await findPublicSurvey({ surveyStore }, params.slug!);
  const view = await surveyResultsView(
    { store, surveyStore, secret, now, minCellSize: config.segmentMinN },
    survey,
    visitorOf(cookies, locals),
    url.searchParams,
  );
  return json(visibleSurveyResults(view), 200, { 'Cache-Control': 'no-store' });
});

export const ALL = methodNotAllowed('GET');
