/**
 * The store boundary's translation of storage failures. better-sqlite3 throws SqliteError; when
 * its code says the disk under the database cannot take the operation now (full, read-only,
 * failing I/O, locked beyond the busy timeout), callers get PollError('storage_unavailable') —
 * a 503 with Retry-After — and the StorageHealth tracker hears about it. Any other error is
 * rethrown untouched: it is a bug and should surface as one.
 */
import { PollError } from '../src/lib/errors';
import type { StorageFailure, StorageHealth } from '../src/lib/storage-health';
import type { AdminStore, PollStore } from '../src/lib/store';
import type { SurveyStore } from '../src/lib/survey-types';
import type { Db } from './client';
import { createSqliteAdminStore } from './sqlite-admin-store';
import { createSqliteStore } from './sqlite-store';
import { createSqliteSurveyStore } from './sqlite-surveys';
import { storageFailureOf } from './storage-errors';

export { storageFailureOf };

const MESSAGE =
  'The server cannot save anything right now: its storage is full or unavailable. Please try again in a little while.';

type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never;
};

/**
 * Which results of which methods prove a write was committed — only those may tell the tracker
 * that writes work again (a read, or a write that changed nothing, proves nothing).
 */
export type CommitProofs<T> = {
  [K in keyof T]?: T[K] extends (...args: never[]) => Promise<infer R> ? (result: R) => boolean : never;
};

/** Wraps every method of a store: storage failures become PollError, outcomes reach the tracker. */
export function guardStore<T extends AsyncMethods<T>>(
  store: T,
  health: StorageHealth,
  commits: CommitProofs<T>,
  failureOf: (error: unknown) => StorageFailure | null = storageFailureOf,
): T {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    const committed = (commits as Record<string, ((result: unknown) => boolean) | undefined>)[name];
    guarded[name] = async (...args: unknown[]) => {
      let result: unknown;
      try {
        result = await method.apply(store, args);
      } catch (error) {
        const failure = failureOf(error);
        if (!failure) throw error;
        health.failed(failure, Date.now());
        throw new PollError('storage_unavailable', MESSAGE);
      }
      if (committed?.(result)) health.succeeded(Date.now());
      return result;
    };
  }
  return guarded as T;
}

export const POLL_STORE_COMMITS: CommitProofs<PollStore> = {
  createPoll: (result) => result !== 'slug_taken',
  createPolls: (result) => Array.isArray(result),
  updatePoll: (result) => typeof result === 'object',
  deletePoll: (result) => result,
  // 'duplicate' commits the duplicate counter; only a stale ballot rolls back without writing.
  recordVote: (result) => result.outcome !== 'stale_options',
  importVotes: () => true,
  quarantineBurst: (result) => result.outcome === 'done',
  restoreQuarantine: (result) => result.outcome === 'done',
  probeWrite: () => true,
};

export const ADMIN_STORE_COMMITS: CommitProofs<AdminStore> = {
  createSession: () => true,
};

export const SURVEY_STORE_COMMITS: CommitProofs<SurveyStore> = {
  createSurvey: (result) => !('slugTaken' in result),
  updateSurvey: (result) => typeof result === 'object' && !('slugTaken' in result),
  deleteSurvey: (result) => result,
  // 'duplicate' commits the duplicate counter; 'stale' and 'response_not_found' write nothing.
  recordSubmission: (result) => result.outcome === 'recorded' || result.outcome === 'duplicate',
  importSubmissions: () => true,
};

/** The app's stores on one connection, behind the storage guard. */
export function createSqliteStores(
  db: Db,
  health: StorageHealth,
): { store: PollStore; adminStore: AdminStore; surveyStore: SurveyStore } {
  return {
    store: guardStore<PollStore>(createSqliteStore(db), health, POLL_STORE_COMMITS),
    adminStore: guardStore(createSqliteAdminStore(db), health, ADMIN_STORE_COMMITS),
    surveyStore: guardStore(createSqliteSurveyStore(db), health, SURVEY_STORE_COMMITS),
  };
}
