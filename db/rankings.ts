/**
 * Rankings are stored as option ids joined by commas ("12,15,13"), most preferred first: ids,
 * not keys, so the text is short and the tally key never changes with a label. The domain reads
 * keys; these turn one into the other.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { pollOptions } from './schema';

/** Decodes stored rankings with the options' id → key map (an unknown id stays as it is). */
export function rankingDecoder(options: readonly { id: number; key: string }[]): (ranking: string) => string[] {
  const keyOf = new Map(options.map((option) => [String(option.id), option.key]));
  return (ranking) => ranking.split(',').map((id) => keyOf.get(id) ?? id);
}

/** The decoder for one poll's rankings, reading its options' ids and keys. */
export function pollRankingDecoder(db: Pick<Db, 'select'>, pollId: number): (ranking: string) => string[] {
  return rankingDecoder(
    db
      .select({ id: pollOptions.id, key: pollOptions.key })
      .from(pollOptions)
      .where(eq(pollOptions.pollId, pollId))
      .all(),
  );
}
