/**
 * The SQLite implementation of PollStore — the only module that talks to Drizzle.
 * Writes run in BEGIN IMMEDIATE transactions so a writer takes the lock before reading, and
 * tallies move with SQL increments (`votes = votes + 1`), never read-modify-write in JS.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { NewOption, PollFields, PollRecord, StoredRanking } from '../src/lib/types';
import type { AuditEntry, PollStore } from '../src/lib/store';
import type { Db } from './client';
import { rankingDecoder } from './rankings';
import { recountTallies } from './recount';
import { createSqlitePeriodReads } from './sqlite-periods';
import { createSqliteSegmentReads } from './sqlite-segments';
import { createSqliteTraffic } from './sqlite-traffic';
import { createSqliteVoteWrites } from './sqlite-votes';
import { createPollReads } from './sqlite-poll-reads';
import { auditLog, pollOptions, polls, rankingTallies, settings } from './schema';
import { optionRows } from './option-rows';

const IMMEDIATE = { behavior: 'immediate' } as const;

/** Thrown inside an edit's transaction to roll it back: the poll has votes. */
class HasVotes extends Error {}

class SlugTaken extends Error {
  constructor(readonly slug: string) {
    super(slug);
  }
}

type PollRow = typeof polls.$inferSelect;
type OptionRow = typeof pollOptions.$inferSelect;

export function toRecord(row: PollRow, options: OptionRow[]): PollRecord {
  // The question's place in its survey is the survey's business (SurveyQuestion), not the poll's.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { surveyPosition, surveyPage, required, ...poll } = row;
  return {
    ...poll,
    options: options.map(({ id, key, label, position, exclusive, rangeLow, rangeHigh, value, other, votes }) => ({
      id,
      key,
      label,
      position,
      exclusive,
      range: rangeLow !== null && rangeHigh !== null ? { low: rangeLow, high: rangeHigh } : null,
      value,
      other,
      votes,
    })),
  };
}

/** A poll's options, in the given order, inside the caller's transaction. */
export const insertOptions = (tx: Pick<Db, 'insert'>, pollId: number, options: NewOption[]) =>
  tx.insert(pollOptions).values(optionRows(pollId, options)).run();

/** The SQLite PollStore, plus what only tests and benchmarks ask of it (the vote group commits). */
export type SqlitePollStore = PollStore &
  Pick<ReturnType<typeof createSqliteVoteWrites>, 'voteCommits' | 'queuedVotes'>;

export function createSqliteStore(db: Db): SqlitePollStore {
  // The reads on every vote and results request are prepared once, not rebuilt per call.
  const { findById, findBySlug } = createPollReads(db);
  const optionsOfPoll = db
    .select({ id: pollOptions.id, key: pollOptions.key })
    .from(pollOptions)
    .where(eq(pollOptions.pollId, sql.placeholder('pollId')))
    .prepare();
  const rankingsOfPoll = db
    .select({ ranking: rankingTallies.ranking, ballots: rankingTallies.ballots })
    .from(rankingTallies)
    .where(eq(rankingTallies.pollId, sql.placeholder('pollId')))
    .prepare();

  const { flushVotes, ...voteWrites } = createSqliteVoteWrites(db, findById);

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
      return findBySlug(slug);
    },

    async rankingTallies(pollId): Promise<StoredRanking[]> {
      // Option ids, not keys, are stored; decoded with the poll's options.
      const decode = rankingDecoder(optionsOfPoll.all({ pollId }));
      return rankingsOfPoll.all({ pollId }).map(({ ranking, ballots }) => ({ ranking: decode(ranking), ballots }));
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
          if ((requireNoVotes || options) && current.responses > 0) throw new HasVotes();
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
        if (error instanceof HasVotes) return 'has_votes';
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

    ...voteWrites,
    ...createSqliteSegmentReads(db),
    ...createSqlitePeriodReads(db),
    ...createSqliteTraffic(db),

    async readSetting(key) {
      return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value ?? null;
    },

    async eraseSetting(key) {
      // secure_delete overwrites the freed cells; the TRUNCATE checkpoint then empties the WAL,
      // which still held the page as it was before the delete.
      db.$client.pragma('secure_delete = ON');
      try {
        db.delete(settings).where(eq(settings.key, key)).run();
      } finally {
        db.$client.pragma('secure_delete = OFF');
      }
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
    },

    async writeSetting(key, value, { now, auditKey, audit }) {
      db.transaction((tx) => {
        tx.insert(settings)
          .values({ key, value, createdAt: now })
          .onConflictDoUpdate({ target: settings.key, set: { value } })
          .run();
        insertAudit(tx, auditKey, now, audit);
      }, IMMEDIATE);
    },

    async recount(repair) {
      return recountTallies(db, repair);
    },

    async ping() {
      db.get(sql`select 1`);
    },

    async probeWrite(now) {
      // An upsert of one row: a real commit (WAL frame and fsync) that never grows the database.
      const value = new Date(now).toISOString();
      db.insert(settings)
        .values({ key: 'storage_probe', value })
        .onConflictDoUpdate({ target: settings.key, set: { value } })
        .run();
    },

    async close() {
      // Votes still queued for their group are written, and answered, before the connection goes.
      flushVotes();
      db.$client.close();
    },
  };
}
