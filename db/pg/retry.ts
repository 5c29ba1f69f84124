/**
 * Transactions that PostgreSQL may abort under concurrency — a serialization failure (40001) or
 * a deadlock (40P01) — are run again from the start, so a voter never sees a 5xx for a conflict
 * another vote caused. Anything else is thrown as it came.
 */
import type { PgDb, PgTx } from './client';

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

/** Runs `work` in a transaction, again (after a short random pause) when it was aborted as retriable. */
export async function inTransaction<T>(
  db: PgDb,
  work: (tx: PgTx) => Promise<T>,
  config?: Parameters<PgDb['transaction']>[1],
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work, config);
    } catch (error) {
      if (!isRetriable(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
