/**
 * The owner's responses CSV of a survey: one row per response, one column per question (and one
 * per write-in), times to the minute — never a voter key, a device or an address. Streamed page
 * by page (SurveyStore.responsesPage) like the vote log (src/lib/vote-log.ts), so a large survey
 * never sits in memory and no cursor stays open between pulls.
 */
import { csvRow } from './csv';
import { inCatalogueOrder } from './profile';
import type { ResponseRow, SurveyRecord, SurveyStore } from './survey-types';

/** Responses per store read. */
export const RESPONSES_PAGE_SIZE = 500;

/** A time as ISO 8601 to the minute: 2026-11-27T08:15Z. */
export const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** `response,started,updated,finished,<profile dims…>,<question slug>…,<slug>:other…`. */
export function responsesCsvHeader(survey: SurveyRecord): string[] {
  return [
    'response',
    'started',
    'updated',
    'finished',
    ...inCatalogueOrder(survey.profile),
    ...survey.questions.map((q) => q.poll.slug),
    ...survey.questions.filter((q) => q.poll.allowOther).map((q) => `${q.poll.slug}:other`),
  ];
}

/** One response's cells: choices joined by `;` (a ranked answer in its order of preference), empty where unanswered. */
export function responseCsvRow(survey: SurveyRecord, row: ResponseRow): (string | number)[] {
  return [
    row.id,
    isoMinute(row.createdAt),
    isoMinute(row.updatedAt),
    row.finished ? 'true' : 'false',
    ...inCatalogueOrder(survey.profile).map((dimension) => row.profile[dimension] ?? ''),
    ...survey.questions.map((q) => row.answers.get(q.poll.id)?.choices.join(';') ?? ''),
    ...survey.questions.filter((q) => q.poll.allowOther).map((q) => row.answers.get(q.poll.id)?.other ?? ''),
  ];
}

/** The whole CSV as a byte stream that reads one page of responses per pull. */
export function responsesCsv(
  surveyStore: Pick<SurveyStore, 'responsesPage'>,
  survey: SurveyRecord,
  pageSize = RESPONSES_PAGE_SIZE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: { createdAt: number; id: number } | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(responsesCsvHeader(survey))));
    },
    async pull(controller) {
      const page = await surveyStore.responsesPage(survey.id, after, pageSize);
      if (page.length > 0) {
        controller.enqueue(encoder.encode(page.map((row) => csvRow(responseCsvRow(survey, row))).join('')));
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      if (page.length < pageSize) controller.close();
    },
  });
}
