/**
 * Property: whatever sequence of submissions (new responses, further pages, going back and
 * changing or dropping answers, profile changes), every tally equals a recount from the rows,
 * and each question's option votes and each response's stored answers equal a model kept in JS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTempStores } from '../support/temp-db';
import { QUESTIONS, T0, submission, surveyFields, type KeyAnswer } from '../support/survey-store';
import { surveyTallies } from '../support/survey-rows';
import type { ProfileAnswers } from '@/lib/profile';
import type { SurveyRecord } from '@/lib/survey-types';

const MINUTE = 60_000;

/** An answer to one question, drawn from its options (ranked: an order of some of them). */
const answerTo = (index: number): fc.Arbitrary<KeyAnswer> => {
  const { fields, options } = QUESTIONS[index];
  const keys = options.map((option) => option.key);
  const slug = fields.slug;
  switch (fields.type) {
    case 'multiple':
      return fc.subarray(keys, { minLength: 1 }).map((chosen) => ({ slug, keys: chosen }));
    case 'ranked':
      return fc.shuffledSubarray(keys, { minLength: 1 }).map((order) => ({ slug, keys: order }));
    default:
      return fc
        .constantFrom(...keys)
        .map((key) => ({ slug, keys: [key], ...(key === 'other' ? { other: 'Write-in' } : {}) }));
  }
};

const profileArb: fc.Arbitrary<ProfileAnswers> = fc.record(
  { role: fc.constantFrom('manager', 'engineer'), region: fc.constantFrom('europe', 'asia') },
  { requiredKeys: [] },
);

interface Step {
  /** Which response: an index into those created so far (modulo), or a new one. */
  response: number | 'new';
  /** Submitted pages (a new response: 0…k). */
  lastPage: number;
  answers: (KeyAnswer | null)[];
  profile: ProfileAnswers | null;
  /** Minutes after T0 (days apart sometimes). */
  minutes: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  response: fc.oneof(fc.constant('new' as const), fc.nat(3)),
  lastPage: fc.nat(2),
  answers: fc.tuple(...QUESTIONS.map((_, i) => fc.option(answerTo(i), { freq: 3 }))),
  profile: fc.option(profileArb),
  minutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
});

describe('survey submissions (property)', () => {
  it('keep every tally equal to a recount, whatever the sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        const temp = await openTempStores();
        try {
          const survey = (await temp.surveyStore.createSurvey(surveyFields(), QUESTIONS, T0)) as SurveyRecord;
          const ids: number[] = [];
          /** Response id → question slug → its answer (the model). */
          const model = new Map<number, Map<string, KeyAnswer>>();
          for (const step of steps) {
            const isNew = step.response === 'new' || ids.length === 0;
            const responseId = isNew ? null : ids[(step.response as number) % ids.length];
            // A new response submits pages 0…k (JSON API); an existing one a single page.
            const pages = isNew ? Array.from({ length: step.lastPage + 1 }, (_, p) => p) : [step.lastPage];
            const answers = step.answers.filter(
              (answer, i): answer is KeyAnswer => answer !== null && pages.includes(QUESTIONS[i].page),
            );
            const outcome = await temp.surveyStore.recordSubmission(
              submission(survey, {
                responseId,
                pages,
                answers,
                profile: isNew ? (step.profile ?? {}) : pages.includes(0) ? step.profile : null,
                at: T0 + step.minutes * MINUTE,
              }),
            );
            expect(outcome.outcome).toBe('recorded');
            if (outcome.outcome !== 'recorded') return;
            if (isNew) ids.push(outcome.responseId);
            const answered = model.get(outcome.responseId) ?? new Map<string, KeyAnswer>();
            for (const [slug] of answered)
              if (pages.includes(QUESTIONS.find((q) => q.fields.slug === slug)!.page)) answered.delete(slug);
            for (const answer of answers) answered.set(answer.slug, answer);
            model.set(outcome.responseId, answered);
          }

          expect(await temp.store.recount(false)).toEqual([]);
          const { stored, recounted } = await surveyTallies(temp);
          expect(stored).toEqual(recounted);
          for (const { fields, options } of QUESTIONS) {
            const poll = (await temp.store.findPoll(fields.slug))!;
            const expected = Object.fromEntries(options.map((option) => [option.key, 0]));
            let responses = 0;
            for (const answers of model.values()) {
              const answer = answers.get(fields.slug);
              if (!answer) continue;
              responses++;
              for (const key of fields.type === 'ranked' ? answer.keys.slice(0, 1) : answer.keys) expected[key]++;
            }
            expect(Object.fromEntries(poll.options.map((option) => [option.key, option.votes]))).toEqual(expected);
            expect(poll.responseCount).toBe(responses);
          }
          for (const [id, answers] of model) {
            const found = (await temp.surveyStore.findResponse(survey.id, id))!;
            const bySlug = Object.fromEntries(
              [...found.answers].map(([pollId, answer]) => [
                survey.questions.find((q) => q.poll.id === pollId)!.poll.slug,
                answer,
              ]),
            );
            const expected = Object.fromEntries(
              [...answers].map(([slug, answer]) => {
                const question = QUESTIONS.find((q) => q.fields.slug === slug)!;
                const order = question.options.map((option) => option.key);
                const keys =
                  question.fields.type === 'ranked'
                    ? answer.keys
                    : [...answer.keys].sort((a, b) => order.indexOf(a) - order.indexOf(b));
                return [slug, { choices: keys, other: answer.other ?? null }];
              }),
            );
            expect(bySlug).toEqual(expected);
          }
          const started = ids.length;
          expect((await temp.surveyStore.findSurvey('team'))!.startedCount).toBe(started);
        } finally {
          await temp.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
