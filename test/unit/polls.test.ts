/** The contract's Poll and PollSummary shapes from a stored record. */
import { describe, expect, it } from 'vitest';
import { iso, notFound, toPollJson, toPollSummary } from '@/lib/polls';
import { HOUR, NOW, optionRecords, pollRecord } from '../support/records';

describe('iso', () => {
  it.each<[number | null, string | null]>([
    [null, null],
    [0, '1970-01-01T00:00:00.000Z'],
    [Date.parse('2026-06-30T18:15:00Z'), '2026-06-30T18:15:00.000Z'],
  ])('%j → %j (UTC, whatever the server zone)', (ms, expected) => {
    expect(iso(ms)).toBe(expected);
  });
});

describe('toPollJson', () => {
  it('gives every public field, options as key, label and exclusive only, times in ISO 8601 UTC', () => {
    const poll = pollRecord({
      slug: 'langs',
      question: 'Which languages?',
      description: 'Pick two.',
      type: 'multiple',
      minChoices: 1,
      maxChoices: 2,
      opensAt: NOW - HOUR,
      closesAt: Date.parse('2099-01-01T00:00:00Z'),
      resultsVisibility: 'after_close',
      duplicatePolicy: 'device_or_network',
      responseCount: 12,
      duplicateCount: 3,
      options: optionRecords(['go', 'rust', 'none'], [7, 5]).map((o) => ({ ...o, exclusive: o.key === 'none' })),
    });
    expect(toPollJson(poll, NOW)).toEqual({
      slug: 'langs',
      question: 'Which languages?',
      description: 'Pick two.',
      allowOther: false,
      type: 'multiple',
      scale: 'nominal',
      minChoices: 1,
      maxChoices: 2,
      status: 'open',
      opensAt: '2026-06-01T11:00:00.000Z',
      closesAt: '2099-01-01T00:00:00.000Z',
      resultsVisibility: 'after_close',
      duplicatePolicy: 'device_or_network',
      profile: [],
      options: [
        { key: 'go', label: 'GO', exclusive: false },
        { key: 'rust', label: 'RUST', exclusive: false },
        { key: 'none', label: 'NONE', exclusive: true },
      ],
    });
  });

  it.each<[Parameters<typeof pollRecord>[0], string]>([
    [{}, 'open'],
    [{ status: 'draft' }, 'draft'],
    [{ status: 'closed' }, 'closed'],
    [{ opensAt: NOW + 1 }, 'scheduled'],
    [{ opensAt: NOW }, 'open'],
    [{ closesAt: NOW }, 'closed'],
    [{ closesAt: NOW + 1 }, 'open'],
  ])('%j is %s at NOW', (overrides, status) => {
    expect(toPollJson(pollRecord(overrides), NOW).status).toBe(status);
  });
});

describe('toPollSummary', () => {
  it('gives the list fields with the response count', () => {
    const poll = pollRecord({ slug: 's', question: 'S?', responseCount: 42, closesAt: NOW - 1 });
    expect(toPollSummary(poll, NOW)).toEqual({
      slug: 's',
      question: 'S?',
      type: 'single',
      status: 'closed',
      opensAt: null,
      closesAt: '2026-06-01T11:59:59.999Z',
      totalResponses: 42,
      createdAt: '2026-06-01T11:00:00.000Z',
    });
  });
});

describe('notFound', () => {
  it.each([
    ['nope', 'There is no poll "nope".'],
    ['x'.repeat(300), `There is no poll "${'x'.repeat(80)}".`],
  ])('names the slug (at most 80 characters): %s', (slug, message) => {
    expect(notFound(slug)).toMatchObject({ code: 'poll_not_found', status: 404, message });
  });
});
