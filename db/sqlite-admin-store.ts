/** The SQLite implementation of AdminStore: admin sessions, the audit trail, the vote log. */
import { and, asc, count, desc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { AdminStore, VoteLogEntry } from '../src/lib/store';
import type { Db } from './client';
import { pollRankingDecoder } from './rankings';
import { adminSessions, auditLog, otherAnswers, pollOptions, voteChoices, voteRankings, votes } from './schema';

/** Write-ins have no tally to uncount: their reads join the vote and leave quarantined ones out. */
const countedVote = and(eq(votes.id, otherAnswers.voteId), isNull(votes.quarantineId));

export function createSqliteAdminStore(db: Db): AdminStore {
  return {
    async createSession(tokenHash, createdAt, expiresAt) {
      db.insert(adminSessions).values({ tokenHash, createdAt, expiresAt }).run();
    },

    async findSession(tokenHash, now) {
      const row = db
        .select({ createdAt: adminSessions.createdAt, expiresAt: adminSessions.expiresAt })
        .from(adminSessions)
        .where(and(eq(adminSessions.tokenHash, tokenHash), gt(adminSessions.expiresAt, now)))
        .get();
      return row ?? null;
    },

    async deleteSession(tokenHash) {
      db.delete(adminSessions).where(eq(adminSessions.tokenHash, tokenHash)).run();
    },

    async deleteExpiredSessions(now) {
      db.delete(adminSessions).where(lte(adminSessions.expiresAt, now)).run();
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
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .all();
    },

    async voteLogPage(pollId, after, limit) {
      // The page of votes first, then their choices joined on: LIMIT counts votes, not choice
      // rows. (created_at, id) follows the votes_poll_created index (rowid is its last column),
      // so every page is a range seek; keying on id alone would sort the poll's votes per page.
      const page = db
        .select({ id: votes.id, createdAt: votes.createdAt, source: votes.source, quarantineId: votes.quarantineId })
        .from(votes)
        .where(
          and(
            eq(votes.pollId, pollId),
            after ? sql`(${votes.createdAt}, ${votes.id}) > (${after.createdAt}, ${after.id})` : undefined,
          ),
        )
        .orderBy(asc(votes.createdAt), asc(votes.id))
        .limit(limit)
        .as('page');
      // Left joins: a vote always makes an entry, so a page is short only at the end of the log.
      const rows = db
        .select({
          id: page.id,
          createdAt: page.createdAt,
          source: page.source,
          quarantineId: page.quarantineId,
          key: pollOptions.key,
          ranking: voteRankings.ranking,
        })
        .from(page)
        .leftJoin(voteChoices, eq(voteChoices.voteId, page.id))
        .leftJoin(pollOptions, eq(pollOptions.id, voteChoices.optionId))
        .leftJoin(voteRankings, eq(voteRankings.voteId, page.id))
        .orderBy(asc(page.createdAt), asc(page.id), asc(pollOptions.position))
        .all();
      const decode = pollRankingDecoder(db, pollId);
      const log: VoteLogEntry[] = [];
      for (const row of rows) {
        if (row.id !== log.at(-1)?.id) {
          // A ranked ballot lists its whole order, most preferred first.
          const ranked = row.ranking === null ? undefined : decode(row.ranking);
          log.push({
            id: row.id,
            createdAt: row.createdAt,
            source: row.source,
            choices: ranked ?? [],
            quarantined: row.quarantineId !== null,
          });
          if (ranked) continue;
        }
        if (row.key !== null && row.ranking === null) log.at(-1)!.choices.push(row.key);
      }
      return log;
    },

    async otherAnswerGroups(pollId) {
      const groups = db
        .select({ normalized: otherAnswers.normalized, count: count() })
        .from(otherAnswers)
        .innerJoin(votes, countedVote)
        .where(eq(otherAnswers.pollId, pollId))
        .groupBy(otherAnswers.normalized)
        .orderBy(desc(count()), asc(otherAnswers.normalized))
        .all();
      // How each group was most often written, to show the owner a real answer, not a folded one.
      const spellings = db
        .select({ normalized: otherAnswers.normalized, text: otherAnswers.text, count: count() })
        .from(otherAnswers)
        .innerJoin(votes, countedVote)
        .where(eq(otherAnswers.pollId, pollId))
        .groupBy(otherAnswers.normalized, otherAnswers.text)
        .orderBy(desc(count()), asc(otherAnswers.text))
        .all();
      const shown = new Map<string, string>();
      for (const s of spellings) if (!shown.has(s.normalized)) shown.set(s.normalized, s.text);
      return groups.map((g) => ({
        normalized: g.normalized,
        text: shown.get(g.normalized) ?? g.normalized,
        count: g.count,
      }));
    },

    async otherAnswers(pollId) {
      return db
        .select({ createdAt: votes.createdAt, text: otherAnswers.text })
        .from(otherAnswers)
        .innerJoin(votes, countedVote)
        .where(eq(otherAnswers.pollId, pollId))
        .orderBy(asc(votes.createdAt), asc(votes.id))
        .all();
    },
  };
}
