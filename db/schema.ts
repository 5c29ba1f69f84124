/**
 * Every table and index of Peer Polls: the single source of truth from which drizzle-kit
 * generates the migrations in db/migrations. Times are integer milliseconds since the epoch (UTC).
 */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import type { ProfileAnswers, ProfileDimension } from '../src/lib/profile';
import {
  DUPLICATE_POLICIES,
  NETWORK_IDENTITIES,
  POLL_TYPES,
  RESULTS_VISIBILITIES,
  SCALES,
  STORED_STATUSES,
  VOTE_SOURCES,
  type AddressBudget,
} from '../src/lib/types';

export const polls = sqliteTable(
  'polls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull().unique(),
    question: text('question').notNull(),
    description: text('description').notNull().default(''),
    type: text('type', { enum: POLL_TYPES }).notNull(),
    scale: text('scale', { enum: SCALES }).notNull().default('nominal'),
    minChoices: integer('min_choices').notNull(),
    maxChoices: integer('max_choices').notNull(),
    /** What the owner chose; "scheduled" and a passed closesAt are derived at request time. */
    status: text('status', { enum: STORED_STATUSES }).notNull(),
    opensAt: integer('opens_at'),
    closesAt: integer('closes_at'),
    resultsVisibility: text('results_visibility', { enum: RESULTS_VISIBILITIES }).notNull(),
    duplicatePolicy: text('duplicate_policy', { enum: DUPLICATE_POLICIES }).notNull(),
    /** What the `network` identity is made of: address and User-Agent, or the address alone. */
    networkIdentity: text('network_identity', { enum: NETWORK_IDENTITIES }).notNull().default('address_agent'),
    /** Accepted votes per network prefix per hour, as JSON { votesPerHour, ipv6Prefix }; null: no budget. */
    addressBudget: text('address_budget', { mode: 'json' }).$type<AddressBudget | null>(),
    /** Origins (or https://*.example.com patterns) that may frame this poll's widget, beyond the site's; JSON array. */
    embedOrigins: text('embed_origins', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    /** Tally: votes quarantined after review (in the log, out of every public count). */
    quarantinedCount: integer('quarantined_count').notNull().default(0),
    /** Tally: respondents, kept in the vote's transaction (for multiple choice ≠ sum of option votes). */
    responseCount: integer('response_count').notNull().default(0),
    /** Tally: submissions refused by the duplicate policy. */
    duplicateCount: integer('duplicate_count').notNull().default(0),
    /** The profile dimensions the ballot asks, as a JSON array of catalogue keys. */
    profile: text('profile', { mode: 'json' })
      .$type<ProfileDimension[]>()
      .notNull()
      .default(sql`'[]'`),
    /** Single or multiple choice with a write-in "Other" (its option row has `other` set). */
    allowOther: integer('allow_other', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** The survey this poll is a question of (answered only through it); null: a stand-alone poll. */
    surveyId: integer('survey_id').references((): AnySQLiteColumn => surveys.id, { onDelete: 'cascade' }),
    /** A question's 0-based position in its survey (page order, then order on the page). */
    surveyPosition: integer('survey_position'),
    /** A question's 0-based survey page. */
    surveyPage: integer('survey_page'),
    /** Whether the survey's respondents must answer this question. */
    required: integer('required', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('polls_survey').on(t.surveyId, t.surveyPosition)],
);

export const pollOptions = sqliteTable(
  'poll_options',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    position: integer('position').notNull(),
    /** "None of these": on a multiple-choice ballot this option cannot be combined with others. */
    exclusive: integer('exclusive', { mode: 'boolean' }).notNull().default(false),
    /** On an ordinal scale: the numbers the option stands for (both or neither). */
    rangeLow: real('range_low'),
    rangeHigh: real('range_high'),
    /** On a rating scale: the number the option stands for. */
    value: real('value'),
    /** The write-in option ("Other") of a poll with allow_other. */
    other: integer('other', { mode: 'boolean' }).notNull().default(false),
    /** Tally: votes for this option (a ranked poll: ballots ranking it first), kept in the vote's transaction. */
    votes: integer('votes').notNull().default(0),
  },
  (t) => [uniqueIndex('poll_options_poll_key').on(t.pollId, t.key)],
);

export const votes = sqliteTable(
  'votes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    /** Floored to the minute (voteMinute in src/lib/store.ts): an exact time could identify a voter. */
    createdAt: integer('created_at').notNull(),
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
    quarantineId: integer('quarantine_id').references((): AnySQLiteColumn => quarantines.id),
  },
  (t) => [
    index('votes_poll_created').on(t.pollId, t.createdAt),
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
export const prefixHourTallies = sqliteTable(
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
export const quarantines = sqliteTable(
  'quarantines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    prefixKey: text('prefix_key').notNull(),
    fromAt: integer('from_at').notNull(),
    toAt: integer('to_at').notNull(),
    /** Votes it took out when it was made. */
    votes: integer('votes').notNull(),
    createdAt: integer('created_at').notNull(),
    /** When the owner restored it (its votes count again); null while it holds. */
    restoredAt: integer('restored_at'),
  },
  (t) => [index('quarantines_poll').on(t.pollId, t.createdAt)],
);

export const voteChoices = sqliteTable(
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
export const voteLocks = sqliteTable(
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
 * The `person` policy's locks ("p:<per-poll person key>"), apart from vote_locks: no vote id and,
 * created WITHOUT ROWID (migration 0011), no insertion order, so whoever holds the database and
 * the voter-key secret and computes every colleague's key learns at most who took part, never
 * which vote was theirs. Inserted in the vote's savepoint: the primary key refuses a second vote.
 */
export const personLocks = sqliteTable(
  'person_locks',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    lockKey: text('lock_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.lockKey] })],
);

/**
 * A vote's profile answers, one row per dimension answered ("not stated" has no row). Keyed by
 * the vote only: nothing here links one voter's votes in different polls. poll_id is repeated
 * so a cross-section (`?where=`) is one index range.
 */
export const voteProfiles = sqliteTable(
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
export const segmentTallies = sqliteTable(
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
export const segmentOptionTallies = sqliteTable(
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
export const segmentPairTallies = sqliteTable(
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
export const segmentPairOptionTallies = sqliteTable(
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
export const periodTallies = sqliteTable(
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
export const periodOptionTallies = sqliteTable(
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
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: integer('created_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`),
});

/** Admin UI sessions. Only a SHA-256 of the session token is stored; the token lives in the cookie. */
export const adminSessions = sqliteTable(
  'admin_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('admin_sessions_expires').on(t.expiresAt)],
);

/**
 * Every admin change: who (a short hash of the session, or "api-token"), what, when. Keyed by
 * slug text, not a foreign key, so the record of a deletion outlives the poll.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
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
export const voteRankings = sqliteTable(
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
export const rankingTallies = sqliteTable(
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
export const otherAnswers = sqliteTable(
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
export const surveys = sqliteTable('surveys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Own namespace: /surveys/x and /polls/x may both exist. */
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  status: text('status', { enum: STORED_STATUSES }).notNull(),
  opensAt: integer('opens_at'),
  closesAt: integer('closes_at'),
  resultsVisibility: text('results_visibility', { enum: RESULTS_VISIBILITIES }).notNull(),
  duplicatePolicy: text('duplicate_policy', { enum: DUPLICATE_POLICIES }).notNull(),
  profile: text('profile', { mode: 'json' })
    .$type<ProfileDimension[]>()
    .notNull()
    .default(sql`'[]'`),
  /** Tally: responses created (first page submitted). */
  startedCount: integer('started_count').notNull().default(0),
  /** Tally: responses that submitted the last page. */
  finishedCount: integer('finished_count').notNull().default(0),
  /** Tally: new responses refused by the duplicate policy. */
  duplicateCount: integer('duplicate_count').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * One respondent's answers to a survey, created when its first page is submitted. Times are
 * floored to the minute (as votes are). The answers themselves are votes, linked in survey_answers.
 */
export const surveyResponses = sqliteTable(
  'survey_responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    source: text('source', { enum: VOTE_SOURCES }).notNull(),
    /** Survey-level HMAC of the browser's device id: "you have already answered"; never a raw id. */
    deviceKey: text('device_key'),
    finished: integer('finished', { mode: 'boolean' }).notNull().default(false),
    /** The minute the last page was first submitted (the day tally counts it); null until then. */
    finishedAt: integer('finished_at'),
    /** The respondent's profile answers, filed with every answer vote. */
    profile: text('profile', { mode: 'json' })
      .$type<ProfileAnswers>()
      .notNull()
      .default(sql`'{}'`),
    /** 0-based pages submitted at least once, ascending, as a JSON array. */
    pagesDone: text('pages_done', { mode: 'json' })
      .$type<number[]>()
      .notNull()
      .default(sql`'[]'`),
  },
  (t) => [
    index('survey_responses_created').on(t.surveyId, t.createdAt, t.id),
    index('survey_responses_device').on(t.surveyId, t.deviceKey),
  ],
);

/** A response's answer to one question: the vote it is stored as. */
export const surveyAnswers = sqliteTable(
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
export const surveyLocks = sqliteTable(
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

/** A person survey's lock ("p:…"): like person_locks, with no response id and no insertion order. */
export const surveyPersonLocks = sqliteTable(
  'survey_person_locks',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    lockKey: text('lock_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.lockKey] })],
);

/** Tally (funnel): responses that reached and that submitted each 0-based page. */
export const surveyPageTallies = sqliteTable(
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
export const surveyDayTallies = sqliteTable(
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
export const surveyPairTallies = sqliteTable(
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
export const surveyPairOptionTallies = sqliteTable(
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
