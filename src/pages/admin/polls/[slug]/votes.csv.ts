import type { APIRoute } from 'astro';
import { adminActor, uncached } from '@/http/admin-request';
import { csvResponse } from '@/http/responses';
import { findPollForOwner } from '@/lib/polls';
import { voteLogCsv } from '@/lib/vote-log';

/** The anonymised vote log, streamed page by page: a poll's log can outgrow memory. */
export const GET: APIRoute = uncached(async ({ params, locals, cookies, redirect }) => {
  if (!(await adminActor(locals, cookies))) return redirect('/admin', 303);
  const poll = await findPollForOwner(locals.app.store, params.slug!);
  if (!poll) return new Response('Not found', { status: 404 });
  return csvResponse(voteLogCsv(locals.app.adminStore, poll.id), `${poll.slug}-votes.csv`);
});
