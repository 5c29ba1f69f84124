/**
 * Votes into PostgreSQL: each vote is ONE transaction (retried on a serialization failure or a
 * deadlock) that first locks its poll's row — so the votes of one poll are written one at a time
 * while votes of other polls run side by side — then decides, in SQLite's order
 * (db/sqlite-votes.ts): the rules and options it was checked against still hold (else
 * `stale_options`: rolled back), none of its duplicate-policy locks is taken (else `duplicate`,
 * counted in `duplicate_count`), its network prefix has budget left this hour (else
 * `over_budget`, counted as refused). Read after the poll's row lock is held, these checks cannot
 * race another vote of the poll, so a refused vote needs no savepoint: its refusal count and the
 * undoing of its option tallies are one statement. A recorded vote writes its rows, tallies,
 * locks (a person's into the poll's sorted lock array, naming no vote) and its prefix's
 * `votes + 1` in one statement (db/pg/counted-votes.ts), then reads the poll as it now is.
 * Round trips of a recorded vote: BEGIN, lock, check (+ options), write, read, COMMIT.
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
   * Locks the poll's row, then (the next statement: a statement's snapshot is taken before it waits
   * for a row lock, so reads in the locking statement could miss what the vote holding the lock
   * just committed) counts the ballot's options `+ 1` and reads what the vote is checked against.
   * null: no such poll.
   */
  const lockPoll = async (tx: PgTx, vote: VoteToRecord, hour: number): Promise<PollState | null> => {
    const locked = await tx.execute(sql`select id from polls where id = ${int(vote.pollId)} for update`);
    if (locked.rows.length === 0) return null;
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

  /** Undoes the option tallies lockPoll counted: the vote is refused after all. */
  const uncountOptions = (vote: VoteToRecord) =>
    sql`uncounted as (update poll_options set votes = votes - 1
      where poll_id = ${int(vote.pollId)} and id = any(${ints(vote.optionIds)}))`;

  /** One attempt at the vote, in one transaction; a Stale or LockRace thrown rolls it all back. */
  const attempt = (vote: VoteToRecord) =>
    inTransaction(db, async (tx): Promise<RecordOutcome> => {
      const hour = Math.floor(vote.createdAt / HOUR_MS);
      const poll = await lockPoll(tx, vote, hour);
      // The ballot was checked against rules read before this transaction; an edit in between (an
      // option rule, or the poll closed or given another policy) means checking it again —
      // castVote then refuses it as the poll now is. Nothing of it stays (the options counted).
      const checked = vote.checkedAgainst;
      if (
        !poll ||
        (Object.keys(checked) as (keyof VoteRules)[]).some((field) => poll[field] !== checked[field]) ||
        poll.matching !== vote.optionIds.length
      )
        throw new StaleOptions();
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
      // The poll as this vote left it, read in the transaction: the caller answers with it.
      return { outcome: 'recorded', poll: (await readPollAfter(tx, vote.pollId))! };
    });

  return {
    async recordVote(vote) {
      for (let tries = 1; ; tries++) {
        try {
          return await attempt(vote);
        } catch (error) {
          // Rolled back: the rules or options changed under the ballot; castVote checks it again.
          if (error instanceof StaleOptions) return { outcome: 'stale_options' };
          // Run again from the start: its checks now see the lock and refuse the vote as a duplicate.
          if (error instanceof LockRace && tries < 3) continue;
          throw error;
        }
      }
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
