/** The survey pages' words (src/lib/survey-page.ts): completion in a sentence, drop-off shares, sizes, states. */
import { describe, expect, it } from 'vitest';
import { completionHeadline, funnelRows, questionCount, surveyState } from '@/lib/survey-page';
import { wilsonInterval } from '@/lib/stats';

describe('completionHeadline', () => {
  it.each([
    [212, 168, '212 people started, 168 finished — 79% (95% interval 73–84%)'],
    [1, 1, '1 person started, 1 finished — 100% (95% interval 21–100%)'],
    [1200, 0, '1,200 people started, 0 finished — 0% (95% interval 0–0%)'],
    [0, 0, 'Nobody has answered this survey yet.'],
  ])('%i started, %i finished', (started, finished, words) => {
    const rate = started ? finished / started : 0;
    expect(completionHeadline({ started, finished, rate, ci95: wilsonInterval(finished, started) })).toBe(words);
  });
});

describe('funnelRows', () => {
  it('gives each page its reached and submitted shares of everyone who started', () => {
    expect(
      funnelRows(
        [
          { page: 1, reached: 200, completed: 150 },
          { page: 2, reached: 150, completed: 120 },
        ],
        200,
      ),
    ).toEqual([
      { page: 1, reached: 200, completed: 150, reachedShare: 1, completedShare: 0.75 },
      { page: 2, reached: 150, completed: 120, reachedShare: 0.75, completedShare: 0.6 },
    ]);
  });
  it('is all zeros when nobody started', () => {
    expect(funnelRows([{ page: 1, reached: 0, completed: 0 }], 0)).toEqual([
      { page: 1, reached: 0, completed: 0, reachedShare: 0, completedShare: 0 },
    ]);
  });
});

describe('questionCount', () => {
  it.each([
    [1, 1, '1 question'],
    [3, 1, '3 questions'],
    [3, 3, '3 questions on 3 pages'],
  ])('%i questions on %i pages', (questions, pages, words) => {
    expect(questionCount(questions, pages)).toBe(words);
  });
});

describe('surveyState', () => {
  it.each([
    ['open', false, false, 'answering'],
    ['open', true, false, 'responded'],
    ['closed', true, false, 'closed'],
    ['scheduled', false, false, 'scheduled'],
    ['open', false, true, 'refused'],
  ] as const)('%s, responded %s, refused %s → %s', (status, responded, refused, state) => {
    expect(surveyState({ status, responded, refused })).toBe(state);
  });
});
