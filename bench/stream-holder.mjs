// The bench's stream holder, run as a child process (so reading thousands of streams costs the
// load generator nothing): opens live results streams on a URL from many local addresses, keeps
// them open and counts the results events they receive. Plain TCP sockets, not an HTTP client:
// 10,000 of them must cost this process little, or it would take the CPU the server needs.
//
// Protocol (IPC with the parent): the parent sends { open: { url, total } } and gets { opened, ms }
// (or { error }); 'count' → { events, open, refused }; 'close' → every stream ends, { closed };
// 'exit' ends the process.
import { connect } from 'node:net';

/**
 * Where the streams come from: the server allows 256 connections per client address
 * (MAX_CONNECTIONS_PER_CLIENT), so 10,000 streams need 40 addresses; 127.0.0.0/8 is all loopback
 * on Linux. 200 per address, leaving room under the cap.
 */
export const PER_ADDRESS = 200;
export const addressFor = (i) =>
  `127.0.${2 + Math.floor(i / PER_ADDRESS / 250)}.${2 + (Math.floor(i / PER_ADDRESS) % 250)}`;

const EVENT = Buffer.from('event: results');
let events = 0;
let refused = 0;
let sockets = new Set();

/** Counts EVENT in `chunk`, with the tail of the previous chunk (an event may span two reads). */
function counter() {
  let tail = Buffer.alloc(0);
  return (chunk) => {
    const buffer = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    let n = 0;
    for (let at = buffer.indexOf(EVENT); at !== -1; at = buffer.indexOf(EVENT, at + EVENT.length)) n++;
    tail = buffer.subarray(Math.max(0, buffer.length - EVENT.length + 1));
    return n;
  };
}

function openOne(url, i) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: addressFor(i) });
    const count = counter();
    let head = '';
    let opened = false;
    socket.setNoDelay(true);
    socket.on('connect', () =>
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\nUser-Agent: peer-polls-bench\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk) => {
      if (!opened) {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        if (!head.startsWith('HTTP/1.1 200')) {
          refused++;
          socket.destroy();
          return reject(new Error(`stream ${i}: ${head.split('\r\n')[0]}`));
        }
        // The first results event (sent at once) is the sign the stream is open.
        if (!head.includes('event: results')) return;
        opened = true;
        sockets.add(socket);
        resolve();
        return;
      }
      events += count(chunk);
    });
    socket.on('error', (error) => {
      if (!opened) reject(new Error(`stream ${i}: ${error.message}`));
    });
    socket.on('close', () => sockets.delete(socket));
  });
}

/** Opens `total` streams, at most `parallel` connecting at a time (a burst of 10,000 SYNs overflows the backlog). */
async function openAll(url, total, parallel = 200) {
  let next = 0;
  const worker = async () => {
    while (next < total) await openOne(url, next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, total) }, worker));
}

process.on('message', async (message) => {
  if (message && typeof message === 'object' && 'open' in message) {
    const started = Date.now();
    try {
      await openAll(new URL(message.open.url), message.open.total);
      process.send({ opened: sockets.size, ms: Date.now() - started });
    } catch (error) {
      process.send({ error: String(error) });
    }
  } else if (message === 'count') {
    process.send({ events, open: sockets.size, refused });
  } else if (message === 'close') {
    for (const socket of sockets) socket.destroy();
    sockets = new Set();
    process.send({ closed: true });
  } else if (message === 'exit') {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  }
});
