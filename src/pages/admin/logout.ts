import type { APIRoute } from 'astro';
import { ADMIN_COOKIE, endSession } from '@/lib/admin-session';
import { clearSessionCookie, uncached } from '@/http/admin-request';

/** Revokes the session in the database, not only in the browser. */
export const POST: APIRoute = uncached(async ({ cookies, locals, redirect }) => {
  await endSession(locals.app.adminStore, cookies.get(ADMIN_COOKIE)?.value);
  clearSessionCookie(cookies);
  // The login page says "You are logged out", so the owner knows the click did something.
  return redirect('/admin?logged-out', 303);
});
