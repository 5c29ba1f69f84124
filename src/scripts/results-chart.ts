/**
 * <results-chart data-chart="{labels, shares, lows, highs}"> — draws the server-rendered
 * results as horizontal bars with 95 % interval whiskers. Only the Chart.js pieces this chart
 * uses are registered, so the bundle stays small.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type Plugin } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

interface ChartData {
  labels: string[];
  shares: number[];
  lows: number[];
  highs: number[];
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/** Draws each option's interval as a whisker over its bar. */
function intervalWhiskers(data: ChartData, colour: string): Plugin<'bar'> {
  return {
    id: 'intervalWhiskers',
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const x = scales.x!;
      const bars = chart.getDatasetMeta(0).data;
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      bars.forEach((bar, i) => {
        const y = bar.y;
        const left = x.getPixelForValue(data.lows[i]! * 100);
        const right = x.getPixelForValue(data.highs[i]! * 100);
        const cap = 5;
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(right, y);
        ctx.moveTo(left, y - cap);
        ctx.lineTo(left, y + cap);
        ctx.moveTo(right, y - cap);
        ctx.lineTo(right, y + cap);
        ctx.stroke();
      });
      ctx.restore();
    },
  };
}

class ResultsChart extends HTMLElement {
  #chart: Chart<'bar'> | undefined;

  connectedCallback() {
    const canvas = this.querySelector('canvas');
    if (!canvas || this.#chart) return;
    const data = JSON.parse(this.dataset.chart ?? '{}') as ChartData;
    const style = getComputedStyle(this);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
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
        scales: {
          x: {
            min: 0,
            max: 100,
            ticks: { callback: (value) => `${value}%`, color: colour('--muted') },
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
      plugins: [intervalWhiskers(data, colour('--whisker'))],
    });
    this.dataset.drawn = 'true';
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('results-chart', ResultsChart);
