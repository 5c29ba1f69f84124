/**
 * The demo seed on a real migrated database (either store): the demo polls keep their shares (SPEC.md's), and
 * their profile answers tell the stories the breakdowns are there to show, read through the
 * real breakdown code at the default K = 10.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBreakdown, type Breakdown, type BreakdownQuery, type SegmentOption } from '@/lib/breakdown';
import { PROFILE_DIMENSIONS, type ProfileDimension } from '@/lib/profile';
import { rankedCounts } from '@/lib/ranked-count';
import { buildResults } from '@/lib/results';
import { readTrend } from '@/lib/trend';
import { surveyResultsView, visibleSurveyResults } from '@/lib/survey-results';
import { DEMO_POLLS, DEMO_SURVEY_RESPONSES, seedDemo, VOTES_PER_POINT } from '../../db/seed';
import { openTempStores, type TempStores } from '../support/temp-db';

const NOW = Date.parse('2026-06-01T12:00:00Z');
/** The default SEGMENT_MIN_N: what a fresh start shows. */
const K = 10;
const AI = 'ai-projects-in-production';
const TOOL = 'project-management-tool';

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

/** Every vote with its choices and profile answers, in id order: what two runs of the seed must agree on. */
async function voteDump(temp: TempStores) {
  const votes = await temp.query<{ id: number }>('select id, poll_id, created_at, source from votes order by id');
  const choices = await temp.query<{ vote_id: number; option_id: number }>(
    'select vote_id, option_id from vote_choices order by vote_id, option_id',
  );
  const profiles = await temp.query<{ vote_id: number; dimension: string; value: string }>(
    'select vote_id, dimension, value from vote_profiles order by vote_id, dimension',
  );
  const of = <T extends { vote_id: number }, V>(rows: T[], value: (row: T) => V) => {
    const byVote = new Map<number, V[]>();
    for (const row of rows) byVote.set(row.vote_id, [...(byVote.get(row.vote_id) ?? []), value(row)]);
    return (id: number) => byVote.get(id) ?? [];
  };
  const choicesOf = of(choices, (c) => c.option_id);
  const profileOf = of(profiles, (p) => `${p.dimension}=${p.value}`);
  return votes.map((vote) => ({ ...vote, choices: choicesOf(vote.id), profile: profileOf(vote.id) }));
}

async function breakdownOf(slug: string, by: ProfileDimension, where: BreakdownQuery['where'] = null) {
  const poll = (await t.store.findPoll(slug))!;
  return (await readBreakdown(t.store, poll, { by, where }, K)).breakdown;
}

function shown(breakdown: Breakdown, value: string) {
  const segment = breakdown.segments.find((s) => s.value === value)!;
  expect(segment.suppressed, `${breakdown.dimension}=${value} is shown`).toBe(false);
  return { n: segment.n!, option: (key: string) => segment.options!.find((o) => o.key === key)! };
}

/** The difference from all other respondents is clearly above (+1) or below (−1) zero. */
const clearly = (option: SegmentOption) => (option.diff!.ci95.low > 0 ? 1 : option.diff!.ci95.high < 0 ? -1 : 0);

describe('seedDemo', () => {
  it('creates the demo polls with votes in the demo shares over the last 30 days', async () => {
    expect(await seedDemo(t.store, NOW)).toBe(true);
    for (const demo of DEMO_POLLS) {
      const poll = (await t.store.findPoll(demo.input.slug!))!;
      // Exactly the counts per option the demo shares stand for, whatever profiles they got.
      expect(poll.options.map((o) => o.votes)).toEqual(demo.shares.map((share) => share * VOTES_PER_POINT));
      expect(poll.responseCount).toBe(demo.shares.reduce((a, b) => a + b, 0) * VOTES_PER_POINT);
    }
    const [span] = await t.query<{ lo: number; hi: number }>(
      'select min(created_at) as lo, max(created_at) as hi from votes',
    );
    expect(span!.lo).toBeGreaterThanOrEqual(NOW - 30 * 86_400_000);
    expect(span!.hi).toBeLessThanOrEqual(NOW);
    expect(span!.hi - span.lo).toBeGreaterThan(20 * 86_400_000);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('does nothing on a database that already has polls', async () => {
    await seedDemo(t.store, NOW);
    expect(await seedDemo(t.store, NOW)).toBe(false);
    expect((await t.store.listPolls()).length).toBe(DEMO_POLLS.length);
  });

  it('derives the bucket keys of the AI poll', async () => {
    await seedDemo(t.store, NOW);
    const poll = (await t.store.findPoll(AI))!;
    expect(poll.options.map((o) => o.key)).toEqual([
      'lt-10',
      '10-20',
      '21-30',
      '31-40',
      '41-50',
      '51-60',
      '61-70',
      '71-80',
      'gt-80',
    ]);
  });

  it('writes the same votes, times and profile answers on every run', async () => {
    await seedDemo(t.store, NOW);
    const other = await openTempStores();
    try {
      await seedDemo(other.store, NOW);
      const first = await voteDump(t);
      expect(first.length).toBeGreaterThan(500);
      expect(await voteDump(other)).toEqual(first);
    } finally {
      await other.cleanup();
    }
    // Two seeds of the demo: on PostgreSQL several seconds each.
  }, 60_000);
});

describe('demo profile answers', () => {
  beforeEach(() => seedDemo(t.store, NOW));

  it('are asked for role, industry and company size on both polls', async () => {
    for (const slug of [AI, TOOL])
      expect((await t.store.findPoll(slug))!.profile).toEqual(['role', 'industry', 'companySize']);
  });

  it('show that companies above 10,000 employees get more AI projects into production', async () => {
    const bySize = await breakdownOf(AI, 'companySize');
    const large = shown(bySize, 'gt-10000');
    const small = shown(bySize, 'lt-1000');
    // Clearly fewer say "< 10%", clearly more say 31–40 % and 41–50 % than all other respondents.
    expect(clearly(large.option('lt-10'))).toBe(-1);
    expect(clearly(large.option('31-40'))).toBe(1);
    expect(clearly(large.option('41-50'))).toBe(1);
    // Small companies the other way round.
    expect(clearly(small.option('lt-10'))).toBe(1);
    expect(clearly(small.option('31-40'))).toBe(-1);
    // Taken together: at least 31 % in production for over a quarter of large companies,
    // against under a tenth of everyone else.
    const from31 = ['31-40', '41-50', '51-60', '61-70', '71-80', 'gt-80'];
    const largeVotes = from31.reduce((sum, key) => sum + large.option(key).votes, 0);
    const poll = (await t.store.findPoll(AI))!;
    const allVotes = poll.options.filter((o) => from31.includes(o.key)).reduce((sum, o) => sum + o.votes, 0);
    expect(largeVotes / large.n).toBeGreaterThan(0.25);
    expect((allVotes - largeVotes) / (poll.responseCount - large.n)).toBeLessThan(0.1);
  });

  it('show Smartsheet leading among managers and Microsoft Project among larger companies', async () => {
    const leader = (segment: ReturnType<typeof shown>, keys: string[]) =>
      keys.reduce((best, key) => (segment.option(key).votes > segment.option(best).votes ? key : best));
    const keys = (await t.store.findPoll(TOOL))!.options.map((o) => o.key);
    expect(keys).toEqual(['microsoft-project', 'smartsheet', 'monday-com', 'trello']);

    const managers = shown(await breakdownOf(TOOL, 'role'), 'manager');
    expect(leader(managers, keys)).toBe('smartsheet');
    expect(clearly(managers.option('smartsheet'))).toBe(1);

    const large = shown(await breakdownOf(TOOL, 'companySize'), 'gt-10000');
    expect(leader(large, keys)).toBe('microsoft-project');
    expect(clearly(large.option('microsoft-project'))).toBe(1);
    // Overall Smartsheet leads, so the larger companies' choice is a difference worth seeing.
    const overall = (await t.store.findPoll(TOOL))!.options;
    expect(overall.find((o) => o.key === 'smartsheet')!.votes).toBeGreaterThan(overall[0]!.votes);
  });

  it('hide the smallest groups: C-level in the role breakdown and a few small industries', async () => {
    for (const slug of [AI, TOOL]) {
      const role = await breakdownOf(slug, 'role');
      expect(role.suppressed).toBe(false);
      expect(role.segments.find((s) => s.value === 'c-level')).toMatchObject({ suppressed: true, n: null });
      const industry = await breakdownOf(slug, 'industry');
      expect(industry.segments.filter((s) => s.suppressed).length).toBeGreaterThanOrEqual(2);
      // …while the large groups stay visible.
      for (const value of ['manager', 'director', 'individual']) shown(role, value);
      for (const value of ['software', 'banking']) shown(industry, value);
    }
  });

  it('leave each question unanswered by 10–20 % of voters, some of whom answer the others', async () => {
    for (const slug of [AI, TOOL]) {
      const total = (await t.store.findPoll(slug))!.responseCount;
      for (const dimension of PROFILE_DIMENSIONS.filter((d) => d !== 'region')) {
        const notStated = shown(await breakdownOf(slug, dimension), 'not-stated').n / total;
        expect(notStated, `${slug} ${dimension}`).toBeGreaterThanOrEqual(0.1);
        expect(notStated, `${slug} ${dimension}`).toBeLessThanOrEqual(0.2);
      }
    }
    const answered = await t.query<{ answers: number; n: number }>(
      `select answers, count(*) as n from (select v.id, (select count(*) from vote_profiles p where p.vote_id = v.id) as answers
         from votes v) as counted group by answers order by answers`,
    );
    // Some voters answer nothing, some one or two questions, most all three.
    expect(answered.map((row) => row.answers)).toEqual([0, 1, 2, 3]);
    expect(answered.at(-1)!.n).toBeGreaterThan(answered.reduce((sum, row) => sum + row.n, 0) / 2);
  });
});

describe('the demo as an ordered scale and a trend', () => {
  it('makes the AI poll ordinal with the ranges of SPEC.md, so its median is the worked example (18.09)', async () => {
    await seedDemo(t.store, NOW);
    const poll = (await t.store.findPoll(AI))!;
    expect(poll.scale).toBe('ordinal');
    expect(poll.options.at(-1)!.range).toEqual({ low: 80, high: 100 });
    const { ordinal } = buildResults(poll, NOW, undefined);
    expect(ordinal!.medianKey).toBe('10-20');
    expect(ordinal!.median).toBeCloseTo(18.09, 2);
  });

  it('shows Monday.com gaining and Microsoft Project losing ground week by week', async () => {
    await seedDemo(t.store, NOW);
    const poll = (await t.store.findPoll(TOOL))!;
    const { points } = await readTrend(t.store, poll, 'week', NOW);
    const share = (point: (typeof points)[number], key: string) => point.options.find((o) => o.key === key)!.share;
    const [first, last] = [points[0]!, points.at(-1)!.n >= 20 ? points.at(-1)! : points.at(-2)!];
    expect(share(last, 'monday-com')).toBeGreaterThan(share(first, 'monday-com') + 0.05);
    expect(share(last, 'microsoft-project')).toBeLessThan(share(first, 'microsoft-project') - 0.1);
  });
});

describe('the ranked demo poll', () => {
  it('takes three rounds: the shared problem wins although the pilot led the first choices', async () => {
    await seedDemo(t.store, NOW);
    const poll = (await t.store.findPoll('ai-rollout-tactics'))!;
    const { ranked, totalResponses } = buildResults(poll, NOW, await rankedCounts.count(t.store, poll));
    expect(totalResponses).toBe(300);
    expect(ranked!.rounds.length).toBeGreaterThanOrEqual(2);
    expect(ranked!.rounds[0]!.tallies.map((t) => t.votes)).toEqual([102, 84, 78, 36]);
    expect(ranked!.rounds.map((r) => r.eliminated)).toEqual([
      ['stop-projects-that-lost-their-purpose'],
      ['find-an-executive-sponsor'],
      [],
    ]);
    expect(ranked!.winner).toBe('solve-a-problem-both-management-and-staff-want-solved');
    // Some voters ranked only the tactics they tried: their ballots run out in the later rounds.

    expect(ranked!.rounds.at(-1)!.exhausted).toBeGreaterThan(0);
    expect(await t.store.recount(false)).toEqual([]);
  });
});

describe('the demo survey', () => {
  const SURVEY = 'ai-delivery-pulse';
  const ctx = () => ({ store: t.store, surveyStore: t.surveyStore, secret: 'seed-test', now: NOW, minCellSize: K });
  const resultsBy = async (by: string) => {
    const survey = (await t.surveyStore.findSurvey(SURVEY))!;
    return visibleSurveyResults(await surveyResultsView(ctx(), survey, null, new URLSearchParams({ by })));
  };

  it('has three one-question pages, asks the profile once, and its funnel drops off', async () => {
    expect(await seedDemo(t.store, NOW, t.surveyStore)).toBe(true);
    const survey = (await t.surveyStore.findSurvey(SURVEY))!;
    expect(survey.title).toBe('AI delivery pulse');
    expect(survey.profile).toEqual(['role', 'industry', 'companySize']);
    expect(survey.questions.map((q) => [q.poll.slug, q.page, q.required, q.poll.type])).toEqual([
      [`${SURVEY}-1`, 0, true, 'single'],
      [`${SURVEY}-2`, 1, true, 'single'],
      [`${SURVEY}-3`, 2, false, 'ranked'],
    ]);
    expect(survey.questions[0]!.poll.options.map((o) => o.range)).toEqual(
      (await t.store.findPoll(AI))!.options.map((o) => o.range),
    );
    const { funnel, completion, totalResponses } = visibleSurveyResults(
      await surveyResultsView(ctx(), survey, null, new URLSearchParams()),
    );
    expect(totalResponses).toBe(DEMO_SURVEY_RESPONSES);
    expect(funnel[0]).toMatchObject({ page: 1, reached: DEMO_SURVEY_RESPONSES });
    // About 15 % stop after page 1 and 10 % after page 2.
    expect(funnel[1]!.reached).toBe(DEMO_SURVEY_RESPONSES);
    expect(funnel[1]!.completed / DEMO_SURVEY_RESPONSES).toBeGreaterThan(0.78);
    expect(funnel[1]!.completed / DEMO_SURVEY_RESPONSES).toBeLessThan(0.92);
    expect(completion.rate).toBeGreaterThan(0.65);
    expect(completion.rate).toBeLessThan(0.85);
    expect(completion.finished).toBe(funnel[2]!.completed);
    // Spread over the month.
    const { days } = await t.surveyStore.surveyDailyCounts(survey.id, 0, Math.floor(NOW / 86_400_000) + 1);
    expect(days.length).toBeGreaterThan(20);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('by the AI question: teams with 41–50 % in production clearly use Smartsheet more; a rare answer is hidden', async () => {
    await seedDemo(t.store, NOW, t.surveyStore);
    const results = await resultsBy(`question:${SURVEY}-1`);
    expect(results.by).toEqual({
      kind: 'question',
      key: `question:${SURVEY}-1`,
      label: "What percentage of your organization's AI projects reach production?",
    });
    expect(results.questions[0]!.breakdown).toBeUndefined();
    const tool = results.questions[1]!.breakdown!;
    expect(tool.dimension).toBe(`question:${SURVEY}-1`);
    const mature = shown(tool, '41-50');
    expect(mature.n).toBeGreaterThanOrEqual(K);
    expect(clearly(mature.option('smartsheet'))).toBe(1);
    expect(mature.option('smartsheet').share).toBeGreaterThan(0.5);
    // A rare answer (1–9 respondents) is suppressed, as is the empty "No answer" (question 1 is required).
    const survey = (await t.surveyStore.findSurvey(SURVEY))!;
    const counts = await t.surveyStore.crossQuestionCounts(survey.questions[0]!.poll.id, survey.questions[1]!.poll.id);
    const rare = tool.segments.filter((s) => {
      const n = counts.segments.get(s.value)?.responses ?? 0;
      return s.suppressed && n > 0 && n < K;
    });
    expect(rare.length).toBeGreaterThanOrEqual(1);
    expect(tool.segments.find((s) => s.value === 'not-answered')).toMatchObject({ suppressed: true, n: null });
  });

  it('writes the same responses on every run', async () => {
    await seedDemo(t.store, NOW, t.surveyStore);
    const other = await openTempStores();
    try {
      await seedDemo(other.store, NOW, other.surveyStore);
      expect(await voteDump(other)).toEqual(await voteDump(t));
    } finally {
      await other.cleanup();
    }
    // Two seeds of the demo: on PostgreSQL several seconds each.
  }, 60_000);
});
