/** Presentation helpers: shares to one decimal, counts with separators, times always in UTC. */
import { describe, expect, it } from 'vitest';
import {
  count,
  countOf,
  dateTime,
  margin,
  percent,
  percentRange,
  POLICY_DESCRIPTIONS,
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
