import type { APIRoute } from 'astro';
import { adminActor, uncached } from '@/http/admin-request';
import { findPollForOwner } from '@/lib/polls';
import { buildResults, resultsCsv } from '@/lib/results';
import { csvResponse } from '@/http/responses';

/** The aggregate results for the owner, whatever the public visibility. */
export const GET: APIRoute = uncached(async ({ params, locals, cookies, redirect }) => {
  if (!(await adminActor(locals, cookies))) return redirect('/admin', 303);
  const poll = await findPollForOwner(locals.app.store, params.slug!);
  if (!poll) return new Response('Not found', { status: 404 });
  // The CSV lists the options' tallies (a ranked poll's first choices): no runoff count needed.
  return csvResponse(resultsCsv(buildResults(poll, Date.now(), undefined)), `${poll.slug}-results.csv`);
});
