import { apiRoute, methodNotAllowed } from '@/http/responses';
import { getPublicPoll } from '@/lib/polls';
import { qrSvg } from '@/lib/qr';

/**
 * The poll's QR code, for an all-hands screen or a printed page. The poll's URL never changes,
 * so browsers and proxies may keep it for a day; drafts and unknown slugs are 404.
 */
export const GET = apiRoute(async ({ params, locals }) => {
  const poll = await getPublicPoll(locals.app.store, params.slug!);
  const url = `${locals.origin}/polls/${poll.slug}`;
  return new Response(qrSvg(url, `QR code for ${url}`), {
    headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=86400' },
  });
});

// Link-preview crawlers and proxies may check an image with HEAD before fetching it.
export const HEAD = GET;
export const ALL = methodNotAllowed('GET');
