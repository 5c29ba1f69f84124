/**
 * The editor's "Preview": the survey as a respondent will see it, page by page, built from the
 * form as it stands (nothing stored). Each question goes through the poll rules (preparePoll), so
 * the preview shows the options, rating points and ranks the survey will have; a question they
 * refuse is left out of the preview and its problems come back for the editor to show in place.
 */
import { PollInputError, preparePoll } from './poll-admin';
import { questionField, surveyInputFromForm, type SurveyFormValues } from './survey-form';
import { ASKABLE_DIMENSIONS, inCatalogueOrder, type ProfileDimension } from './profile';
import type { PollRecord } from './types';

export interface PreviewQuestion {
  /** A poll record for the ballot components: no id, no votes. */
  poll: PollRecord;
  /** 1-based position in the survey. */
  number: number;
  required: boolean;
}

export interface SurveyPreview {
  title: string;
  description: string;
  /** Questions per page, in order. */
  pages: PreviewQuestion[][];
  /** The "About you (optional)" questions, asked on the first page. */
  profile: ProfileDimension[];
  /** Problems of questions left out, by field (`questions.2.options`); empty when all could be shown. */
  errors: Record<string, string>;
}

/** The preview of the editor's form (values in survey order, see readSurveyForm). */
export function surveyPreview(values: SurveyFormValues): SurveyPreview {
  const errors: Record<string, string> = {};
  const pages: PreviewQuestion[][] = [];
  values.questions.forEach((question, index) => {
    const one = { ...values, questions: [{ ...question, page: '1' }] };
    const problem = (field: string, sentence: string) => (errors[`questions.${index}.${field}`] ??= sentence);
    let pollInput: Record<string, unknown>;
    let required: unknown;
    try {
      ({ required, ...pollInput } = (surveyInputFromForm(one).questions as Record<string, unknown>[])[0]!);
    } catch (error) {
      if (!(error instanceof PollInputError)) throw error;
      // The one-question survey names its question 0; the survey's own fields are not the preview's business.
      for (const [field, sentence] of Object.entries(error.errors)) {
        if (field.startsWith('questions.0.')) problem(field.slice('questions.0.'.length), sentence);
      }
      return;
    }
    try {
      const prepared = preparePoll({ ...pollInput, slug: undefined });
      const poll: PollRecord = {
        ...prepared.fields,
        id: 0,
        surveyId: null,
        slug: `preview-${index + 1}`,
        responseCount: 0,
        duplicateCount: 0,
        quarantinedCount: 0,
        createdAt: 0,
        updatedAt: 0,
        options: prepared.options.map((option, position) => ({
          id: position,
          key: option.key,
          label: option.label,
          position,
          exclusive: option.exclusive ?? false,
          range: option.range ?? null,
          value: option.value ?? null,
          other: option.other ?? false,
          votes: 0,
        })),
      };
      const page = Number(question.page) - 1;
      if (!Number.isInteger(page) || page < 0) {
        errors[questionField(index, 'page')] = 'Choose a page for this question.';
        return;
      }
      (pages[page] ??= []).push({ poll, number: index + 1, required: required === true });
    } catch (error) {
      if (!(error instanceof PollInputError)) throw error;
      for (const [field, sentence] of Object.entries(error.errors)) problem(field, sentence);
    }
  });
  const profile = inCatalogueOrder(
    values.profile.filter((dimension): dimension is ProfileDimension =>
      (ASKABLE_DIMENSIONS as readonly string[]).includes(dimension),
    ),
  );
  return {
    title: values.title.trim() || 'Untitled survey',
    description: values.description.trim(),
    pages: pages.filter(Boolean),
    profile,
    errors,
  };
}
