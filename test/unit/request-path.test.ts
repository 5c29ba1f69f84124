import { describe, expect, it } from 'vitest';
import { normaliseTarget } from '@/http/request-path';

describe('normaliseTarget', () => {
  it.each([
    ['/', '/'],
    ['/admin', '/admin'],
    ['//admin', '/admin'],
    ['///api/admin/polls', '/api/admin/polls'],
    ['/api//admin/polls/x', '/api/admin/polls/x'],
    ['/admin//polls/new', '/admin/polls/new'],
    ['/admin/', '/admin/'],
    ['/admin//', '/admin/'],
    // Unreserved characters, escaped in either case, mean exactly the same unescaped.
    ['/%61dmin', '/admin'],
    ['/api/%61%64%6D%69%6E/polls', '/api/admin/polls'],
    ['/polls/a%2Db%5F%7E', '/polls/a-b_~'],
    // Everything else stays as sent: "%25" stays, so no new escape appears (no double decoding).
    ['/polls/%25%36%31', '/polls/%2561'],
    ['/polls/%E2%9C%93', '/polls/%E2%9C%93'],
    ['/polls/%3F', '/polls/%3F'],
    ['/polls/%', '/polls/%'],
  ])('%s → %s', (target, path) => {
    expect(normaliseTarget(target)).toEqual({ ok: true, url: path, path });
  });

  it('keeps the query string exactly as sent', () => {
    expect(normaliseTarget('//admin?next=//x&a=%61%2F')).toEqual({
      ok: true,
      url: '/admin?next=//x&a=%61%2F',
      path: '/admin',
    });
    expect(normaliseTarget('/polls/h?')).toEqual({ ok: true, url: '/polls/h?', path: '/polls/h' });
  });

  it.each([
    '*',
    'http://evil.example/admin',
    'admin',
    '',
    '?x',
    // Encoded slashes and backslashes: parsers disagree on whether they separate segments.
    '/admin%2Fpolls',
    '/admin%2fpolls',
    '/api/admin/polls/x%5Cy',
    '/admin\\polls',
    '/\\admin',
    // Dot segments, plain or escaped: the URL parser would resolve them after every check.
    '/polls/../admin',
    '/polls/%2e%2e/admin',
    '/polls/.%2E/admin',
    '/_astro/../admin',
    '/admin/.',
    '/./admin',
    '/%2E/admin',
    // A fragment is never sent by a browser; the URL parser would cut the path at it.
    '/admin#x',
    // The URL parser drops tabs and newlines: /ad<TAB>min would become /admin.
    '/ad\tmin',
    '/ad\nmin',
    '/admin ',
    '/ad\u007fmin',
  ])('refuses %j', (target) => {
    expect(normaliseTarget(target)).toEqual({ ok: false });
  });

  it('allows dots that are not whole segments', () => {
    expect(normaliseTarget('/polls/a..b/results.csv')).toMatchObject({ ok: true, path: '/polls/a..b/results.csv' });
    expect(normaliseTarget('/.well-known/x')).toMatchObject({ ok: true, path: '/.well-known/x' });
  });
});
