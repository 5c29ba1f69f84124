/**
 * Answering a survey (SPEC.md, "Surveys contract"): one page of the form at a time, tied
 * together by a signed response token, or every page at once through the JSON API. Each answer
 * is checked with the poll ballot rules of its question (ballotOptionIds, parseWriteIn), the
 * profile with parseProfile; every problem is collected, per question, and a refused submission
 * stores nothing (422 invalid_answers). Duplicate policies apply per survey.
 */
import { ballotFromForm, questionFieldNames } from './ballot-form';
import { PollError } from './errors';
import { ballotOptionIds } from './poll-rules';
import { parseProfile, profileFromForm, type ProfileAnswers, type SignOnProfile } from './profile';
import { signResponseToken, verifyResponseToken } from './response-token';
import { surveyResponseSchema } from './survey-schemas';
import type {
  StoredResponse,
  SurveyAnswerToRecord,
  SurveyQuestion,
  SurveyRecord,
  SurveyStore,
  SurveySubmission,
} from './survey-types';
import { hasResponded } from './survey-results';
import { findPublicSurvey, surveyPages, surveyStatus } from './surveys';
import type { PollStore } from './store';
import type { DuplicatePolicy, PollStatus, VoteSource } from './types';
import { deviceKeyFor, surveyDeviceKeyFor, surveyNetworkKeyFor, surveyPersonKeyFor } from './voter';
import { lockKeysFor, requirePerson, storedVoteTime, type Voter, type VisitorIds } from './votes';
import { parseWriteIn } from './write-in';

export interface SurveyContext {
  store: PollStore;
  surveyStore: SurveyStore;
  secret: string;
  now: number;
}

export type AnswerProblemCode =
  | 'required'
  | 'invalid_choice'
  | 'too_few_choices'
  | 'too_many_choices'
  | 'invalid_other'
  | 'invalid_profile'
  | 'unknown_question'
  | 'invalid_body';

/** One problem of a submission: the question's slug (null: the profile or the body as a whole). */
export interface AnswerProblem {
  question: string | null;
  code: AnswerProblemCode;
  message: string;
}

/** 422 invalid_answers: every problem of the submission; nothing was stored. */
/** A refusal lists at most this many problems, so a body of junk keys cannot make a larger answer. */
export const MAX_PROBLEMS = 20;

export class SurveyAnswersError extends PollError {
  readonly problems: AnswerProblem[];
  constructor(all: AnswerProblem[]) {
    const count = all.length;
    const problems =
      count > MAX_PROBLEMS
        ? [
            ...all.slice(0, MAX_PROBLEMS),
            { question: null, code: 'invalid_body' as const, message: `…and ${count - MAX_PROBLEMS} more problems.` },
          ]
        : all;
    super(
      'invalid_answers',
      count === 1
        ? `One answer needs attention: ${problems[0]!.message}`
        : `${count} answers need attention; nothing was saved.`,
    );
    this.problems = problems;
  }
}

/** A page's answers as the form shows them: chosen keys (ranked: in order) and the write-in box's text. */
export type PageAnswers = Map<string, { choices: string[]; other: string }>;

/** Why earlier answers cannot be continued (forged, expired or other-survey token, or a response gone). */
export const LOST_RESPONSE_MESSAGE = 'Your earlier answers could not be found; please start the survey again.';
const lostResponse = () => new PollError('invalid_body', LOST_RESPONSE_MESSAGE);

const DUPLICATE_MESSAGES: Record<DuplicatePolicy, string> = {
  none: 'You have already answered this survey.',
  device: 'You have already answered this survey.',
  network: 'An answer from your network and browser was already counted in this survey.',
  device_or_network: 'You have already answered this survey (from this browser or network).',
  person: 'You have already answered this survey (one answer per signed-in person).',
};

/** Answers are taken only while the survey is open: 403 poll_closed / poll_not_open otherwise. */
function requireOpen(survey: SurveyRecord, now: number): void {
  const status = surveyStatus(survey, now);
  if (status === 'closed') throw new PollError('poll_closed', 'This survey is closed; it no longer takes answers.');
  if (status !== 'open') throw new PollError('poll_not_open', 'This survey is not open for answers yet.');
}

/** The ballot rules speak of polls and votes; inside a survey they are questions and answers. */
const inSurveyWords = (message: string) =>
  message
    .replace(/this poll/g, 'this question')
    .replace(/ before voting/g, '')
    .replace(/This poll/g, 'This question');

const PROBLEM_CODES = new Set<string>(['invalid_choice', 'too_few_choices', 'too_many_choices', 'invalid_other']);

/** A raw answer to one question: choices and the write-in as given (form or JSON). */
interface RawAnswer {
  choices: string[];
  other?: unknown;
}

const isAnswered = (answer: RawAnswer | undefined): answer is RawAnswer =>
  answer !== undefined && (answer.choices.length > 0 || (answer.other !== undefined && answer.other !== null));

/**
 * One question's answer checked with the poll ballot rules, or its problem. Unanswered: a
 * `required` problem when the question must be answered, else nothing to record.
 */
function checkAnswer(
  question: SurveyQuestion,
  answer: RawAnswer | undefined,
  deviceKey: (pollId: number) => string,
): SurveyAnswerToRecord | AnswerProblem | null {
  const { poll } = question;
  if (!isAnswered(answer)) {
    return question.required
      ? { question: poll.slug, code: 'required', message: 'Answer this question; it is required.' }
      : null;
  }
  try {
    const writeIn = parseWriteIn(poll, answer.choices, answer.other);
    const chosen = ballotOptionIds(poll, writeIn.choices);
    // A ranked answer counts its first choice in the option tallies; its whole order goes to the runoff.
    const ranking = poll.type === 'ranked' ? chosen : null;
    return {
      pollId: poll.id,
      optionIds: ranking ? chosen.slice(0, 1) : chosen,
      ranking,
      otherText: writeIn.text,
      deviceKey: deviceKey(poll.id),
    };
  } catch (error) {
    if (!(error instanceof PollError) || !PROBLEM_CODES.has(error.code)) throw error;
    return { question: poll.slug, code: error.code as AnswerProblemCode, message: inSurveyWords(error.message) };
  }
}

const isProblem = (value: SurveyAnswerToRecord | AnswerProblem | null): value is AnswerProblem =>
  value !== null && 'code' in value;

/** The respondent's profile checked against the survey's questions, or its problem. */
function checkProfile(
  survey: SurveyRecord,
  raw: unknown,
  signOn: SignOnProfile | null,
): { profile: ProfileAnswers } | { problem: AnswerProblem } {
  try {
    return { profile: parseProfile(survey.profile, raw, signOn) };
  } catch (error) {
    if (!(error instanceof PollError) || error.code !== 'invalid_profile') throw error;
    const message = error.message.replace('This poll', 'This survey');
    return { problem: { question: null, code: 'invalid_profile', message } };
  }
}

/** The survey-level identities of a voter: the device key stored on a response and the keys its policy locks. */
function surveyIdentity(secret: string, survey: SurveyRecord, voter: Voter) {
  // The browser's own key on every policy: a person survey's person is only a lock that names no response.
  const deviceKey = surveyDeviceKeyFor(secret, survey.id, voter.deviceId);
  const others = (voter.otherDeviceIds ?? []).map((id) => surveyDeviceKeyFor(secret, survey.id, id));
  const networkKey = surveyNetworkKeyFor(secret, survey.id, voter.address, voter.userAgent);
  const personKey = voter.personId ? surveyPersonKeyFor(secret, survey.id, voter.personId) : null;
  return { deviceKey, lockKeys: lockKeysFor(survey.duplicatePolicy, [deviceKey, ...others], networkKey, personKey) };
}

/**
 * Records a checked submission; re-reads and checks again when the questions changed in
 * between ('stale', possible only while the survey has no responses), as castVote does.
 */
async function record(
  ctx: SurveyContext,
  slug: string,
  voter: Voter,
  build: (survey: SurveyRecord) => Promise<SurveySubmission>,
): Promise<{ survey: SurveyRecord; responseId: number; submission: SurveySubmission }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const survey = await findPublicSurvey(ctx, slug);
    requireOpen(survey, ctx.now);
    // Every page of a person survey, not only the first: the token alone does not prove the person.
    requirePerson(survey.duplicatePolicy, voter, 'survey');
    const submission = await build(survey);
    const outcome = await ctx.surveyStore.recordSubmission(submission);
    if (outcome.outcome === 'recorded') return { survey: outcome.survey, responseId: outcome.responseId, submission };
    if (outcome.outcome === 'duplicate')
      throw new PollError('already_voted', DUPLICATE_MESSAGES[survey.duplicatePolicy]);
    if (outcome.outcome === 'response_not_found') throw lostResponse();
  }
  throw new PollError(
    'invalid_choice',
    'The questions of this survey changed while you answered; please answer again.',
  );
}

/** A 1-based page number from the form, within the survey, or 400 invalid_body. */
function pageNumber(raw: string | number | null, pageCount: number): number {
  const page = typeof raw === 'number' ? raw : /^\d{1,3}$/.test(raw ?? '') ? Number(raw) : NaN;
  if (!Number.isInteger(page) || page < 1 || page > pageCount) {
    throw new PollError('invalid_body', `The form must name a page of this survey (1 to ${pageCount}).`);
  }
  return page;
}

/** The response a token names (this survey's, unexpired, still stored), or 400 invalid_body. */
async function tokenResponse(ctx: SurveyContext, survey: SurveyRecord, token: string): Promise<StoredResponse> {
  const responseId = verifyResponseToken(ctx.secret, token, survey.id, ctx.now);
  const response = responseId === null ? null : await ctx.surveyStore.findResponse(survey.id, responseId);
  if (!response) throw lostResponse();
  return response;
}

/** The stored answers of a page's questions, as the form shows them. */
function storedPageAnswers(questions: readonly SurveyQuestion[], response: StoredResponse | null): PageAnswers {
  const answers: PageAnswers = new Map();
  for (const { poll } of questions) {
    const stored = response?.answers.get(poll.id);
    if (stored) answers.set(poll.slug, { choices: [...stored.choices], other: stored.other ?? '' });
  }
  return answers;
}

/** The questions of a 1-based page. */
const questionsOn = (survey: SurveyRecord, page: number) => surveyPages(survey)[page - 1] ?? [];

/**
 * A page's answers as submitted, to show a refused page again with what was typed (the write-in
 * box keeps its text even when it did not count).
 */
export function pageAnswersFromForm(
  survey: SurveyRecord,
  page: number,
  form: { get(name: string): string | null; getAll(name: string): string[] },
): PageAnswers {
  const answers: PageAnswers = new Map();
  for (const { poll } of questionsOn(survey, page)) {
    const names = questionFieldNames(poll.slug);
    const { choices } = ballotFromForm(poll, form, names);
    answers.set(poll.slug, { choices, other: form.get(names.other) ?? '' });
  }
  return answers;
}

export type PageOutcome =
  | { outcome: 'next'; survey: SurveyRecord; page: number; token: string; answers: PageAnswers }
  | { outcome: 'finished'; survey: SurveyRecord };

/**
 * Checks page `page` (1-based, the form's `page` field) of a form post and stores it: a new
 * response on page 1 without a token; otherwise the token's response, whose earlier pages must
 * have been submitted. Resubmitting a page replaces its answers. Returns the next page to show
 * (with the response's stored answers for it, after going back) or 'finished' after the last.
 */
export async function submitSurveyPage(
  ctx: SurveyContext,
  slug: string,
  form: FormData | URLSearchParams,
  voter: Voter,
  source: VoteSource,
): Promise<PageOutcome> {
  const fields = formFields(form);
  let page = 0;
  let pageCount = 0;
  const recorded = await record(ctx, slug, voter, async (survey) => {
    pageCount = surveyPages(survey).length;
    page = pageNumber(fields.get('page'), pageCount);
    const token = fields.get('token') || null;
    if (page > 1 && !token) throw lostResponse();
    const response = token ? await tokenResponse(ctx, survey, token) : null;
    // Pages come in order: a page whose earlier pages were never submitted would skip their required questions.
    const missing = Array.from({ length: page - 1 }, (_, p) => p).find(
      (p) => response && !response.pagesDone.includes(p),
    );
    if (missing !== undefined) {
      throw new PollError(
        'invalid_body',
        `Page ${missing + 1} of this survey is not answered yet; go back to it first.`,
      );
    }
    const { answers, profile } = checkFormPage(
      survey,
      page,
      fields,
      (pollId) => deviceKeyFor(ctx.secret, pollId, voter.deviceId),
      voter.signOn ?? null,
    );
    return {
      surveyId: survey.id,
      responseId: response?.id ?? null,
      pages: [page - 1],
      answers,
      profile,
      createdAt: storedVoteTime(survey.duplicatePolicy, ctx.now),
      source,
      ...surveyIdentity(ctx.secret, survey, voter),
      checkedAgainst: survey.updatedAt,
    };
  });
  if (page === pageCount) return { outcome: 'finished', survey: recorded.survey };
  const stored = await ctx.surveyStore.findResponse(recorded.survey.id, recorded.responseId);
  return {
    outcome: 'next',
    survey: recorded.survey,
    page: page + 1,
    token: signResponseToken(ctx.secret, recorded.responseId, recorded.survey.id, ctx.now),
    answers: storedPageAnswers(questionsOn(recorded.survey, page + 1), stored),
  };
}

type FormFields = { get(name: string): string | null; getAll(name: string): string[] };

/**
 * Checks page `page` (1-based) of a form: each question's `q:<slug>` fields with the ballot
 * rules, required questions, and on page 1 the profile. Every problem, or what to store.
 */
export function checkFormPage(
  survey: SurveyRecord,
  page: number,
  form: FormFields,
  deviceKey: (pollId: number) => string,
  signOn: SignOnProfile | null = null,
): { answers: SurveyAnswerToRecord[]; profile: ProfileAnswers | null } {
  const problems: AnswerProblem[] = [];
  const answers: SurveyAnswerToRecord[] = [];
  for (const question of questionsOn(survey, page)) {
    const ballot = ballotFromForm(question.poll, form, questionFieldNames(question.poll.slug));
    const checked = checkAnswer(question, ballot, deviceKey);
    if (isProblem(checked)) problems.push(checked);
    else if (checked) answers.push(checked);
  }
  // The profile is asked once, on the first page.
  let profile: ProfileAnswers | null = null;
  if (page === 1) {
    const checked = checkProfile(survey, profileFromForm(survey.profile, form), signOn);
    if ('problem' in checked) problems.push(checked.problem);
    else profile = checked.profile;
  }
  if (problems.length) throw new SurveyAnswersError(problems);
  return { answers, profile };
}

/**
 * Checks a JSON response: pages 1…k (k the last page with any answer, at least 1), every
 * required question of them answered, unknown slugs and malformed answers reported. Every
 * problem, or what to store.
 */
export function checkResponseBody(
  survey: SurveyRecord,
  body: unknown,
  deviceKey: (pollId: number) => string,
  signOn: SignOnProfile | null = null,
): { pages: number[]; answers: SurveyAnswerToRecord[]; profile: ProfileAnswers } {
  const problems: AnswerProblem[] = [];
  const given = readResponseBody(body, problems);
  const known = new Set(survey.questions.map((q) => q.poll.slug));
  for (const key of given.answers.keys()) {
    if (!known.has(key)) {
      const slug = key.slice(0, 64);
      problems.push({
        question: slug,
        code: 'unknown_question',
        message: `"${slug}" is not a question of this survey.`,
      });
    }
  }
  const answeredPages = survey.questions.filter((q) => isAnswered(given.answers.get(q.poll.slug))).map((q) => q.page);
  const last = Math.max(0, ...answeredPages);
  const answers: SurveyAnswerToRecord[] = [];
  // A malformed answer was reported already; it is not also "required".
  const reported = new Set(problems.map((problem) => problem.question));
  for (const question of survey.questions.filter((q) => q.page <= last && !reported.has(q.poll.slug))) {
    const checked = checkAnswer(question, given.answers.get(question.poll.slug), deviceKey);
    if (isProblem(checked)) problems.push(checked);
    else if (checked) answers.push(checked);
  }
  const profile = checkProfile(survey, given.profile, signOn);
  if ('problem' in profile) problems.push(profile.problem);
  // An API response with no answer at all would count as started while saying nothing.
  if (!problems.length && !answers.length) {
    problems.push({
      question: null,
      code: 'invalid_body',
      message: 'The response answers no question; answer at least one.',
    });
  }
  if (problems.length || 'problem' in profile) throw new SurveyAnswersError(problems);
  return { pages: Array.from({ length: last + 1 }, (_, p) => p), answers, profile: profile.profile };
}

/** Form data or URLSearchParams read alike (string values only). */
function formFields(form: FormData | URLSearchParams): {
  get(name: string): string | null;
  getAll(name: string): string[];
} {
  return {
    get: (name) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : null;
    },
    getAll: (name) => form.getAll(name).filter((value): value is string => typeof value === 'string'),
  };
}

export interface SurveyPageView {
  survey: SurveyRecord;
  status: PollStatus;
  page: number;
  pageCount: number;
  questions: SurveyQuestion[];
  answers: PageAnswers;
  profile: ProfileAnswers;
  /** The token to carry in the form: null on page 1 of a new response. */
  token: string | null;
  /** This browser already has a response in the survey (its survey device key). */
  responded: boolean;
}

/**
 * The page to show: page 1 fresh (no token), or page `page` of the token's response with its
 * stored answers (going back). A bad token, or a page beyond 1 without one, is 400 invalid_body.
 */
export async function surveyPageView(
  ctx: SurveyContext,
  slug: string,
  input: { page: number; token: string | null; visitor: VisitorIds },
): Promise<SurveyPageView> {
  const survey = await findPublicSurvey(ctx, slug);
  const pages = surveyPages(survey);
  const page = pageNumber(input.page, pages.length);
  if (page > 1 && !input.token) throw lostResponse();
  const response = input.token ? await tokenResponse(ctx, survey, input.token) : null;
  const questions = pages[page - 1]!;
  return {
    survey,
    status: surveyStatus(survey, ctx.now),
    page,
    pageCount: pages.length,
    questions,
    answers: storedPageAnswers(questions, response),
    profile: response?.profile ?? {},
    token: response ? signResponseToken(ctx.secret, response.id, survey.id, ctx.now) : null,
    responded: await hasRespondedToSurvey(ctx, survey, input.visitor),
  };
}

/** Whether any of the browser's device ids (or, on a person survey, the signed-in person) has a response in the survey. */
export async function hasRespondedToSurvey(
  ctx: Pick<SurveyContext, 'surveyStore' | 'secret'>,
  survey: SurveyRecord,
  visitor: VisitorIds,
): Promise<boolean> {
  return hasResponded(ctx.surveyStore, ctx.secret, survey, visitor);
}

/**
 * The JSON API: one new response with pages 1…k, k the last page with any answer in the body
 * (at least 1). Every required question of those pages must be answered; an answer to a question
 * of a later page cannot be (by the definition of k); an unknown question slug is a problem.
 * Returns the survey as the response left it.
 */
export async function submitSurveyResponse(
  ctx: SurveyContext,
  slug: string,
  body: unknown,
  voter: Voter,
  source: VoteSource,
): Promise<SurveyRecord> {
  const recorded = await record(ctx, slug, voter, async (survey) => {
    const { pages, answers, profile } = checkResponseBody(
      survey,
      body,
      (pollId) => deviceKeyFor(ctx.secret, pollId, voter.deviceId),
      voter.signOn ?? null,
    );
    return {
      surveyId: survey.id,
      responseId: null,
      pages,
      answers,
      profile,
      createdAt: storedVoteTime(survey.duplicatePolicy, ctx.now),
      source,
      ...surveyIdentity(ctx.secret, survey, voter),
      checkedAgainst: survey.updatedAt,
    };
  });
  return recorded.survey;
}

/**
 * The body's answers by slug and its profile. A body that is not an object is 400 invalid_body;
 * a malformed answer or an unknown field is a problem of its own (the rest is still checked).
 */
function readResponseBody(
  body: unknown,
  problems: AnswerProblem[],
): { answers: Map<string, RawAnswer>; profile: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PollError(
      'invalid_body',
      'The response must be { "answers": { "<question slug>": { "choices": [option keys], "other"?: text } }, "profile"?: { dimension: value } }.',
    );
  }
  const parsed = surveyResponseSchema.safeParse(body);
  if (parsed.success) {
    // A key zod could not copy as data ("__proto__") is still a question slug this survey lacks.
    const given = Object.keys((body as { answers: object }).answers);
    const answers = new Map(
      given.map((key) => [key, Object.hasOwn(parsed.data.answers, key) ? parsed.data.answers[key]! : {}]),
    );
    return { answers: answers as Map<string, RawAnswer>, profile: parsed.data.profile };
  }
  // Keep every well-formed answer; report the rest, one problem per question or field.
  const raw = body as Record<string, unknown>;
  const answers = new Map<string, RawAnswer>();
  const reported = new Set<string>();
  for (const issue of parsed.error.issues) {
    const [top, key] = issue.path;
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      problems.push({
        question: null,
        code: 'invalid_body',
        message: `The response takes only "answers" and "profile", not ${issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ')}.`,
      });
    } else if (top === 'answers' && typeof key === 'string' && !reported.has(key)) {
      reported.add(key);
      problems.push({
        question: key.slice(0, 64),
        code: 'invalid_body',
        message: 'An answer must be { "choices": [option keys], "other"?: text }.',
      });
    } else if (top === 'answers' && key === undefined) {
      problems.push({
        question: null,
        code: 'invalid_body',
        message: 'The "answers" must be an object with one entry per question slug.',
      });
    }
  }
  const given = raw.answers;
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    for (const [key, value] of Object.entries(given)) {
      const one = surveyResponseSchema.shape.answers.element.safeParse(value);
      if (one.success) answers.set(key, one.data);
    }
  }
  return { answers, profile: raw.profile };
}
