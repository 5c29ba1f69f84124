/** The admin session on an Astro request: who is logged in, and the session cookie. */
import type { AstroCookies } from 'astro';
import { ADMIN_COOKIE, SESSION_TTL_MS, sessionActor } from './admin-session';

/** The logged-in owner's audit actor, or null (not logged in, expired, or the admin UI disabled). */
export async function adminActor(locals: App.Locals, cookies: AstroCookies): Promise<string | null> {
  if (!locals.app.checkAdminPassword) return null;
  return sessionActor(locals.app.adminStore, cookies.get(ADMIN_COOKIE)?.value, Date.now());
}

export function setSessionCookie(cookies: AstroCookies, token: string, locals: App.Locals): void {
  cookies.set(ADMIN_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: locals.origin.startsWith('https:'),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(cookies: AstroCookies): void {
  cookies.delete(ADMIN_COOKIE, { path: '/' });
}
