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

/**
 * Counts ranked ballots by instant runoff over the options (keys in the poll's order).
 *
 * Linear in the size of the tallies, not in rounds × tallies: each distinct ranking sits on the
 * pile of its highest-ranked continuing option, and only the eliminated option's pile moves each
 * round, every ranking's pointer only ever advancing. A poll with 30 options and 100,000
 * different rankings is counted in one pass over them, not 29.
 */
export function instantRunoff(options: readonly string[], tallies: readonly RankingTally[]): IrvResult {
  const place = new Map(options.map((key, index) => [key, index]));
  const positions = options.map((key) => ({ key, counts: options.map(() => 0) }));
  for (const { ranking, ballots } of tallies) {
    ranking.forEach((key, rank) => {
      const index = place.get(key);
      if (index !== undefined && rank < options.length) positions[index]!.counts[rank]! += ballots;
    });
  }

  const continuing = new Set(options);
  const votes = new Map(options.map((key) => [key, 0]));
  const piles = new Map(options.map((key) => [key, [] as number[]]));
  /** Per tally, the index into its ranking of the option it counts for now. */
  const pointer = tallies.map(() => 0);
  let exhausted = 0;
  /** Moves tally `t` to its highest-ranked continuing option at or after its pointer, or exhausts it. */
  const seat = (t: number) => {
    const { ranking, ballots } = tallies[t]!;
    let at = pointer[t]!;
    while (at < ranking.length && !continuing.has(ranking[at]!)) at++;
    pointer[t] = at;
    const key = ranking[at];
    if (key === undefined) exhausted += ballots;
    else {
      votes.set(key, votes.get(key)! + ballots);
      piles.get(key)!.push(t);
    }
  };
  tallies.forEach((_, t) => seat(t));

  const history: Map<string, number>[] = [];
  const rounds: IrvRound[] = [];
  let winner: string | null = null;
  while (continuing.size > 0) {
    const counted = [...continuing].reduce((sum, key) => sum + votes.get(key)!, 0);
    const round: IrvRound = {
      round: rounds.length + 1,
      continuing: counted,
      exhausted,
      tallies: options.filter((key) => continuing.has(key)).map((key) => ({ key, votes: votes.get(key)! })),
      eliminated: [],
    };
    rounds.push(round);
    const leader = round.tallies.find(({ votes: v }) => v * 2 > counted);
    if (leader) {
      winner = leader.key;
      break;
    }
    // No ballots left to count, or two options level at the end: no winner.
    if (counted === 0 || continuing.size <= 2) break;
    const standing = new Map(round.tallies.map(({ key, votes: v }) => [key, v]));
    const fewest = Math.min(...standing.values());
    const tied = round.tallies.filter(({ votes: v }) => v === fewest).map(({ key }) => key);
    const out = tied.length === 1 ? tied[0]! : toEliminate(tied, history, options);
    round.eliminated.push(out);
    history.push(standing);
    continuing.delete(out);
    votes.set(out, 0);
    const moving = piles.get(out)!;
    piles.set(out, []);
    for (const t of moving) seat(t);
  }
  return { method: 'irv', winner, rounds, positions };
}
