import type { APIRoute } from 'astro';
import { adminActor, uncached } from '@/http/admin-request';
import { csvResponse } from '@/http/responses';
import { responsesCsv } from '@/lib/survey-csv';

/** The responses CSV for the logged-in owner (linked from the admin survey page), streamed page by page. */
export const GET: APIRoute = uncached(async ({ params, locals, cookies, redirect }) => {
  if (!(await adminActor(locals, cookies))) return redirect('/admin', 303);
  const survey = await locals.app.surveyStore.findSurvey(params.slug!);
  if (!survey) return new Response('Not found', { status: 404 });
  return csvResponse(responsesCsv(locals.app.surveyStore, survey), `${survey.slug}-responses.csv`);
});
