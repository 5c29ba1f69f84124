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
  RESERVED_SLUGS,
  SLUG_PATTERN,
} from './limits';
import { MAX_EMBED_ORIGINS, normaliseEmbedOrigin } from './embed-origins';
import { PROFILE_DIMENSIONS } from './profile';
import {
  DUPLICATE_POLICIES,
  IPV6_BUDGET_PREFIXES,
  NETWORK_IDENTITIES,
  POLL_TYPES,
  RESULTS_VISIBILITIES,
  SCALES,
  type AddressBudget,
  type DuplicatePolicy,
  type Ipv6BudgetPrefix,
} from './types';

const slug = z
  .string()
  .regex(SLUG_PATTERN, 'must be lowercase letters, digits and inner dashes, at most 64 characters')
  .refine((value) => !RESERVED_SLUGS.includes(value), 'is the name of an admin page ("new", "import"); choose another');
const optionKey = z
  .string()
  .max(MAX_OPTION_KEY_LENGTH)
  .regex(OPTION_KEY_PATTERN, 'must be lowercase kebab-case (letters, digits, single dashes)');
const label = z.string().trim().min(1, 'must not be empty').max(MAX_OPTION_LABEL_LENGTH);
const bound = z.number().finite().min(-1e9).max(1e9);
/** The numbers an ordered option stands for; checked low < high by the poll rules. */
const range = z.object({ low: bound, high: bound }).strict();
const option = z.union([
  label,
  z
    .object({
      key: optionKey.optional(),
      label,
      exclusive: z.boolean().optional(),
      range: range.optional(),
      // A rating option's number (1 … 5); rating polls derive it from a numeric label when absent.
      value: bound.optional(),
    })
    .strict(),
]);
/** ISO 8601 with a time zone, so "09:00" never means a different hour on another server. */
const instant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' });
const choiceCount = z.number().int().min(1).max(MAX_OPTIONS);
/** The profile dimensions a ballot asks: catalogue keys, each at most once. */
const profileDimensions = z
  .array(z.enum(PROFILE_DIMENSIONS))
  .max(PROFILE_DIMENSIONS.length)
  .refine((dimensions) => new Set(dimensions).size === dimensions.length, 'must not list a dimension twice');

/** The most votes per prefix per hour a budget may allow (beyond it a budget means nothing). */
export const MAX_VOTES_PER_HOUR = 100_000;

/**
 * The budget a poll gets when its input names none: 300 accepted votes per network prefix per
 * hour — an office of 200 behind one address still votes in one meeting, a script at the write
 * limit (about 600 a minute) is stopped within half a minute. Polls that count every submission
 * (`none`: kiosks, classrooms, benchmarks) or one per signed-in person need none.
 */
export const DEFAULT_ADDRESS_BUDGET: AddressBudget = { votesPerHour: 300, ipv6Prefix: 64 };
export const defaultAddressBudget = (policy: DuplicatePolicy): AddressBudget | null =>
  policy === 'none' || policy === 'person' ? null : { ...DEFAULT_ADDRESS_BUDGET };

const addressBudget = z
  .object({
    votesPerHour: z.number().int().min(1).max(MAX_VOTES_PER_HOUR),
    // A refinement rather than a union of literals, so a wrong length is refused in words.
    ipv6Prefix: z
      .number()
      .refine(
        (length): length is Ipv6BudgetPrefix => (IPV6_BUDGET_PREFIXES as readonly number[]).includes(length),
        'must count IPv6 networks by /48 or /64 (ipv6Prefix 48 or 64)',
      )
      .default(DEFAULT_ADDRESS_BUDGET.ipv6Prefix),
  })
  .strict()
  .nullable();

/** Origins or https://*.domain patterns that may frame the widget; normalised, each at most once. */
export const embedOriginList = z
  .array(z.string().max(200))
  .max(MAX_EMBED_ORIGINS)
  .transform((entries, ctx) => {
    const normalised: string[] = [];
    for (const entry of entries) {
      const origin = normaliseEmbedOrigin(entry);
      if (origin === null) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must list origins like https://intranet.example.com or https://*.sharepoint.com (got "${entry.slice(0, 80)}")`,
        });
        return z.NEVER;
      }
      if (!normalised.includes(origin)) normalised.push(origin);
    }
    return normalised;
  });

export const pollInputSchema = z
  .object({
    question: z.string().trim().min(1, 'must not be empty').max(MAX_QUESTION_LENGTH),
    description: z.string().trim().max(MAX_DESCRIPTION_LENGTH).default(''),
    options: z.array(option).min(MIN_OPTIONS).max(MAX_OPTIONS),
    slug: slug.optional(),
    type: z.enum(POLL_TYPES).default('single'),
    scale: z.enum(SCALES).default('nominal'),
    minChoices: choiceCount.optional(),
    maxChoices: choiceCount.optional(),
    opensAt: instant.nullable().optional(),
    closesAt: instant.nullable().optional(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES).default('after_vote'),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES).default('device'),
    networkIdentity: z.enum(NETWORK_IDENTITIES).default('address_agent'),
    // Absent: the policy's default (defaultAddressBudget); null: no budget.
    addressBudget: addressBudget.optional(),
    embedOrigins: embedOriginList.default([]),
    status: z.enum(['draft', 'open']).optional(),
    profile: profileDimensions.default([]),
    allowOther: z.boolean().default(false),
  })
  .strict();
export type PollInput = z.infer<typeof pollInputSchema>;

export const pollPatchSchema = z
  .object({
    question: pollInputSchema.shape.question.optional(),
    description: z.string().trim().max(MAX_DESCRIPTION_LENGTH).optional(),
    options: pollInputSchema.shape.options.optional(),
    type: z.enum(POLL_TYPES).optional(),
    scale: z.enum(SCALES).optional(),
    minChoices: choiceCount.optional(),
    maxChoices: choiceCount.optional(),
    opensAt: instant.nullable().optional(),
    closesAt: instant.nullable().optional(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES).optional(),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES).optional(),
    networkIdentity: z.enum(NETWORK_IDENTITIES).optional(),
    addressBudget: addressBudget.optional(),
    embedOrigins: embedOriginList.optional(),
    status: z.enum(['draft', 'scheduled', 'open', 'closed']).optional(),
    profile: profileDimensions.optional(),
    allowOther: z.boolean().optional(),
  })
  .strict();
export type PollPatch = z.infer<typeof pollPatchSchema>;

/** A ballot: option keys. Keys are checked against the poll by the vote rules. */
export const voteInputSchema = z
  .object({
    // No length cap here: more choices than allowed is `too_many_choices`, and the body limit bounds it.
    choices: z.array(z.string().max(MAX_OPTION_KEY_LENGTH)),
    // Checked against the poll's dimensions by parseProfile (src/lib/profile.ts): 422 invalid_profile.
    profile: z.unknown().optional(),
    // The write-in text of a poll with allowOther; checked by parseOtherText: 422 invalid_other.
    other: z.unknown().optional(),
  })
  .strict();
export type VoteInput = z.infer<typeof voteInputSchema>;

/** Every field's first problem as a sentence an owner understands, keyed by top-level field ("options", "body"). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.code === 'unrecognized_keys' ? 'body' : String(issue.path[0] ?? 'body');
    errors[field] ??= issueSentence(issue);
  }
  return errors;
}

/** "options: Give at least 2 options." — the field first, as the contract asks, then the sentence. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The input is invalid.';
  const field = issue.code === 'unrecognized_keys' ? 'body' : issue.path.join('.') || 'body';
  return `${field}: ${issueSentence(issue)}`;
}

/** What each field is called in a sentence. */
const FIELD_NAMES: Record<string, string> = {
  question: 'The question',
  description: 'The description',
  options: 'The options',
  slug: 'The slug',
  type: 'The type',
  scale: 'The scale',
  minChoices: 'Minimum choices',
  maxChoices: 'Maximum choices',
  opensAt: 'The opening time',
  closesAt: 'The closing time',
  resultsVisibility: 'Results visibility',
  duplicatePolicy: 'The duplicate policy',
  networkIdentity: 'The network identity',
  addressBudget: 'The address budget',
  embedOrigins: 'The embedding sites',
  status: 'The status',
  choices: 'The choices',
  profile: 'The profile',
  allowOther: 'Allow "Other"',
};

/**
 * One zod issue as a plain sentence ("Give at least 2 options.") instead of zod's own wording
 * ("Array must contain at least 2 element(s)"). The one place both the forms and the API's
 * messages come from, so an owner reads the same sentence in either.
 */
export function issueSentence(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return issue.keys.length === 1 ? `The field ${keys} is not known.` : `The fields ${keys} are not known.`;
  }
  const [top, index, sub] = issue.path;
  if (top === undefined) return 'The body must be a JSON object describing the poll.';
  // An option's own problem names the option by its position, as the owner counts (from 1).
  if (top === 'options' && typeof index === 'number') {
    const which = `Option ${index + 1}`;
    if (sub === 'key') return `${which}'s key must be lowercase letters and digits joined by single dashes.`;
    const outOfBounds = issue.code === 'too_big' || issue.code === 'too_small';
    if (outOfBounds && (sub === 'range' || sub === 'value')) {
      return `${which}'s ${sub === 'range' ? 'range' : 'value'} must lie between −1,000,000,000 and 1,000,000,000.`;
    }
    if (sub === 'range') return `${which}'s range must be { "low": number, "high": number }.`;
    if (sub === 'value') return `${which}'s value must be a number.`;
    if (issue.code === 'too_small') return `${which} is empty; write a label or remove it.`;
    if (issue.code === 'too_big') return `${which} is longer than ${issue.maximum} characters.`;
    return `${which} must be a label, or an object with a label and an optional key.`;
  }
  const name = FIELD_NAMES[String(top)] ?? `The field "${String(top)}"`;
  switch (issue.code) {
    case 'too_small':
      if (top === 'options') return `Give at least ${issue.minimum} options.`;
      if (issue.type === 'string') return `${name} must not be empty.`;
      return `${name} must be at least ${issue.minimum}.`;
    case 'too_big':
      if (top === 'options') return `Give at most ${issue.maximum} options.`;
      if (issue.type === 'string') return `${name} must be at most ${issue.maximum} characters long.`;
      return `${name} must be at most ${issue.maximum}.`;
    case 'invalid_enum_value':
      return `${name} must be one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')}.`;
    case 'invalid_string':
      if (top === 'slug')
        return 'The slug may hold only lowercase letters, digits and inner dashes, at most 64 characters.';
      if (top === 'opensAt' || top === 'closesAt') return `${name} must be a date and time with a time zone.`;
      return `${name} is not in the expected format.`;
    case 'invalid_type':
      if (issue.expected === 'integer' || issue.expected === 'number') return `${name} must be a whole number.`;
      if (issue.received === 'undefined') return `${name} is required.`;
      return `${name} must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}.`;
    case 'custom':
      // Refinements say what is wrong in words that follow the field's name ("must not list…").
      return `${name} ${issue.message.replace(/\.$/, '')}.`;
    default:
      return `${name}: ${issue.message.replace(/\.$/, '')}.`;
  }
}
