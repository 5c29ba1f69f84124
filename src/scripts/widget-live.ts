/**
 * Live results in the widget (SPEC.md, "Live results"): the server-rendered bars, shares, counts
 * and headline are rewritten in place from the poll's event stream — text and attributes only,
 * the same elements, so nothing jumps. A polite live region says the new total at most every
 * 30 s. Connecting and reconnecting are live-stream.ts's, shared with the results page.
 */
import { count, percent, responses } from '@/lib/format';
import { resultsHeadline } from '@/lib/headline';
import { ratingLine } from '@/lib/rating-words';
import type { Results } from '@/lib/types';
import { followResults, totalAnnouncer } from './live-stream';

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
  const rating = document.querySelector<HTMLElement>('.rating[data-scale]');
  if (rating && results.rating) {
    const scale = rating.dataset.scale!.split(' ').map(Number);
    rating.textContent = ratingLine(results.rating, results.totalResponses, scale) ?? '';
  }
  const total = document.querySelector('.n');
  if (total) total.textContent = responses(results.totalResponses) + (headline.smallSample ? FEW_SO_FAR : '');
}

/** Keeps the results list current from its data-stream until the page goes away. */
export function liveResults(list: HTMLElement): void {
  const announceTotal = totalAnnouncer(document.querySelector('.n') ?? list, Number(list.dataset.total), 'live-note');
  followResults(list.dataset.stream!, (results) => {
    render(list, results);
    announceTotal(results.totalResponses);
  });
}
