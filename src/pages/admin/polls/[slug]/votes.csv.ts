import type { APIRoute } from 'astro';
import { adminActor, uncached } from '../../../../lib/admin-request';
import { toCsv } from '../../../../lib/csv';
import { csvResponse } from '../../../../lib/http';
import { getPollForOwner } from '../../../../lib/polls';

/** The anonymised vote log: time, choices, source — never a voter key or an address. */
export const GET: APIRoute = uncached(async ({ params, locals, cookies, redirect }) => {
  if (!(await adminActor(locals, cookies))) return redirect('/admin', 303);
  const { store, adminStore } = locals.app;
  const poll = await getPollForOwner(store, params.slug!).catch(() => null);
  if (!poll) return new Response('Not found', { status: 404 });
  const log = await adminStore.voteLog(poll.id);
  const rows = log.map((vote) => [new Date(vote.createdAt).toISOString(), vote.choices.join(' '), vote.source]);
  return csvResponse(toCsv([['time', 'choices', 'source'], ...rows]), `${poll.slug}-votes.csv`);
});
