/**
 * Votes into SQLite, committed in groups. recordVote queues the vote; the first vote queued in
 * an event-loop turn schedules a flush (setImmediate), which writes every vote queued by then in
 * ONE BEGIN IMMEDIATE transaction, each vote in its own SAVEPOINT: the vote, its choices, its
 * duplicate-policy locks and the tally increments (`votes = votes + 1`, never read-modify-write).
 * A vote refused (duplicate, stale ballot) or failing on its own rolls back to its savepoint and
 * refuses only itself. Every vote is answered only after the group's COMMIT returned (one fsync
 * for the group under synchronous=FULL); when the transaction fails as a whole (disk full,
 * read-only, I/O error) every vote of the group is rejected with that error and nothing of it
 * is stored. While a COMMIT's fsync blocks the event loop, new requests wait in the kernel; the
 * next turn reads them all and they become the next group — no timer adds latency.
 */
// The check phase of the event loop itself (right after the poll phase has read every request that
// arrived): imported, not the global, so a test's fake clock cannot hold a vote's commit back.
import { setImmediate } from 'node:timers';
import {
  HOUR_MS,
  isPersonLock,
  secondsToHourEnd,
  type PollStore,
  type RecordOutcome,
  type VoteRules,
  type VoteToRecord,
} from '../src/lib/store';
import type { PollRecord } from '../src/lib/types';
import type { Db } from './client';
import { rankingDecoder } from './rankings';
import { createCountedVotes, StaleOptions } from './sqlite-counted-votes';
import { storageFailureOf } from './storage-errors';

const IMMEDIATE = { behavior: 'immediate' } as const;

/** The most votes one transaction writes; the rest wait for the next flush (in the next turn). */
export const MAX_VOTE_GROUP = 256;

/** Thrown inside a vote's savepoint to roll the vote back as a duplicate. */
class Duplicate extends Error {
  constructor() {
    super('duplicate');
  }
}

/** Thrown inside a vote's savepoint to roll the vote back: its prefix's address budget for the hour is spent. */
class OverBudget extends Error {
  constructor() {
    super('over_budget');
  }
}

/** How many vote transactions were committed, and how many votes (of any outcome) they held. */
export interface VoteCommits {
  transactions: number;
  votes: number;
}

/** A queued vote and the promise recordVote returned for it. */
interface Pending {
  vote: VoteToRecord;
  resolve(outcome: RecordOutcome): void;
  reject(error: unknown): void;
}

/** What one vote of a group came to, before the group's COMMIT decides whether it stands. */
type Written = 'recorded' | 'duplicate' | 'stale_options' | 'over_budget' | { error: unknown };

/** `findById` reads a poll with its options on the same connection (inside the transaction here). */
export function createSqliteVoteWrites(
  db: Db,
  findById: (id: number) => PollRecord | null,
): Pick<PollStore, 'recordVote' | 'importVotes' | 'hasDeviceVoted' | 'deviceVoteChoices' | 'hasPersonLock'> & {
  voteCommits(): VoteCommits;
  /** Votes waiting for their group's transaction now. */
  queuedVotes(): number;
  /** Writes every queued vote now (before the connection closes), group by group. */
  flushVotes(): void;
} {
  const counted = createCountedVotes(db);
  const client = db.$client;
  const deviceVote = client.prepare<[number, string], { id: number }>(
    'select id from votes where poll_id = ? and device_key = ? limit 1',
  );
  // The newest vote of this device key (several only under the `none` policy), by the
  // votes_poll_device index; its choices by the vote_choices primary key.
  const newestVote = 'select id from votes where poll_id = ? and device_key = ? order by id desc limit 1';
  const deviceChoices = client.prepare<[number, string], { key: string }>(
    `select o.key from vote_choices c join poll_options o on o.id = c.option_id
     where c.vote_id = (${newestVote}) order by o.position`,
  );
  // A ranked ballot's whole order (its first choice alone is in vote_choices).
  const deviceRanking = client.prepare<[number, string], { ranking: string }>(
    `select ranking from vote_rankings where vote_id = (${newestVote})`,
  );
  const optionKeys = client.prepare<[number], { id: number; key: string }>(
    'select id, key from poll_options where poll_id = ?',
  );

  // With the rules, the address budget as it is now (in this transaction): an owner's change
  // applies to the very next vote, and no vote is checked against a budget read before it.
  const rulesOf = client.prepare<[number], VoteRules & { votesPerHour: number | null }>(
    `select type, min_choices as minChoices, max_choices as maxChoices, status, opens_at as opensAt,
       closes_at as closesAt, duplicate_policy as duplicatePolicy,
       json_extract(address_budget, '$.votesPerHour') as votesPerHour from polls where id = ?`,
  );
  // The prefix's accepted votes this hour, `+ 1` only while under the budget (no budget: always):
  // the row's primary key and the conditional update decide in this transaction, so votes of one
  // group from one prefix cannot all read "one left". No change means the budget is spent.
  const spendBudget = client.prepare<[number, string, number, number | null, number | null]>(
    `insert into prefix_hour_tallies (poll_id, prefix_key, hour, votes) values (?, ?, ?, 1)
     on conflict (poll_id, prefix_key, hour) do update set votes = votes + 1
     where ? is null or votes < ?`,
  );
  const countRefused = client.prepare<[number, string, number]>(
    `insert into prefix_hour_tallies (poll_id, prefix_key, hour, refused) values (?, ?, ?, 1)
     on conflict (poll_id, prefix_key, hour) do update set refused = refused + 1`,
  );
  const lock = client.prepare<[number, string, number]>(
    'insert into vote_locks (poll_id, lock_key, vote_id) values (?, ?, ?) on conflict do nothing',
  );
  // A person's lock names no vote (db/schema.ts personLocks): the secret and a staff list must
  // not lead from a colleague's key to their ballot.
  const personLock = client.prepare<[number, string]>(
    'insert into person_locks (poll_id, lock_key) values (?, ?) on conflict do nothing',
  );
  const personLocked = client.prepare<[number, string], { one: number }>(
    'select 1 as one from person_locks where poll_id = ? and lock_key = ?',
  );
  const countDuplicate = client.prepare<[number]>(
    'update polls set duplicate_count = duplicate_count + 1 where id = ?',
  );
  const tx = {
    begin: client.prepare('begin immediate'),
    commit: client.prepare('commit'),
    rollback: client.prepare('rollback'),
    savepoint: client.prepare('savepoint vote'),
    release: client.prepare('release vote'),
    rollbackTo: client.prepare('rollback to vote'),
  };

  /** One vote, inside its savepoint: recorded or refused; throws Duplicate or StaleOptions to roll it back. */
  const writeVote = (vote: VoteToRecord): 'recorded' | 'stale_options' => {
    // The ballot was checked against rules read before this transaction; an edit in between (an
    // option rule, or the poll closed or given another policy while the vote was queued) means
    // checking it again — castVote then refuses it as the poll now is.
    const rules = rulesOf.get(vote.pollId);
    const checked = vote.checkedAgainst;
    if (!rules || (Object.keys(checked) as (keyof VoteRules)[]).some((field) => rules[field] !== checked[field]))
      return 'stale_options';
    const voteId = counted.insert(vote);
    // The lock's primary key decides, in this transaction: no check-then-insert race, and a
    // second vote with the same key in the same group sees the first one's lock.
    for (const lockKey of vote.lockKeys) {
      const taken = isPersonLock(lockKey)
        ? personLock.run(vote.pollId, lockKey)
        : lock.run(vote.pollId, lockKey, voteId);
      if (taken.changes === 0) throw new Duplicate();
    }
    // After the locks: a duplicate is refused as one and spends nothing of the budget.
    if (vote.prefixKey) {
      const hour = Math.floor(vote.createdAt / HOUR_MS);
      const budget = rules.votesPerHour;
      if (spendBudget.run(vote.pollId, vote.prefixKey, hour, budget, budget).changes === 0) throw new OverBudget();
    }
    return 'recorded';
  };

  /** One vote in its own savepoint; throws only what must fail the whole group. */
  const writeInSavepoint = (vote: VoteToRecord): Written => {
    tx.savepoint.run();
    try {
      const written = writeVote(vote);
      tx.release.run();
      return written;
    } catch (error) {
      // The storage failing (full, read-only, I/O) fails every vote of the group; so does an
      // error after which SQLite rolled the whole transaction back by itself — running the next
      // votes now would write them outside any transaction.
      if (!client.inTransaction || storageFailureOf(error)) throw error;
      tx.rollbackTo.run();
      tx.release.run();
      if (error instanceof StaleOptions) return 'stale_options';
      if (error instanceof OverBudget) {
        // Counted as refused by the budget, in the same transaction, after its own writes were undone.
        countRefused.run(vote.pollId, vote.prefixKey!, Math.floor(vote.createdAt / HOUR_MS));
        return 'over_budget';
      }
      if (!(error instanceof Duplicate)) return { error };
      // The refused attempt is counted, in the same transaction, after its own writes were undone.
      countDuplicate.run(vote.pollId);
      return 'duplicate';
    }
  };

  let queue: Pending[] = [];
  let scheduled = false;
  const commits: VoteCommits = { transactions: 0, votes: 0 };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  /** Writes the queued votes (up to MAX_VOTE_GROUP) in one transaction; answers them after its COMMIT. */
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return; // flushVotes (at close) wrote them already
    const group = queue.length > MAX_VOTE_GROUP ? queue.slice(0, MAX_VOTE_GROUP) : queue;
    queue = queue.length > MAX_VOTE_GROUP ? queue.slice(MAX_VOTE_GROUP) : [];
    if (queue.length > 0) schedule();
    const written: Written[] = [];
    const after = new Map<number, PollRecord>();
    try {
      tx.begin.run();
      for (const { vote } of group) written.push(writeInSavepoint(vote));
      // Each poll as the group left it, read once, in the transaction: the caller answers its
      // vote with these tallies without reading again.
      group.forEach(({ vote }, i) => {
        if (written[i] === 'recorded' && !after.has(vote.pollId)) after.set(vote.pollId, findById(vote.pollId)!);
      });
      tx.commit.run();
    } catch (error) {
      // Nothing of the group stands: undo what SQLite has not undone itself (a failed COMMIT,
      // e.g. SQLITE_BUSY, leaves the transaction open).
      try {
        if (client.inTransaction) tx.rollback.run();
      } catch {
        // The connection itself is gone (closed, I/O): there is nothing left to undo on it.
      }
      for (const pending of group) pending.reject(error);
      return;
    }
    commits.transactions += 1;
    commits.votes += group.length;
    group.forEach((pending, i) => {
      const outcome = written[i]!;
      if (outcome === 'recorded') pending.resolve({ outcome, poll: after.get(pending.vote.pollId)! });
      else if (outcome === 'over_budget')
        pending.resolve({ outcome, retryAfterSeconds: secondsToHourEnd(pending.vote.createdAt) });
      else if (typeof outcome === 'string') pending.resolve({ outcome });
      else pending.reject(outcome.error);
    });
  };

  return {
    recordVote(vote: VoteToRecord) {
      return new Promise<RecordOutcome>((resolve, reject) => {
        queue.push({ vote, resolve, reject });
        schedule();
      });
    },

    voteCommits: () => ({ ...commits }),
    queuedVotes: () => queue.length,

    flushVotes() {
      while (queue.length > 0) flush();
    },

    async importVotes(pollId, batch) {
      db.transaction(() => {
        for (const vote of batch) {
          counted.insert({
            pollId,
            optionIds: vote.optionIds,
            createdAt: vote.createdAt,
            source: vote.source,
            deviceKey: null,
            profile: vote.profile ?? {},
            ranking: vote.ranking ?? null,
            otherText: vote.otherText ?? null,
          });
        }
      }, IMMEDIATE);
    },

    async hasPersonLock(pollId, lockKey) {
      return personLocked.get(pollId, lockKey) !== undefined;
    },
    async hasDeviceVoted(pollId, deviceKey) {
      return deviceVote.get(pollId, deviceKey) !== undefined;
    },
    async deviceVoteChoices(pollId, deviceKey) {
      if (deviceVote.get(pollId, deviceKey) === undefined) return null;
      const ranked = deviceRanking.get(pollId, deviceKey);
      if (ranked) return rankingDecoder(optionKeys.all(pollId))(ranked.ranking);
      return deviceChoices.all(pollId, deviceKey).map((row) => row.key);
    },
  };
}
