/**
 * Instant-runoff counting for ranked-choice polls (SPEC.md, "Question types contract"): every
 * round counts each ballot for its highest-ranked continuing option; an option with more than
 * half of the continuing ballots wins; otherwise the option with the fewest votes is
 * eliminated. Pure: it counts tallies per distinct ranking, never individual ballots.
 */

/** How many ballots ranked the options in exactly this order (most preferred first). */
export interface RankingTally {
  ranking: readonly string[];
  ballots: number;
}

export interface IrvRound {
  round: number;
  /** Ballots counted for a continuing option this round. */
  continuing: number;
  /** Ballots that rank no continuing option any more. */
  exhausted: number;
  /** Votes per continuing option, in option order. */
  tallies: { key: string; votes: number }[];
  /** The option eliminated after this round (none in the last round). */
  eliminated: string[];
}

export interface IrvResult {
  method: 'irv';
  /** The option with a majority of continuing ballots; null without ballots or after a final tie. */
  winner: string | null;
  rounds: IrvRound[];
  /** Per option, how many ballots ranked it 1st, 2nd, … (as many places as options). */
  positions: { key: string; counts: number[] }[];
}

/**
 * Which of the options tied for fewest votes to eliminate: the one with fewer votes in the
 * latest earlier round where the tied options differ (looking further back while several still
 * tie), and among those still level the one listed later.
 */
function toEliminate(
  tied: readonly string[],
  history: readonly Map<string, number>[],
  order: readonly string[],
): string {
  let candidates = [...tied];
  for (let r = history.length - 1; r >= 0 && candidates.length > 1; r--) {
    const votes = history[r]!;
    const fewest = Math.min(...candidates.map((key) => votes.get(key) ?? 0));
    candidates = candidates.filter((key) => (votes.get(key) ?? 0) === fewest);
  }
  return candidates.sort((a, b) => order.indexOf(b) - order.indexOf(a))[0]!;
}

/** Counts ranked ballots by instant runoff over the options (keys in the poll's order). */
export function instantRunoff(options: readonly string[], tallies: readonly RankingTally[]): IrvResult {
  const positions = options.map((key) => ({ key, counts: options.map(() => 0) }));
  for (const { ranking, ballots } of tallies) {
    ranking.forEach((key, place) => {
      const row = positions.find((p) => p.key === key);
      if (row && place < row.counts.length) row.counts[place]! += ballots;
    });
  }

  const continuing = new Set(options);
  const history: Map<string, number>[] = [];
  const rounds: IrvRound[] = [];
  let winner: string | null = null;
  while (continuing.size > 0) {
    const votes = new Map([...continuing].map((key) => [key, 0]));
    let exhausted = 0;
    for (const { ranking, ballots } of tallies) {
      const choice = ranking.find((key) => continuing.has(key));
      if (choice === undefined) exhausted += ballots;
      else votes.set(choice, votes.get(choice)! + ballots);
    }
    const counted = [...votes.values()].reduce((sum, v) => sum + v, 0);
    const round: IrvRound = {
      round: rounds.length + 1,
      continuing: counted,
      exhausted,
      tallies: options.filter((key) => continuing.has(key)).map((key) => ({ key, votes: votes.get(key)! })),
      eliminated: [],
    };
    rounds.push(round);
    const leader = [...votes].find(([, v]) => v * 2 > counted);
    if (leader) {
      winner = leader[0];
      break;
    }
    // No ballots left to count, or two options level at the end: no winner.
    if (counted === 0 || continuing.size <= 2) break;
    const fewest = Math.min(...votes.values());
    const tied = [...votes].filter(([, v]) => v === fewest).map(([key]) => key);
    const out = tied.length === 1 ? tied[0]! : toEliminate(tied, history, options);
    round.eliminated.push(out);
    continuing.delete(out);
    history.push(votes);
  }
  return { method: 'irv', winner, rounds, positions };
}
