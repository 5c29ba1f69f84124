/**
 * Ranked, rating and write-in ballots through the vote use case into a real migrated database
 * (either store): what each type stores (first choices in the option tallies, whole orders in the ranking
 * tallies, write-ins with their normalised form), what a refusal leaves (nothing), and that
 * db:recount knows the new tallies.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoll, updatePoll } from '@/lib/poll-admin';
import { rankedCounts } from '@/lib/ranked-count';
import { buildResults } from '@/lib/results';
import { voteRules } from '@/lib/store';
import type { PollRecord } from '@/lib/types';
import { castVote, ownChoices } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { refusal } from '../support/errors';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const voter = (deviceId = newDeviceId()) => ({ deviceId, address: '192.0.2.10', userAgent: 'vitest' });

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

const ctx = () => ({ store: t.store, secret: SECRET, now: NOW });
const vote = (slug: string, body: unknown, who = voter()) => castVote(ctx(), slug, body, who, 'api');
const results = async (slug: string) => {
  const poll = (await t.store.findPoll(slug))!;
  return buildResults(poll, NOW, await rankedCounts.count(t.store, poll));
};
/** Rows in a table, to prove a refusal stored nothing. */
const rows = async (table: string) => (await t.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n;

/** The textbook Tennessee capital election, as 100 ballots. */
const TENNESSEE: [number, string[]][] = [
  [42, ['memphis', 'nashville', 'chattanooga', 'knoxville']],
  [26, ['nashville', 'chattanooga', 'knoxville', 'memphis']],
  [15, ['chattanooga', 'knoxville', 'nashville', 'memphis']],
  [17, ['knoxville', 'chattanooga', 'nashville', 'memphis']],
];

async function rankedPoll(overrides: Record<string, unknown> = {}): Promise<PollRecord> {
  return createPoll(
    t.store,
    {
      slug: 'capital',
      question: 'Where should the capital be?',
      type: 'ranked',
      options: ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'],
      duplicatePolicy: 'none',
      ...overrides,
    },
    NOW,
  );
}

describe('ranked ballots', () => {
  it('count the Tennessee example from the ranking tallies: first choices per option, every round, positions', async () => {
    const poll = await rankedPoll();
    expect(poll).toMatchObject({ minChoices: 1, maxChoices: 4 });
    for (const [count, ranking] of TENNESSEE)
      for (let i = 0; i < count; i++) await vote('capital', { choices: ranking });

    const counted = await results('capital');
    expect(counted.totalResponses).toBe(100);
    expect(counted.options.map((o) => [o.key, o.votes])).toEqual([
      ['memphis', 42],
      ['nashville', 26],
      ['chattanooga', 15],
      ['knoxville', 17],
    ]);
    expect(counted.ranked!.winner).toBe('knoxville');
    expect(counted.ranked!.rounds.map((r) => r.eliminated)).toEqual([['chattanooga'], ['nashville'], []]);
    expect(counted.ranked!.rounds.at(-1)!.tallies).toEqual([
      { key: 'memphis', votes: 42 },
      { key: 'knoxville', votes: 58 },
    ]);
    expect(counted.ranked!.positions.find((p) => p.key === 'memphis')!.counts).toEqual([42, 0, 0, 58]);
    // Four distinct rankings: four tally rows, whatever the number of ballots.
    expect(await rows('ranking_tallies')).toBe(4);
    expect(await rows('vote_rankings')).toBe(100);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('keep a partial ranking in its order, and show this browser its own order', async () => {
    await rankedPoll({ minChoices: 2, maxChoices: 3 });
    const me = voter();
    await vote('capital', { choices: ['knoxville', 'memphis'] }, me);
    const poll = (await t.store.findPoll('capital'))!;
    expect(await t.store.rankingTallies(poll.id)).toEqual([{ ranking: ['knoxville', 'memphis'], ballots: 1 }]);
    expect(await ownChoices(t.store, SECRET, poll, me.deviceId)).toEqual(['knoxville', 'memphis']);
    const log = await t.adminStore.voteLogPage(poll.id, null, 10);
    expect(log.map((entry) => entry.choices)).toEqual([['knoxville', 'memphis']]);
  });

  it('refuse a repeated rank, too few or too many ranks, an unknown key — storing nothing', async () => {
    await rankedPoll({ minChoices: 2, maxChoices: 3 });
    const cases: [unknown, string][] = [
      [{ choices: ['memphis', 'memphis'] }, 'invalid_choice'],
      [{ choices: ['memphis'] }, 'too_few_choices'],
      [{ choices: ['memphis', 'nashville', 'chattanooga', 'knoxville'] }, 'too_many_choices'],
      [{ choices: ['memphis', 'atlanta'] }, 'invalid_choice'],
      [{ choices: ['memphis', 'nashville'], other: 'Atlanta' }, 'invalid_other'],
    ];
    for (const [body, code] of cases) expect(await refusal(() => vote('capital', body))).toBe(code);
    for (const table of ['votes', 'vote_choices', 'vote_rankings', 'ranking_tallies', 'period_tallies'])
      expect(await rows(table)).toBe(0);
  });

  it('are checked again when the type or rank counts changed after the check, storing nothing meanwhile', async () => {
    const poll = await rankedPoll();
    const ballot = {
      pollId: poll.id,
      optionIds: [poll.options[0]!.id],
      ranking: poll.options.map((o) => o.id),
      createdAt: NOW,
      source: 'api' as const,
      deviceKey: null,
      lockKeys: [],
      profile: {},
      otherText: null,
    };
    // An owner narrowed the ranking to two places (no votes yet) after this ballot of four was checked.
    await updatePoll(t.store, 'capital', { maxChoices: 2 }, NOW);
    const stale = await t.store.recordVote({
      ...ballot,
      checkedAgainst: voteRules(poll),
    });
    expect(stale.outcome).toBe('stale_options');
    expect(await rows('votes')).toBe(0);
    // castVote reads the poll again and refuses the ballot under the new rule.
    expect(await refusal(() => vote('capital', { choices: ['memphis', 'nashville', 'chattanooga'] }))).toBe(
      'too_many_choices',
    );
  });

  it('are known to db:recount: a drifted ranking tally is reported and rewritten from the ballots', async () => {
    await rankedPoll();
    await vote('capital', { choices: ['memphis', 'knoxville'] });
    await vote('capital', { choices: ['memphis', 'knoxville'] });
    await t.query('update ranking_tallies set ballots = 7');
    const drift = await t.store.recount(true);
    expect(drift).toEqual([expect.objectContaining({ pollSlug: 'capital', stored: 7, actual: 2 })]);
    expect(drift[0]!.what).toMatch(/^ranking /);
    expect(await t.store.recount(false)).toEqual([]);
    const poll = (await t.store.findPoll('capital'))!;
    expect(await t.store.rankingTallies(poll.id)).toEqual([{ ranking: ['memphis', 'knoxville'], ballots: 2 }]);
  });
});

describe('rating scales', () => {
  it('take numbers from numeric labels or values, and summarise mean, interval, median and sd', async () => {
    const poll = await createPoll(
      t.store,
      {
        slug: 'rate',
        question: 'How useful?',
        type: 'rating',
        options: ['1', '2', '3', '4', '5'],
        duplicatePolicy: 'none',
      },
      NOW,
    );
    expect(poll.scale).toBe('ordinal');
    expect(poll.options.map((o) => o.value)).toEqual([1, 2, 3, 4, 5]);
    for (const choice of ['1', '2', '2', '3', '5']) await vote('rate', { choices: [choice] });
    const { rating, ordinal } = await results('rate');
    // Hand-worked: mean 13/5 = 2.6, s² = (2.56 + 0.36·2 + 0.16 + 5.76)/4 = 2.3, t(0.975, 4) = 2.776445.
    expect(rating!.mean).toBeCloseTo(2.6, 12);
    expect(rating!.sd).toBeCloseTo(Math.sqrt(2.3), 12);
    expect(rating!.median).toBe(2);
    expect(rating!.ci95!.low).toBeCloseTo(2.6 - 2.776445 * Math.sqrt(2.3 / 5), 5);
    expect(ordinal).toBeDefined();
  });

  it('refuses a scale without numbers or whose numbers repeat or zigzag, naming the options field', async () => {
    for (const options of [
      ['Bad', 'Good'],
      ['1', '1'],
      ['1', '3', '2'],
    ]) {
      const error = await refusal(() =>
        createPoll(t.store, { question: 'Rate?', type: 'rating', options }, NOW).then(() => null),
      );
      expect(error).toBe('invalid_poll');
    }
    expect(await rows('polls')).toBe(0);
  });
});

describe('write-in "Other"', () => {
  const otherPoll = () =>
    createPoll(
      t.store,
      {
        slug: 'tool',
        question: 'Which tool?',
        type: 'multiple',
        options: ['Trello', 'Jira'],
        allowOther: true,
        duplicatePolicy: 'none',
      },
      NOW,
    );

  it('counts the text as the option other and keeps it, normalised, for the owner only', async () => {
    const poll = await otherPoll();
    expect(poll.options.map((o) => [o.key, o.other])).toEqual([
      ['trello', false],
      ['jira', false],
      ['other', true],
    ]);
    await vote('tool', { choices: [], other: '  Asana  ' });
    await vote('tool', { choices: ['trello', 'other'], other: 'asana.' });
    await vote('tool', { choices: ['trello'], other: 'ASANA' });
    await vote('tool', { choices: ['jira'], other: 'Linear' });
    const counted = await results('tool');
    expect(counted.options.map((o) => [o.key, o.votes])).toEqual([
      ['trello', 2],
      ['jira', 1],
      ['other', 4],
    ]);
    expect(JSON.stringify(counted)).not.toMatch(/asana|linear/i);
    expect(await t.adminStore.otherAnswerGroups(poll.id)).toEqual([
      { normalized: 'asana', text: expect.stringMatching(/^asana/i), count: 3 },
      { normalized: 'linear', text: 'Linear', count: 1 },
    ]);
    expect((await t.adminStore.otherAnswers(poll.id)).map((a) => a.text)).toEqual([
      'Asana',
      'asana.',
      'ASANA',
      'Linear',
    ]);
  });

  it('refuses bad write-ins with invalid_other and stores nothing', async () => {
    await otherPoll();
    const cases: unknown[] = [
      { choices: ['other'] },
      { choices: [], other: '   ' },
      { choices: [], other: 'x'.repeat(201) },
      { choices: [], other: 42 },
      { choices: [], other: 'tab\u0007bell' },
      { choices: [], other: 'right-to-left \u202e override' },
    ];
    for (const body of cases) expect(await refusal(() => vote('tool', body))).toBe('invalid_other');
    expect(await refusal(() => vote('single', { choices: [], other: 'x' }))).toBe('poll_not_found');
    expect(await rows('votes')).toBe(0);
    expect(await rows('other_answers')).toBe(0);
  });

  it('is refused on a poll without it, and on ranked, rating and ordered polls', async () => {
    await createPoll(t.store, { slug: 'plain', question: 'Q?', options: ['A', 'B'], duplicatePolicy: 'none' }, NOW);
    expect(await refusal(() => vote('plain', { choices: [], other: 'C' }))).toBe('invalid_other');
    for (const extra of [{ type: 'ranked' }, { type: 'rating', options: ['1', '2'] }, { scale: 'ordinal' }]) {
      const error = await refusal(() =>
        createPoll(t.store, { question: 'Q?', options: ['A', 'B'], allowOther: true, ...extra }, NOW).then(() => null),
      );
      expect(error).toBe('invalid_poll');
    }
  });

  it('can be switched on or off only while the poll has no votes', async () => {
    await createPoll(t.store, { slug: 'plain', question: 'Q?', options: ['A', 'B'], duplicatePolicy: 'none' }, NOW);
    const on = await updatePoll(t.store, 'plain', { allowOther: true }, NOW);
    expect(on.options.map((o) => o.key)).toEqual(['a', 'b', 'other']);
    const off = await updatePoll(t.store, 'plain', { allowOther: false }, NOW);
    expect(off.options.map((o) => o.key)).toEqual(['a', 'b']);
    await vote('plain', { choices: ['a'] });
    expect(await refusal(() => updatePoll(t.store, 'plain', { allowOther: true }, NOW).then(() => null))).toBe(
      'poll_has_votes',
    );
    // A text edit keeps the write-in option, and its votes, where they are.
    await updatePoll(t.store, 'plain', { allowOther: false, question: 'Q, again?' }, NOW).catch(() => null);
    const edited = await updatePoll(t.store, 'plain', { question: 'Q, again?' }, NOW);
    expect(edited.options.map((o) => [o.key, o.votes])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
  });
});
