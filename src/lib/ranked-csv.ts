/**
 * The rounds of an instant-runoff count as CSV (RFC 4180 through ./csv, which neutralises
 * formula-like labels): one row per round and continuing option, with the round's continuing and
 * exhausted ballots repeated on each row so every row reads alone in a spreadsheet.
 */
import { toCsv } from './csv';
import type { IrvResult } from './irv';

export const ROUNDS_CSV_HEADER = ['round', 'continuing', 'exhausted', 'key', 'label', 'votes', 'eliminated'] as const;

/** The rounds CSV of a ranked poll's count (without ballots, round 1 with zero votes). */
export function roundsCsv(ranked: IrvResult, options: readonly { key: string; label: string }[]): string {
  const labelOf = (key: string) => options.find((o) => o.key === key)?.label ?? key;
  const rows = ranked.rounds.flatMap((round) =>
    round.tallies.map((tally) => [
      round.round,
      round.continuing,
      round.exhausted,
      tally.key,
      labelOf(tally.key),
      tally.votes,
      round.eliminated.includes(tally.key) ? 'true' : 'false',
    ]),
  );
  return toCsv([ROUNDS_CSV_HEADER, ...rows]);
}
