/**
 * The two demo polls of SPEC.md with a few hundred ordinary vote rows spread over the last
 * 30 days, so a fresh start has real results, charts and exports. Deterministic: the same
 * votes on every machine.
 */
import { createPoll } from '../src/lib/poll-admin';
import type { PollStore } from '../src/lib/store';
import type { PollInput } from '../src/lib/schemas';

interface DemoPoll {
  input: PollInput;
  /** Demo shares in percent, option by option. */
  shares: number[];
}

/** Votes per percentage point: ~300 votes a poll. */
const VOTES_PER_POINT = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
const SPREAD_DAYS = 30;

export const DEMO_POLLS: DemoPoll[] = [
  {
    input: {
      slug: 'ai-projects-in-production',
      question: "What percentage of your organization's AI projects reach production?",
      description:
        'Count the AI and machine-learning projects started in the last two years, and how many of them now run in production.',
      type: 'single',
      scale: 'nominal',
      options: ['< 10%', '10-20%', '21-30%', '31-40%', '41-50%', '51-60%', '61-70%', '71-80%', '> 80%'],
      resultsVisibility: 'always',
      duplicatePolicy: 'device',
      profile: ['role', 'industry', 'companySize'],
    },
    shares: [21, 34, 28, 7, 4, 2, 0, 0, 1],
  },
  {
    input: {
      slug: 'project-management-tool',
      question: 'Which project management tool does your team use most?',
      description: 'Pick the one your team opens every day.',
      type: 'single',
      scale: 'nominal',
      options: ['Microsoft Project', 'Smartsheet', 'Monday.com', 'Trello'],
      resultsVisibility: 'always',
      duplicatePolicy: 'device',
      profile: ['role', 'industry', 'companySize'],
    },
    shares: [33, 37, 12, 16],
  },
];

/** A small deterministic PRNG (mulberry32), so demo data is the same everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates the demo polls when the database has no polls at all. Returns whether it seeded. */
export async function seedDemo(store: PollStore, now: number): Promise<boolean> {
  if ((await store.listPolls()).length > 0) return false;
  const start = now - SPREAD_DAYS * DAY_MS;
  for (const [index, demo] of DEMO_POLLS.entries()) {
    // Listed first poll is created last, so the home page (newest first) shows them in spec order.
    const poll = await createPoll(store, demo.input, start - index * 60_000);
    const next = random(index + 1);
    const votes = poll.options.flatMap((option, i) =>
      Array.from({ length: demo.shares[i]! * VOTES_PER_POINT }, () => ({
        optionIds: [option.id],
        createdAt: Math.floor(start + next() * (now - start)),
        source: 'seed' as const,
      })),
    );
    votes.sort((a, b) => a.createdAt - b.createdAt);
    await store.importVotes(poll.id, votes);
  }
  return true;
}
