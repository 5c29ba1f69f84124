/**
 * The client's network address, for the `network` duplicate policy and rate limits. It is used
 * in memory and inside an HMAC only — never stored or logged.
 *
 * Forwarding headers are believed only when the operator says a proxy is in front
 * (TRUST_PROXY=1) and, with TRUSTED_PROXIES, only from those proxies. Then the client is the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy: every entry to its left
 * was written by the client and proves nothing. An entry that does not parse is never skipped
 * (that would hand the choice to the client's own entries): the socket's peer is used instead.
 */
import { BlockList, isIP } from 'node:net';
import type { HeaderGetter } from './origin-checks';

export interface ProxyTrust {
  /** TRUST_PROXY=1: a reverse proxy in front appends the client to X-Forwarded-For. */
  trustProxy: boolean;
  /** TRUSTED_PROXIES: the proxies whose headers count (more than one hop); null = the immediate peer only. */
  isTrustedProxy: ((address: string) => boolean) | null;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; other addresses unchanged. */
function normalise(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * One X-Forwarded-For entry as an address, or null: "203.0.113.7", "203.0.113.7:4711" (Azure
 * Application Gateway, IIS ARR), "[2001:db8::1]" or "[2001:db8::1]:4711", "2001:db8::1".
 */
export function parseForwardedHop(entry: string): string | null {
  let hop = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(hop);
  if (bracketed) hop = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(hop)) hop = hop.slice(0, hop.lastIndexOf(':'));
  hop = normalise(hop);
  return isIP(hop) === 0 ? null : hop.toLowerCase();
}

/** A checker for TRUSTED_PROXIES entries (addresses or CIDRs such as 10.0.0.0/8, fd00::/8). */
export function trustedProxyMatcher(entries: readonly string[]): ((address: string) => boolean) | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 6 ? 'ipv6' : 'ipv4');
  };
}

/** True when this TCP peer's forwarding headers (X-Forwarded-For/-Host/-Proto) are believed. */
export function forwardingTrusted(peer: string | undefined, trust: ProxyTrust): boolean {
  if (!trust.trustProxy) return false;
  if (!trust.isTrustedProxy) return true;
  return peer !== undefined && trust.isTrustedProxy(normalise(peer));
}

/** The address to count this client by; "unknown" only when not even the socket has one. */
export function clientAddress(socketAddress: string | undefined, headers: HeaderGetter, trust: ProxyTrust): string {
  const peer = normalise(socketAddress ?? '') || 'unknown';
  if (!forwardingTrusted(socketAddress, trust)) return peer;
  const hops = (headers.get('x-forwarded-for') ?? '').split(',');
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = parseForwardedHop(hops[index]!);
    if (hop === null) return peer;
    // Without a list only our own proxy writes the right-most entry; with one, step over its hops.
    if (!trust.isTrustedProxy || !trust.isTrustedProxy(hop)) return hop;
    if (index === 0) return hop;
  }
  return peer;
}

/**
 * The unit a rate limit counts: an IPv4 address, or an IPv6 /64 — one host usually owns a
 * whole /64, so counting single IPv6 addresses would be trivial to dodge.
 */
export function rateLimitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
