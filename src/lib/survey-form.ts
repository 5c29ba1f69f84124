/**
 * The survey editor's form (src/components/admin-survey/SurveyEditor.astro) as the SurveyInput of
 * the admin API, so the form is checked by the API's own rules — and back again, to show a survey
 * or refill a refused form. The editor works without JavaScript: "Add question", "Move up", "Move
 * down" and "Remove" are submit buttons whose action is applied here to the posted form, which
 * the page then renders again.
 *
 * Fields are named after the SurveyInput path they fill (`title`, `questions.2.options`), so a
 * refusal's keys (PollInputError.errors, "questions.2.options") name the field to show it beside.
 */
import { PollInputError } from './poll-admin';
import { prepareSurvey } from './survey-admin';
import { EMPTY_FORM, instant, pollInputFromForm, utcFieldValue, formValuesOf, type PollFormValues } from './poll-form';
import { MAX_SURVEY_PAGES, MAX_SURVEY_QUESTIONS } from './limits';
import type { SurveyRecord } from './survey-types';

export { MAX_SURVEY_PAGES, MAX_SURVEY_QUESTIONS };
/** Question fields read from a post at most: past the limit the schema says so, the rest is noise. */
const MAX_POSTED_QUESTIONS = 50;

const QUESTION_FIELDS = [
  'question',
  'description',
  'type',
  'scale',
  'options',
  'minChoices',
  'maxChoices',
  'exclusive',
  'allowOther',
  'required',
  'page',
  'slug',
] as const;
export type QuestionFieldName = (typeof QUESTION_FIELDS)[number];
/** One question's fields as typed (checkboxes: "on" or empty; page: the 1-based page number). */
export type QuestionFormValues = Record<QuestionFieldName, string>;

const SURVEY_FIELDS = [
  'title',
  'description',
  'slug',
  'draft',
  'opensAt',
  'closesAt',
  'resultsVisibility',
  'duplicatePolicy',
] as const;
type SurveyFieldName = (typeof SURVEY_FIELDS)[number];
/** The survey's fields as typed, its ticked profile questions, and its questions in order. */
export type SurveyFormValues = Record<SurveyFieldName, string> & {
  profile: string[];
  questions: QuestionFormValues[];
};

export const EMPTY_QUESTION: QuestionFormValues = {
  question: '',
  description: '',
  type: 'single',
  scale: 'nominal',
  options: '',
  minChoices: '',
  maxChoices: '',
  exclusive: '',
  allowOther: '',
  required: '',
  page: '1',
  slug: '',
};

export const EMPTY_SURVEY_FORM: SurveyFormValues = {
  title: '',
  description: '',
  slug: '',
  draft: '',
  opensAt: '',
  closesAt: '',
  resultsVisibility: 'after_vote',
  duplicatePolicy: 'device',
  profile: [],
  questions: [{ ...EMPTY_QUESTION }],
};

/** The form field (and error key) of a question's field: `questions.2.options`. */
export const questionField = (index: number, field: QuestionFieldName): string => `questions.${index}.${field}`;

/** What a submit button of the editor asks for (its `action` value). */
export type EditorAction =
  | { kind: 'add' }
  | { kind: 'move'; index: number; by: -1 | 1 }
  | { kind: 'remove'; index: number }
  | { kind: 'preview' }
  | { kind: 'submit' };

/** "add", "move-up:2", "move-down:0", "remove:1", "preview"; "create"/"save" submit; anything else null. */
export function editorAction(value: string | null): EditorAction | null {
  if (value === 'add') return { kind: 'add' };
  if (value === 'preview') return { kind: 'preview' };
  if (value === 'create' || value === 'save') return { kind: 'submit' };
  const match = /^(move-up|move-down|remove):(\d{1,3})$/.exec(value ?? '');
  if (!match) return null;
  const index = Number(match[2]);
  if (match[1] === 'remove') return { kind: 'remove', index };
  return { kind: 'move', index, by: match[1] === 'move-up' ? -1 : 1 };
}

/** A posted editor form, fields as typed, questions in the order of their (contiguous or not) indexes. */
export function surveyFormValues(form: URLSearchParams): SurveyFormValues {
  const values = { ...EMPTY_SURVEY_FORM, profile: form.getAll('profile'), questions: [] as QuestionFormValues[] };
  for (const field of SURVEY_FIELDS) values[field] = form.get(field) ?? '';
  const indexes = new Set<number>();
  for (const key of form.keys()) {
    const match = /^questions\.(\d{1,4})\.[a-zA-Z]+$/.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  values.questions = [...indexes]
    .sort((a, b) => a - b)
    .slice(0, MAX_POSTED_QUESTIONS)
    .map((index) => {
      const question = { ...EMPTY_QUESTION };
      for (const field of QUESTION_FIELDS) question[field] = form.get(questionField(index, field)) ?? '';
      return question;
    });
  return values;
}

/** A page field's number (1…MAX_SURVEY_PAGES), or null when it is not one. */
function pageNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,2}$/.test(trimmed)) return null;
  const page = Number(trimmed);
  return page >= 1 && page <= MAX_SURVEY_PAGES ? page : null;
}

/**
 * The questions in survey order: sorted by page (stable: their order on a page is kept) and the
 * pages numbered 1, 2, … without gaps. An empty page field means the previous question's page; a
 * form with a page field that is not a number is left in its order for the error to be shown.
 */
export function normaliseQuestions(questions: readonly QuestionFormValues[]): QuestionFormValues[] {
  let previous = '1';
  const filled = questions.map((question) => {
    const page = question.page.trim() === '' ? previous : question.page.trim();
    previous = page;
    return { ...question, page };
  });
  if (filled.some((question) => pageNumber(question.page) === null)) return filled;
  const sorted = filled
    .map((question, index) => ({ question, index, page: pageNumber(question.page)! }))
    .sort((a, b) => a.page - b.page || a.index - b.index);
  const numbers = [...new Set(sorted.map((entry) => entry.page))];
  return sorted.map(({ question, page }) => ({ ...question, page: String(numbers.indexOf(page) + 1) }));
}

/**
 * The form after a button: a question added at the end (on the last question's page), moved one
 * place (across a page break it joins the neighbouring page rather than swapping with it), or
 * removed (never the only one). The questions are then put in survey order.
 */
export function applyEditorAction(values: SurveyFormValues, action: EditorAction): SurveyFormValues {
  const questions = values.questions.map((question) => ({ ...question }));
  switch (action.kind) {
    case 'add':
      if (questions.length < MAX_SURVEY_QUESTIONS) {
        questions.push({ ...EMPTY_QUESTION, page: questions.at(-1)?.page ?? '1' });
      }
      break;
    case 'move': {
      const moved = questions[action.index];
      const neighbour = questions[action.index + action.by];
      if (!moved || !neighbour) break;
      const [ours, theirs] = [pageNumber(moved.page), pageNumber(neighbour.page)];
      if (ours !== null && theirs !== null && ours !== theirs) moved.page = neighbour.page;
      else [questions[action.index], questions[action.index + action.by]] = [neighbour, moved];
      break;
    }
    case 'remove':
      if (questions.length > 1 && action.index < questions.length) questions.splice(action.index, 1);
      break;
    case 'preview':
    case 'submit':
      break;
  }
  return { ...values, questions: normaliseQuestions(questions) };
}

/** Reads a posted editor: the form after its button's action, and the action (null: no known button). */
export function readSurveyForm(form: URLSearchParams): { values: SurveyFormValues; action: EditorAction | null } {
  const action = editorAction(form.get('action'));
  const values = applyEditorAction(surveyFormValues(form), action ?? { kind: 'preview' });
  return { values, action };
}

/** A question's fields as the poll form's, so the poll form's reading of them is reused. */
function asPollForm(question: QuestionFormValues): PollFormValues {
  return {
    ...EMPTY_FORM,
    question: question.question,
    description: question.description,
    type: question.type,
    scale: question.scale,
    options: question.options,
    minChoices: question.minChoices,
    maxChoices: question.maxChoices,
    exclusive: question.exclusive,
    allowOther: question.allowOther,
    slug: question.slug,
  };
}

/** A question as a PollInput plus `required`, without the fields a question takes from its survey. */
function questionInput(question: QuestionFormValues): Record<string, unknown> {
  const {
    resultsVisibility: _visibility,
    duplicatePolicy: _policy,
    // A survey's answers are not counted against an address budget (see the poll form).
    networkIdentity: _identity,
    addressBudget: _budget,
    opensAt: _opens,
    closesAt: _closes,
    status: _status,
    profile: _profile,
    ...input
  } = pollInputFromForm(asPollForm(question));
  return { ...input, required: question.required !== '' };
}

/**
 * Each question's input, and the problems the form itself finds (`questions.N.options`,
 * `questions.N.page`). A question with unreadable option lines gets none in its input, so the
 * admin rules can still be asked about everything else.
 */
function questionInputs(questions: readonly QuestionFormValues[]): {
  inputs: Record<string, unknown>[];
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const inputs = questions.map((question, index) => {
    if (pageNumber(question.page) === null) {
      errors[questionField(index, 'page')] = `Choose a page from 1 to ${MAX_SURVEY_PAGES}.`;
    }
    try {
      return questionInput(question);
    } catch (error) {
      if (!(error instanceof PollInputError)) throw error;
      for (const [field, sentence] of Object.entries(error.errors)) errors[`questions.${index}.${field}`] ??= sentence;
      return questionInput({ ...question, options: '', exclusive: '' });
    }
  });
  return { inputs, errors };
}

/** The option settings a question's unreadable lines make meaningless to check. */
const OPTION_FIELDS = /^questions\.(\d+)\.(options|minChoices|maxChoices|exclusive|allowOther|scale|type)$/;

/**
 * The form's own problems with every other problem the admin rules find, so one refusal names
 * them all: survey fields first, then question by question.
 */
function allProblems(formErrors: Record<string, string>, input: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  try {
    prepareSurvey(input);
  } catch (error) {
    if (!(error instanceof PollInputError)) throw error;
    for (const [field, sentence] of Object.entries(error.errors)) {
      const option = OPTION_FIELDS.exec(field);
      if (option && formErrors[questionField(Number(option[1]), 'options')]) continue;
      errors[field] = sentence;
    }
  }
  Object.assign(errors, formErrors);
  const order = (field: string) => {
    const match = /^questions\.(\d+)/.exec(field);
    return match ? Number(match[1]) + 1 : 0;
  };
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => order(a) - order(b)));
}

/** Question indexes per page, from the page fields of questions in survey order. */
function pagesOf(questions: readonly QuestionFormValues[]): number[][] {
  const pages = new Map<number, number[]>();
  questions.forEach((question, index) => {
    // A page field that is no page is refused by the form; it counts as page 1 meanwhile.
    const page = pageNumber(question.page) ?? 1;
    pages.set(page, [...(pages.get(page) ?? []), index]);
  });
  return [...pages.entries()].sort(([a], [b]) => a - b).map(([, indexes]) => indexes);
}

/** An unset choice field means "the default", as an absent JSON field does. */
const choice = (value: string) => value || undefined;

/**
 * The SurveyInput a creation form describes (values in survey order, see readSurveyForm). Option
 * lines the type cannot read and page fields that are no page are refused here (PollInputError
 * on `questions.N.options` / `questions.N.page`, with whatever else the admin rules refuse);
 * otherwise everything is left to the admin API's rules.
 */
export function surveyInputFromForm(values: SurveyFormValues): Record<string, unknown> {
  const { inputs: questions, errors } = questionInputs(values.questions);
  const input = {
    title: values.title,
    description: values.description,
    ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
    questions,
    pages: pagesOf(values.questions),
    profile: values.profile,
    resultsVisibility: choice(values.resultsVisibility),
    duplicatePolicy: choice(values.duplicatePolicy),
    opensAt: instant(values.opensAt),
    closesAt: instant(values.closesAt),
    status: values.draft ? 'draft' : 'open',
  };
  if (Object.keys(errors).length) throw new PollInputError(allProblems(errors, input));
  return input;
}

/**
 * The survey patch an edit form describes: no slug nor status (the lifecycle buttons set that),
 * and the questions and pages only while they may still change (no response yet).
 */
export function surveyPatchFromForm(values: SurveyFormValues, questionsEditable: boolean): Record<string, unknown> {
  if (!questionsEditable) {
    return {
      title: values.title,
      description: values.description,
      profile: values.profile,
      resultsVisibility: choice(values.resultsVisibility),
      duplicatePolicy: choice(values.duplicatePolicy),
      opensAt: instant(values.opensAt),
      closesAt: instant(values.closesAt),
    };
  }
  const { slug: _slug, status: _status, ...patch } = surveyInputFromForm(values);
  return patch;
}

/** "2026-12-01T09:00" (UTC) for a datetime-local field, empty for no time. */
const timeField = (ms: number | null) => (ms === null ? '' : utcFieldValue(new Date(ms).toISOString()));

/** The form that shows a stored survey; a question slug that is the default (`{survey}-{n}`) stays empty. */
export function surveyFormValuesOf(survey: SurveyRecord): SurveyFormValues {
  return {
    title: survey.title,
    description: survey.description,
    slug: survey.slug,
    draft: survey.status === 'draft' ? 'on' : '',
    opensAt: timeField(survey.opensAt),
    closesAt: timeField(survey.closesAt),
    resultsVisibility: survey.resultsVisibility,
    duplicatePolicy: survey.duplicatePolicy,
    profile: [...survey.profile],
    questions: survey.questions.map(({ poll, page, required }, index) => {
      const form = formValuesOf(poll);
      return {
        question: form.question,
        description: form.description,
        type: form.type,
        scale: form.scale,
        options: form.options,
        minChoices: form.minChoices,
        maxChoices: form.maxChoices,
        exclusive: form.exclusive,
        allowOther: form.allowOther,
        required: required ? 'on' : '',
        page: String(page + 1),
        slug: poll.slug === `${survey.slug}-${index + 1}` ? '' : poll.slug,
      };
    }),
  };
}

/** What a form field is called in an error summary: "Title", "Question 3, options". */
const FIELD_NAMES: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  slug: 'Slug',
  opensAt: 'Opens at',
  closesAt: 'Closes at',
  resultsVisibility: 'Results visibility',
  duplicatePolicy: 'Duplicate policy',
  profile: 'Ask respondents about',
  questions: 'Questions',
  pages: 'Pages',
  file: 'Survey file',
  question: 'question',
  type: 'type',
  scale: 'scale',
  options: 'options',
  minChoices: 'minimum choices',
  maxChoices: 'maximum choices',
  exclusive: 'option that excludes the others',
  allowOther: '“Other”',
  required: 'required',
  page: 'page',
};
/** Fields with an element of that id (the others are reached through their question's fieldset). */
const FIELD_IDS = new Set([
  'title',
  'description',
  'slug',
  'opensAt',
  'closesAt',
  'resultsVisibility',
  'duplicatePolicy',
  'question',
  'options',
  'minChoices',
  'maxChoices',
  'exclusive',
  'allowOther',
  'page',
]);

/** The error summary's lines: each problem as "field: sentence", linked to its field where it has one. */
export function errorLinks(errors: Record<string, string>): { text: string; href: string | null }[] {
  return Object.entries(errors).map(([key, sentence]) => {
    const match = /^questions\.(\d+)(?:\.(\w+))?/.exec(key);
    if (match) {
      const number = Number(match[1]) + 1;
      const field = match[2];
      const name = field ? (FIELD_NAMES[field] ?? field) : null;
      return {
        text: `Question ${number}${name ? `, ${name}` : ''}: ${sentence}`,
        href: field && FIELD_IDS.has(field) ? `#${key}` : `#question-${number}`,
      };
    }
    if (key.startsWith('pages')) return { text: `Pages: ${sentence}`, href: '#questions' };
    if (key === 'body') return { text: sentence, href: null };
    return { text: `${FIELD_NAMES[key] ?? key}: ${sentence}`, href: FIELD_IDS.has(key) ? `#${key}` : null };
  });
}
