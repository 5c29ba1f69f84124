/**
 * The address budget under SQLite's group commit: a burst of concurrent votes from one prefix is
 * one group, committed in one transaction, and the budget holds inside it, the group's votes
 * taken in order — duplicates refused first (the budget itself, on both stores:
 * address-budget.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqlitePollStore } from '../../db/sqlite-store';
import type { PollError } from '@/lib/errors';
import { createPoll } from '@/lib/poll-admin';
import { castVote, type Voter } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempDb, type TempDb } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:45:30Z');

let t: TempDb;
let store: SqlitePollStore;
beforeEach(() => {
  t = openTempDb();
  store = createSqliteStore(t.db);
});
afterEach(() => t.cleanup());

describe('the address budget in one group commit', () => {
  it('takes exactly N of 2N concurrent votes from one prefix in one transaction', async () => {
    const poll = await createPoll(
      store,
      {
        slug: 'burst',
        question: 'Which tool?',
        options: ['Jira', 'Trello'],
        duplicatePolicy: 'device',
        addressBudget: { votesPerHour: 5 },
      },
      NOW,
    );
    const before = store.voteCommits();
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        castVote(
          { store, secret: SECRET, now: NOW },
          poll.slug,
          { choices: ['jira'] },
          { deviceId: newDeviceId(), address: `192.0.2.${i + 1}`, userAgent: 'vitest' },
          'api',
        ),
      ),
    );
    expect(store.voteCommits().transactions - before.transactions).toBe(1);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(5);
    expect((await store.findPoll(poll.slug))!.responseCount).toBe(5);
  });

  it('in one group: duplicates first, then the budget — the same browser twice does not take a second slot', async () => {
    const poll = await createPoll(
      store,
      {
        slug: 'dupes-group',
        question: 'Which tool?',
        options: ['Jira', 'Trello'],
        duplicatePolicy: 'device',
        addressBudget: { votesPerHour: 2 },
      },
      NOW,
    );
    const from = (address: string): Voter => ({ deviceId: newDeviceId(), address, userAgent: 'vitest' });
    const alice = from('192.0.2.1');
    const settled = await Promise.allSettled(
      [alice, alice, from('192.0.2.2'), from('192.0.2.3')].map((voter) =>
        castVote({ store, secret: SECRET, now: NOW }, poll.slug, { choices: ['jira'] }, voter, 'api'),
      ),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as PollError).code))).toEqual([
      'ok',
      'already_voted',
      'ok',
      'rate_limited',
    ]);
    const tallies = t.db.$client
      .prepare('select votes, refused from prefix_hour_tallies where poll_id = ?')
      .all(poll.id) as { votes: number; refused: number }[];
    expect(tallies).toEqual([{ votes: 2, refused: 1 }]);
  });
});
