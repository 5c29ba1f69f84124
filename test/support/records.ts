/** Domain records for tests of pure functions: no database, every field spelled out. */
import type { OptionRecord, PollRecord } from '@/lib/types';

/** The clock of these records: 2026-06-01T12:00Z. */
export const NOW = Date.parse('2026-06-01T12:00:00Z');
export const HOUR = 3_600_000;

/** Options a, b, c, … labelled A, B, C, …, with these tallies (0 where none is given). */
export function optionRecords(keys: string[] = ['a', 'b', 'c'], votes: number[] = []): OptionRecord[] {
  return keys.map((key, i) => ({
    id: i + 10,
    key,
    label: key.toUpperCase(),
    position: i,
    exclusive: false,
    range: null,
    value: null,
    other: false,
    votes: votes[i] ?? 0,
  }));
}

/** An open single-choice poll "p" with options a, b, c and no votes, created an hour before NOW. */
export function pollRecord(overrides: Partial<PollRecord> = {}): PollRecord {
  return {
    id: 1,
    slug: 'p',
    question: 'Q?',
    description: '',
    type: 'single',
    scale: 'nominal',
    minChoices: 1,
    maxChoices: 1,
    status: 'open',
    opensAt: null,
    closesAt: null,
    resultsVisibility: 'after_vote',
    duplicatePolicy: 'device',
    networkIdentity: 'address_agent',
    addressBudget: null,
    embedOrigins: [],
    responseCount: 0,
    duplicateCount: 0,
    quarantinedCount: 0,
    profile: [],
    allowOther: false,
    createdAt: NOW - HOUR,
    updatedAt: NOW - HOUR,
    options: optionRecords(),
    surveyId: null,
    ...overrides,
  };
}
