/**
 * The owner's use cases for surveys: create, edit (fields any time; questions and pages only
 * while there are no responses), close/reopen and delete. Every question is checked with the
 * poll rules (preparePoll), so a survey question accepts and refuses exactly what a poll does;
 * problems carry their field path (`questions.2.options`, `pages`). Changes made with an `actor`
 * are written to the audit log in the same transaction.
 */
import { PollError } from './errors';
import { responses } from './format';
import { kebabCase } from './keys';
import { MAX_SLUG_LENGTH, MAX_SURVEY_PAGES, RESERVED_SLUGS } from './limits';
import { PollInputError, preparePoll, type PreparedPoll } from './poll-admin';
import { toPollInput } from './poll-files';
import { checkSchedule, effectiveStatus, scheduleAfterPatch, toEpoch } from './poll-rules';
import { inCatalogueOrder } from './profile';
import type { PollStore } from './store';
import { getSurveyForOwner, surveyNotFound } from './surveys';
import { surveyFieldErrors, surveyPatchShapeSchema, surveyShapeSchema } from './survey-schemas';
import type { NewQuestion, SurveyFields, SurveyRecord, SurveyStore } from './survey-types';

export interface SurveyStores {
  store: PollStore;
  surveyStore: SurveyStore;
}

/** A question checked against the poll rules, with its place in the survey. */
export interface PreparedQuestion extends PreparedPoll {
  /** Its position in the input's `questions` (0-based): default slugs count from it. */
  index: number;
  /** 0-based page. */
  page: number;
  required: boolean;
}

export interface PreparedSurvey {
  /** Given by the owner, or null to derive from the title. */
  slug: string | null;
  fields: Omit<SurveyFields, 'slug'>;
  /** In stored order: page by page, in each page's order. */
  questions: PreparedQuestion[];
}

/** Runs a rule, collecting its invalid_poll refusal under its field instead of throwing. */
function collect<T>(errors: Record<string, string>, rule: () => T): T | undefined {
  try {
    return rule();
  } catch (error) {
    if (!(error instanceof PollError) || error.code !== 'invalid_poll') throw error;
    if (error instanceof PollInputError) {
      for (const [field, sentence] of Object.entries(error.errors)) errors[field] ??= sentence;
    } else {
      const field = error.field ?? 'body';
      const prefix = `${field}: `;
      errors[field] ??= error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    }
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates a SurveyInput completely: every problem with its field path, or the survey to create. */
export function prepareSurvey(body: unknown): PreparedSurvey {
  const parsed = surveyShapeSchema.safeParse(body);
  const errors: Record<string, string> = parsed.success ? {} : surveyFieldErrors(parsed.error);
  // The questions are checked even when other fields are wrong, so the owner sees every problem at once.
  const rawQuestions = isObject(body) && Array.isArray(body.questions) ? body.questions : null;
  // Pages the schema accepted are checked against the questions; refused ones are not checked again ([]).
  const pagesFine = !Object.keys(errors).some((field) => field === 'pages' || field.startsWith('pages.'));
  const rawPages = pagesFine && isObject(body) ? (body.pages as number[][] | undefined) : [];
  const questions = rawQuestions && rawQuestions.length > 0 ? prepareQuestions(rawQuestions, rawPages, errors) : null;
  if (!parsed.success || !questions || Object.keys(errors).length) throw new PollInputError(orNone(errors));
  const input = parsed.data;
  const opensAt = toEpoch(input.opensAt);
  const closesAt = toEpoch(input.closesAt);
  collect(errors, () => checkSchedule(opensAt, closesAt));
  if (Object.keys(errors).length) throw new PollInputError(errors);
  return {
    slug: input.slug ?? null,
    questions,
    fields: {
      title: input.title,
      description: input.description,
      status: input.status ?? 'open',
      opensAt,
      closesAt,
      resultsVisibility: input.resultsVisibility,
      duplicatePolicy: input.duplicatePolicy,
      profile: inCatalogueOrder(input.profile),
    },
  };
}

/** PollInputError needs one entry at least; a shape problem with none named is the body's. */
const orNone = (errors: Record<string, string>) =>
  Object.keys(errors).length ? errors : { body: 'The body must be a JSON object describing the survey.' };

/**
 * Each question through the poll rules, `required` checked, slugs unique, and the pages: every
 * question on exactly one page, no empty page, at most MAX_SURVEY_PAGES. `pages` undefined: one
 * question per page; `[]`: the pages were already refused (not checked again). Problems go to
 * `errors`; returns the questions in stored order, or null when any has a problem.
 */
export function prepareQuestions(
  raw: readonly unknown[],
  pages: readonly (readonly number[])[] | undefined,
  errors: Record<string, string>,
): PreparedQuestion[] | null {
  const prepared: (PreparedPoll & { required: boolean })[] = [];
  raw.forEach((question, index) => {
    const path = `questions.${index}`;
    if (!isObject(question)) {
      errors[path] ??= `Question ${index + 1} must be an object describing a poll.`;
      return;
    }
    const { required = false, ...poll } = question;
    if (typeof required !== 'boolean') errors[`${path}.required`] ??= '"required" must be true or false.';
    const problems: Record<string, string> = {};
    const ready = collect(problems, () => preparePoll(poll));
    for (const [field, sentence] of Object.entries(problems)) {
      errors[field === 'body' ? path : `${path}.${field}`] ??= sentence;
    }
    if (ready) prepared[index] = { ...ready, required: required === true };
  });
  raw.forEach((_, index) => {
    const slug = prepared[index]?.slug;
    const first = slug ? prepared.findIndex((other) => other?.slug === slug) : index;
    if (first !== index) errors[`questions.${index}.slug`] ??= `Question ${first + 1} has the slug "${slug}" too.`;
  });
  const layout = pages === undefined ? defaultPages(raw.length, errors) : checkPages(raw.length, pages, errors);
  if (!layout || prepared.filter(Boolean).length !== raw.length || Object.keys(errors).length) return null;
  return layout.flatMap((indexes, page) =>
    indexes.map((index) => ({ ...prepared[index]!, index, page, required: prepared[index]!.required })),
  );
}

function defaultPages(count: number, errors: Record<string, string>): number[][] | null {
  if (count <= MAX_SURVEY_PAGES) return Array.from({ length: count }, (_, index) => [index]);
  errors.pages ??= `Without "pages" each question gets a page of its own, and a survey has at most ${MAX_SURVEY_PAGES} pages: group the ${count} questions into pages.`;
  return null;
}

function checkPages(count: number, pages: readonly (readonly number[])[], errors: Record<string, string>) {
  if (pages.length === 0) return null;
  const pageOf = new Map<number, number>();
  pages.forEach((indexes, page) => {
    if (indexes.length === 0) errors[`pages.${page}`] ??= `Page ${page + 1} is empty; give it a question or remove it.`;
    for (const index of indexes) {
      if (index >= count) {
        errors[`pages.${page}`] ??=
          `Page ${page + 1} lists question index ${index}, but the questions are numbered 0 to ${count - 1}.`;
      } else if (pageOf.has(index)) {
        errors.pages ??= `Question ${index + 1} (index ${index}) is on more than one page.`;
      } else pageOf.set(index, page);
    }
  });
  for (let index = 0; index < count; index++) {
    if (!pageOf.has(index)) errors.pages ??= `Question ${index + 1} (index ${index}) is on no page.`;
  }
  return Object.keys(errors).some((field) => field === 'pages' || field.startsWith('pages.')) ? null : pages;
}

/** `{survey}-{n}`, shortened so the whole stays a valid slug. */
export function defaultQuestionSlug(surveySlug: string, n: number): string {
  const suffix = `-${n}`;
  return kebabCase(surveySlug.slice(0, MAX_SLUG_LENGTH - suffix.length), MAX_SLUG_LENGTH) + suffix;
}

/**
 * Slugs for the questions that have none: `{survey}-{n}` (n = 1-based position in the input),
 * with a further `-2`, `-3` … when a poll already has it. `released` slugs are free (the
 * questions an edit replaces, deleted in the same transaction).
 */
export async function withQuestionSlugs(
  store: PollStore,
  surveySlug: string,
  questions: readonly PreparedQuestion[],
  released: ReadonlySet<string> = new Set(),
): Promise<NamedQuestion[]> {
  const claimed = new Set(questions.flatMap((q) => (q.slug ? [q.slug] : [])));
  const taken = async (slug: string) => claimed.has(slug) || (!released.has(slug) && (await store.slugExists(slug)));
  const named: NamedQuestion[] = [];
  for (const question of questions) {
    let slug = question.slug;
    if (!slug) {
      const base = defaultQuestionSlug(surveySlug, question.index + 1);
      slug = base;
      for (let n = 2; await taken(slug); n++) slug = defaultQuestionSlug(base, n);
      claimed.add(slug);
    }
    named.push({ ...question, slug, slugGiven: question.slug !== null });
  }
  return named;
}

/** A question with its slug, and whether the owner gave it (a derived one is retried, not refused). */
export type NamedQuestion = PreparedQuestion & { slug: string; slugGiven: boolean };

/** A question as the store takes it: the survey's status, schedule, visibility, policy and profile. */
function newQuestion(question: NamedQuestion, survey: Omit<SurveyFields, 'slug'>): NewQuestion {
  return {
    fields: {
      ...question.fields,
      slug: question.slug,
      status: survey.status,
      opensAt: survey.opensAt,
      closesAt: survey.closesAt,
      resultsVisibility: survey.resultsVisibility,
      duplicatePolicy: survey.duplicatePolicy,
      profile: survey.profile,
    },
    options: question.options,
    page: question.page,
    required: question.required,
  };
}

async function freeSurveySlug(surveyStore: SurveyStore, base: string): Promise<string> {
  let slug = base;
  const taken = async (candidate: string) =>
    RESERVED_SLUGS.includes(candidate) || (await surveyStore.surveySlugExists(candidate));
  for (let n = 2; await taken(slug); n++) slug = defaultQuestionSlug(base, n);
  return slug;
}

const slugTaken = (slug: string, field: string, what: 'survey' | 'poll') =>
  new PollError(
    'slug_taken',
    `${field === 'slug' ? '' : `${field}: `}The slug "${slug}" is already used by another ${what}.`,
    field,
  );

/** Validates a SurveyInput and creates the survey with its question polls; `actor` goes to the audit log. */
export async function createSurvey(
  { store, surveyStore }: SurveyStores,
  body: unknown,
  now: number,
  actor?: string,
  action: 'create' | 'import' = 'create',
): Promise<SurveyRecord> {
  const { slug: given, fields, questions } = prepareSurvey(body);
  const audit = actor ? { actor, action, details: `${questions.length} questions` } : undefined;
  // Derived slugs retry when a concurrent create took them in between.
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = given ?? (await freeSurveySlug(surveyStore, kebabCase(fields.title, MAX_SLUG_LENGTH) || 'survey'));
    const named = await withQuestionSlugs(store, slug, questions);
    const created = await surveyStore.createSurvey(
      { ...fields, slug },
      named.map((q) => newQuestion(q, fields)),
      now,
      audit,
    );
    if (!('slugTaken' in created)) return created;
    refuseTakenSlug(created.slugTaken, slug, given !== null, named, await surveyStore.surveySlugExists(slug));
  }
  throw new PollError('slug_taken', 'Could not find free slugs for this survey; give them explicitly.', 'slug');
}

/** A taken slug the owner gave is theirs to change (409); a derived one is retried. */
function refuseTakenSlug(
  taken: string,
  surveySlug: string,
  surveySlugGiven: boolean,
  named: readonly NamedQuestion[],
  surveySlugExists: boolean,
): void {
  if (taken === surveySlug && surveySlugExists) {
    if (surveySlugGiven) throw slugTaken(taken, 'slug', 'survey');
    return;
  }
  const question = named.find((q) => q.slug === taken);
  if (question?.slugGiven) throw slugTaken(taken, `questions.${question.index}.slug`, 'poll');
}

/**
 * Applies a SurveyPatch: title, description, profile, visibility, duplicate policy and the
 * lifecycle at any time (copied to every question); questions and pages only while the survey
 * has no responses (409 survey_has_responses).
 */
export async function updateSurvey(
  { store, surveyStore }: SurveyStores,
  slug: string,
  body: unknown,
  now: number,
  actor?: string,
): Promise<SurveyRecord> {
  const parsed = surveyPatchShapeSchema.safeParse(body);
  if (!parsed.success) {
    const errors = surveyFieldErrors(parsed.error);
    const raw = isObject(body) && Array.isArray(body.questions) ? body.questions : null;
    if (raw?.length) prepareQuestions(raw, [], errors);
    throw new PollInputError(orNone(errors));
  }
  const patch = parsed.data;
  const current = await getSurveyForOwner(surveyStore, slug);
  const errors: Record<string, string> = {};
  const schedule = collect(errors, () => scheduleAfterPatch(current, patch, now));
  let questions: PreparedQuestion[] | null = null;
  if (patch.questions || patch.pages) {
    // Pages alone regroup the current questions (indexes into them, in their stored order).
    const raw = patch.questions ?? current.questions.map((q) => ({ ...toPollInput(q.poll), required: q.required }));
    questions = prepareQuestions(raw, patch.pages, errors);
  }
  if (Object.keys(errors).length || !schedule) throw new PollInputError(orNone(errors));
  if (questions && current.startedCount > 0) throw hasResponses();
  const fields: Partial<SurveyFields> = withoutUndefined({
    title: patch.title,
    description: patch.description,
    profile: patch.profile && inCatalogueOrder(patch.profile),
    resultsVisibility: patch.resultsVisibility,
    duplicatePolicy: patch.duplicatePolicy,
    ...schedule,
  });
  const after = { ...current, ...fields };
  const named = questions
    ? await withQuestionSlugs(store, current.slug, questions, new Set(current.questions.map((q) => q.poll.slug)))
    : null;
  const result = await surveyStore.updateSurvey(current.id, fields, {
    questions: named?.map((q) => newQuestion(q, after)),
    now,
    audit: actor ? { actor, ...describeChange(current, patch, now) } : undefined,
  });
  if (result === 'not_found') throw surveyNotFound(slug);
  if (result === 'has_responses') throw hasResponses();
  if ('slugTaken' in result) {
    const question = named?.find((q) => q.slug === result.slugTaken);
    throw slugTaken(result.slugTaken, question ? `questions.${question.index}.slug` : 'slug', 'poll');
  }
  return result;
}

const hasResponses = () =>
  new PollError(
    'survey_has_responses',
    'Questions and pages can change only while the survey has no responses; title, description and the lifecycle can change at any time.',
  );

/** The audit entry for a patch: publish, open (early), close, reopen, or an edit naming the fields it touched. */
function describeChange(
  current: SurveyRecord,
  patch: Record<string, unknown>,
  now: number,
): { action: string; details: string } {
  const fields = Object.keys(patch).filter((key) => patch[key] !== undefined);
  const others = fields.filter((field) => field !== 'status').join(', ');
  const status = effectiveStatus(current, now);
  if (patch.status === 'closed') return { action: 'close', details: others };
  if ((patch.status === 'open' || patch.status === 'scheduled') && current.status === 'draft')
    return { action: 'publish', details: others };
  if (patch.status === 'open' && status === 'scheduled') return { action: 'open', details: others };
  if (patch.status === 'open' && status === 'closed') return { action: 'reopen', details: others };
  return { action: 'update', details: fields.join(', ') };
}

/** Deletes the survey, its question polls and every response. */
export async function deleteSurvey(surveyStore: SurveyStore, slug: string, now: number, actor?: string): Promise<void> {
  const survey = await getSurveyForOwner(surveyStore, slug);
  await surveyStore.deleteSurvey(
    survey.id,
    now,
    actor ? { actor, action: 'delete', details: `${responses(survey.startedCount)} removed` } : undefined,
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
