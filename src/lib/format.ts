/**
 * Presentation helpers shared by pages and browser scripts: percentages, counts and times. The
 * server writes times in UTC with the zone named; src/scripts/local-time.ts rewrites them in the
 * reader's zone with a relative phrase, using the same functions.
 */
import type { DuplicatePolicy, PollStatus } from './types';

/** 0.2164 → "21.6%"; one decimal is as precise as a few hundred votes deserve. */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** 0.173, 0.267 → "17.3–26.7%". */
export function percentRange(low: number, high: number): string {
  return `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}%`;
}

/**
 * Formatters are built once per locale/zone: constructing an Intl formatter costs more than
 * formatting with it (a profile of the results page had 11 % of its time in constructors).
 */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function count(value: number): string {
  return COUNT_FORMAT.format(value);
}

/** The one pluralising helper: "1 response", "2 responses", "1,204 responses". */
export function countOf(value: number, singular: string, plural = `${singular}s`): string {
  return `${count(value)} ${value === 1 ? singular : plural}`;
}

/** The word for a poll's count everywhere (pages, widget, admin): "responses", never "votes" or "respondents". */
export const responses = (value: number) => countOf(value, 'response');

/** 0.371 → "37%": a headline reads whole percentages; the table keeps one decimal. */
export function wholePercent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** 0.284, 0.391 → "28–39%": the range under a margin, as coarse as the margin itself. */
export function wholePercentRange(low: number, high: number): string {
  return `${Math.round(low * 100)}–${Math.round(high * 100)}%`;
}

/**
 * A 95 % interval as people read a margin of error: half its width in percentage points,
 * 0.25–0.35 → "±5 pts". Whole points from 1 up; below that one decimal, so it never reads "±0".
 */
export function margin(low: number, high: number): string {
  const half = ((high - low) / 2) * 100;
  return `±${half >= 0.95 ? Math.round(half) : half.toFixed(1)} pts`;
}

/** "25 Nov 2026, 21:30 UTC" — the server's time zone never leaks into a page. */
const UTC_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function dateTime(ms: number): string {
  return UTC_DATE_TIME.format(ms) + ' UTC';
}

/** The machine-readable form for `<time datetime>`: ISO 8601 in UTC. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * "27 Nov 2026, 19:45 GMT+5:45" — in the given zone (default: the runtime's, i.e. the reader's
 * in a browser) and locale, always naming the zone so a shared screenshot is never ambiguous.
 */
export function localDateTime(ms: number, options: { locale?: string; timeZone?: string } = {}): string {
  return new Intl.DateTimeFormat(options.locale, {
    timeZone: options.timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(ms);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Largest unit first; a span is told in the largest unit it reaches (36 hours → "in 2 days"). */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

const RELATIVE_FORMATS = new Map<string, Intl.RelativeTimeFormat>();
const relativeFormat = (locale: string) => {
  let format = RELATIVE_FORMATS.get(locale);
  if (!format) RELATIVE_FORMATS.set(locale, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  return format;
};

/** "in 3 days", "2 hours ago", "tomorrow", "now": how far `ms` is from `now`, in words. */
export function relativeTime(ms: number, now: number, locale: string = 'en'): string {
  const rtf = relativeFormat(locale);
  const diff = ms - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return rtf.format(Math.round(diff / size), unit);
  }
  // Under a minute either way: "now" reads better than "in 40 seconds".
  return rtf.format(0, 'second');
}

export const STATUS_LABELS: Record<PollStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  open: 'Open',
  closed: 'Closed',
};

/** How each duplicate policy is explained to readers of the results. */
export const POLICY_DESCRIPTIONS: Record<DuplicatePolicy, string> = {
  none: 'Every submission counts (no duplicate check).',
  device: 'One vote per browser (signed device cookie).',
  network: 'One vote per network identity (a keyed hash of network address and browser; no address is stored).',
  device_or_network:
    'One vote per browser and per network identity: a vote is refused when either was already counted.',
  person:
    'One vote per signed-in person (named by the intranet’s sign-in; only a keyed hash per poll is stored, never who voted).',
};
