/**
 * Slow and hoarding clients against the built server: a trickled request header is cut off at the
 * header timeout, and one address holding more connections than its cap cannot starve anyone else.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS_PER_CLIENT } from '@/http/connection-limit';
import { requestFrom } from '../support/api';
import { withServer, useServer } from '../support/server';

const server = useServer();

/** A request header that never ends: the request line and one header, no blank line. */
const PARTIAL_HEADER = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n';

interface SlowConnection {
  socket: Socket;
  /** Resolves with milliseconds since the connection was opened when the server closes it. */
  closed: Promise<number>;
  /** Set once closed. */
  closedAfter: number | null;
}

/** Opens a connection from `localAddress`, sends a partial header, and records when it closes. */
function openSlow(port: number, localAddress: string): Promise<SlowConnection> {
  const started = Date.now();
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  // Reading is what lets a client notice the server's close (a paused socket never sees the FIN).
  socket.resume();
  socket.on('error', () => {});
  const connection: SlowConnection = { socket, closedAfter: null, closed: Promise.resolve(0) };
  connection.closed = new Promise((resolve) =>
    socket.once('close', () => {
      connection.closedAfter = Date.now() - started;
      resolve(connection.closedAfter);
    }),
  );
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.write(PARTIAL_HEADER);
      resolve(connection);
    });
    // Refused before our side even saw the connect: it is closed, which is what we record.
    socket.once('close', () => resolve(connection));
  });
}

/** Polls `condition` every 50 ms for at most `ms`; true when it held. */
async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** /healthz from `localAddress` on a fresh connection each time (Connection: close). */
const probe = (localAddress: string) =>
  requestFrom(localAddress, `${server.url}/healthz`, { headers: { connection: 'close' } });

describe('slow clients', () => {
  it('closes a connection that trickles its request header within about 11 s', async () => {
    const slow = await openSlow(server.port, '127.0.0.3');
    // One more header byte every half second: each keeps the connection "busy", none completes it.
    const trickle = setInterval(() => {
      if (!slow.socket.destroyed) slow.socket.write('X');
    }, 500);
    try {
      const closedAfter = await Promise.race([
        slow.closed,
        new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 15_000)),
      ]);
      // The 10 s header timeout, checked every second: not the 30-40 s of Node's default sweep.
      expect(closedAfter).toBeGreaterThan(9_000);
      expect(closedAfter).toBeLessThan(13_000);
    } finally {
      clearInterval(trickle);
      slow.socket.destroy();
    }
  }, 20_000);

  it('keeps /healthz answering while one address holds more connections than its cap', async () => {
    const excess = 100;
    const connections: SlowConnection[] = [];
    try {
      // In batches, so the listen backlog never overflows and refusals are the server's own.
      for (let opened = 0; opened < MAX_CONNECTIONS_PER_CLIENT + excess; opened += 50) {
        const batch = Math.min(50, MAX_CONNECTIONS_PER_CLIENT + excess - opened);
        connections.push(
          ...(await Promise.all(Array.from({ length: batch }, () => openSlow(server.port, '127.0.0.2')))),
        );
      }
      const closedCount = () => connections.filter((c) => c.closedAfter !== null).length;
      // The excess is refused at once, far below the 10 s header timeout the others wait for.
      expect(await within(3_000, () => closedCount() >= excess)).toBe(true);
      for (let i = 0; i < 10; i++) {
        const health = await probe('127.0.0.1');
        expect(health.status).toBe(200);
        expect(health.body).toEqual({ status: 'ok' });
      }
      // Exactly the excess: everything up to the cap is still open and waiting for its header.
      expect(closedCount()).toBe(excess);
      const refused = connections.filter((c) => c.closedAfter !== null);
      expect(Math.max(...refused.map((c) => c.closedAfter!))).toBeLessThan(5_000);
    } finally {
      for (const connection of connections) connection.socket.destroy();
    }
    // Once the hoarded connections are gone, the address is served again (the count is released).
    let status = 0;
    for (let tries = 0; tries < 50 && status !== 200; tries++) {
      status = await probe('127.0.0.2').then(
        (response) => response.status,
        () => 0,
      );
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});

describe('behind a reverse proxy (TRUST_PROXY=1)', () => {
  /** One complete /healthz request on a new connection that is then kept open; resolves with the status line. */
  function keptAlive(port: number, localAddress: string, sockets: Socket[]): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress });
      sockets.push(socket);
      let text = '';
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
      });
      socket.once('close', () => resolve(text || 'closed'));
      socket.once('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    });
  }

  it('never caps the proxy: every client arrives through its address', async () => {
    await withServer({ env: { TRUST_PROXY: '1' } }, async (proxied) => {
      const sockets: Socket[] = [];
      try {
        const statuses: string[] = [];
        // More connections than one client may hold, all open at once (kept alive after their answer).
        for (let opened = 0; opened < MAX_CONNECTIONS_PER_CLIENT + 20; opened += 50) {
          const batch = Math.min(50, MAX_CONNECTIONS_PER_CLIENT + 20 - opened);
          statuses.push(
            ...(await Promise.all(Array.from({ length: batch }, () => keptAlive(proxied.port, '127.0.0.2', sockets)))),
          );
        }
        expect(statuses.filter((line) => line !== 'HTTP/1.1 200 OK')).toEqual([]);
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    });
  });
});
