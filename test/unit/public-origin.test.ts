/** The origin visitors use (for absolute URLs), and which origins browsers trust with Secure cookies. */
import { describe, expect, it } from 'vitest';
import { isPotentiallyTrustworthy, publicOrigin } from '@/http/public-origin';

describe('publicOrigin', () => {
  it.each<{ url: string; headers: Record<string, string>; trust: boolean; expected: string }>([
    // Astro rebuilds the URL with "localhost": the Host header is what the visitor typed.
    {
      url: 'http://localhost:4321/x',
      headers: { host: 'polls.example:8080' },
      trust: false,
      expected: 'http://polls.example:8080',
    },
    {
      url: 'http://localhost:4321/x',
      headers: { host: 'Polls.Example' },
      trust: false,
      expected: 'http://polls.example',
    },
    { url: 'http://localhost:4321/x', headers: { host: '[::1]:4321' }, trust: false, expected: 'http://[::1]:4321' },
    { url: 'https://localhost/x', headers: { host: 'polls.example' }, trust: false, expected: 'https://polls.example' },
    // Forwarding headers count only behind a trusted proxy, and only their first entry.
    {
      url: 'http://localhost/x',
      headers: { host: 'polls.example', 'x-forwarded-proto': 'https' },
      trust: false,
      expected: 'http://polls.example',
    },
    {
      url: 'http://localhost/x',
      headers: { host: 'polls.example', 'x-forwarded-proto': 'https' },
      trust: true,
      expected: 'https://polls.example',
    },
    {
      url: 'http://localhost/x',
      headers: {
        host: '10.0.0.5:4321',
        'x-forwarded-host': 'evil.example, polls.example',
        'x-forwarded-proto': 'http, https',
      },
      trust: true,
      expected: 'https://polls.example',
    },
    {
      url: 'http://localhost/x',
      headers: { host: '10.0.0.5:4321', 'x-forwarded-host': 'polls.example' },
      trust: false,
      expected: 'http://10.0.0.5:4321',
    },
    {
      url: 'http://localhost/x',
      headers: { host: 'polls.example', 'x-forwarded-host': '' },
      trust: true,
      expected: 'http://polls.example',
    },
    // A scheme other than http or https is not believed: the request's own stands.
    {
      url: 'https://localhost/x',
      headers: { host: 'polls.example', 'x-forwarded-proto': 'gopher' },
      trust: true,
      expected: 'https://polls.example',
    },
    // A Host that is not a plain host[:port] is never reflected.
    {
      url: 'http://localhost:4321/x',
      headers: { host: 'evil.example/path' },
      trust: false,
      expected: 'http://localhost:4321',
    },
    {
      url: 'http://localhost:4321/x',
      headers: { host: 'user@evil.example' },
      trust: false,
      expected: 'http://localhost:4321',
    },
    {
      url: 'http://localhost:4321/x',
      headers: { host: 'polls.example', 'x-forwarded-host': 'evil.example"><script>' },
      trust: true,
      expected: 'http://localhost:4321',
    },
    { url: 'http://localhost:4321/x', headers: {}, trust: false, expected: 'http://localhost:4321' },
  ])('$headers (trust proxy: $trust) → $expected', ({ url, headers, trust, expected }) => {
    expect(publicOrigin(new Request(url, { headers }), new URL(url), trust)).toBe(expected);
  });
});

describe('isPotentiallyTrustworthy', () => {
  it.each([
    ['https://polls.example', true],
    ['https://polls.example:8443', true],
    ['http://localhost:4321', true],
    ['http://LOCALHOST', true],
    ['http://widgets.localhost', true],
    ['http://127.0.0.1', true],
    ['http://127.1.2.3:8080', true],
    ['http://[::1]:4321', true],
    ['http://polls.example', false],
    ['http://localhost.example.com', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://0.0.0.0', false],
    ['http://10.0.0.5', false],
    ['http://[::ffff:127.0.0.1]', false],
  ])('%s → %s', (origin, expected) => {
    expect(isPotentiallyTrustworthy(origin)).toBe(expected);
  });
});
