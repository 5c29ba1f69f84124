/**
 * A breakdown (src/lib/breakdown.ts) told in plain words for the results page: which option is
 * compared, the difference from everyone else as percentage points with a note a reader gets
 * without statistics ("higher than other respondents"), why a row is hidden, and the links
 * between views. Pure: the page, the components and the tests use the same words.
 */
import type { Breakdown, BreakdownDimension, Segment } from './breakdown';
import { percent, wholePercent, wholePercentRange } from './format';
import { isProfileDimension, PROFILE_CATALOGUE, segmentsOf, type ProfileDimension } from './profile';
import type { Difference } from './stats';

interface OptionLike {
  key: string;
  label: string;
  votes: number;
}

/** The option with the most votes; on equal votes the one listed first (as the headline does). */
export function leadingOption<T extends OptionLike>(options: readonly T[]): T | undefined {
  return options.reduce<T | undefined>((best, o) => (!best || o.votes > best.votes ? o : best), undefined);
}

/** The option a reader asked to compare (`?option=`), or the leader when the key is missing or unknown. */
export function comparedOption<T extends OptionLike>(options: readonly T[], key: string | null): T | undefined {
  return options.find((o) => o.key === key) ?? leadingOption(options);
}

/** What a breakdown is by, as a noun: "role", "company size"; a survey question's answers: "answer". */
export function dimensionNoun(dimension: BreakdownDimension): string {
  return isProfileDimension(dimension) ? PROFILE_CATALOGUE[dimension].noun : 'answer';
}

/** The dimension as a heading word: "role" → "Role", "companySize" → "Company size". */
export function dimensionTitle(dimension: BreakdownDimension): string {
  const noun = dimensionNoun(dimension);
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/** The label of one value of a dimension ("companySize", "gt-10000" → "More than 10,000 employees"). */
export function segmentLabel(dimension: ProfileDimension, value: string): string {
  return segmentsOf(dimension).find((s) => s.key === value)?.label ?? value;
}

/** The cross-section in words: "Company size: More than 10,000 employees". */
export function crossSectionWords(where: { dimension: ProfileDimension; value: string }): string {
  return `${dimensionTitle(where.dimension)}: ${segmentLabel(where.dimension, where.value)}`;
}

/** 0.123 → "+12 pts", −0.05 → "−5 pts", 0.004 → "+0.4 pts": a difference of shares in percentage points. */
export function points(value: number): string {
  const abs = Math.abs(value) * 100;
  const shown = abs >= 0.95 ? String(Math.round(abs)) : abs.toFixed(1);
  if (shown === '0.0') return '0 pts';
  return `${value < 0 ? '−' : '+'}${shown} pts`;
}

/** −0.63, 0.06 → "−63 to +6 pts": a difference's 95 % range, the unit said once. */
export function pointsRange(low: number, high: number): string {
  return `${points(low).replace(/ pts$/, '')} to ${points(high)}`;
}

export type DifferenceKind = 'higher' | 'lower' | 'unclear' | 'none';

/**
 * What a reader should take from a difference: higher or lower when its 95 % interval lies wholly
 * above or below zero, unclear when it includes zero, none when there is no one else to compare with.
 */
export function differenceKind(diff: Difference | null): DifferenceKind {
  if (!diff) return 'none';
  if (diff.ci95.low > 0) return 'higher';
  if (diff.ci95.high < 0) return 'lower';
  return 'unclear';
}

export const DIFFERENCE_NOTES: Record<DifferenceKind, string> = {
  higher: 'Higher than other respondents',
  lower: 'Lower than other respondents',
  unclear: 'No clear difference',
  none: 'No one else to compare with',
};

/** The difference from everyone else in words: value, range and the note. */
export function differenceWords(diff: Difference | null): {
  kind: DifferenceKind;
  value: string | null;
  range: string | null;
  note: string;
} {
  const kind = differenceKind(diff);
  return {
    kind,
    value: diff ? points(diff.value) : null,
    range: diff ? pointsRange(diff.ci95.low, diff.ci95.high) : null,
    note: DIFFERENCE_NOTES[kind],
  };
}

/** How to read the difference column, said once under the table. */
export const DIFFERENCE_EXPLAINED =
  'Under each share, its 95% range: where the share among all such peers plausibly lies. “Compared with everyone ' +
  'else” is the group’s share minus the share among all other respondents, in percentage points (pts), with its ' +
  '95% range; when the whole range is above or below zero, the group clearly answered differently.';

/** The row text of a hidden segment. */
export function suppressedSegmentText(minCellSize: number): string {
  return `Fewer than ${minCellSize} answers — hidden to protect anonymity`;
}

/**
 * The sentence instead of the table when the whole view is hidden: the group is under K, or its
 * numbers combined with other views would single out a smaller group (src/lib/suppression.ts).
 */
export function wholeSuppressedText(minCellSize: number): string {
  return `This group's breakdown is hidden to protect anonymity: fewer than ${minCellSize} people in it answered, or its numbers would let a smaller group be worked out.`;
}

/** Why some rows are hidden, said once under the table (only when a row is hidden). */
export function suppressionNote(breakdown: Breakdown): string | null {
  const hidden = breakdown.segments.filter((s) => s.suppressed).length;
  if (hidden === 0) return null;
  return (
    `Groups with fewer than ${breakdown.minCellSize} answers are hidden so no one can be singled out; ` +
    'when only one group would be hidden, the next smallest is hidden too, so it cannot be worked out from the totals.'
  );
}

/**
 * The table's caption: "Share choosing Smartsheet, by role". `noun` names what is not a profile
 * question (a survey's question: "answer to question 2").
 */
export function breakdownCaption(optionLabel: string, dimension: BreakdownDimension, noun?: string): string {
  return `Share choosing ${optionLabel}, by ${noun ?? dimensionNoun(dimension)}`;
}

/** The chart's text alternative: every shown segment's share and n, the hidden ones named, and the reference. */
export function breakdownChartSummary(
  breakdown: Breakdown,
  option: { key: string; label: string },
  overallShare: number,
  noun?: string,
): string {
  const shown: string[] = [];
  const hidden: string[] = [];
  for (const segment of breakdown.segments) {
    const cell = segmentOption(segment, option.key);
    if (!cell || segment.n === null) hidden.push(segment.label);
    else
      shown.push(
        `${segment.label}: ${percent(cell.share)} of ${segment.n} (95% range ${wholePercentRange(cell.ci95.low, cell.ci95.high)})`,
      );
  }
  return (
    `Bar chart of the share choosing ${option.label}, by ${noun ?? dimensionNoun(breakdown.dimension)}: ` +
    (shown.length ? shown.join('; ') : 'no group shown') +
    `. ${breakdown.where ? 'Whole poll' : 'Everyone'}: ${percent(overallShare)}.` +
    (hidden.length ? ` Hidden to protect anonymity: ${hidden.join(', ')}.` : '')
  );
}

/** One segment's numbers for one option; null when the segment is hidden. */
export function segmentOption(segment: Segment, key: string) {
  return segment.options?.find((o) => o.key === key) ?? null;
}

/**
 * The label of the chart's reference line: the share among everyone who answered the poll ("Whole
 * poll" once narrowed to one group, where "everyone" would read as that group).
 */
export const referenceWords = (share: number, narrowed = false) =>
  `${narrowed ? 'Whole poll' : 'Everyone'}: ${wholePercent(share)}`;

export interface BreakdownLink {
  by?: string | null;
  where?: string | null;
  option?: string | null;
}

/** The query of a breakdown view, in a fixed order; empty parts left out. */
export function breakdownQuery({ by, where, option }: BreakdownLink): string {
  const params = new URLSearchParams();
  if (by) params.set('by', by);
  if (by && where) params.set('where', where);
  if (by && option) params.set('option', option);
  // ':' needs no escaping in a query; "where=companySize:gt-10000" reads as the API documents it.
  const query = params.toString().replace(/%3A/gi, ':');
  return query ? `?${query}` : '';
}

/** A link to a view of the results page, landing on the breakdown section. */
export function breakdownHref(slug: string, link: BreakdownLink): string {
  return `/polls/${slug}/results${breakdownQuery(link)}#breakdown`;
}

/** The JSON or CSV of the same breakdown (by and where only: the API has no `option`). */
export function breakdownDataHref(slug: string, format: 'json' | 'csv', { by, where }: BreakdownLink): string {
  return `/api/polls/${slug}/results${format === 'csv' ? '.csv' : ''}${breakdownQuery({ by, where })}`;
}

/** The cross-sections a breakdown by `by` can be narrowed to: every value of every other asked dimension. */
export function crossSectionChoices(asked: readonly ProfileDimension[], by: ProfileDimension) {
  return asked
    .filter((dimension) => dimension !== by)
    .map((dimension) => ({
      dimension,
      title: dimensionTitle(dimension),
      values: segmentsOf(dimension).map((s) => ({ value: `${dimension}:${s.key}`, label: s.label })),
    }));
}
