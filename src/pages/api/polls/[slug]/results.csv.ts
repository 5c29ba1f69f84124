import { apiRoute, methodNotAllowed } from '../../../../lib/http';
import { getPublicPoll } from '../../../../lib/polls';
import { resultsCsv, resultsForVisitor } from '../../../../lib/results';
import { hasVoted } from '../../../../lib/votes';
import { readDeviceId } from '../../../../lib/voter-cookie';

export const GET = apiRoute(async ({ params, locals, cookies }) => {
  const { store, secret } = locals.app;
  const poll = await getPublicPoll(store, params.slug!);
  const voted = await hasVoted(store, secret, poll, readDeviceId(cookies, secret));
  const results = resultsForVisitor(poll, { hasVoted: voted }, Date.now());
  return new Response(resultsCsv(results), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="${poll.slug}-results.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});

export const ALL = methodNotAllowed('GET');
