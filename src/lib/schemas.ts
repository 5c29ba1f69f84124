/**
 * One zod schema per input, shared by the JSON API and the HTML forms so both accept and
 * refuse the same things. Schemas check shape and limits; rules that need the whole poll
 * (choice counts, schedule order) live in src/lib/poll-rules.ts.
 */
import { z } from 'astro/zod';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_OPTION_KEY_LENGTH,
  MAX_OPTION_LABEL_LENGTH,
  MAX_OPTIONS,
  MAX_QUESTION_LENGTH,
  MIN_OPTIONS,
  OPTION_KEY_PATTERN,
  SLUG_PATTERN,
} from './limits';
import { DUPLICATE_POLICIES, POLL_TYPES, RESULTS_VISIBILITIES } from './types';

const slug = z
  .string()
  .regex(SLUG_PATTERN, 'must be lowercase letters, digits and inner dashes, at most 64 characters');
const optionKey = z
  .string()
  .max(MAX_OPTION_KEY_LENGTH)
  .regex(OPTION_KEY_PATTERN, 'must be lowercase kebab-case (letters, digits, single dashes)');
const label = z.string().trim().min(1, 'must not be empty').max(MAX_OPTION_LABEL_LENGTH);
const option = z.union([label, z.object({ key: optionKey.optional(), label }).strict()]);
/** ISO 8601 with a time zone, so "09:00" never means a different hour on another server. */
const instant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' });
const choiceCount = z.number().int().min(1).max(MAX_OPTIONS);

export const pollInputSchema = z
  .object({
    question: z.string().trim().min(1, 'must not be empty').max(MAX_QUESTION_LENGTH),
    description: z.string().trim().max(MAX_DESCRIPTION_LENGTH).default(''),
    options: z.array(option).min(MIN_OPTIONS).max(MAX_OPTIONS),
    slug: slug.optional(),
    type: z.enum(POLL_TYPES).default('single'),
    minChoices: choiceCount.optional(),
    maxChoices: choiceCount.optional(),
    opensAt: instant.nullable().optional(),
    closesAt: instant.nullable().optional(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES).default('after_vote'),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES).default('device'),
    status: z.enum(['draft', 'open']).optional(),
  })
  .strict();
export type PollInput = z.infer<typeof pollInputSchema>;

export const pollPatchSchema = z
  .object({
    question: pollInputSchema.shape.question.optional(),
    description: z.string().trim().max(MAX_DESCRIPTION_LENGTH).optional(),
    options: pollInputSchema.shape.options.optional(),
    type: z.enum(POLL_TYPES).optional(),
    minChoices: choiceCount.optional(),
    maxChoices: choiceCount.optional(),
    opensAt: instant.nullable().optional(),
    closesAt: instant.nullable().optional(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES).optional(),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES).optional(),
    status: z.enum(['draft', 'scheduled', 'open', 'closed']).optional(),
  })
  .strict();
export type PollPatch = z.infer<typeof pollPatchSchema>;

/** A ballot: option keys. Keys are checked against the poll by the vote rules. */
export const voteInputSchema = z
  .object({
    // No length cap here: more choices than allowed is `too_many_choices`, and the body limit bounds it.
    choices: z.array(z.string().max(MAX_OPTION_KEY_LENGTH)),
  })
  .strict();
export type VoteInput = z.infer<typeof voteInputSchema>;

/** Every field's first problem, keyed by top-level field ("options", "closesAt", "body"). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.code === 'unrecognized_keys' ? 'body' : String(issue.path[0] ?? 'body');
    errors[field] ??= describeIssueOf(issue);
  }
  return errors;
}

/** "options.2.label: must not be empty" — the field first, as the contract asks. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? describeIssueOf(issue) : 'The input is invalid.';
}

function describeIssueOf(issue: z.ZodIssue): string {
  const field = issue.path.join('.') || 'body';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return `${where}unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}.`;
  }
  return `${field}: ${issue.message.replace(/\.$/, '')}.`;
}
