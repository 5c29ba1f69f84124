/**
 * Storage failures at the store boundary, provoked in the real SQLite engine (no mounts needed):
 * a database that may not grow (max_page_count → SQLITE_FULL), a connection that may not write
 * (query_only → SQLITE_READONLY), a write lock held by another process (→ SQLITE_BUSY). The
 * guarded stores answer PollError('storage_unavailable'), the tracker logs each transition once,
 * and writes work again as soon as the cause goes away.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../db/client';
import { createSqliteStores } from '../../db/storage-guard';
import { PollError } from '@/lib/errors';
import { PROBE_INTERVAL_MS, StorageHealth } from '@/lib/storage-health';
import { voteRules, type AdminStore, type PollStore } from '@/lib/store';
import type { PollFields, PollRecord } from '@/lib/types';
import { refusal } from '../support/errors';
import { openTempDb, type TempDb } from '../support/temp-db';

const FIELDS: PollFields = {
  slug: 'disk',
  question: 'Disk?',
  description: '',
  type: 'single',
  scale: 'nominal',
  minChoices: 1,
  maxChoices: 1,
  status: 'open',
  opensAt: null,
  closesAt: null,
  resultsVisibility: 'always',
  duplicatePolicy: 'none',
  networkIdentity: 'address_agent',
  addressBudget: null,
  embedOrigins: [],
  profile: [],
  allowOther: false,
};

let temp: TempDb;
let log: string[];
let health: StorageHealth;
let store: PollStore;
let adminStore: AdminStore;
let poll: PollRecord;

beforeEach(async () => {
  temp = openTempDb();
  log = [];
  health = new StorageHealth((line) => log.push(line));
  ({ store, adminStore } = createSqliteStores(temp.db, health));
  const created = await store.createPoll(
    FIELDS,
    [
      { key: 'a', label: 'A' },
      { key: 'b', label: 'B' },
    ],
    Date.now(),
  );
  if (created === 'slug_taken') throw new Error('fresh database has the slug');
  poll = created;
});
afterEach(() => temp.cleanup());

let votes = 0;
const vote = () =>
  store.recordVote({
    pollId: poll.id,
    optionIds: [poll.options[votes % 2]!.id],
    createdAt: Date.now(),
    source: 'api',
    // Long enough that the votes table needs new pages quickly.
    deviceKey: `device-${votes++}-${'x'.repeat(200)}`,
    lockKeys: [],
    ranking: null,
    otherText: null,
    checkedAgainst: voteRules(poll),
    profile: {},
  });

const pragma = (statement: string) => temp.db.$client.pragma(statement);
const pageCount = () => temp.db.$client.pragma('page_count', { simple: true }) as number;

/** Votes until the store refuses; returns how many were recorded first. */
async function voteUntilRefused(limit = 2000): Promise<number> {
  for (let recorded = 0; recorded < limit; recorded++) {
    try {
      expect((await vote()).outcome).toBe('recorded');
    } catch (error) {
      if (!(error instanceof PollError)) throw error;
      expect(error.code).toBe('storage_unavailable');
      return recorded;
    }
  }
  throw new Error(`still writing after ${limit} votes`);
}

describe('storage failures at the store boundary', () => {
  it('a full database answers storage_unavailable, logs once, and recovers when space returns', async () => {
    expect((await vote()).outcome).toBe('recorded');
    // The database may not grow past its current size: the next pages it needs are refused.
    pragma(`max_page_count = ${pageCount()}`);
    const before = await voteUntilRefused();

    expect(health.state).toMatchObject({ ok: false, reason: 'SQLITE_FULL: database or disk is full' });
    for (let i = 0; i < 5; i++) expect(await refusal(vote)).toBe('storage_unavailable');
    expect(log).toEqual([
      'Storage: writes are failing (SQLITE_FULL: database or disk is full); answering 503 until they succeed again',
    ]);
    // Reads still work on a full disk.
    expect((await store.findPoll('disk'))!.responseCount).toBe(before + 1);

    pragma('max_page_count = 1073741823');
    expect((await vote()).outcome).toBe('recorded');
    expect(health.state).toEqual({ ok: true });
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/^Storage: writes succeed again after \d+ s of SQLITE_FULL; answering normally$/);

    // Nothing half-written: tallies match the vote log, the file is sound.
    expect((await store.findPoll('disk'))!.responseCount).toBe(before + 2);
    expect(await store.recount(false)).toEqual([]);
    expect(pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('a read-only database refuses writes (admin ones too) and the write probe notices', async () => {
    pragma('query_only = 1');
    expect(await refusal(vote)).toBe('storage_unavailable');
    expect(await refusal(() => adminStore.createSession('hash', 1, 2))).toBe('storage_unavailable');
    expect(health.state).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_READONLY\b/) });
    expect(log).toHaveLength(1);

    pragma('query_only = 0');
    // The last write failed just now: the probe waits for its interval, then finds writes work.
    const now = Date.now();
    await health.probeIfDue(() => store.probeWrite(now), now);
    expect(health.state.ok).toBe(false);
    await health.probeIfDue(() => store.probeWrite(now), now + PROBE_INTERVAL_MS);
    expect(health.state).toEqual({ ok: true });
    expect(log[1]).toMatch(/^Storage: writes succeed again after \d+ s of SQLITE_READONLY/);
  });

  it('a failing probe flips the state without any real write', async () => {
    pragma('query_only = 1');
    // The poll created in beforeEach showed writes work; that evidence stands for the interval.
    const later = Date.now() + PROBE_INTERVAL_MS;
    await expect(health.probeIfDue(() => store.probeWrite(later), later)).rejects.toMatchObject({
      code: 'storage_unavailable',
    });
    expect(health.state).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_READONLY\b/) });
    expect(log).toHaveLength(1);
  });

  it('a write lock held past the busy timeout is temporary unavailability, not a bug', async () => {
    const other = new Database(sqlitePathFromUrl(temp.url));
    try {
      other.exec('BEGIN IMMEDIATE');
      pragma('busy_timeout = 50');
      expect(await refusal(vote)).toBe('storage_unavailable');
      expect(health.state).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_BUSY\b/) });
      other.exec('ROLLBACK');
      expect((await vote()).outcome).toBe('recorded');
      expect(health.state.ok).toBe(true);
    } finally {
      other.close();
    }
  });

  it('other database errors are bugs: rethrown as they are, health untouched', async () => {
    // Two options with one key break a unique index: SQLITE_CONSTRAINT, not a storage failure.
    const duplicateKeys = store.createPoll(
      { ...FIELDS, slug: 'dup' },
      [
        { key: 'a', label: 'A' },
        { key: 'a', label: 'A again' },
      ],
      Date.now(),
    );
    await expect(duplicateKeys).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(health.state).toEqual({ ok: true });
    expect(log).toEqual([]);
  });
});
