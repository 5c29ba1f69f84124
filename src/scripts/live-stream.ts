/**
 * Following a poll's live results stream (SPEC.md, "Live results"), shared by the widget
 * (widget-live.ts) and the results page (results-live.ts). EventSource reconnects by itself after
 * a dropped connection (the server asks for 2 s); when it gives up (a 503 streams_full, a 403 once
 * results are hidden, a server that is down for longer) this tries again with a growing delay, up
 * to about 30 s. A page put away holds no connection; coming back reconnects.
 */
import { responses } from '@/lib/format';
import type { Results } from '@/lib/types';
import { throttledAnnouncer } from './throttled-announcer';

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

/** Calls `onResults` with each `results` event from `url` until the page goes away. */
export function followResults(url: string, onResults: (results: Results) => void): void {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = FIRST_RETRY_MS;

  const onEvent = (event: MessageEvent<string>) => {
    let results: Results;
    try {
      results = JSON.parse(event.data) as Results;
    } catch {
      return;
    }
    onResults(results);
  };

  const connect = () => {
    retry = undefined;
    const current = new EventSource(url);
    source = current;
    current.addEventListener('open', () => (delay = FIRST_RETRY_MS));
    current.addEventListener('results', onEvent);
    current.addEventListener('error', () => {
      // CONNECTING: the browser reconnects by itself. CLOSED: it gave up, and this takes over.
      if (current.readyState !== EventSource.CLOSED || source !== current) return;
      source = null;
      // A little jitter, so pages everywhere do not all return at the same instant.
      retry = setTimeout(connect, delay * (0.75 + Math.random() / 4));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    });
  };

  const disconnect = () => {
    clearTimeout(retry);
    retry = undefined;
    source?.close();
    source = null;
  };

  // A page put away (or into the back-forward cache) holds no connection; coming back reconnects.
  addEventListener('pagehide', disconnect);
  addEventListener('pageshow', () => {
    if (!source && retry === undefined) connect();
  });
  connect();
}

/**
 * A polite live region placed after `anchor`, and a function that says "N responses — updated"
 * when the total differs from the one last seen, at most every 30 s (throttled-announcer.ts).
 */
export function totalAnnouncer(anchor: Element, shownTotal: number, className: string): (total: number) => void {
  const region = document.createElement('p');
  region.className = className;
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  anchor.after(region);
  const announce = throttledAnnouncer((text) => (region.textContent = text));
  return (total) => {
    if (total !== shownTotal) announce(`${responses(total)} — updated`);
    shownTotal = total;
  };
}
