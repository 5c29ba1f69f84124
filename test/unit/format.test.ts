/** Presentation helpers: shares to one decimal, counts with separators, times always in UTC. */
import { describe, expect, it } from 'vitest';
import {
  count,
  countOf,
  dateTime,
  isoDateTime,
  localDateTime,
  margin,
  percent,
  percentRange,
  POLICY_DESCRIPTIONS,
  relativeTime,
  responses,
  STATUS_LABELS,
  wholePercent,
  wholePercentRange,
} from '@/lib/format';
import { DUPLICATE_POLICIES } from '@/lib/types';

describe('percent', () => {
  it.each([
    [0, '0.0%'],
    [1, '100.0%'],
    [0.2164, '21.6%'],
    [0.125, '12.5%'],
    [1 / 3, '33.3%'],
    [2 / 3, '66.7%'],
    // One decimal: a share under 0.05 % reads as none, one just under 100 % as all.
    [0.0004, '0.0%'],
    [0.0005, '0.1%'],
    [0.9994, '99.9%'],
    [0.9995, '100.0%'],
  ])('%d → %s', (value, expected) => {
    expect(percent(value)).toBe(expected);
  });
});

describe('percentRange', () => {
  it.each([
    [0.173, 0.267, '17.3–26.7%'],
    [0, 1, '0.0–100.0%'],
    [0, 0.0001, '0.0–0.0%'],
    [0.5, 0.5, '50.0–50.0%'],
  ])('%d, %d → %s (an en dash, one % sign)', (low, high, expected) => {
    expect(percentRange(low, high)).toBe(expected);
  });
});

describe('count', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-1234, '-1,234'],
  ])('%d → %s (English thousands separators, whatever the server locale)', (value, expected) => {
    expect(count(value)).toBe(expected);
  });
});

describe('dateTime', () => {
  it('runs where local time is not UTC (the point of these cases)', () => {
    expect(new Date(0).getTimezoneOffset()).not.toBe(0);
  });

  it.each([
    ['2026-11-25T21:30:00Z', '25 Nov 2026, 21:30 UTC'],
    // Kathmandu (UTC+05:45) is already on 1 July here: the page must not be.
    ['2026-06-30T18:15:00Z', '30 Jun 2026, 18:15 UTC'],
    ['2026-06-30T18:14:59.999Z', '30 Jun 2026, 18:14 UTC'],
    ['2026-01-01T00:00:00Z', '1 Jan 2026, 00:00 UTC'],
    ['2025-12-31T23:59:00Z', '31 Dec 2025, 23:59 UTC'],
    ['2028-02-29T12:05:00Z', '29 Feb 2028, 12:05 UTC'],
    ['1970-01-01T00:00:00Z', '1 Jan 1970, 00:00 UTC'],
    ['2026-11-25T21:30:00+05:45', '25 Nov 2026, 15:45 UTC'],
  ])('%s → %s', (instant, expected) => {
    expect(dateTime(Date.parse(instant))).toBe(expected);
  });
});

describe('labels', () => {
  it('name every status', () => {
    expect(STATUS_LABELS).toEqual({ draft: 'Draft', scheduled: 'Scheduled', open: 'Open', closed: 'Closed' });
  });

  it.each(DUPLICATE_POLICIES)('explain the %s duplicate policy in a sentence', (policy) => {
    expect(POLICY_DESCRIPTIONS[policy]).toMatch(/^[A-Z].+\.$/);
  });
});

describe('times people read', () => {
  const AT = Date.UTC(2026, 10, 27, 14, 0); // 27 Nov 2026, 14:00 UTC
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;

  it('isoDateTime is the UTC instant for <time datetime>', () => {
    expect(isoDateTime(AT)).toBe('2026-11-27T14:00:00.000Z');
  });

  // The tests run in TZ=Asia/Kathmandu (UTC+5:45): a zone-less format would show 19:45.
  it.each([
    [{ locale: 'en-GB', timeZone: 'UTC' }, '27 Nov 2026, 14:00 UTC'],
    [{ locale: 'en-GB', timeZone: 'America/New_York' }, '27 Nov 2026, 09:00 GMT-5'],
    [{ locale: 'en-GB' }, '27 Nov 2026, 19:45 GMT+5:45'],
    [{ locale: 'en-US', timeZone: 'America/Los_Angeles' }, 'Nov 27, 2026, 6:00 AM PST'],
  ])('localDateTime in %o → %s', (options, expected) => {
    expect(localDateTime(AT, options).replace(/\u202f/g, ' ')).toBe(expected);
  });

  it.each([
    [0, 'now'],
    [30_000, 'now'],
    [-59_000, 'now'],
    [MIN, 'in 1 minute'],
    [-5 * MIN, '5 minutes ago'],
    [HOUR, 'in 1 hour'],
    [-2 * HOUR, '2 hours ago'],
    [23 * HOUR, 'in 23 hours'],
    [DAY, 'tomorrow'],
    [-DAY, 'yesterday'],
    [36 * HOUR, 'in 2 days'],
    [3 * DAY, 'in 3 days'],
    [-3 * DAY + 2 * HOUR, '3 days ago'],
    [45 * DAY, 'in 2 months'],
    [-400 * DAY, 'last year'],
    [3 * 365 * DAY, 'in 3 years'],
  ])('relativeTime(now %+d ms) → %s', (offset, expected) => {
    expect(relativeTime(AT + offset, AT)).toBe(expected);
  });

  it('relativeTime speaks the reader’s language', () => {
    expect(relativeTime(AT + 3 * DAY, AT, 'de')).toBe('in 3 Tagen');
  });
});

describe('countOf and responses', () => {
  it.each([
    [0, '0 responses'],
    [1, '1 response'],
    [2, '2 responses'],
    [1204, '1,204 responses'],
  ])('%i → %s', (value, text) => {
    expect(responses(value)).toBe(text);
    expect(countOf(value, 'response')).toBe(text);
  });
  it('takes an irregular plural', () => {
    expect(countOf(2, 'person', 'people')).toBe('2 people');
    expect(countOf(1, 'person', 'people')).toBe('1 person');
  });
});

describe('margin and wholePercent', () => {
  it.each([
    [0.25, 0.35, '±5 pts'],
    [0.273, 0.467, '±10 pts'],
    [0, 1, '±50 pts'],
    [0.001, 0.01, '±0.5 pts'],
    [0.5, 0.5, '±0.0 pts'],
  ])('%f–%f → %s', (low, high, text) => {
    expect(margin(low, high)).toBe(text);
  });
  it.each([
    [0.371, '37%'],
    [1, '100%'],
    [0, '0%'],
    [0.005, '1%'],
  ])('%f → %s', (value, text) => {
    expect(wholePercent(value)).toBe(text);
  });
});

describe('wholePercentRange', () => {
  it.each([
    [0.284, 0.391, '28–39%'],
    [0, 1, '0–100%'],
    [0.004, 0.021, '0–2%'],
  ])('%f–%f → %s', (low, high, text) => {
    expect(wholePercentRange(low, high)).toBe(text);
  });
});
