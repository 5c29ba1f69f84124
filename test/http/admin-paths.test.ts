/**
 * Owner pages and admin API answers are never cacheable, however the path is spelled: repeated
 * slashes, escaped letters (%61 = "a") and trailing slashes reach the same route *and* the same
 * no-store rule; encoded slashes and dot segments are refused before any route sees them.
 */
import { describe, expect, it } from 'vitest';
import { createPoll, loginAsAdmin, rawRequest, type RawResponse } from '../support/api';
import { ADMIN_TOKEN, useServer } from '../support/server';

const PASSWORD = 'a-long-admin-password';
const FORM = 'application/x-www-form-urlencoded';
let session: string;

const server = useServer({
  env: { ADMIN_PASSWORD: PASSWORD },
  setup: async ({ url }) => {
    await createPoll(url, { slug: 'p', question: 'P?', options: ['A', 'B'] });
    session = await loginAsAdmin(url, PASSWORD);
  },
});

/**
 * Spellings of one path that must reach the same route: a doubled leading slash (and tripled),
 * each single slash doubled, all doubled, "admin" escaped, a trailing slash, and a mix.
 */
function variants(path: string): string[] {
  const slashes = [...path.matchAll(/\//g)].map((match) => match.index);
  return [
    `/${path}`,
    `//${path}`,
    ...slashes.map((at) => `${path.slice(0, at)}/${path.slice(at)}`),
    path.replace(/\//g, '//'),
    path.replace('admin', '%61dmin'),
    path.replace('admin', '%61%64%6D%69%6E'),
    `${path}/`,
    `//${path.replace('admin', '%61dmin').replace(/\/([^/]*)$/, '//$1')}/`,
  ].filter((variant, index, all) => all.indexOf(variant) === index && variant !== path);
}

interface Prepared {
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface AdminRoute {
  method: string;
  path: string;
  /** A session cookie (UI) or the bearer token (API). */
  auth: 'session' | 'token';
  /** What the canonical path answers. */
  status: number;
  /** Sets up one authenticated request: its path (e.g. a fresh poll to delete), headers and body. */
  prepare?: (index: number, spelling: string) => Promise<Prepared>;
}

const json = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

const ROUTES: AdminRoute[] = [
  { method: 'GET', path: '/admin', auth: 'session', status: 200 },
  {
    method: 'POST',
    path: '/admin',
    auth: 'session',
    status: 303,
    prepare: async () => ({ headers: { 'content-type': FORM, origin: server.url }, body: `password=${PASSWORD}` }),
  },
  { method: 'GET', path: '/admin/polls/new', auth: 'session', status: 200 },
  { method: 'GET', path: '/admin/polls/p', auth: 'session', status: 200 },
  { method: 'GET', path: '/admin/polls/p/results.csv', auth: 'session', status: 200 },
  { method: 'GET', path: '/admin/polls/p/votes.csv', auth: 'session', status: 200 },
  {
    method: 'POST',
    path: '/admin/logout',
    auth: 'session',
    status: 303,
    // Each logout ends a session of its own, so the shared one stays valid for the other routes.
    prepare: async () => ({ headers: { cookie: await loginAsAdmin(server.url, PASSWORD), origin: server.url } }),
  },
  { method: 'GET', path: '/api/admin/polls', auth: 'token', status: 200 },
  {
    method: 'POST',
    path: '/api/admin/polls',
    auth: 'token',
    status: 201,
    prepare: async (index) => json({ slug: `created-${Date.now()}-${index}`, question: 'New?', options: ['A', 'B'] }),
  },
  { method: 'GET', path: '/api/admin/polls/p', auth: 'token', status: 200 },
  {
    method: 'PATCH',
    path: '/api/admin/polls/p',
    auth: 'token',
    status: 200,
    prepare: async (index) => json({ description: `Edited ${index}` }),
  },
  {
    method: 'DELETE',
    path: '/api/admin/polls/p',
    auth: 'token',
    status: 204,
    // A poll of its own for every spelling, created through the canonical path.
    prepare: async (index, spelling) => {
      const slug = `gone-${Date.now()}-${index}`;
      await createPoll(server.url, { slug, question: 'Gone?', options: ['A', 'B'] });
      return { path: spelling.replace(/\/p(\/*)$/, `/${slug}$1`) };
    },
  },
];

/** Everything wrong with one answer, as readable lines ([] when it is fine). */
function problems(label: string, response: RawResponse, expectedStatus: number | null): string[] {
  const found: string[] = [];
  if (response.status >= 500) found.push(`${label}: ${response.status}`);
  if (expectedStatus !== null && response.status !== expectedStatus) {
    found.push(`${label}: ${response.status}, expected ${expectedStatus}`);
  }
  if (response.status !== 404 && !/\bno-store\b/.test(String(response.headers['cache-control'] ?? ''))) {
    found.push(`${label}: ${response.status} without Cache-Control: no-store`);
  }
  return found;
}

/** One request to `route` at `spelling`, with its session or token unless `authenticated` is false. */
async function ask(route: AdminRoute, spelling: string, index: number, authenticated: boolean): Promise<RawResponse> {
  if (!authenticated) return rawRequest(server.url, spelling, { method: route.method });
  const prepared = route.prepare ? await route.prepare(index, spelling) : {};
  const auth: Record<string, string> =
    route.auth === 'token' ? { authorization: `Bearer ${ADMIN_TOKEN}` } : { cookie: session };
  return rawRequest(server.url, prepared.path ?? spelling, {
    method: route.method,
    headers: { ...auth, ...prepared.headers },
    body: prepared.body,
  });
}

describe('admin answers are never cached', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s, however its path is spelled',
    async (_name, route) => {
      const found: string[] = [];
      const spellings = [route.path, ...variants(route.path)];
      for (const [index, spelling] of spellings.entries()) {
        const response = await ask(route, spelling, index, true);
        found.push(...problems(`${route.method} ${spelling}`, response, route.status));
      }
      expect(found).toEqual([]);
    },
  );

  it('even when the request is refused for want of a session or token', async () => {
    const found: string[] = [];
    for (const route of ROUTES.filter((r) => r.method === 'GET' || r.method === 'DELETE')) {
      for (const spelling of [route.path, ...variants(route.path)]) {
        const response = await ask(route, spelling, 0, false);
        // The UI sends the visitor to the login page; the API answers 401.
        const expected = route.auth === 'session' && route.path !== '/admin' ? 303 : route.auth === 'token' ? 401 : 200;
        found.push(...problems(`anonymous ${route.method} ${spelling}`, response, expected));
      }
    }
    expect(found).toEqual([]);
  });

  it('refuses encoded slashes, backslashes and dot segments with 400 before any route sees them', async () => {
    const found: string[] = [];
    for (const path of [
      '/admin%2Fpolls/new',
      '/api%2fadmin/polls',
      '/api/admin/polls%2Fp',
      '/admin\\polls\\new',
      '/\\admin',
      '/polls/../admin',
      '/polls/%2e%2e/admin',
      '/api/admin/polls/p/..',
      '/admin/./polls/new',
      '/_astro/../admin',
    ]) {
      const response = await rawRequest(server.url, path, {
        headers: { cookie: session, authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      found.push(...problems(`GET ${path}`, response, 400));
      if (response.status === 400) expect(JSON.parse(response.body).error.code, path).toBe('invalid_body');
    }
    expect(found).toEqual([]);
  });

  it('serves a spelled-differently admin path as the admin page itself, query string intact', async () => {
    const page = await rawRequest(server.url, '//%61dmin//polls/p?saved=1', { headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Changes saved.');
    const api = await rawRequest(server.url, '/api//%61dmin/polls/', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(JSON.parse(api.body).polls.some((poll: { slug: string }) => poll.slug === 'p')).toBe(true);
  });
});
