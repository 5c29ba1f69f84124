/**
 * Rules over a whole poll: status at a moment, schedule order, ballots and who may see results
 * (what a question may be — options, scale, type — is in question-rules.ts). Pure functions of their arguments (time is passed in), so they are tested
 * without a clock or a database.
 */
import { PollError } from './errors';
import type { PollRecord, PollStatus, StoredStatus } from './types';

/** The status a visitor sees at `now`: the owner's choice, then the schedule. */
export function effectiveStatus(poll: Pick<PollRecord, 'status' | 'opensAt' | 'closesAt'>, now: number): PollStatus {
  if (poll.status !== 'open') return poll.status;
  if (poll.opensAt !== null && now < poll.opensAt) return 'scheduled';
  if (poll.closesAt !== null && now >= poll.closesAt) return 'closed';
  return 'open';
}

/** closesAt must come after opensAt when both are set. */
export function checkSchedule(opensAt: number | null, closesAt: number | null): void {
  if (opensAt !== null && closesAt !== null && closesAt <= opensAt) {
    throw invalid('closesAt', 'The closing time must be later than the opening time.');
  }
}

/** The schedule part of a PollPatch: a status change and/or new times (ISO strings, null clears). */
export interface SchedulePatch {
  status?: 'draft' | 'open' | 'closed' | 'scheduled';
  opensAt?: string | null;
  closesAt?: string | null;
}

/**
 * Status and schedule after a patch, as the owner means each button:
 * - "open" is *open now*: a future opensAt is pulled to now, a passed closesAt is cleared, a
 *   later closesAt is kept (so "Open now" on a scheduled poll keeps its planned close).
 * - "closed" is *closed now*: closesAt becomes now unless it already passed. A poll that had not
 *   opened yet never opened, so its future opensAt is cleared; keeping it would put the opening
 *   after the close ("closesAt: must be later than opensAt" was the bug).
 * - "scheduled" keeps the poll stored as open and needs a future opensAt (scheduled is derived).
 * - "draft" only changes the stored status.
 * Times the patch gives explicitly are the owner's word and are still checked for order.
 */
export function scheduleAfterPatch(
  current: Pick<PollRecord, 'status' | 'opensAt' | 'closesAt'>,
  patch: SchedulePatch,
  now: number,
): Pick<PollRecord, 'status' | 'opensAt' | 'closesAt'> {
  let opensAt = patch.opensAt !== undefined ? toEpoch(patch.opensAt) : current.opensAt;
  let closesAt = patch.closesAt !== undefined ? toEpoch(patch.closesAt) : current.closesAt;
  let status = current.status;
  switch (patch.status) {
    case 'draft':
      status = 'draft';
      break;
    case 'open':
      status = 'open';
      if (opensAt !== null && opensAt > now) opensAt = now;
      if (patch.closesAt === undefined && closesAt !== null && closesAt <= now) closesAt = null;
      break;
    case 'closed':
      status = 'closed';
      if (patch.opensAt === undefined && opensAt !== null && opensAt >= now) opensAt = null;
      if (closesAt === null || closesAt > now) closesAt = now;
      break;
    case 'scheduled':
      if (opensAt === null || opensAt <= now) {
        throw invalid('opensAt', 'scheduling needs an opening time in the future');
      }
      status = 'open';
      break;
  }
  checkSchedule(opensAt, closesAt);
  return { status, opensAt, closesAt };
}

/** The lifecycle buttons of the admin page. */
export type LifecycleAction = 'publish' | 'open-now' | 'close' | 'reopen';

/** The steps an owner can take from each status, the usual one first: every state has a way forward. */
export const LIFECYCLE_ACTIONS: Record<PollStatus, readonly LifecycleAction[]> = {
  draft: ['publish'],
  scheduled: ['open-now', 'close'],
  open: ['close'],
  closed: ['reopen'],
};

/**
 * The patch each button stands for. Publishing a draft keeps its planned opening (it becomes
 * scheduled, as the owner set it up); "open now" and "reopen" open at once.
 */
export function lifecyclePatch(action: LifecycleAction, poll: Pick<PollRecord, 'opensAt'>, now: number): SchedulePatch {
  if (action === 'close') return { status: 'closed' };
  if (action === 'publish' && poll.opensAt !== null && poll.opensAt > now) return { status: 'scheduled' };
  return { status: 'open' };
}

/** Parses an already-validated ISO 8601 string (or null) into epoch milliseconds. */
export function toEpoch(value: string | null | undefined): number | null {
  return value ? Date.parse(value) : null;
}

/**
 * Checks a ballot against the poll and returns the chosen option ids (a ranked ballot's in its
 * order of preference), or throws the contract code a voter can act on.
 */
export function ballotOptionIds(poll: PollRecord, choices: readonly string[]): number[] {
  const byKey = new Map(poll.options.map((option) => [option.key, option.id]));
  const unique = new Set(choices);
  const ranked = poll.type === 'ranked';
  if (unique.size !== choices.length) {
    throw new PollError(
      'invalid_choice',
      ranked ? 'Each option can be ranked only once.' : 'Each option can be chosen only once.',
    );
  }
  const unknown = choices.find((key) => !byKey.has(key));
  if (unknown !== undefined) {
    throw new PollError('invalid_choice', `"${unknown.slice(0, 64)}" is not an option of this poll.`);
  }
  const exclusive = choices.length > 1 && poll.options.find((o) => o.exclusive && unique.has(o.key));
  if (exclusive) {
    throw new PollError('invalid_choice', `"${exclusive.label}" cannot be chosen together with other options.`);
  }
  if (choices.length > poll.maxChoices) {
    throw new PollError(
      'too_many_choices',
      ranked
        ? `Rank at most ${poll.maxChoices} options.`
        : poll.maxChoices === 1
          ? 'Choose only one option.'
          : `Choose at most ${poll.maxChoices} options.`,
    );
  }
  if (choices.length < poll.minChoices) {
    throw new PollError(
      'too_few_choices',
      ranked
        ? poll.minChoices === 1
          ? 'Rank at least one option before voting.'
          : `Rank at least ${poll.minChoices} options.`
        : poll.minChoices === 1
          ? 'Choose an option before voting.'
          : `Choose at least ${poll.minChoices} options.`,
    );
  }
  return choices.map((key) => byKey.get(key)!);
}

/** Why results are hidden from this visitor, or null when they may see them. */
export function resultsHiddenReason(
  poll: PollRecord,
  visitor: { hasVoted: boolean },
  now: number,
): 'after_vote' | 'after_close' | null {
  const closed = effectiveStatus(poll, now) === 'closed';
  if (poll.resultsVisibility === 'always' || closed) return null;
  if (poll.resultsVisibility === 'after_vote') return visitor.hasVoted ? null : 'after_vote';
  return 'after_close';
}

/** Statuses a visitor can find: drafts are the owner's alone. */
export function isPublic(status: StoredStatus): boolean {
  return status !== 'draft';
}

/**
 * An invalid_poll refusal naming its field, as the contract asks ("closesAt: The closing time …");
 * forms show the sentence without the field name (see `formErrorsOf`).
 */
export function invalid(field: string, sentence: string): PollError {
  return new PollError('invalid_poll', `${field}: ${sentence}`, field);
}
