/**
 * The SurveyStore on a real, migrated database (SQLite, or PostgreSQL in the `postgres` project): authoring (question polls keep the
 * survey's settings), submissions (new response, further pages, going back, profile change,
 * duplicate, stale, unknown response) with every tally checked against a recount from the rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '../support/temp-db';
import { QUESTIONS, T0, responseIdOf, submission, surveyFields, type KeyAnswer } from '../support/survey-store';
import { dumpAll, surveyTallies } from '../support/survey-rows';
import type { SurveyRecord } from '@/lib/survey-types';

let temp: TempStores;
beforeEach(async () => {
  temp = await openTempStores();
});
afterEach(() => temp.cleanup());

async function createSurvey(slug = 'team'): Promise<SurveyRecord> {
  const questions = QUESTIONS.map((q, i) => ({ ...q, fields: { ...q.fields, slug: `${slug}-${i + 1}` } }));
  const created = await temp.surveyStore.createSurvey(surveyFields({ slug }), questions, T0, {
    actor: 'cli',
    action: 'survey-create',
  });
  if ('slugTaken' in created) throw new Error('slug taken');
  return created;
}

/** The poll tallies and the survey tallies both equal their recounts from the rows. */
async function expectConsistent() {
  expect(await temp.store.recount(false)).toEqual([]);
  const { stored, recounted } = await surveyTallies(temp);
  expect(stored).toEqual(recounted);
}

const votesOf = async (slug: string) =>
  Object.fromEntries((await temp.store.findPoll(slug))!.options.map((option) => [option.key, option.votes]));

describe('authoring', () => {
  it('creates a survey whose question polls carry its settings, in order, with pages and required', async () => {
    const survey = await createSurvey();
    expect(survey).toMatchObject({ slug: 'team', status: 'open', startedCount: 0, finishedCount: 0, updatedAt: T0 });
    expect(survey.questions.map((q) => [q.poll.slug, q.page, q.required])).toEqual([
      ['team-1', 0, true],
      ['team-2', 0, false],
      ['team-3', 1, false],
      ['team-4', 1, false],
      ['team-5', 2, false],
    ]);
    for (const { poll } of survey.questions) {
      expect(poll).toMatchObject({
        status: 'open',
        resultsVisibility: 'always',
        duplicatePolicy: 'device',
        profile: ['role', 'region'],
        surveyId: survey.id,
      });
    }
    expect(await temp.surveyStore.findSurvey('team')).toEqual(survey);
    expect(await temp.surveyStore.surveyOfPoll(survey.questions[2].poll.id)).toEqual(survey);
    expect((await temp.store.findPoll('team-1'))!.surveyId).toBe(survey.id);
    expect(await temp.surveyStore.surveySlugExists('team')).toBe(true);
    expect(await temp.surveyStore.listSurveys()).toEqual([survey]);
    const audit = await temp.query('select action, poll_slug as slug from audit_log');
    expect(audit).toEqual([{ action: 'survey-create', slug: 'survey:team' }]);
  });

  it('refuses a taken survey slug or question slug and stores nothing', async () => {
    await createSurvey();
    const before = await dumpAll(temp);
    expect(await temp.surveyStore.createSurvey(surveyFields(), QUESTIONS, T0)).toEqual({ slugTaken: 'team' });
    expect(await temp.surveyStore.createSurvey(surveyFields({ slug: 'other' }), QUESTIONS, T0)).toEqual({
      slugTaken: 'team-1',
    });
    expect(await dumpAll(temp)).toEqual(before);
    // A poll and a survey may share a slug: separate namespaces.
    await temp.store.createPoll({ ...QUESTIONS[0].fields, slug: 'shared' }, QUESTIONS[0].options, T0);
    const shared = await temp.surveyStore.createSurvey(
      surveyFields({ slug: 'shared' }),
      QUESTIONS.map((q, i) => ({ ...q, fields: { ...q.fields, slug: `shared-${i + 1}` } })),
      T0,
    );
    expect(shared).toMatchObject({ slug: 'shared' });
  });

  it('copies edited settings to every question; replaces questions only without responses', async () => {
    const survey = await createSurvey();
    const closed = await temp.surveyStore.updateSurvey(
      survey.id,
      { status: 'closed', profile: [] },
      { now: T0 + 1000, audit: { actor: 'cli', action: 'survey-update' } },
    );
    expect(closed).toMatchObject({ status: 'closed', updatedAt: T0 + 1000 });
    for (const { poll } of (closed as SurveyRecord).questions)
      expect(poll).toMatchObject({ status: 'closed', profile: [], updatedAt: T0 + 1000 });

    const replaced = (await temp.surveyStore.updateSurvey(
      survey.id,
      { status: 'open' },
      { questions: QUESTIONS.slice(0, 2).map((q) => ({ ...q, page: 0 })), now: T0 + 2000 },
    )) as SurveyRecord;
    expect(replaced.questions.map((q) => q.poll.slug)).toEqual(['team-1', 'team-2']);
    expect(replaced.questions.every((q) => q.poll.status === 'open')).toBe(true);
    expect(await temp.store.findPoll('team-3')).toBeNull();

    await temp.surveyStore.recordSubmission(
      submission(replaced, { pages: [0], answers: [{ slug: 'team-1', keys: ['a'] }] }),
    );
    const before = await dumpAll(temp);
    expect(await temp.surveyStore.updateSurvey(survey.id, {}, { questions: QUESTIONS, now: T0 + 3000 })).toBe(
      'has_responses',
    );
    expect(await dumpAll(temp)).toEqual(before);
    expect(await temp.surveyStore.updateSurvey(999, {}, { now: T0 })).toBe('not_found');
    await createSurvey('second').catch(() => undefined);
    expect(
      await temp.surveyStore.updateSurvey(survey.id, { slug: 'second' }, { now: T0 + 4000 }).catch(() => 'threw'),
    ).toMatchObject({ slugTaken: 'second' });
  });

  it('deletes a survey with its question polls, votes, responses and tallies', async () => {
    const survey = await createSurvey();
    await temp.store.createPoll({ ...QUESTIONS[0].fields, slug: 'alone' }, QUESTIONS[0].options, T0);
    await temp.surveyStore.recordSubmission(
      submission(survey, {
        pages: [0, 1],
        answers: [
          { slug: 'team-1', keys: ['a'] },
          { slug: 'team-3', keys: ['r2', 'r1'] },
        ],
        profile: { role: 'manager' },
        lockKeys: ['d:x'],
      }),
    );
    expect(await temp.surveyStore.deleteSurvey(survey.id, T0, { actor: 'cli', action: 'survey-delete' })).toBe(true);
    expect(await temp.surveyStore.findSurvey('team')).toBeNull();
    const counts = Object.fromEntries(Object.entries(await dumpAll(temp)).map(([table, rows]) => [table, rows.length]));
    expect(counts).toMatchObject({
      polls: 1,
      votes: 0,
      vote_choices: 0,
      vote_profiles: 0,
      vote_rankings: 0,
      segment_tallies: 0,
      period_tallies: 0,
      ranking_tallies: 0,
      surveys: 0,
      survey_responses: 0,
      survey_answers: 0,
      survey_locks: 0,
      survey_page_tallies: 0,
      survey_day_tallies: 0,
      survey_pair_tallies: 0,
      survey_pair_option_tallies: 0,
    });
    expect(await temp.surveyStore.deleteSurvey(survey.id, T0)).toBe(false);
  });
});

describe('recordSubmission', () => {
  it('records a new response, a later page and going back, with every tally recounted', async () => {
    const survey = await createSurvey();
    const first = await temp.surveyStore.recordSubmission(
      submission(survey, {
        pages: [0],
        answers: [
          { slug: 'team-1', keys: ['other'], other: 'Mine' },
          { slug: 'team-2', keys: ['x', 'y'] },
        ],
        profile: { role: 'manager', region: 'europe' },
        deviceKey: 'survey-device',
        lockKeys: ['d:survey-device'],
      }),
    );
    const responseId = responseIdOf(first);
    expect(first).toMatchObject({ survey: { startedCount: 1, finishedCount: 0 } });
    expect(await temp.surveyStore.hasResponded(survey.id, 'survey-device')).toBe(true);
    expect(await temp.surveyStore.hasResponded(survey.id, 'other-device')).toBe(false);
    await expectConsistent();

    await temp.surveyStore.recordSubmission(
      submission(survey, {
        responseId,
        pages: [1],
        answers: [
          { slug: 'team-3', keys: ['r3', 'r1', 'r2'] },
          { slug: 'team-4', keys: ['s4'] },
        ],
        at: T0 + 60_000,
      }),
    );
    await expectConsistent();

    // Back to page 1: a different choice, no write-in, one question left out.
    const back = await temp.surveyStore.recordSubmission(
      submission(survey, {
        responseId,
        pages: [0],
        answers: [{ slug: 'team-1', keys: ['b'] }],
        profile: { role: 'manager', region: 'europe' },
        at: T0 + 120_000,
      }),
    );
    expect(back.outcome).toBe('recorded');
    await expectConsistent();
    expect(await votesOf('team-1')).toEqual({ a: 0, b: 1, c: 0, other: 0 });
    expect(await votesOf('team-2')).toEqual({ x: 0, y: 0, z: 0 });
    expect(await temp.query('select count(*) as n from other_answers')).toEqual([{ n: 0 }]);
    expect(await temp.store.rankingTallies((await temp.store.findPoll('team-3'))!.id)).toEqual([
      { ranking: ['r3', 'r1', 'r2'], ballots: 1 },
    ]);
    const stored = await temp.surveyStore.findResponse(survey.id, responseId);
    expect(stored).toMatchObject({
      pagesDone: [0, 1],
      finished: false,
      profile: { role: 'manager', region: 'europe' },
    });
    expect(Object.fromEntries(stored!.answers)).toEqual({
      [survey.questions[0].poll.id]: { choices: ['b'], other: null },
      [survey.questions[2].poll.id]: { choices: ['r3', 'r1', 'r2'], other: null },
      [survey.questions[3].poll.id]: { choices: ['s4'], other: null },
    });
    // Cross-question counts: team-3 by team-1's answer (b), and team-1 by team-4's (s4).
    const byOne = await temp.surveyStore.crossQuestionCounts(survey.questions[0].poll.id, survey.questions[2].poll.id);
    expect(byOne.crossSection.responses).toBe(1);
    expect([...byOne.segments.keys()]).toEqual(['b']);
    expect(byOne.segments.get('b')!.responses).toBe(1);
    expect(byOne.segments.get('b')!.optionVotes.get(survey.questions[2].poll.options[2].id)).toBe(1);
  });

  it('re-files every answer under a changed profile', async () => {
    const survey = await createSurvey();
    const responseId = responseIdOf(
      await temp.surveyStore.recordSubmission(
        submission(survey, {
          pages: [0, 1],
          answers: [
            { slug: 'team-1', keys: ['a'] },
            { slug: 'team-4', keys: ['s2'] },
          ],
          profile: { role: 'manager' },
        }),
      ),
    );
    await temp.surveyStore.recordSubmission(
      submission(survey, {
        responseId,
        pages: [0],
        answers: [{ slug: 'team-1', keys: ['a'] }],
        profile: { role: 'engineer', region: 'europe' },
        at: T0 + 3 * 86_400_000,
      }),
    );
    await expectConsistent();
    const segments = await temp.query(
      'select p.slug, s.dimension, s.value, s.responses from segment_tallies s join polls p on p.id = s.poll_id',
    );
    expect(segments).toEqual(
      expect.arrayContaining([
        { slug: 'team-1', dimension: 'role', value: 'engineer', responses: 1 },
        { slug: 'team-4', dimension: 'role', value: 'engineer', responses: 1 },
        { slug: 'team-4', dimension: 'region', value: 'europe', responses: 1 },
      ]),
    );
    expect(segments).toHaveLength(4);
    // The re-filed page-2 answer keeps its day; the replaced page-1 answer moves to the new one.
    const days = await temp.query(
      'select p.slug, t.day, t.responses from period_tallies t join polls p on p.id = t.poll_id order by p.slug',
    );
    const day0 = Math.floor(T0 / 86_400_000);
    expect(days).toEqual([
      { slug: 'team-1', day: day0 + 3, responses: 1 },
      { slug: 'team-4', day: day0, responses: 1 },
    ]);
  });

  it('refuses a duplicate, a stale check and an unknown response, storing nothing but the duplicate count', async () => {
    const survey = await createSurvey();
    const other = await createSurvey('other');
    const page1 = { pages: [0], answers: [{ slug: 'team-1', keys: ['a'] }] };
    const responseId = responseIdOf(
      await temp.surveyStore.recordSubmission(submission(survey, { ...page1, lockKeys: ['d:k', 'n:k'] })),
    );
    const before = await dumpAll(temp);
    const refused = [
      { ...submission(survey, page1), checkedAgainst: T0 - 1 },
      submission(survey, { pages: [1], answers: [{ slug: 'team-1', keys: ['a'] }], responseId }),
      submission(survey, { pages: [5], answers: [], responseId }),
      {
        ...submission(survey, page1),
        answers: [{ ...submission(survey, page1).answers[0], optionIds: [other.questions[0].poll.options[0].id] }],
      },
      submission(survey, { ...page1, responseId: responseId + 100 }),
      { ...submission(other, { pages: [0], answers: [{ slug: 'other-1', keys: ['a'] }] }), responseId },
    ];
    const outcomes = [];
    for (const input of refused) outcomes.push((await temp.surveyStore.recordSubmission(input)).outcome);
    expect(outcomes).toEqual(['stale', 'stale', 'stale', 'stale', 'response_not_found', 'response_not_found']);
    expect(await dumpAll(temp)).toEqual(before);

    expect(await temp.surveyStore.recordSubmission(submission(survey, { ...page1, lockKeys: ['n:k'] }))).toEqual({
      outcome: 'duplicate',
    });
    const after = await dumpAll(temp);
    expect(after.surveys).toEqual(
      (before.surveys as { id: number; duplicate_count: number }[]).map((row) =>
        row.id === survey.id ? { ...row, duplicate_count: 1 } : row,
      ),
    );
    expect({ ...after, surveys: before.surveys }).toEqual(before);
  });

  it('imports a batch of submissions in one transaction: all of them, or none when one is refused', async () => {
    const survey = await createSurvey();
    const page1 = { pages: [0], answers: [{ slug: 'team-1', keys: ['a'] }] };
    const before = await dumpAll(temp);
    const batch = [submission(survey, page1), { ...submission(survey, page1), checkedAgainst: T0 - 1 }];
    await expect(temp.surveyStore.importSubmissions(batch)).rejects.toThrow();
    expect(await dumpAll(temp)).toEqual(before);

    await temp.surveyStore.importSubmissions([submission(survey, page1), submission(survey, page1)]);
    expect((await temp.surveyStore.findSurvey(survey.slug))!.startedCount).toBe(2);
    expect((await votesOf('team-1')).a).toBe(2);
    await expectConsistent();
  });

  it('counts the funnel and the days for a hand-worked sequence', async () => {
    const survey = await createSurvey();
    const day0 = Math.floor(T0 / 86_400_000);
    const answer = (slug: string, key: string): KeyAnswer => ({ slug, keys: [key] });
    // R1: pages 1, 2, 3 (finished on day 1), then page 2 again.
    const r1 = responseIdOf(
      await temp.surveyStore.recordSubmission(submission(survey, { pages: [0], answers: [answer('team-1', 'a')] })),
    );
    await temp.surveyStore.recordSubmission(
      submission(survey, { responseId: r1, pages: [1], answers: [answer('team-4', 's1')] }),
    );
    await temp.surveyStore.recordSubmission(
      submission(survey, { responseId: r1, pages: [2], answers: [answer('team-5', 'yes')], at: T0 + 86_400_000 }),
    );
    await temp.surveyStore.recordSubmission(
      submission(survey, { responseId: r1, pages: [1], answers: [answer('team-4', 's2')], at: T0 + 86_400_000 }),
    );
    // R2: page 1 only. R3 (JSON API): pages 1 and 2 at once.
    await temp.surveyStore.recordSubmission(submission(survey, { pages: [0], answers: [answer('team-1', 'b')] }));
    const r3 = await temp.surveyStore.recordSubmission(
      submission(survey, { pages: [0, 1], answers: [answer('team-1', 'c'), answer('team-3', 'r1')] }),
    );
    expect(r3).toMatchObject({ survey: { startedCount: 3, finishedCount: 1 } });
    expect(await temp.surveyStore.funnel(survey.id)).toEqual([
      { page: 1, reached: 3, completed: 3 },
      { page: 2, reached: 3, completed: 2 },
      { page: 3, reached: 2, completed: 1 },
    ]);
    expect(await temp.surveyStore.surveyDailyCounts(survey.id, day0 - 5, day0 + 5)).toEqual({
      firstDay: day0,
      days: [
        { day: day0, started: 3, finished: 0 },
        { day: day0 + 1, started: 0, finished: 1 },
      ],
    });
    await expectConsistent();
  });

  it('pages responses oldest first by (created, id)', async () => {
    const survey = await createSurvey();
    for (const at of [T0 + 60_000, T0, T0, T0 + 120_000])
      await temp.surveyStore.recordSubmission(
        submission(survey, { pages: [0], answers: [{ slug: 'team-1', keys: ['a'] }], at }),
      );
    const first = await temp.surveyStore.responsesPage(survey.id, null, 3);
    expect(first.map((row) => [row.id, row.createdAt])).toEqual([
      [2, T0],
      [3, T0],
      [1, T0 + 60_000],
    ]);
    const rest = await temp.surveyStore.responsesPage(survey.id, first[2], 3);
    expect(rest.map((row) => row.id)).toEqual([4]);
    expect(Object.fromEntries(rest[0].answers)).toEqual({
      [survey.questions[0].poll.id]: { choices: ['a'], other: null },
    });
  });

  it('recount finds drifted survey tallies and repairs them', async () => {
    const survey = await createSurvey();
    await temp.surveyStore.recordSubmission(
      submission(survey, {
        pages: [0, 1, 2],
        answers: [
          { slug: 'team-1', keys: ['a'] },
          { slug: 'team-2', keys: ['x', 'z'] },
          { slug: 'team-5', keys: ['no'] },
        ],
      }),
    );
    await expectConsistent();
    for (const drift of [
      'update surveys set started_count = 5, finished_count = 0',
      'update survey_pair_tallies set responses = responses + 1',
      `update survey_pair_option_tallies set votes = 7
       where (by_poll_id, poll_id, by_option_id, option_id) = (select by_poll_id, poll_id, by_option_id, option_id
         from survey_pair_option_tallies order by by_poll_id, poll_id, by_option_id, option_id limit 1)`,
      'update survey_page_tallies set reached = 9 where page = 1',
      'update survey_day_tallies set finished = 0',
    ])
      await temp.query(drift);
    const drift = await temp.store.recount(false);
    expect(drift).toEqual(
      expect.arrayContaining([
        { pollSlug: 'team', what: 'survey started', stored: 5, actual: 1 },
        { pollSlug: 'team', what: 'survey finished', stored: 0, actual: 1 },
        { pollSlug: 'team-2', what: 'by team-1=a', stored: 2, actual: 1 },
        { pollSlug: 'team', what: 'survey page 2 reached', stored: 9, actual: 1 },
        expect.objectContaining({ pollSlug: 'team', what: expect.stringMatching(/^survey day .* finished$/) }),
      ]),
    );
    expect(drift.some((d) => d.stored === 7)).toBe(true);
    expect(await temp.store.recount(true)).toHaveLength(drift.length);
    await expectConsistent();
  });
});
