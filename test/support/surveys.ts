/** Helpers for the survey API tests: create a survey, answer it, read its counts. */
import { expect } from 'vitest';
import { request } from './api';
import { ADMIN_TOKEN } from './server';

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the tests themselves */

/** Creates a survey through the admin API; fails the test unless 201. */
export async function createSurvey(base: string, input: Record<string, unknown>): Promise<any> {
  const response = await request(`${base}/api/admin/surveys`, { method: 'POST', json: input, token: ADMIN_TOKEN });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Posts a response through the public API (optionally as the browser with `cookie`). */
export function answer(base: string, slug: string, body: unknown, cookie?: string) {
  return request(`${base}/api/surveys/${slug}/responses`, {
    method: 'POST',
    json: body,
    headers: cookie ? { cookie } : {},
  });
}

/** What a survey has stored: responses started and finished, and each question's responses. */
export async function storedCounts(
  base: string,
  slug: string,
): Promise<{ started: number; finished: number; questions: Record<string, number> }> {
  const survey = await request(`${base}/api/admin/surveys/${slug}`, { token: ADMIN_TOKEN });
  expect(survey.status).toBe(200);
  const questions: Record<string, number> = {};
  for (const page of survey.body.pages) {
    for (const question of page) {
      // Their own results endpoint answers (the surveys these helpers make show results always).
      const results = await request(`${base}/api/polls/${question.slug}/results`);
      questions[question.slug] = results.status === 200 ? results.body.totalResponses : -results.status;
    }
  }
  return { started: survey.body.totalResponses, finished: survey.body.finishedResponses, questions };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
