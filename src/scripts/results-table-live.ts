/**
 * Live results written into server-rendered elements (text and attributes only, the same
 * elements, so nothing jumps): a results table (src/components/ResultsTable.astro) and the
 * headline with its small-sample note. Shared by the poll's results page (results-live.ts) and
 * the survey's (survey-live.ts).
 */
import { count, margin, percent, responses, wholePercentRange } from '@/lib/format';
import { resultsHeadline } from '@/lib/headline';
import type { Results } from '@/lib/types';

/** Writes one results event into the server-rendered table (src/components/ResultsTable.astro). */
export function renderTable(table: HTMLTableElement, keys: readonly string[], results: Results, caption: string): void {
  const n = results.totalResponses;
  if (table.caption) table.caption.textContent = `${caption} ${responses(n)}`;
  const rows = table.tBodies[0]!.rows;
  for (const option of results.options) {
    const row = rows[keys.indexOf(option.key)];
    if (!row) continue; // an option the page was not rendered with: the next page load shows it
    const [, votes, share, range] = row.cells;
    votes!.textContent = count(option.votes);
    share!.querySelector('.share-value')!.textContent = percent(option.share);
    share!.querySelector<HTMLElement>('.share-bar span')!.style.width = `${(option.share * 100).toFixed(1)}%`;
    if (n === 0) {
      range!.textContent = '—';
    } else {
      const exact = document.createElement('span');
      exact.className = 'range';
      exact.textContent = wholePercentRange(option.ci95.low, option.ci95.high);
      range!.replaceChildren(margin(option.ci95.low, option.ci95.high), exact);
    }
  }
}

/** The sentence under the question, and the small-sample note under it while n is small. */
export function renderHeadline(headline: HTMLElement, results: Results): void {
  const { text, smallSample } = resultsHeadline(results);
  headline.textContent = text;
  let note = headline.nextElementSibling;
  if (!note?.classList.contains('small-sample')) {
    if (!smallSample) return;
    note = document.createElement('p');
    note.className = 'small-sample';
    headline.after(note);
  }
  (note as HTMLElement).hidden = !smallSample;
  if (smallSample) note.textContent = smallSample;
}
