/**
 * The voter-key secret signs voter cookies and keys every per-poll identity HMAC, so it must not
 * live in the database it protects: with a copy of the file alone, anyone could recompute which
 * address voted what. It comes from VOTER_KEY_SECRET, or from a file beside the database (mode
 * 0600) created on first start. Installations from before kept it in the `settings` table; it is
 * moved to the file on start and erased from the database, so existing identities keep working.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PollStore } from './store';

/** Where versions before 0.2 kept the secret. */
export const LEGACY_SECRET_SETTING = 'voter_key_secret';
const MIN_SECRET_LENGTH = 32;

/** The secret file of a database file: `data/peer-polls.db` → `data/peer-polls.db.voter-key`. */
export const voterKeyFileFor = (databasePath: string) => `${databasePath}.voter-key`;

/** Writes a new file that only its owner can read, durably; false when it already exists. */
function createPrivateFile(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false; // another process won the race
    throw error;
  }
  try {
    writeSync(fd, `${content}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir); // the new directory entry survives a crash too
  } finally {
    closeSync(dir);
  }
  return true;
}

function readSecretFile(path: string): string {
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The voter key file ${path} is damaged (shorter than ${MIN_SECRET_LENGTH} characters).`);
  }
  return secret;
}

/**
 * The secret in force: VOTER_KEY_SECRET when set, else the file (created when missing). A secret
 * still in the database is moved to the file first (unless the file exists) and then erased.
 */
export async function loadVoterKeySecret(
  store: Pick<PollStore, 'readSetting' | 'eraseSetting'>,
  { configured, file }: { configured: string | null; file: string },
): Promise<string> {
  const legacy = await store.readSetting(LEGACY_SECRET_SETTING);
  if (legacy !== null) {
    createPrivateFile(file, legacy);
    await store.eraseSetting(LEGACY_SECRET_SETTING);
  }
  if (configured !== null) return configured;
  createPrivateFile(file, randomBytes(32).toString('base64url'));
  return readSecretFile(file);
}
