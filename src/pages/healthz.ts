import type { APIRoute } from 'astro';
import { isPollError } from '@/lib/errors';
import { json } from '@/http/responses';
import { STORAGE_RETRY_AFTER_SECONDS } from '@/lib/storage-health';

const NO_STORE = { 'Cache-Control': 'no-store' };

function unavailable(reason: string): Response {
  return json({ status: 'unavailable', reason }, 503, {
    ...NO_STORE,
    'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS),
  });
}

/**
 * 200 when the database answers and can write; 503 with the reason while it cannot (disk full,
 * read-only). Whether it can write is what the last write showed; when no write has happened for
 * a few seconds, a tiny probe write finds out (see StorageHealth.probeIfDue).
 */
export const GET: APIRoute = async ({ locals }) => {
  const { store, storageHealth } = locals.app;
  const now = Date.now();
  try {
    await store.ping();
    await storageHealth.probeIfDue(() => store.probeWrite(now), now);
  } catch (error) {
    // A storage failure has been recorded by the store and is reported below.
    if (!isPollError(error)) return unavailable('the database does not answer');
  }
  const state = storageHealth.state;
  return state.ok ? json({ status: 'ok' }, 200, NO_STORE) : unavailable(state.reason);
};
