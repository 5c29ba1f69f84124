/**
 * Survey definitions as files: a survey exported as the SurveyInput that created it (every
 * question a PollInput with `required`, and its pages), and imported back as a new survey.
 */
import { toPollInput } from './poll-files';
import { iso } from './polls';
import { createSurvey, type SurveyStores } from './survey-admin';
import type { SurveyInput, SurveyQuestionInput } from './survey-schemas';
import type { SurveyRecord } from './survey-types';
import { surveyPages } from './surveys';

/** The question's own lifecycle fields are the survey's; the export leaves them to it. */
const SURVEY_OWNED = ['status', 'opensAt', 'closesAt', 'resultsVisibility', 'duplicatePolicy', 'profile'] as const;

/** A survey as a SurveyInput, the shape `POST /api/admin/surveys` (and an import) accepts. */
export function toSurveyInput(survey: SurveyRecord): SurveyInput {
  const questions: SurveyQuestionInput[] = survey.questions.map(({ poll, required }) => {
    const input: Record<string, unknown> = { ...toPollInput(poll), required };
    for (const field of SURVEY_OWNED) delete input[field];
    return input as SurveyQuestionInput;
  });
  let next = 0;
  return {
    slug: survey.slug,
    title: survey.title,
    description: survey.description,
    questions,
    // Questions are stored page by page, so each page is a run of consecutive indexes.
    pages: surveyPages(survey).map((page) => page.map(() => next++)),
    profile: survey.profile,
    resultsVisibility: survey.resultsVisibility,
    duplicatePolicy: survey.duplicatePolicy,
    opensAt: iso(survey.opensAt),
    // A survey closed by hand carries its closing time, so it arrives closed.
    closesAt: iso(survey.closesAt),
    status: survey.status === 'draft' ? 'draft' : 'open',
  };
}

/** Every survey as SurveyInput, oldest first (so an import recreates them in order). */
export function exportSurveys(surveys: readonly SurveyRecord[]): SurveyInput[] {
  return [...surveys].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id).map(toSurveyInput);
}

/**
 * Creates a survey from an exported file (one SurveyInput): the same checks and refusals as
 * `POST /api/admin/surveys` (422 invalid_poll with field paths, 409 slug_taken), audited as an import.
 */
export function importSurvey(stores: SurveyStores, file: unknown, now: number, actor: string): Promise<SurveyRecord> {
  return createSurvey(stores, file, now, actor, 'import');
}
