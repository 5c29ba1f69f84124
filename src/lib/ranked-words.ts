/**
 * An instant-runoff count (src/lib/irv.ts) told in words and table cells for the results page:
 * who won and after which eliminations, one line per round saying why an option went out, the
 * round-by-round rows and the rank-position matrix. Pure: the page, the live script and the tests
 * use the same words.
 */
import { count, countOf, percent, wholePercent } from './format';
import type { IrvResult } from './irv';

interface LabelledOption {
  key: string;
  label: string;
}

const labelOf = (options: readonly LabelledOption[], key: string) => options.find((o) => o.key === key)?.label ?? key;

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinalNumber(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export interface RankedHeadline {
  kind: 'empty' | 'winner' | 'tied';
  text: string;
}

/**
 * The winner in one sentence: "Knoxville wins with 58% of the 100 ballots still counting in
 * round 3, after Chattanooga and Nashville were eliminated." A first-round majority says so; a
 * final tie names the tied options; no ballots, "No ballots yet."
 */
export function rankedHeadline(ranked: IrvResult, options: readonly LabelledOption[]): RankedHeadline {
  const last = ranked.rounds.at(-1);
  if (!last || ranked.rounds[0]!.continuing === 0) return { kind: 'empty', text: 'No ballots yet.' };
  const ballots = (n: number) => `the ${countOf(n, 'ballot')}`;
  if (ranked.winner === null) {
    const most = Math.max(...last.tallies.map((t) => t.votes));
    const tied = last.tallies.filter((t) => t.votes === most).map((t) => labelOf(options, t.key));
    return {
      kind: 'tied',
      text: `No option has a majority: ${listOf(tied)} are tied with ${countOf(most, 'ballot')} each in the final round.`,
    };
  }
  const winner = labelOf(options, ranked.winner);
  const votes = last.tallies.find((t) => t.key === ranked.winner)!.votes;
  const share = wholePercent(votes / last.continuing);
  if (ranked.rounds.length === 1) {
    return {
      kind: 'winner',
      text: `${winner} wins in the first round with ${share} of ${ballots(last.continuing)}: a majority of first choices.`,
    };
  }
  const out = ranked.rounds.flatMap((r) => r.eliminated).map((key) => labelOf(options, key));
  return {
    kind: 'winner',
    text: `${winner} wins with ${share} of ${ballots(last.continuing)} still counting in round ${last.round}, after ${listOf(out)} ${out.length === 1 ? 'was' : 'were'} eliminated.`,
  };
}

/**
 * What happened in each round, in a line: "Round 1: no option has more than half of 100
 * ballots. Chattanooga has the fewest (15) and is eliminated; …" The last round says who won (or
 * the tie). Empty without ballots.
 */
export function roundSentences(ranked: IrvResult, options: readonly LabelledOption[]): string[] {
  if (ranked.rounds.length === 0 || ranked.rounds[0]!.continuing === 0) return [];
  return ranked.rounds.map((round) => {
    const head = `Round ${round.round}: `;
    // "Still counting" only once ballots have run out of options; before that every ballot counts.
    const counting =
      round.exhausted > 0
        ? `the ${countOf(round.continuing, 'ballot')} still counting (${count(round.exhausted)} exhausted)`
        : countOf(round.continuing, 'ballot');
    if (round.eliminated.length > 0) {
      const out = round.eliminated[0]!;
      const votes = round.tallies.find((t) => t.key === out)?.votes ?? 0;
      const level = round.tallies.filter((t) => t.votes === votes && t.key !== out).map((t) => labelOf(options, t.key));
      // A tie for the fewest is broken by the earlier rounds, then by the option order (irv.ts): say so.
      const fewest =
        level.length === 0
          ? `${labelOf(options, out)} has the fewest (${count(votes)}) and is eliminated`
          : `${labelOf(options, out)} and ${listOf(level)} tie for the fewest (${count(votes)}); ${labelOf(options, out)} is eliminated by the tie-break (fewer votes in an earlier round, else listed later)`;
      return `${head}no option has more than half of ${counting}. ${fewest}; its ballots move to their next choice.`;
    }
    if (ranked.winner !== null) {
      const votes = round.tallies.find((t) => t.key === ranked.winner)?.votes ?? 0;
      return `${head}${labelOf(options, ranked.winner)} has ${count(votes)} of ${counting}, more than half, and wins.`;
    }
    const tied = listOf(round.tallies.map((t) => labelOf(options, t.key)));
    return `${head}${tied} have ${count(round.tallies[0]?.votes ?? 0)} each of ${counting}, so there is no winner.`;
  });
}

/** One cell of the rounds table: an option's votes in a round, or nothing once it is out. */
export interface RoundCell {
  /** "42" and its share of the round's continuing ballots "42.0%"; null after the option went out. */
  votes: string | null;
  share: string | null;
  /** Eliminated at the end of this round. */
  eliminated: boolean;
  /** The winner, in the round it won. */
  won: boolean;
}

export interface RoundsTable {
  /** "Round 1", "Round 2", … */
  rounds: string[];
  options: { key: string; label: string; cells: RoundCell[] }[];
  exhausted: string[];
  continuing: string[];
}

/** The rounds table's cells: a row per option (votes and share per round), then exhausted and continuing ballots. */
export function roundsTable(ranked: IrvResult, options: readonly LabelledOption[]): RoundsTable {
  const last = ranked.rounds.length - 1;
  return {
    rounds: ranked.rounds.map((r) => `Round ${r.round}`),
    options: options.map(({ key, label }) => ({
      key,
      label,
      cells: ranked.rounds.map((round, i) => {
        const tally = round.tallies.find((t) => t.key === key);
        return {
          votes: tally ? count(tally.votes) : null,
          share: tally ? percent(round.continuing > 0 ? tally.votes / round.continuing : 0) : null,
          eliminated: round.eliminated.includes(key),
          won: i === last && ranked.winner === key,
        };
      }),
    })),
    exhausted: ranked.rounds.map((r) => count(r.exhausted)),
    continuing: ranked.rounds.map((r) => count(r.continuing)),
  };
}

/**
 * The rank-position matrix: per option, how many ballots put it 1st, 2nd, …; only as many
 * places as any ballot used (a poll asking for the top 3 of 8 shows three columns).
 */
export function positionsTable(
  ranked: IrvResult,
  options: readonly LabelledOption[],
): { places: string[]; rows: { key: string; label: string; counts: string[] }[] } {
  const used = Math.max(1, ...ranked.positions.map((p) => p.counts.findLastIndex((c) => c > 0) + 1));
  return {
    places: Array.from({ length: used }, (_, i) => ordinalNumber(i + 1)),
    rows: ranked.positions.map((p) => ({
      key: p.key,
      label: labelOf(options, p.key),
      counts: p.counts.slice(0, used).map(count),
    })),
  };
}

/** The chart's text alternative: the final round's numbers, and who won. */
export function rankedChartSummary(ranked: IrvResult, options: readonly LabelledOption[]): string {
  const last = ranked.rounds.at(-1);
  if (!last || last.continuing === 0) return 'No ballots yet.';
  const bars = last.tallies
    .map((t) => `${labelOf(options, t.key)} ${count(t.votes)} (${wholePercent(t.votes / last.continuing)})`)
    .join(', ');
  return `Final round (round ${last.round}) of ${countOf(last.continuing, 'continuing ballot')}: ${bars}. ${rankedHeadline(ranked, options).text}`;
}
