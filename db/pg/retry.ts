/**
 * Transactions that PostgreSQL may abort under concurrency — a serialization failure (40001) or
 * a deadlock (40P01) — are run again from the start, so a voter never sees a 5xx for a conflict
 * another vote caused. Anything else is thrown as it came.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDb, PgTx } from './client';
import * as schema from './schema';

const RETRIED_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/** The SQLSTATE of a node-postgres error, also when Drizzle wrapped it (`cause`). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isRetriable = (error: unknown) => RETRIED_CODES.has(sqlStateOf(error) ?? '');

/**
 * Runs `work` in a transaction, again (after a short random pause) when it was aborted as
 * retriable. The connection is checked out here, not by Drizzle: Drizzle's pool path leaks the
 * connection when BEGIN itself fails (drizzle-orm issues 6023, 6241), which a server restart
 * turns into a pool stuck at its maximum. A connection whose server went away is discarded.
 */
export async function inTransaction<T>(
  db: PgDb,
  work: (tx: PgTx) => Promise<T>,
  config?: Parameters<PgDb['transaction']>[1],
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await onOwnConnection(db, (session) => session.transaction(work, config));
    } catch (error) {
      if (!isRetriable(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** Connection-level failures: the connection may be dead or mid-transaction, so it is not reused. */
const brokenConnection = (error: unknown) =>
  /^(08|57P0)/.test(sqlStateOf(error) ?? '') ||
  /Connection terminated|not queryable|Client has encountered a connection error/.test(String(error));

async function onOwnConnection<T>(db: PgDb, use: (session: PgDb) => Promise<T>): Promise<T> {
  const client = await db.$client.connect();
  let broken: unknown;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await use(drizzle(client, { schema }) as unknown as PgDb);
  } catch (error) {
    if (brokenConnection(error)) broken ??= error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken ? (broken as Error) : undefined);
  }
}
