/**
 * store.segmentCounts against counts worked out by hand from the same ballots: for a multiple-
 * choice poll, every `by` without `where` (the tallies) and with every `where` (the vote log),
 * "not stated" included, on a real migrated SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll } from '@/lib/poll-admin';
import { NOT_STATED, PROFILE_CATALOGUE, type ProfileAnswers, type ProfileDimension } from '@/lib/profile';
import type { CrossSection, SegmentCounts } from '@/lib/store';
import type { PollRecord } from '@/lib/types';
import { openTempStores, type TempStores } from '../support/temp-db';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ASKED: ProfileDimension[] = ['role', 'industry', 'companySize'];

/** A fixed pseudo-random sequence (an LCG), so the ballots are the same on every run. */
function sequence(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * below);
  };
}

interface Ballot {
  optionIds: number[];
  profile: ProfileAnswers;
}

let t: TempStores;
let poll: PollRecord;
const ballots: Ballot[] = [];

beforeAll(async () => {
  t = await openTempStores();
  poll = await createPoll(
    t.store,
    {
      slug: 'many',
      question: 'Which?',
      type: 'multiple',
      options: ['A', 'B', 'C', 'D'],
      maxChoices: 3,
      duplicatePolicy: 'none',
      profile: ASKED,
    },
    NOW,
  );
  const next = sequence(7);
  for (let i = 0; i < 600; i++) {
    const optionIds = poll.options.filter(() => next(3) === 0).map((o) => o.id);
    if (optionIds.length === 0) optionIds.push(poll.options[next(4)]!.id);
    const profile: ProfileAnswers = {};
    for (const dimension of ASKED) {
      const values = PROFILE_CATALOGUE[dimension].values;
      // About one answer in five is left out; the first values are the common ones.
      const pick = next(values.length + 2);
      if (pick < values.length) profile[dimension] = values[Math.min(pick, next(values.length))]!.key;
    }
    ballots.push({ optionIds: optionIds.slice(0, 3), profile });
  }
  await t.store.importVotes(
    poll.id,
    ballots.map((b) => ({ ...b, createdAt: NOW, source: 'seed' as const })),
  );
});
afterAll(() => t.cleanup());

/** The counts segmentCounts should give, from the ballots themselves. */
function expected(by: ProfileDimension, where: CrossSection | null): SegmentCounts {
  const inside = ballots.filter((b) => !where || (b.profile[where.dimension] ?? NOT_STATED) === where.value);
  const group = (list: Ballot[]) => {
    const optionVotes = new Map<number, number>();
    for (const b of list) for (const id of b.optionIds) optionVotes.set(id, (optionVotes.get(id) ?? 0) + 1);
    return { responses: list.length, optionVotes };
  };
  const segments = new Map<string, ReturnType<typeof group>>();
  for (const value of new Set(inside.map((b) => b.profile[by]).filter((v) => v !== undefined))) {
    segments.set(value, group(inside.filter((b) => b.profile[by] === value)));
  }
  return { crossSection: group(inside), segments };
}

/** Maps compared as sorted entries, so order and zero-vote options written or left out do not matter. */
const plain = (counts: SegmentCounts) => {
  const votes = (m: Map<number, number>) => [...m].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  return {
    crossSection: { responses: counts.crossSection.responses, optionVotes: votes(counts.crossSection.optionVotes) },
    segments: [...counts.segments]
      .filter(([, g]) => g.responses > 0)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([value, g]) => [value, g.responses, votes(g.optionVotes)]),
  };
};

describe('segmentCounts', () => {
  it('has ballots with every kind of answer (a check on the test data)', () => {
    expect(ballots.some((b) => Object.keys(b.profile).length === 0)).toBe(true);
    expect(ballots.some((b) => b.optionIds.length > 1)).toBe(true);
    expect(ballots.filter((b) => b.profile.role === undefined).length).toBeGreaterThan(50);
  });

  for (const by of ASKED) {
    it(`by ${by}: the tallies, and the vote log within every cross-section, equal the ballots`, async () => {
      expect(plain(await t.store.segmentCounts(poll.id, by, null))).toEqual(plain(expected(by, null)));
      for (const dimension of ASKED.filter((d) => d !== by)) {
        for (const value of [...PROFILE_CATALOGUE[dimension].values.map((v) => v.key), NOT_STATED]) {
          const where = { dimension, value };
          expect(plain(await t.store.segmentCounts(poll.id, by, where)), `${dimension}:${value}`).toEqual(
            plain(expected(by, where)),
          );
        }
      }
    });
  }
});
