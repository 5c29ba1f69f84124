/**
 * <results-chart data-chart="{labels, shares, lows, highs, own}"> — draws the server-rendered
 * results as horizontal bars with 95 % interval whiskers and each share written beside its bar,
 * on an axis scaled to the data. Only the Chart.js pieces this chart uses are registered, so the
 * bundle stays small (a few lines of plugin instead of chartjs-plugin-datalabels).
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
  /** This browser chose the option. */
  own?: boolean[];
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

/**
 * The axis end: the next 10 % above the highest whisker, so a 35 % leader fills most of the
 * width instead of a third, while every interval stays fully visible.
 */
function axisMax(highs: readonly number[]): number {
  const top = Math.max(0, ...highs) * 100;
  return Math.min(100, Math.max(10, Math.ceil(top / 10) * 10));
}

/**
 * Writes each share beside its bar, after the whisker so the line never crosses the text. The
 * texts drawn are kept on the element (data-bar-labels) for tests and tooling.
 */
function barLabels(data: ChartData, colour: string, host: HTMLElement): Plugin<'bar'> {
  return {
    id: 'barLabels',
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const x = scales.x!;
      const drawn: string[] = [];
      ctx.save();
      ctx.fillStyle = colour;
      ctx.font = `600 13px ${Chart.defaults.font.family}`;
      ctx.textBaseline = 'middle';
      chart.getDatasetMeta(0).data.forEach((bar, i) => {
        const text = pct(data.shares[i]!);
        const end = Math.max(bar.x, x.getPixelForValue(data.highs[i]! * 100));
        ctx.fillText(text, end + 6, bar.y);
        drawn.push(text);
      });
      ctx.restore();
      host.dataset.barLabels = JSON.stringify(drawn);
    },
  };
}

/**
 * A long option label as lines of at most `width` characters, split between words: Chart.js
 * neither wraps nor shrinks axis labels, so on a phone a long one would be cut at the edge.
 */
function wrapLabel(label: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
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
