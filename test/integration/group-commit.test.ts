/**
 * Group commit of votes, against a real migrated SQLite file: votes that arrive together are
 * written in one transaction (a savepoint each) and answered after its COMMIT; a refused vote
 * refuses only itself; a transaction that fails as a whole stores none of its votes and rejects
 * them all. Counts, not clocks: votes started in the same turn of the event loop form a group.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqlitePollStore } from '../../db/sqlite-store';
import { createSqliteStores } from '../../db/storage-guard';
import { MAX_VOTE_GROUP } from '../../db/sqlite-votes';
import { PollError } from '@/lib/errors';
import { createPoll, updatePoll } from '@/lib/poll-admin';
import { StorageHealth } from '@/lib/storage-health';
import { voteRules, type PollStore, type RecordOutcome, type VoteToRecord } from '@/lib/store';
import type { PollRecord } from '@/lib/types';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempDb, type TempDb } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');

let t: TempDb;
/** The concrete SQLite store (it counts its vote transactions), on the test's migrated file. */
let store: SqlitePollStore;
beforeEach(() => {
  t = openTempDb();
  store = createSqliteStore(t.db);
});
afterEach(() => t.cleanup());

const count = (sql: string) => (t.db.$client.prepare(sql).get() as { n: number }).n;

/** A poll with two profile questions, so each vote also moves segment and pair tallies. */
const profiledPoll = (slug: string, fields: Record<string, unknown> = {}) =>
  createPoll(
    store,
    {
      slug,
      question: 'Which tools?',
      options: ['Jira', 'Trello', 'Asana'],
      type: 'multiple',
      minChoices: 1,
      maxChoices: 2,
      duplicatePolicy: 'device',
      resultsVisibility: 'always',
      profile: ['role', 'companySize'],
      ...fields,
    },
    NOW,
  );

/** A ballot as the vote use case stores it, for the poll as read before the group. */
function ballot(poll: PollRecord, choice: number, extra: Partial<VoteToRecord> = {}): VoteToRecord {
  return {
    pollId: poll.id,
    optionIds: [poll.options[choice]!.id],
    createdAt: NOW,
    source: 'api',
    deviceKey: newDeviceId(),
    lockKeys: [],
    profile: {},
    ranking: null,
    otherText: null,
    checkedAgainst: voteRules(poll),
    ...extra,
  };
}

const ROLES = ['manager', 'director', 'individual'] as const;
const SIZES = ['lt-1000', '1000-10000', 'gt-10000'] as const;

describe('votes that arrive together', () => {
  it('are committed in fewer transactions than votes, all counted, tallies equal to the recount', async () => {
    const poll = await profiledPoll('together');
    const before = store.voteCommits();
    const ballots = Array.from({ length: 50 }, (_, i) => ({
      choices: i % 3 === 0 ? ['jira', 'asana'] : [['jira', 'trello', 'asana'][i % 3]!],
      profile: i % 4 === 0 ? {} : { role: ROLES[i % 3]!, companySize: SIZES[i % 2]! },
    }));
    const recorded = await Promise.all(
      ballots.map((body) =>
        castVote(
          { store, secret: SECRET, now: NOW },
          poll.slug,
          body,
          { deviceId: newDeviceId(), address: '192.0.2.7', userAgent: 'vitest' },
          'api',
        ),
      ),
    );

    const commits = store.voteCommits();
    const transactions = commits.transactions - before.transactions;
    expect(commits.votes - before.votes).toBe(50);
    expect(transactions).toBeGreaterThanOrEqual(1);
    expect(transactions).toBeLessThan(50);

    const after = (await store.findPoll(poll.slug))!;
    expect(after.responseCount).toBe(50);
    expect(count('select count(*) n from votes')).toBe(50);
    expect(count('select count(*) n from vote_locks')).toBe(50);
    const chosen = (key: string) => ballots.filter((b) => b.choices.includes(key)).length;
    expect(after.options.map((o) => o.votes)).toEqual([chosen('jira'), chosen('trello'), chosen('asana')]);
    // Every tally (options, responses, segments, pairs, days) equals the vote log's count.
    expect(await store.recount(false)).toEqual([]);
    // (d) Each vote was answered with the poll as its group left it: what a fresh read gives now.
    for (const poll of recorded) expect(poll).toEqual(after);
  });

  it('are split into groups of at most MAX_VOTE_GROUP, every one committed', async () => {
    const poll = await profiledPoll('many', { duplicatePolicy: 'none' });
    const before = store.voteCommits();
    const votes = MAX_VOTE_GROUP + 44;
    const outcomes = await Promise.all(Array.from({ length: votes }, (_, i) => store.recordVote(ballot(poll, i % 3))));
    expect(outcomes.every((o) => o.outcome === 'recorded')).toBe(true);
    const transactions = store.voteCommits().transactions - before.transactions;
    expect(transactions).toBeGreaterThanOrEqual(Math.ceil(votes / MAX_VOTE_GROUP));
    expect(transactions).toBeLessThan(votes);
    expect((await store.findPoll(poll.slug))!.responseCount).toBe(votes);
    expect(await store.recount(false)).toEqual([]);
  });

  it('answer each vote with its own poll as the group left it, read after the group (d)', async () => {
    const one = await profiledPoll('one', { duplicatePolicy: 'none' });
    const two = await profiledPoll('two', { duplicatePolicy: 'none' });
    const outcomes = await Promise.all([
      store.recordVote(ballot(one, 0)),
      store.recordVote(ballot(two, 1)),
      store.recordVote(ballot(one, 2)),
      store.recordVote(ballot(two, 1)),
      store.recordVote(ballot(one, 0)),
    ]);
    const polls = outcomes.map((o) => (o.outcome === 'recorded' ? o.poll : null));
    const [fresh1, fresh2] = [(await store.findPoll('one'))!, (await store.findPoll('two'))!];
    expect(polls).toEqual([fresh1, fresh2, fresh1, fresh2, fresh1]);
    expect(fresh1.options.map((o) => o.votes)).toEqual([2, 0, 1]);
    expect(fresh2.options.map((o) => o.votes)).toEqual([0, 2, 0]);
    expect(fresh1.updatedAt).toBe(NOW);
  });

  it('still queued when the store closes are written and answered first', async () => {
    const poll = await profiledPoll('closing', { duplicatePolicy: 'none' });
    const queued = [store.recordVote(ballot(poll, 0)), store.recordVote(ballot(poll, 1))];
    await store.close();
    expect((await Promise.all(queued)).map((o) => o.outcome)).toEqual(['recorded', 'recorded']);
    const reopened = new Database(join(t.dir, 'test.db'), { readonly: true });
    expect(reopened.prepare('select count(*) n from votes').get()).toEqual({ n: 2 });
    reopened.close();
  });
});

describe('a refused vote inside a group', () => {
  it('refuses only itself: a duplicate lock and stale ballots leave their neighbours recorded', async () => {
    const poll = await profiledPoll('refusals');
    const other = await profiledPoll('other-poll');
    const before = store.voteCommits();
    const outcomes = await Promise.all([
      store.recordVote(ballot(poll, 0, { lockKeys: ['d:alice'], profile: { role: 'manager' } })),
      store.recordVote(ballot(poll, 1, { lockKeys: ['d:bob'] })),
      // The same lock key again, in the same group: refused by the first vote's lock.
      store.recordVote(ballot(poll, 2, { lockKeys: ['d:alice'], profile: { role: 'director' } })),
      // Checked against rules that are no longer the poll's (an edit in between).
      store.recordVote(
        ballot(poll, 1, {
          lockKeys: ['d:carol'],
          checkedAgainst: { ...voteRules(poll), type: 'single', minChoices: 1, maxChoices: 1 },
        }),
      ),
      // An option id of another poll: the ballot's options are stale; its writes are undone.
      store.recordVote(
        ballot(poll, 0, { lockKeys: ['d:dave'], optionIds: [other.options[0]!.id], profile: { role: 'vp' } }),
      ),
      store.recordVote(ballot(poll, 2, { lockKeys: ['d:erin'], profile: { role: 'manager', companySize: 'lt-1000' } })),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'recorded',
      'recorded',
      'duplicate',
      'stale_options',
      'stale_options',
      'recorded',
    ]);
    expect(store.voteCommits().transactions - before.transactions).toBe(1);

    const after = (await store.findPoll(poll.slug))!;
    expect(after.responseCount).toBe(3);
    expect(after.duplicateCount).toBe(1);
    expect(after.options.map((o) => o.votes)).toEqual([1, 1, 1]);
    expect((await store.findPoll(other.slug))!.responseCount).toBe(0);
    expect(count('select count(*) n from votes')).toBe(3);
    expect(count(`select count(*) n from vote_locks where lock_key in ('d:carol', 'd:dave')`)).toBe(0);
    expect(count(`select count(*) n from vote_profiles where value in ('director', 'vp')`)).toBe(0);
    expect(await store.recount(false)).toEqual([]);
    for (const outcome of outcomes) if (outcome.outcome === 'recorded') expect(outcome.poll).toEqual(after);
  });

  it('through the vote use case: the second ballot of one browser in a group is already_voted, the rest count', async () => {
    const poll = await profiledPoll('browser');
    const twice = { deviceId: newDeviceId(), address: '192.0.2.8', userAgent: 'vitest' };
    const vote = (deviceId: string) =>
      castVote({ store, secret: SECRET, now: NOW }, poll.slug, { choices: ['trello'] }, { ...twice, deviceId }, 'api');
    const settled = await Promise.allSettled([
      vote(twice.deviceId),
      vote(newDeviceId()),
      vote(twice.deviceId),
      vote(newDeviceId()),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = (settled[2] as PromiseRejectedResult).reason as unknown;
    expect(refused).toBeInstanceOf(PollError);
    expect((refused as PollError).code).toBe('already_voted');
    const after = (await store.findPoll(poll.slug))!;
    expect(after.responseCount).toBe(3);
    expect(after.duplicateCount).toBe(1);
    expect(await store.recount(false)).toEqual([]);
  });

  it('that fails on its own (an error SQLite raises for that vote only) is rejected alone', async () => {
    const poll = await profiledPoll('boom', { duplicatePolicy: 'none' });
    t.db.$client.exec(
      `create trigger refuse_boom before insert on other_answers when new.text = 'boom'
       begin select raise(abort, 'refused by the test'); end`,
    );
    const settled = await Promise.allSettled([
      store.recordVote(ballot(poll, 0)),
      store.recordVote(ballot(poll, 1, { otherText: 'boom' })),
      store.recordVote(ballot(poll, 2)),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(Database.SqliteError);
    const after = (await store.findPoll(poll.slug))!;
    expect(after.options.map((o) => o.votes)).toEqual([1, 0, 1]);
    expect(count('select count(*) n from votes')).toBe(2);
    expect(await store.recount(false)).toEqual([]);
  });
});

describe('a poll changed while its votes wait for their group', () => {
  it('closed: the queued votes are checked again and refused, none stored', async () => {
    const poll = await profiledPoll('closing', { duplicatePolicy: 'none' });
    // Queued now, written at the next turn of the event loop — after the owner's close commits.
    const queued = [0, 1, 2].map((choice) => store.recordVote(ballot(poll, choice)));
    expect(await updatePoll(store, poll.slug, { status: 'closed' }, NOW)).toMatchObject({ status: 'closed' });
    expect((await Promise.all(queued)).map((outcome) => outcome.outcome)).toEqual([
      'stale_options',
      'stale_options',
      'stale_options',
    ]);
    expect(count('select count(*) as n from votes')).toBe(0);
    expect(count('select response_count as n from polls')).toBe(0);
  });

  it('closed, through the vote use case: the ballot is refused as poll_closed', async () => {
    const poll = await profiledPoll('closing-use-case', { duplicatePolicy: 'none' });
    const cast = castVote(
      { store, secret: SECRET, now: NOW },
      poll.slug,
      { choices: ['jira'] },
      { deviceId: newDeviceId(), address: '192.0.2.7', userAgent: 'vitest' },
      'api',
    );
    // Let the use case read the open poll and queue its vote (microtasks only: the group is written
    // at the next turn of the event loop), then close it before the group is written.
    for (let tick = 0; tick < 100 && store.queuedVotes() === 0; tick++) await Promise.resolve();
    expect(store.queuedVotes()).toBe(1);
    await updatePoll(store, poll.slug, { status: 'closed' }, NOW);
    await expect(cast).rejects.toMatchObject({ code: 'poll_closed' });
    expect(count('select count(*) as n from votes')).toBe(0);
  });

  it('given another duplicate policy: the queued vote is checked again under it', async () => {
    const poll = await profiledPoll('policy', { duplicatePolicy: 'none' });
    const queued = store.recordVote(ballot(poll, 0));
    await updatePoll(store, poll.slug, { duplicatePolicy: 'device' }, NOW);
    expect((await queued).outcome).toBe('stale_options');
    expect(count('select count(*) as n from votes')).toBe(0);
  });
});

describe('a group whose transaction fails as a whole', () => {
  /** Starts `n` votes together and waits for every one to settle. */
  const group = (votes: PollStore, poll: PollRecord, n: number, extra: Partial<VoteToRecord> = {}) =>
    Promise.allSettled(
      Array.from({ length: n }, (_, i): Promise<RecordOutcome> => votes.recordVote(ballot(poll, i % 3, extra))),
    );

  it('rolled back by SQLite itself mid-group: every vote is rejected, none stored, none written after it', async () => {
    const poll = await profiledPoll('rolled-back', { duplicatePolicy: 'none' });
    // raise(rollback) ends the whole transaction from inside one vote's savepoint.
    t.db.$client.exec(
      `create trigger roll_back before insert on other_answers when new.text = 'rollback'
       begin select raise(rollback, 'rolled back by the test'); end`,
    );
    const before = store.voteCommits();
    const settled = await Promise.allSettled([
      store.recordVote(ballot(poll, 0)),
      store.recordVote(ballot(poll, 1, { otherText: 'rollback' })),
      store.recordVote(ballot(poll, 2)),
      store.recordVote(ballot(poll, 0)),
    ]);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(store.voteCommits()).toEqual(before);
    expect(t.db.$client.inTransaction).toBe(false);
    expect(count('select count(*) n from votes')).toBe(0);
    expect((await store.findPoll(poll.slug))!.responseCount).toBe(0);
    // The connection is sound: the next group commits.
    expect((await store.recordVote(ballot(poll, 0))).outcome).toBe('recorded');
    expect(await store.recount(false)).toEqual([]);
  });

  it('on a database that may not write: every vote answers storage_unavailable, none stored', async () => {
    const health = new StorageHealth(() => {});
    const { store: guarded } = createSqliteStores(t.db, health);
    const poll = await profiledPoll('read-only', { duplicatePolicy: 'none' });
    t.db.$client.pragma('query_only = ON');
    const settled = await group(guarded, poll, 20);
    t.db.$client.pragma('query_only = OFF');
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toMatchObject({ code: 'storage_unavailable' });
    }
    expect(health.state.ok).toBe(false);
    expect(count('select count(*) n from votes')).toBe(0);
    expect((await guarded.recordVote(ballot(poll, 1))).outcome).toBe('recorded');
    expect(health.state).toEqual({ ok: true });
  });

  it('on a full database: every vote of the group answers storage_unavailable, nothing half-written', async () => {
    const health = new StorageHealth(() => {});
    const { store: guarded } = createSqliteStores(t.db, health);
    const poll = await profiledPoll('full', { duplicatePolicy: 'none' });
    expect((await guarded.recordVote(ballot(poll, 0))).outcome).toBe('recorded');
    // The database may not grow past its size now: the group's first votes fit in the pages it
    // has, the later ones (long device keys) need new pages and fail with SQLITE_FULL.
    t.db.$client.pragma(`max_page_count = ${t.db.$client.pragma('page_count', { simple: true }) as number}`);
    const settled = await Promise.allSettled([
      ...Array.from({ length: 3 }, () => guarded.recordVote(ballot(poll, 1))),
      ...Array.from({ length: 60 }, () => guarded.recordVote(ballot(poll, 2, { deviceKey: 'x'.repeat(400) }))),
    ]);
    expect(settled).toHaveLength(63);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toMatchObject({ code: 'storage_unavailable' });
    }
    expect(health.state).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_FULL\b/) });
    expect(t.db.$client.inTransaction).toBe(false);
    expect(count('select count(*) n from votes')).toBe(1);
    expect((await guarded.findPoll(poll.slug))!.responseCount).toBe(1);
    t.db.$client.pragma('max_page_count = 1073741823');
    expect(await guarded.recount(false)).toEqual([]);
    expect(t.db.$client.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});
