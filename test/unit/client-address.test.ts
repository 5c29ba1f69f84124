import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  forwardingTrusted,
  parseForwardedHop,
  rateLimitKey,
  trustedProxyMatcher,
  type ProxyTrust,
} from '@/http/client-address';

const headers = (xff?: string) => new Headers(xff === undefined ? {} : { 'x-forwarded-for': xff });
const direct: ProxyTrust = { trustProxy: false, isTrustedProxy: null };
const oneProxy: ProxyTrust = { trustProxy: true, isTrustedProxy: null };
const listed: ProxyTrust = { trustProxy: true, isTrustedProxy: trustedProxyMatcher(['10.0.0.0/8', 'fd00::/8']) };

describe('clientAddress', () => {
  it.each([
    { socket: '127.0.0.2', xff: undefined, trust: direct, expected: '127.0.0.2' },
    { socket: '::ffff:127.0.0.3', xff: undefined, trust: direct, expected: '127.0.0.3' },
    // TRUST_PROXY=0: the header is the client's own text and changes nothing.
    { socket: '10.0.0.1', xff: '203.0.113.7', trust: direct, expected: '10.0.0.1' },
    { socket: '10.0.0.1', xff: 'not-an-ip', trust: direct, expected: '10.0.0.1' },
    { socket: '10.0.0.1', xff: '203.0.113.7', trust: oneProxy, expected: '203.0.113.7' },
    // The client can prepend anything; only the right-most hop (added by our proxy) counts.
    { socket: '10.0.0.1', xff: '1.2.3.4, 198.51.100.9', trust: oneProxy, expected: '198.51.100.9' },
    // An unparseable right-most entry never hands control to the entries left of it.
    { socket: '10.0.0.1', xff: '198.51.100.9, garbage', trust: oneProxy, expected: '10.0.0.1' },
    { socket: '10.0.0.1', xff: 'garbage', trust: oneProxy, expected: '10.0.0.1' },
    { socket: '10.0.0.1', xff: '6.6.6.6, ', trust: oneProxy, expected: '10.0.0.1' },
    // Proxies that append a port or brackets (Azure Application Gateway, IIS ARR).
    { socket: '10.0.0.1', xff: '6.6.6.6, 198.51.100.9:50123', trust: oneProxy, expected: '198.51.100.9' },
    { socket: '10.0.0.1', xff: '6.6.6.6, [2001:db8::7]:443', trust: oneProxy, expected: '2001:db8::7' },
    { socket: '10.0.0.1', xff: '6.6.6.6, [2001:DB8::7]', trust: oneProxy, expected: '2001:db8::7' },
    { socket: '10.0.0.1', xff: '2001:db8::1', trust: oneProxy, expected: '2001:db8::1' },
    // TRUSTED_PROXIES: step over our own hops, stop at the first address that is not one.
    { socket: '10.0.0.2', xff: '6.6.6.6, 198.51.100.9, 10.1.2.3', trust: listed, expected: '198.51.100.9' },
    { socket: '10.0.0.2', xff: '198.51.100.9, fd00::5', trust: listed, expected: '198.51.100.9' },
    { socket: '10.0.0.2', xff: '6.6.6.6, nonsense, 10.1.2.3', trust: listed, expected: '10.0.0.2' },
    { socket: '10.0.0.2', xff: '10.9.9.9, 10.1.2.3', trust: listed, expected: '10.9.9.9' },
    // A peer that is not a listed proxy is the client, whatever it writes.
    { socket: '192.0.2.50', xff: '198.51.100.9', trust: listed, expected: '192.0.2.50' },
    { socket: undefined, xff: undefined, trust: direct, expected: 'unknown' },
  ])('$socket with X-Forwarded-For $xff → $expected', ({ socket, xff, trust, expected }) => {
    expect(clientAddress(socket, headers(xff), trust)).toBe(expected);
  });

  it('believes forwarding headers only from a trusted peer', () => {
    expect(forwardingTrusted('10.0.0.1', direct)).toBe(false);
    expect(forwardingTrusted('192.0.2.50', oneProxy)).toBe(true);
    expect(forwardingTrusted('::ffff:10.4.4.4', listed)).toBe(true);
    expect(forwardingTrusted('192.0.2.50', listed)).toBe(false);
    expect(forwardingTrusted(undefined, listed)).toBe(false);
  });
});

describe('parseForwardedHop', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7:8080 ', '203.0.113.7'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['unknown', null],
    ['_hidden', null],
    ['203.0.113.7:99999999', null],
    ['[not-an-ip]', null],
    ['', null],
  ])('%j → %j', (entry, expected) => expect(parseForwardedHop(entry)).toBe(expected));
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
