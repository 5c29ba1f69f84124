/** Reading surveys: lists, lookups and the contract's JSON shapes. Owner changes live in survey-admin.ts. */
import { PollError } from './errors';
import { effectiveStatus, isPublic } from './poll-rules';
import { iso, toPollJson } from './polls';
import type { Survey, SurveyQuestion, SurveyRecord, SurveyStore, SurveySummary } from './survey-types';
import type { PollStatus } from './types';

/** The status a visitor sees at `now`, by the same rules as a poll's. */
export function surveyStatus(survey: SurveyRecord, now: number): PollStatus {
  return effectiveStatus(survey, now);
}

/** The questions page by page (pages numbered from 0 in storage; every page holds at least one). */
export function surveyPages(survey: SurveyRecord): SurveyQuestion[][] {
  const pages: SurveyQuestion[][] = [];
  for (const question of survey.questions) (pages[question.page] ??= []).push(question);
  // A gap cannot be stored (the admin rules forbid empty pages), but a hole must never reach a page.
  return pages.filter((page) => page !== undefined);
}

/** The contract's Survey JSON: the questions per page, each a Poll with `required`. */
export function toSurveyJson(survey: SurveyRecord, now: number): Survey {
  return {
    slug: survey.slug,
    title: survey.title,
    description: survey.description,
    status: surveyStatus(survey, now),
    opensAt: iso(survey.opensAt),
    closesAt: iso(survey.closesAt),
    resultsVisibility: survey.resultsVisibility,
    duplicatePolicy: survey.duplicatePolicy,
    pages: surveyPages(survey).map((page) => page.map((q) => ({ ...toPollJson(q.poll, now), required: q.required }))),
    profile: survey.profile,
  };
}

export function toSurveySummary(survey: SurveyRecord, now: number): SurveySummary {
  return {
    slug: survey.slug,
    title: survey.title,
    status: surveyStatus(survey, now),
    questions: survey.questions.length,
    pages: surveyPages(survey).length,
    totalResponses: survey.startedCount,
    createdAt: new Date(survey.createdAt).toISOString(),
  };
}

const newestFirst = (a: SurveyRecord, b: SurveyRecord) => b.createdAt - a.createdAt || b.id - a.id;

/** Public surveys: open ones newest first, then closed ones newest first (not drafts or scheduled ones). */
export async function listPublicSurveys(surveyStore: SurveyStore, now: number): Promise<SurveyRecord[]> {
  const all = (await surveyStore.listSurveys()).sort(newestFirst);
  return [
    ...all.filter((survey) => surveyStatus(survey, now) === 'open'),
    ...all.filter((survey) => surveyStatus(survey, now) === 'closed'),
  ];
}

/** Every survey, drafts included, newest first — for the owner. */
export async function listAllSurveys(surveyStore: SurveyStore): Promise<SurveyRecord[]> {
  return (await surveyStore.listSurveys()).sort(newestFirst);
}

/** A survey any visitor may open (not a draft), or 404 not_found. */
export async function findPublicSurvey(stores: { surveyStore: SurveyStore }, slug: string): Promise<SurveyRecord> {
  const survey = await stores.surveyStore.findSurvey(slug);
  if (!survey || !isPublic(survey.status)) throw surveyNotFound(slug);
  return survey;
}

/** Any survey, drafts included — for the owner — or 404 not_found. */
export async function getSurveyForOwner(surveyStore: SurveyStore, slug: string): Promise<SurveyRecord> {
  const survey = await surveyStore.findSurvey(slug);
  if (!survey) throw surveyNotFound(slug);
  return survey;
}

export function surveyNotFound(slug: string): PollError {
  return new PollError('not_found', `No survey "${slug.slice(0, 80)}" was found.`);
}

/** A survey in the owner's answers: the Survey and its response counts. */
export function toOwnerSurveyJson(
  survey: SurveyRecord,
  now: number,
): Survey & { totalResponses: number; finishedResponses: number } {
  return { ...toSurveyJson(survey, now), totalResponses: survey.startedCount, finishedResponses: survey.finishedCount };
}
