/**
 * <trend-chart data-chart="{labels, series: [{label, shares}], n}"> — draws the "Over time"
 * table as one line per option (share per period, gaps where a period had no responses), each
 * line in its own colour and point shape so it reads without colour too. Only the Chart.js parts
 * a line chart needs are registered (tree-shaken).
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { pct } from '@/scripts/chart-parts';

Chart.register(CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

interface TrendData {
  labels: string[];
  series: { label: string; shares: (number | null)[] }[];
  n: number[];
}

const SHAPES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'] as const;

class TrendChart extends HTMLElement {
  #chart: Chart<'line'> | undefined;

  connectedCallback() {
    const canvas = this.querySelector('canvas');
    const box = this.querySelector<HTMLElement>('.trend-chart-box');
    if (!canvas || !box || this.#chart) return;
    // Shown before drawing, so Chart.js measures a real box.
    box.hidden = false;
    const data = JSON.parse(this.dataset.chart ?? '{}') as TrendData;
    const style = getComputedStyle(this);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const palette = [1, 2, 3, 4, 5, 6].map((i) => colour(`--series-${i}`) || colour('--bar'));
    const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    const top = Math.max(0, ...data.series.flatMap((s) => s.shares.map((v) => v ?? 0))) * 100;
    this.#chart = new Chart(canvas, {
      type: 'line',
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({
          label: s.label,
          data: s.shares.map((v) => (v === null ? null : v * 100)),
          borderColor: palette[i % palette.length],
          backgroundColor: palette[i % palette.length],
          pointStyle: SHAPES[i % SHAPES.length],
          pointRadius: data.labels.length > 40 ? 2 : 4,
          borderWidth: 2,
          spanGaps: false,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 400 },
        interaction: { mode: 'index', intersect: false },
        scales: {
          y: {
            min: 0,
            max: Math.min(100, Math.max(10, Math.ceil(top / 10) * 10)),
            ticks: { stepSize: 10, callback: (value) => `${value}%`, color: colour('--muted') },
            grid: { color: colour('--border') },
          },
          x: { ticks: { color: colour('--muted'), maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
        },
        plugins: {
          legend: {
            position: 'bottom',
            labels: { color: colour('--text'), usePointStyle: true, boxHeight: 8 },
          },
          tooltip: {
            callbacks: {
              title: (items) => `${items[0]?.label ?? ''} — ${data.n[items[0]?.dataIndex ?? 0]} responses`,
              label: (item) => `${item.dataset.label}: ${pct((item.parsed.y ?? 0) / 100)}`,
            },
          },
        },
      },
    });
    // The chart now tells the story; the numbers stay one click away.
    const numbers = this.closest('section')?.querySelector('details.trend-numbers');
    if (numbers) numbers.removeAttribute('open');
    this.dataset.drawn = 'true';
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('trend-chart', TrendChart);
