/**
 * The poll reads on the vote and results paths keep the last records until anything is written:
 * by this connection (any store), or committed by another process on the same file. Real SQLite
 * files; the second connection stands for `npm run polls` or a recount run beside the server.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../db/client';
import { createPoll, updatePoll } from '@/lib/poll-admin';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempDb, type TempDb } from '../support/temp-db';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const SECRET = 'integration-secret-integration-secret';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const poll = () =>
  createPoll(t.store, { slug: 'p', question: 'P?', options: ['A', 'B'], duplicatePolicy: 'none' }, NOW);

describe('poll reads', () => {
  it('give the same record again while nothing was written, frozen so no caller can change it', async () => {
    const created = await poll();
    const first = (await t.store.findPoll('p'))!;
    expect(await t.store.findPoll('p')).toBe(first);
    expect(first).toEqual(created);
    expect(Object.isFrozen(first) && Object.isFrozen(first.options) && Object.isFrozen(first.options[0])).toBe(true);
  });

  it("see this connection's writes at once: a vote, an edit, a setting", async () => {
    await poll();
    const before = (await t.store.findPoll('p'))!;
    await castVote(
      { store: t.store, secret: SECRET, now: NOW },
      'p',
      { choices: ['b'] },
      { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
      'api',
    );
    const voted = (await t.store.findPoll('p'))!;
    expect(voted).not.toBe(before);
    expect(voted.options.map((o) => o.votes)).toEqual([0, 1]);
    await updatePoll(t.store, 'p', { question: 'P, edited?' }, NOW);
    expect((await t.store.findPoll('p'))!.question).toBe('P, edited?');
  });

  it("see another process's commits on the next read", async () => {
    await poll();
    expect((await t.store.findPoll('p'))!.question).toBe('P?');
    const other = new Database(sqlitePathFromUrl(t.url));
    try {
      other.prepare("update polls set question = 'Changed elsewhere?' where slug = 'p'").run();
      other.prepare("update poll_options set votes = 7 where key = 'a'").run();
    } finally {
      other.close();
    }
    const after = (await t.store.findPoll('p'))!;
    expect(after.question).toBe('Changed elsewhere?');
    expect(after.options[0]!.votes).toBe(7);
    // And its deletion: no record of a poll that is gone.
    const again = new Database(sqlitePathFromUrl(t.url));
    try {
      again.prepare("delete from polls where slug = 'p'").run();
    } finally {
      again.close();
    }
    expect(await t.store.findPoll('p')).toBeNull();
  });

  it('never keep what a rolled-back transaction wrote', async () => {
    const created = await poll();
    await t.store.findPoll('p');
    const client = t.db.$client;
    client.exec('begin immediate');
    client.prepare("update polls set question = 'Rolled back?' where id = ?").run(created.id);
    expect((await t.store.findPoll('p'))!.question).toBe('Rolled back?'); // the transaction sees its write
    client.exec('rollback');
    expect((await t.store.findPoll('p'))!.question).toBe('P?');
  });
});
