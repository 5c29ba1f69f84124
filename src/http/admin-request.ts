/** The admin session on an Astro request: who is logged in, and the session cookie. */
import type { APIContext, APIRoute, AstroCookies } from 'astro';
import { ADMIN_COOKIE, SESSION_TTL_MS, sessionActor } from '@/lib/admin-session';
import { apiRoute } from './responses';

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

/**
 * Owner pages and answers must never sit in a shared or back-button cache. The middleware also
 * sets this by path; every admin handler sets it itself as well, so it hangs neither on a path
 * regex nor on src/server.ts having normalised the path first (`astro dev` does not). Pages call
 * it on `Astro.response.headers` and on every Response they return: `Astro.redirect()` makes a
 * new Response that does not carry `Astro.response`'s headers.
 */
export function noStore<T extends Headers | Response>(target: T): T {
  (target instanceof Response ? target.headers : (target as Headers)).set('Cache-Control', 'no-store');
  return target;
}

/** An admin endpoint whose every answer — data, redirect, refusal — carries no-store. */
export function uncached(route: APIRoute): APIRoute {
  return async (context) => noStore(await route(context));
}

/** An admin JSON endpoint: `apiRoute`'s error handling, and no-store on every answer. */
export function adminApiRoute(handler: (context: APIContext) => Promise<Response>): APIRoute {
  return uncached(apiRoute(handler));
}
