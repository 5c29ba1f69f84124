/**
 * Reading polls as PollRecords from PostgreSQL, inside a transaction or on the pool: shared by
 * the poll store, the vote writer (the poll as it is after a vote) and the survey store.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { PollRecord } from '../../src/lib/types';
import { toRecord } from '../sqlite-store';
import type { PgDb, PgTx } from './client';
import { pollOptions, polls } from './schema';

export type PgReader = Pick<PgDb | PgTx, 'select'>;

async function withOptions(reader: PgReader, rows: (typeof polls.$inferSelect)[]): Promise<PollRecord[]> {
  if (rows.length === 0) return [];
  const options = await reader
    .select()
    .from(pollOptions)
    .where(
      inArray(
        pollOptions.pollId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(pollOptions.position));
  return rows.map((row) =>
    toRecord(
      row,
      options.filter((option) => option.pollId === row.id),
    ),
  );
}

export async function readPollById(reader: PgReader, id: number): Promise<PollRecord | null> {
  const rows = await reader.select().from(polls).where(eq(polls.id, id));
  return (await withOptions(reader, rows))[0] ?? null;
}

export async function readPollBySlug(reader: PgReader, slug: string): Promise<PollRecord | null> {
  const rows = await reader.select().from(polls).where(eq(polls.slug, slug));
  return (await withOptions(reader, rows))[0] ?? null;
}

/** Every poll (drafts and survey questions included), by id, with options in order. */
export async function readAllPolls(reader: PgReader): Promise<PollRecord[]> {
  return withOptions(reader, await reader.select().from(polls).orderBy(asc(polls.id)));
}

/** The polls with these ids (any order). */
export async function readPollsById(reader: PgReader, ids: number[]): Promise<PollRecord[]> {
  if (ids.length === 0) return [];
  return withOptions(reader, await reader.select().from(polls).where(inArray(polls.id, ids)));
}
