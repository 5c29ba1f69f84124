/** The network prefix an address budget counts under: IPv4 /24, IPv6 /48 or /64, anything else none. */
import { describe, expect, it } from 'vitest';
import { addressIdentity, networkPrefix } from '@/lib/address-prefix';

describe('networkPrefix', () => {
  it.each<[string, string | null]>([
    ['203.0.113.7', '203.0.113.0/24'],
    ['203.0.113.255', '203.0.113.0/24'],
    ['10.0.0.1', '10.0.0.0/24'],
    ['127.0.0.1', '127.0.0.0/24'],
    ['127.0.0.200', '127.0.0.0/24'],
    ['127.0.1.1', '127.0.1.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['  192.0.2.9  ', '192.0.2.0/24'],
    // IPv4-mapped IPv6 (a dual-stack socket's peer) is the IPv4 address.
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
  ])('IPv4 %j → %j', (address, prefix) => {
    expect(networkPrefix(address, 64)).toBe(prefix);
    // The IPv6 length does not touch IPv4.
    expect(networkPrefix(address, 48)).toBe(prefix);
  });

  it.each<[string, string, string]>([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64', '2001:db8:1::/48'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64', '2001:db8:1::/48'],
    ['2001:db8::1', '2001:db8:0:0::/64', '2001:db8:0::/48'],
    ['2001:db8::', '2001:db8:0:0::/64', '2001:db8:0::/48'],
    ['2001:DB8:ABCD:12::1', '2001:db8:abcd:12::/64', '2001:db8:abcd::/48'],
    ['2001:0db8:0001:0002::1', '2001:db8:1:2::/64', '2001:db8:1::/48'],
    ['::1', '0:0:0:0::/64', '0:0:0::/48'],
    ['::', '0:0:0:0::/64', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64', 'fe80:0:0::/48'],
    ['2001:db8:1:2:3::', '2001:db8:1:2::/64', '2001:db8:1::/48'],
    ['::2001:db8:1:2:3', '0:0:0:2001::/64', '0:0:0::/48'],
    // An embedded IPv4 tail other than the mapped form stays IPv6.
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64', '64:ff9b:0::/48'],
    ['2001:db8:1:2:3:4:192.0.2.1', '2001:db8:1:2::/64', '2001:db8:1::/48'],
  ])('IPv6 %j → %j (/64), %j (/48)', (address, at64, at48) => {
    expect(networkPrefix(address, 64)).toBe(at64);
    expect(networkPrefix(address, 48)).toBe(at48);
  });

  it.each([
    ['2001:db8:1:1::1', '2001:db8:1:1:ffff:ffff:ffff:ffff', true, true],
    ['2001:db8:1:1::1', '2001:db8:1:2::1', false, true],
    ['2001:db8:1::1', '2001:db8:2::1', false, false],
    // One address written two ways is one prefix.
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1', true, true],
  ])('%s and %s: same /64 %s, same /48 %s', (a, b, same64, same48) => {
    expect(networkPrefix(a, 64) === networkPrefix(b, 64)).toBe(same64);
    expect(networkPrefix(a, 48) === networkPrefix(b, 48)).toBe(same48);
  });

  it.each([
    '',
    'unknown',
    'localhost',
    '203.0.113',
    '203.0.113.256',
    '1.2.3.4.5',
    '2001:db8:::1',
    'gggg::1',
    '::ffff:1.2.3',
  ])('junk %j → null (nothing to count under)', (address) => {
    expect(networkPrefix(address, 64)).toBeNull();
  });
});

describe('addressIdentity (what the address-only network identity keys on)', () => {
  it.each<[string, string]>([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    // Every address of one IPv6 subnet is one identity: a script cannot rotate through 2^64 of them.
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::9', '2001:db8:1:3::/64'],
  ])('%s → %s', (address, identity) => {
    expect(addressIdentity(address)).toBe(identity);
  });
});
