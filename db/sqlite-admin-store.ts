/** The SQLite implementation of AdminStore: admin sessions, the audit trail, the vote log. */
import { and, asc, desc, eq, gt, lte } from 'drizzle-orm';
import type { AdminStore } from '../src/lib/store';
import type { Db } from './client';
import { adminSessions, auditLog, pollOptions, voteChoices, votes } from './schema';

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

    async voteLog(pollId) {
      const rows = db
        .select({ id: votes.id, createdAt: votes.createdAt, source: votes.source, key: pollOptions.key })
        .from(votes)
        .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
        .innerJoin(pollOptions, eq(pollOptions.id, voteChoices.optionId))
        .where(eq(votes.pollId, pollId))
        .orderBy(asc(votes.createdAt), asc(votes.id), asc(pollOptions.position))
        .all();
      const log: { createdAt: number; source: string; choices: string[] }[] = [];
      let lastId = -1;
      for (const row of rows) {
        if (row.id !== lastId) log.push({ createdAt: row.createdAt, source: row.source, choices: [] });
        log.at(-1)!.choices.push(row.key);
        lastId = row.id;
      }
      return log;
    },
  };
}
