/**
 * The client's network address, for the `network` duplicate policy and rate limits. It is used
 * in memory and inside an HMAC only — never stored or logged.
 */
import { isIP } from 'node:net';

/** "::ffff:10.0.0.1" → "10.0.0.1"; other addresses unchanged. */
function normalise(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * The socket's peer, or — behind a trusted proxy (TRUST_PROXY=1) — the right-most address in
 * X-Forwarded-For: the one our proxy appended, the only entry a client cannot forge.
 */
export function clientAddress(socketAddress: string | undefined, headers: Headers, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map(normalise)
      .filter((hop) => isIP(hop) !== 0);
    const last = hops.at(-1);
    if (last) return last;
  }
  return normalise(socketAddress ?? '') || 'unknown';
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
