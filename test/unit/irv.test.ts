import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantRunoff, type IrvResult, type IrvRound, type RankingTally } from '@/lib/irv';

const tally = (ballots: number, ...ranking: string[]): RankingTally => ({ ranking, ballots });

describe('instantRunoff', () => {
  it('counts the Tennessee capital example: Chattanooga out, then Nashville, Knoxville wins 58–42', () => {
    const result = instantRunoff(
      ['memphis', 'nashville', 'chattanooga', 'knoxville'],
      [
        tally(42, 'memphis', 'nashville', 'chattanooga', 'knoxville'),
        tally(26, 'nashville', 'chattanooga', 'knoxville', 'memphis'),
        tally(15, 'chattanooga', 'knoxville', 'nashville', 'memphis'),
        tally(17, 'knoxville', 'chattanooga', 'nashville', 'memphis'),
      ],
    );
    expect(result.rounds.map((r) => [r.tallies.map((t) => t.votes), r.eliminated])).toEqual([
      [[42, 26, 15, 17], ['chattanooga']],
      [[42, 26, 32], ['nashville']],
      [[42, 58], []],
    ]);
    expect(result.winner).toBe('knoxville');
    expect(result.positions.find((p) => p.key === 'memphis')!.counts).toEqual([42, 0, 0, 58]);
  });

  it('ends in the first round when an option has a majority', () => {
    const result = instantRunoff(['a', 'b', 'c'], [tally(6, 'a', 'b'), tally(3, 'b'), tally(2, 'c', 'b')]);
    expect(result.winner).toBe('a');
    expect(result.rounds).toHaveLength(1);
  });

  it('counts exhausted ballots, and a majority of the continuing ones wins', () => {
    // Round 1: a 4, b 3, c 2 → c out; its ballots rank nothing else: exhausted. a has 4 of 7.
    const result = instantRunoff(['a', 'b', 'c'], [tally(4, 'a'), tally(3, 'b'), tally(2, 'c')]);
    expect(result.rounds[1]).toMatchObject({ continuing: 7, exhausted: 2, tallies: [{ votes: 4 }, { votes: 3 }] });
    expect(result.winner).toBe('a');
  });

  it('breaks a tie for fewest by the latest earlier round where the tied options differ', () => {
    // Round 1: a 5, b 3, c 2, d 2 → tie c/d in round 1 with no earlier round: d (listed later) out.
    // Round 2: d's ballots go to c: a 5, b 3, c 4 → b out. Round 3: b's to c: c 7 of 12.
    const result = instantRunoff(
      ['a', 'b', 'c', 'd'],
      [tally(5, 'a'), tally(3, 'b', 'c'), tally(2, 'c'), tally(2, 'd', 'c')],
    );
    expect(result.rounds.map((r) => r.eliminated)).toEqual([['d'], ['b'], []]);
    expect(result.winner).toBe('c');
  });

  it('looks back to an earlier round when the latest ties too', () => {
    // Round 1: a 9, b 4, c 3, d 2, e 3 → d out (to b). Round 2: a 9, b 6, c 3, e 3 → tie c/e;
    // round 1 had them level too (3, 3) → e, listed later, goes. Round 3: a 9, b 6, c 6 (e → c):
    // tie b/c; in round 2 b had 6, c 3 → c out.
    const result = instantRunoff(
      ['a', 'b', 'c', 'd', 'e'],
      [tally(9, 'a'), tally(4, 'b'), tally(3, 'c'), tally(2, 'd', 'b'), tally(3, 'e', 'c')],
    );
    expect(result.rounds.map((r) => r.eliminated)).toEqual([['d'], ['e'], ['c'], []]);
    expect(result.rounds.at(-1)!.tallies).toEqual([
      { key: 'a', votes: 9 },
      { key: 'b', votes: 6 },
    ]);
    expect(result.winner).toBe('a');
  });

  it('gives no winner when the last two options tie', () => {
    const result = instantRunoff(['a', 'b', 'c'], [tally(4, 'a'), tally(4, 'b'), tally(1, 'c')]);
    expect(result.rounds.map((r) => r.eliminated)).toEqual([['c'], []]);
    expect(result.winner).toBeNull();
  });

  it('handles one option, and no ballots at all', () => {
    expect(instantRunoff(['a'], [tally(3, 'a')])).toMatchObject({ winner: 'a', rounds: [{ continuing: 3 }] });
    const empty = instantRunoff(['a', 'b'], []);
    expect(empty.winner).toBeNull();
    expect(empty.rounds).toEqual([
      {
        round: 1,
        continuing: 0,
        exhausted: 0,
        tallies: [
          { key: 'a', votes: 0 },
          { key: 'b', votes: 0 },
        ],
        eliminated: [],
      },
    ]);
  });

  it('never loses or invents a ballot: continuing + exhausted = ballots in every round (property)', () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const rankings = fc.array(
      fc.record({
        ranking: fc.shuffledSubarray(keys, { minLength: 1 }),
        ballots: fc.integer({ min: 1, max: 50 }),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(rankings, (tallies) => {
        const total = tallies.reduce((sum, t) => sum + t.ballots, 0);
        const result = instantRunoff(keys, tallies);
        for (const round of result.rounds) {
          expect(round.continuing + round.exhausted).toBe(total);
          expect(round.tallies.reduce((sum, t) => sum + t.votes, 0)).toBe(round.continuing);
        }
        // Each round but the last eliminates one option; a winner holds a majority of the last.
        expect(result.rounds.slice(0, -1).every((r) => r.eliminated.length === 1)).toBe(true);
        if (result.winner) {
          const last = result.rounds.at(-1)!;
          expect(last.tallies.find((t) => t.key === result.winner)!.votes * 2).toBeGreaterThan(last.continuing);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('counts exactly as the plain round-by-round recount of every ballot (differential property)', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const rankings = fc.array(
      fc.record({
        ranking: fc.shuffledSubarray(keys, { minLength: 1 }),
        ballots: fc.integer({ min: 1, max: 9 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(rankings, (tallies) => {
        expect(instantRunoff(keys, tallies)).toEqual(plainRecount(keys, tallies));
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * The rules of SPEC.md spelled out the slow way, as a reference: every round recounts every
 * ballot from the top of its ranking.
 */
function plainRecount(options: string[], tallies: { ranking: string[]; ballots: number }[]): IrvResult {
  const positions = options.map((key) => ({
    key,
    counts: options.map((_, rank) =>
      tallies.filter((t) => t.ranking[rank] === key).reduce((sum, t) => sum + t.ballots, 0),
    ),
  }));
  const continuing = options.slice();
  const history: Map<string, number>[] = [];
  const rounds: IrvRound[] = [];
  let winner: string | null = null;
  for (;;) {
    const votes = new Map(continuing.map((key) => [key, 0]));
    let exhausted = 0;
    for (const { ranking, ballots } of tallies) {
      const top = ranking.find((key) => continuing.includes(key));
      if (top === undefined) exhausted += ballots;
      else votes.set(top, votes.get(top)! + ballots);
    }
    const counted = [...votes.values()].reduce((a, b) => a + b, 0);
    const round: IrvRound = {
      round: rounds.length + 1,
      continuing: counted,
      exhausted,
      tallies: continuing.map((key) => ({ key, votes: votes.get(key)! })),
      eliminated: [],
    };
    rounds.push(round);
    const leader = continuing.find((key) => votes.get(key)! * 2 > counted);
    if (leader) {
      winner = leader;
      break;
    }
    if (counted === 0 || continuing.length <= 2) break;
    const fewest = Math.min(...votes.values());
    let tied = continuing.filter((key) => votes.get(key) === fewest);
    for (let r = history.length - 1; r >= 0 && tied.length > 1; r--) {
      const low = Math.min(...tied.map((key) => history[r]!.get(key)!));
      tied = tied.filter((key) => history[r]!.get(key) === low);
    }
    const out = tied[tied.length - 1]!;
    round.eliminated.push(out);
    history.push(votes);
    continuing.splice(continuing.indexOf(out), 1);
  }
  return { method: 'irv', winner, rounds, positions };
}
