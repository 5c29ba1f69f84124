import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionKey,
  ConnectionCounts,
  limitConnectionsPerClient,
  MAX_CONNECTIONS_PER_CLIENT,
  maxConnectionsFor,
  openFileLimit,
} from '@/http/connection-limit';

describe('connectionKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    // A dual-stack listener's view of an IPv4 peer is that IPv4 peer, not a shared IPv6 /64.
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:127.0.0.2', '127.0.0.2'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:bbbb:cccc:dddd:eeee', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (address, key) => {
    expect(connectionKey(address)).toBe(key);
  });

  it('counts one IPv6 host however many addresses of its /64 it uses', () => {
    expect(connectionKey('2001:db8::1')).toBe(connectionKey('2001:db8::ffff:1234'));
    expect(connectionKey('2001:db8::1')).not.toBe(connectionKey('2001:db8:0:1::1'));
  });
});

describe('ConnectionCounts', () => {
  it('admits up to the limit per key, independently per key', () => {
    const counts = new ConnectionCounts(2);
    expect([counts.admit('a'), counts.admit('a'), counts.admit('a')]).toEqual([true, true, false]);
    expect(counts.admit('b')).toBe(true);
    expect(counts.count('a')).toBe(2);
  });

  it('admits again once a connection closes, and forgets keys with none open', () => {
    const counts = new ConnectionCounts(1);
    expect(counts.admit('a')).toBe(true);
    expect(counts.admit('a')).toBe(false);
    counts.release('a');
    expect(counts.admit('a')).toBe(true);
    counts.release('a');
    expect(counts.keys).toBe(0);
    counts.release('a'); // a stray release never goes below zero
    expect(counts.count('a')).toBe(0);
  });

  it('leaves an office NAT far more than a browser pool of connections', () => {
    // Six connections per browser is what browsers open to one host at most.
    expect(MAX_CONNECTIONS_PER_CLIENT).toBeGreaterThanOrEqual(6 * 40);
  });
});

describe('openFileLimit and maxConnectionsFor', () => {
  const limits = (soft: string, hard: string) =>
    [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             63704                63704                processes ',
      `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     `,
      'Max locked memory         8388608              8388608              bytes     ',
    ].join('\n');

  it('reads the soft limit from /proc/self/limits', () => {
    expect(openFileLimit(limits('20000', '20000'))).toBe(20000);
    expect(openFileLimit(limits('1024', '524288'))).toBe(1024);
    expect(openFileLimit(limits('unlimited', 'unlimited'))).toBeNull();
    expect(openFileLimit('')).toBeNull();
  });

  it('keeps two descriptors per connection and a reserve, and never caps absurdly low', () => {
    expect(maxConnectionsFor(20000)).toBe(19680);
    expect(maxConnectionsFor(1024)).toBe(704);
    expect(maxConnectionsFor(448)).toBe(128);
    expect(maxConnectionsFor(447)).toBeNull();
    expect(maxConnectionsFor(200)).toBeNull();
    expect(maxConnectionsFor(null)).toBeNull();
  });
});

describe('limitConnectionsPerClient on a real listener', () => {
  let server: Server;
  /** Client sockets, and the server's side of the connections it kept. */
  const sockets: Socket[] = [];
  const kept: Socket[] = [];
  afterEach(async () => {
    kept.length = 0;
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A listener that greets every connection it keeps; the limiter runs before the greeting. */
  async function listen(exempt?: (peer: string) => boolean): Promise<number> {
    server = createServer();
    limitConnectionsPerClient(server, { limit: 3, exempt });
    server.on('connection', (socket) => {
      socket.on('error', () => {});
      if (socket.destroyed) return;
      kept.push(socket);
      socket.write('hi');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  /** Connects from `localAddress`: 'kept' when greeted, 'refused' when closed without a word. */
  function attempt(port: number, localAddress: string): Promise<'kept' | 'refused'> {
    return new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress });
      sockets.push(socket);
      socket.on('error', () => {});
      socket.once('data', () => resolve('kept'));
      socket.once('close', () => resolve('refused'));
    });
  }

  it('refuses the connection beyond the limit from one address, not from another', async () => {
    const port = await listen();
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await attempt(port, '127.0.0.2'));
    expect(first).toEqual(['kept', 'kept', 'kept']);
    expect(await attempt(port, '127.0.0.2')).toBe('refused');
    expect(await attempt(port, '127.0.0.3')).toBe('kept');
  });

  it('admits the address again once one of its connections has closed', async () => {
    const port = await listen();
    for (let i = 0; i < 3; i++) await attempt(port, '127.0.0.2');
    expect(await attempt(port, '127.0.0.2')).toBe('refused');
    // The limiter's own 'close' listener was added first, so it has run when ours does.
    const released = new Promise((resolve) => kept[0]!.once('close', resolve));
    sockets[0]!.destroy();
    await released;
    expect(await attempt(port, '127.0.0.2')).toBe('kept');
  });

  it('never counts an exempt peer (the trusted proxy)', async () => {
    const port = await listen((peer) => peer === '127.0.0.4');
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await attempt(port, '127.0.0.4'));
    expect(outcomes).toEqual(Array(6).fill('kept'));
  });
});
