/**
 * A ballot from an HTML form, the same for the poll page and the widget. Fields:
 * - `choice`, repeated: option keys. A ranked ballot's selects come in rank order ("1st choice",
 *   "2nd choice", …), so document order is preference order; a rank left empty is skipped.
 * - `other`: the write-in text of a poll with allowOther (an empty box means no write-in). On a
 *   single-choice ballot the text counts when "Other" is among the picks or nothing is picked — a
 *   voter who typed and then picked another option changed their mind; on a multiple-choice ballot
 *   text ticks "Other" (the likelier slip is forgetting the box).
 * - the profile questions (src/lib/profile.ts).
 * The result goes through the same checks as a JSON ballot (castVote).
 *
 * A survey page holds several questions in one form, so each question's fields carry its slug
 * (`q:<slug>`, `q:<slug>:other`; see questionFieldNames) and are read with the same rules.
 */
import { profileFromForm } from './profile';
import { OTHER_KEY, type PollRecord } from './types';

export interface FormBallot {
  choices: string[];
  other?: string;
  profile: Record<string, unknown>;
}

/** The form fields a ballot's choices and write-in are read from. */
export interface BallotFieldNames {
  choice: string;
  other: string;
}

const POLL_FIELDS: BallotFieldNames = { choice: 'choice', other: 'other' };

/** A survey question's fields: `q:<slug>` for its choices, `q:<slug>:other` for its write-in. */
export const questionFieldNames = (slug: string): BallotFieldNames => ({
  choice: `q:${slug}`,
  other: `q:${slug}:other`,
});

export function ballotFromForm(
  poll: Pick<PollRecord, 'type' | 'profile' | 'allowOther'>,
  form: { get(name: string): string | null; getAll(name: string): string[] },
  names: BallotFieldNames = POLL_FIELDS,
): FormBallot {
  const choices = form.getAll(names.choice).filter((key) => key !== '');
  const text = form.get(names.other);
  const written = poll.allowOther && text !== null && text.trim() !== '';
  const counts = written && (poll.type === 'multiple' || choices.includes(OTHER_KEY) || choices.length === 0);
  return { choices, ...(counts ? { other: text } : {}), profile: profileFromForm(poll.profile, form) };
}
