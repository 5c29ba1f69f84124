/** Bearer-token check for the admin JSON API, in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PollError } from '@/lib/errors';

/** How changes made with the bearer token appear in the audit log. */
export const API_ACTOR = 'api-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Throws 401 unless the request carries `Authorization: Bearer <token>`; always 401 without a token configured. */
export function requireAdminToken(request: Request, token: string | null): void {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Comparing fixed-length digests keeps the time independent of where, or whether, lengths differ.
  const ok = token !== null && match !== null && timingSafeEqual(digest(match[1]!), digest(token));
  if (!ok) throw new PollError('unauthorized', 'A valid admin bearer token is required.');
}
