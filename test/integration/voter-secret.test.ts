/** The voter-key secret lives beside the database, never in it; old installations are moved. */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../db/client';
import { LEGACY_SECRET_SETTING, loadVoterKeySecret, voterKeyFileFor } from '@/lib/voter-secret';
import { openTempDb, type TempDb } from '../support/temp-db';

let t: TempDb;
let file: string;
beforeEach(() => {
  t = openTempDb();
  file = voterKeyFileFor(sqlitePathFromUrl(t.url));
});
afterEach(() => t.cleanup());

/** Every byte of the database folder except the secret file: what a copied backup holds. */
const databaseBytes = () =>
  readdirSync(t.dir)
    .filter((name) => !name.endsWith('.voter-key'))
    .map((name) => readFileSync(join(t.dir, name)).toString('latin1'))
    .join('');

const insertLegacySecret = (value: string) =>
  t.db.$client.prepare('insert into settings (key, value) values (?, ?)').run(LEGACY_SECRET_SETTING, value);

describe('loadVoterKeySecret', () => {
  it('creates a private file beside the database on first start and reads it afterwards', async () => {
    const secret = await loadVoterKeySecret(t.store, { configured: null, file });
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(await loadVoterKeySecret(t.store, { configured: null, file })).toBe(secret);
    expect(await t.store.readSetting(LEGACY_SECRET_SETTING)).toBeNull();
    expect(databaseBytes()).not.toContain(secret);
  });

  it('moves a secret kept in the database by older versions to the file and erases every copy', async () => {
    const legacy = 'legacy-secret-kept-in-the-database-0123456789';
    insertLegacySecret(legacy);
    t.db.$client.pragma('wal_checkpoint(TRUNCATE)'); // as an old installation would have it: in the main file
    expect(databaseBytes()).toContain(legacy);
    expect(await loadVoterKeySecret(t.store, { configured: null, file })).toBe(legacy);
    expect(readFileSync(file, 'utf8').trim()).toBe(legacy);
    expect(await t.store.readSetting(LEGACY_SECRET_SETTING)).toBeNull();
    expect(databaseBytes()).not.toContain(legacy);
  });

  it('prefers VOTER_KEY_SECRET, still taking an old secret out of the database', async () => {
    insertLegacySecret('legacy-secret-kept-in-the-database-0123456789');
    const configured = 'configured-secret-configured-secret-0123';
    expect(await loadVoterKeySecret(t.store, { configured, file })).toBe(configured);
    expect(await t.store.readSetting(LEGACY_SECRET_SETTING)).toBeNull();
  });

  it('creates no file when VOTER_KEY_SECRET is set', async () => {
    await loadVoterKeySecret(t.store, { configured: 'configured-secret-configured-secret-0123', file });
    expect(existsSync(file)).toBe(false);
  });

  it('tightens a readable-by-others file and refuses a damaged one', async () => {
    writeFileSync(file, 'a-secret-that-is-long-enough-0123456789\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    await loadVoterKeySecret(t.store, { configured: null, file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short\n');
    await expect(loadVoterKeySecret(t.store, { configured: null, file })).rejects.toThrow(/damaged/);
  });
});
