/**
 * Surveys (SPEC.md, "Surveys contract"): several questions answered in one visit. Each question
 * is a poll of any type with its own slug, results and API, owned by its survey (its status,
 * schedule, visibility, duplicate policy and profile questions are the survey's, kept in step by
 * the store). The survey adds one page to answer them all, response-level analytics across
 * questions, and drop-off.
 */
import type { ProfileAnswers, ProfileDimension } from './profile';
import type { Interval } from './stats';
import type { AuditEntry, SegmentCounts } from './store';
import type {
  DuplicatePolicy,
  NewOption,
  Poll,
  PollFields,
  PollRecord,
  PollStatus,
  Results,
  ResultsVisibility,
  StoredStatus,
  VoteSource,
} from './types';

/**
 * The audit log's key for a survey's entries: polls and surveys have separate slug namespaces,
 * so a survey's entries are filed apart from a poll's of the same slug.
 */
export const surveyAuditKey = (slug: string) => `survey:${slug}`;

/** A question of a survey: its poll, the survey page it is on (0-based) and whether it must be answered. */
export interface SurveyQuestion {
  poll: PollRecord;
  /** 0-based page index; pages are numbered 1… for people. */
  page: number;
  required: boolean;
}

/** A survey as stored, with its questions in order (position order = page order, then order on the page). */
export interface SurveyRecord {
  id: number;
  slug: string;
  title: string;
  description: string;
  status: StoredStatus;
  opensAt: number | null;
  closesAt: number | null;
  resultsVisibility: ResultsVisibility;
  duplicatePolicy: DuplicatePolicy;
  /** The profile dimensions asked once, on the first page (catalogue order); empty: none. */
  profile: ProfileDimension[];
  /** Tally: responses that submitted their first page. */
  startedCount: number;
  /** Tally: responses that submitted the last page. */
  finishedCount: number;
  /** Tally: new responses refused by the duplicate policy. */
  duplicateCount: number;
  createdAt: number;
  updatedAt: number;
  questions: SurveyQuestion[];
}

/** The fields a survey is created or edited with (its questions come separately). */
export type SurveyFields = Pick<
  SurveyRecord,
  | 'slug'
  | 'title'
  | 'description'
  | 'status'
  | 'opensAt'
  | 'closesAt'
  | 'resultsVisibility'
  | 'duplicatePolicy'
  | 'profile'
>;

/**
 * A question to create. Its poll's status, opensAt, closesAt, resultsVisibility, duplicatePolicy
 * and profile are overwritten by the store with the survey's (given here for type reuse only).
 */
export interface NewQuestion {
  fields: PollFields;
  options: NewOption[];
  page: number;
  required: boolean;
}

/** One answered question of a submission, checked against the poll's rules. */
export interface SurveyAnswerToRecord {
  pollId: number;
  /** Chosen option ids; a ranked answer: its first choice only (like a ranked vote). */
  optionIds: number[];
  /** A ranked answer's whole order (option ids, most preferred first); null otherwise. */
  ranking: number[] | null;
  /** The write-in text when the answer chose "Other"; null otherwise. */
  otherText: string | null;
  /** Per-poll device key (src/lib/voter.ts deviceKeyFor), so the question's own pages show "Your choice". */
  deviceKey: string | null;
}

/**
 * What one submission stores: one page of the form, or (JSON API) pages 1…k at once. Answers to
 * questions on `pages` replace whatever the response had answered there before (a question of
 * those pages that is absent from `answers` loses its earlier answer): going back and changing a
 * page is a replacement, never a second answer.
 */
export interface SurveySubmission {
  surveyId: number;
  /** null: a new response (created, locks taken); otherwise the response the signed token names. */
  responseId: number | null;
  /** 0-based page indexes submitted now, ascending. */
  pages: number[];
  answers: SurveyAnswerToRecord[];
  /**
   * The respondent's profile answers (already checked against the survey's profile); null keeps
   * the response's current ones (pages other than the first carry none). A change re-files every
   * answer of the response under the new profile.
   */
  profile: ProfileAnswers | null;
  createdAt: number;
  source: VoteSource;
  /** Survey-level device key (src/lib/voter.ts surveyDeviceKeyFor); stored on a new response. */
  deviceKey: string | null;
  /** Survey-level identities the duplicate policy locks; used only when creating a response. */
  lockKeys: string[];
  /**
   * The survey's updatedAt the answers were checked against: the store refuses with 'stale'
   * when the questions changed in between (possible only while there are no responses).
   */
  checkedAgainst: number;
}

export type SubmissionOutcome =
  | {
      outcome: 'recorded';
      responseId: number;
      /** The survey as this submission left it (tallies read in the same transaction). */
      survey: SurveyRecord;
    }
  | { outcome: 'duplicate' }
  | { outcome: 'stale' }
  /** The token's response does not exist in this survey (deleted with its survey, or forged across surveys). */
  | { outcome: 'response_not_found' };

/** A response's stored answers, to show a page again when the respondent goes back. */
export interface StoredResponse {
  id: number;
  surveyId: number;
  /** 0-based pages the response has submitted. */
  pagesDone: number[];
  finished: boolean;
  profile: ProfileAnswers;
  /** Poll id → the answer's option keys (ranked: in order of preference) and write-in text. */
  answers: Map<number, { choices: string[]; other: string | null }>;
}

/** Respondents who reached and who submitted one page (1-based page number, as in the contract). */
export interface FunnelStep {
  page: number;
  reached: number;
  completed: number;
}

/** One UTC day of a survey: responses started and finished that day. */
export interface SurveyDayCounts {
  day: number;
  started: number;
  finished: number;
}

/** One row of the owner's responses CSV: minute-precision times, never a voter key. */
export interface ResponseRow {
  id: number;
  createdAt: number;
  updatedAt: number;
  finished: boolean;
  profile: ProfileAnswers;
  /** Poll id → option keys (ranked: in order of preference) and write-in text. */
  answers: Map<number, { choices: string[]; other: string | null }>;
}

/** The storage of surveys, beside PollStore (same database, same transactions' rules). */
export interface SurveyStore {
  /** Every survey, drafts included, newest first, with questions in order. */
  listSurveys(): Promise<SurveyRecord[]>;
  findSurvey(slug: string): Promise<SurveyRecord | null>;
  /** The survey owning this poll (a question), or null for a stand-alone poll. */
  surveyOfPoll(pollId: number): Promise<SurveyRecord | null>;
  surveySlugExists(slug: string): Promise<boolean>;
  /**
   * Creates the survey and its question polls in one transaction; `slugTaken` names the survey
   * slug or the first question slug already taken (by a poll or a survey as fitting).
   */
  createSurvey(
    fields: SurveyFields,
    questions: NewQuestion[],
    now: number,
    audit?: AuditEntry,
  ): Promise<SurveyRecord | { slugTaken: string }>;
  /**
   * Edits a survey; its status, schedule, visibility, duplicate policy and profile are copied to
   * every question poll in the same transaction. With `questions`, the question polls are
   * replaced — refused with 'has_responses' when the survey has a response or a question a vote
   * (checked inside the transaction).
   */
  updateSurvey(
    id: number,
    fields: Partial<SurveyFields>,
    change: { questions?: NewQuestion[]; now: number; audit?: AuditEntry },
  ): Promise<SurveyRecord | 'has_responses' | 'not_found' | { slugTaken: string }>;
  /** Deletes the survey, its question polls, responses and tallies. */
  deleteSurvey(id: number, now: number, audit?: AuditEntry): Promise<boolean>;
  /**
   * Stores a submission in one BEGIN IMMEDIATE transaction: the response (created, or updated),
   * its locks, each answer as a vote of its question (with every tally a vote moves), the
   * cross-question pair tallies, the funnel and the per-day counts.
   */
  recordSubmission(submission: SurveySubmission): Promise<SubmissionOutcome>;
  /**
   * Records many submissions (the demo seed) in one transaction: all or, when any is refused,
   * none (it throws). One commit instead of one per response.
   */
  importSubmissions(submissions: SurveySubmission[]): Promise<void>;
  /** A response of this survey with its answers, or null. */
  findResponse(surveyId: number, responseId: number): Promise<StoredResponse | null>;
  /** Whether this survey-level device key has a response in the survey. */
  hasResponded(surveyId: number, deviceKey: string): Promise<boolean>;
  /** Whether the person survey holds this person lock ("p:…"): they answered; the lock names no response. */
  hasSurveyPersonLock(surveyId: number, lockKey: string): Promise<boolean>;
  /** Reached and completed per page (every page listed, zeros included), from the funnel tallies. */
  funnel(surveyId: number): Promise<FunnelStep[]>;
  /**
   * Counts for breaking `targetPollId` down by the answers to the single-answer question
   * `byPollId` of the same survey, from the pair tallies: the cross-section is everyone who
   * answered the target (its own tallies, read in the same snapshot); `segments` is keyed by the
   * by-question's option key and counts responses that gave that answer and answered the target.
   */
  crossQuestionCounts(byPollId: number, targetPollId: number): Promise<SegmentCounts>;
  /** Started / finished per UTC day for days fromDay…toDay (days with any), and the first such day. */
  surveyDailyCounts(
    surveyId: number,
    fromDay: number,
    toDay: number,
  ): Promise<{ firstDay: number | null; days: SurveyDayCounts[] }>;
  /** Up to `limit` responses, oldest first (created, then id), after `afterId`-cursor; a short page is the last. */
  responsesPage(
    surveyId: number,
    after: { createdAt: number; id: number } | null,
    limit: number,
  ): Promise<ResponseRow[]>;
}

/** `GET /api/surveys/{slug}` (SPEC.md). */
export interface Survey {
  slug: string;
  title: string;
  description: string;
  status: PollStatus;
  opensAt: string | null;
  closesAt: string | null;
  resultsVisibility: ResultsVisibility;
  duplicatePolicy: DuplicatePolicy;
  /** Questions per page, in order; each a Poll with `required`. */
  pages: (Poll & { required: boolean })[][];
  profile: ProfileDimension[];
}

/** One list entry of `GET /api/surveys`. */
export interface SurveySummary {
  slug: string;
  title: string;
  status: PollStatus;
  questions: number;
  pages: number;
  totalResponses: number;
  createdAt: string;
}

/** `GET /api/surveys/{slug}/results`. */
export interface SurveyResults {
  slug: string;
  title: string;
  status: PollStatus;
  duplicatePolicy: DuplicatePolicy;
  /** Responses started (submitted at least their first page). */
  totalResponses: number;
  updatedAt: string;
  /**
   * Every question's Results, in survey order, with its page (1-based, as in the funnel); with
   * `?by=` each other question carries `breakdown`.
   */
  questions: (Results & { page: number; required: boolean })[];
  funnel: FunnelStep[];
  completion: { started: number; finished: number; rate: number; ci95: Interval };
  /** With `?by=`: what the questions are broken down by. */
  by?: { kind: 'profile' | 'question'; key: string; label: string };
}
