/** The read side every results surface shares, on a real migrated database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoll } from '@/lib/poll-admin';
import { findPublicPoll, getPublicPoll } from '@/lib/polls';
import { resultsView, visibleResults } from '@/lib/results-view';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { refusal } from '../support/errors';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const ctx = () => ({ store: t.store, secret: SECRET, now: NOW });

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

describe('castVote', () => {
  it('returns the poll as the vote left it, other voters’ votes included', async () => {
    const poll = await createPoll(
      t.store,
      { slug: 'q', question: 'Q?', options: ['A', 'B'], duplicatePolicy: 'none' },
      NOW,
    );
    const voter = { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' };
    await castVote(ctx(), 'q', { choices: ['b'] }, voter, 'api');
    const after = await castVote(ctx(), 'q', { choices: ['a'] }, voter, 'api');
    expect(after.id).toBe(poll.id);
    expect(after.responseCount).toBe(2);
    expect(after.options.map((o) => [o.key, o.votes])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });
});

describe('resultsView', () => {
  it('hides after_vote results until this browser has voted, then shows them', async () => {
    await createPoll(t.store, { slug: 'v', question: 'V?', options: ['A', 'B'], resultsVisibility: 'after_vote' }, NOW);
    const deviceId = newDeviceId();
    const before = await resultsView(ctx(), await getPublicPoll(t.store, 'v'), deviceId);
    expect(before).toMatchObject({ status: 'open', voted: false, results: null, hidden: { reason: 'after_vote' } });
    expect(await refusal(async () => visibleResults(before))).toBe('results_hidden');

    await castVote(ctx(), 'v', { choices: ['a'] }, { deviceId, address: '192.0.2.1', userAgent: 'vitest' }, 'web');
    const after = await resultsView(ctx(), await getPublicPoll(t.store, 'v'), deviceId);
    expect(after).toMatchObject({ voted: true, hidden: null });
    expect(visibleResults(after).totalResponses).toBe(1);
    // Another browser still does not see them.
    expect((await resultsView(ctx(), await getPublicPoll(t.store, 'v'), null)).results).toBeNull();
  });
});

describe('ownChoices in the view', () => {
  it('names the options of this browser’s newest vote in this poll only', async () => {
    await createPoll(
      t.store,
      { slug: 'm', question: 'M?', options: ['A', 'B', 'C'], type: 'multiple', maxChoices: 3, duplicatePolicy: 'none' },
      NOW,
    );
    await createPoll(t.store, { slug: 'o', question: 'O?', options: ['A', 'B'] }, NOW);
    const deviceId = newDeviceId();
    const voter = { deviceId, address: '192.0.2.1', userAgent: 'vitest' };
    expect((await resultsView(ctx(), await getPublicPoll(t.store, 'm'), deviceId)).ownChoices).toEqual([]);
    await castVote(ctx(), 'm', { choices: ['a'] }, voter, 'web');
    await castVote(ctx(), 'm', { choices: ['c', 'b'] }, voter, 'web');
    const view = await resultsView(ctx(), await getPublicPoll(t.store, 'm'), deviceId);
    expect(view).toMatchObject({ voted: true, ownChoices: ['b', 'c'] });
    // Another poll knows nothing of it; another browser neither.
    expect((await resultsView(ctx(), await getPublicPoll(t.store, 'o'), deviceId)).ownChoices).toEqual([]);
    expect((await resultsView(ctx(), await getPublicPoll(t.store, 'm'), newDeviceId())).ownChoices).toEqual([]);
  });
});

describe('findPublicPoll', () => {
  it('is null for a missing poll or a draft', async () => {
    await createPoll(t.store, { slug: 'd', question: 'D?', options: ['A', 'B'], status: 'draft' }, NOW);
    expect(await findPublicPoll(t.store, 'nope')).toBeNull();
    expect(await findPublicPoll(t.store, 'd')).toBeNull();
  });

  it('throws when the database fails, so an outage never reads as "not found"', async () => {
    await createPoll(t.store, { slug: 'p', question: 'P?', options: ['A', 'B'] }, NOW);
    // Closed and dropped under the store (afterEach cleans up a fresh one).
    const closed = t;
    t = await openTempStores();
    await closed.cleanup();
    await expect(findPublicPoll(closed.store, 'p')).rejects.toThrow();
  });
});
