/**
 * The JSON API's response shapes as zod schemas: the OpenAPI document is generated from them and
 * from the request schemas in schemas.ts (src/lib/openapi.ts), and the tests check the running
 * server's real responses against that document. Types stay in types.ts; these describe them.
 */
import { z } from 'astro/zod';
import { STATUS_BY_CODE } from './errors';
import { ASKABLE_DIMENSIONS } from './profile';
import { DUPLICATE_POLICIES, NETWORK_IDENTITIES, POLL_TYPES, RESULTS_VISIBILITIES, SCALES } from './types';

const instant = z.string().datetime({ offset: true });
const status = z.enum(['draft', 'scheduled', 'open', 'closed']);
const share = z.number().min(0).max(1);
export const intervalSchema = z.object({ low: z.number(), high: z.number() }).strict();

export const errorSchema = z
  .object({
    error: z
      .object({
        code: z.enum(Object.keys(STATUS_BY_CODE) as [keyof typeof STATUS_BY_CODE, ...(keyof typeof STATUS_BY_CODE)[]]),
        message: z.string(),
        /** invalid_answers only: every problem of the survey submission. */
        problems: z
          .array(
            z
              .object({
                question: z.string().nullable(),
                code: z.enum([
                  'required',
                  'invalid_choice',
                  'too_few_choices',
                  'too_many_choices',
                  'invalid_other',
                  'invalid_profile',
                  'unknown_question',
                  'invalid_body',
                ]),
                message: z.string(),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
  })
  .strict();

export const pollSchema = z
  .object({
    slug: z.string(),
    question: z.string(),
    description: z.string(),
    type: z.enum(POLL_TYPES),
    scale: z.enum(SCALES),
    minChoices: z.number().int(),
    maxChoices: z.number().int(),
    status,
    opensAt: instant.nullable(),
    closesAt: instant.nullable(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES),
    profile: z.array(z.enum(ASKABLE_DIMENSIONS)),
    allowOther: z.boolean(),
    options: z.array(
      z
        .object({
          key: z.string(),
          label: z.string(),
          exclusive: z.boolean(),
          range: z.object({ low: z.number(), high: z.number() }).strict().optional(),
          value: z.number().optional(),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * A poll as its owner sees it (the admin API): the poll, the protections only the owner sets,
 * and its number of respondents.
 */
export const ownerPollSchema = pollSchema
  .extend({
    networkIdentity: z
      .enum(NETWORK_IDENTITIES)
      .describe(
        'What the `network` policies key on: the address and User-Agent (address_agent), or the address alone (address: a rotated User-Agent is still a duplicate).',
      ),
    addressBudget: z
      .object({
        votesPerHour: z.number().int().min(1),
        ipv6Prefix: z.union([z.literal(48), z.literal(64)]),
      })
      .strict()
      .nullable()
      .describe(
        'At most votesPerHour accepted votes per network prefix (IPv4 /24, IPv6 /48 or /64) per clock hour, whatever the duplicate policy; beyond it a vote gets 429 rate_limited with Retry-After (seconds to the end of the hour). Only a keyed per-poll digest of the prefix is stored. null: no budget.',
      ),
    embedOrigins: z
      .array(z.string())
      .describe(
        'Origins (or https://*.domain patterns) that may frame this poll’s widget, beyond the site’s own list.',
      ),
    totalResponses: z.number().int(),
  })
  .strict();

export const pollSummarySchema = z
  .object({
    slug: z.string(),
    question: z.string(),
    type: z.enum(POLL_TYPES),
    status,
    opensAt: instant.nullable(),
    closesAt: instant.nullable(),
    totalResponses: z.number().int(),
    createdAt: instant,
  })
  .strict();

const segmentOptionSchema = z
  .object({
    key: z.string(),
    votes: z.number().int(),
    share,
    ci95: intervalSchema,
    diff: z.object({ value: z.number(), ci95: intervalSchema }).strict().nullable(),
  })
  .strict();

export const breakdownSchema = z
  .object({
    dimension: z.enum(ASKABLE_DIMENSIONS),
    where: z
      .object({ dimension: z.enum(ASKABLE_DIMENSIONS), value: z.string() })
      .strict()
      .nullable(),
    minCellSize: z.number().int(),
    suppressed: z.boolean(),
    segments: z.array(
      z
        .object({
          value: z.string(),
          label: z.string(),
          suppressed: z.boolean(),
          n: z.number().int().nullable(),
          options: z.array(segmentOptionSchema).nullable(),
          ordinal: z
            .object({
              medianKey: z.string().nullable(),
              median: z.number().nullable(),
              medianCi95: intervalSchema.nullable(),
            })
            .strict()
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();

const cumulativeShare = z.object({ share, ci95: intervalSchema }).strict();

/** Ordinal polls: the median option, the interpolated median and its interval, cumulative shares. */
export const ordinalSchema = z
  .object({
    medianKey: z.string().nullable(),
    median: z.number().nullable(),
    medianCi95: intervalSchema.nullable(),
    cumulative: z.array(z.object({ key: z.string(), atMost: cumulativeShare, atLeast: cumulativeShare }).strict()),
  })
  .strict();

/** Ranked polls: the instant-runoff count, every round, and how often each option got each rank. */
export const rankedSchema = z
  .object({
    method: z.literal('irv'),
    winner: z.string().nullable(),
    rounds: z.array(
      z
        .object({
          round: z.number().int(),
          continuing: z.number().int(),
          exhausted: z.number().int(),
          tallies: z.array(z.object({ key: z.string(), votes: z.number().int() }).strict()),
          eliminated: z.array(z.string()),
        })
        .strict(),
    ),
    positions: z.array(z.object({ key: z.string(), counts: z.array(z.number().int()) }).strict()),
  })
  .strict();

/** Rating polls: the mean with its t-interval, the median and the standard deviation (nulls while too few answered). */
export const ratingSchema = z
  .object({
    mean: z.number().nullable(),
    ci95: intervalSchema.nullable(),
    median: z.number().nullable(),
    sd: z.number().nullable(),
  })
  .strict();

export const resultsSchema = z
  .object({
    slug: z.string(),
    question: z.string(),
    status,
    type: z.enum(POLL_TYPES),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES),
    totalResponses: z.number().int(),
    duplicatesRefused: z.number().int(),
    /** Votes quarantined after review (issue 16): kept in the owner's log, left out of every count. */
    excludedVotes: z.number().int(),
    options: z.array(
      z.object({ key: z.string(), label: z.string(), votes: z.number().int(), share, ci95: intervalSchema }).strict(),
    ),
    updatedAt: instant,
    ordinal: ordinalSchema.optional(),
    breakdown: breakdownSchema.optional(),
    ranked: rankedSchema.optional(),
    rating: ratingSchema.optional(),
  })
  .strict();

export const voteAcceptedSchema = z.object({ accepted: z.literal(true), results: resultsSchema.nullable() }).strict();

export const trendSchema = z
  .object({
    slug: z.string(),
    interval: z.enum(['day', 'week']),
    points: z.array(
      z
        .object({
          start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          n: z.number().int(),
          options: z.array(
            z.object({ key: z.string(), votes: z.number().int(), share, ci95: intervalSchema }).strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), reason: z.string().optional() }).strict();

/** A survey's question: a Poll and whether it must be answered. */
export const surveyQuestionPollSchema = pollSchema.extend({ required: z.boolean() }).strict();

/** `GET /api/surveys/{slug}`: the questions page by page. */
export const surveySchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    status,
    opensAt: instant.nullable(),
    closesAt: instant.nullable(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES),
    duplicatePolicy: z.enum(DUPLICATE_POLICIES),
    pages: z.array(z.array(surveyQuestionPollSchema)),
    profile: z.array(z.enum(ASKABLE_DIMENSIONS)),
  })
  .strict();

/** A survey in the owner's answers: the Survey and how many responses started and finished. */
export const ownerSurveySchema = surveySchema
  .extend({ totalResponses: z.number().int(), finishedResponses: z.number().int() })
  .strict();

export const surveySummarySchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    status,
    questions: z.number().int(),
    pages: z.number().int(),
    totalResponses: z.number().int(),
    createdAt: instant,
  })
  .strict();

/** A question's breakdown inside survey results: by a profile dimension or by another question (`question:<slug>`). */
const surveyBreakdownSchema = breakdownSchema
  .extend({ dimension: z.union([z.enum(ASKABLE_DIMENSIONS), z.string().regex(/^question:[a-z0-9-]+$/)]) })
  .strict();

export const surveyResultsSchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    status,
    duplicatePolicy: z.enum(DUPLICATE_POLICIES),
    totalResponses: z.number().int(),
    updatedAt: instant,
    questions: z.array(
      resultsSchema
        .extend({ breakdown: surveyBreakdownSchema.optional(), page: z.number().int(), required: z.boolean() })
        .strict(),
    ),
    funnel: z.array(
      z.object({ page: z.number().int(), reached: z.number().int(), completed: z.number().int() }).strict(),
    ),
    completion: z
      .object({ started: z.number().int(), finished: z.number().int(), rate: share, ci95: intervalSchema })
      .strict(),
    by: z
      .object({ kind: z.enum(['profile', 'question']), key: z.string(), label: z.string() })
      .strict()
      .optional(),
  })
  .strict();

export const surveyTrendSchema = z
  .object({
    slug: z.string(),
    interval: z.enum(['day', 'week']),
    points: z.array(
      z
        .object({
          start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          started: z.number().int(),
          finished: z.number().int(),
        })
        .strict(),
    ),
  })
  .strict();
