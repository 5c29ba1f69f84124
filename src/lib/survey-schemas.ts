/**
 * The survey inputs as zod schemas (SPEC.md, "Surveys contract"), shared by the admin API, the
 * admin UI and the OpenAPI document. A question is a PollInput with `required`; its status,
 * schedule, visibility, duplicate policy and profile are the survey's (the question's own are
 * accepted as PollInput allows, and ignored). Rules that need the whole survey — pages, slugs,
 * a question's choice counts — live in survey-admin.ts.
 */
import { z } from 'astro/zod';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_OPTION_KEY_LENGTH,
  MAX_SURVEY_PAGES,
  MAX_SURVEY_QUESTIONS,
  MAX_SURVEY_TITLE_LENGTH,
} from './limits';
import { issueSentence, pollInputSchema, pollPatchSchema } from './schemas';

/** One question: a PollInput, and whether it must be answered (default: optional). */
export const surveyQuestionSchema = pollInputSchema.extend({ required: z.boolean().default(false) });
export type SurveyQuestionInput = z.infer<typeof surveyQuestionSchema>;

/** Question indexes (0-based, into `questions`) per page; every question on exactly one page. */
const pagesSchema = z
  .array(
    z.array(
      z
        .number()
        .int()
        .min(0)
        .max(MAX_SURVEY_QUESTIONS - 1),
    ),
  )
  .min(1)
  .max(MAX_SURVEY_PAGES);

const surveyFieldsSchema = z.object({
  slug: pollInputSchema.shape.slug,
  title: z.string().trim().min(1, 'must not be empty').max(MAX_SURVEY_TITLE_LENGTH),
  description: z.string().trim().max(MAX_DESCRIPTION_LENGTH).default(''),
  questions: z.array(surveyQuestionSchema).min(1).max(MAX_SURVEY_QUESTIONS),
  pages: pagesSchema.optional(),
  profile: pollInputSchema.shape.profile,
  resultsVisibility: pollInputSchema.shape.resultsVisibility,
  duplicatePolicy: pollInputSchema.shape.duplicatePolicy,
  opensAt: pollInputSchema.shape.opensAt,
  closesAt: pollInputSchema.shape.closesAt,
  status: pollInputSchema.shape.status,
});

/** `POST /api/admin/surveys`; also the shape a survey is exported in. */
export const surveyInputSchema = surveyFieldsSchema.strict();
export type SurveyInput = z.input<typeof surveyInputSchema>;

/** `PATCH /api/admin/surveys/{slug}`: any field; `questions` and `pages` only while there are no responses. */
export const surveyPatchSchema = z
  .object({
    title: surveyFieldsSchema.shape.title.optional(),
    description: z.string().trim().max(MAX_DESCRIPTION_LENGTH).optional(),
    questions: surveyFieldsSchema.shape.questions.optional(),
    pages: pagesSchema.optional(),
    profile: pollPatchSchema.shape.profile,
    resultsVisibility: pollPatchSchema.shape.resultsVisibility,
    duplicatePolicy: pollPatchSchema.shape.duplicatePolicy,
    opensAt: pollPatchSchema.shape.opensAt,
    closesAt: pollPatchSchema.shape.closesAt,
    status: pollPatchSchema.shape.status,
  })
  .strict();

/**
 * The same schemas with questions unchecked, so survey-admin.ts checks each question with the
 * poll rules and reports every question's problems at once rather than stopping at the shape.
 */
const looseQuestions = z.array(z.unknown()).min(1).max(MAX_SURVEY_QUESTIONS);
export const surveyShapeSchema = surveyFieldsSchema.extend({ questions: looseQuestions }).strict();
export const surveyPatchShapeSchema = surveyPatchSchema.extend({ questions: looseQuestions.optional() }).strict();

/** `POST /api/surveys/{slug}/responses`: answers by question slug, and the optional profile. */
export const surveyResponseSchema = z
  .object({
    answers: z.record(
      z.string(),
      z
        .object({
          // No length cap: more choices than allowed is `too_many_choices`, and the body limit bounds it.
          choices: z.array(z.string().max(MAX_OPTION_KEY_LENGTH)),
          other: z.unknown().optional(),
        })
        .strict(),
    ),
    profile: z.unknown().optional(),
  })
  .strict();

const SURVEY_FIELD_NAMES: Record<string, string> = {
  title: 'The title',
  questions: 'The questions',
  pages: 'The pages',
};

/**
 * Every problem of a survey's shape by field path (`title`, `pages`, `questions.2`), as a
 * sentence; the poll fields reuse the poll schema's sentences.
 */
export function surveyFieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const [top] = issue.path;
    const field = issue.code === 'unrecognized_keys' ? 'body' : issue.path.slice(0, 2).join('.') || 'body';
    errors[field] ??= surveyIssueSentence(issue, String(top ?? ''));
  }
  return errors;
}

function surveyIssueSentence(issue: z.ZodIssue, top: string): string {
  if (issue.code === 'unrecognized_keys' || !(top in SURVEY_FIELD_NAMES)) {
    if (issue.path.length === 0 && issue.code !== 'unrecognized_keys')
      return 'The body must be a JSON object describing the survey.';
    return issueSentence(issue);
  }
  const name = SURVEY_FIELD_NAMES[top]!;
  if (top === 'pages' && issue.path.length > 1) {
    const page = Number(issue.path[1]) + 1;
    return issue.path.length > 2
      ? `Page ${page} must list question numbers counted from 0, each less than ${MAX_SURVEY_QUESTIONS}.`
      : `Page ${page} must be a list of question numbers.`;
  }
  if (top === 'questions' && issue.path.length > 1)
    return `Question ${Number(issue.path[1]) + 1} must be an object describing a poll.`;
  switch (issue.code) {
    case 'too_small':
      if (top === 'questions') return 'Give at least one question.';
      if (top === 'pages') return 'Give at least one page.';
      return `${name} must not be empty.`;
    case 'too_big':
      if (top === 'questions') return `Give at most ${MAX_SURVEY_QUESTIONS} questions.`;
      if (top === 'pages') return `Give at most ${MAX_SURVEY_PAGES} pages.`;
      return `${name} must be at most ${issue.maximum} characters long.`;
    case 'invalid_type':
      if (issue.received === 'undefined') return `${name} is required.`;
      return `${name} must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}.`;
    default:
      return `${name}: ${issue.message.replace(/\.$/, '')}.`;
  }
}
