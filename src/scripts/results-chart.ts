/**
 * <results-chart data-chart="{labels, shares, lows, highs, own}"> — draws the server-rendered
 * results as horizontal bars with 95 % interval whiskers and each share written beside its bar,
 * on an axis scaled to the data. Only the Chart.js pieces this chart uses are registered, so the
 * bundle stays small (a few lines of plugin instead of chartjs-plugin-datalabels).
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { axisMax, barLabels, intervalWhiskers, pct, wrapLabel } from '@/scripts/chart-parts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

interface ChartData {
  labels: string[];
  shares: number[];
  lows: number[];
  highs: number[];
  /** This browser chose the option. */
  own?: boolean[];
}

class ResultsChart extends HTMLElement {
  #chart: Chart<'bar'> | undefined;

  connectedCallback() {
    const canvas = this.querySelector('canvas');
    if (!canvas || this.#chart) return;
    const data = JSON.parse(this.dataset.chart ?? '{}') as ChartData;
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
        scales: {
          x: {
            min: 0,
            max,
            // Ticks on a 10 % grid that ends exactly at the axis end; Chart.js thins them when narrow.
            ticks: {
              stepSize: 10,
              maxRotation: 0,
              autoSkipPadding: 10,
              callback: (value) => `${value}%`,
              color: colour('--muted'),
            },
            grid: { color: colour('--border') },
          },
          y: { ticks: { color: colour('--text'), autoSkip: false }, grid: { display: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) =>
                `${pct(data.shares[item.dataIndex]!)} (95% interval ${pct(data.lows[item.dataIndex]!)}–${pct(data.highs[item.dataIndex]!)})`,
            },
          },
        },
      },
      plugins: [intervalWhiskers(data, colour('--whisker')), barLabels(data, colour('--text'), this)],
    });
    this.dataset.axisMax = String(max);
    this.dataset.drawn = 'true';
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('results-chart', ResultsChart);
