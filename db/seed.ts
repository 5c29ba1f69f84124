/**
 * The two demo polls of SPEC.md, and the ranked one of the question-types issue, with a few
 * hundred ordinary vote rows each spread over the last 30 days, so a fresh start has real
 * results, charts, breakdowns, runoff rounds and exports. Deterministic: the same votes on
 * every machine.
 *
 * How the demo votes are made, poll by poll:
 * 1. each voter's profile is drawn from PROFILE_MIX (some skip one question, a few skip all);
 * 2. the ballots keep the demo shares exactly (shares × VOTES_PER_POINT per option), and are
 *    dealt to the voters from that fixed pile, each draw weighted by the poll's `tilt` for the
 *    voter's profile, so groups lean the way the story says while the totals stay put.
 */
import { createPoll, preparePoll } from '../src/lib/poll-admin';
import type { ProfileAnswers, ProfileDimension } from '../src/lib/profile';
import type { PollStore } from '../src/lib/store';
import type { PollInput } from '../src/lib/schemas';
import type {
  NewQuestion,
  SurveyAnswerToRecord,
  SurveyRecord,
  SurveyStore,
  SurveySubmission,
} from '../src/lib/survey-types';

interface DemoPoll {
  input: PollInput;
  /** Demo shares in percent, option by option. */
  shares: number[];
  /**
   * How much more (> 1) or less (< 1) likely a voter with this profile is to hold the option at
   * `option` (an index into `shares`) than an average voter: the story the breakdowns tell.
   */
  tilt: (profile: ProfileAnswers, option: number) => number;
  /**
   * When in the 30 days the votes for an option arrive: maps a uniform draw in [0, 1) to a
   * place in the month (0 = its first day). Uniform when absent; a skew makes a trend.
   */
  timing?: (option: number) => (draw: number) => number;
  /**
   * Ranked polls: the whole order of a ballot whose first choice is `first` (option indices,
   * `first` leading). The shares are then first choices; the orders make the later rounds.
   */
  ranking?: (first: number, next: () => number) => number[];
}

/** The demo AI poll's buckets and the numbers they stand for (SPEC.md's worked example). */
const AI_BUCKETS: [string, number, number][] = [
  ['< 10%', 0, 10],
  ['10-20%', 10, 20],
  ['21-30%', 20, 30],
  ['31-40%', 30, 40],
  ['41-50%', 40, 50],
  ['51-60%', 50, 60],
  ['61-70%', 60, 70],
  ['71-80%', 70, 80],
  ['> 80%', 80, 100],
];

/** Votes per percentage point: ~300 votes a poll. */
export const VOTES_PER_POINT = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
const SPREAD_DAYS = 30;

export const DEMO_POLLS: DemoPoll[] = [
  {
    input: {
      slug: 'ai-projects-in-production',
      question: "What percentage of your organization's AI projects reach production?",
      description:
        'Count the AI and machine-learning projects started in the last two years, and how many of them now run in production.',
      type: 'single',
      scale: 'ordinal',
      options: AI_BUCKETS.map(([label, low, high]) => ({ label, range: { low, high } })),
      resultsVisibility: 'always',
      duplicatePolicy: 'device',
      networkIdentity: 'address_agent',
      embedOrigins: [],
      allowOther: false,
      profile: ['role', 'industry', 'companySize'],
    },
    shares: [21, 34, 28, 7, 4, 2, 0, 0, 1],
    // Large companies get more AI projects into production; small ones fewer.
    tilt: ({ companySize }, option) => {
      const from31 = option >= 3;
      if (companySize === 'gt-10000') return option === 0 ? 0.25 : from31 ? 5 : 1;
      if (companySize === 'lt-1000') return option === 0 ? 1.8 : from31 ? 0.4 : 1;
      return 1;
    },
  },
  {
    input: {
      slug: 'project-management-tool',
      question: 'Which project management tool does your team use most?',
      description: 'Pick the one your team opens every day.',
      type: 'single',
      scale: 'nominal',
      options: ['Microsoft Project', 'Smartsheet', 'Monday.com', 'Trello'],
      resultsVisibility: 'always',
      duplicatePolicy: 'device',
      networkIdentity: 'address_agent',
      embedOrigins: [],
      allowOther: false,
      profile: ['role', 'industry', 'companySize'],
    },
    shares: [33, 37, 12, 16],
    // Options: Microsoft Project, Smartsheet, Monday.com, Trello. Managers run on Smartsheet;
    // large companies on Microsoft Project; small ones on the lighter tools.
    tilt: ({ role, companySize }, option) => {
      let weight = 1;
      if (role === 'manager') weight *= [0.6, 2.5, 0.8, 0.8][option]!;
      if (companySize === 'gt-10000') weight *= [3, 0.8, 0.5, 0.3][option]!;
      if (companySize === 'lt-1000') weight *= [0.4, 1, 1.6, 2][option]!;
      return weight;
    },
    // The trend: Monday.com gains through the month, Microsoft Project loses ground.
    timing: (option) =>
      option === 2 ? (draw) => Math.sqrt(draw) : option === 0 ? (draw) => 1 - Math.sqrt(1 - draw) : (draw) => draw,
  },
  {
    input: {
      slug: 'ai-rollout-tactics',
      question: 'Rank these AI rollout tactics by how much they helped',
      description:
        'Put the tactic that helped your AI rollout most first. Rank only the ones you tried; the count runs by instant runoff.',
      type: 'ranked',
      scale: 'nominal',
      options: [
        'Land a pilot people care about',
        'Find an executive sponsor',
        'Solve a problem both management and staff want solved',
        'Stop projects that lost their purpose',
      ],
      resultsVisibility: 'always',
      duplicatePolicy: 'device',
      networkIdentity: 'address_agent',
      embedOrigins: [],
      allowOther: false,
      profile: ['role', 'industry', 'companySize'],
    },
    // First choices. No tactic has a majority, so the count runs: "stop projects" goes first and
    // its ballots mostly back the shared problem; then the sponsor's do too, and the problem both
    // sides want solved wins in the third round although the pilot led the first.
    shares: [34, 28, 26, 12],
    // Executives and VPs put the sponsor first; individual contributors the shared problem.
    tilt: ({ role }, option) => {
      if (role === 'c-level' || role === 'vp') return [0.7, 2.5, 0.6, 0.8][option]!;
      if (role === 'individual') return [1, 0.5, 1.8, 1.1][option]!;
      return 1;
    },
    ranking: (first, next) => {
      const after: Record<number, [number, number[]][]> = {
        0: [[1, [2, 1, 3]]],
        1: [
          [0.6, [2, 0, 3]],
          [0.25, [0, 2, 3]],
          [0.15, [3, 2, 0]],
        ],
        2: [[1, [0, 1, 3]]],
        3: [
          [0.75, [2, 0, 1]],
          [0.1, [0, 2, 1]],
          [0.15, [1, 2, 0]],
        ],
      };
      const orders = after[first]!;
      const rest =
        orders[
          pickIndex(
            next,
            orders.map(([weight]) => weight),
          )
        ]![1];
      // Some voters rank only the tactics they tried: one, two or three of the four.
      const draw = next();
      const length = draw < 0.08 ? 1 : draw < 0.2 ? 2 : draw < 0.3 ? 3 : 4;
      return [first, ...rest].slice(0, length);
    },
  },
];

/** A small deterministic PRNG (mulberry32), so demo data is the same everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index drawn with probability proportional to its weight. */
function pickIndex(next: () => number, weights: readonly number[]): number {
  let ticket = next() * weights.reduce((a, b) => a + b, 0);
  for (const [i, weight] of weights.entries()) {
    ticket -= weight;
    if (ticket < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Who answers the demo polls, in percent per answer: mostly managers and directors, few
 * C-level or "other" roles and a few small industries (so breakdowns show suppressed segments
 * at the default K = 10).
 */
const PROFILE_MIX: Partial<Record<ProfileDimension, Record<string, number>>> = {
  role: { 'c-level': 2, vp: 9, director: 21, manager: 36, individual: 30, other: 2 },
  industry: {
    software: 22,
    banking: 14,
    finance: 10,
    healthcare: 10,
    manufacturing: 11,
    retail: 8,
    'public-sector': 8,
    media: 7,
    education: 3,
    energy: 2,
    telecom: 3,
    other: 2,
  },
  companySize: { 'lt-1000': 40, '1000-10000': 31, 'gt-10000': 29 },
};
/** Voters who skip the whole "About you" fieldset, and the chance of skipping any one question. */
const SKIPS_ALL = 0.06;
const SKIPS_ONE = 0.07;

/** One voter's answers to the dimensions the poll asks. */
function drawProfile(next: () => number, asked: readonly ProfileDimension[]): ProfileAnswers {
  const profile: ProfileAnswers = {};
  if (next() < SKIPS_ALL) return profile;
  for (const dimension of asked) {
    const mix = Object.entries(PROFILE_MIX[dimension] ?? {});
    if (mix.length === 0 || next() < SKIPS_ONE) continue;
    profile[dimension] =
      mix[
        pickIndex(
          next,
          mix.map(([, percent]) => percent),
        )
      ]![0];
  }
  return profile;
}

/**
 * Deals a fixed pile of ballots (`counts[i]` of option i) to the voters, one at a time: each
 * draw is weighted by what is left of each option times the voter's tilt towards it, so the
 * totals come out exactly as `counts` whatever the profiles.
 */
function dealOptions(
  next: () => number,
  profiles: readonly ProfileAnswers[],
  counts: readonly number[],
  tilt: DemoPoll['tilt'],
): number[] {
  const left = [...counts];
  return profiles.map((profile) => {
    const option = pickIndex(
      next,
      left.map((n, i) => n * tilt(profile, i)),
    );
    left[option]!--;
    return option;
  });
}

/**
 * Creates the demo polls (and, given the survey store, the demo survey) when the database has no
 * polls at all. Returns whether it seeded.
 */
export async function seedDemo(store: PollStore, now: number, surveyStore?: SurveyStore): Promise<boolean> {
  if ((await store.listPolls()).length > 0) return false;
  if (surveyStore) await seedDemoSurvey(surveyStore, now);
  const start = now - SPREAD_DAYS * DAY_MS;
  for (const [index, demo] of DEMO_POLLS.entries()) {
    // Listed first poll is created last, so the home page (newest first) shows them in spec order.
    const poll = await createPoll(store, demo.input, start - index * 60_000);
    const next = random(index + 1);
    const counts = demo.shares.map((percent) => percent * VOTES_PER_POINT);
    const total = counts.reduce((a, b) => a + b, 0);
    const profiles = Array.from({ length: total }, () => drawProfile(next, poll.profile));
    const options = dealOptions(next, profiles, counts, demo.tilt);
    const votes = profiles.map((profile, i) => ({
      optionIds: [poll.options[options[i]!]!.id],
      ...(demo.ranking ? { ranking: demo.ranking(options[i]!, next).map((o) => poll.options[o]!.id) } : {}),
      createdAt: Math.floor(start + (demo.timing?.(options[i]!) ?? ((draw: number) => draw))(next()) * (now - start)),
      source: 'seed' as const,
      profile,
    }));
    votes.sort((a, b) => a.createdAt - b.createdAt);
    await store.importVotes(poll.id, votes);
  }
  return true;
}

/** The demo survey: three pages, one question each, answered by DEMO_SURVEY_RESPONSES respondents. */
export const DEMO_SURVEY_SLUG = 'ai-delivery-pulse';
export const DEMO_SURVEY_RESPONSES = 250;
/** Respondents who stop after page 1, and after page 2 (the funnel's drop-off). */
const STOPS_AFTER_FIRST = 0.15;
const STOPS_AFTER_SECOND = 0.1;
/** Finishers who leave the optional ranked question unanswered. */
const SKIPS_RANKING = 0.12;

/**
 * How many of the respondents pick each AI bucket (first page): the demo poll's shape with a
 * fuller middle, so "41-50%" is a group of its own (about 20 after the drop-off) while "51-60%",
 * "61-70%" and "> 80%" stay under K = 10 — hidden in the cross-question breakdown.
 */
const SURVEY_AI_COUNTS = [50, 76, 60, 25, 24, 8, 3, 0, 4];
/** Tool shares (Microsoft Project, Smartsheet, Monday.com, Trello) in percent, by AI bucket. */
const TOOL_MIX_MATURE = [10, 74, 8, 8];
const TOOL_MIX_OTHERS = [36, 28, 15, 21];
/** Buckets from "41-50%" up: teams with more than 40 % of their AI projects in production. */
const MATURE_FROM = 4;

const asQuestion = (input: PollInput, page: number, required: boolean): NewQuestion => {
  const { fields, options } = preparePoll(input);
  return { fields: { ...fields, slug: input.slug! }, options, page, required };
};

/**
 * The demo survey "AI delivery pulse", with its responses written through the store's own
 * submission path (so the funnel, the pair tallies and the per-day counts are the real ones). The story its cross-question breakdown tells: teams with more than 40 % of their
 * AI projects in production run on Smartsheet far more than everyone else. Deterministic.
 */
export async function seedDemoSurvey(surveyStore: SurveyStore, now: number): Promise<SurveyRecord | null> {
  if (await surveyStore.surveySlugExists(DEMO_SURVEY_SLUG)) return null;
  const start = now - SPREAD_DAYS * DAY_MS;
  const [ai, tool, tactics] = DEMO_POLLS.map((demo) => demo.input) as [PollInput, PollInput, PollInput];
  const common = { status: 'open', resultsVisibility: 'always', duplicatePolicy: 'device' } as const;
  const created = await surveyStore.createSurvey(
    {
      slug: DEMO_SURVEY_SLUG,
      title: 'AI delivery pulse',
      description:
        'Three quick questions on how your organization delivers AI: how much reaches production, the tool your team plans in, and what helped most.',
      ...common,
      opensAt: null,
      closesAt: null,
      profile: ['role', 'industry', 'companySize'],
    },
    [
      asQuestion({ ...ai, ...common, slug: `${DEMO_SURVEY_SLUG}-1` }, 0, true),
      asQuestion({ ...tool, ...common, slug: `${DEMO_SURVEY_SLUG}-2` }, 1, true),
      asQuestion(
        {
          ...tactics,
          ...common,
          slug: `${DEMO_SURVEY_SLUG}-3`,
          question: 'What helped your rollout most?',
          description: 'Rank the tactics you tried, the one that helped most first.',
        },
        2,
        false,
      ),
    ],
    start - 10 * 60_000,
  );
  if (!('id' in created)) return null;
  const survey = created;
  const [q1, q2, q3] = survey.questions.map((q) => q.poll) as [
    SurveyRecord['questions'][number]['poll'],
    SurveyRecord['questions'][number]['poll'],
    SurveyRecord['questions'][number]['poll'],
  ];
  const next = random(41);
  const buckets = dealOptions(
    next,
    Array.from({ length: DEMO_SURVEY_RESPONSES }, () => ({})),
    SURVEY_AI_COUNTS,
    () => 1,
  );
  const starts = buckets.map(() => Math.floor(start + next() * (now - start - 30 * 60_000))).sort((a, b) => a - b);
  const ranking = DEMO_POLLS[2]!.ranking!;
  const answer = (poll: typeof q1, indexes: number[]): SurveyAnswerToRecord => ({
    pollId: poll.id,
    optionIds: [poll.options[indexes[0]!]!.id],
    ranking: poll.type === 'ranked' ? indexes.map((i) => poll.options[i]!.id) : null,
    otherText: null,
    deviceKey: null,
  });
  const submissions: SurveySubmission[] = [];
  for (const [i, bucket] of buckets.entries()) {
    const profile = drawProfile(next, survey.profile);
    const stop = next();
    const pages = stop < STOPS_AFTER_FIRST ? 1 : stop < STOPS_AFTER_FIRST + STOPS_AFTER_SECOND ? 2 : 3;
    const toolChoice = pickIndex(next, bucket >= MATURE_FROM ? TOOL_MIX_MATURE : TOOL_MIX_OTHERS);
    const first = pickIndex(next, DEMO_POLLS[2]!.shares);
    const order = ranking(first, next);
    const skipsRanking = next() < SKIPS_RANKING;
    const page: SurveyAnswerToRecord[][] = [
      [answer(q1, [bucket])],
      [answer(q2, [toolChoice])],
      skipsRanking ? [] : [answer(q3, order)],
    ];
    // Each response is one submission of pages 1…k, as the JSON API records one.
    submissions.push({
      surveyId: survey.id,
      responseId: null,
      pages: Array.from({ length: pages }, (_, p) => p),
      answers: page.slice(0, pages).flat(),
      profile,
      createdAt: starts[i]!,
      source: 'seed',
      deviceKey: null,
      lockKeys: [],
      checkedAgainst: survey.updatedAt,
    });
  }
  // One transaction for every demo response: one commit, not one per response.
  await surveyStore.importSubmissions(submissions);
  return surveyStore.findSurvey(DEMO_SURVEY_SLUG);
}
