/**
 * Live results on the results page (SPEC.md, "Live results"): the headline, the table (counts,
 * shares, bars, margins), its "Results from N responses" and the chart follow the poll's event
 * stream in place — text and attributes only, the same elements, so nothing jumps. A polite live
 * region (visually hidden: the numbers themselves show the change) says the new total at most
 * every 30 s. The breakdown and a ranked poll's rounds stay as loaded (the rounds say so when
 * new ballots arrive). Without JavaScript the page is as rendered.
 */
import { count, margin, percent, responses, wholePercentRange } from '@/lib/format';
import { resultsHeadline } from '@/lib/headline';
import type { Results } from '@/lib/types';
import { followResults, totalAnnouncer } from './live-stream';
import type { ResultsChart } from './results-chart';

/** Writes one results event into the server-rendered table (src/components/ResultsTable.astro). */
function renderTable(table: HTMLTableElement, keys: readonly string[], results: Results, caption: string): void {
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
function renderHeadline(headline: HTMLElement, results: Results): void {
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

const headline = document.querySelector<HTMLElement>('.headline');
const wrap = document.querySelector<HTMLElement>('.results-table-wrap[data-stream]');
const table = wrap?.querySelector('table');
if (headline && wrap && table) {
  const keys = JSON.parse(wrap.dataset.keys!) as string[];
  const announceTotal = totalAnnouncer(wrap, Number(wrap.dataset.total), 'live-note');
  const chart = document.querySelector<ResultsChart>('results-chart');
  // A ranked poll's rounds stay as loaded (a recount can add or remove rounds): new ballots show a note instead.
  const ranked = document.querySelector<HTMLElement>('.ranked-results');
  followResults(wrap.dataset.stream!, (results) => {
    renderHeadline(headline, results);
    renderTable(table, keys, results, wrap.dataset.caption ?? 'Results from');
    if (ranked && results.totalResponses !== Number(ranked.dataset.total)) {
      ranked.querySelector<HTMLElement>('.ranked-stale')!.hidden = false;
    }
    if (chart) void customElements.whenDefined('results-chart').then(() => chart.update(results));
    announceTotal(results.totalResponses);
  });
}
