/** Sharing: the QR code route, the results image for link previews, and the tags that point to it. */
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { createPoll, request, vote } from '../support/api';
import { useServer } from '../support/server';

const server = useServer({
  setup: async ({ url }) => {
    await createPoll(url, {
      slug: 'shown',
      question: 'Tabs or spaces?',
      options: ['Tabs', 'Spaces'],
      resultsVisibility: 'always',
    });
    await createPoll(url, {
      slug: 'secret',
      question: 'Secret ballot?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_close',
      closesAt: '2099-01-01T00:00:00Z',
    });
    await createPoll(url, {
      slug: 'secret-twin',
      question: 'Secret ballot?',
      options: ['Yes', 'No'],
      resultsVisibility: 'after_close',
      closesAt: '2099-01-01T00:00:00Z',
    });
    await createPoll(url, { slug: 'unpublished', question: 'Draft?', options: ['A', 'B'], status: 'draft' });
    await createPoll(url, {
      slug: 'quoted',
      question: 'Is <b>"this"</b> & that escaped?',
      options: ['Yes', 'No'],
      resultsVisibility: 'always',
    });
  },
});

/** The raw bytes of a GET, with its status and headers (the JSON helper reads bodies as text). */
async function bytes(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Width and height from the IHDR chunk, which the PNG format puts first, right after the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('GET /polls/{slug}/qr.svg', () => {
  it('is a well-formed, scalable SVG of the poll’s absolute URL, cacheable', async () => {
    const { status, headers, body } = await request(`${server.url}/polls/shown/qr.svg`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const svg = body as string;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    expect(svg).toContain(`<title>QR code for ${server.url}/polls/shown</title>`);
    // A version-3 symbol or larger for this URL: hundreds of dark runs, not an empty square.
    expect(svg.match(/M\d+ \d+h\d+v1h-\d+z/g)!.length).toBeGreaterThan(100);
    // resvg's XML parser is strict: this throws on anything malformed.
    const rendered = new Resvg(svg, { fitTo: { mode: 'width', value: 100 } }).render();
    expect(rendered.width).toBe(100);
  });

  it('answers 404 for unknown and draft polls, and HEAD like GET', async () => {
    expect((await request(`${server.url}/polls/no-such-poll/qr.svg`)).status).toBe(404);
    expect((await request(`${server.url}/polls/unpublished/qr.svg`)).status).toBe(404);
    const head = await fetch(`${server.url}/polls/shown/qr.svg`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });
});

describe('GET /polls/{slug}/results.png', () => {
  it('is a 1200×630 PNG under 100 KB with a validator, and answers 304 to it', async () => {
    await vote(server.url, 'shown', ['tabs']);
    const { status, headers, body } = await bytes('/polls/shown/results.png');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('image/png');
    expect([...body.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(body)).toEqual({ width: 1200, height: 630 });
    expect(body.length).toBeLessThan(100_000);
    expect(headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const etag = headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);

    const again = await bytes('/polls/shown/results.png', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('is a new image with a new validator once the results change', async () => {
    const before = await bytes('/polls/shown/results.png');
    await vote(server.url, 'shown', ['spaces']);
    const after = await bytes('/polls/shown/results.png');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(Buffer.from(after.body).equals(Buffer.from(before.body))).toBe(false);
    expect((await bytes('/polls/shown/results.png', { 'if-none-match': before.headers.get('etag')! })).status).toBe(
      200,
    );
  });

  it('reveals nothing of hidden results: with votes it is the image of a twin poll without any', async () => {
    const ogImage = async () =>
      /<meta property="og:image" content="([^"]*)"/.exec((await request(`${server.url}/polls/secret`)).body)![1];
    const before = await ogImage();
    await vote(server.url, 'secret', ['yes']);
    await vote(server.url, 'secret', ['yes']);
    const voted = await bytes('/polls/secret/results.png');
    const twin = await bytes('/polls/secret-twin/results.png');
    expect(voted.status).toBe(200);
    expect(pngSize(voted.body)).toEqual({ width: 1200, height: 630 });
    // The validator is a hash of everything drawn: equal validators mean equal pictures.
    expect(voted.headers.get('etag')).toBe(twin.headers.get('etag'));
    expect(Buffer.from(voted.body).equals(Buffer.from(twin.body))).toBe(true);
    // Nor does the image's URL in the page move with hidden votes.
    expect(await ogImage()).toBe(before);
  });

  it('answers 404 for unknown and draft polls', async () => {
    expect((await bytes('/polls/no-such-poll/results.png')).status).toBe(404);
    expect((await bytes('/polls/unpublished/results.png')).status).toBe(404);
  });
});

describe('link-preview tags', () => {
  const meta = (html: string, key: string) =>
    new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1];

  it.each([
    ['/polls/shown', 'Tabs or spaces?'],
    ['/polls/shown/results', 'Results: Tabs or spaces?'],
  ])('%s carries Open Graph and Twitter card tags with absolute URLs', async (path, title) => {
    const html = (await request(`${server.url}${path}`)).body as string;
    expect(meta(html, 'og:title')).toBe(title);
    expect(meta(html, 'og:url')).toBe(`${server.url}${path}`);
    expect(meta(html, 'og:description')).toBeTruthy();
    const image = meta(html, 'og:image')!;
    expect(image).toMatch(new RegExp(`^${server.url}/polls/shown/results\\.png\\?v=[\\w-]+$`));
    expect(meta(html, 'og:image:width')).toBe('1200');
    expect(meta(html, 'og:image:height')).toBe('630');
    expect(meta(html, 'og:image:alt')).toContain('Tabs or spaces?');
    expect(meta(html, 'twitter:card')).toBe('summary_large_image');
    expect(meta(html, 'twitter:image')).toBe(image);
    // The image the tags name is there.
    expect((await bytes(new URL(image).pathname + new URL(image).search)).status).toBe(200);
  });

  it('escapes the question in the tags', async () => {
    const html = (await request(`${server.url}/polls/quoted`)).body as string;
    // Astro escapes quotes and ampersands in attributes; a < inside a quoted attribute is inert.
    expect(meta(html, 'og:title')).toBe('Is <b>&#34;this&#34;</b> &#38; that escaped?');
  });

  it('does not state the number of responses where results are hidden', async () => {
    const html = (await request(`${server.url}/polls/secret`)).body as string;
    expect(meta(html, 'og:image:alt')).toBe('The poll “Secret ballot?”. Results are shown when the poll closes.');
  });
});

describe('the Share box', () => {
  it.each(['/polls/shown', '/polls/shown/results'])(
    '%s shows the poll link in a field without JavaScript, a hidden Copy button and the QR code',
    async (path) => {
      const html = (await request(`${server.url}${path}`)).body as string;
      expect(html).toContain('<h2 id="share-heading-shown">Share this poll</h2>');
      expect(html).toMatch(
        new RegExp(`<input id="share-url-shown" type="text" readonly value="${server.url}/polls/shown"`),
      );
      expect(html).toMatch(/<button type="button" class="button copy-link"[^>]* hidden>/);
      expect(html).toMatch(/<img class="share-qr" src="\/polls\/shown\/qr\.svg" alt="QR code for [^"]+"/);
      expect(html).toContain('<a href="/polls/shown/qr.svg">Show QR code full screen</a>');
    },
  );
});
