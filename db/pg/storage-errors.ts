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
 * statement cancelled by statement_timeout; 25006 a read-only transaction (a standby after a
 * failover); 40001/40P01 a conflict still failing after every retry.
 */
const UNAVAILABLE_STATE = /^(08...|53...|57P0[123]|57014|25006|40001|40P01)$/;
/** Node's socket errors and node-postgres's own messages when the server is gone or slow to answer. */
const UNAVAILABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

export function pgFailureOf(error: unknown): StorageFailure | null {
  const state = sqlStateOf(error);
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (state && UNAVAILABLE_STATE.test(state)) return { code: `PG_${state}`, message: cause.message };
    if (typeof code === 'string' && UNAVAILABLE_NODE.has(code)) return { code, message: cause.message };
    if (UNAVAILABLE_MESSAGE.test(cause.message)) return { code: 'PG_CONNECTION', message: cause.message };
  }
  return null;
}
