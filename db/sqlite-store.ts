/**
 * The SQLite implementation of PollStore — the only module that talks to Drizzle.
 * Writes run in BEGIN IMMEDIATE transactions so a writer takes the lock before reading, and
 * tallies move with SQL increments (`votes = votes + 1`), never read-modify-write in JS.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { NewOption, PollFields, PollRecord } from '../src/lib/types';
import type { AuditEntry, PollStore, RecordOutcome, TallyDrift, VoteToRecord } from '../src/lib/store';
import type { Db } from './client';
import { recountTallies } from './recount';
import { auditLog, pollOptions, polls, settings, voteChoices, voteLocks, votes } from './schema';

const IMMEDIATE = { behavior: 'immediate' } as const;

/** Thrown inside a transaction to roll it back with a known outcome. */
class Rollback extends Error {
  constructor(readonly outcome: RecordOutcome | 'has_votes') {
    super(outcome);
  }
}

class SlugTaken extends Error {
  constructor(readonly slug: string) {
    super(slug);
  }
}

type PollRow = typeof polls.$inferSelect;
type OptionRow = typeof pollOptions.$inferSelect;

function toRecord(row: PollRow, options: OptionRow[]): PollRecord {
  return {
    ...row,
    options: options.map(({ id, key, label, position, votes }) => ({ id, key, label, position, votes })),
  };
}

export function createSqliteStore(db: Db): PollStore {
  // The reads on every vote and results request are prepared once, not rebuilt per call.
  const optionsOfPoll = db
    .select()
    .from(pollOptions)
    .where(eq(pollOptions.pollId, sql.placeholder('pollId')))
    .orderBy(asc(pollOptions.position))
    .prepare();
  const pollBySlug = db
    .select()
    .from(polls)
    .where(eq(polls.slug, sql.placeholder('slug')))
    .prepare();
  const pollById = db
    .select()
    .from(polls)
    .where(eq(polls.id, sql.placeholder('id')))
    .prepare();
  const deviceVote = db
    .select({ id: votes.id })
    .from(votes)
    .where(and(eq(votes.pollId, sql.placeholder('pollId')), eq(votes.deviceKey, sql.placeholder('deviceKey'))))
    .limit(1)
    .prepare();

  const optionsOf = (pollId: number) => optionsOfPoll.all({ pollId });

  const findById = (id: number): PollRecord | null => {
    const row = pollById.get({ id });
    return row ? toRecord(row, optionsOf(row.id)) : null;
  };

  const insertOptions = (tx: Pick<Db, 'insert'>, pollId: number, options: NewOption[]) =>
    tx
      .insert(pollOptions)
      .values(options.map((option, position) => ({ pollId, key: option.key, label: option.label, position })))
      .run();

  const insertAudit = (tx: Pick<Db, 'insert'>, pollSlug: string, at: number, audit: AuditEntry | undefined) => {
    if (audit)
      tx.insert(auditLog)
        .values({ at, pollSlug, actor: audit.actor, action: audit.action, details: audit.details ?? '' })
        .run();
  };

  /** Inserts one poll inside a transaction; null when its slug is taken. */
  const insertPoll = (
    tx: Pick<Db, 'insert'>,
    fields: PollFields,
    options: NewOption[],
    now: number,
    audit?: AuditEntry,
  ) => {
    const inserted = tx
      .insert(polls)
      .values({ ...fields, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: polls.slug })
      .returning({ id: polls.id })
      .get();
    if (!inserted) return null;
    insertOptions(tx, inserted.id, options);
    insertAudit(tx, fields.slug, now, audit);
    return inserted.id;
  };

  return {
    async listPolls() {
      const rows = db.select().from(polls).all();
      const options = db.select().from(pollOptions).orderBy(asc(pollOptions.position)).all();
      return rows.map((row) =>
        toRecord(
          row,
          options.filter((option) => option.pollId === row.id),
        ),
      );
    },

    async findPoll(slug) {
      const row = pollBySlug.get({ slug });
      return row ? toRecord(row, optionsOf(row.id)) : null;
    },

    async slugExists(slug) {
      return db.select({ id: polls.id }).from(polls).where(eq(polls.slug, slug)).get() !== undefined;
    },

    async createPoll(fields: PollFields, options, now, audit) {
      const id = db.transaction((tx) => insertPoll(tx, fields, options, now, audit), IMMEDIATE);
      return id === null ? 'slug_taken' : findById(id)!;
    },

    async createPolls(batch, now, audit) {
      try {
        const ids = db.transaction(
          (tx) =>
            batch.map(({ fields, options }) => {
              const id = insertPoll(tx, fields, options, now, audit);
              if (id === null) throw new SlugTaken(fields.slug);
              return id;
            }),
          IMMEDIATE,
        );
        return ids.map((id) => findById(id)!);
      } catch (error) {
        if (error instanceof SlugTaken) return { slugTaken: error.slug };
        throw error;
      }
    },

    async updatePoll(id, fields, { options, requireNoVotes, now, audit }) {
      try {
        const found = db.transaction((tx) => {
          const current = tx
            .select({ responses: polls.responseCount, slug: polls.slug })
            .from(polls)
            .where(eq(polls.id, id))
            .get();
          if (!current) return false;
          if ((requireNoVotes || options) && current.responses > 0) throw new Rollback('has_votes');
          tx.update(polls)
            .set({ ...fields, updatedAt: now })
            .where(eq(polls.id, id))
            .run();
          if (options) {
            tx.delete(pollOptions).where(eq(pollOptions.pollId, id)).run();
            insertOptions(tx, id, options);
          }
          insertAudit(tx, current.slug, now, audit);
          return true;
        }, IMMEDIATE);
        return found ? findById(id)! : 'not_found';
      } catch (error) {
        if (error instanceof Rollback && error.outcome === 'has_votes') return 'has_votes';
        throw error;
      }
    },

    async deletePoll(id, now, audit) {
      return db.transaction((tx) => {
        const deleted = tx.delete(polls).where(eq(polls.id, id)).returning({ slug: polls.slug }).get();
        if (deleted) insertAudit(tx, deleted.slug, now, audit);
        return deleted !== undefined;
      }, IMMEDIATE);
    },

    async recordVote(vote: VoteToRecord) {
      try {
        db.transaction((tx) => {
          const { id: voteId } = tx
            .insert(votes)
            .values({ pollId: vote.pollId, createdAt: vote.createdAt, source: vote.source, deviceKey: vote.deviceKey })
            .returning({ id: votes.id })
            .get();
          for (const lockKey of vote.lockKeys) {
            const locked = tx
              .insert(voteLocks)
              .values({ pollId: vote.pollId, lockKey, voteId })
              .onConflictDoNothing()
              .run();
            if (locked.changes === 0) throw new Rollback('duplicate');
          }
          const counted = tx
            .update(pollOptions)
            .set({ votes: sql`${pollOptions.votes} + 1` })
            .where(and(eq(pollOptions.pollId, vote.pollId), inArray(pollOptions.id, vote.optionIds)))
            .run();
          // The ballot was checked against options read before this transaction; an edit in
          // between (possible only while the poll had no votes) makes the ids stale.
          if (counted.changes !== vote.optionIds.length) throw new Rollback('stale_options');
          tx.insert(voteChoices)
            .values(vote.optionIds.map((optionId) => ({ voteId, optionId })))
            .run();
          tx.update(polls)
            .set({ responseCount: sql`${polls.responseCount} + 1`, updatedAt: vote.createdAt })
            .where(eq(polls.id, vote.pollId))
            .run();
        }, IMMEDIATE);
        return 'recorded';
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
        if (error.outcome === 'duplicate') {
          db.update(polls)
            .set({ duplicateCount: sql`${polls.duplicateCount} + 1` })
            .where(eq(polls.id, vote.pollId))
            .run();
        }
        return error.outcome as RecordOutcome;
      }
    },

    async importVotes(pollId, batch) {
      db.transaction((tx) => {
        for (const vote of batch) {
          const { id: voteId } = tx
            .insert(votes)
            .values({ pollId, createdAt: vote.createdAt, source: vote.source })
            .returning({ id: votes.id })
            .get();
          tx.insert(voteChoices)
            .values(vote.optionIds.map((optionId) => ({ voteId, optionId })))
            .run();
          tx.update(pollOptions)
            .set({ votes: sql`${pollOptions.votes} + 1` })
            .where(and(eq(pollOptions.pollId, pollId), inArray(pollOptions.id, vote.optionIds)))
            .run();
        }
        const latest = Math.max(0, ...batch.map((vote) => vote.createdAt));
        tx.update(polls)
          .set({
            responseCount: sql`${polls.responseCount} + ${batch.length}`,
            updatedAt: sql`max(${polls.updatedAt}, ${latest})`,
          })
          .where(eq(polls.id, pollId))
          .run();
      }, IMMEDIATE);
    },

    async hasDeviceVoted(pollId, deviceKey) {
      return deviceVote.get({ pollId, deviceKey }) !== undefined;
    },

    async getOrCreateSetting(key, create) {
      db.insert(settings).values({ key, value: create() }).onConflictDoNothing().run();
      return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()!.value;
    },

    async recount(repair) {
      return recountTallies(db, repair);
    },

    async ping() {
      db.get(sql`select 1`);
    },

    async close() {
      db.$client.close();
    },
  };
}
