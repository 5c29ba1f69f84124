/** A survey as stored, read with its question polls on the caller's connection or transaction. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { SurveyQuestion, SurveyRecord } from '../src/lib/survey-types';
import type { Db } from './client';
import { pollOptions, polls, surveys } from './schema';
import { toRecord } from './sqlite-store';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type SurveyRow = typeof surveys.$inferSelect;

/** Reads a survey with its questions (and their options and tallies) on the given connection. */
export function surveyReader(db: Db | Tx) {
  const questionsOf = (surveyId: number): SurveyQuestion[] => {
    const rows = db.select().from(polls).where(eq(polls.surveyId, surveyId)).orderBy(asc(polls.surveyPosition)).all();
    if (rows.length === 0) return [];
    const options = db
      .select()
      .from(pollOptions)
      .where(
        inArray(
          pollOptions.pollId,
          rows.map((row) => row.id),
        ),
      )
      .orderBy(asc(pollOptions.position))
      .all();
    return rows.map((row) => ({
      poll: toRecord(
        row,
        options.filter((option) => option.pollId === row.id),
      ),
      page: row.surveyPage ?? 0,
      required: row.required,
    }));
  };
  const recordOf = (row: SurveyRow): SurveyRecord => ({ ...row, questions: questionsOf(row.id) });
  const byId = (id: number): SurveyRecord | null => {
    const row = db.select().from(surveys).where(eq(surveys.id, id)).get();
    return row ? recordOf(row) : null;
  };
  return { recordOf, byId, questionsOf };
}
