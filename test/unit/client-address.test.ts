import { describe, expect, it } from 'vitest';
import { clientAddress, rateLimitKey } from '../../src/lib/client-address';

const headers = (xff?: string) => new Headers(xff === undefined ? {} : { 'x-forwarded-for': xff });

describe('clientAddress', () => {
  it.each([
    { socket: '127.0.0.2', xff: undefined, trust: false, expected: '127.0.0.2' },
    { socket: '::ffff:127.0.0.3', xff: undefined, trust: false, expected: '127.0.0.3' },
    { socket: '10.0.0.1', xff: '203.0.113.7', trust: false, expected: '10.0.0.1' },
    { socket: '10.0.0.1', xff: '203.0.113.7', trust: true, expected: '203.0.113.7' },
    // The client can prepend anything; only the right-most hop (added by our proxy) counts.
    { socket: '10.0.0.1', xff: '1.2.3.4, 198.51.100.9', trust: true, expected: '198.51.100.9' },
    { socket: '10.0.0.1', xff: '198.51.100.9, garbage', trust: true, expected: '198.51.100.9' },
    { socket: '10.0.0.1', xff: 'garbage', trust: true, expected: '10.0.0.1' },
    { socket: '10.0.0.1', xff: '2001:db8::1', trust: true, expected: '2001:db8::1' },
    { socket: undefined, xff: undefined, trust: false, expected: 'unknown' },
  ])('$socket with X-Forwarded-For $xff (trust $trust) → $expected', ({ socket, xff, trust, expected }) => {
    expect(clientAddress(socket, headers(xff), trust)).toBe(expected);
  });
});

describe('rateLimitKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8:aaaa:bbbb:1:2:3:4', '2001:db8:aaaa:bbbb::/64'],
    ['2001:db8:aaaa:bbbb::99', '2001:db8:aaaa:bbbb::/64'],
    ['2001:DB8:0:0::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (address, key) => expect(rateLimitKey(address)).toBe(key));
});
