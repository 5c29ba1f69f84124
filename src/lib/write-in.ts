/**
 * Write-in "Other" answers (SPEC.md, "Question types contract"): the ballot's `other` text is
 * checked here (422 invalid_other) and counts as the option `other`. The owner reads the texts
 * grouped by a normalised form, so "Jira", " jira " and "JIRA." are one answer.
 */
import { PollError } from './errors';
import { OTHER_KEY, type PollRecord } from './types';

export const MAX_OTHER_LENGTH = 200;

/** Controls other than whitespace (which collapses to a space) and bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export interface WriteIn {
  /** The ballot's choices, with `other` added when a write-in was given. */
  choices: string[];
  /** The text as stored: trimmed, inner whitespace runs as one space; null without a write-in. */
  text: string | null;
}

/** Checks a ballot's `other` against the poll; throws 422 invalid_other with a sentence the voter can act on. */
export function parseWriteIn(
  poll: Pick<PollRecord, 'allowOther'>,
  choices: readonly string[],
  other: unknown,
): WriteIn {
  const choseOther = choices.includes(OTHER_KEY);
  if (other === undefined || other === null) {
    if (poll.allowOther && choseOther) {
      throw new PollError('invalid_other', 'Write your answer for "Other", or choose another option.');
    }
    return { choices: [...choices], text: null };
  }
  if (!poll.allowOther) throw new PollError('invalid_other', 'This poll takes no write-in answers.');
  if (typeof other !== 'string') throw new PollError('invalid_other', 'The "Other" answer must be text.');
  if (UNPRINTABLE.test(other)) {
    throw new PollError('invalid_other', 'The "Other" answer contains characters that cannot be shown.');
  }
  const text = other.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (text === '') throw new PollError('invalid_other', 'Write your answer for "Other", or choose another option.');
  if ([...text].length > MAX_OTHER_LENGTH) {
    throw new PollError('invalid_other', `Keep the "Other" answer to ${MAX_OTHER_LENGTH} characters.`);
  }
  return { choices: choseOther ? [...choices] : [...choices, OTHER_KEY], text };
}

/** The form the owner's list groups by: compatibility-folded, lower case, no edge punctuation. */
export function normaliseWriteIn(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
  const bare = folded.replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '');
  return bare === '' ? folded : bare;
}
