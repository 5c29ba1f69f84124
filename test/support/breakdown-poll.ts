/**
 * A poll with profile answers for the breakdown pages, made through the admin and votes APIs of a
 * server started with SEGMENT_MIN_N=3. Known counts (K = 3):
 *
 * | role         | n | jira | trello | asana | companySize                      |
 * |--------------|---|------|--------|-------|----------------------------------|
 * | manager      | 8 | 6    | 1      | 1     | gt-10000 ×5, lt-1000 ×3          |
 * | director     | 6 | 1    | 5      | 0     | gt-10000 ×2, 1000-10000 ×4       |
 * | individual   | 5 | 2    | 2      | 1     | lt-1000 ×5                       |
 * | vp           | 1 | 1    | 0      | 0     | gt-10000 (a lone, hidden answer) |
 * | not stated   | 4 | 1    | 1      | 2     | not stated                       |
 *
 * By role: vp (n = 1) is hidden, and so is the smallest other group, not stated (n = 4), so the
 * vp cannot be worked out from the total. Where companySize:gt-10000 (n = 8): manager 5,
 * director 2 (hidden), vp 1 (hidden). Where role:vp (n = 1): the whole breakdown is hidden.
 */
import { createPoll, request } from './api';

export const BREAKDOWN_ENV = { SEGMENT_MIN_N: '3' };
export const SLUG = 'tools-by-role';

type Profile = Record<string, string>;
const BALLOTS: [string, Profile, number][] = [
  ['jira', { role: 'manager', companySize: 'gt-10000' }, 5],
  ['jira', { role: 'manager', companySize: 'lt-1000' }, 1],
  ['trello', { role: 'manager', companySize: 'lt-1000' }, 1],
  ['asana', { role: 'manager', companySize: 'lt-1000' }, 1],
  ['jira', { role: 'director', companySize: '1000-10000' }, 1],
  ['trello', { role: 'director', companySize: 'gt-10000' }, 2],
  ['trello', { role: 'director', companySize: '1000-10000' }, 3],
  ['jira', { role: 'individual', companySize: 'lt-1000' }, 2],
  ['trello', { role: 'individual', companySize: 'lt-1000' }, 2],
  ['asana', { role: 'individual', companySize: 'lt-1000' }, 1],
  ['jira', { role: 'vp', companySize: 'gt-10000' }, 1],
  ['jira', {}, 1],
  ['trello', {}, 1],
  ['asana', {}, 2],
];

/** Creates the poll and casts its 24 ballots. */
export async function makeBreakdownPoll(base: string): Promise<void> {
  await createPoll(base, {
    slug: SLUG,
    question: 'Which tool does your team plan work in?',
    options: ['Jira', 'Trello', 'Asana'],
    resultsVisibility: 'always',
    duplicatePolicy: 'none',
    profile: ['role', 'companySize'],
  });
  for (const [choice, profile, times] of BALLOTS) {
    for (let i = 0; i < times; i++) {
      const response = await request(`${base}/api/polls/${SLUG}/votes`, {
        method: 'POST',
        json: { choices: [choice], profile },
      });
      if (response.status >= 300) throw new Error(`vote failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
}
