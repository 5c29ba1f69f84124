/**
 * Votes into PostgreSQL. The votes of one poll that arrive together are written in ONE
 * transaction (a group, retried whole on a serialization failure or a deadlock) that first locks
 * the poll's row — so the votes of one poll are written one group at a time, across instances too,
 * while votes of other polls run side by side. Each vote of the group then decides, in SQLite's
 * order (db/sqlite-votes.ts): the rules and options it was checked against still hold (else
 * `stale_options`), none of its duplicate-policy locks is taken (else `duplicate`, counted in
 * `duplicate_count`), its network prefix has budget left this hour (else `over_budget`, counted
 * as refused). Read after the poll's row lock is held, these checks cannot race another vote,
 * and they see the votes written before them in the group; so a refused vote needs no savepoint:
 * its refusal count and the undoing of its option tallies are one statement. A recorded vote
 * writes its rows, tallies, locks (a person's into the poll's sorted lock array, naming no vote)
 * and its prefix's `votes + 1` in one statement (db/pg/counted-votes.ts); the poll is read once
 * for the group. Round trips: BEGIN, lock, per vote check (+ options) and write, read, COMMIT.
 */
import { eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import {
  HOUR_MS,
  isPersonLock,
  secondsToHourEnd,
  type PollStore,
  type RecordOutcome,
  type VoteRules,
  type VoteToRecord,
} from '../../src/lib/store';
import type { PollRecord } from '../../src/lib/types';
import { toRecord } from '../sqlite-store';
import type { PgDb, PgTx } from './client';
import { countOptions, createPgCountedVotes, StaleOptions } from './counted-votes';
import { inTransaction } from './retry';
import { polls, type pollOptions } from './schema';

/** How long a group waits for its poll's row lock before its votes are answered 503. */
const LOCK_WAIT_MS = 5000;
/** How long a vote may wait in memory for its group's turn before it is answered 503. */
const MAX_QUEUE_WAIT_MS = 10_000;

/** Votes of one poll written in one transaction at most (as SQLite's MAX_VOTE_GROUP). */
export const MAX_PG_VOTE_GROUP = 256;

/** A lock the checks found free was taken when written: impossible under the poll's row lock, but then the vote is run again. */
class LockRace extends Error {
  constructor() {
    super('lock_race');
  }
}

const int = (value: number) => sql`${value}::int`;
const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;
const ints = (values: readonly number[]) => sql`${sql.param([...values])}::int[]`;
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The poll's rules and the vote's checks, read under the poll's row lock. */
type PollState = VoteRules & {
  /** The address budget's accepted votes per prefix and hour; null: no budget. */
  votesPerHour: number | null;
  /** How many of the ballot's option ids are the poll's. */
  matching: number;
  /** Whether one of the vote's lock keys is taken already. */
  locked: boolean;
  /** The prefix's accepted votes this hour; null: no row yet (or no prefix). */
  spent: number | null;
};

/** The poll with its options in one statement (one round trip): what a recorded vote answers with. */
async function readPollAfter(tx: PgTx, pollId: number): Promise<PollRecord | null> {
  const [row] = await tx
    .select({
      ...getTableColumns(polls),
      options: sql<(typeof pollOptions.$inferSelect)[]>`coalesce((
        select json_agg(json_build_object(
          'id', o.id, 'pollId', o.poll_id, 'key', o.key, 'label', o.label, 'position', o.position,
          'exclusive', o.exclusive, 'rangeLow', o.range_low, 'rangeHigh', o.range_high, 'value', o.value,
          'other', o.other, 'votes', o.votes) order by o.position)
        from poll_options o where o.poll_id = polls.id), '[]'::json)`,
    })
    .from(polls)
    .where(eq(polls.id, pollId));
  if (!row) return null;
  const { options, ...poll } = row;
  return toRecord(poll, options);
}

export function createPgVoteWrites(db: PgDb): Pick<PollStore, 'recordVote' | 'importVotes'> {
  const counted = createPgCountedVotes();

  /**
   * With the poll's row locked (by the group, in an earlier statement: a statement's snapshot is
   * taken before it waits for a row lock, so reads in the locking statement could miss what the
   * group holding the lock just committed), counts the ballot's options `+ 1` and reads what the
   * vote is checked against. null: no such poll.
   */
  const checkVote = async (tx: PgTx, vote: VoteToRecord, hour: number): Promise<PollState | null> => {
    const keys = vote.lockKeys.filter((key) => !isPersonLock(key));
    const personKeys = vote.lockKeys.filter(isPersonLock);
    const { rows } = await tx.execute<PollState>(sql`
      with counted as (${countOptions(vote.pollId, vote.optionIds)})
      select p.type, p.min_choices as "minChoices", p.max_choices as "maxChoices", p.status,
        p.opens_at as "opensAt", p.closes_at as "closesAt", p.duplicate_policy as "duplicatePolicy",
        (p.address_budget ->> 'votesPerHour')::float8 as "votesPerHour",
        (select count(*) from counted)::int as matching,
        (exists (select 1 from vote_locks l where l.poll_id = p.id and l.lock_key = any(${texts(keys)}))
          or exists (select 1 from person_lock_sets s where s.poll_id = p.id and s.lock_keys && ${texts(personKeys)}))
          as locked,
        (select h.votes from prefix_hour_tallies h
          where h.poll_id = p.id and h.prefix_key = ${vote.prefixKey ?? null}::text and h.hour = ${int(hour)}) as spent
      from polls p where p.id = ${int(vote.pollId)}`);
    return rows[0] ?? null;
  };

  /**
   * The vote's locks and its prefix's `votes + 1`, as CTEs of the vote's own statement (they read
   * its id from `v`); the column `taken` counts the vote_locks rows written.
   */
  const lockWrites = (vote: VoteToRecord, hour: number) => {
    const keys = [...new Set(vote.lockKeys.filter((key) => !isPersonLock(key)))].sort(byCodeUnit);
    const personKeys = [...new Set(vote.lockKeys.filter(isPersonLock))].sort(byCodeUnit);
    const pollId = int(vote.pollId);
    const ctes: SQL[] = [
      sql`locks as (
        insert into vote_locks (poll_id, lock_key, vote_id)
        select ${pollId}, k.key, v.id from v, unnest(${texts(keys)}) with ordinality as k(key, n) order by k.n
        on conflict do nothing returning 1)`,
    ];
    // A person's lock names no vote: the key joins the poll's one sorted array.
    if (personKeys.length > 0)
      ctes.push(sql`person as (
        insert into person_lock_sets (poll_id, lock_keys) values (${pollId}, ${texts(personKeys)})
        on conflict (poll_id) do update set lock_keys = (
          select array_agg(distinct k order by k) from unnest(person_lock_sets.lock_keys || excluded.lock_keys) k))`);
    if (vote.prefixKey)
      ctes.push(sql`budget as (
        insert into prefix_hour_tallies (poll_id, prefix_key, hour, votes) values (${pollId}, ${vote.prefixKey}, ${int(hour)}, 1)
        on conflict (poll_id, prefix_key, hour) do update set votes = prefix_hour_tallies.votes + 1)`);
    return { ctes, columns: sql`(select count(*) from locks)::int as taken`, expected: keys.length };
  };

  /** Undoes the option tallies checkVote counted: the vote is refused after all. */
  const uncountOptions = (vote: VoteToRecord) =>
    sql`uncounted as (update poll_options set votes = votes - 1
      where poll_id = ${int(vote.pollId)} and id = any(${ints(vote.optionIds)}))`;

  /**
   * Decides and writes one vote inside its group's transaction, the poll's row already locked.
   * A refusal undoes what it counted and writes its refusal count, so it never touches the other
   * votes of the group; 'recorded' is completed with the poll once the group is written.
   */
  const decide = async (tx: PgTx, vote: VoteToRecord): Promise<RecordOutcome | 'recorded'> => {
    const hour = Math.floor(vote.createdAt / HOUR_MS);
    const poll = await checkVote(tx, vote, hour);
    // The ballot was checked against rules read before this transaction; an edit in between (an
    // option rule, or the poll closed or given another policy) means checking it again —
    // castVote then refuses it as the poll now is. Nothing of it stays (the options counted).
    const checked = vote.checkedAgainst;
    if (
      !poll ||
      (Object.keys(checked) as (keyof VoteRules)[]).some((field) => poll[field] !== checked[field]) ||
      poll.matching !== vote.optionIds.length
    ) {
      if (poll) await tx.execute(sql`with ${uncountOptions(vote)} select 1`);
      return { outcome: 'stale_options' };
    }
    // A lock taken (or the same key twice on one ballot, as SQLite's primary key would refuse it):
    // the refused attempt is counted, in this transaction.
    if (poll.locked || new Set(vote.lockKeys).size !== vote.lockKeys.length) {
      await tx.execute(sql`with ${uncountOptions(vote)}
        update polls set duplicate_count = duplicate_count + 1 where id = ${int(vote.pollId)}`);
      return { outcome: 'duplicate' };
    }
    // After the locks: a duplicate is refused as one and spends nothing of the budget.
    if (vote.prefixKey && poll.votesPerHour !== null && poll.spent !== null && poll.spent >= poll.votesPerHour) {
      await tx.execute(sql`with ${uncountOptions(vote)}
        insert into prefix_hour_tallies (poll_id, prefix_key, hour, refused)
        values (${int(vote.pollId)}, ${vote.prefixKey}, ${int(hour)}, 1)
        on conflict (poll_id, prefix_key, hour) do update set refused = prefix_hour_tallies.refused + 1`);
      return { outcome: 'over_budget', retryAfterSeconds: secondsToHourEnd(vote.createdAt) };
    }
    const locks = lockWrites(vote, hour);
    const written = await counted.writeVote<{ taken: number }>(tx, vote, locks);
    if (written.taken !== locks.expected) throw new LockRace();
    return 'recorded';
  };

  /**
   * Group commit, as SQLite's writer does (db/sqlite-votes.ts): the votes of one poll that arrive
   * while one of its transactions runs wait here, in memory, and are then written together in
   * ONE transaction — the poll's row locked once, each vote decided and written in turn (seeing
   * the ones before it), the poll read once, one COMMIT. None is answered before that commit;
   * a failure of the transaction fails every vote of the group (the storage guard answers 503),
   * and a conflict (serialization, deadlock) runs the whole group again. A hot poll then holds
   * one pooled connection, not all of them, and pays one lock hand-over and one commit per group.
   */
  const groups = new Map<
    number,
    {
      vote: VoteToRecord;
      done: (outcome: RecordOutcome) => void;
      fail: (error: unknown) => void;
      since: number;
      alone?: boolean;
    }[]
  >();

  const writeGroup = (pollId: number, group: VoteToRecord[]) =>
    inTransaction(db, async (tx): Promise<RecordOutcome[]> => {
      // A transaction stuck holding the poll (another instance paused mid-vote) must not hold
      // every voter of the poll for the statement timeout: 503 after a few seconds (55P03).
      await tx.execute(sql`select set_config('lock_timeout', ${`${LOCK_WAIT_MS}ms`}, true)`);
      const locked = await tx.execute(sql`select id from polls where id = ${int(pollId)} for update`);
      if (locked.rows.length === 0) return group.map(() => ({ outcome: 'stale_options' }));
      const decided: (RecordOutcome | 'recorded')[] = [];
      for (const vote of group) decided.push(await decide(tx, vote));
      if (!decided.includes('recorded')) return decided as RecordOutcome[];
      // The poll as the group left it, read in the transaction: the votes are answered with it.
      const poll = (await readPollAfter(tx, pollId))!;
      return decided.map((outcome) => (outcome === 'recorded' ? { outcome: 'recorded', poll } : outcome));
    });

  const drain = async (pollId: number) => {
    const waiting = groups.get(pollId)!;
    while (waiting.length > 0) {
      // A vote sent back to be written alone takes a group of its own.
      const taken = waiting[0]!.alone ? waiting.splice(0, 1) : waiting.splice(0, MAX_PG_VOTE_GROUP);
      // Votes that have waited here too long (groups ahead of them timed out on the row lock)
      // are answered 503 rather than kept waiting for yet another group's turn.
      const now = Date.now();
      const group = taken.filter((entry) => {
        if (now - entry.since <= MAX_QUEUE_WAIT_MS) return true;
        entry.fail(Object.assign(new Error('the poll stayed locked too long'), { code: '55P03' }));
        return false;
      });
      if (group.length === 0) continue;
      for (let tries = 1; ; tries++) {
        try {
          const outcomes = await writeGroup(
            pollId,
            group.map((entry) => entry.vote),
          );
          group.forEach((entry, i) => entry.done(outcomes[i]!));
          break;
        } catch (error) {
          // Run again from the start: its checks now see the lock and refuse the vote as a duplicate.
          if (error instanceof LockRace && tries < 3) continue;
          // A ballot the checks let through but the write found stale (not expected: the checks
          // count its options): the group was rolled back, so each vote goes again on its own.
          if (error instanceof StaleOptions) {
            if (group.length === 1) group[0]!.done({ outcome: 'stale_options' });
            else waiting.unshift(...group.map((entry) => ({ ...entry, alone: true })));
          } else for (const entry of group) entry.fail(error);
          break;
        }
      }
    }
    groups.delete(pollId);
  };

  return {
    recordVote(vote) {
      return new Promise<RecordOutcome>((done, fail) => {
        const waiting = groups.get(vote.pollId);
        if (waiting) {
          waiting.push({ vote, done, fail, since: Date.now() });
          return;
        }
        groups.set(vote.pollId, [{ vote, done, fail, since: Date.now() }]);
        void drain(vote.pollId);
      });
    },

    async importVotes(pollId, batch) {
      await inTransaction(db, async (tx) => {
        await tx.execute(sql`select id from polls where id = ${int(pollId)} for update`);
        await counted.importAll(
          tx,
          pollId,
          batch.map((vote) => ({
            pollId,
            optionIds: vote.optionIds,
            createdAt: vote.createdAt,
            source: vote.source,
            deviceKey: null,
            profile: vote.profile ?? {},
            ranking: vote.ranking ?? null,
            otherText: vote.otherText ?? null,
          })),
        );
      });
    },
  };
}
