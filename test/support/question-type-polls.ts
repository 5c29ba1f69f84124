/**
 * The polls the ballot tests of the question types vote in (HTTP and browser): a ranked poll of
 * the Tennessee cities (with profile questions), a ranked "top 3 of 5" with rank limits, a 1–5
 * rating in words, and single and multiple choice with a write-in "Other". Every vote counts
 * and results always show, so a test reads each ballot's effect at once.
 */
import { createPoll } from './api';

const CITIES = ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'];
const common = { resultsVisibility: 'always', duplicatePolicy: 'none' };

/** Creates the polls; `capitals` are the slugs of the Tennessee polls (one per test that needs its own). */
export async function createQuestionTypePolls(url: string, capitals: readonly string[]): Promise<void> {
  for (const slug of capitals) {
    await createPoll(url, {
      ...common,
      slug,
      question: 'Where should the capital of Tennessee be?',
      type: 'ranked',
      options: CITIES,
      profile: ['role', 'region'],
    });
  }
  await createPoll(url, {
    ...common,
    slug: 'top-tools',
    question: 'Rank your top tools',
    type: 'ranked',
    options: ['Trello', 'Jira', 'Asana', 'Linear', 'Notion'],
    minChoices: 2,
    maxChoices: 3,
  });
  await createPoll(url, {
    ...common,
    slug: 'workshop',
    question: 'How useful was the workshop?',
    type: 'rating',
    options: [
      { label: 'Not at all', value: 1 },
      { label: 'Slightly', value: 2 },
      { label: 'Somewhat', value: 3 },
      { label: 'Very', value: 4 },
      { label: 'Extremely', value: 5 },
    ],
  });
  await createPoll(url, {
    ...common,
    slug: 'nps',
    question: 'Would you recommend us?',
    type: 'rating',
    options: Array.from({ length: 11 }, (_, i) => String(i)),
  });
  for (const [slug, type] of [
    ['tool', 'single'],
    ['tools', 'multiple'],
  ] as const) {
    await createPoll(url, {
      ...common,
      slug,
      question: 'Which tool does your team use most?',
      type,
      options: ['Trello', 'Jira', 'Asana'],
      allowOther: true,
    });
  }
}
