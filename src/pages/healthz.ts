import type { APIRoute } from 'astro';
import { json } from '../lib/http';

/** 200 when the database answers, 503 when it does not. */
export const GET: APIRoute = async ({ locals }) => {
  try {
    await locals.app.store.ping();
    return json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' });
  } catch {
    return json({ status: 'unavailable' }, 503, { 'Cache-Control': 'no-store' });
  }
};
