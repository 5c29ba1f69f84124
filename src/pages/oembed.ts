import { dimension, oembedLayout, oembedResponse, slugFromEmbedTarget } from '@/lib/embed';
import { PollError } from '@/lib/errors';
import { apiRoute, json, methodNotAllowed } from '@/http/responses';
import { getPublicPoll } from '@/lib/polls';

/** oEmbed 1.0 provider: a "rich" response whose html is the widget's iframe (`&layout=compact`: the iframe-only one). */
export const GET = apiRoute(async ({ url, locals }) => {
  const format = url.searchParams.get('format') ?? 'json';
  if (format === 'xml') {
    return json({ error: { code: 'not_implemented', message: 'Only format=json is supported.' } }, 501);
  }
  if (format !== 'json') throw new PollError('invalid_body', 'format must be json.');
  const maxWidth = dimension(url.searchParams.get('maxwidth'), 'maxwidth');
  const maxHeight = dimension(url.searchParams.get('maxheight'), 'maxheight');
  const slug = slugFromEmbedTarget(url.searchParams.get('url'), locals.origin);
  const poll = await getPublicPoll(locals.app.store, slug).catch(() => {
    throw new PollError('not_found', 'There is no poll at this URL.');
  });
  const layout = oembedLayout(url.searchParams.get('layout'), url.searchParams.get('url'));
  return json(oembedResponse(locals.origin, poll, maxWidth, maxHeight, layout), 200, {
    'Cache-Control': 'public, max-age=300',
    'Access-Control-Allow-Origin': '*',
    // Without PUBLIC_ORIGIN the URLs inside follow the request's host: a shared cache must key on it.
    ...(locals.app.config.publicOrigin ? {} : { Vary: 'Host, X-Forwarded-Host, X-Forwarded-Proto' }),
  });
});

export const ALL = methodNotAllowed('GET');
