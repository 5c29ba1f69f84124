/**
 * The admin form's fields as PollInput / PollPatch objects, so the form is validated by the very
 * schemas of the admin API — and back again, to refill a form after a refusal.
 */
import { splitOriginList } from './embed-origins';
import { lineMode, optionLine, parseOptionLines, type FormOption } from './option-lines';
import { sameLabelKey } from './question-rules';
import { DEFAULT_ADDRESS_BUDGET, defaultAddressBudget } from './schemas';
import type { AddressBudget, PollRecord } from './types';

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
  | 'networkIdentity'
  /** Votes per network per hour; empty or 0: no budget. */
  | 'addressBudget'
  /** The IPv6 prefix length the budget counts under ("64" or "48"). */
  | 'addressBudgetIpv6'
  | 'opensAt'
  | 'closesAt'
  | 'slug'
  | 'draft'
  | 'allowOther'
  // Every "embedOrigins" value posted (ticked hosts and the text box), joined by spaces.
  | 'embedOrigins';

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
  networkIdentity: 'address_agent',
  // The default policy's budget, shown so the owner sees what a new poll gets.
  ...budgetFields(defaultAddressBudget('device')),
  opensAt: '',
  closesAt: '',
  slug: '',
  draft: '',
  allowOther: '',
  embedOrigins: '',
  profile: [],
};

/** An address budget as the form's two fields; no budget: an empty count. */
export function budgetFields(
  budget: AddressBudget | null,
): Pick<PollFormValues, 'addressBudget' | 'addressBudgetIpv6'> {
  return {
    addressBudget: budget ? String(budget.votesPerHour) : '',
    addressBudgetIpv6: String(budget?.ipv6Prefix ?? DEFAULT_ADDRESS_BUDGET.ipv6Prefix),
  };
}

/**
 * The budget the form's fields describe: an empty count or 0 means none (null); anything else goes
 * to the schema as typed, so a count it refuses is named under `addressBudget`.
 */
function formBudget(values: PollFormValues): Record<string, unknown> | null {
  const votesPerHour = count(values.addressBudget);
  if (votesPerHour === undefined || votesPerHour === 0) return null;
  return { votesPerHour, ...(values.addressBudgetIpv6.trim() ? { ipv6Prefix: count(values.addressBudgetIpv6) } : {}) };
}

/** A posted form's fields: the first value of each text field, every ticked profile question. */
export function formValues(form: URLSearchParams): PollFormValues {
  const values = { ...EMPTY_FORM, profile: form.getAll('profile') };
  for (const key of Object.keys(EMPTY_FORM) as (keyof PollFormValues)[]) {
    if (key !== 'profile') values[key] = form.get(key) ?? '';
  }
  values.embedOrigins = form.getAll('embedOrigins').join(' ');
  return values;
}

/** "2026-12-01T09:00" from a datetime-local field means 09:00 UTC; anything else goes to the schema as typed. */
export function instant(value: string): string | null {
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

/**
 * The option lines, read as the question type needs them, the one named in the "None of these"
 * field marked exclusive (added at the end when it is not among the lines, so naming it once is enough).
 */
function formOptions(values: PollFormValues, multiple: boolean): FormOption[] {
  const mode = lineMode(values.type, values.scale);
  const lines = parseOptionLines(optionLines(values.options), mode, values.type === 'ranked');
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
 * The scale the form means: a rating scale is ordered and a ranked poll unordered whatever the
 * (then hidden) Scale choice says; otherwise the choice as posted.
 */
function formScale(values: PollFormValues): string | undefined {
  if (values.type === 'rating') return 'ordinal';
  if (values.type === 'ranked') return 'nominal';
  return choice(values.scale);
}

/**
 * The PollInput a creation form describes. An option line the type cannot read (a range that is
 * not two numbers, a rating value that is not a number) is refused here (PollInputError on
 * "options"), since the schema would only see a malformed object.
 */
export function pollInputFromForm(values: PollFormValues): Record<string, unknown> {
  const multiple = values.type === 'multiple';
  // Ranked polls reuse the choice counts as the fewest and most ranks a voter gives.
  const counted = multiple || values.type === 'ranked';
  return {
    question: values.question,
    description: values.description,
    options: formOptions(values, multiple),
    type: choice(values.type),
    scale: formScale(values),
    ...(counted ? { minChoices: count(values.minChoices), maxChoices: count(values.maxChoices) } : {}),
    // An unticked box is not posted: no write-ins (and, in an edit, write-ins turned off).
    allowOther: values.allowOther !== '',
    resultsVisibility: choice(values.resultsVisibility),
    duplicatePolicy: choice(values.duplicatePolicy),
    networkIdentity: choice(values.networkIdentity),
    addressBudget: formBudget(values),
    opensAt: instant(values.opensAt),
    closesAt: instant(values.closesAt),
    ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
    status: values.draft ? 'draft' : 'open',
    // No box ticked: no questions. Unlike options, they may change while the poll has votes.
    profile: values.profile,
    embedOrigins: splitOriginList(values.embedOrigins),
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
    // Adding or removing "Other" changes the options.
    delete input.allowOther;
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
  const mode = lineMode(poll.type, poll.scale);
  const counted = poll.type === 'multiple' || poll.type === 'ranked';
  return {
    question: poll.question,
    description: poll.description,
    // The write-in "Other" is the poll's, brought by the allowOther box, not one of the owner's lines.
    options: poll.options
      .filter((option) => !option.other)
      .map((option) => optionLine(option, mode))
      .join('\n'),
    type: poll.type,
    scale: poll.scale,
    minChoices: counted ? String(poll.minChoices) : '',
    maxChoices: counted ? String(poll.maxChoices) : '',
    exclusive: poll.options.find((option) => option.exclusive)?.label ?? '',
    resultsVisibility: poll.resultsVisibility,
    duplicatePolicy: poll.duplicatePolicy,
    networkIdentity: poll.networkIdentity,
    ...budgetFields(poll.addressBudget),
    opensAt: localField(poll.opensAt),
    closesAt: localField(poll.closesAt),
    slug: poll.slug,
    draft: poll.status === 'draft' ? 'on' : '',
    allowOther: poll.allowOther ? 'on' : '',
    embedOrigins: poll.embedOrigins.join(' '),
    profile: [...poll.profile],
  };
}
