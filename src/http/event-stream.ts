/**
 * Server-Sent Events for live results: a watcher of the LiveResults hub as a `text/event-stream`
 * response. The first event carries the results at once; the hub sends the rest.
 */
import type { LiveResults, WatchKind } from '@/lib/live-results';
import { PollError } from '@/lib/errors';

const encoder = new TextEncoder();

/**
 * The stream of one poll's (with kind 'survey': one survey's) results for one visitor; 503
 * streams_full when MAX_STREAMS are open.
 */
export function resultsEventStream(
  live: LiveResults,
  slug: string,
  id: number,
  voted: boolean,
  firstResults: string,
  signal: AbortSignal,
  kind: WatchKind = 'poll',
): Response {
  let stop: (() => void) | 'full' = 'full';
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The stream is already closed (the client left between two events).
        }
      };
      const close = () => {
        if (typeof stop === 'function') stop();
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      };
      stop = live.watch(
        slug,
        id,
        voted,
        {
          results: (json) => send(`event: results\ndata: ${json}\n\n`),
          heartbeat: () => send(': keep-alive\n\n'),
          close,
        },
        kind,
      );
      if (stop === 'full') return;
      // Reconnecting clients wait 2 s, not the browser's default 3–5, after a restart.
      send(`retry: 2000\nevent: results\ndata: ${firstResults}\n\n`);
      signal.addEventListener('abort', close, { once: true });
    },
    cancel() {
      if (typeof stop === 'function') stop();
    },
  });
  if (stop === 'full') {
    void body.cancel();
    throw new PollError('streams_full', 'Too many live result streams are open on this server; try again shortly.');
  }
  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Tells nginx not to buffer the stream (events would arrive in bursts).
      'X-Accel-Buffering': 'no',
    },
  });
}
