import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite } from '../../src/lib/origin';

describe('isCrossSiteWrite', () => {
  it.each<{ method: string; headers: Record<string, string>; trust: boolean; expected: boolean }>([
    {
      method: 'GET',
      headers: { origin: 'https://evil.example', host: 'polls.example' },
      trust: false,
      expected: false,
    },
    {
      method: 'POST',
      headers: { origin: 'https://polls.example', host: 'polls.example' },
      trust: false,
      expected: false,
    },
    {
      method: 'POST',
      headers: { origin: 'https://evil.example', host: 'polls.example' },
      trust: false,
      expected: true,
    },
    { method: 'POST', headers: { origin: 'null', host: 'polls.example' }, trust: false, expected: true },
    { method: 'POST', headers: { host: 'polls.example' }, trust: false, expected: false },
    {
      method: 'POST',
      headers: { host: 'polls.example', 'sec-fetch-site': 'cross-site' },
      trust: false,
      expected: true,
    },
    {
      method: 'DELETE',
      headers: { origin: 'http://127.0.0.1:4321', host: 'localhost:4321' },
      trust: false,
      expected: true,
    },
    {
      method: 'POST',
      headers: { origin: 'https://polls.example', host: '10.0.0.5:4321', 'x-forwarded-host': 'polls.example' },
      trust: true,
      expected: false,
    },
    {
      method: 'POST',
      headers: { origin: 'https://polls.example', host: '10.0.0.5:4321', 'x-forwarded-host': 'polls.example' },
      trust: false,
      expected: true,
    },
  ])('$method $headers (trust proxy: $trust) → $expected', ({ method, headers, trust, expected }) => {
    expect(isCrossSiteWrite(method, new Headers(headers), trust)).toBe(expected);
  });
});
