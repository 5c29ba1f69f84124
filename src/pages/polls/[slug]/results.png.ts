import { apiRoute, methodNotAllowed } from '@/http/responses';
import { getPublicPoll } from '@/lib/polls';
import { resultsImage } from '@/lib/share-png';

/**
 * The results as a 1200×630 PNG for link previews (og:image), as an anonymous visitor may see
 * them. Revalidated with its ETag; a few minutes of staleness is fine for a chat preview.
 */
export const GET = apiRoute(async ({ params, locals, request }) => {
  const poll = await getPublicPoll(locals.app.store, params.slug!);
  const { etag, png } = await resultsImage(locals.app.store, poll, Date.now(), locals.origin);
  const headers = { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=300', ETag: etag };
  const ifNoneMatch = request.headers.get('if-none-match') ?? '';
  if (ifNoneMatch.split(/\s*,\s*/).some((tag) => tag === etag || tag === `W/${etag}` || tag === '*')) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(png, { headers });
});

// Link-preview crawlers and proxies may check an image with HEAD before fetching it.
export const HEAD = GET;
export const ALL = methodNotAllowed('GET');
