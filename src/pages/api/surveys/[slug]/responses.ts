import { readJsonBody } from '@/http/read-body';
import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { ballotVoter } from '@/http/voter-cookie';
import { MAX_SURVEY_RESPONSE_BODY_BYTES } from '@/lib/limits';
import { submitSurveyResponse } from '@/lib/survey-answers';

/** Records one whole response; answers with the survey's results when this respondent may see them. */
export const POST = apiRoute(async (context) => {
  const { params, locals, request } = context;
  const { store, surveyStore, secret } = locals.app;
  const body = await readJsonBody(request, MAX_SURVEY_RESPONSE_BODY_BYTES);
  const now = Date.now();
  await submitSurveyResponse({ store, surveyStore, secret, now }, params.slug!, body, ballotVoter(context), 'api');
  // TODO(results helper): `results` from surveyResultsView (src/lib/survey-results.ts) once it is on main.
  return json({ accepted: true, results: null }, 201);
});

export const ALL = methodNotAllowed('POST');
