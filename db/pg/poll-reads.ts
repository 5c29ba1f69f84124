/**
 * The poll reads of every request — the poll by slug, what a browser or a person already did in
 * it, a ranked poll's tallies — from PostgreSQL, each in one statement (one round trip), as
 * db/sqlite-poll-reads.ts, sqlite-votes.ts and sqlite-store.ts read them from SQLite.
 */
import { asc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PollStore } from '../../src/lib/store';
import type { PollRecord, StoredRanking } from '../../src/lib/types';
import { toRecord } from '../sqlite-store';
import type { PgDb } from './client';
import type { PgReader } from './records';
import { type pollOptions, polls } from './schema';

type OptionRow = typeof pollOptions.$inferSelect;

/** A poll's options in order, as one JSON array of option rows (the row itself in the same statement). */
const optionsJson = sql<OptionRow[]>`coalesce((
  select json_agg(json_build_object(
    'id', o.id, 'pollId', o.poll_id, 'key', o.key, 'label', o.label, 'position', o.position,
    'exclusive', o.exclusive, 'rangeLow', o.range_low, 'rangeHigh', o.range_high, 'value', o.value,
    'other', o.other, 'votes', o.votes) order by o.position)
  from poll_options o where o.poll_id = polls.id), '[]'::json)`;

/**
 * Polls with their options in ONE statement (one round trip, one snapshot: never a poll without
 * the options it had), by id; mapped by toRecord, as records.ts maps its two reads.
 */
export async function readPollsOnce(reader: PgReader, where?: SQL): Promise<PollRecord[]> {
  const rows = await reader
    .select({ ...getTableColumns(polls), options: optionsJson })
    .from(polls)
    .where(where)
    .orderBy(asc(polls.id));
  return rows.map(({ options, ...poll }) => toRecord(poll, options));
}

/** A poll by slug with its options: the read on every vote and results request. */
export const readPollBySlugOnce = async (reader: PgReader, slug: string): Promise<PollRecord | null> =>
  (await readPollsOnce(reader, eq(polls.slug, slug)))[0] ?? null;

/** A poll by id with its options. */
export const readPollByIdOnce = async (reader: PgReader, id: number): Promise<PollRecord | null> =>
  (await readPollsOnce(reader, eq(polls.id, id)))[0] ?? null;

/**
 * A stored ranking ("12,15,13": option ids, most preferred first) as an array of the poll's
 * option keys, in SQL — as rankingDecoder (db/rankings.ts) decodes it: an unknown id stays as it is.
 */
export const decodedRanking = (ranking: SQL, pollId: SQL | number): SQL => sql`array(
  select coalesce(o.key, r.id)
  from unnest(string_to_array(${ranking}, ',')) with ordinality as r(id, n)
  left join poll_options o on o.poll_id = ${pollId} and o.id::text = r.id
  order by r.n)`;

export function createPgPollReads(
  db: PgDb,
): Pick<PollStore, 'hasDeviceVoted' | 'hasPersonLock' | 'deviceVoteChoices' | 'rankingTallies'> {
  return {
    async hasDeviceVoted(pollId, deviceKey) {
      const { rows } = await db.execute<{ voted: boolean }>(
        sql`select exists (select 1 from votes where poll_id = ${pollId} and device_key = ${deviceKey}) as voted`,
      );
      return rows[0]!.voted;
    },

    async hasPersonLock(pollId, lockKey) {
      const { rows } = await db.execute<{ locked: boolean }>(
        sql`select exists (
          select 1 from person_lock_sets where poll_id = ${pollId} and ${lockKey}::text = any(lock_keys)
        ) as locked`,
      );
      return rows[0]!.locked;
    },

    async deviceVoteChoices(pollId, deviceKey) {
      // The newest vote of this device key (several only under the `none` policy), by the
      // votes_poll_device index; a ranked ballot's whole order, else its choices in option order.
      const { rows } = await db.execute<{ ranked: string[] | null; chosen: string[] }>(sql`
        with newest as (
          select id from votes where poll_id = ${pollId} and device_key = ${deviceKey} order by id desc limit 1
        )
        select
          (select ${decodedRanking(sql`r.ranking`, pollId)} from vote_rankings r where r.vote_id = newest.id) as ranked,
          array(
            select o.key from vote_choices c join poll_options o on o.id = c.option_id
            where c.vote_id = newest.id order by o.position
          ) as chosen
        from newest`);
      const [row] = rows;
      if (!row) return null;
      return row.ranked ?? row.chosen;
    },

    async rankingTallies(pollId): Promise<StoredRanking[]> {
      // Option ids, not keys, are stored; decoded with the poll's options. In the order of the
      // tallies' primary key, as SQLite reads them (byte order: collation "C").
      const { rows } = await db.execute<{ ranking: string[]; ballots: number }>(sql`
        select ${decodedRanking(sql`t.ranking`, pollId)} as ranking, t.ballots
        from ranking_tallies t where t.poll_id = ${pollId}
        order by t.ranking collate "C"`);
      return rows.map(({ ranking, ballots }) => ({ ranking, ballots }));
    },
  };
}
