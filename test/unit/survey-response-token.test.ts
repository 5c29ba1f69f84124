/** The response token: only this server's, for this survey, unexpired, untouched. */
import { describe, expect, it } from 'vitest';
import { RESPONSE_TOKEN_TTL_MS, signResponseToken, verifyResponseToken } from '@/lib/response-token';
import { NOW } from '../support/records';

const SECRET = 'unit-test-secret-unit-test-secret';

describe('response token', () => {
  const token = signResponseToken(SECRET, 42, 7, NOW);

  it('names its response for its survey until it expires', () => {
    expect(token).toMatch(/^42\.7\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyResponseToken(SECRET, token, 7, NOW)).toBe(42);
    expect(verifyResponseToken(SECRET, token, 7, NOW + RESPONSE_TOKEN_TTL_MS - 1000)).toBe(42);
  });

  it('is refused once expired', () => {
    expect(verifyResponseToken(SECRET, token, 7, NOW + RESPONSE_TOKEN_TTL_MS)).toBeNull();
    expect(verifyResponseToken(SECRET, token, 7, NOW + RESPONSE_TOKEN_TTL_MS + 1)).toBeNull();
  });

  it('is refused for another survey', () => {
    expect(verifyResponseToken(SECRET, token, 8, NOW)).toBeNull();
  });

  it('is refused under another secret', () => {
    expect(verifyResponseToken('another-secret-another-secret-xx', token, 7, NOW)).toBeNull();
  });

  it.each([
    ['another response id', token.replace(/^42\./, '43.')],
    ['another survey id in the payload', token.replace(/^42\.7\./, '42.8.')],
    ['a later expiry', token.replace(/^(42\.7\.)(\d+)/, (_, head: string, exp: string) => `${head}${Number(exp) + 1}`)],
    ['a changed signature', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')],
    ['no signature', token.split('.').slice(0, 3).join('.')],
    ['empty', ''],
    ['garbage', 'not-a-token'],
    ['a negative id', `-1.7.${Math.floor(NOW / 1000) + 9999}.${'a'.repeat(43)}`],
  ])('is refused when tampered with: %s', (_, forged) => {
    expect(verifyResponseToken(SECRET, forged, 8 - 1, NOW)).toBeNull();
  });

  it('is refused when absent', () => {
    expect(verifyResponseToken(SECRET, null, 7, NOW)).toBeNull();
  });
});
