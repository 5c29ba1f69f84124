/**
 * Which SQLite errors mean "the storage cannot serve this now" (and not a bug): used by the
 * store boundary (db/storage-guard.ts) to answer 503, and by the vote group commit
 * (db/sqlite-votes.ts) to fail a whole group rather than one vote.
 */
import Database from 'better-sqlite3';
import type { StorageFailure } from '../src/lib/storage-health';

/**
 * Result codes (with their extended forms, e.g. SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED)
 * that mean "the storage cannot serve this now":
 * - FULL: disk (or quota) full.
 * - READONLY*: file, directory or filesystem made read-only (e.g. remounted after disk errors).
 * - IOERR*: the disk fails reads, writes or fsyncs.
 * - CANTOPEN: the WAL, shared-memory or a temporary file cannot be created (full disk, permissions).
 * - BUSY*: another process (a backup, `npm run db:recount`) held the write lock past the 5 s busy
 *   timeout; the write failed and may be retried later, like the others.
 * Left out on purpose: NOMEM (the process, not the storage, is in trouble), CORRUPT and NOTADB
 * (no retry will help; they need a person and a stack), and everything else (bugs).
 */
const UNAVAILABLE_CODE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY)(_|$)/;

/** The storage failure behind an error (looking through wrapping causes), or null for any other error. */
export function storageFailureOf(error: unknown): StorageFailure | null {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof Database.SqliteError && UNAVAILABLE_CODE.test(cause.code)) {
      return { code: cause.code, message: cause.message };
    }
  }
  return null;
}
