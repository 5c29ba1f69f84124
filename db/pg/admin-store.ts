/**
 * The PostgreSQL AdminStore: admin sessions, the audit trail, the vote log and the write-in
 * answers — as db/sqlite-admin-store.ts keeps them in SQLite. Text is ordered by collation "C"
 * (bytes, as SQLite's BINARY), whatever the database's locale.
 */
import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { AdminStore, VoteLogEntry } from '../../src/lib/store';
import type { PgDb } from './client';
import { decodedRanking } from './poll-reads';
import { adminSessions, auditLog } from './schema';

interface VoteLogRow {
  id: number;
  createdAt: number;
  source: string;
  quarantined: boolean;
  ranked: string[] | null;
  chosen: string[];
}

export function createPgAdminStore(db: PgDb): AdminStore {
  return {
    async createSession(tokenHash, createdAt, expiresAt) {
      await db.insert(adminSessions).values({ tokenHash, createdAt, expiresAt });
    },

    async findSession(tokenHash, now) {
      const [row] = await db
        .select({ createdAt: adminSessions.createdAt, expiresAt: adminSessions.expiresAt })
        .from(adminSessions)
        .where(and(eq(adminSessions.tokenHash, tokenHash), gt(adminSessions.expiresAt, now)));
      return row ?? null;
    },

    async deleteSession(tokenHash) {
      await db.delete(adminSessions).where(eq(adminSessions.tokenHash, tokenHash));
    },

    async deleteExpiredSessions(now) {
      await db.delete(adminSessions).where(lte(adminSessions.expiresAt, now));
    },

    async auditFor(pollSlug) {
      return db
        .select({
          at: auditLog.at,
          actor: auditLog.actor,
          action: auditLog.action,
          pollSlug: auditLog.pollSlug,
          details: auditLog.details,
        })
        .from(auditLog)
        .where(eq(auditLog.pollSlug, pollSlug))
        .orderBy(desc(auditLog.at), desc(auditLog.id));
    },

    async voteLogPage(pollId, after, limit) {
      // The page of votes by the votes_poll_created index ((created_at, id) as a range seek), then
      // each vote's choices: LIMIT counts votes, not choice rows, and a vote always makes an
      // entry, so a page is short only at the end of the log. A ranked ballot lists its whole
      // order, most preferred first; any other its choices in option order.
      const { rows } = await db.execute<Record<string, unknown>>(sql`
        select v.id, v.created_at as "createdAt", v.source, v.quarantine_id is not null as quarantined,
          (select ${decodedRanking(sql`r.ranking`, pollId)} from vote_rankings r where r.vote_id = v.id) as ranked,
          array(
            select o.key from vote_choices c join poll_options o on o.id = c.option_id
            where c.vote_id = v.id order by o.position
          ) as chosen
        from votes v
        where v.poll_id = ${pollId}
          ${after ? sql`and (v.created_at, v.id) > (${after.createdAt}::bigint, ${after.id}::int)` : sql``}
        order by v.created_at, v.id
        limit ${limit}`);
      return (rows as unknown as VoteLogRow[]).map((row): VoteLogEntry => ({
        id: row.id,
        createdAt: row.createdAt,
        source: row.source,
        choices: row.ranked ?? row.chosen,
        quarantined: row.quarantined,
      }));
    },

    async otherAnswerGroups(pollId) {
      // Per group, how it was most often written (ties: the first in byte order), to show the
      // owner a real answer, not a folded one. Write-ins have no tally to uncount: the vote is
      // joined and quarantined ones are left out.
      const { rows } = await db.execute<{ normalized: string; text: string; count: number }>(sql`
        with spellings as (
          select a.normalized, a.text, count(*)::int as n
          from other_answers a join votes v on v.id = a.vote_id and v.quarantine_id is null
          where a.poll_id = ${pollId}
          group by a.normalized, a.text
        )
        select normalized, (array_agg(text order by n desc, text collate "C"))[1] as text, sum(n)::int as count
        from spellings
        group by normalized
        order by count desc, normalized collate "C"`);
      return rows.map(({ normalized, text, count }) => ({ normalized, text, count }));
    },

    async otherAnswers(pollId) {
      const { rows } = await db.execute<{ createdAt: number; text: string }>(sql`
        select v.created_at as "createdAt", a.text
        from other_answers a join votes v on v.id = a.vote_id and v.quarantine_id is null
        where a.poll_id = ${pollId}
        order by v.created_at, v.id`);
      return rows.map(({ createdAt, text }) => ({ createdAt, text }));
    },
  };
}
