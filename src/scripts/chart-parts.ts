/**
 * Pieces shared by the results chart and the breakdown chart: percentages as drawn, the axis end,
 * interval whiskers and label wrapping. Both charts register only the Chart.js parts they use.
 */
import { Chart, type ChartOptions, type Plugin } from 'chart.js';

export const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * The options both horizontal share charts have in common: a 0–max % axis on a 10 % grid,
 * category labels in the text colour, no legend (the trend chart registers Legend on the same
 * page; these bars name themselves) and a tooltip giving the share with its 95 % interval.
 */
export function shareBarOptions(
  data: { shares: number[]; lows: number[]; highs: number[] },
  max: number,
  colour: (name: string) => string,
): Pick<ChartOptions<'bar'>, 'scales' | 'plugins'> {
  return {
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
      legend: { display: false },
      tooltip: {
        callbacks: {
          label: (item) =>
            `${pct(data.shares[item.dataIndex]!)} (95% interval ${pct(data.lows[item.dataIndex]!)}–${pct(data.highs[item.dataIndex]!)})`,
        },
      },
    },
  };
}

/** Draws each bar's 95 % interval as a whisker over it (lows and highs as shares, 0–1). */
export function intervalWhiskers(data: { lows: number[]; highs: number[] }, colour: string): Plugin<'bar'> {
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
export function axisMax(highs: readonly number[]): number {
  const top = Math.max(0, ...highs) * 100;
  return Math.min(100, Math.max(10, Math.ceil(top / 10) * 10));
}

/**
 * A long label as lines of at most `width` characters, split between words: Chart.js neither
 * wraps nor shrinks axis labels, so on a phone a long one would be cut at the edge.
 */
export function wrapLabel(label: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Writes each share beside its bar, after the whisker so the line never crosses the text. The
 * texts drawn are kept on the element (data-bar-labels) for tests and tooling.
 */
export function barLabels(
  data: { shares: number[]; highs: number[] },
  colour: string,
  host: HTMLElement,
): Plugin<'bar'> {
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
