/**
 * The PostgreSQL schema: the same tables, columns and keys as db/schema.ts (the SQLite one), from
 * which drizzle-kit generates db/pg-migrations (drizzle.pg.config.ts). Times are bigint
 * milliseconds since the epoch (UTC), JSON columns jsonb, flags boolean. Where the two differ it
 * is said at the table: the person locks, and the tables only several instances need (shared_*).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { ProfileAnswers, ProfileDimension } from '../../src/lib/profile';
import {
  DUPLICATE_POLICIES,
  NETWORK_IDENTITIES,
  POLL_TYPES,
  RESULTS_VISIBILITIES,
  SCALES,
  STORED_STATUSES,
  VOTE_SOURCES,
  type AddressBudget,
} from '../../src/lib/types';

export const polls = pgTable(
  'polls',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    slug: text('slug').notNull().unique(),
    question: text('question').notNull(),
    description: text('description').notNull().default(''),
    type: text('type', { enum: POLL_TYPES }).notNull(),
    scale: text('scale', { enum: SCALES }).notNull().default('nominal'),
    minChoices: integer('min_choices').notNull(),
    maxChoices: integer('max_choices').notNull(),
    /** What the owner chose; "scheduled" and a passed closesAt are derived at request time. */
    status: text('status', { enum: STORED_STATUSES }).notNull(),
    opensAt: bigint('opens_at', { mode: 'number' }),
    closesAt: bigint('closes_at', { mode: 'number' }),
    resultsVisibility: text('results_visibility', { enum: RESULTS_VISIBILITIES }).notNull(),
    duplicatePolicy: text('duplicate_policy', { enum: DUPLICATE_POLICIES }).notNull(),
    /** What the `network` identity is made of: address and User-Agent, or the address alone. */
    networkIdentity: text('network_identity', { enum: NETWORK_IDENTITIES }).notNull().default('address_agent'),
    /** Accepted votes per network prefix per hour, as JSON { votesPerHour, ipv6Prefix }; null: no budget. */
    addressBudget: jsonb('address_budget').$type<AddressBudget | null>(),
    /** Origins (or https://*.example.com patterns) that may frame this poll's widget, beyond the site's; JSON array. */
    embedOrigins: jsonb('embed_origins')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Tally: votes quarantined after review (in the log, out of every public count). */
    quarantinedCount: integer('quarantined_count').notNull().default(0),
    /** Tally: respondents, kept in the vote's transaction (for multiple choice ≠ sum of option votes). */
    responseCount: integer('response_count').notNull().default(0),
    /** Tally: submissions refused by the duplicate policy. */
    duplicateCount: integer('duplicate_count').notNull().default(0),
    /** The profile dimensions the ballot asks, as a JSON array of catalogue keys. */
    profile: jsonb('profile')
      .$type<ProfileDimension[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Single or multiple choice with a write-in "Other" (its option row has `other` set). */
    allowOther: boolean('allow_other').notNull().default(false),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    /** The survey this poll is a question of (answered only through it); null: a stand-alone poll. */
    surveyId: integer('survey_id').references((): AnyPgColumn => surveys.id, { onDelete: 'cascade' }),
    /** A question's 0-based position in its survey (page order, then order on the page). */
    surveyPosition: integer('survey_position'),
    /** A question's 0-based survey page. */
    surveyPage: integer('survey_page'),
    /** Whether the survey's respondents must answer this question. */
    required: boolean('required').notNull().default(false),
  },
  (t) => [index('polls_survey').on(t.surveyId, t.surveyPosition)],
);

export const pollOptions = pgTable(
  'poll_options',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    position: integer('position').notNull(),
    /** "None of these": on a multiple-choice ballot this option cannot be combined with others. */
    exclusive: boolean('exclusive').notNull().default(false),
    /** On an ordinal scale: the numbers the option stands for (both or neither). */
    rangeLow: doublePrecision('range_low'),
    rangeHigh: doublePrecision('range_high'),
    /** On a rating scale: the number the option stands for. */
    value: doublePrecision('value'),
    /** The write-in option ("Other") of a poll with allow_other. */
    other: boolean('other').notNull().default(false),
    /** Tally: votes for this option (a ranked poll: ballots ranking it first), kept in the vote's transaction. */
    votes: integer('votes').notNull().default(0),
  },
  (t) => [uniqueIndex('poll_options_poll_key').on(t.pollId, t.key)],
);

export const votes = pgTable(
  'votes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    /** Floored to the minute (voteMinute in src/lib/store.ts): an exact time could identify a voter. */
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    /** Where the vote came from: "web" form, "api", "embed" widget or "seed". */
    source: text('source', { enum: VOTE_SOURCES }).notNull(),
    /** HMAC of the browser's device id and the poll — lets a browser see it voted; never a raw id. */
    deviceKey: text('device_key'),
    /**
     * Per-poll keyed digest of the voter's network prefix (IPv4 /24, IPv6 /48 or /64), never the
     * prefix: what the address budget counts under and a burst is quarantined by. null: seeded or
     * imported votes, and votes cast before prefixes were kept.
     */
    prefixKey: text('prefix_key'),
    /** The quarantine holding this vote out of every public count; null: counted. */
    quarantineId: integer('quarantine_id').references((): AnyPgColumn => quarantines.id),
  },
  (t) => [
    // SQLite's index ends in the rowid by itself; here `id` is named, so the vote log pages by key.
    index('votes_poll_created').on(t.pollId, t.createdAt, t.id),
    index('votes_poll_device').on(t.pollId, t.deviceKey),
    index('votes_poll_prefix').on(t.pollId, t.prefixKey, t.createdAt),
    index('votes_quarantine').on(t.quarantineId),
  ],
);

/**
 * Tally: votes per (poll, network prefix digest, clock hour), kept in the vote's transaction —
 * accepted votes (what the address budget counts) and votes refused by the budget. The admin
 * page's traffic view and burst flags read it; the prefix itself is never stored.
 */
export const prefixHourTallies = pgTable(
  'prefix_hour_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    prefixKey: text('prefix_key').notNull(),
    /** Hours since 1970-01-01T00:00Z. */
    hour: integer('hour').notNull(),
    votes: integer('votes').notNull().default(0),
    refused: integer('refused').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.pollId, t.prefixKey, t.hour] }),
    index('prefix_hour_poll_hour').on(t.pollId, t.hour),
  ],
);

/**
 * A burst the owner took out of the public counts after review: one prefix digest's votes in
 * [fromAt, toAt). Its votes stay in the log with quarantine_id set; restoring clears it.
 */
export const quarantines = pgTable(
  'quarantines',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    prefixKey: text('prefix_key').notNull(),
    fromAt: bigint('from_at', { mode: 'number' }).notNull(),
    toAt: bigint('to_at', { mode: 'number' }).notNull(),
    /** Votes it took out when it was made. */
    votes: integer('votes').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    /** When the owner restored it (its votes count again); null while it holds. */
    restoredAt: bigint('restored_at', { mode: 'number' }),
  },
  (t) => [index('quarantines_poll').on(t.pollId, t.createdAt)],
);

export const voteChoices = pgTable(
  'vote_choices',
  {
    voteId: integer('vote_id')
      .notNull()
      .references(() => votes.id, { onDelete: 'cascade' }),
    optionId: integer('option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.voteId, t.optionId] }), index('vote_choices_option').on(t.optionId)],
);

/**
 * One row per identity a duplicate policy locks for a poll ("d:<device key>", later
 * "n:<network key>"). The primary key makes a second vote fail inside the same transaction —
 * no check-then-insert race.
 */
export const voteLocks = pgTable(
  'vote_locks',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    lockKey: text('lock_key').notNull(),
    voteId: integer('vote_id')
      .notNull()
      .references(() => votes.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.lockKey] }), index('vote_locks_vote').on(t.voteId)],
);

/**
 * The `person` policy's locks ("p:<per-poll person key>") of a poll, as one sorted array per poll
 * rather than a row per person (db/schema.ts personLocks in SQLite): a PostgreSQL row carries the
 * id of the transaction that wrote it (xmin), which would pair a person's lock row with their
 * vote row. The one row is rewritten by every person vote (under the poll's row lock), so its
 * xmin names only the latest vote and the sorted array keeps no insertion order.
 */
export const personLockSets = pgTable('person_lock_sets', {
  pollId: integer('poll_id')
    .primaryKey()
    .references(() => polls.id, { onDelete: 'cascade' }),
  lockKeys: text('lock_keys')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
});

/**
 * A vote's profile answers, one row per dimension answered ("not stated" has no row). Keyed by
 * the vote only: nothing here links one voter's votes in different polls. poll_id is repeated
 * so a cross-section (`?where=`) is one index range.
 */
export const voteProfiles = pgTable(
  'vote_profiles',
  {
    voteId: integer('vote_id')
      .notNull()
      .references(() => votes.id, { onDelete: 'cascade' }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.voteId, t.dimension] }),
    index('vote_profiles_segment').on(t.pollId, t.dimension, t.value, t.voteId),
  ],
);

/**
 * Tally: respondents per (poll, dimension, answered value), kept in the vote's transaction.
 * "Not stated" is not stored: it is the poll's response count minus the stated segments.
 */
export const segmentTallies = pgTable(
  'segment_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    responses: integer('responses').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.dimension, t.value] })],
);

/** Tally: votes per (poll, dimension, answered value, option), kept in the vote's transaction. */
export const segmentOptionTallies = pgTable(
  'segment_option_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    optionId: integer('option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    votes: integer('votes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.dimension, t.value, t.optionId] })],
);

/**
 * Tally: respondents per (poll, answer to one question, answer to another), kept in the vote's
 * transaction, so a breakdown narrowed by `where` reads tallies too. Each pair once, with
 * dimension_a < dimension_b; "not stated" is derived (the single tallies minus the pairs).
 */
export const segmentPairTallies = pgTable(
  'segment_pair_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    dimensionA: text('dimension_a').notNull(),
    valueA: text('value_a').notNull(),
    dimensionB: text('dimension_b').notNull(),
    valueB: text('value_b').notNull(),
    responses: integer('responses').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.dimensionA, t.dimensionB, t.valueA, t.valueB] })],
);

/** Tally: votes per (poll, answer pair, option), kept in the vote's transaction. */
export const segmentPairOptionTallies = pgTable(
  'segment_pair_option_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    dimensionA: text('dimension_a').notNull(),
    valueA: text('value_a').notNull(),
    dimensionB: text('dimension_b').notNull(),
    valueB: text('value_b').notNull(),
    optionId: integer('option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    votes: integer('votes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.dimensionA, t.dimensionB, t.valueA, t.valueB, t.optionId] })],
);

/**
 * Tally: respondents per poll and UTC day (days since 1970-01-01), kept in the vote's
 * transaction, so a trend reads at most one row per day whatever the vote count.
 */
export const periodTallies = pgTable(
  'period_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    responses: integer('responses').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.day] })],
);

/** Tally: votes per poll, UTC day and option, kept in the vote's transaction. */
export const periodOptionTallies = pgTable(
  'period_option_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    optionId: integer('option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    votes: integer('votes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.day, t.optionId] })],
);

/** Instance settings such as the generated signing secret. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: bigint('created_at', { mode: 'number' })
    .notNull()
    .default(sql`(extract(epoch from now()) * 1000)::bigint`),
});

/** Admin UI sessions. Only a SHA-256 of the session token is stored; the token lives in the cookie. */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('admin_sessions_expires').on(t.expiresAt)],
);

/**
 * Every admin change: who (a short hash of the session, or "api-token"), what, when. Keyed by
 * slug text, not a foreign key, so the record of a deletion outlives the poll.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: bigint('at', { mode: 'number' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    pollSlug: text('poll_slug').notNull(),
    details: text('details').notNull().default(''),
  },
  (t) => [index('audit_log_poll').on(t.pollSlug, t.at)],
);

/**
 * A ranked ballot's whole order, as option ids joined by commas, most preferred first. Its first
 * choice is also in vote_choices, so option, segment and day tallies count first choices.
 */
export const voteRankings = pgTable(
  'vote_rankings',
  {
    voteId: integer('vote_id')
      .primaryKey()
      .references(() => votes.id, { onDelete: 'cascade' }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    ranking: text('ranking').notNull(),
  },
  (t) => [index('vote_rankings_poll').on(t.pollId, t.ranking)],
);

/** Tally: ballots per distinct ranking of a poll, so an instant-runoff count never reads every ballot. */
export const rankingTallies = pgTable(
  'ranking_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    ranking: text('ranking').notNull(),
    ballots: integer('ballots').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.ranking] })],
);

/**
 * A write-in "Other" answer: the text as typed (trimmed) and its normalised form, which the
 * owner's page groups by. Only the owner reads these; no public page or API shows them.
 */
export const otherAnswers = pgTable(
  'other_answers',
  {
    voteId: integer('vote_id')
      .primaryKey()
      .references(() => votes.id, { onDelete: 'cascade' }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    normalized: text('normalized').notNull(),
  },
  (t) => [index('other_answers_poll').on(t.pollId, t.normalized)],
);

/**
 * A survey: several questions (polls with survey_id) answered in one visit. Its status,
 * schedule, visibility, duplicate policy and profile are copied to its question polls.
 */
export const surveys = pgTable('surveys', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  /** Own namespace: /surveys/x and /polls/x may both exist. */
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  status: text('status', { enum: STORED_STATUSES }).notNull(),
  opensAt: bigint('opens_at', { mode: 'number' }),
  closesAt: bigint('closes_at', { mode: 'number' }),
  resultsVisibility: text('results_visibility', { enum: RESULTS_VISIBILITIES }).notNull(),
  duplicatePolicy: text('duplicate_policy', { enum: DUPLICATE_POLICIES }).notNull(),
  profile: jsonb('profile')
    .$type<ProfileDimension[]>()
    .notNull()
    .default(sql`'[]'::jsonb`),
  /** Tally: responses created (first page submitted). */
  startedCount: integer('started_count').notNull().default(0),
  /** Tally: responses that submitted the last page. */
  finishedCount: integer('finished_count').notNull().default(0),
  /** Tally: new responses refused by the duplicate policy. */
  duplicateCount: integer('duplicate_count').notNull().default(0),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/**
 * One respondent's answers to a survey, created when its first page is submitted. Times are
 * floored to the minute (as votes are). The answers themselves are votes, linked in survey_answers.
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    source: text('source', { enum: VOTE_SOURCES }).notNull(),
    /** Survey-level HMAC of the browser's device id: "you have already answered"; never a raw id. */
    deviceKey: text('device_key'),
    finished: boolean('finished').notNull().default(false),
    /** The minute the last page was first submitted (the day tally counts it); null until then. */
    finishedAt: bigint('finished_at', { mode: 'number' }),
    /** The respondent's profile answers, filed with every answer vote. */
    profile: jsonb('profile')
      .$type<ProfileAnswers>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** 0-based pages submitted at least once, ascending, as a JSON array. */
    pagesDone: jsonb('pages_done')
      .$type<number[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
  },
  (t) => [
    index('survey_responses_created').on(t.surveyId, t.createdAt, t.id),
    index('survey_responses_device').on(t.surveyId, t.deviceKey),
  ],
);

/** A response's answer to one question: the vote it is stored as. */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    responseId: integer('response_id')
      .notNull()
      .references(() => surveyResponses.id, { onDelete: 'cascade' }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    voteId: integer('vote_id')
      .notNull()
      .unique()
      .references(() => votes.id, { onDelete: 'cascade' }),
    page: integer('page').notNull(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.pollId] }), index('survey_answers_poll').on(t.pollId)],
);

/** Survey-level duplicate-policy locks ("d:…", "n:…"), taken when a response is created. */
export const surveyLocks = pgTable(
  'survey_locks',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    lockKey: text('lock_key').notNull(),
    responseId: integer('response_id')
      .notNull()
      .references(() => surveyResponses.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.lockKey] }), index('survey_locks_response').on(t.responseId)],
);

/** A person survey's locks ("p:…"), as person_lock_sets: one sorted array per survey, no row per person. */
export const surveyPersonLockSets = pgTable('survey_person_lock_sets', {
  surveyId: integer('survey_id')
    .primaryKey()
    .references(() => surveys.id, { onDelete: 'cascade' }),
  lockKeys: text('lock_keys')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
});

/** Tally (funnel): responses that reached and that submitted each 0-based page. */
export const surveyPageTallies = pgTable(
  'survey_page_tallies',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    page: integer('page').notNull(),
    reached: integer('reached').notNull().default(0),
    completed: integer('completed').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.page] })],
);

/** Tally: responses started and finished per UTC day (days since 1970-01-01). */
export const surveyDayTallies = pgTable(
  'survey_day_tallies',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    started: integer('started').notNull().default(0),
    finished: integer('finished').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.day] })],
);

/**
 * Tally: responses that gave option by_option_id to the single-answer question by_poll_id and
 * answered poll_id too — a breakdown of one question by another's answers.
 */
export const surveyPairTallies = pgTable(
  'survey_pair_tallies',
  {
    byPollId: integer('by_poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    byOptionId: integer('by_option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    responses: integer('responses').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.byPollId, t.pollId, t.byOptionId] })],
);

/** Tally: votes per option of poll_id among responses that gave by_option_id to by_poll_id. */
export const surveyPairOptionTallies = pgTable(
  'survey_pair_option_tallies',
  {
    byPollId: integer('by_poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    byOptionId: integer('by_option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    optionId: integer('option_id')
      .notNull()
      .references(() => pollOptions.id, { onDelete: 'cascade' }),
    votes: integer('votes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.byPollId, t.pollId, t.byOptionId, t.optionId] })],
);

/**
 * Shared state of several app instances (PostgreSQL only; one SQLite process keeps it in memory,
 * src/http/rate-limit.ts): the write limit's token buckets, keyed by a digest of the client's
 * network (never an address), each taken with one atomic upsert.
 */
export const sharedRateBuckets = pgTable(
  'shared_rate_buckets',
  {
    bucket: text('bucket').primaryKey(),
    tokens: doublePrecision('tokens').notNull(),
    /** When the bucket was last taken from (ms): its refill counts from here. */
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('shared_rate_buckets_at').on(t.at)],
);

/**
 * Admin login attempts in the throttle's window across instances (src/lib/login-throttle.ts):
 * one row per counted attempt, deleted when its password proved right or it left the window.
 */
export const sharedLoginAttempts = pgTable(
  'shared_login_attempts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** A digest of the client's network (IPv4 address, IPv6 /64). */
    network: text('network').notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('shared_login_attempts_network').on(t.network, t.at), index('shared_login_attempts_at').on(t.at)],
);
