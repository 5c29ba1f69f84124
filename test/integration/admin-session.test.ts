import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, hashToken, sessionActor, startSession } from '@/lib/admin-session';
import type { AdminStore } from '@/lib/store';
import { openTempStores, type TempStores } from '../support/temp-db';

const NOW = Date.parse('2026-06-01T12:00:00Z');

let t: TempStores;
let admin: AdminStore;
beforeEach(async () => {
  t = await openTempStores();
  admin = t.adminStore;
});
afterEach(() => t.cleanup());

const sessionRows = () =>
  t.query<{ token_hash: string; expires_at: number }>(
    'select token_hash, expires_at from admin_sessions order by created_at',
  );

describe('admin sessions', () => {
  it('deletes expired rows when a session starts, keeping the live ones', async () => {
    const old = await startSession(admin, NOW - SESSION_TTL_MS - 1);
    const endsNow = await startSession(admin, NOW - SESSION_TTL_MS);
    const live = await startSession(admin, NOW - 60_000);
    expect(await sessionRows()).toHaveLength(3);

    const fresh = await startSession(admin, NOW);
    expect((await sessionRows()).map((row) => row.token_hash)).toEqual([hashToken(live), hashToken(fresh)]);
    for (const gone of [old, endsNow]) expect(await sessionActor(admin, gone, NOW)).toBeNull();
    expect(await sessionActor(admin, live, NOW)).toMatch(/^session:[0-9a-f]{12}$/);
    expect(await sessionActor(admin, fresh, NOW)).toMatch(/^session:[0-9a-f]{12}$/);
  });

  it('sees a session as ended at its expiry time', async () => {
    const token = await startSession(admin, NOW);
    expect(await sessionActor(admin, token, NOW + SESSION_TTL_MS - 1)).not.toBeNull();
    expect(await sessionActor(admin, token, NOW + SESSION_TTL_MS)).toBeNull();
  });
});
