/**
 * Rules over a whole poll: status at a moment, choice counts, schedule order, ballots and who
 * may see results. Pure functions of their arguments (time is passed in), so they are tested
 * without a clock or a database.
 */
import { PollError } from './errors';
import { deriveOptionKeys } from './keys';
import {
  OTHER_KEY,
  OTHER_LABEL,
  type NewOption,
  type OptionRange,
  type PollRecord,
  type PollStatus,
  type PollType,
  type Scale,
  type StoredStatus,
} from './types';

/** The status a visitor sees at `now`: the owner's choice, then the schedule. */
export function effectiveStatus(poll: Pick<PollRecord, 'status' | 'opensAt' | 'closesAt'>, now: number): PollStatus {
  if (poll.status !== 'open') return poll.status;
  if (poll.opensAt !== null && now < poll.opensAt) return 'scheduled';
  if (poll.closesAt !== null && now >= poll.closesAt) return 'closed';
  return 'open';
}

/** A label as owners tell options apart: "Vim" and " vim " are the same option to a voter. */
export function sameLabelKey(label: string): string {
  return label.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The first label repeated (ignoring case and spacing), with both positions (from 0), or null. */
export function findDuplicateLabel(labels: readonly string[]): { label: string; first: number; second: number } | null {
  const seen = new Map<string, number>();
  for (const [index, label] of labels.entries()) {
    const key = sameLabelKey(label);
    const first = seen.get(key);
    if (first !== undefined) return { label: label.trim(), first, second: index };
    seen.set(key, index);
  }
  return null;
}

/** Labels with keys: given keys kept, missing ones derived; a repeated label or key is refused. */
export function normaliseOptions(
  options: readonly (
    string | { key?: string; label: string; exclusive?: boolean; range?: OptionRange; value?: number }
  )[],
): NewOption[] {
  const objects = options.map((option) => (typeof option === 'string' ? { label: option } : option));
  const duplicate = findDuplicateLabel(objects.map((option) => option.label));
  if (duplicate) {
    throw invalid(
      'options',
      `"${duplicate.label.slice(0, 64)}" is listed twice (options ${duplicate.first + 1} and ${duplicate.second + 1}); each option must differ by more than case or spacing.`,
    );
  }
  const seen = new Set<string>();
  for (const option of objects) {
    if (!option.key) continue;
    if (seen.has(option.key)) throw invalid('options', `The key "${option.key}" is used by two options.`);
    seen.add(option.key);
  }
  const keys = deriveOptionKeys(objects);
  return objects.map((option, index) => ({
    key: keys[index]!,
    label: option.label,
    ...(option.exclusive ? { exclusive: true } : {}),
    ...(option.range ? { range: option.range } : {}),
    ...(option.value !== undefined ? { value: option.value } : {}),
  }));
}

/**
 * An ordinal scale orders the options of a single-choice question (one answer per respondent is
 * what a median needs); ranges, low below high, belong only to ordinal options.
 */
export function checkScale(type: PollType, scale: Scale, options: readonly NewOption[]): void {
  if (scale === 'ordinal' && type !== 'single' && type !== 'rating') {
    throw invalid('scale', 'An ordered scale needs a single-choice or rating poll (one answer per respondent).');
  }
  options.forEach((option, index) => {
    if (!option.range) return;
    if (scale !== 'ordinal') {
      throw invalid(
        'options',
        `Option ${index + 1} has a range; ranges belong to ordered scales ("scale": "ordinal").`,
      );
    }
    if (!(option.range.low < option.range.high)) {
      throw invalid('options', `Option ${index + 1}'s range must have its low below its high.`);
    }
  });
  // The median interpolates through the options in order, so their ranges must climb with it.
  const ranged = options.map((option, index) => ({ range: option.range, index })).filter((o) => o.range);
  ranged.slice(1).forEach(({ range, index }, i) => {
    const before = ranged[i]!;
    if (range!.low < before.range!.high) {
      throw invalid(
        'options',
        `Option ${index + 1}'s range starts below the end of option ${before.index + 1}'s; list ordered options lowest first, without overlaps.`,
      );
    }
  });
}

/** An exclusive option ("None of these") only means something where several can be ticked. */
export function checkExclusive(type: PollType, options: readonly NewOption[]): void {
  if (type !== 'multiple' && options.some((option) => option.exclusive)) {
    throw invalid('options', 'Only a multiple-choice poll can have an option that excludes the others.');
  }
}

/**
 * The rating scale's numbers: given as `value`, or read from a numeric label ("1" … "5"); the
 * numbers must differ and run one way (lowest first or highest first), since the median and the
 * mean read the options as one scale. Values belong to rating polls only.
 */
export function withRatingValues(type: PollType, options: readonly NewOption[]): NewOption[] {
  if (type !== 'rating') {
    const valued = options.findIndex((option) => option.value !== undefined && option.value !== null);
    if (valued >= 0) throw invalid('options', `Option ${valued + 1} has a value; values belong to rating scales.`);
    return [...options];
  }
  const rated = options.map((option, index) => {
    const value = option.value ?? numericLabel(option.label);
    if (value === null) {
      throw invalid(
        'options',
        `Option ${index + 1} ("${option.label.slice(0, 40)}") needs a number on the scale: a numeric label or a value.`,
      );
    }
    return { ...option, value };
  });
  const steps = rated.slice(1).map((option, i) => Math.sign(option.value - rated[i]!.value));
  if (steps.some((step) => step === 0) || new Set(steps).size > 1) {
    throw invalid('options', "The scale's numbers must all differ and run one way, lowest first or highest first.");
  }
  return rated;
}

/** "4", " 4.5 ", "-1" → the number; anything else (including "4 stars") → null. */
function numericLabel(label: string): number | null {
  const trimmed = label.trim();
  if (!/^-?\d+(?:\.\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Math.abs(value) <= 1e9 ? value : null;
}

/**
 * The options with the write-in "Other" appended when allowed. Only single and multiple choice
 * take one (a rank or a rating of free text means nothing), not on an ordered scale (no place in
 * the order), and no option of the owner's may already use its key.
 */
export function withOtherOption(
  type: PollType,
  scale: Scale,
  allowOther: boolean,
  options: readonly NewOption[],
): NewOption[] {
  const own = options.filter((option) => !option.other);
  if (!allowOther) return own;
  if (type !== 'single' && type !== 'multiple') {
    throw invalid('allowOther', 'Only single- and multiple-choice polls can take a write-in "Other".');
  }
  if (scale === 'ordinal') throw invalid('allowOther', 'An ordered scale cannot take a write-in "Other".');
  const clash = own.findIndex((option) => option.key === OTHER_KEY || sameLabelKey(option.label) === OTHER_KEY);
  if (clash >= 0) {
    throw invalid(
      'options',
      `Option ${clash + 1} is "Other"; with write-ins allowed, "Other" is added for you — remove it.`,
    );
  }
  return [...own, { key: OTHER_KEY, label: OTHER_LABEL, other: true }];
}

/**
 * Single choice and rating are always 1..1; multiple defaults to 1..number of options; ranked
 * defaults to ranking 1..all options.
 */
export function resolveChoiceCounts(
  type: PollType,
  optionCount: number,
  minChoices: number | undefined,
  maxChoices: number | undefined,
): { minChoices: number; maxChoices: number } {
  if (type === 'single' || type === 'rating') {
    if ((minChoices ?? 1) !== 1 || (maxChoices ?? 1) !== 1) {
      throw invalid(
        'minChoices',
        type === 'rating'
          ? 'A rating takes exactly one answer per respondent.'
          : 'A single-choice poll takes exactly one choice; choose multiple choice to allow more.',
      );
    }
    return { minChoices: 1, maxChoices: 1 };
  }
  const max = maxChoices ?? optionCount;
  const min = minChoices ?? 1;
  const ranked = type === 'ranked';
  if (max > optionCount) {
    throw invalid(
      'maxChoices',
      ranked
        ? `Voters cannot rank more options than there are (${optionCount}).`
        : `Maximum choices cannot be more than the number of options (${optionCount}).`,
    );
  }
  if (min > max) {
    throw invalid(
      'minChoices',
      ranked
        ? 'The fewest options voters must rank cannot be more than the most they may rank.'
        : 'Minimum choices cannot be more than maximum choices.',
    );
  }
  return { minChoices: min, maxChoices: max };
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
        throw invalid('opensAt', 'a scheduled poll needs an opening time in the future');
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
