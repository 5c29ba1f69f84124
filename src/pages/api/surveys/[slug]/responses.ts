import { readJsonBody } from '@/http/read-body';
import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { withPerson } from '@/http/person';
import { ballotVoter } from '@/http/voter-cookie';
import { MAX_SURVEY_RESPONSE_BODY_BYTES } from '@/lib/limits';
import { submitSurveyResponse } from '@/lib/survey-answers';
import { surveyResultsViewFor } from '@/lib/survey-results';

/** Records one whole response; answers with the survey's results when this respondent may see them. */
export const POST = apiRoute(async (context) => {
  const { params, locals, request } = context;
  const { store, surveyStore, secret, config } = locals.app;
  const body = await readJsonBody(request, MAX_SURVEY_RESPONSE_BODY_BYTES);
  const now = Date.now();
  const survey = await submitSurveyResponse(
    { store, surveyStore, secret, now },
    params.slug!,
    body,
    withPerson(ballotVoter(context), locals),
    'api',
  );
  // This browser has just responded: the results, unless they wait for the survey to close.
  const view = await surveyResultsViewFor(
    { store, surveyStore, secret, now, minCellSize: config.segmentMinN },
    survey,
    true,
  );
  return json({ accepted: true, results: view.results }, 201);
});

export const ALL = methodNotAllowed('POST');
