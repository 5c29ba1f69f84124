/**
 * Votes arriving together, on this run's store (SQLite, or PostgreSQL through a pool of 10 in the
 * `postgres` project): each is one transaction under its poll's lock, so every one is counted
 * exactly once, a duplicate policy or an address budget refuses exactly the surplus, and no vote
 * fails on a conflict (a deadlock or serialization failure would be retried, never thrown).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PollError } from '@/lib/errors';
import { createPoll } from '@/lib/poll-admin';
import { HOUR_MS } from '@/lib/store';
import type { PollRecord } from '@/lib/types';
import { castVote, type Voter } from '@/lib/votes';
import { newDeviceId, personKeyFor } from '@/lib/voter';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:45:30Z');

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

const aVoter = (address = '192.0.2.10', personId: string | null = null): Voter => ({
  deviceId: newDeviceId(),
  address,
  userAgent: 'vitest',
  personId,
});

const vote = (poll: PollRecord, body: unknown, voter: Voter, now = NOW) =>
  castVote({ store: t.store, secret: SECRET, now }, poll.slug, body, voter, 'api');

/** Each promise's outcome: 'recorded', or the PollError code it was refused with (anything else fails the test). */
const outcomes = (votes: Promise<unknown>[]) =>
  Promise.all(
    votes.map((v) =>
      v.then(
        () => 'recorded',
        (error: unknown) => {
          if (error instanceof PollError) return error.code;
          throw error;
        },
      ),
    ),
  );

const tally = (outcome: string[]) =>
  outcome.reduce<Record<string, number>>((sum, o) => ({ ...sum, [o]: (sum[o] ?? 0) + 1 }), {});

describe('concurrent votes on one poll', () => {
  it('are all counted exactly: options, responses, segments, pairs and days; the recount finds no drift', async () => {
    const poll = await createPoll(
      t.store,
      {
        slug: 'busy',
        question: 'Which tools?',
        type: 'multiple',
        options: ['Jira', 'Trello', 'Asana'],
        maxChoices: 3,
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
        profile: ['role', 'companySize'],
      },
      NOW,
    );
    const ballots = Array.from({ length: 120 }, (_, i) => ({
      choices: [['jira'], ['jira', 'trello'], ['asana', 'trello', 'jira']][i % 3]!,
      profile: i % 4 === 0 ? {} : { role: i % 2 ? 'manager' : 'vp', companySize: i % 3 ? 'lt-1000' : 'gt-10000' },
    }));
    // Several event-loop turns' worth at once, from many networks, in two different minutes.
    const results = await outcomes(
      ballots.map((body, i) => vote(poll, body, aVoter(`198.51.100.${i % 200}`), NOW + (i % 2) * 60_000)),
    );
    expect(tally(results)).toEqual({ recorded: 120 });

    const after = (await t.store.findPoll('busy'))!;
    expect(after.responseCount).toBe(120);
    // jira on every ballot, trello on two of three, asana on one of three.
    expect(after.options.map((o) => [o.key, o.votes])).toEqual([
      ['jira', 120],
      ['trello', 80],
      ['asana', 40],
    ]);
    const bySize = await t.store.segmentCounts(after.id, 'companySize', { dimension: 'role', value: 'manager' });
    const managers = ballots.filter((b) => 'role' in b.profile && b.profile.role === 'manager');
    expect(bySize.crossSection.responses).toBe(managers.length);
    const days = await t.store.dailyCounts(after.id, 0, Math.floor(NOW / 86_400_000) + 1);
    expect(days.days.map((d) => d.responses)).toEqual([120]);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('under a device policy: one browser voting many times at once is counted once, the rest refused and counted', async () => {
    const poll = await createPoll(
      t.store,
      { slug: 'once', question: 'Q', options: ['A', 'B'], duplicatePolicy: 'device', resultsVisibility: 'always' },
      NOW,
    );
    const browser = aVoter();
    const others = Array.from({ length: 20 }, (_, i) => aVoter(`203.0.113.${i}`));
    const results = await outcomes([
      ...Array.from({ length: 30 }, () => vote(poll, { choices: ['a'] }, browser)),
      ...others.map((voter) => vote(poll, { choices: ['b'] }, voter)),
    ]);
    expect(tally(results)).toEqual({ recorded: 21, already_voted: 29 });
    const after = (await t.store.findPoll('once'))!;
    expect([after.responseCount, after.duplicateCount]).toEqual([21, 29]);
    expect(after.options.map((o) => o.votes)).toEqual([1, 20]);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('under an address budget: exactly the budget is accepted per network and hour, the surplus counted as refused', async () => {
    const poll = await createPoll(
      t.store,
      {
        slug: 'budget',
        question: 'Q',
        options: ['A', 'B'],
        duplicatePolicy: 'device',
        resultsVisibility: 'always',
        addressBudget: { votesPerHour: 5 },
      },
      NOW,
    );
    const results = await outcomes([
      ...Array.from({ length: 25 }, (_, i) => vote(poll, { choices: ['a'] }, aVoter(`192.0.2.${i + 1}`))),
      ...Array.from({ length: 8 }, (_, i) => vote(poll, { choices: ['b'] }, aVoter(`198.51.100.${i + 1}`))),
    ]);
    expect(tally(results)).toEqual({ recorded: 10, rate_limited: 23 });
    const traffic = await t.store.trafficOf(poll.id, Math.floor(NOW / HOUR_MS), Math.floor(NOW / HOUR_MS));
    expect(traffic.map((row) => [row.votes, row.refused]).sort()).toEqual([
      [5, 20],
      [5, 3],
    ]);
    expect((await t.store.findPoll('budget'))!.responseCount).toBe(10);
  });

  it('under the person policy: every person once, their locks kept apart from the votes', async () => {
    const poll = await createPoll(
      t.store,
      { slug: 'staff', question: 'Q', options: ['A', 'B'], duplicatePolicy: 'person', resultsVisibility: 'always' },
      NOW,
    );
    const people = Array.from({ length: 15 }, (_, i) => `person-${i}@example.org`);
    // Each person from two browsers at once: one vote counts, the other is a duplicate.
    const results = await outcomes(
      people.flatMap((person) => [
        vote(poll, { choices: ['a'] }, aVoter('192.0.2.1', person)),
        vote(poll, { choices: ['b'] }, aVoter('192.0.2.2', person)),
      ]),
    );
    expect(tally(results)).toEqual({ recorded: 15, already_voted: 15 });
    for (const person of people)
      expect(await t.store.hasPersonLock(poll.id, `p:${personKeyFor(SECRET, poll.id, person)}`)).toBe(true);
    expect(await t.store.hasPersonLock(poll.id, `p:${personKeyFor(SECRET, poll.id, 'nobody')}`)).toBe(false);
    if (t.kind === 'postgres') {
      // One sorted array for the poll, no row per person (db/pg/schema.ts personLockSets).
      const [set] = await t.query<{ lockKeys: string[] }>(
        'select lock_keys as "lockKeys" from person_lock_sets where poll_id = ?',
        [poll.id],
      );
      const expected = people.map((person) => `p:${personKeyFor(SECRET, poll.id, person)}`);
      expect(set!.lockKeys).toEqual([...expected].sort());
    }
    const [times] = await t.query<{ n: number }>(
      'select count(*) as n from votes where poll_id = ? and created_at = ?',
      [poll.id, NOW - (NOW % HOUR_MS)],
    );
    expect(Number(times!.n)).toBe(15);
  });
});

describe('concurrent votes on several polls, with a quarantine among them', () => {
  it('never fail on a conflict, and every tally matches the log', async () => {
    const polls = await Promise.all(
      ['p1', 'p2', 'p3', 'p4'].map((slug) =>
        createPoll(
          t.store,
          {
            slug,
            question: 'Q',
            options: ['A', 'B', 'C'],
            duplicatePolicy: 'none',
            resultsVisibility: 'always',
            profile: ['role'],
          },
          NOW,
        ),
      ),
    );
    const burst = aVoter('203.0.113.77');
    const first = await outcomes(polls.map((poll) => vote(poll, { choices: ['a'] }, burst, NOW - HOUR_MS)));
    expect(first).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    const [prefix] = await t.store.trafficOf(polls[0]!.id, 0, Math.floor(NOW / HOUR_MS));
    const quarantine = t.store.quarantineBurst(polls[0]!.id, prefix!.prefixKey, NOW - 2 * HOUR_MS, NOW, NOW, {
      actor: 'cli',
      action: 'quarantine',
    });
    const results = await outcomes(
      Array.from({ length: 160 }, (_, i) =>
        vote(
          polls[i % 4]!,
          { choices: [['a', 'b', 'c'][i % 3]], profile: i % 2 ? { role: 'manager' } : {} },
          aVoter(`198.51.100.${i % 50}`),
        ),
      ),
    );
    expect((await quarantine).outcome).toBe('done');
    expect(tally(results)).toEqual({ recorded: 160 });
    for (const poll of polls) {
      const after = (await t.store.findPoll(poll.slug))!;
      const quarantined = poll.slug === 'p1' ? 1 : 0;
      expect([after.responseCount, after.quarantinedCount]).toEqual([41 - quarantined, quarantined]);
    }
    expect(await t.store.recount(false)).toEqual([]);
  });
});
