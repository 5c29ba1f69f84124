/**
 * "You just voted", carried from the vote's redirect to the one results page view that follows
 * it, so that page can say "Thanks — your vote is counted" once (later visits just mark the
 * choice). A cookie scoped to that poll's results path, holding only "1", gone within a minute:
 * nothing in it names the voter or links polls, and the URL stays the plain results URL.
 */
import type { AstroCookies } from 'astro';

const NAME = 'pp_just_voted';
const path = (slug: string) => `/polls/${slug}/results`;

/** Called with the vote's 303: the next view of this poll's results thanks the voter. */
export function flashVoted(cookies: AstroCookies, slug: string, https: boolean): void {
  cookies.set(NAME, '1', { path: path(slug), maxAge: 60, httpOnly: true, sameSite: 'lax', secure: https });
}

/** Whether this view follows a vote; clears the flag so a reload does not thank again. */
export function takeVotedFlash(cookies: AstroCookies, slug: string): boolean {
  if (cookies.get(NAME)?.value !== '1') return false;
  cookies.delete(NAME, { path: path(slug) });
  return true;
}
