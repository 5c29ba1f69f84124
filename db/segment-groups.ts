/** Segment counts from tally rows, shared by the SQLite and PostgreSQL breakdown reads. */
import type { GroupCounts } from '../src/lib/store';

export const emptyGroup = (): GroupCounts => ({ responses: 0, optionVotes: new Map() });

export function groupsOf(
  responses: { value: string; n: number }[],
  optionVotes: { value: string; optionId: number; n: number }[],
): Map<string, GroupCounts> {
  const groups = new Map<string, GroupCounts>();
  const group = (value: string) => groups.get(value) ?? groups.set(value, emptyGroup()).get(value)!;
  // Rows with the same value add up (pair tallies summed over every answer to `where`).
  for (const row of responses) group(row.value).responses += row.n;
  for (const row of optionVotes) {
    const votes = group(row.value).optionVotes;
    votes.set(row.optionId, (votes.get(row.optionId) ?? 0) + row.n);
  }
  return groups;
}

/** A group's counts minus those of the given subgroups. */
export function subtractAll(group: GroupCounts, parts: readonly GroupCounts[]): GroupCounts {
  const optionVotes = new Map(group.optionVotes);
  let responses = group.responses;
  for (const part of parts) {
    responses -= part.responses;
    for (const [optionId, votes] of part.optionVotes)
      optionVotes.set(optionId, (optionVotes.get(optionId) ?? 0) - votes);
  }
  return { responses, optionVotes };
}
