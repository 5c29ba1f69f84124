/**
 * What a question may be: its options (labels told apart, keys derived), the scale and ranges
 * of ordered options, exclusive options, a rating scale's numbers, the write-in "Other", and
 * how many choices each type takes. Pure; each refusal is an invalid_poll naming its field.
 */
import { deriveOptionKeys } from './keys';
import { invalid } from './poll-rules';
import { OTHER_KEY, OTHER_LABEL, type NewOption, type OptionRange, type PollType, type Scale } from './types';

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
