import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite, isForeignHost } from '@/http/origin-checks';

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

describe('isCrossSiteWrite with PUBLIC_ORIGIN', () => {
  const PUBLIC = 'https://polls.example';
  it.each<{ headers: Record<string, string>; expected: boolean }>([
    { headers: { origin: 'https://polls.example', host: 'polls.example' }, expected: false },
    // Same host, another scheme: another origin.
    { headers: { origin: 'http://polls.example', host: 'polls.example' }, expected: true },
    { headers: { origin: 'https://polls.example:8443', host: 'polls.example' }, expected: true },
    // Host and Origin both the attacker's (DNS rebinding): not our origin.
    { headers: { origin: 'http://evil.example', host: 'evil.example' }, expected: true },
    { headers: { origin: 'null', host: 'polls.example' }, expected: true },
    { headers: { host: 'polls.example' }, expected: false },
  ])('POST $headers → $expected', ({ headers, expected }) => {
    expect(isCrossSiteWrite('POST', new Headers(headers), false, PUBLIC)).toBe(expected);
  });
});

describe('isForeignHost', () => {
  it.each<{ headers: Record<string, string>; trust: boolean; expected: boolean }>([
    { headers: { host: 'polls.example' }, trust: false, expected: false },
    { headers: { host: 'POLLS.example' }, trust: false, expected: false },
    { headers: { host: 'polls.example:443' }, trust: false, expected: false },
    { headers: { host: 'polls.example:8443' }, trust: false, expected: true },
    { headers: { host: 'evil.example' }, trust: false, expected: true },
    { headers: { host: 'evil@polls.example' }, trust: false, expected: true },
    { headers: { host: 'polls.example/x' }, trust: false, expected: true },
    { headers: {}, trust: false, expected: true },
    { headers: { host: '10.0.0.5:4321', 'x-forwarded-host': 'polls.example' }, trust: true, expected: false },
    { headers: { host: '10.0.0.5:4321', 'x-forwarded-host': 'polls.example' }, trust: false, expected: true },
    { headers: { host: 'polls.example', 'x-forwarded-host': 'evil.example' }, trust: true, expected: true },
  ])('$headers (trust proxy: $trust) → $expected', ({ headers, trust, expected }) => {
    expect(isForeignHost(new Headers(headers), trust, 'https://polls.example')).toBe(expected);
  });
});
