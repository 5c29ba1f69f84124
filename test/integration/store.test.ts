import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoll, deletePoll, updatePoll } from '@/lib/poll-admin';
import { buildResults } from '@/lib/results';
import { castVote, hasVoted, ownChoices } from '@/lib/votes';
import { deviceKeyFor, newDeviceId, personKeyFor } from '@/lib/voter';
import { refusal } from '../support/errors';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');

/** A new browser; by default all from one documentation address with one user agent. */
function aVoter(address = '192.0.2.10', userAgent = 'vitest') {
  return { deviceId: newDeviceId(), address, userAgent };
}
const voter = () => aVoter();

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

/** The count of a query's rows (`count(*) as n`). */
const count = async (sql: string, ...params: unknown[]) => (await t.query<{ n: number }>(sql, params))[0]!.n;

/**
 * The person locks (poll, lock key): rows of person_locks on SQLite; on PostgreSQL one sorted
 * array per poll in person_lock_sets, so that no row pairs a person's lock with their vote.
 */
const personLocks = (pollId?: number) =>
  t.query<{ poll_id: number; lock_key: string }>(
    t.kind === 'sqlite'
      ? `select poll_id, lock_key from person_locks ${pollId === undefined ? '' : 'where poll_id = ?'} order by poll_id, lock_key`
      : `select poll_id, unnest(lock_keys) as lock_key from person_lock_sets ${pollId === undefined ? '' : 'where poll_id = ?'} order by poll_id, lock_key`,
    pollId === undefined ? [] : [pollId],
  );

describe('polls', () => {
  it('creates a poll with derived slug and keys, and suffixes a clashing derived slug', async () => {
    const first = await createPoll(t.store, { question: 'Tabs or spaces?', options: ['Tabs', 'Spaces'] }, NOW);
    const second = await createPoll(t.store, { question: 'Tabs or spaces?', options: ['Tabs', 'Spaces'] }, NOW);
    expect(first.slug).toBe('tabs-or-spaces');
    expect(second.slug).toBe('tabs-or-spaces-2');
    expect(first.options.map((o) => o.key)).toEqual(['tabs', 'spaces']);
  });

  it('refuses an explicit slug that is taken', async () => {
    await createPoll(t.store, { slug: 'x', question: 'Q', options: ['A', 'B'] }, NOW);
    expect(await refusal(() => createPoll(t.store, { slug: 'x', question: 'Q2', options: ['A', 'B'] }, NOW))).toBe(
      'slug_taken',
    );
  });

  it('changes options only while there are no votes', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'none' }, NOW);
    const edited = await updatePoll(t.store, poll.slug, { options: ['A', 'B', 'C'] }, NOW);
    expect(edited.options.map((o) => o.label)).toEqual(['A', 'B', 'C']);
    await castVote({ store: t.store, secret: SECRET, now: NOW }, poll.slug, { choices: ['a'] }, voter(), 'api');
    expect(await refusal(() => updatePoll(t.store, poll.slug, { options: ['A', 'B'] }, NOW))).toBe('poll_has_votes');
    // Text edits and the same options are fine with votes.
    const retitled = await updatePoll(t.store, poll.slug, { question: 'Q, clearer', options: ['A', 'B', 'C'] }, NOW);
    expect(retitled.question).toBe('Q, clearer');
  });

  it('closes now, reopens, and schedules', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'] }, NOW);
    const closed = await updatePoll(t.store, poll.slug, { status: 'closed' }, NOW);
    expect(closed).toMatchObject({ status: 'closed', closesAt: NOW });
    const reopened = await updatePoll(t.store, poll.slug, { status: 'open' }, NOW + 1000);
    expect(reopened).toMatchObject({ status: 'open', closesAt: null });
    expect(await refusal(() => updatePoll(t.store, poll.slug, { status: 'scheduled' }, NOW))).toBe('invalid_poll');
    const scheduled = await updatePoll(
      t.store,
      poll.slug,
      { status: 'scheduled', opensAt: '2026-07-01T00:00:00Z' },
      NOW,
    );
    expect(scheduled.opensAt).toBe(Date.parse('2026-07-01T00:00:00Z'));
  });

  it('deletes a poll with its votes', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'] }, NOW);
    await castVote({ store: t.store, secret: SECRET, now: NOW }, poll.slug, { choices: ['a'] }, voter(), 'api');
    await deletePoll(t.store, poll.slug, NOW);
    expect(await t.store.findPoll(poll.slug)).toBeNull();
    expect(await count('select count(*) as n from votes')).toBe(0);
  });

  it('deletes a person poll with its person locks', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'person' }, NOW);
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    await castVote(ctx, poll.slug, { choices: ['a'] }, { ...voter(), personId: 'alice@corp.example' }, 'api');
    expect(await personLocks()).toHaveLength(1);
    await deletePoll(t.store, poll.slug, NOW);
    expect(await personLocks()).toEqual([]);
  });
});

describe('votes and tallies', () => {
  it('keeps tallies equal to the vote log for single and multiple choice', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(
      t.store,
      { question: 'Which?', options: ['A', 'B', 'C'], type: 'multiple', maxChoices: 2, duplicatePolicy: 'none' },
      NOW,
    );
    for (const choices of [['a'], ['a', 'b'], ['c', 'a'], ['b']]) {
      await castVote(ctx, poll.slug, { choices }, voter(), 'api');
    }
    const results = buildResults((await t.store.findPoll(poll.slug))!, NOW, undefined);
    expect(results.totalResponses).toBe(4);
    expect(results.options.map((o) => [o.key, o.votes, o.share])).toEqual([
      ['a', 3, 0.75],
      ['b', 2, 0.5],
      ['c', 1, 0.25],
    ]);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('enforces one vote per device under the device policy, and counts the refusal', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'device' }, NOW);
    const sameBrowser = aVoter();
    await castVote(ctx, poll.slug, { choices: ['a'] }, sameBrowser, 'web');
    expect(await refusal(() => castVote(ctx, poll.slug, { choices: ['b'] }, sameBrowser, 'web'))).toBe('already_voted');
    const stored = (await t.store.findPoll(poll.slug))!;
    expect(stored.responseCount).toBe(1);
    expect(stored.duplicateCount).toBe(1);
    expect(stored.options.map((o) => o.votes)).toEqual([1, 0]);
    expect(await hasVoted(t.store, SECRET, stored, sameBrowser.deviceId)).toBe(true);
    expect(await hasVoted(t.store, SECRET, stored, newDeviceId())).toBe(false);
  });

  it('knows a signed-in person took part on a person poll from any browser, their choice only on their own', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'person' }, NOW);
    const laptop = { ...aVoter(), personId: 'alice@corp.example' };
    await castVote(ctx, poll.slug, { choices: ['b'] }, laptop, 'web');
    const stored = (await t.store.findPoll(poll.slug))!;
    // The phone: another device, the same person — voted (their lock), but which choice is not known there.
    const phone = { deviceIds: [newDeviceId()], personId: 'alice@corp.example' };
    expect(await hasVoted(t.store, SECRET, stored, phone)).toBe(true);
    expect(await ownChoices(t.store, SECRET, stored, phone)).toEqual([]);
    // The laptop itself finds its ballot by its own cookie key.
    expect(
      await ownChoices(t.store, SECRET, stored, { deviceIds: [laptop.deviceId], personId: laptop.personId }),
    ).toEqual(['b']);
    // Someone else on the laptop's browser has not voted: their own lock decides, not the cookie.
    expect(
      await hasVoted(t.store, SECRET, stored, { deviceIds: [laptop.deviceId], personId: 'bob@corp.example' }),
    ).toBe(false);
    // The vote is stored under the browser's random key, at the hour, and the lock names no vote.
    const [row] = await t.query<{ deviceKey: string; at: number }>(
      'select device_key as "deviceKey", created_at as at from votes where poll_id = ?',
      [poll.id],
    );
    expect(row!.deviceKey).toBe(deviceKeyFor(SECRET, poll.id, laptop.deviceId));
    expect(row!.at % 3_600_000).toBe(0);
    expect(await count('select count(*) as n from vote_locks where poll_id = ?', poll.id)).toBe(0);
    expect(await personLocks(poll.id)).toEqual([
      { poll_id: poll.id, lock_key: `p:${personKeyFor(SECRET, poll.id, 'alice@corp.example')}` },
    ]);
    // A second vote of the person from another browser is a counted duplicate, through that lock.
    expect(
      await refusal(() =>
        castVote(ctx, poll.slug, { choices: ['a'] }, { ...aVoter(), personId: 'alice@corp.example' }, 'web'),
      ),
    ).toBe('already_voted');
    // On a device poll the person does not count: one vote per browser, the browser's own key.
    const device = await createPoll(t.store, { question: 'D', options: ['A', 'B'], duplicatePolicy: 'device' }, NOW);
    await castVote(ctx, device.slug, { choices: ['a'] }, laptop, 'web');
    const deviceStored = (await t.store.findPoll(device.slug))!;
    expect(await hasVoted(t.store, SECRET, deviceStored, phone)).toBe(false);
    expect(await hasVoted(t.store, SECRET, deviceStored, { deviceIds: [laptop.deviceId], personId: null })).toBe(true);
  });

  it('enforces one vote per network identity (address and user agent) under the network policy', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'network' }, NOW);
    await castVote(ctx, poll.slug, { choices: ['a'] }, aVoter('192.0.2.1', 'Firefox'), 'api');
    // A new browser (cookie) on the same network and user agent is the same network identity.
    expect(
      await refusal(() => castVote(ctx, poll.slug, { choices: ['b'] }, aVoter('192.0.2.1', 'Firefox'), 'api')),
    ).toBe('already_voted');
    await castVote(ctx, poll.slug, { choices: ['b'] }, aVoter('192.0.2.2', 'Firefox'), 'api');
    await castVote(ctx, poll.slug, { choices: ['b'] }, aVoter('192.0.2.1', 'Chrome'), 'api');
    expect((await t.store.findPoll(poll.slug))!).toMatchObject({ responseCount: 3, duplicateCount: 1 });
  });

  it('refuses when either identity matches under device_or_network', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(
      t.store,
      { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'device_or_network' },
      NOW,
    );
    const first = aVoter('192.0.2.1');
    await castVote(ctx, poll.slug, { choices: ['a'] }, first, 'api');
    expect(
      await refusal(() => castVote(ctx, poll.slug, { choices: ['a'] }, { ...first, address: '192.0.2.99' }, 'api')),
    ).toBe('already_voted');
    expect(await refusal(() => castVote(ctx, poll.slug, { choices: ['a'] }, aVoter('192.0.2.1'), 'api'))).toBe(
      'already_voted',
    );
    await castVote(ctx, poll.slug, { choices: ['a'] }, aVoter('192.0.2.2'), 'api');
    const stored = (await t.store.findPoll(poll.slug))!;
    expect(stored).toMatchObject({ responseCount: 2, duplicateCount: 2 });
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('counts every submission under the none policy', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'none' }, NOW);
    const sameBrowser = aVoter();
    await castVote(ctx, poll.slug, { choices: ['a'] }, sameBrowser, 'web');
    await castVote(ctx, poll.slug, { choices: ['a'] }, sameBrowser, 'web');
    expect((await t.store.findPoll(poll.slug))!.responseCount).toBe(2);
  });

  it('stores nothing for a refused ballot', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(
      t.store,
      { question: 'Q', options: ['A', 'B'], closesAt: '2026-06-02T00:00:00Z' },
      NOW,
    );
    for (const body of [{ choices: ['zzz'] }, { choices: [] }, { choices: ['a', 'b'] }, { choices: 'a' }, null]) {
      await refusal(() => castVote(ctx, poll.slug, body, voter(), 'api'));
    }
    const closedCtx = { ...ctx, now: Date.parse('2026-06-02T00:00:00Z') };
    expect(await refusal(() => castVote(closedCtx, poll.slug, { choices: ['a'] }, voter(), 'api'))).toBe('poll_closed');
    expect(await t.query('select (select count(*) from votes) as v, (select count(*) from vote_choices) as c')).toEqual(
      [{ v: 0, c: 0 }],
    );
  });

  it('refuses votes before a scheduled opening and in drafts', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const later = await createPoll(
      t.store,
      { question: 'Later', options: ['A', 'B'], opensAt: '2026-06-02T00:00:00Z' },
      NOW,
    );
    const draft = await createPoll(t.store, { question: 'Draft', options: ['A', 'B'], status: 'draft' }, NOW);
    expect(await refusal(() => castVote(ctx, later.slug, { choices: ['a'] }, voter(), 'api'))).toBe('poll_not_open');
    expect(await refusal(() => castVote(ctx, draft.slug, { choices: ['a'] }, voter(), 'api'))).toBe('poll_not_found');
  });
});

describe('recount', () => {
  it('reports drift between tallies and the log, and repairs it', async () => {
    const ctx = { store: t.store, secret: SECRET, now: NOW };
    const poll = await createPoll(
      t.store,
      { slug: 'drift', question: 'Q', options: ['A', 'B'], duplicatePolicy: 'none' },
      NOW,
    );
    await castVote(ctx, poll.slug, { choices: ['a'] }, voter(), 'api');
    // Simulate damage done outside the app (a hand edit, a restored partial backup).
    await t.query("update poll_options set votes = 7 where key = 'b'");
    await t.query('update polls set response_count = 3');
    const drift = await t.store.recount(true);
    expect(drift).toEqual([
      { pollSlug: 'drift', what: 'responses', stored: 3, actual: 1 },
      { pollSlug: 'drift', what: 'option b', stored: 7, actual: 0 },
    ]);
    expect(await t.store.recount(false)).toEqual([]);
    expect((await t.store.findPoll('drift'))!.options.map((o) => o.votes)).toEqual([1, 0]);
  });
});
