/**
 * The network prefix an address budget counts under: IPv4 /24 (one office, one home router's
 * provider block), IPv6 /48 (a site) or /64 (a subnet). The prefix lives in memory only; what is
 * stored is a per-poll keyed digest of it (prefixKeyFor), so the database cannot say which
 * network voted, and two polls' digests cannot be matched.
 */
import { isIP } from 'node:net';
import type { Ipv6BudgetPrefix } from './types';

/** "::ffff:10.0.0.1" → "10.0.0.1"; other addresses unchanged. */
const unmapped = (address: string) =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

/** The eight 16-bit groups of an IPv6 address ("2001:db8::1" → [0x2001, 0xdb8, 0, …, 1]). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  // An embedded IPv4 tail ("::1.2.3.4") becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * What the `address` network identity keys on: an IPv4 address as it is, an IPv6 address by its
 * /64 — one subnet is one household or one machine, and a script on it can take any of its 2^64
 * addresses, so the full address would make every one of them a new voter.
 */
export function addressIdentity(address: string): string {
  const plain = unmapped(address.trim());
  return isIP(plain) === 6 ? (networkPrefix(plain, 64) ?? plain) : plain;
}

/**
 * "203.0.113.7" → "203.0.113.0/24"; "2001:db8:1:2::9" → "2001:db8:1:2::/64" (or "2001:db8:1::/48");
 * null for something that is not an address (then no budget applies: nothing to count under).
 */
export function networkPrefix(address: string, ipv6Prefix: Ipv6BudgetPrefix): string | null {
  const plain = unmapped(address.trim());
  const version = isIP(plain);
  if (version === 4) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (version !== 6) return null;
  const groups = ipv6Groups(plain).slice(0, ipv6Prefix / 16);
  return `${groups.map((group) => group.toString(16)).join(':')}::/${ipv6Prefix}`;
}
