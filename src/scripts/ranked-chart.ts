/**
 * <ranked-chart data-chart="{labels, rounds: [{label, votes}], winner}"> — draws an instant-runoff
 * count as grouped horizontal bars: per option, one bar per round, lighter for earlier rounds and
 * full colour for the final one, so the eye lands on the last round; an eliminated option's bars
 * stop. Only the Chart.js parts a bar chart with a legend needs are registered (tree-shaken).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { wrapLabel } from '@/scripts/chart-parts';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

interface RankedChartData {
  labels: string[];
  rounds: { label: string; votes: (number | null)[] }[];
  /** Index of the winning option, -1 without one. */
  winner: number;
}

/** "#6366f1" at opacity a → "rgba(99, 102, 241, a)"; other colour strings as they are. */
function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour)?.[1];
  if (!hex) return colour;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

class RankedChart extends HTMLElement {
  #chart: Chart<'bar'> | undefined;

  connectedCallback() {
    const canvas = this.querySelector('canvas');
    if (!canvas || this.#chart) return;
    const data = JSON.parse(this.dataset.chart ?? '{}') as RankedChartData;
    const style = getComputedStyle(this);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const last = data.rounds.length - 1;
    // Earlier rounds lighter, the final round in full colour.
    const fill = (i: number) => withAlpha(colour('--bar'), last === 0 ? 1 : 0.3 + (0.7 * i) / last);
    const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    const labels = data.labels.map((label, i) => [
      ...wrapLabel(label, this.clientWidth < 560 ? 16 : 32),
      ...(i === data.winner ? ['★ Winner'] : []),
    ]);
    // Each option's group must be as tall as its wrapped label, or long labels overlap on a phone.
    const box = this.querySelector<HTMLElement>('.chart-box');
    const group = Math.max(...labels.map((lines) => lines.length * 17 + 10), data.rounds.length * 14 + 18);
    if (box) box.style.height = `${Math.max(box.offsetHeight, 64 + labels.length * group)}px`;
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: data.rounds.map((round, i) => ({
          label: round.label,
          data: round.votes,
          backgroundColor: fill(i),
          borderColor: colour('--bar'),
          borderWidth: i === last ? 0 : 1,
          borderRadius: 3,
          maxBarThickness: 16,
        })),
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 400 },
        scales: {
          x: {
            min: 0,
            beginAtZero: true,
            title: { display: true, text: 'Votes', color: colour('--muted') },
            ticks: { precision: 0, color: colour('--muted') },
            grid: { color: colour('--border') },
          },
          y: { ticks: { color: colour('--text'), autoSkip: false }, grid: { display: false } },
        },
        plugins: {
          legend: { position: 'top', align: 'start', labels: { color: colour('--text'), boxWidth: 14 } },
          tooltip: {
            callbacks: { label: (item) => `${item.dataset.label}: ${item.parsed.x} votes` },
          },
        },
      },
    });
    this.dataset.drawn = 'true';
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('ranked-chart', RankedChart);
