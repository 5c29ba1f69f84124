/**
 * The survey form's request, the same for the survey page and its widget: GET shows page 1 (or
 * says the browser answered already); a POST stores one page (src/lib/survey-answers.ts) and
 * shows the next, or after the last page redirects (303) to `doneUrl`; Back shows the previous
 * page with the response's stored answers and stores nothing. A refused page comes back as
 * typed, with its problems and the page's status (422); any other refusal (a token naming no
 * response: 400; a closed survey; a second response) is returned for the page's alert. The
 * response token travels only in the form.
 */
import type { AstroCookies } from 'astro';
import { isPollError } from '@/lib/errors';
import { MAX_VOTE_BODY_BYTES } from '@/lib/limits';
import { profileFromForm } from '@/lib/profile';
import { pageAnswersFromForm, submitSurveyPage, SurveyAnswersError, surveyPageView } from '@/lib/survey-answers';
import type { SurveyQuestion, SurveyRecord } from '@/lib/survey-types';
import { surveyPages } from '@/lib/surveys';
import { visitorOf, withPerson } from './person';
import { readFormBody } from './read-body';
import { ballotVoter } from './voter-cookie';

export interface SurveyFormState {
  page: number;
  pageCount: number;
  questions: SurveyQuestion[];
  answers: ReadonlyMap<string, { choices: string[]; other: string }>;
  profile: Record<string, unknown>;
  token: string | null;
}

export interface SurveyRequestOutcome {
  /** The page to show; null when the survey cannot be answered in this request. */
  form: SurveyFormState | null;
  /** A refused page's problems (the form shows them). */
  problems: { question: string | null; message: string }[];
  /** A refusal that is not about the answers. */
  refusal: { code: string; message: string } | null;
  /** This browser has a response already (GET only). */
  responded: boolean;
  /** A `person` survey and no trusted sign-on names the visitor: the page says how to sign in instead of the form. */
  signInNeeded: boolean;
}

interface AstroLike {
  cookies: AstroCookies;
  locals: App.Locals;
  request: Request;
  response: { status?: number };
  redirect(path: string, status?: 301 | 302 | 303 | 307 | 308): Response;
}

/** Handles the request; a Response means "return it" (the redirect after the last page). */
export async function surveyRequest(
  astro: AstroLike,
  survey: SurveyRecord,
  { embedded, doneUrl, onFinished }: { embedded: boolean; doneUrl: string; onFinished?: () => void },
): Promise<SurveyRequestOutcome | Response> {
  const app = astro.locals.app;
  const ctx = { store: app.store, surveyStore: app.surveyStore, secret: app.secret, now: Date.now() };
  const slug = survey.slug;
  const pageCount = surveyPages(survey).length;
  const signInNeeded = survey.duplicatePolicy === 'person' && astro.locals.person === null;
  const outcome: SurveyRequestOutcome = { form: null, problems: [], refusal: null, responded: false, signInNeeded };
  try {
    if (astro.request.method !== 'POST') {
      const view = await surveyPageView(ctx, slug, {
        page: 1,
        token: null,
        visitor: visitorOf(astro.cookies, astro.locals, { embedded }),
      });
      outcome.responded = view.responded && survey.duplicatePolicy !== 'none';
      outcome.form = { ...view, profile: view.profile };
      return outcome;
    }
    const body = await readFormBody(astro.request, MAX_VOTE_BODY_BYTES);
    const page = Math.min(Math.max(Number.parseInt(body.get('page') ?? '1', 10) || 1, 1), pageCount);
    const token = body.get('token') || null;
    // Back stores nothing; from page 1 (a crafted post) it shows page 1 again.
    if (body.get('nav') === 'back') {
      const view = await surveyPageView(ctx, slug, { page: Math.max(1, page - 1), token, visitor: null });
      outcome.form = { ...view, profile: view.profile };
      return outcome;
    }
    try {
      const voter = withPerson(ballotVoter(astro, { embedded }), astro.locals);
      const submitted = await submitSurveyPage(ctx, slug, body, voter, embedded ? 'embed' : 'web');
      if (submitted.outcome === 'finished') {
        onFinished?.();
        return astro.redirect(doneUrl, 303);
      }
      outcome.form = {
        page: submitted.page,
        pageCount,
        questions: surveyPages(submitted.survey)[submitted.page - 1] ?? [],
        answers: submitted.answers,
        profile: {},
        token: submitted.token,
      };
    } catch (error) {
      if (!(error instanceof SurveyAnswersError)) throw error;
      astro.response.status = error.status;
      outcome.problems = error.problems;
      outcome.form = {
        page,
        pageCount,
        questions: surveyPages(survey)[page - 1] ?? [],
        answers: pageAnswersFromForm(survey, page, body),
        profile: page === 1 ? profileFromForm(survey.profile, body) : {},
        token,
      };
    }
  } catch (error) {
    if (!isPollError(error)) throw error;
    astro.response.status = error.status;
    outcome.refusal = { code: error.code, message: error.message };
    outcome.form = null;
  }
  return outcome;
}
