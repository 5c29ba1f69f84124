import { describe, expect, it } from 'vitest';
import { instantRunoff, type RankingTally } from '@/lib/irv';
import {
  listOf,
  ordinalNumber,
  positionsTable,
  rankedChartSummary,
  rankedHeadline,
  roundSentences,
  roundsTable,
} from '@/lib/ranked-words';

const TN = [
  { key: 'memphis', label: 'Memphis' },
  { key: 'nashville', label: 'Nashville' },
  { key: 'chattanooga', label: 'Chattanooga' },
  { key: 'knoxville', label: 'Knoxville' },
];
const keys = TN.map((o) => o.key);
// The textbook Tennessee example, 100 ballots.
const TENNESSEE: RankingTally[] = [
  { ranking: ['memphis', 'nashville', 'chattanooga', 'knoxville'], ballots: 42 },
  { ranking: ['nashville', 'chattanooga', 'knoxville', 'memphis'], ballots: 26 },
  { ranking: ['chattanooga', 'knoxville', 'nashville', 'memphis'], ballots: 15 },
  { ranking: ['knoxville', 'chattanooga', 'nashville', 'memphis'], ballots: 17 },
];
const AB = [
  { key: 'a', label: 'Alpha' },
  { key: 'b', label: 'Beta' },
  { key: 'c', label: 'Gamma' },
];
const count = (tallies: RankingTally[], options = AB) =>
  instantRunoff(
    options.map((o) => o.key),
    tallies,
  );

describe('rankedHeadline', () => {
  it.each([
    {
      name: 'Tennessee: a winner after two eliminations',
      result: instantRunoff(keys, TENNESSEE),
      options: TN,
      kind: 'winner',
      text: 'Knoxville wins with 58% of the 100 ballots still counting in round 3, after Chattanooga and Nashville were eliminated.',
    },
    {
      name: 'a first-round majority',
      result: count([
        { ranking: ['a', 'b'], ballots: 6 },
        { ranking: ['b'], ballots: 4 },
      ]),
      options: AB,
      kind: 'winner',
      text: 'Alpha wins in the first round with 60% of the 10 ballots: a majority of first choices.',
    },
    {
      name: 'one elimination',
      result: count([
        { ranking: ['a'], ballots: 4 },
        { ranking: ['b'], ballots: 3 },
        { ranking: ['c', 'b'], ballots: 2 },
      ]),
      options: AB,
      kind: 'winner',
      text: 'Beta wins with 56% of the 9 ballots still counting in round 2, after Gamma was eliminated.',
    },
    {
      name: 'a final tie has no winner',
      result: count([
        { ranking: ['a'], ballots: 3 },
        { ranking: ['b'], ballots: 3 },
        { ranking: ['c'], ballots: 1 },
      ]),
      options: AB,
      kind: 'tied',
      text: 'No option has a majority: Alpha and Beta are tied with 3 ballots each in the final round.',
    },
    {
      name: 'no ballots',
      result: count([]),
      options: AB,
      kind: 'empty',
      text: 'No ballots yet.',
    },
    {
      name: 'one option, one ballot',
      result: instantRunoff(['a'], [{ ranking: ['a'], ballots: 1 }]),
      options: AB.slice(0, 1),
      kind: 'winner',
      text: 'Alpha wins in the first round with 100% of the 1 ballot: a majority of first choices.',
    },
  ])('$name', ({ result, options, kind, text }) => {
    expect(rankedHeadline(result, options)).toEqual({ kind, text });
  });

  it('a tie leaves the winner null', () => {
    expect(
      count([
        { ranking: ['a'], ballots: 1 },
        { ranking: ['b'], ballots: 1 },
      ]).winner,
    ).toBeNull();
  });
});

describe('roundSentences', () => {
  it('says why each option went out, and who won', () => {
    expect(roundSentences(instantRunoff(keys, TENNESSEE), TN)).toEqual([
      'Round 1: no option has more than half of 100 ballots. Chattanooga has the fewest (15) and is eliminated; its ballots move to their next choice.',
      'Round 2: no option has more than half of 100 ballots. Nashville has the fewest (26) and is eliminated; its ballots move to their next choice.',
      'Round 3: Knoxville has 58 of 100 ballots, more than half, and wins.',
    ]);
  });

  it('counts exhausted ballots and says a final tie', () => {
    const result = count([
      { ranking: ['a'], ballots: 3 },
      { ranking: ['b'], ballots: 3 },
      { ranking: ['c'], ballots: 1 },
    ]);
    expect(roundSentences(result, AB)[1]).toBe(
      'Round 2: Alpha and Beta have 3 each of the 6 ballots still counting (1 exhausted), so there is no winner.',
    );
  });

  it('says when a tie for the fewest was broken', () => {
    const result = count([
      { ranking: ['a'], ballots: 2 },
      { ranking: ['b'], ballots: 1 },
      { ranking: ['c', 'b'], ballots: 1 },
    ]);
    expect(roundSentences(result, AB)[0]).toBe(
      'Round 1: no option has more than half of 4 ballots. Gamma and Beta tie for the fewest (1); Gamma is eliminated by the tie-break (fewer votes in an earlier round, else listed later); its ballots move to their next choice.',
    );
  });

  it('says nothing without ballots', () => {
    expect(roundSentences(count([]), AB)).toEqual([]);
  });
});

describe('roundsTable', () => {
  it('gives votes and shares per round, eliminated in its round and blank after', () => {
    const table = roundsTable(instantRunoff(keys, TENNESSEE), TN);
    expect(table.rounds).toEqual(['Round 1', 'Round 2', 'Round 3']);
    const row = (key: string) => table.options.find((o) => o.key === key)!.cells;
    expect(row('chattanooga').map((c) => [c.votes, c.eliminated])).toEqual([
      ['15', true],
      [null, false],
      [null, false],
    ]);
    expect(row('nashville').map((c) => c.votes)).toEqual(['26', '26', null]);
    expect(row('nashville')[1]!.eliminated).toBe(true);
    expect(row('knoxville').map((c) => [c.votes, c.share, c.won])).toEqual([
      ['17', '17.0%', false],
      ['32', '32.0%', false],
      ['58', '58.0%', true],
    ]);
    expect(row('memphis').map((c) => c.votes)).toEqual(['42', '42', '42']);
    expect(table.exhausted).toEqual(['0', '0', '0']);
    expect(table.continuing).toEqual(['100', '100', '100']);
  });

  it('shares are of the ballots still counting, which shrink as ballots exhaust', () => {
    const table = roundsTable(
      count([
        { ranking: ['a'], ballots: 4 },
        { ranking: ['b'], ballots: 3 },
        { ranking: ['c'], ballots: 2 },
      ]),
      AB,
    );
    expect(table.options[0]!.cells.map((c) => c.share)).toEqual(['44.4%', '57.1%']);
    expect(table.exhausted).toEqual(['0', '2']);
    expect(table.continuing).toEqual(['9', '7']);
  });
});

describe('positionsTable', () => {
  it('counts places and shows only the places ballots used', () => {
    const table = positionsTable(
      count([
        { ranking: ['a', 'b'], ballots: 2 },
        { ranking: ['b'], ballots: 1 },
      ]),
      AB,
    );
    expect(table.places).toEqual(['1st', '2nd']);
    expect(table.rows.map((r) => [r.label, ...r.counts])).toEqual([
      ['Alpha', '2', '0'],
      ['Beta', '1', '2'],
      ['Gamma', '0', '0'],
    ]);
  });

  it('Tennessee: every place used', () => {
    const table = positionsTable(instantRunoff(keys, TENNESSEE), TN);
    expect(table.places).toEqual(['1st', '2nd', '3rd', '4th']);
    expect(table.rows.find((r) => r.key === 'memphis')!.counts).toEqual(['42', '0', '0', '58']);
  });
});

describe('small words', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [101, '101st'],
  ])('%i → %s', (n, words) => expect(ordinalNumber(n)).toBe(words));

  it('lists', () => {
    expect(listOf([])).toBe('');
    expect(listOf(['A'])).toBe('A');
    expect(listOf(['A', 'B'])).toBe('A and B');
    expect(listOf(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('the chart summary states the final round', () => {
    expect(rankedChartSummary(instantRunoff(keys, TENNESSEE), TN)).toBe(
      'Final round (round 3) of 100 continuing ballots: Memphis 42 (42%), Knoxville 58 (58%). Knoxville wins with 58% of the 100 ballots still counting in round 3, after Chattanooga and Nashville were eliminated.',
    );
    expect(rankedChartSummary(count([]), AB)).toBe('No ballots yet.');
  });
});

describe('the headline of a ranked poll', () => {
  it('names the runoff winner, not the first-choice leader', async () => {
    const { resultsHeadline } = await import('@/lib/headline');
    const ranked = instantRunoff(keys, TENNESSEE);
    const firsts = [42, 26, 15, 17];
    const options = TN.map((o, i) => ({ ...o, votes: firsts[i]!, share: firsts[i]! / 100 }));
    const headline = resultsHeadline({ type: 'ranked', totalResponses: 100, options, ranked });
    expect(headline.kind).toBe('winner');
    expect(headline.text).toMatch(/^Knoxville wins with 58%/);
    expect(resultsHeadline({ type: 'ranked', totalResponses: 0, options, ranked: count([]) }).text).toBe(
      'No ballots yet.',
    );
  });
});
