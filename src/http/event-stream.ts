/**
 * Server-Sent Events for live results: a watcher of the LiveResults hub written straight to a
 * node:http response (served from src/http/api/routes.ts, outside Astro). The first event carries
 * the results at once; the hub sends the rest and the heartbeats (one shared timer for all streams).
 *
 * Memory per open stream is what 10,000 of them cost: one small watcher object and one `close`
 * listener beside Node's own request, response and socket — no Web streams, no timer of its own.
 */
import type { ServerResponse } from 'node:http';
import type { LiveResults, Watcher, WatchKind } from '@/lib/live-results';
import { PollError } from '@/lib/errors';

/**
 * A stream whose client stops reading would buffer every event in memory (a write does not wait
 * for the socket to drain). Past this many unsent bytes the connection is dropped; a real browser
 * reconnects and gets the results afresh.
 */
export const MAX_UNREAD_STREAM_BYTES = 256 * 1024;

export const EVENT_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  // Tells nginx not to buffer the stream (events would arrive in bursts).
  'X-Accel-Buffering': 'no',
} as const;

const resultsEvent = (json: string) => `event: results\ndata: ${json}\n\n`;
const HEARTBEAT = ': keep-alive\n\n';
/** Reconnecting clients wait 2 s, not the browser's default 3–5, after a restart. */
const RETRY = 'retry: 2000\n';

/** One open stream: the hub calls it, the response's `close` ends it. */
class StreamWatcher implements Watcher {
  stop: (() => void) | null = null;

  constructor(private readonly res: ServerResponse) {}

  results(json: string): void {
    this.send(resultsEvent(json));
  }

  heartbeat(): void {
    this.send(HEARTBEAT);
  }

  /** The hub ends the stream (results hidden, poll gone, shutdown), or the client left. */
  close(): void {
    this.stop?.();
    this.stop = null;
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
  }

  send(text: string): void {
    const { res } = this;
    if (res.writableEnded || res.destroyed) return;
    res.write(text);
    if (res.writableLength > MAX_UNREAD_STREAM_BYTES) res.destroy();
  }
}

/**
 * Answers with the stream of one poll's (with kind 'survey': one survey's) results for one
 * visitor; throws 503 streams_full, before anything is written, when MAX_STREAMS are open.
 */
export function serveEventStream(
  res: ServerResponse,
  live: LiveResults,
  slug: string,
  id: number,
  voted: boolean,
  firstResults: string,
  kind: WatchKind = 'poll',
): void {
  const watcher = new StreamWatcher(res);
  const stop = live.watch(slug, id, voted, watcher, kind);
  if (stop === 'full') {
    throw new PollError('streams_full', 'Too many live result streams are open on this server; try again shortly.');
  }
  watcher.stop = stop;
  res.once('close', () => watcher.close());
  // The client may have left while the results were read: its 'close' has been and gone.
  if (res.destroyed) return watcher.close();
  res.writeHead(200, EVENT_STREAM_HEADERS);
  watcher.send(RETRY + resultsEvent(firstResults));
}
