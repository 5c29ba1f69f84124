/**
 * <breakdown-chart data-chart="{labels, shares, lows, highs, reference, referenceLabel}"> — the
 * compared option's share in each shown group as horizontal bars with 95 % whiskers, the share
 * written beside each bar, and a dashed line at the share among all respondents. The table under
 * it holds the same numbers; without JavaScript the chart's box stays hidden.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type Plugin } from 'chart.js';
import { axisMax, barLabels, intervalWhiskers, shareBarOptions, wrapLabel } from '@/scripts/chart-parts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

interface ChartData {
  labels: string[];
  shares: number[];
  lows: number[];
  highs: number[];
  /** The compared option's share among all respondents (0–1). */
  reference: number;
  referenceLabel: string;
}

/** A dashed vertical line at the overall share, labelled at its top. */
function referenceLine(data: ChartData, colour: string): Plugin<'bar'> {
  return {
    id: 'referenceLine',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x!.getPixelForValue(data.reference * 100);
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = colour;
      ctx.font = `600 12px ${Chart.defaults.font.family}`;
      ctx.textBaseline = 'bottom';
      // Written towards the middle of the plot so it never runs off either edge.
      const mid = (chartArea.left + chartArea.right) / 2;
      ctx.textAlign = x > mid ? 'right' : 'left';
      ctx.fillText(data.referenceLabel, x + (x > mid ? -4 : 4), chartArea.top - 4);
      ctx.restore();
    },
  };
}

class BreakdownChart extends HTMLElement {
  #chart: Chart<'bar'> | undefined;

  connectedCallback() {
    const canvas = this.querySelector('canvas');
    const box = this.querySelector<HTMLElement>('.chart-box');
    if (!canvas || !box || this.#chart) return;
    box.hidden = false;
    const data = JSON.parse(this.dataset.chart ?? '{}') as ChartData;
    const style = getComputedStyle(this);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const max = axisMax([...data.highs, data.reference]);
    const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels.map((label) => wrapLabel(label, this.clientWidth < 560 ? 14 : 28)),
        datasets: [
          {
            data: data.shares.map((s) => s * 100),
            backgroundColor: colour('--bar'),
            borderRadius: 4,
            maxBarThickness: 24,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 400 },
        // Room on the right for the share after the longest whisker, on top for the reference label.
        layout: { padding: { right: 60, top: 22 } },
        ...shareBarOptions(data, max, colour),
      },
      plugins: [
        intervalWhiskers(data, colour('--whisker')),
        barLabels(data, colour('--text'), this),
        referenceLine(data, colour('--accent-strong')),
      ],
    });
    this.dataset.axisMax = String(max);
    this.dataset.drawn = 'true';
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('breakdown-chart', BreakdownChart);
