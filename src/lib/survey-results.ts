/**
 * A survey's results (SPEC.md, "Surveys contract"): every question's Results in order — built
 * exactly as a poll's (buildResults, the ranked count kept in src/lib/ranked-count.ts) — plus
 * the drop-off funnel and the completion rate. `?by=question:<slug>` breaks every other question
 * down by the answers to a single-answer question of the survey, from the store's pair tallies;
 * `?by=<profile dimension>[&where=]` breaks each question down as a poll's results page does. Both
 * go through buildBreakdown (src/lib/breakdown.ts), so suppression and differences are the same.
 * Visibility is a poll's: `after_vote` means this browser has a response.
 */
import {
  buildBreakdown,
  parseBreakdownQuery,
  readBreakdown,
  type BreakdownQuery,
  type SegmentedQuery,
} from './breakdown';
import { dimensionTitle } from './breakdown-words';
import { PollError } from './errors';
import { isProfileDimension, inCatalogueOrder } from './profile';
import { effectiveStatus } from './poll-rules';
import { rankedCounts } from './ranked-count';
import { buildResults } from './results';
import type { PollStore } from './store';
import { completionOf, funnelSteps } from './survey-funnel';
import type { SurveyQuestion, SurveyRecord, SurveyResults, SurveyStore } from './survey-types';
import type { PollRecord, PollStatus, Results } from './types';
import { surveyDeviceKeyFor, surveyPersonKeyFor } from './voter';
import { visitorDeviceIds, visitorPersonId, type VisitorIds } from './votes';

/** The "No answer" segment of a cross-question breakdown: answered the question shown, not the one it is by. */
export const NOT_ANSWERED = 'not-answered';
export const NOT_ANSWERED_LABEL = 'No answer';

/** The prefix of a cross-question `by`: `question:<slug>`. */
export const QUESTION_PREFIX = 'question:';

export interface SurveyResultsContext {
  store: PollStore;
  surveyStore: SurveyStore;
  secret: string;
  now: number;
  minCellSize: number;
}

export interface SurveyResultsView {
  survey: SurveyRecord;
  status: PollStatus;
  /** This browser has a response in the survey. */
  responded: boolean;
  hidden: { reason: 'after_vote' | 'after_close'; message: string } | null;
  results: SurveyResults | null;
}

/** What a survey's results are broken down by. */
export type SurveyBreakdown =
  { kind: 'profile'; query: BreakdownQuery } | { kind: 'question'; question: SurveyQuestion };

const refuse = (message: string) => new PollError('invalid_breakdown', message);

/** Questions another can be broken down by: one answer each (single choice or rating). */
export const canBreakDownBy = (poll: PollRecord) => poll.type === 'single' || poll.type === 'rating';

/** The survey's `status`, as a poll's (scheduled before opensAt, closed after closesAt). */
export const surveyStatusOf = (survey: SurveyRecord, now: number): PollStatus => effectiveStatus(survey, now);

/** Why a visitor may not see the results yet, as for a poll; null when they may. */
export function surveyHiddenReason(
  survey: SurveyRecord,
  visitor: { responded: boolean },
  now: number,
): 'after_vote' | 'after_close' | null {
  if (survey.resultsVisibility === 'always' || surveyStatusOf(survey, now) === 'closed') return null;
  if (survey.resultsVisibility === 'after_vote') return visitor.responded ? null : 'after_vote';
  return 'after_close';
}

/** One sentence on why a survey's results are hidden and when they will show. */
export function surveyHiddenMessage(survey: SurveyRecord, reason: 'after_vote' | 'after_close'): string {
  if (reason === 'after_vote') return 'Results are shown to people who have answered this survey.';
  if (survey.closesAt !== null) {
    return `Results will be shown when the survey closes on ${new Date(survey.closesAt).toISOString().replace('.000Z', 'Z')}.`;
  }
  return 'Results will be shown when the survey closes.';
}

/** The links of "Break down by": the survey's profile questions, then its single-answer questions. */
export function breakdownChoices(survey: SurveyRecord): { by: string; label: string }[] {
  return [
    ...inCatalogueOrder(survey.profile).map((dimension) => ({ by: dimension, label: dimensionTitle(dimension) })),
    ...survey.questions
      .filter((question) => canBreakDownBy(question.poll))
      .map((question) => ({ by: `${QUESTION_PREFIX}${question.poll.slug}`, label: question.poll.question })),
  ];
}

const choicesList = (survey: SurveyRecord) => {
  const list = breakdownChoices(survey).map((choice) => `"${choice.by}"`);
  return list.length ? list.join(', ') : 'none (this survey has no profile or single-answer questions)';
};

/**
 * `?by=` (and `?where=`) of a survey results URL: null when neither is given. `question:<slug>`
 * must name a single-choice or rating question of this survey and takes no `where`; anything
 * else must be a profile dimension the survey asks, checked as for a poll. 422 invalid_breakdown
 * otherwise.
 */
export function parseSurveyBreakdown(survey: SurveyRecord, params: URLSearchParams): SurveyBreakdown | null {
  const byValues = params.getAll('by');
  const whereValues = params.getAll('where');
  if (byValues.length === 0 && whereValues.length === 0) return null;
  if (byValues.length === 1 && byValues[0]!.startsWith(QUESTION_PREFIX)) {
    const slug = byValues[0]!.slice(QUESTION_PREFIX.length);
    const question = survey.questions.find((q) => q.poll.slug === slug);
    if (!question || !canBreakDownBy(question.poll)) {
      throw refuse(
        `"by" must name a profile question this survey asks or one of its single-choice or rating questions: ${choicesList(survey)}.`,
      );
    }
    if (whereValues.length > 0) throw refuse('"where" narrows a breakdown by a profile question only.');
    return { kind: 'question', question };
  }
  if (byValues.length === 1 && !isProfileDimension(byValues[0])) {
    throw refuse(
      `"by" must name a profile question this survey asks or one of its single-choice or rating questions: ${choicesList(survey)}.`,
    );
  }
  const first = survey.questions[0];
  // Every question asks the survey's profile (the store copies it), so any of them checks the query.
  const query = parseBreakdownQuery(
    first ? { ...first.poll, profile: survey.profile } : ({ profile: survey.profile } as PollRecord),
    params,
  );
  return query && { kind: 'profile', query };
}

/** The segments of a breakdown by `by`: each of its options (its "Other" too), then "No answer". */
export function questionSegments(by: PollRecord): SegmentedQuery {
  return {
    dimension: `${QUESTION_PREFIX}${by.slug}`,
    where: null,
    segments: [
      ...by.options.map((option) => ({ value: option.key, label: option.label })),
      { value: NOT_ANSWERED, label: NOT_ANSWERED_LABEL },
    ],
    remainder: NOT_ANSWERED,
  };
}

/** One question's Results as its page in the survey shows them. */
type QuestionResults = SurveyResults['questions'][number];

const withPlace = (question: SurveyQuestion, results: Results): QuestionResults => ({
  ...results,
  // 1-based, as the funnel numbers pages for people.
  page: question.page + 1,
  required: question.required,
});

/** Reads what a question's Results need beyond the record (a ranked poll's count) and builds them. */
async function questionResults(
  store: Pick<PollStore, 'rankingTallies'>,
  question: SurveyQuestion,
  poll: PollRecord,
  now: number,
): Promise<Results> {
  return buildResults(poll, now, await rankedCounts.count(store, question.poll));
}

/**
 * A survey's results without a breakdown: each question's Results, the funnel and completion.
 * (Used by the live stream too, once per event for all its watchers.)
 */
export async function buildSurveyResults(
  {
    store,
    surveyStore,
    now,
  }: Pick<SurveyResultsContext, 'now'> & {
    store: Pick<PollStore, 'rankingTallies'>;
    surveyStore: Pick<SurveyStore, 'funnel'>;
  },
  survey: SurveyRecord,
  questions?: QuestionResults[],
): Promise<SurveyResults> {
  const pageCount = survey.questions.reduce((max, q) => Math.max(max, q.page + 1), 0);
  const funnel = funnelSteps(pageCount, await surveyStore.funnel(survey.id));
  const completion = completionOf(funnel);
  const updatedAt = survey.questions.reduce((latest, q) => Math.max(latest, q.poll.updatedAt), survey.updatedAt);
  return {
    slug: survey.slug,
    title: survey.title,
    status: surveyStatusOf(survey, now),
    duplicatePolicy: survey.duplicatePolicy,
    totalResponses: pageCount === 0 ? survey.startedCount : completion.started,
    updatedAt: new Date(updatedAt).toISOString(),
    questions:
      questions ??
      (await Promise.all(
        survey.questions.map(async (q) => withPlace(q, await questionResults(store, q, q.poll, now))),
      )),
    funnel,
    completion,
  };
}

/** The poll as its breakdown's cross-section counts it (read in the same snapshot), so totals and segments agree. */
const snapshotOf = (poll: PollRecord, crossSection: { responses: number; optionVotes: Map<number, number> }) => ({
  ...poll,
  responseCount: crossSection.responses,
  options: poll.options.map((option) => ({ ...option, votes: crossSection.optionVotes.get(option.id) ?? 0 })),
});

/** Each question's Results with the breakdown asked for, and what it is by. */
async function brokenDown(
  { store, surveyStore, now, minCellSize }: SurveyResultsContext,
  survey: SurveyRecord,
  breakdown: SurveyBreakdown,
): Promise<{ questions: QuestionResults[]; by: NonNullable<SurveyResults['by']> }> {
  const questions: QuestionResults[] = [];
  if (breakdown.kind === 'profile') {
    for (const question of survey.questions) {
      const { poll, breakdown: built } = await readBreakdown(store, question.poll, breakdown.query, minCellSize);
      questions.push(withPlace(question, { ...(await questionResults(store, question, poll, now)), breakdown: built }));
    }
    const key = breakdown.query.by;
    return { questions, by: { kind: 'profile', key, label: dimensionTitle(key) } };
  }
  const by = breakdown.question.poll;
  const segments = questionSegments(by);
  for (const question of survey.questions) {
    if (question.poll.id === by.id) {
      questions.push(withPlace(question, await questionResults(store, question, question.poll, now)));
      continue;
    }
    const counts = await surveyStore.crossQuestionCounts(by.id, question.poll.id);
    const poll = snapshotOf(question.poll, counts.crossSection);
    const built = buildBreakdown(question.poll, segments, counts, minCellSize);
    questions.push(withPlace(question, { ...(await questionResults(store, question, poll, now)), breakdown: built }));
  }
  return { questions, by: { kind: 'question', key: segments.dimension, label: by.question } };
}

/**
 * Whether this visitor has a response in the survey: any device id its request proves, or on a
 * person survey the signed-in person's lock (survey_person_locks: who answered, never how).
 */
export async function hasResponded(
  surveyStore: Pick<SurveyStore, 'hasResponded' | 'hasSurveyPersonLock'>,
  secret: string,
  survey: SurveyRecord,
  visitor: VisitorIds,
): Promise<boolean> {
  // A person survey with a signed-in visitor: the person's lock (who answered, never how) decides.
  const personId = visitorPersonId(survey.duplicatePolicy, visitor);
  if (personId !== null)
    return surveyStore.hasSurveyPersonLock(survey.id, `p:${surveyPersonKeyFor(secret, survey.id, personId)}`);
  for (const id of visitorDeviceIds(visitor)) {
    if (await surveyStore.hasResponded(survey.id, surveyDeviceKeyFor(secret, survey.id, id))) return true;
  }
  return false;
}

/**
 * What this browser may see of the survey's results, with the breakdown `params` ask for. A bad
 * `?by=`/`?where=` throws 422 invalid_breakdown (checked first, as for polls); hidden results
 * are `results: null` with the reason (visibleSurveyResults turns that into 403).
 */
export async function surveyResultsView(
  ctx: SurveyResultsContext,
  survey: SurveyRecord,
  visitor: VisitorIds,
  params: URLSearchParams,
): Promise<SurveyResultsView> {
  const breakdown = parseSurveyBreakdown(survey, params);
  const responded = await hasResponded(ctx.surveyStore, ctx.secret, survey, visitor);
  return surveyResultsViewFor(ctx, survey, responded, breakdown);
}

/** The view for a visitor whose answering is known (e.g. just submitted), with a parsed breakdown. */
export async function surveyResultsViewFor(
  ctx: SurveyResultsContext,
  survey: SurveyRecord,
  responded: boolean,
  breakdown: SurveyBreakdown | null = null,
): Promise<SurveyResultsView> {
  const reason = surveyHiddenReason(survey, { responded }, ctx.now);
  const base = {
    survey,
    status: surveyStatusOf(survey, ctx.now),
    responded,
    hidden: reason ? { reason, message: surveyHiddenMessage(survey, reason) } : null,
  };
  // Nothing is read for a visitor who may not see it.
  if (reason) return { ...base, results: null };
  if (!breakdown) return { ...base, results: await buildSurveyResults(ctx, survey) };
  const { questions, by } = await brokenDown(ctx, survey, breakdown);
  return { ...base, results: { ...(await buildSurveyResults(ctx, survey, questions)), by } };
}

/** The results of a view, or 403 results_hidden with its sentence (JSON API, stream). */
export function visibleSurveyResults(view: SurveyResultsView): SurveyResults {
  if (!view.results) throw new PollError('results_hidden', view.hidden?.message ?? 'Results are hidden.');
  return view.results;
}
