/**
 * The signed-in person behind a request, for the `person` duplicate policy: an authenticating
 * proxy in front (oauth2-proxy, Authelia, an IIS/Entra front door) names the user in
 * AUTH_USER_HEADER, and may state profile answers in AUTH_ATTRIBUTE_HEADERS.
 *
 * Those headers are believed only from a peer whose forwarding headers are believed
 * (TRUST_PROXY=1 and, with TRUSTED_PROXIES, only those proxies: src/http/client-address.ts);
 * from anyone else they are ignored, exactly as a forged X-Forwarded-For is. The user id lives in
 * memory for the request and enters only the per-poll HMAC (src/lib/voter.ts personKeyFor): it is
 * never stored, logged or rendered.
 */
import type { SignOnConfig } from '@/lib/sign-on-config';
import { profileValueFromText, type ProfileAnswers, type SignOnProfile } from '@/lib/profile';
import type { Visitor, Voter } from '@/lib/votes';
import type { HeaderGetter } from './origin-checks';
import { readDeviceIds, type CookieJar, type DeviceOptions } from './voter-cookie';

/** Longer than any login name or e-mail address; a longer value is not a user id but junk. */
export const MAX_USER_ID_LENGTH = 256;

/** What the sign-on says about the visitor. */
export interface SignedInPerson {
  /** The user id as the proxy named it, trimmed and in lower case (see personId). */
  id: string;
  /** Answers the attribute headers state (values outside the catalogue are left out: "not stated"). */
  profile: ProfileAnswers;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bytes above ASCII, as Node hands them over.
const HIGH_BYTES = /[\u0080-\u00ff]/;
// eslint-disable-next-line no-control-regex -- any character a byte cannot be
const BEYOND_BYTES = /[^\u0000-\u00ff]/;

/**
 * A header value as the proxy wrote it: proxies send user ids in UTF-8 ("michał", "田中"), and
 * Node hands header bytes over one character per byte (latin1), so a UTF-8 name arrives as
 * mojibake whose bytes 0x80–0x9F look like control characters. The bytes are decoded as UTF-8;
 * bytes that are not valid UTF-8 make the value unusable (null), never a guess.
 */
export function fromWire(raw: string): string | null {
  if (!HIGH_BYTES.test(raw)) return raw; // ASCII, or already decoded text (characters above U+00FF)
  if (BEYOND_BYTES.test(raw)) return raw;
  const text = Buffer.from(raw, 'latin1').toString('utf8');
  return text.includes('\uFFFD') ? null : text;
}

/**
 * A sign-on header's value, or null: decoded from UTF-8 (fromWire), trimmed, at most
 * MAX_USER_ID_LENGTH characters and free of control characters; anything else is treated as no
 * header at all (never truncated, which could make two users one).
 */
export function headerText(raw: string | null | undefined): string | null {
  const decoded = fromWire(raw ?? '');
  if (decoded === null) return null;
  const text = decoded.trim();
  if (text === '' || text.length > MAX_USER_ID_LENGTH || CONTROL.test(text)) return null;
  return text;
}

/**
 * The key a user id is locked under: the same person however the directory spells their name
 * this time ("CONTOSO\Alice" typed at a Windows login, "contoso\alice" the next day; e-mail
 * addresses in any case). Unicode is composed first, so "é" is one character either way.
 */
export const personId = (text: string): string => text.normalize('NFC').toLowerCase();

/**
 * The signed-in person of a request, or null: no sign-on configured, the peer is not a trusted
 * proxy (`forwarded` false), or the user header is absent or unusable.
 */
export function signedInPerson(
  signOn: SignOnConfig | null,
  forwarded: boolean,
  headers: HeaderGetter,
): SignedInPerson | null {
  if (!signOn || !forwarded) return null;
  const user = headerText(headers.get(signOn.userHeader));
  if (user === null) return null;
  const profile: ProfileAnswers = {};
  for (const { dimension, header } of signOn.attributeHeaders) {
    const text = headerText(headers.get(header));
    const value = text === null ? undefined : profileValueFromText(dimension, text);
    if (value !== undefined) profile[dimension] = value;
  }
  return { id: personId(user), profile };
}

/**
 * What the sign-on contributes to a ballot's profile: every dimension it is configured for (the
 * ballot's own answer to those is ignored, whoever sent it), and this person's answers.
 */
export function signOnProfile(signOn: SignOnConfig | null, person: SignedInPerson | null): SignOnProfile | null {
  if (!signOn || signOn.attributeHeaders.length === 0) return null;
  return { dimensions: signOn.attributeHeaders.map((a) => a.dimension), answers: person?.profile ?? {} };
}

/** The voter of a ballot with the signed-in person (if any) and the sign-on's profile answers. */
export function withPerson(voter: Voter, locals: Pick<App.Locals, 'app' | 'person'>): Voter {
  return {
    ...voter,
    personId: locals.person?.id ?? null,
    signOn: signOnProfile(locals.app.config.signOn, locals.person),
  };
}

/**
 * Who a request is, for "has this visitor voted" and "Your choice": the device ids its cookies
 * prove and the signed-in person, if a believed sign-on names one. Votes are stored under the
 * browser's device key on every policy; on a person poll or survey the person only finds their
 * lock (src/lib/votes.ts ownChoices), which says that they voted, never how — so another browser
 * of theirs shows "already voted" but no "Your choice". The person is kept apart from the device
 * ids so that it never reaches a cookie, a widget token or a device lock. Pages that depend on it
 * are never kept for others: the page cache refuses every request with the sign-on header
 * (src/http/page-cache.ts).
 */
export function visitorOf(
  cookies: CookieJar,
  locals: Pick<App.Locals, 'app' | 'person'>,
  options: DeviceOptions = {},
): Visitor {
  return { deviceIds: readDeviceIds(cookies, locals.app.secret, options), personId: locals.person?.id ?? null };
}

/** The dimensions the sign-on fills: their selects are not shown on ballots. */
export const signOnDimensions = (signOn: SignOnConfig | null) => signOn?.attributeHeaders.map((a) => a.dimension) ?? [];

/** The sentence a person poll or survey shows a visitor the sign-on does not name. */
export const signInMessage = (noun: 'poll' | 'survey' = 'poll') =>
  `Sign in through your intranet to ${noun === 'poll' ? 'vote' : 'answer'}: this ${noun} counts one ${noun === 'poll' ? 'vote' : 'answer'} per signed-in colleague, and no sign-in reached it. Open it from your intranet (the address your organisation gave you) and sign in when asked.`;
