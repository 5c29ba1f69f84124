/** Polls, votes and snapshots for the quarantine tests: votes written through store.recordVote with prefix digests. */
import { createPoll } from '@/lib/poll-admin';
import type { ProfileAnswers } from '@/lib/profile';
import { DAY_MS, voteRules, type AdminStore, type PollStore } from '@/lib/store';
import type { PollRecord } from '@/lib/types';

export const T0 = Date.parse('2026-06-01T08:00:00Z');
export const HOUR_MS = 3_600_000;

/** A multiple-choice poll with a profile and a write-in option, and a ranked one: every tally a vote moves. */
export async function quarantinePolls(store: PollStore) {
  const multiple = await createPoll(
    store,
    {
      slug: 'multi',
      question: 'Which?',
      type: 'multiple',
      options: ['A', 'B', 'C'],
      maxChoices: 3,
      allowOther: true,
      duplicatePolicy: 'none',
      profile: ['role', 'industry'],
    },
    T0 - DAY_MS,
  );
  const ranked = await createPoll(
    store,
    { slug: 'ranked', question: 'Order?', type: 'ranked', options: ['X', 'Y', 'Z'], duplicatePolicy: 'none' },
    T0 - DAY_MS,
  );
  return { multiple, ranked };
}

export interface TestBallot {
  /** Option indexes (ranked: in order of preference). */
  picks: number[];
  profile?: ProfileAnswers;
  other?: string;
  prefixKey: string | null;
  at: number;
}

/** Records one ballot through the store's vote path (the group writer), as castVote would hand it over. */
export async function record(store: PollStore, poll: PollRecord, ballot: TestBallot) {
  const ids = ballot.picks.map((i) => poll.options[i]!.id);
  const ranked = poll.type === 'ranked';
  const outcome = await store.recordVote({
    pollId: poll.id,
    optionIds: ranked ? ids.slice(0, 1) : ids,
    createdAt: ballot.at,
    source: 'api',
    deviceKey: null,
    lockKeys: [],
    prefixKey: ballot.prefixKey,
    profile: ballot.profile ?? {},
    ranking: ranked ? ids : null,
    otherText: ballot.other ?? null,
    checkedAgainst: voteRules(poll),
  });
  if (outcome.outcome !== 'recorded') throw new Error(`vote not recorded: ${outcome.outcome}`);
}

/** Everything public a poll's tallies show, read through the store: equal snapshots mean equal counts everywhere. */
export async function publicCounts(store: PollStore, admin: AdminStore, slug: string) {
  const poll = (await store.findPoll(slug))!;
  const segments = async (by: 'role' | 'industry', where: { dimension: 'role' | 'industry'; value: string } | null) => {
    const counts = await store.segmentCounts(poll.id, by, where);
    return {
      crossSection: [counts.crossSection.responses, [...counts.crossSection.optionVotes].sort()],
      segments: [...counts.segments].map(([value, group]) => [value, group.responses, [...group.optionVotes].sort()]),
    };
  };
  return {
    responses: poll.responseCount,
    quarantined: poll.quarantinedCount,
    options: poll.options.map((option) => [option.key, option.votes]),
    byRole: await segments('role', null),
    byIndustryWhereEngineer: await segments('industry', { dimension: 'role', value: 'manager' }),
    days: (await store.dailyCounts(poll.id, 0, 100_000)).days.map((d) => [d.day, d.responses, [...d.optionVotes]]),
    rankings: (await store.rankingTallies(poll.id)).sort((a, b) => (a.ranking.join() < b.ranking.join() ? -1 : 1)),
    writeIns: await admin.otherAnswerGroups(poll.id),
  };
}
