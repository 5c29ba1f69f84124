import type { APIRoute } from 'astro';
import { adminActor, uncached } from '@/http/admin-request';
import { csvResponse } from '@/http/responses';
import { findPollForOwner } from '@/lib/polls';
import { writeInCsv } from '@/lib/write-in-answers';

/** The write-in "Other" answers, for the owner only: voters' texts never leave the admin side. */
export const GET: APIRoute = uncached(async ({ params, locals, cookies, redirect }) => {
  if (!(await adminActor(locals, cookies))) return redirect('/admin', 303);
  const poll = await findPollForOwner(locals.app.store, params.slug!);
  if (!poll) return new Response('Not found', { status: 404 });
  return csvResponse(writeInCsv(await locals.app.adminStore.otherAnswers(poll.id)), `${poll.slug}-other.csv`);
});
