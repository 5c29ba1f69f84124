/**
 * Answering a survey page by page on a real SQLite file: the response token ties the pages
 * together, going back replaces a page, and a refused page — bad answers, a bad token, a page out
 * of order, a duplicate — stores nothing at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PollError } from '@/lib/errors';
import { createSurvey } from '@/lib/survey-admin';
import {
  LOST_RESPONSE_MESSAGE,
  submitSurveyPage,
  surveyPageView,
  SurveyAnswersError,
  type SurveyContext,
} from '@/lib/survey-answers';
import { signResponseToken } from '@/lib/response-token';
import type { Voter } from '@/lib/votes';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-11-27T08:00:00Z');
const voter: Voter = { deviceId: 'a'.repeat(22), address: '192.0.2.1', userAgent: 'test' };
const other: Voter = { deviceId: 'b'.repeat(22), address: '192.0.2.2', userAgent: 'test' };

let temp: TempStores;
let ctx: SurveyContext;

beforeEach(async () => {
  temp = await openTempStores();
  ctx = { store: temp.store, surveyStore: temp.surveyStore, secret: SECRET, now: NOW };
  await createSurvey(
    temp,
    {
      slug: 'pulse',
      title: 'Pulse',
      profile: ['role'],
      duplicatePolicy: 'device',
      questions: [
        { question: 'One?', options: ['A', 'B'], required: true },
        { question: 'Two?', type: 'ranked', options: ['A', 'B', 'C'], required: true },
        { question: 'Three?', options: ['A', 'B'], allowOther: true },
      ],
    },
    NOW - 60_000,
  );
});

afterEach(() => temp.cleanup());

const form = (pairs: [string, string][]) => new URLSearchParams(pairs);

/** Everything a submission can move: the survey's tallies, the funnel and each question's option votes. */
async function snapshot() {
  const survey = (await temp.surveyStore.findSurvey('pulse'))!;
  const polls = await Promise.all(survey.questions.map((q) => temp.store.findPoll(q.poll.slug)));
  return {
    started: survey.startedCount,
    finished: survey.finishedCount,
    duplicates: survey.duplicateCount,
    funnel: await temp.surveyStore.funnel(survey.id),
    questions: polls.map((poll) => [poll!.responseCount, ...poll!.options.map((o) => o.votes)]),
  };
}

async function refusedWith(run: () => Promise<unknown>): Promise<PollError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof PollError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('submitSurveyPage', () => {
  it('stores page by page, tied by the token; going back replaces a page; the last page finishes', async () => {
    const first = await submitSurveyPage(
      ctx,
      'pulse',
      form([
        ['page', '1'],
        ['q:pulse-1', 'a'],
        ['profile-role', 'vp'],
      ]),
      voter,
      'web',
    );
    expect(first).toMatchObject({ outcome: 'next', page: 2 });
    if (first.outcome !== 'next') throw new Error('expected the next page');
    expect((await snapshot()).started).toBe(1);

    // Back to page 1: its stored answers and profile come back.
    const back = await surveyPageView(ctx, 'pulse', { page: 1, token: first.token, visitor: [voter.deviceId] });
    expect([...back.answers]).toEqual([['pulse-1', { choices: ['a'], other: '' }]]);
    expect(back.profile).toEqual({ role: 'vp' });
    expect(back.responded).toBe(true);

    // Changing page 1 replaces its answer: still one response to question 1, now for B.
    const again = await submitSurveyPage(
      ctx,
      'pulse',
      form([
        ['page', '1'],
        ['token', first.token],
        ['q:pulse-1', 'b'],
      ]),
      voter,
      'web',
    );
    expect(again.outcome).toBe('next');
    const replaced = await snapshot();
    expect(replaced.started).toBe(1);
    expect(replaced.questions[0]).toEqual([1, 0, 1]);

    const second = await submitSurveyPage(
      ctx,
      'pulse',
      form([
        ['page', '2'],
        ['token', first.token],
        ['q:pulse-2', 'c'],
        ['q:pulse-2', 'a'],
      ]),
      voter,
      'web',
    );
    expect(second.outcome).toBe('next');
    if (second.outcome !== 'next') throw new Error('expected the next page');
    const last = await submitSurveyPage(
      ctx,
      'pulse',
      form([
        ['page', '3'],
        ['token', second.token],
        ['q:pulse-3:other', 'Neither'],
      ]),
      voter,
      'web',
    );
    expect(last.outcome).toBe('finished');
    const done = await snapshot();
    expect(done).toMatchObject({ started: 1, finished: 1 });
    expect(done.questions).toEqual([
      [1, 0, 1],
      [1, 0, 0, 1],
      [1, 0, 0, 1],
    ]);
  });

  it('stores nothing for a refused page: answers with problems, a bad token, a page out of order, a duplicate', async () => {
    const first = await submitSurveyPage(
      ctx,
      'pulse',
      form([
        ['page', '1'],
        ['q:pulse-1', 'a'],
      ]),
      voter,
      'web',
    );
    if (first.outcome !== 'next') throw new Error('expected the next page');
    const before = await snapshot();

    // Page 2 with its required question unanswered and a rank given twice.
    const problems = await refusedWith(() =>
      submitSurveyPage(
        ctx,
        'pulse',
        form([
          ['page', '2'],
          ['token', first.token],
        ]),
        voter,
        'web',
      ),
    );
    expect(problems).toBeInstanceOf(SurveyAnswersError);
    expect((problems as SurveyAnswersError).problems).toEqual([
      { question: 'pulse-2', code: 'required', message: 'Answer this question; it is required.' },
    ]);
    // Page 1 again with an unknown option and a bad profile: the earlier answer stays.
    const page1 = await refusedWith(() =>
      submitSurveyPage(
        ctx,
        'pulse',
        form([
          ['page', '1'],
          ['token', first.token],
          ['q:pulse-1', 'z'],
          ['profile-role', 'astronaut'],
        ]),
        voter,
        'web',
      ),
    );
    expect((page1 as SurveyAnswersError).problems.map((p) => p.code)).toEqual(['invalid_choice', 'invalid_profile']);

    const forged = first.token.replace(/^(\d+)\./, (_, id: string) => `${Number(id) + 1}.`);
    const otherSurvey = signResponseToken(SECRET, 1, 999, NOW);
    const expired = signResponseToken(
      SECRET,
      1,
      (await temp.surveyStore.findSurvey('pulse'))!.id,
      NOW - 8 * 86_400_000,
    );
    const unknown = signResponseToken(SECRET, 4242, (await temp.surveyStore.findSurvey('pulse'))!.id, NOW);
    for (const token of [forged, otherSurvey, expired, unknown, '']) {
      const lost = await refusedWith(() =>
        submitSurveyPage(
          ctx,
          'pulse',
          form([
            ['page', '2'],
            ['token', token],
            ['q:pulse-2', 'a'],
          ]),
          voter,
          'web',
        ),
      );
      expect(lost, token).toMatchObject({ code: 'invalid_body', message: LOST_RESPONSE_MESSAGE });
    }
    // Page 3 before page 2.
    const skipped = await refusedWith(() =>
      submitSurveyPage(
        ctx,
        'pulse',
        form([
          ['page', '3'],
          ['token', first.token],
        ]),
        voter,
        'web',
      ),
    );
    expect(skipped).toMatchObject({ code: 'invalid_body' });
    expect(skipped.message).toMatch(/Page 2 .* not answered yet/);
    // A page that does not exist.
    for (const page of ['0', '4', 'x', '']) {
      const bad = await refusedWith(() => submitSurveyPage(ctx, 'pulse', form([['page', page]]), voter, 'web'));
      expect(bad, page).toMatchObject({ code: 'invalid_body' });
    }
    // A second new response from the same browser under the device policy.
    const duplicate = await refusedWith(() =>
      submitSurveyPage(
        ctx,
        'pulse',
        form([
          ['page', '1'],
          ['q:pulse-1', 'b'],
        ]),
        voter,
        'web',
      ),
    );
    expect(duplicate).toMatchObject({ code: 'already_voted', status: 409 });

    const after = await snapshot();
    // Only the refused duplicate is counted, as a poll counts refused votes.
    expect(after).toEqual({ ...before, duplicates: before.duplicates + 1 });
    // The stored answers of page 1 are those of the first submission.
    const view = await surveyPageView(ctx, 'pulse', { page: 1, token: first.token, visitor: [] });
    expect(view.answers.get('pulse-1')).toEqual({ choices: ['a'], other: '' });
  });

  it('starts a new response for another browser, and refuses answers once the survey closed', async () => {
    await submitSurveyPage(
      ctx,
      'pulse',
      form([
        ['page', '1'],
        ['q:pulse-1', 'a'],
      ]),
      other,
      'web',
    );
    expect((await snapshot()).started).toBe(1);
    const survey = (await temp.surveyStore.findSurvey('pulse'))!;
    await temp.surveyStore.updateSurvey(survey.id, { status: 'closed', closesAt: NOW - 1 }, { now: NOW });
    const before = await snapshot();
    const closed = await refusedWith(() =>
      submitSurveyPage(
        ctx,
        'pulse',
        form([
          ['page', '1'],
          ['q:pulse-1', 'a'],
        ]),
        voter,
        'web',
      ),
    );
    expect(closed).toMatchObject({ code: 'poll_closed', status: 403 });
    expect(await snapshot()).toEqual(before);
  });
});

describe('surveyPageView', () => {
  it('shows page 1 fresh without a token, and refuses a later page without one', async () => {
    const view = await surveyPageView(ctx, 'pulse', { page: 1, token: null, visitor: [voter.deviceId] });
    expect(view).toMatchObject({ page: 1, pageCount: 3, token: null, responded: false, status: 'open' });
    expect(view.questions.map((q) => q.poll.slug)).toEqual(['pulse-1']);
    const lost = await refusedWith(() => surveyPageView(ctx, 'pulse', { page: 2, token: null, visitor: [] }));
    expect(lost).toMatchObject({ code: 'invalid_body', message: LOST_RESPONSE_MESSAGE });
  });

  it('answers 404 not_found for an unknown survey', async () => {
    const missing = await refusedWith(() => surveyPageView(ctx, 'nope', { page: 1, token: null, visitor: [] }));
    expect(missing).toMatchObject({ code: 'not_found', status: 404 });
  });
});
