import type { APIRoute } from 'astro';
import { ADMIN_COOKIE, endSession } from '@/lib/admin-session';
import { clearSessionCookie, uncached } from '@/http/admin-request';

/** Revokes the session in the database, not only in the browser. */
export const POST: APIRoute = uncached(async ({ cookies, locals, redirect }) => {
  await endSession(locals.app.adminStore, cookies.get(ADMIN_COOKIE)?.value);
  clearSessionCookie(cookies);
  return redirect('/admin', 303);
});
