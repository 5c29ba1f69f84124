/**
 * The admin form's fields as PollInput / PollPatch objects, so the form is validated by the very
 * schemas of the admin API — and back again, to refill a form after a refusal.
 */
import { PollInputError } from './poll-admin';
import { sameLabelKey } from './poll-rules';
import type { OptionRange, PollRecord } from './types';

/** The fields that hold one line of text. */
type TextFieldName =
  | 'question'
  | 'description'
  | 'options'
  | 'type'
  | 'scale'
  | 'minChoices'
  | 'maxChoices'
  | 'exclusive'
  | 'resultsVisibility'
  | 'duplicatePolicy'
  | 'opensAt'
  | 'closesAt'
  | 'slug'
  | 'draft';

/**
 * The raw text of every form field, as the owner typed it, and the ticked profile questions
 * (checkboxes named "profile", one value each, as posted: the schema checks them).
 */
export type PollFormValues = Record<TextFieldName, string> & { profile: string[] };

export const EMPTY_FORM: PollFormValues = {
  question: '',
  description: '',
  options: '',
  type: 'single',
  scale: 'nominal',
  minChoices: '',
  maxChoices: '',
  exclusive: '',
  resultsVisibility: 'after_vote',
  duplicatePolicy: 'device',
  opensAt: '',
  closesAt: '',
  slug: '',
  draft: '',
  profile: [],
};

/** A posted form's fields: the first value of each text field, every ticked profile question. */
export function formValues(form: URLSearchParams): PollFormValues {
  const values = { ...EMPTY_FORM, profile: form.getAll('profile') };
  for (const key of Object.keys(EMPTY_FORM) as (keyof PollFormValues)[]) {
    if (key !== 'profile') values[key] = form.get(key) ?? '';
  }
  return values;
}

/** "2026-12-01T09:00" from a datetime-local field means 09:00 UTC; anything else goes to the schema as typed. */
function instant(value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed) return null;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(trimmed)
    ? `${trimmed.length === 16 ? `${trimmed}:00` : trimmed}Z`
    : trimmed;
}

/** A number field: a number when it looks like one, else the text (so the schema names the field). */
function count(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

const optionLines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** An unset choice field means "the default", as an absent JSON field does. */
const choice = (value: string) => value || undefined;

/** A number as an owner types it: "-5", "2.5", ".5", "1e3", with an optional "%" that is ignored. */
const NUMBER = String.raw`(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*%?`;
/**
 * A range after an option's bar: "low-high", the dash also written as "–", "—", ".." or "to"
 * ("-10--5" and "0 to 10" read as expected). Mirrored in src/scripts/poll-editor.ts.
 */
export const RANGE_PATTERN = new RegExp(String.raw`^\s*${NUMBER}\s*(?:-|–|—|\.\.|to)\s*${NUMBER}\s*$`, 'i');

/** The range text after an option's bar: a range, null when blank, or a sentence saying what is wrong. */
export function parseRange(text: string, position: number): OptionRange | null | string {
  if (!text.trim()) return null;
  const match = RANGE_PATTERN.exec(text);
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || !Number.isFinite(low) || !Number.isFinite(high)) {
    return `Option ${position}'s range "${text.trim()}" is not two numbers such as 10-20 (low-high; decimals with a dot, e.g. -2.5-7.5).`;
  }
  return { low, high };
}

/** "10–20 % | 10-20" → the label and the text after its last bar (null without a bar). */
export function splitOptionLine(line: string): { label: string; range: string | null } {
  const bar = line.lastIndexOf('|');
  return bar < 0 ? { label: line, range: null } : { label: line.slice(0, bar).trim(), range: line.slice(bar + 1) };
}

/** An option as a line of the options field: "label | low-high" on an ordered scale, the label otherwise. */
export function optionLine(label: string, range: OptionRange | null | undefined, ordinal: boolean): string {
  if (!ordinal) return label;
  if (range) return `${label} | ${range.low}-${range.high}`;
  // A bar in the label itself would read as a range separator: an empty range after it keeps it.
  return label.includes('|') ? `${label} |` : label;
}

type FormOption = string | { label: string; exclusive?: true; range?: OptionRange };

/**
 * The option lines of an ordered scale, each with its range when one follows a bar. On an
 * unordered scale a line is its label, bars and all, unless what follows its last bar reads as a
 * range: then the owner most likely forgot to choose "Ordered", and is told so.
 */
function rangedOptions(lines: string[], ordinal: boolean): FormOption[] {
  const problems: string[] = [];
  const options = lines.map((line, index): FormOption => {
    const { label, range } = splitOptionLine(line);
    if (range === null) return line;
    const parsed = parseRange(range, index + 1);
    if (!ordinal) {
      if (parsed !== null && typeof parsed !== 'string') {
        problems.push(
          `Option ${index + 1} has a range (${range.trim()}), but ranges need the scale "Ordered": choose it, or remove the range.`,
        );
      }
      return line;
    }
    if (typeof parsed === 'string') problems.push(parsed);
    return parsed && typeof parsed !== 'string' ? { label, range: parsed } : label;
  });
  if (problems.length) throw new PollInputError({ options: problems.join(' ') });
  return options;
}

/**
 * The option lines, with their ranges on an ordered scale, the one named in the "None of these"
 * field marked exclusive (added at the end when it is not among the lines, so naming it once is enough).
 */
function formOptions(values: PollFormValues, multiple: boolean): FormOption[] {
  const lines = rangedOptions(optionLines(values.options), values.scale === 'ordinal');
  const exclusive = multiple ? values.exclusive.trim() : '';
  if (!exclusive) return lines;
  const labelOf = (option: FormOption) => (typeof option === 'string' ? option : option.label);
  const marked = lines.map((option) =>
    sameLabelKey(labelOf(option)) === sameLabelKey(exclusive)
      ? { ...(typeof option === 'string' ? { label: option } : option), exclusive: true as const }
      : option,
  );
  return marked.some((option) => typeof option !== 'string' && option.exclusive)
    ? marked
    : [...marked, { label: exclusive, exclusive: true }];
}

/**
 * The PollInput a creation form describes. An option range that is not two numbers is refused
 * here (PollInputError on "options"), since the schema would only see a malformed object.
 */
export function pollInputFromForm(values: PollFormValues): Record<string, unknown> {
  const multiple = values.type === 'multiple';
  return {
    question: values.question,
    description: values.description,
    options: formOptions(values, multiple),
    type: choice(values.type),
    scale: choice(values.scale),
    ...(multiple ? { minChoices: count(values.minChoices), maxChoices: count(values.maxChoices) } : {}),
    resultsVisibility: choice(values.resultsVisibility),
    duplicatePolicy: choice(values.duplicatePolicy),
    opensAt: instant(values.opensAt),
    closesAt: instant(values.closesAt),
    ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
    status: values.draft ? 'draft' : 'open',
    // No box ticked: no questions. Unlike options, they may change while the poll has votes.
    profile: values.profile,
  };
}

/** The PollPatch an edit form describes; options only when they may still change. */
export function pollPatchFromForm(values: PollFormValues, optionsEditable: boolean): Record<string, unknown> {
  const { slug: _slug, status: _status, ...input } = pollInputFromForm(values);
  if (!optionsEditable) {
    delete input.options;
    delete input.type;
    delete input.minChoices;
    delete input.maxChoices;
  }
  return input;
}

/**
 * A submitted time as the UTC "2026-12-01T09:00" a datetime-local field shows: the editor's script
 * posts instants ("…T08:00:00.000Z"), a form without JavaScript posts UTC wall time already.
 */
export function utcFieldValue(value: string): string {
  const trimmed = value.trim();
  if (!/[zZ]$|[+-]\d{2}:?\d{2}$/.test(trimmed)) return trimmed;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? trimmed : localField(ms);
}

/** "2026-12-01T09:00" (UTC) for a datetime-local field. */
const localField = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 16));

/** The form values that show an existing poll. */
export function formValuesOf(poll: PollRecord): PollFormValues {
  return {
    question: poll.question,
    description: poll.description,
    options: poll.options.map((o) => optionLine(o.label, o.range, poll.scale === 'ordinal')).join('\n'),
    type: poll.type,
    scale: poll.scale,
    minChoices: poll.type === 'multiple' ? String(poll.minChoices) : '',
    maxChoices: poll.type === 'multiple' ? String(poll.maxChoices) : '',
    exclusive: poll.options.find((option) => option.exclusive)?.label ?? '',
    resultsVisibility: poll.resultsVisibility,
    duplicatePolicy: poll.duplicatePolicy,
    opensAt: localField(poll.opensAt),
    closesAt: localField(poll.closesAt),
    slug: poll.slug,
    draft: poll.status === 'draft' ? 'on' : '',
    profile: [...poll.profile],
  };
}
