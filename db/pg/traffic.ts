/**
 * Traffic per network prefix digest and the quarantine of bursts, in PostgreSQL (as
 * db/sqlite-traffic.ts): a quarantine marks the votes (votes.quarantine_id) and takes them out of
 * every tally through the counted-vote code (db/pg/counted-votes.ts); restoring counts them in
 * again from their own rows. Each write is one transaction with its audit row, holding the poll's
 * row lock first, as a vote does, so it never interleaves with a vote of the poll.
 */
import { sql } from 'drizzle-orm';
import type { AuditEntry, PrefixHour, QuarantineOutcome, QuarantineRecord, TrafficStore } from '../../src/lib/store';
import type { PgDb, PgTx } from './client';
import { createPgCountedVotes } from './counted-votes';
import { inTransaction } from './retry';

const int = (value: number) => sql`${value}::int`;
const ints = (values: readonly number[]) => sql`${sql.param([...values])}::int[]`;

const QUARANTINE_COLUMNS = sql`id, prefix_key as "prefixKey", from_at as "fromAt", to_at as "toAt", votes,
  created_at as "createdAt", restored_at as "restoredAt"`;

export function createPgTraffic(db: PgDb): TrafficStore {
  const counted = createPgCountedVotes();

  /** The poll's row, locked for the quarantine write; null: no such poll. */
  const lockPoll = async (tx: PgTx, pollId: number) => {
    const { rows } = await tx.execute<{ slug: string; surveyId: number | null }>(
      sql`select slug, survey_id as "surveyId" from polls where id = ${int(pollId)} for update`,
    );
    return rows[0] ?? null;
  };
  const readQuarantine = async (tx: PgTx, id: number) => {
    const { rows } = await tx.execute<QuarantineRecord & Record<string, unknown>>(
      sql`select ${QUARANTINE_COLUMNS} from quarantines where id = ${int(id)}`,
    );
    return rows[0]!;
  };
  const writeAudit = (tx: PgTx, now: number, slug: string, entry: AuditEntry) =>
    tx.execute(sql`insert into audit_log (at, actor, action, poll_slug, details)
      values (${now}::bigint, ${entry.actor}, ${entry.action}, ${slug}, ${entry.details ?? ''})`);
  /** Marks the votes (null: unmarks them) and moves the poll's quarantined count by `change`. */
  const mark = async (tx: PgTx, pollId: number, voteIds: number[], quarantineId: number | null, change: number) => {
    await tx.execute(sql`with marked as (
        update votes set quarantine_id = ${quarantineId}::int where id = any(${ints(voteIds)})
      )
      update polls set quarantined_count = quarantined_count + ${int(change)} where id = ${int(pollId)}`);
  };

  return {
    async trafficOf(pollId, fromHour, toHour) {
      // Prefix digests in byte order, as SQLite sorts them, whatever the database's collation.
      const { rows } = await db.execute<PrefixHour & Record<string, unknown>>(sql`
        select prefix_key as "prefixKey", hour, votes, refused from prefix_hour_tallies
        where poll_id = ${int(pollId)} and hour between ${int(fromHour)} and ${int(toHour)}
        order by hour, prefix_key collate "C"`);
      return rows;
    },

    async quarantineBurst(pollId, prefixKey, fromAt, toAt, now, entry): Promise<QuarantineOutcome> {
      return inTransaction(db, async (tx): Promise<QuarantineOutcome> => {
        const poll = await lockPoll(tx, pollId);
        if (!poll) return { outcome: 'not_found' };
        if (poll.surveyId !== null) return { outcome: 'survey_question' };
        // The votes_poll_prefix index (poll, prefix, time) finds them without touching other votes.
        const { rows } = await tx.execute<{ id: number }>(sql`
          select id from votes where poll_id = ${int(pollId)} and prefix_key = ${prefixKey}
          and created_at >= ${fromAt}::bigint and created_at < ${toAt}::bigint and quarantine_id is null order by id`);
        const ids = rows.map((row) => row.id);
        if (ids.length === 0) return { outcome: 'empty' };
        const inserted = await tx.execute<{ id: number }>(sql`
          insert into quarantines (poll_id, prefix_key, from_at, to_at, votes, created_at)
          values (${int(pollId)}, ${prefixKey}, ${fromAt}::bigint, ${toAt}::bigint, ${int(ids.length)}, ${now}::bigint)
          returning id`);
        const id = inserted.rows[0]!.id;
        await mark(tx, pollId, ids, id, ids.length);
        await counted.uncountAll(tx, ids, now);
        await writeAudit(tx, now, poll.slug, entry);
        return { outcome: 'done', quarantine: await readQuarantine(tx, id), pollSlug: poll.slug };
      });
    },

    async restoreQuarantine(pollId, quarantineId, now, entry): Promise<QuarantineOutcome> {
      return inTransaction(db, async (tx): Promise<QuarantineOutcome> => {
        const poll = await lockPoll(tx, pollId);
        if (!poll) return { outcome: 'not_found' };
        const active = await tx.execute(sql`select id from quarantines
          where id = ${int(quarantineId)} and poll_id = ${int(pollId)} and restored_at is null`);
        if (active.rows.length === 0) return { outcome: 'not_found' };
        const { rows } = await tx.execute<{ id: number }>(
          sql`select id from votes where quarantine_id = ${int(quarantineId)} order by id`,
        );
        const ids = rows.map((row) => row.id);
        await mark(tx, pollId, ids, null, -ids.length);
        await counted.countInAll(tx, ids, now);
        await tx.execute(sql`update quarantines set restored_at = ${now}::bigint where id = ${int(quarantineId)}`);
        await writeAudit(tx, now, poll.slug, entry);
        return { outcome: 'done', quarantine: await readQuarantine(tx, quarantineId), pollSlug: poll.slug };
      });
    },

    async quarantinesOf(pollId) {
      const { rows } = await db.execute<
        QuarantineRecord & Record<string, unknown>
      >(sql`select ${QUARANTINE_COLUMNS} from quarantines
        where poll_id = ${int(pollId)} order by created_at desc, id desc`);
      return rows;
    },

    async countedVotesIn(pollId, prefixKey, fromAt, toAt) {
      const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from votes
        where poll_id = ${int(pollId)} and prefix_key = ${prefixKey} and created_at >= ${fromAt}::bigint
        and created_at < ${toAt}::bigint and quarantine_id is null`);
      return rows[0]!.n;
    },
  };
}
