import { resultsEventStream } from '@/http/event-stream';
import { apiRoute, methodNotAllowed } from '@/http/responses';
import { readDeviceIds } from '@/http/voter-cookie';
import { surveyResultsView, visibleSurveyResults } from '@/lib/survey-results';
import { findPublicSurvey } from '@/lib/surveys';

/**
 * Live survey results as Server-Sent Events (no breakdown): the results at once, then after each
 * submission or edit (at most one event a second), heartbeats every 25 s. Hidden results: 403
 * results_hidden before any stream. Shares MAX_STREAMS with the polls' streams.
 */
export const GET = apiRoute(async ({ params, locals, cookies, request }) => {
  const { store, surveyStore, secret, config, live } = locals.app;
  const survey = await findPublicSurvey({ surveyStore }, params.slug!);
  const view = await surveyResultsView(
    { store, surveyStore, secret, now: Date.now(), minCellSize: config.segmentMinN },
    survey,
    readDeviceIds(cookies, secret),
    new URLSearchParams(),
  );
  const results = visibleSurveyResults(view);
  return resultsEventStream(
    live,
    survey.slug,
    survey.id,
    view.responded,
    JSON.stringify(results),
    request.signal,
    'survey',
  );
});

export const ALL = methodNotAllowed('GET');
