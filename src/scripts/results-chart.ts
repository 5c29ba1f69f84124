/**
 * <results-chart data-chart="{labels, shares, lows, highs, own}"> — draws the server-rendered
 * results as horizontal bars with 95 % interval whiskers and each share written beside its bar,
 * on an axis scaled to the data. Only the Chart.js pieces this chart uses are registered, so the
 * bundle stays small (a few lines of plugin instead of chartjs-plugin-datalabels). `update(results)`
 * redraws it in place from live results (results-live.ts).
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { Results } from '@/lib/types';
import { axisMax, barLabels, intervalWhiskers, shareBarOptions, wrapLabel } from '@/scripts/chart-parts';
import { chartData, chartSummary, type ChartData } from '@/scripts/results-chart-data';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

export class ResultsChart extends HTMLElement {
  #chart: Chart<'bar'> | undefined;
  /** What the chart draws; its plugins read the same object, so an update changes it in place. */
  #data: ChartData | undefined;

  connectedCallback() {
    const canvas = this.querySelector('canvas');
    if (!canvas || this.#chart) return;
    const data = JSON.parse(this.dataset.chart ?? '{}') as ChartData;
    this.#data = data;
    const style = getComputedStyle(this);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const max = axisMax(data.highs);
    const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: {
        // The own choice gets a second line under its label.
        labels: data.labels.map((label, i) => [
          ...wrapLabel(label, this.clientWidth < 560 ? 16 : 32),
          ...(data.own?.[i] ? ['✓ Your choice'] : []),
        ]),
        datasets: [
          {
            data: data.shares.map((s) => s * 100),
            backgroundColor: colour('--bar'),
            borderRadius: 4,
            maxBarThickness: 28,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 400 },
        // Room on the right for the share written after the longest whisker.
        layout: { padding: { right: 60 } },
        ...shareBarOptions(data, max, colour),
      },
      plugins: [intervalWhiskers(data, colour('--whisker')), barLabels(data, colour('--text'), this)],
    });
    this.dataset.axisMax = String(max);
    this.dataset.drawn = 'true';
  }

  /**
   * New results from the live stream: the same bars move to their new lengths at once (no
   * animation from zero), the axis end follows the whiskers, and the text alternative says the
   * new numbers. Options are matched by key; the labels and own choices stay as rendered.
   */
  update(results: Results) {
    const data = this.#data ?? (JSON.parse(this.dataset.chart ?? '{}') as ChartData);
    const own = data.keys.filter((_, i) => data.own?.[i]);
    const byKey = new Map(results.options.map((o) => [o.key, o]));
    const shown = data.keys.map((key) => byKey.get(key));
    if (shown.some((o) => !o)) return; // options the page was not rendered with: the next load shows them
    const next = chartData({ ...results, options: shown as Results['options'] }, own);
    Object.assign(data, { shares: next.shares, lows: next.lows, highs: next.highs });
    this.dataset.chart = JSON.stringify(data);
    const canvas = this.querySelector('canvas');
    if (canvas) {
      const summary = chartSummary({ ...results, options: shown as Results['options'] }, own);
      canvas.setAttribute('aria-label', summary);
      canvas.textContent = summary;
    }
    const chart = this.#chart;
    if (!chart) return; // not drawn yet: it draws from data-chart, which is current
    const max = axisMax(data.highs);
    chart.data.datasets[0]!.data = data.shares.map((s) => s * 100);
    chart.options.scales!.x!.max = max;
    chart.update('none');
    // Draw the new numbers now rather than on the animator's next frame: a chart still inside its
    // first animation, or one Chart.js counts as detached, would otherwise keep showing the old ones.
    chart.draw();
    this.dataset.axisMax = String(max);
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('results-chart', ResultsChart);
