/**
 * Surveys as stored, read with their question polls (options and tallies) from PostgreSQL, on the
 * pool or inside the caller's transaction: the port of db/sqlite-survey-records.ts. A list of
 * surveys is read in three statements whatever its length (surveys, their polls, their options).
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { SurveyQuestion, SurveyRecord } from '../../src/lib/survey-types';
import { toRecord } from '../sqlite-store';
import type { PgReader } from './records';
import { pollOptions, polls, surveys } from './schema';

export type SurveyRow = typeof surveys.$inferSelect;
type PollRow = typeof polls.$inferSelect;

/** The questions of each survey from its poll rows (any order): by position, options in order. */
async function questionsOf(reader: PgReader, pollRows: PollRow[]): Promise<Map<number, SurveyQuestion[]>> {
  const bySurvey = new Map<number, SurveyQuestion[]>();
  if (pollRows.length === 0) return bySurvey;
  const options = await reader
    .select()
    .from(pollOptions)
    .where(
      inArray(
        pollOptions.pollId,
        pollRows.map((row) => row.id),
      ),
    )
    .orderBy(asc(pollOptions.position), asc(pollOptions.id));
  const optionsByPoll = new Map<number, (typeof options)[number][]>();
  for (const option of options) {
    const list = optionsByPoll.get(option.pollId);
    if (list) list.push(option);
    else optionsByPoll.set(option.pollId, [option]);
  }
  const ordered = [...pollRows].sort((a, b) => (a.surveyPosition ?? 0) - (b.surveyPosition ?? 0) || a.id - b.id);
  for (const row of ordered) {
    const question: SurveyQuestion = {
      poll: toRecord(row, optionsByPoll.get(row.id) ?? []),
      page: row.surveyPage ?? 0,
      required: row.required,
    };
    const list = bySurvey.get(row.surveyId!);
    if (list) list.push(question);
    else bySurvey.set(row.surveyId!, [question]);
  }
  return bySurvey;
}

/** The records of these survey rows, in the rows' order, with their questions in order. */
export async function surveyRecords(reader: PgReader, rows: SurveyRow[]): Promise<SurveyRecord[]> {
  if (rows.length === 0) return [];
  const pollRows = await reader
    .select()
    .from(polls)
    .where(
      inArray(
        polls.surveyId,
        rows.map((row) => row.id),
      ),
    );
  const questions = await questionsOf(reader, pollRows);
  return rows.map((row) => ({ ...row, questions: questions.get(row.id) ?? [] }));
}

/** One survey's record from its row and its question polls' rows (as read, e.g. while locking them). */
export async function surveyRecordOf(reader: PgReader, row: SurveyRow, pollRows: PollRow[]): Promise<SurveyRecord> {
  const questions = await questionsOf(reader, pollRows);
  return { ...row, questions: questions.get(row.id) ?? [] };
}

export async function readSurveyById(reader: PgReader, id: number): Promise<SurveyRecord | null> {
  const rows = await reader.select().from(surveys).where(eq(surveys.id, id));
  return (await surveyRecords(reader, rows))[0] ?? null;
}

export async function readSurveyBySlug(reader: PgReader, slug: string): Promise<SurveyRecord | null> {
  const rows = await reader.select().from(surveys).where(eq(surveys.slug, slug));
  return (await surveyRecords(reader, rows))[0] ?? null;
}
