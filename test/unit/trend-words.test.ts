/** The words of the results page's "Over time" section (src/lib/trend-words.ts), table-tested. */
import { describe, expect, it } from 'vitest';
import { trendPoints, type Trend } from '@/lib/trend';
import { pageTrendInterval, periodLabel, trendNote, trendRows, trendSummary } from '@/lib/trend-words';
import type { DayCounts } from '@/lib/store';
import type { PollRecord } from '@/lib/types';

const OPTIONS = [
  { key: 'up', label: 'Up' },
  { key: 'down', label: 'Down' },
];
const POLL = { options: OPTIONS.map((o, i) => ({ ...o, id: i + 1 })) } as unknown as PollRecord;
/** Day numbers since 1970; 2025-11-25 was a Tuesday, its week starts on Monday 24 Nov. */
const DAY = Date.parse('2025-11-25T00:00:00Z') / 86_400_000;
const day = (offset: number, up: number, down: number): DayCounts => ({
  day: DAY + offset,
  responses: up + down,
  optionVotes: new Map([
    [1, up],
    [2, down],
  ]),
});
const trendOf = (interval: 'day' | 'week', days: DayCounts[], end: number): Trend => ({
  slug: 'p',
  interval,
  points: trendPoints(POLL, interval, days[0]?.day ?? null, days, DAY + end),
});

describe('pageTrendInterval', () => {
  it.each<[string, string]>([
    ['', 'day'],
    ['interval=week', 'week'],
    ['interval=day', 'day'],
    ['interval=month', 'day'],
    ['interval=WEEK', 'day'],
  ])('"%s" → %s', (query, interval) => {
    expect(pageTrendInterval(new URLSearchParams(query))).toBe(interval);
  });
});

describe('periodLabel', () => {
  it.each<[string, 'day' | 'week', boolean, string]>([
    ['2025-11-25', 'day', false, '25 Nov'],
    ['2025-11-25', 'day', true, '25 Nov 2025'],
    ['2025-11-24', 'week', false, 'Week of 24 Nov'],
    ['2026-01-05', 'week', true, 'Week of 5 Jan 2026'],
  ])('%s by %s → %s', (start, interval, withYear, label) => {
    expect(periodLabel(start, interval, withYear)).toBe(label);
  });
});

describe('trendSummary', () => {
  it('states each option in the first and last period with answers, skipping empty ones', () => {
    // 25 Nov: 3 up 1 down; 26 Nov: none; 27 Nov: 1 up 4 down; 28 Nov (today): none.
    const trend = trendOf('day', [day(0, 3, 1), day(2, 1, 4)], 3);
    expect(trendSummary(trend, OPTIONS)).toBe(
      "Line chart of each option's share per day, 4 days from 25 Nov 2025 to 28 Nov 2025. " +
        'Up: 75.0% on 25 Nov 2025 (4 responses), 20.0% on 27 Nov 2025 (5 responses); ' +
        'Down: 25.0% on 25 Nov 2025 (4 responses), 80.0% on 27 Nov 2025 (5 responses).',
    );
  });

  it('says one period once, and weeks as weeks', () => {
    const trend = trendOf('week', [day(0, 1, 1)], 1);
    expect(trendSummary(trend, OPTIONS)).toBe(
      "Line chart of each option's share per week, 1 week, the week of 24 Nov 2025. " +
        'Up: 50.0% in the week of 24 Nov 2025 (2 responses); Down: 50.0% in the week of 24 Nov 2025 (2 responses).',
    );
  });

  it('says there are no responses yet for an empty trend', () => {
    expect(trendSummary({ slug: 'p', interval: 'day', points: [] }, OPTIONS)).toBe(
      "Line chart of each option's share per day: no responses yet.",
    );
  });
});

describe('trendRows', () => {
  it('list periods latest first, each share with its range, empty periods without shares', () => {
    const rows = trendRows(trendOf('day', [day(0, 3, 1), day(2, 1, 4)], 2), OPTIONS);
    expect(rows.map((r) => [r.label, r.n])).toEqual([
      ['27 Nov', '5'],
      ['26 Nov', '0'],
      ['25 Nov', '4'],
    ]);
    // 1 of 5: Wilson 3.6–62.4 %; 4 of 5: 37.6–96.4 %.
    expect(rows[0]!.cells).toEqual([
      { share: '20.0%', range: '4–62%' },
      { share: '80.0%', range: '38–96%' },
    ]);
    expect(rows[1]!.cells).toEqual([null, null]);
    expect(rows[2]!.start).toBe('2025-11-25');
  });
});

describe('trendNote', () => {
  it.each<[string, 'day' | 'week', DayCounts[], string | null]>([
    // Answered days average (4 + 5) / 2 = 4.5 → about 5; the empty day in between is not counted.
    [
      'small days',
      'day',
      [day(0, 3, 1), day(2, 1, 4)],
      'With about 5 responses a day, most ups and downs are chance; “By week” is steadier.',
    ],
    ['a small week', 'week', [day(0, 10, 10)], 'With about 20 responses a week, most ups and downs are chance.'],
    [
      'one response a day',
      'day',
      [day(0, 1, 0)],
      'With about 1 response a day, most ups and downs are chance; “By week” is steadier.',
    ],
    ['30 a day is enough', 'day', [day(0, 15, 15), day(1, 20, 10)], null],
    ['no answers', 'day', [], null],
  ])('%s', (_name, interval, days, note) => {
    expect(trendNote(trendOf(interval, days, 2))).toBe(note);
  });
});
