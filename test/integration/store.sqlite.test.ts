/** The SQLite store's connection settings (the store's behaviour on both stores: store.test.ts). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDb, type TempDb } from '../support/temp-db';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

describe('the SQLite connection', () => {
  it('runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout', () => {
    const client = t.db.$client;
    expect(client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(client.pragma('synchronous', { simple: true })).toBe(2);
    expect(client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(client.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });
});
