/**
 * Live results on the results page (SPEC.md, "Live results"): the headline, the table (counts,
 * shares, bars, margins), its "Results from N responses" and the chart follow the poll's event
 * stream in place — text and attributes only, the same elements, so nothing jumps. A polite live
 * region (visually hidden: the numbers themselves show the change) says the new total at most
 * every 30 s. A ranked poll's rounds are fetched again as the server renders them (a recount can
 * add or remove rounds), at most every 10–15 s; the breakdown stays as loaded. Without JavaScript
 * the page is as rendered.
 */
import { followResults, totalAnnouncer } from './live-stream';
import { renderHeadline, renderTable } from './results-table-live';
import type { ResultsChart } from './results-chart';

/** The least time between two fetches of a ranked poll's rounds, plus up to `JITTER_MS` so many readers spread out. */
const ROUNDS_EVERY_MS = 10_000;
const JITTER_MS = 5_000;

/**
 * Keeps a ranked poll's rounds (src/components/RankedResults.astro) up with the ballots: when the
 * stream's total differs from theirs, the page is fetched again and its rounds section swapped in
 * (Chart.js redraws as the new chart element connects). Reusing the server's rendering keeps one
 * source of the rounds' words and tables. If the fetch fails, or the reader's focus is inside the
 * rounds (a swap would take it away), the section's own note says the rounds are as loaded.
 */
function followRounds(first: HTMLElement): (total: number) => void {
  let section = first;
  let latest = Number(first.dataset.total);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastFetch = 0;
  const showStale = () => {
    const note = section.querySelector<HTMLElement>('.ranked-stale');
    if (note) note.hidden = false;
  };
  const refresh = async () => {
    timer = null;
    lastFetch = Date.now();
    try {
      const response = await fetch(location.href, { cache: 'no-store', headers: { accept: 'text/html' } });
      const fresh = new DOMParser()
        .parseFromString(await response.text(), 'text/html')
        .querySelector<HTMLElement>('.ranked-results');
      if (!response.ok || !fresh) return showStale();
      if (section.contains(document.activeElement)) return showStale();
      const swapped = document.importNode(fresh, true);
      section.replaceWith(swapped);
      section = swapped;
    } catch {
      return showStale();
    }
    schedule(latest); // ballots that came while fetching
  };
  const schedule = (total: number) => {
    latest = total;
    if (total === Number(section.dataset.total) || timer !== null) return;
    const wait = Math.max(0, lastFetch + ROUNDS_EVERY_MS - Date.now()) + Math.random() * JITTER_MS;
    timer = setTimeout(() => void refresh(), wait);
  };
  return schedule;
}

const headline = document.querySelector<HTMLElement>('.headline');
const wrap = document.querySelector<HTMLElement>('.results-table-wrap[data-stream]');
const table = wrap?.querySelector('table');
if (headline && wrap && table) {
  const keys = JSON.parse(wrap.dataset.keys!) as string[];
  const announceTotal = totalAnnouncer(wrap, Number(wrap.dataset.total), 'live-note');
  const chart = document.querySelector<ResultsChart>('results-chart');
  const rankedSection = document.querySelector<HTMLElement>('.ranked-results');
  const followRanked = rankedSection ? followRounds(rankedSection) : null;
  followResults(wrap.dataset.stream!, (results) => {
    renderHeadline(headline, results);
    renderTable(table, keys, results, wrap.dataset.caption ?? 'Results from');
    followRanked?.(results.totalResponses);
    if (chart) void customElements.whenDefined('results-chart').then(() => chart.update(results));
    announceTotal(results.totalResponses);
  });
}
