/**
 * The PostgreSQL PollStore's poll part: creating, editing and deleting polls, settings, health
 * probes, and the reads (db/pg/poll-reads.ts, segments-read.ts, periods-read.ts) — as
 * db/sqlite-store.ts does for SQLite. Every write runs in one transaction (inTransaction retries
 * a conflict); an edit locks the poll row first, as a vote does, so its "no votes yet" check
 * and the votes cannot cross. No cache: several instances may write the same database.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { AuditEntry, PollStore, TrafficStore } from '../../src/lib/store';
import type { NewOption, PollFields } from '../../src/lib/types';
import type { PgDb, PgTx } from './client';
import { createPgPeriodReads } from './periods-read';
import { createPgPollReads, readPollByIdOnce, readPollBySlugOnce, readPollsOnce } from './poll-reads';
import { inTransaction } from './retry';
import { auditLog, pollOptions, polls, settings } from './schema';
import { createPgSegmentReads } from './segments-read';
import { optionRows } from '../option-rows';

/** Thrown inside an edit's transaction to roll it back: the poll has votes. */
class HasVotes extends Error {}

class SlugTaken extends Error {
  constructor(readonly slug: string) {
    super(slug);
  }
}

type Writer = Pick<PgDb | PgTx, 'insert'>;

/** A poll's options, in the given order, inside the caller's transaction. */
export async function insertPgOptions(tx: Writer, pollId: number, options: NewOption[]): Promise<void> {
  if (options.length === 0) return;
  await tx.insert(pollOptions).values(optionRows(pollId, options));
}

/** The audit row of an admin change, in the change's transaction (nothing without an entry). */
export async function insertPgAudit(
  tx: Writer,
  pollSlug: string,
  at: number,
  audit: AuditEntry | undefined,
): Promise<void> {
  if (audit)
    await tx
      .insert(auditLog)
      .values({ at, pollSlug, actor: audit.actor, action: audit.action, details: audit.details ?? '' });
}

/** Inserts one poll inside a transaction; null when its slug is taken. */
async function insertPoll(
  tx: PgTx,
  fields: PollFields,
  options: NewOption[],
  now: number,
  audit?: AuditEntry,
): Promise<number | null> {
  const [inserted] = await tx
    .insert(polls)
    .values({ ...fields, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: polls.slug })
    .returning({ id: polls.id });
  if (!inserted) return null;
  await insertPgOptions(tx, inserted.id, options);
  await insertPgAudit(tx, fields.slug, now, audit);
  return inserted.id;
}

export type PgPollCore = Omit<PollStore, 'recordVote' | 'importVotes' | 'recount' | 'close' | keyof TrafficStore>;

export function createPgPollCore(db: PgDb): PgPollCore {
  const findById = async (id: number) => (await readPollByIdOnce(db, id))!;

  return {
    async listPolls() {
      return readPollsOnce(db);
    },

    async findPoll(slug) {
      return readPollBySlugOnce(db, slug);
    },

    async slugExists(slug) {
      const rows = await db.select({ id: polls.id }).from(polls).where(eq(polls.slug, slug));
      return rows.length > 0;
    },

    async createPoll(fields, options, now, audit) {
      const id = await inTransaction(db, (tx) => insertPoll(tx, fields, options, now, audit));
      return id === null ? 'slug_taken' : findById(id);
    },

    async createPolls(batch, now, audit) {
      try {
        const ids = await inTransaction(db, async (tx) => {
          const created: number[] = [];
          for (const { fields, options } of batch) {
            const id = await insertPoll(tx, fields, options, now, audit);
            if (id === null) throw new SlugTaken(fields.slug);
            created.push(id);
          }
          return created;
        });
        const byId = new Map((await readPollsOnce(db, inArray(polls.id, ids))).map((poll) => [poll.id, poll]));
        return ids.map((id) => byId.get(id)!);
      } catch (error) {
        if (error instanceof SlugTaken) return { slugTaken: error.slug };
        throw error;
      }
    },

    async updatePoll(id, fields, { options, requireNoVotes, now, audit }) {
      try {
        const found = await inTransaction(db, async (tx) => {
          // The poll row locked first, as a vote locks it: no vote commits between this check and the edit.
          const [current] = await tx
            .select({ responses: polls.responseCount, slug: polls.slug })
            .from(polls)
            .where(eq(polls.id, id))
            .for('update');
          if (!current) return false;
          if ((requireNoVotes || options) && current.responses > 0) throw new HasVotes();
          await tx
            .update(polls)
            .set({ ...fields, updatedAt: now })
            .where(eq(polls.id, id));
          if (options) {
            await tx.delete(pollOptions).where(eq(pollOptions.pollId, id));
            await insertPgOptions(tx, id, options);
          }
          await insertPgAudit(tx, current.slug, now, audit);
          return true;
        });
        return found ? findById(id) : 'not_found';
      } catch (error) {
        if (error instanceof HasVotes) return 'has_votes';
        throw error;
      }
    },

    async deletePoll(id, now, audit) {
      return inTransaction(db, async (tx) => {
        const [deleted] = await tx.delete(polls).where(eq(polls.id, id)).returning({ slug: polls.slug });
        if (deleted) await insertPgAudit(tx, deleted.slug, now, audit);
        return deleted !== undefined;
      });
    },

    ...createPgPollReads(db),
    ...createPgSegmentReads(db),
    ...createPgPeriodReads(db),

    async readSetting(key) {
      const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
      return row?.value ?? null;
    },

    async eraseSetting(key) {
      // The voter secret never lives in PostgreSQL (VOTER_KEY_SECRET is required there): a delete suffices.
      await db.delete(settings).where(eq(settings.key, key));
    },

    async writeSetting(key, value, { now, auditKey, audit }) {
      await inTransaction(db, async (tx) => {
        await tx
          .insert(settings)
          .values({ key, value, createdAt: now })
          .onConflictDoUpdate({ target: settings.key, set: { value } });
        await insertPgAudit(tx, auditKey, now, audit);
      });
    },

    async ping() {
      await db.execute(sql`select 1`);
    },

    async probeWrite(now) {
      // An upsert of one row: a real commit that never grows the database.
      const value = new Date(now).toISOString();
      await db
        .insert(settings)
        .values({ key: 'storage_probe', value })
        .onConflictDoUpdate({ target: settings.key, set: { value } });
    },
  };
}
