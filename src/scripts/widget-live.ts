/**
 * Live results in the widget (SPEC.md, "Live results"): the server-rendered bars, shares, counts
 * and headline are rewritten in place from the poll's event stream — text and attributes only,
 * the same elements, so nothing jumps. A polite live region says the new total at most every
 * 30 s. EventSource reconnects by itself after a dropped connection (the server asks for 2 s);
 * when it gives up (a 503 streams_full, a 403 once results are hidden, a server that is down
 * for longer) the widget tries again with a growing delay, up to about 30 s.
 */
import { count, percent, responses } from '@/lib/format';
import { resultsHeadline } from '@/lib/headline';
import type { Results } from '@/lib/types';
import { throttledAnnouncer } from './throttled-announcer';

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;
/** The same words as src/components/EmbedResults.astro's small-sample note. */
const FEW_SO_FAR = ' · few so far, shares will move a lot';

/** Writes one results event into the widget's server-rendered list. */
function render(list: HTMLElement, results: Results): void {
  for (const option of results.options) {
    const item = [...list.children].find((li) => (li as HTMLElement).dataset.key === option.key);
    if (!item) continue; // an option the page was not rendered with: the next page load shows it
    item.querySelector('[data-share]')!.textContent = percent(option.share);
    item.querySelector('[data-votes]')!.textContent = `(${count(option.votes)})`;
    item.querySelector<HTMLElement>('.bar span')!.style.width = `${(option.share * 100).toFixed(1)}%`;
  }
  const headline = resultsHeadline(results);
  const text = document.querySelector('.headline');
  if (text) text.textContent = headline.text;
  const total = document.querySelector('.n');
  if (total) total.textContent = responses(results.totalResponses) + (headline.smallSample ? FEW_SO_FAR : '');
}

/** Keeps the results list current from its data-stream until the page goes away. */
export function liveResults(list: HTMLElement): void {
  const url = list.dataset.stream!;
  let shownTotal = Number(list.dataset.total);

  const region = document.createElement('p');
  region.className = 'live-note';
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  (document.querySelector('.n') ?? list).after(region);
  const announce = throttledAnnouncer((text) => (region.textContent = text));

  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = FIRST_RETRY_MS;

  const onResults = (event: MessageEvent<string>) => {
    let results: Results;
    try {
      results = JSON.parse(event.data) as Results;
    } catch {
      return;
    }
    render(list, results);
    if (results.totalResponses !== shownTotal) announce(`${responses(results.totalResponses)} — updated`);
    shownTotal = results.totalResponses;
  };

  const connect = () => {
    retry = undefined;
    const current = new EventSource(url);
    source = current;
    current.addEventListener('open', () => (delay = FIRST_RETRY_MS));
    current.addEventListener('results', onResults);
    current.addEventListener('error', () => {
      // CONNECTING: the browser reconnects by itself. CLOSED: it gave up, and the widget takes over.
      if (current.readyState !== EventSource.CLOSED || source !== current) return;
      source = null;
      // A little jitter, so widgets on many pages do not all return at the same instant.
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
