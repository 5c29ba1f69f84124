/**
 * Bounds on open TCP connections, so slow or idle clients cannot hold every file descriptor.
 *
 * The header and request timeouts only bound how long *one* connection lives; a client that opens
 * thousands of them still pins the process at its descriptor limit (once ~20,000 trickling
 * connections from one address made 41 % of /healthz probes fail). So each client network may
 * hold a fixed number of connections at once, and the excess is reset the moment it is accepted,
 * before a byte of it is read.
 */
import { isIP, type Server, type Socket } from 'node:net';
import { rateLimitKey } from './client-address';

/**
 * Open connections one client network may hold at once. A browser opens at most 6 connections to
 * a host (Chrome holds 256 sockets in all), and Node closes an idle keep-alive connection after
 * 5 s, so an office behind one NAT counts only the people loading a page in the same few seconds:
 * 256 is about 40 browsers each with its whole pool open to us at the same moment. A flood needs
 * thousands, and 256 per network keeps even a handful of flooding networks far below the limit.
 * (A long-lived stream, such as an EventSource, holds its connection for as long as the page is
 * open: an office watching one live page from behind one NAT counts one per viewer.)
 */
export const MAX_CONNECTIONS_PER_CLIENT = 256;

/** Descriptors kept for everything that is not a connection: database files, stdio, the listener, logs. */
const RESERVED_DESCRIPTORS = 64;

/** Large static files (over 1 MB, none in the build today) sent from disk at once. */
export const DISK_STREAMS = 256;

/**
 * The unit connections are counted by: an IPv4 address, or an IPv6 /64 (one host usually owns a
 * whole /64). A dual-stack listener reports IPv4 peers as "::ffff:a.b.c.d": those are unwrapped
 * first, or every IPv4 client would share the one "0:0:0:0::/64" key.
 */
export function connectionKey(address: string): string {
  const lower = address.toLowerCase();
  const mapped = lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4;
  return rateLimitKey(mapped ? lower.slice(7) : lower);
}

/** Open connections per key; a key is forgotten when its last connection closes, so the map stays small. */
export class ConnectionCounts {
  readonly #open = new Map<string, number>();

  constructor(readonly limitPerKey: number) {}

  /** Counts a new connection; false (and nothing counted) when `key` already holds its limit. */
  admit(key: string): boolean {
    const open = this.#open.get(key) ?? 0;
    if (open >= this.limitPerKey) return false;
    this.#open.set(key, open + 1);
    return true;
  }

  /** A counted connection has closed. */
  release(key: string): void {
    const open = this.#open.get(key) ?? 0;
    if (open <= 1) this.#open.delete(key);
    else this.#open.set(key, open - 1);
  }

  /** Connections counted for `key` now. */
  count(key: string): number {
    return this.#open.get(key) ?? 0;
  }

  /** How many keys hold at least one connection. */
  get keys(): number {
    return this.#open.size;
  }
}

export interface PerClientLimit {
  limit: number;
  /**
   * Peers that are not counted: with TRUST_PROXY=1 that is our reverse proxy, through which every
   * client arrives — capping it would cap the whole site, and only the proxy can tell clients apart.
   */
  exempt?: (peer: string) => boolean;
}

/**
 * Resets every connection beyond `limit` from one client network, as it is accepted. The listener
 * goes *first* (prependListener), so the socket is closed before node:http reads from it; node:http
 * still sees the 'connection' event, finds the socket destroyed and releases what it set up.
 */
export function limitConnectionsPerClient(server: Server, { limit, exempt }: PerClientLimit): ConnectionCounts {
  const counts = new ConnectionCounts(limit);
  server.prependListener('connection', (socket: Socket) => {
    const peer = socket.remoteAddress;
    // No address: the peer reset the connection before we got to it; nothing to serve.
    if (peer === undefined) return void socket.destroy();
    if (exempt?.(peer)) return;
    const key = connectionKey(peer);
    // A reset (not a FIN) frees our side at once, with no TIME_WAIT left behind per refused socket.
    if (!counts.admit(key)) return void socket.resetAndDestroy();
    socket.once('close', () => counts.release(key));
  });
  return counts;
}

/** The soft "Max open files" limit from the text of /proc/self/limits (Linux); null when unknown or unlimited. */
export function openFileLimit(procLimits: string): number | null {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(procLimits);
  return match && match[1] !== 'unlimited' ? Number(match[1]) : null;
}

/**
 * The most connections the process should hold with `fileLimit` descriptors: each connection holds
 * one (its socket; static files are sent from memory), and some are kept for the database, stdio,
 * the listener and logs, and for the few large files sent from disk (at most DISK_STREAMS at
 * once, src/http/static-files.ts). Past that, a new connection would make the *process* fail — a
 * database that cannot open answers 500 to clients already connected — so it is better refused.
 * Null (no cap) when the limit is too small for any sensible cap: never lock ourselves out.
 */
export function maxConnectionsFor(fileLimit: number | null): number | null {
  if (fileLimit === null) return null;
  const budget = fileLimit - RESERVED_DESCRIPTORS - DISK_STREAMS;
  return budget >= 128 ? budget : null;
}
