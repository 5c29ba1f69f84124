/**
 * The survey store behind the storage guard: a connection that may not write (query_only →
 * SQLITE_READONLY) answers PollError('storage_unavailable') for survey writes, and the tracker
 * hears of it and of the next successful write.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStores } from '../../db/storage-guard';
import { StorageHealth } from '@/lib/storage-health';
import type { SurveyRecord, SurveyStore } from '@/lib/survey-types';
import { refusal } from '../support/errors';
import { QUESTIONS, T0, submission, surveyFields } from '../support/survey-store';
import { openTempDb, type TempDb } from '../support/temp-db';

let temp: TempDb;
let health: StorageHealth;
let surveyStore: SurveyStore;
beforeEach(() => {
  temp = openTempDb();
  health = new StorageHealth(() => undefined);
  ({ surveyStore } = createSqliteStores(temp.db, health));
});
afterEach(() => temp.cleanup());

it('answers storage_unavailable while the database cannot write, and works again after', async () => {
  const survey = (await surveyStore.createSurvey(surveyFields(), QUESTIONS, T0)) as SurveyRecord;
  const page1 = submission(survey, { pages: [0], answers: [{ slug: 'team-1', keys: ['a'] }] });
  temp.db.$client.pragma('query_only = ON');
  expect(await refusal(() => surveyStore.recordSubmission(page1))).toBe('storage_unavailable');
  expect(await refusal(() => surveyStore.createSurvey(surveyFields({ slug: 'x' }), [], T0))).toBe(
    'storage_unavailable',
  );
  expect(health.state).toMatchObject({ ok: false });
  // Reads still work.
  expect((await surveyStore.findSurvey('team'))!.startedCount).toBe(0);
  temp.db.$client.pragma('query_only = OFF');
  expect((await surveyStore.recordSubmission(page1)).outcome).toBe('recorded');
  expect(health.state).toEqual({ ok: true });
});
