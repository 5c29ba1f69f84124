/**
 * The owner's view of a poll's write-in "Other" answers (SPEC.md, "Question types contract"): the
 * groups the admin page lists and the CSV it links. Texts are voters' input: pages show them only
 * through Astro's escaping, and the CSV neutralises formulas (src/lib/csv.ts).
 */
import { toCsv } from './csv';
import type { OtherAnswerGroup } from './store';

export const WRITE_IN_CSV_HEADER = ['time', 'text'] as const;
/** Groups listed on the admin page; a poll with more has the rest in the CSV. */
export const WRITE_IN_GROUPS_SHOWN = 200;

export interface WriteInSummary {
  /** Write-in answers in all. */
  total: number;
  /** Distinct answers once normalised ("Jira", " jira " and "JIRA." are one). */
  distinct: number;
  /** The most frequent groups first (count, then text), at most WRITE_IN_GROUPS_SHOWN. */
  shown: OtherAnswerGroup[];
}

/** The groups as the admin page lists them, with their totals. */
export function writeInSummary(groups: readonly OtherAnswerGroup[]): WriteInSummary {
  const sorted = [...groups].sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
  return {
    total: groups.reduce((sum, group) => sum + group.count, 0),
    distinct: groups.length,
    shown: sorted.slice(0, WRITE_IN_GROUPS_SHOWN),
  };
}

/** Every write-in as a CSV row, oldest first: the vote's time (UTC) and the text as written. */
export function writeInCsv(answers: readonly { createdAt: number; text: string }[]): string {
  return toCsv([
    WRITE_IN_CSV_HEADER,
    ...answers.map((answer) => [new Date(answer.createdAt).toISOString(), answer.text]),
  ]);
}
