/**
 * Live results on a survey's results page (src/pages/surveys/[slug]/results.astro): the survey's
 * event stream (`event: results` with SurveyResults) rewrites in place the headline ("212 people
 * started, …"), the drop-off table and each question's headline, table and chart — text and
 * attributes only, so nothing jumps. A polite live region says the new number of responses at
 * most every 30 s. Breakdowns and ranked rounds stay as loaded (a reload recounts them). Without
 * JavaScript the page is as rendered.
 */
import { count, wholePercent } from '@/lib/format';
import { completionHeadline, funnelRows } from '@/lib/survey-page';
import type { SurveyResults } from '@/lib/survey-types';
import type { Results } from '@/lib/types';
import { followResults, totalAnnouncer } from './live-stream';
import type { ResultsChart } from './results-chart';
import { renderHeadline, renderTable } from './results-table-live';

function renderFunnel(table: HTMLTableElement, results: SurveyResults): void {
  const started = results.completion.started;
  if (table.caption) table.caption.textContent = `Pages reached and submitted, of ${count(started)} who started`;
  for (const row of funnelRows(results.funnel, started)) {
    const tr = table.querySelector<HTMLTableRowElement>(`tr[data-page="${row.page}"]`);
    if (!tr) continue;
    const [, reached, completed] = tr.cells;
    const value = reached!.querySelector('.share-value');
    value?.firstChild?.replaceWith(`${count(row.reached)} `);
    const reachedShare = value?.querySelector('.range');
    if (reachedShare) reachedShare.textContent = wholePercent(row.reachedShare);
    reached!.querySelector<HTMLElement>('.share-bar span')!.style.width = `${(row.reachedShare * 100).toFixed(1)}%`;
    completed!.firstChild?.replaceWith(`${count(row.completed)} `);
    const completedShare = completed!.querySelector('.range');
    if (completedShare) completedShare.textContent = wholePercent(row.completedShare);
  }
}

const root = document.querySelector<HTMLElement>('[data-survey-stream]');
const headline = document.querySelector<HTMLElement>('[data-completion]');
if (root && headline) {
  const funnel = document.querySelector<HTMLTableElement>('[data-funnel] table');
  const announce = totalAnnouncer(headline, Number(root.dataset.total), 'live-note visually-hidden');
  const questions = [...document.querySelectorAll<HTMLElement>('.question-results')].map((section) => {
    const wrap = section.querySelector<HTMLElement>('.results-table-wrap[data-keys]');
    return {
      slug: section.id.replace(/^results-/, ''),
      headline: section.querySelector<HTMLElement>('[data-headline]'),
      wrap,
      keys: wrap ? (JSON.parse(wrap.dataset.keys!) as string[]) : [],
      chart: section.querySelector<ResultsChart>('results-chart'),
    };
  });
  followResults(root.dataset.surveyStream!, (event) => {
    const results = event as unknown as SurveyResults;
    if (!results.completion) return;
    headline.textContent = completionHeadline(results.completion);
    if (funnel) renderFunnel(funnel, results);
    for (const question of questions) {
      const fresh: Results | undefined = results.questions.find((q) => q.slug === question.slug);
      if (!fresh) continue;
      if (question.headline) renderHeadline(question.headline, fresh);
      const table = question.wrap?.querySelector('table');
      if (table) renderTable(table, question.keys, fresh, question.wrap!.dataset.caption ?? 'Results from');
      const chart = question.chart;
      if (chart) void customElements.whenDefined('results-chart').then(() => chart.update(fresh));
    }
    announce(results.totalResponses);
  });
}
