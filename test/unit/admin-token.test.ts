/** The admin API's bearer token check. */
import { describe, expect, it } from 'vitest';
import { requireAdminToken } from '@/http/admin-token';
import { codeOf } from '../support/errors';

const TOKEN = 'test-admin-token-0123456789';

const withAuthorization = (authorization: string | null) =>
  new Request('http://polls.test/api/admin/polls', { headers: authorization === null ? {} : { authorization } });

describe('requireAdminToken', () => {
  it.each<[string, string | null, string | undefined]>([
    ['the token', `Bearer ${TOKEN}`, undefined],
    ['a lower-case scheme', `bearer ${TOKEN}`, undefined],
    ['extra white space around it', `BEARER   ${TOKEN}  `, undefined],
    ['a tab after the scheme', `Bearer\t${TOKEN}`, undefined],
    ['no Authorization header', null, 'unauthorized'],
    ['an empty header', '', 'unauthorized'],
    ['the scheme alone', 'Bearer', 'unauthorized'],
    ['the token without the scheme', TOKEN, 'unauthorized'],
    ['another scheme', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, 'unauthorized'],
    ['a longer token', `Bearer ${TOKEN}x`, 'unauthorized'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`, 'unauthorized'],
    ['a token in another case', `Bearer ${TOKEN.toUpperCase()}`, 'unauthorized'],
    ['two words after the scheme', `Bearer ${TOKEN} ${TOKEN}`, 'unauthorized'],
  ])('%s → %s', (_name, authorization, expected) => {
    expect(codeOf(() => requireAdminToken(withAuthorization(authorization), TOKEN))).toBe(expected);
  });

  it.each([`Bearer ${TOKEN}`, 'Bearer anything', 'Bearer null', null])(
    'refuses %j when no token is configured',
    (authorization) => {
      expect(codeOf(() => requireAdminToken(withAuthorization(authorization), null))).toBe('unauthorized');
    },
  );

  it('answers 401 with one sentence', () => {
    expect(() => requireAdminToken(withAuthorization(null), TOKEN)).toThrow(
      expect.objectContaining({ status: 401, message: 'A valid admin bearer token is required.' }),
    );
  });
});
