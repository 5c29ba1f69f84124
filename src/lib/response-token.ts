/**
 * The survey response token: the hidden form field that ties the pages of one response together
 * without a cookie or an account. "<response id>.<survey id>.<expiry unix s>.<signature>",
 * bound to one survey and seven days; carried only in form bodies, never in a URL (it would
 * land in logs and Referer headers).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Long enough to finish a survey started before a weekend; short enough that an old form dies. */
export const RESPONSE_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const PURPOSE = 'survey-response';

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${PURPOSE}\0${payload}`).digest('base64url');
}

/** A token for `responseId` of `surveyId`, valid until now + RESPONSE_TOKEN_TTL_MS. */
export function signResponseToken(secret: string, responseId: number, surveyId: number, now: number): string {
  const payload = `${responseId}.${surveyId}.${Math.floor((now + RESPONSE_TOKEN_TTL_MS) / 1000)}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** The response id of a genuine, unexpired token of this survey; otherwise null. */
export function verifyResponseToken(
  secret: string,
  token: string | null,
  surveyId: number,
  now: number,
): number | null {
  const match = /^(\d{1,15})\.(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match) return null;
  const [, response, survey, expiresAt, signature] = match as unknown as [string, string, string, string, string];
  if (Number(survey) !== surveyId || Number(expiresAt) * 1000 <= now) return null;
  const expected = Buffer.from(mac(secret, `${response}.${survey}.${expiresAt}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const responseId = Number(response);
  return Number.isSafeInteger(responseId) && responseId > 0 ? responseId : null;
}
