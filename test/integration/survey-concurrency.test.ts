/**
 * Survey submissions at once, as several app instances send them to one PostgreSQL (on SQLite
 * they queue for the one writer): the lock order (survey row, then its question polls) keeps
 * every outcome one of the contract's, a duplicate-policy lock is taken once whatever the race,
 * and every tally still equals its recount — no deadlock, no lost increment, no 5xx.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '../support/temp-db';
import { QUESTIONS, T0, responseIdOf, submission, surveyFields, type KeyAnswer } from '../support/survey-store';
import { surveyTallies } from '../support/survey-rows';
import type { SurveyRecord } from '@/lib/survey-types';

let temp: TempStores;
beforeEach(async () => {
  temp = await openTempStores();
});
afterEach(() => temp.cleanup());

async function createSurvey(slug: string, duplicatePolicy: 'none' | 'device' | 'person' = 'none') {
  const questions = QUESTIONS.map((q, i) => ({ ...q, fields: { ...q.fields, slug: `${slug}-${i + 1}` } }));
  const created = await temp.surveyStore.createSurvey(surveyFields({ slug, duplicatePolicy }), questions, T0);
  if ('slugTaken' in created) throw new Error('slug taken');
  return created;
}

async function expectConsistent() {
  expect(await temp.store.recount(false)).toEqual([]);
  const { stored, recounted } = await surveyTallies(temp);
  expect(stored).toEqual(recounted);
}

const answers = (slug: string, i: number): KeyAnswer[] => [
  { slug: `${slug}-1`, keys: [['a', 'b', 'c'][i % 3]] },
  { slug: `${slug}-2`, keys: i % 2 ? ['x', 'z'] : ['y'] },
];

describe('concurrent survey submissions', () => {
  it('records every new response and later page of two surveys at once, each tally exact', async () => {
    const surveys = [await createSurvey('one'), await createSurvey('two')];
    const first = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const survey = surveys[i % 2];
        return temp.surveyStore.recordSubmission(
          submission(survey, {
            pages: [0],
            answers: answers(survey.slug, i),
            profile: { role: i % 3 ? 'manager' : 'engineer' },
            at: T0 + i * 60_000,
          }),
        );
      }),
    );
    const ids = first.map(responseIdOf);
    // Their second pages, and some first pages again (going back), all at once.
    const later = await Promise.all(
      ids.map((responseId, i) => {
        const survey = surveys[i % 2];
        return temp.surveyStore.recordSubmission(
          i % 3 === 0
            ? submission(survey, { responseId, pages: [0], answers: answers(survey.slug, i + 1), at: T0 + 3_600_000 })
            : submission(survey, {
                responseId,
                pages: [1],
                answers: [
                  { slug: `${survey.slug}-3`, keys: ['r2', 'r1', 'r3'] },
                  { slug: `${survey.slug}-4`, keys: [`s${(i % 5) + 1}`] },
                ],
                at: T0 + 3_600_000,
              }),
        );
      }),
    );
    expect(later.map((outcome) => outcome.outcome)).toEqual(ids.map(() => 'recorded'));
    for (const survey of surveys) {
      const stored = (await temp.surveyStore.findSurvey(survey.slug))!;
      expect(stored.startedCount).toBe(12);
      expect(stored.questions[0].poll.responseCount).toBe(12);
    }
    await expectConsistent();
  });

  it('takes a duplicate-policy lock once: one response, every other refusal counted', async () => {
    const survey = await createSurvey('locked', 'device');
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        temp.surveyStore.recordSubmission(
          submission(survey, {
            pages: [0],
            answers: answers('locked', i),
            lockKeys: [i % 2 ? 'p:person' : 'd:device', 'n:network'],
          }),
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.outcome === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === 'duplicate')).toHaveLength(11);
    const stored = (await temp.surveyStore.findSurvey('locked'))!;
    expect(stored).toMatchObject({ startedCount: 1, duplicateCount: 11 });
    await expectConsistent();
  });

  it('answers submissions racing the survey’s deletion with recorded or stale, never an error', async () => {
    const survey: SurveyRecord = await createSurvey('going');
    const racing = Array.from({ length: 10 }, (_, i) =>
      temp.surveyStore.recordSubmission(submission(survey, { pages: [0], answers: answers('going', i) })),
    );
    const deleted = temp.surveyStore.deleteSurvey(survey.id, T0);
    const outcomes = await Promise.all(racing);
    expect(await deleted).toBe(true);
    for (const outcome of outcomes) expect(['recorded', 'stale']).toContain(outcome.outcome);
    expect(await temp.surveyStore.findSurvey('going')).toBeNull();
    await expectConsistent();
  });
});
