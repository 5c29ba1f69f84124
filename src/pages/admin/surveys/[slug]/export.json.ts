import type { APIRoute } from 'astro';
import { adminActor, uncached } from '@/http/admin-request';
import { toSurveyInput } from '@/lib/survey-files';

/** The survey as the SurveyInput that recreates it (/admin/surveys/import, `POST /api/admin/surveys`). */
export const GET: APIRoute = uncached(async ({ params, locals, cookies, redirect }) => {
  if (!(await adminActor(locals, cookies))) return redirect('/admin', 303);
  const survey = await locals.app.surveyStore.findSurvey(params.slug!);
  if (!survey) return new Response('Not found', { status: 404 });
  return new Response(`${JSON.stringify(toSurveyInput(survey), null, 2)}\n`, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="survey-${survey.slug}.json"`,
    },
  });
});
