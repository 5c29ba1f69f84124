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

/** Format characters, except the joiners that Persian words and emoji sequences need. */
const JOINER_SAFE_FORMAT = /(?![\u200c\u200d])\p{Cf}/gu;

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
  // Lone surrogates are not text (they cannot be stored as UTF-8); a pile of combining marks on
  // one letter hides the answer under a smear.
  if (UNPRINTABLE.test(other) || /\p{Cs}/u.test(other) || /\p{M}{5,}/u.test(other)) {
    throw new PollError('invalid_other', 'The "Other" answer contains characters that cannot be shown.');
  }
  // Invisible format characters (zero-width spaces, soft hyphens, direction marks) would make
  // "Jira" and "Ji\u200bra" two answers that look the same on the owner's list.
  const text = other.normalize('NFC').replace(JOINER_SAFE_FORMAT, '').trim().replace(/\s+/gu, ' ');
  if (!/[\p{L}\p{N}\p{P}\p{S}]/u.test(text)) {
    throw new PollError('invalid_other', 'Write your answer for "Other", or choose another option.');
  }
  if ([...text].length > MAX_OTHER_LENGTH) {
    throw new PollError('invalid_other', `Keep the "Other" answer to ${MAX_OTHER_LENGTH} characters.`);
  }
  return { choices: choseOther ? [...choices] : [...choices, OTHER_KEY], text };
}

/** The form the owner's list groups by: compatibility-folded, lower case, no sentence punctuation or quotes at the edges. */
export function normaliseWriteIn(text: string): string {
  const folded = text.normalize('NFKC').replace(JOINER_SAFE_FORMAT, '').toLowerCase().replace(/\s+/gu, ' ').trim();
  // Sentence punctuation and quotes only: "C#" and "C++" are answers of their own, not "C".
  const bare = folded.replace(/^[\s.,;:!?'"`«»“”‘’()[\]]+|[\s.,;:!?'"`«»“”‘’()[\]]+$/gu, '');
  return bare === '' ? folded : bare;
}
