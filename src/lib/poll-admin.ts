/**
 * The owner's use cases: create, edit, close/reopen and delete polls (import and export live in
 * poll-files.ts). Every change made with an `actor` is written to the audit log in the same
 * transaction.
 */
import { PollError } from './errors';
import { responses } from './format';
import { kebabCase, slugFromQuestion } from './keys';
import { MAX_SLUG_LENGTH, RESERVED_SLUGS } from './limits';
import { getPollForOwner, notFound } from './polls';
import { inCatalogueOrder } from './profile';
import { checkSchedule, effectiveStatus, scheduleAfterPatch, toEpoch } from './poll-rules';
import {
  checkExclusive,
  checkScale,
  normaliseOptions,
  resolveChoiceCounts,
  withOtherOption,
  withRatingValues,
} from './question-rules';
import { defaultAddressBudget, fieldErrors, pollInputSchema, pollPatchSchema } from './schemas';
import type { PollStore } from './store';
import type { SurveyStore } from './survey-types';
import type { NewOption, OptionRange, PollFields, PollRecord, PollType, Scale } from './types';

/**
 * A refusal as sentences per form field (`body` for the form as a whole), for forms to show next
 * to fields; the "field: " prefix the API's message carries is dropped, the label says it.
 */
export function formErrorsOf(error: PollError): Record<string, string> {
  if (error instanceof PollInputError) return error.errors;
  const field = error.field ?? 'body';
  const prefix = `${field}: `;
  return { [field]: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message };
}

/** A refused PollInput or PollPatch, with every field's problem (a sentence) for forms to show in place. */
export class PollInputError extends PollError {
  readonly errors: Record<string, string>;
  constructor(errors: Record<string, string>) {
    const [field, sentence] = Object.entries(errors)[0]!;
    super('invalid_poll', `${field}: ${sentence}`, field);
    this.errors = errors;
  }
}

export interface PreparedPoll {
  /** Given by the owner, or null to derive from the question. */
  slug: string | null;
  fields: Omit<PollFields, 'slug'>;
  options: NewOption[];
}

/** Runs a rule, collecting its invalid_poll refusal under its field instead of throwing. */
function collect<T>(errors: Record<string, string>, rule: () => T): T | undefined {
  try {
    return rule();
  } catch (error) {
    if (!(error instanceof PollError) || error.code !== 'invalid_poll') throw error;
    Object.entries(formErrorsOf(error)).forEach(([field, sentence]) => (errors[field] ??= sentence));
    return undefined;
  }
}

/** Validates a PollInput (JSON or form data) completely: every field's problem, or the poll to create. */
export function preparePoll(body: unknown): PreparedPoll {
  const parsed = pollInputSchema.safeParse(body);
  if (!parsed.success) throw new PollInputError(fieldErrors(parsed.error));
  const input = parsed.data;
  const errors: Record<string, string> = {};
  // A rating scale is ordered by nature: its median and mean read the options as one scale.
  const scale = input.type === 'rating' ? 'ordinal' : input.scale;
  const owned = collect(errors, () => normaliseOptions(input.options));
  const opensAt = toEpoch(input.opensAt);
  const closesAt = toEpoch(input.closesAt);
  collect(errors, () => checkSchedule(opensAt, closesAt));
  const options = owned && collect(errors, () => shapeOptions(input.type, scale, input.allowOther, owned));
  const counts = collect(errors, () =>
    resolveChoiceCounts(
      input.type,
      input.options.length + (input.allowOther ? 1 : 0),
      input.minChoices,
      input.maxChoices,
    ),
  );
  if (!options || !counts || Object.keys(errors).length) throw new PollInputError(errors);
  return {
    slug: input.slug ?? null,
    options,
    fields: {
      question: input.question,
      description: input.description,
      type: input.type,
      scale,
      ...counts,
      // "scheduled" is not stored: an open poll whose opensAt is ahead *is* scheduled.
      status: input.status ?? 'open',
      opensAt,
      closesAt,
      resultsVisibility: input.resultsVisibility,
      duplicatePolicy: input.duplicatePolicy,
      networkIdentity: input.networkIdentity,
      addressBudget:
        input.addressBudget === undefined ? defaultAddressBudget(input.duplicatePolicy) : input.addressBudget,
      embedOrigins: input.embedOrigins,
      profile: inCatalogueOrder(input.profile),
      allowOther: input.allowOther,
    },
  };
}

/**
 * The options as the question type needs them, or invalid_poll: exclusive options only on
 * multiple choice, ranges only on ordered scales, numbers on every point of a rating scale, and
 * the write-in "Other" appended last when allowed.
 */
function shapeOptions(type: PollType, scale: Scale, allowOther: boolean, options: readonly NewOption[]): NewOption[] {
  checkExclusive(type, options);
  checkScale(type, scale, options);
  return withOtherOption(type, scale, allowOther, withRatingValues(type, options));
}

/** Validates a PollInput and creates the poll; `actor` is recorded in the audit log. */
export async function createPoll(store: PollStore, body: unknown, now: number, actor?: string): Promise<PollRecord> {
  const { slug, fields, options } = preparePoll(body);
  const audit = actor ? { actor, action: 'create' } : undefined;
  if (slug) {
    const created = await store.createPoll({ ...fields, slug }, options, now, audit);
    if (created === 'slug_taken')
      throw new PollError('slug_taken', `The slug "${slug}" is already used by another poll.`, 'slug');
    return created;
  }
  // A derived slug gets a numeric suffix instead of a clash; retry covers a concurrent create.
  for (let attempt = 0; attempt < 5; attempt++) {
    const derived = await freeSlug(store, slugFromQuestion(fields.question));
    const created = await store.createPoll({ ...fields, slug: derived }, options, now, audit);
    if (created !== 'slug_taken') return created;
  }
  throw new PollError('slug_taken', 'Could not find a free slug for this question; give one explicitly.', 'slug');
}

export async function freeSlug(
  store: PollStore,
  base: string,
  alsoTaken: (slug: string) => boolean = () => false,
): Promise<string> {
  const taken = async (slug: string) =>
    RESERVED_SLUGS.includes(slug) || alsoTaken(slug) || (await store.slugExists(slug));
  if (!(await taken(base))) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = kebabCase(base.slice(0, MAX_SLUG_LENGTH - suffix.length), MAX_SLUG_LENGTH) + suffix;
    if (!(await taken(candidate))) return candidate;
  }
}

/** Applies a PollPatch: text, schedule, status; structure (options, type, choice counts) only without votes. */
export async function updatePoll(
  store: PollStore,
  slug: string,
  body: unknown,
  now: number,
  actor?: string,
  surveys?: SurveyLookup,
): Promise<PollRecord> {
  const parsed = pollPatchSchema.safeParse(body);
  if (!parsed.success) throw new PollInputError(fieldErrors(parsed.error));
  const patch = parsed.data;
  const current = await getPollForOwner(store, slug);
  if (current.surveyId !== null) throw await editedThroughSurvey(surveys, current);

  const type = patch.type ?? current.type;
  const allowOther = patch.allowOther ?? current.allowOther;
  // The scale is how results are summarised, not what was asked: it may change with votes. A
  // rating scale is always ordered.
  const scale = type === 'rating' ? 'ordinal' : (patch.scale ?? current.scale);
  const given = patch.options ? normaliseOptions(patch.options) : undefined;
  // Ranges already stored stay as they are (options are locked once votes exist) and simply go
  // unused on an unordered scale; only ranges given in this patch must suit the scale.
  checkScale(type, scale, given ?? []);
  // The owner's options (the write-in "Other" is the poll's, not theirs); stored values of a
  // former rating scale fall away with the type.
  const owned =
    given ?? current.options.filter((option) => !option.other).map((option) => storedOption(option, type === 'rating'));
  checkExclusive(type, owned);
  const options = withOtherOption(type, scale, allowOther, withRatingValues(type, owned));
  const optionsChanged = !sameOptions(options, current.options);
  const structural =
    optionsChanged || type !== current.type || patch.minChoices !== undefined || patch.maxChoices !== undefined;
  const counts = structural
    ? resolveChoiceCounts(type, options.length, patch.minChoices, patch.maxChoices)
    : { minChoices: current.minChoices, maxChoices: current.maxChoices };
  const countsChanged = counts.minChoices !== current.minChoices || counts.maxChoices !== current.maxChoices;

  const fields: Partial<PollFields> = {
    question: patch.question,
    description: patch.description,
    type,
    scale: scale === current.scale ? undefined : scale,
    allowOther: patch.allowOther,
    ...counts,
    resultsVisibility: patch.resultsVisibility,
    duplicatePolicy: patch.duplicatePolicy,
    networkIdentity: patch.networkIdentity,
    addressBudget: patch.addressBudget,
    embedOrigins: patch.embedOrigins,
    // Asking more or fewer profile questions is safe with votes: earlier voters count as "not stated".
    profile: patch.profile && inCatalogueOrder(patch.profile),
    ...scheduleAfterPatch(current, patch, now),
  };
  const result = await store.updatePoll(current.id, withoutUndefined(fields), {
    options: optionsChanged ? options : undefined,
    requireNoVotes: type !== current.type || countsChanged,
    now,
    audit: actor ? { actor, ...describeChange(current, patch, now) } : undefined,
  });
  if (result === 'not_found') throw notFound(slug);
  if (result === 'has_votes') {
    throw new PollError(
      'poll_has_votes',
      'Options, type and choice counts can change only while the poll has no votes.',
    );
  }
  return result;
}

/** The audit entry for a patch: publish, open (early), close, reopen, or an edit naming the fields it touched. */
function describeChange(
  current: PollRecord,
  patch: Record<string, unknown>,
  now: number,
): { action: string; details: string } {
  const fields = Object.keys(patch).filter((key) => patch[key] !== undefined);
  const others = fields.filter((field) => field !== 'status').join(', ');
  if (patch.status === 'closed') return { action: 'close', details: others };
  if ((patch.status === 'open' || patch.status === 'scheduled') && current.status === 'draft')
    return { action: 'publish', details: others };
  if (patch.status === 'open' && effectiveStatus(current, now) === 'scheduled')
    return { action: 'open', details: others };
  if (patch.status === 'open' && effectiveStatus(current, now) === 'closed')
    return { action: 'reopen', details: others };
  return { action: 'update', details: fields.join(', ') };
}

/** Finds a question's survey, to name it in a refusal. */
export type SurveyLookup = Pick<SurveyStore, 'surveyOfPoll'>;

/** A survey's question changes only through its survey (its pages, lifecycle and policy are the survey's). */
async function editedThroughSurvey(surveys: SurveyLookup | undefined, poll: PollRecord): Promise<PollError> {
  const survey = await surveys?.surveyOfPoll(poll.id);
  const where = survey
    ? `the survey “${survey.title}”; edit it through /api/admin/surveys/${survey.slug}`
    : 'a survey; edit it through its survey';
  return new PollError('invalid_poll', `This poll is a question of ${where}.`);
}

export async function deletePoll(
  store: PollStore,
  slug: string,
  now: number,
  actor?: string,
  surveys?: SurveyLookup,
): Promise<void> {
  const poll = await getPollForOwner(store, slug);
  if (poll.surveyId !== null) throw await editedThroughSurvey(surveys, poll);
  await store.deletePoll(
    poll.id,
    now,
    actor ? { actor, action: 'delete', details: `${responses(poll.responseCount)} removed` } : undefined,
  );
}

function sameOptions(next: NewOption[], current: readonly NewOption[]): boolean {
  return (
    next.length === current.length &&
    next.every(
      (o, i) =>
        o.key === current[i]!.key &&
        o.label === current[i]!.label &&
        !!o.exclusive === !!current[i]!.exclusive &&
        !!o.other === !!current[i]!.other &&
        (o.value ?? null) === (current[i]!.value ?? null) &&
        sameRange(o.range, current[i]!.range),
    )
  );
}

/** A stored option as the owner would give it again (no id, no tally). */
const storedOption = (
  { key, label, exclusive, range, value }: PollRecord['options'][number],
  keepValue: boolean,
): NewOption => ({
  key,
  label,
  ...(exclusive ? { exclusive } : {}),
  ...(range ? { range } : {}),
  ...(value !== null && keepValue ? { value } : {}),
});

const sameRange = (a: OptionRange | null | undefined, b: OptionRange | null | undefined) =>
  (a ?? null) === (b ?? null) || (!!a && !!b && a.low === b.low && a.high === b.high);

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
