/**
 * Bytes on the wire, from the built server: pages and JSON compressed on the fly in the coding
 * the client prefers (and only when it pays), static files sent as their build-time brotli and
 * gzip copies, every answer that could be compressed saying `Vary: Accept-Encoding`, and
 * validators — a matching If-None-Match is a 304 without a body. Raw node:http requests: fetch
 * would decompress (and ask for compression) behind the test's back.
 */
import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '@/http/astro-render';
import { createPoll as createPollInStore } from '@/lib/poll-admin';
import { VOTE_LOG_PAGE_SIZE } from '@/lib/vote-log';
import { createPoll, loginAsAdmin, vote, voterCookie } from '../support/api';
import { ROOT, serverDatabaseUrl, useServer } from '../support/server';
import { withStores } from '../support/temp-db';

const PASSWORD = 'a-long-admin-password';
const server = useServer({
  env: { SEED_DEMO: '1', ADMIN_PASSWORD: PASSWORD },
  setup: async ({ url }) => {
    const poll = { question: 'Tabs or spaces?', options: ['Tabs', 'Spaces'] };
    await createPoll(url, { slug: 'wire', ...poll, resultsVisibility: 'always' });
    await createPoll(url, { slug: 'voters-only', ...poll, resultsVisibility: 'after_vote' });
  },
});

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decoded = ({ headers, body }: Raw) =>
  headers['content-encoding'] === 'br'
    ? brotliDecompressSync(body)
    : headers['content-encoding'] === 'gzip'
      ? gunzipSync(body)
      : body;

const vary = (headers: IncomingHttpHeaders) =>
  String(headers.vary ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase());

const RESULTS_PAGE = '/polls/project-management-tool/results';

/** The stylesheets and scripts a page links to. */
async function assetsOf(page: string): Promise<string[]> {
  const html = (await raw(page)).body.toString();
  return [...html.matchAll(/(?:href|src)="(\/_astro\/[^"]+)"/g)].map((m) => m[1]!);
}

describe('pages and JSON compressed on the fly', () => {
  it('gzip and br bodies decompress to the identical page, with their own Content-Length and one ETag', async () => {
    const plain = await raw(RESULTS_PAGE);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(plain.body.length).toBeGreaterThan(10_000);
    for (const coding of ['gzip', 'br']) {
      const encoded = await raw(RESULTS_PAGE, { 'accept-encoding': coding });
      expect(encoded.status).toBe(200);
      expect(encoded.headers['content-encoding']).toBe(coding);
      expect(Number(encoded.headers['content-length'])).toBe(encoded.body.length);
      expect(encoded.body.length).toBeLessThan(plain.body.length / 3);
      expect(decoded(encoded).equals(plain.body)).toBe(true);
      expect(vary(encoded.headers)).toContain('accept-encoding');
      // Weak: the forms of one body share their validator.
      expect(encoded.headers.etag).toBe(plain.headers.etag);
    }
    expect(vary(plain.headers)).toContain('accept-encoding');
    expect(plain.headers.etag).toMatch(/^W\/"[\w-]+"$/);
  });

  it('honours q-values: the highest acceptable, brotli on a tie, q=0 refused, identity when nothing fits', async () => {
    const cases: [string, string | undefined][] = [
      ['gzip, deflate, br', 'br'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['br;q=0, gzip;q=0', undefined],
      ['identity', undefined],
      ['deflate', undefined],
      ['*', 'br'],
      ['*;q=0.5, gzip', 'gzip'],
      ['BR;Q=0.8, GZIP;q=0.7', 'br'],
    ];
    for (const [accept, expected] of cases) {
      const response = await raw('/', { 'accept-encoding': accept });
      expect(response.headers['content-encoding'], accept).toBe(expected);
      expect(decoded(response).toString(), accept).toContain('</html>');
    }
  });

  it('answers HEAD with the headers a GET gets, without a body', async () => {
    for (const coding of ['br', 'gzip', '']) {
      const headers: Record<string, string> = coding ? { 'accept-encoding': coding } : {};
      const get = await raw(RESULTS_PAGE, headers);
      const head = await raw(RESULTS_PAGE, headers, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.headers['content-encoding']).toBe(get.headers['content-encoding']);
      expect(head.headers.etag).toBe(get.headers.etag);
    }
  });

  it('leaves small bodies alone: no coding, and no Vary since no client could get another form', async () => {
    const small = await raw('/api/polls/wire', { 'accept-encoding': 'br, gzip' });
    expect(small.status).toBe(200);
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(vary(small.headers)).not.toContain('accept-encoding');
    expect(JSON.parse(small.body.toString()).slug).toBe('wire');
  });

  it('never compresses the live-results event stream', async () => {
    const response = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/polls/wire/results/stream`, {
        headers: { 'accept-encoding': 'br, gzip', accept: 'text/event-stream' },
      });
      req.on('response', (res) => {
        res.once('data', () => {
          resolve(res.headers);
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(response['content-type']).toMatch(/^text\/event-stream/);
    expect(response['content-encoding']).toBeUndefined();
  });

  it('admin pages stay no-store, without a validator (compressed all the same)', async () => {
    const cookie = await loginAsAdmin(server.url, PASSWORD);
    const admin = await raw('/admin', { cookie, 'accept-encoding': 'gzip' });
    expect(admin.status).toBe(200);
    expect(admin.headers['cache-control']).toBe('no-store');
    expect(admin.headers.etag).toBeUndefined();
    expect(decoded(admin).toString()).toContain('</html>');
  });
});

describe('conditional requests', () => {
  it('a page: 304 without a body on a matching If-None-Match, keeping ETag, Cache-Control and Vary', async () => {
    const first = await raw(RESULTS_PAGE, { 'accept-encoding': 'br' });
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await raw(RESULTS_PAGE, { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe('private, no-cache');
    expect(vary(again.headers)).toContain('accept-encoding');
    // Among several, or as `*`, too; a stale validator gets the page.
    const listed = await raw(RESULTS_PAGE, { 'if-none-match': `"stale", ${first.headers.etag}` });
    expect(listed.status).toBe(304);
    expect((await raw(RESULTS_PAGE, { 'if-none-match': '*' })).status).toBe(304);
    expect((await raw(RESULTS_PAGE, { 'if-none-match': 'W/"stale"' })).status).toBe(200);
  });

  it('results JSON: 304 while unchanged, 200 with a new ETag after a vote', async () => {
    const path = '/api/polls/wire/results';
    const before = await raw(path);
    expect(before.status).toBe(200);
    expect(before.headers['cache-control']).toBe('private, no-cache');
    const etag = before.headers.etag!;
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const unchanged = await raw(path, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body.length).toBe(0);
    expect(unchanged.headers.etag).toBe(etag);

    await vote(server.url, 'wire', ['tabs']);
    const after = await raw(path, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body.toString()).totalResponses).toBe(1);
    expect(after.headers.etag).not.toBe(etag);
  });

  it('results shown only to voters: private, and a non-voter’s validator never stands for a voter’s view', async () => {
    const path = '/api/polls/voters-only/results';
    const stranger = await raw(path);
    expect(stranger.status).toBe(403);
    expect(stranger.headers.etag).toBeUndefined();
    const cookie = voterCookie((await vote(server.url, 'voters-only', ['tabs'])).headers);
    const voter = await raw(path, { cookie });
    expect(voter.status).toBe(200);
    // No shared cache may hand this to the next visitor; each browser revalidates its own copy.
    expect(voter.headers['cache-control']).toBe('private, no-cache');
    expect((await raw(path, { cookie, 'if-none-match': voter.headers.etag! })).status).toBe(304);
    expect((await raw(path, { 'if-none-match': voter.headers.etag! })).status).toBe(403);
  });

  it('a static asset: 304 on its ETag, the ETag of the form the client gets', async () => {
    const [stylesheet] = (await assetsOf(RESULTS_PAGE)).filter((path) => path.endsWith('.css'));
    const first = await raw(stylesheet!, { 'accept-encoding': 'br' });
    expect(first.status).toBe(200);
    const again = await raw(stylesheet!, { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});

describe('static files: build-time copies', () => {
  it('sends the chart bundle as its brotli or gzip copy, with the script’s type, Vary and Content-Length', async () => {
    // The largest file of the build: the chart's shared chunk.
    const assets = join(ROOT, 'dist', 'client', '_astro');
    const largest = readdirSync(assets)
      .filter((name) => name.endsWith('.js'))
      .map((name) => ({ name, size: statSync(join(assets, name)).size }))
      .sort((a, b) => b.size - a.size)[0]!;
    expect(largest.size).toBeGreaterThan(64 * 1024);
    const path = `/_astro/${largest.name}`;
    const plain = await raw(path);
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const coding of ['br', 'gzip']) {
      const copy = await raw(path, { 'accept-encoding': coding });
      expect(copy.status).toBe(200);
      expect(copy.headers['content-type']).toBe(plain.headers['content-type']);
      expect(copy.headers['content-encoding']).toBe(coding);
      expect(Number(copy.headers['content-length'])).toBe(copy.body.length);
      expect(copy.body.length).toBeLessThan(plain.body.length / 2);
      expect(vary(copy.headers)).toContain('accept-encoding');
      expect(copy.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(copy.headers.etag).not.toBe(plain.headers.etag);
      expect(decoded(copy).equals(plain.body)).toBe(true);
    }
    const head = await raw(path, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
  });

  it('never serves a copy under its own name as something else: `x.js.br` is a 404', async () => {
    const [script] = (await assetsOf(RESULTS_PAGE)).filter((path) => path.endsWith('.js'));
    const largest = (await raw(script!)).body.toString();
    const chunk = /from\s*"\.\/([^"]+\.js)"/.exec(largest)?.[1];
    for (const path of [`${script}.br`, `${script}.gz`, ...(chunk ? [`/_astro/${chunk}.br`] : [])]) {
      const response = await raw(path, { 'accept-encoding': 'br' });
      expect(response.status, path).toBe(404);
      expect(response.headers['content-type'], path).toMatch(/^text\/html/);
    }
  });

  it('keeps range requests (served from the unencoded file) and answers other methods 405', async () => {
    const [stylesheet] = (await assetsOf(RESULTS_PAGE)).filter((path) => path.endsWith('.css'));
    const whole = await raw(stylesheet!);
    const part = await raw(stylesheet!, { range: 'bytes=10-19', 'accept-encoding': 'br' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-range']).toBe(`bytes 10-19/${whole.body.length}`);
    expect(part.body.equals(whole.body.subarray(10, 20))).toBe(true);
    expect((await raw(stylesheet!, { range: `bytes=${whole.body.length + 5}-` })).status).toBe(416);
    const post = await raw(stylesheet!, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('leaves files under 1 KB (the favicon) without copies or Vary', async () => {
    const favicon = await raw('/favicon.svg', { 'accept-encoding': 'br, gzip' });
    expect(favicon.status).toBe(200);
    expect(favicon.headers['content-type']).toBe('image/svg+xml');
    expect(favicon.headers['content-encoding']).toBeUndefined();
    expect(favicon.headers.vary).toBeUndefined();
    expect((await raw('/favicon.svg', { 'if-none-match': favicon.headers.etag! })).status).toBe(304);
  });
});

describe('a long export streamed', () => {
  /** Three pages of the vote log: well past what is collected whole before sending. */
  const VOTES = VOTE_LOG_PAGE_SIZE * 3;
  const big = useServer({
    env: { ADMIN_PASSWORD: PASSWORD },
    prepare: async (dir) =>
      withStores(await serverDatabaseUrl(dir), async ({ store }) => {
        const start = Date.parse('2026-06-01T00:00:00Z');
        const poll = await createPollInStore(
          store,
          { slug: 'big', question: 'Big?', options: ['A', 'B'], duplicatePolicy: 'none', resultsVisibility: 'always' },
          start,
        );
        const votes = Array.from({ length: VOTES }, (_, i) => ({
          optionIds: [poll.options[i % 2]!.id],
          createdAt: start + i * 60_000,
          source: 'api' as const,
        }));
        await store.importVotes(poll.id, votes);
      }),
  });

  const download = (cookie: string, headers: Record<string, string>) =>
    new Promise<Raw>((resolve, reject) => {
      const req = httpRequest(`${big.url}/admin/polls/big/votes.csv`, { headers: { cookie, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  it('is sent as produced (chunked, no length), compressed as a stream, and decompresses to the same rows', async () => {
    const cookie = await loginAsAdmin(big.url, PASSWORD);
    const plain = await download(cookie, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString().trimEnd().split('\r\n')).toHaveLength(VOTES + 1);
    expect(plain.body.length).toBeGreaterThan(MAX_BUFFERED_BYTES);
    for (const coding of ['br', 'gzip']) {
      const encoded = await download(cookie, { 'accept-encoding': coding });
      expect(encoded.status).toBe(200);
      expect(encoded.headers['transfer-encoding']).toBe('chunked');
      expect(encoded.headers['content-encoding']).toBe(coding);
      expect(encoded.headers['content-length']).toBeUndefined();
      expect(encoded.headers['cache-control']).toBe('no-store');
      expect(encoded.headers.etag).toBeUndefined();
      expect(vary(encoded.headers)).toContain('accept-encoding');
      expect(encoded.body.length).toBeLessThan(plain.body.length / 3);
      expect(decoded(encoded).equals(plain.body)).toBe(true);
    }
  });
});
