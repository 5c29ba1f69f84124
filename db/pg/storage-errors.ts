/**
 * Which PostgreSQL (and connection) errors mean "the database cannot serve this now" rather than
 * a bug: answered 503 with Retry-After by the store boundary (db/storage-guard.ts), as SQLite's
 * full or read-only disk is.
 */
import type { StorageFailure } from '../../src/lib/storage-health';
import { sqlStateOf } from './retry';

/**
 * SQLSTATE classes and codes: 08 connection exceptions; 53 insufficient resources (disk full,
 * out of memory, too many connections); 57P01–57P03 server shutting down or starting; 57014 a
 * statement cancelled by statement_timeout; 55P03 a row lock not granted within lock_timeout (a
 * poll's row held by a stuck transaction); 25006 a read-only transaction (a standby after a
 * failover); 40001/40P01 a conflict still failing after every retry.
 */
const UNAVAILABLE_STATE = /^(08...|53...|57P0[123]|57014|55P03|25006|40001|40P01)$/;
/** Node's socket errors and node-postgres's own messages when the server is gone or slow to answer. */
const UNAVAILABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

export function pgFailureOf(error: unknown): StorageFailure | null {
  const state = sqlStateOf(error);
  const chain: Error[] = [];
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++)
    chain.push(cause);
  // The message of the innermost error, the server's or the socket's own: Drizzle's wrapper
  // ("Failed query: … params: …") carries the statement and its values — a ballot's choice and
  // a person's lock key — which must never reach /healthz or the log.
  const message = chain.at(-1)?.message ?? String(error);
  if (state && UNAVAILABLE_STATE.test(state)) return { code: `PG_${state}`, message };
  for (const cause of chain) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_NODE.has(code)) return { code, message };
    if (UNAVAILABLE_MESSAGE.test(cause.message)) return { code: 'PG_CONNECTION', message };
  }
  return null;
}
