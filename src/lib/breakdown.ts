/**
 * Breakdowns: results per segment of a profile dimension (`?by=`), optionally within one
 * cross-section (`?where=`), or (surveys) per answer to another question of the survey
 * (`?by=question:<slug>`), with Wilson intervals per segment, the Newcombe interval of each
 * segment's difference from all other respondents, and small-cell suppression. Pure: the store
 * supplies the counts (src/lib/store.ts, SegmentCounts); both kinds go through buildBreakdown.
 */
import { PollError } from './errors';
import { ordinalSummary, type OrdinalSummary } from './ordinal';
import {
  isProfileDimension,
  isProfileValue,
  NOT_STATED,
  PROFILE_CATALOGUE,
  segmentsOf,
  type ProfileDimension,
} from './profile';
import { newcombeDifference, share, wilsonInterval, type Difference, type Interval } from './stats';
import type { CrossSection, GroupCounts, PollStore, SegmentCounts } from './store';
import { crossSectionTooSmall, suppressedSegments, suppressedTable } from './suppression';
import type { PollRecord } from './types';

export interface BreakdownQuery {
  by: ProfileDimension;
  where: CrossSection | null;
}

/** What a breakdown is by: a profile dimension, or (surveys) the answer to a question, `question:<slug>`. */
export type BreakdownDimension = ProfileDimension | `question:${string}`;

/**
 * Any breakdown's segments: every group in display order, one of them (`remainder`) holding the
 * cross-section minus all the others ("Not stated" for a profile dimension, "No answer" for a
 * question); the store's counts are keyed by the other segments' values.
 */
export interface SegmentedQuery {
  dimension: BreakdownDimension;
  where: CrossSection | null;
  segments: readonly { value: string; label: string }[];
  remainder: string;
}

/** A profile breakdown's segments: the catalogue's values, "not stated" last (the remainder). */
export function profileSegments(query: BreakdownQuery): SegmentedQuery {
  return {
    dimension: query.by,
    where: query.where,
    segments: segmentsOf(query.by).map(({ key, label }) => ({ value: key, label })),
    remainder: NOT_STATED,
  };
}

export interface SegmentOption {
  key: string;
  votes: number;
  share: number;
  ci95: Interval;
  /** This segment's share minus that of all other respondents (of the cross-section); null when there are none. */
  diff: Difference | null;
}

export interface Segment {
  value: string;
  label: string;
  suppressed: boolean;
  /** Respondents in the segment; null when suppressed. */
  n: number | null;
  options: SegmentOption[] | null;
  /** Ordinal polls, shown segments: the segment's median option and median (src/lib/ordinal.ts). */
  ordinal?: Pick<OrdinalSummary, 'medianKey' | 'median' | 'medianCi95'>;
}

/** The `breakdown` member of Results (SPEC.md). */
export interface Breakdown {
  dimension: BreakdownDimension;
  where: CrossSection | null;
  minCellSize: number;
  /** The whole cross-section has fewer than minCellSize respondents: no segment shows numbers. */
  suppressed: boolean;
  segments: Segment[];
}

const refuse = (message: string) => new PollError('invalid_breakdown', message);

const askedList = (poll: PollRecord) =>
  poll.profile.length ? poll.profile.map((d) => `"${d}"`).join(', ') : 'none (this poll asks no profile questions)';

/**
 * `?by=` and `?where=` from a results URL, checked against the poll: null when neither is given;
 * 422 invalid_breakdown when `by` is missing, repeated, unknown or not asked, or `where` is not
 * `dimension:value` with another asked dimension and a catalogue value (or "not-stated").
 */
export function parseBreakdownQuery(poll: PollRecord, params: URLSearchParams): BreakdownQuery | null {
  const byValues = params.getAll('by');
  const whereValues = params.getAll('where');
  if (byValues.length === 0 && whereValues.length === 0) return null;
  if (byValues.length !== 1) {
    throw refuse(byValues.length === 0 ? '"where" narrows a breakdown; add "by" as well.' : 'Give "by" only once.');
  }
  if (whereValues.length > 1) throw refuse('Give "where" at most once.');
  const by = byValues[0]!;
  if (!isProfileDimension(by) || !poll.profile.includes(by)) {
    throw refuse(`"by" must name a profile question this poll asks: ${askedList(poll)}.`);
  }
  const rawWhere = whereValues[0];
  if (rawWhere === undefined) return { by, where: null };
  const colon = rawWhere.indexOf(':');
  const dimension = rawWhere.slice(0, Math.max(0, colon));
  const value = rawWhere.slice(colon + 1);
  if (colon < 0 || !isProfileDimension(dimension) || !poll.profile.includes(dimension)) {
    throw refuse(`"where" must be dimension:value with a profile question this poll asks: ${askedList(poll)}.`);
  }
  if (dimension === by) throw refuse('"by" and "where" must name different profile questions.');
  if (value !== NOT_STATED && !isProfileValue(dimension, value)) {
    const known = [...PROFILE_CATALOGUE[dimension].values.map((v) => v.key), NOT_STATED].join(', ');
    throw refuse(`The ${dimension} in "where" must be one of ${known}.`);
  }
  return { by, where: { dimension, value } };
}

/** "Not stated" ("No answer") is the cross-section minus the stated segments. */
function remainderOf(counts: SegmentCounts): GroupCounts {
  const optionVotes = new Map(counts.crossSection.optionVotes);
  let responses = counts.crossSection.responses;
  for (const segment of counts.segments.values()) {
    responses -= segment.responses;
    for (const [optionId, votes] of segment.optionVotes) {
      optionVotes.set(optionId, (optionVotes.get(optionId) ?? 0) - votes);
    }
  }
  return { responses, optionVotes };
}

/**
 * The breakdown of a poll's results from its segment counts, with K = minCellSize: by a profile
 * dimension (a BreakdownQuery) or by any list of segments (a SegmentedQuery, e.g. the answers to
 * another question of a survey). The same suppression and differences either way.
 */
export function buildBreakdown(
  poll: PollRecord,
  query: BreakdownQuery | SegmentedQuery,
  counts: SegmentCounts,
  minCellSize: number,
  /**
   * With `where`: the cells the two-way table hides across views (crossViewSuppression), or
   * 'all' when no cell of this view may show.
   */
  crossView: readonly boolean[] | 'all' | null = null,
): Breakdown {
  const spec = 'by' in query ? profileSegments(query) : query;
  const total = counts.crossSection;
  const segments = spec.segments.map((segment) => ({
    ...segment,
    counts:
      segment.value === spec.remainder
        ? remainderOf(counts)
        : (counts.segments.get(segment.value) ?? { responses: 0, optionVotes: new Map<number, number>() }),
  }));
  const wholeSuppressed = crossView === 'all' || crossSectionTooSmall(total.responses, minCellSize);
  const own = suppressedSegments(
    segments.map((s) => s.counts.responses),
    minCellSize,
  );
  const hidden = own.map((h, i) => h || (Array.isArray(crossView) && crossView[i]!));
  return {
    dimension: spec.dimension,
    where: spec.where,
    minCellSize,
    suppressed: wholeSuppressed,
    segments: segments.map((segment, i): Segment => {
      if (wholeSuppressed || hidden[i]) {
        return { value: segment.value, label: segment.label, suppressed: true, n: null, options: null };
      }
      const n = segment.counts.responses;
      const others = total.responses - n;
      const votesOf = (optionId: number) => segment.counts.optionVotes.get(optionId) ?? 0;
      return {
        value: segment.value,
        label: segment.label,
        suppressed: false,
        n,
        ...(poll.scale === 'ordinal' ? { ordinal: segmentMedian(poll, votesOf) } : {}),
        options: poll.options.map((option) => {
          const votes = segment.counts.optionVotes.get(option.id) ?? 0;
          const otherVotes = (total.optionVotes.get(option.id) ?? 0) - votes;
          return {
            key: option.key,
            votes,
            share: share(votes, n),
            ci95: wilsonInterval(votes, n),
            diff: newcombeDifference(votes, n, otherVotes, others),
          };
        }),
      };
    }),
  };
}

function segmentMedian(poll: PollRecord, votesOf: (optionId: number) => number) {
  const { medianKey, median, medianCi95 } = ordinalSummary(
    poll.options.map((option) => ({ key: option.key, votes: votesOf(option.id), range: option.range })),
  );
  return { medianKey, median, medianCi95 };
}

/**
 * Reads the counts and builds the breakdown. Without `where` the poll's own tallies are returned
 * as read in the same snapshot as the segments, so the response's totals and its segments always
 * add up (a vote committed in between cannot make "not stated" look off by one).
 */
export async function readBreakdown(
  store: PollStore,
  poll: PollRecord,
  query: BreakdownQuery,
  minCellSize: number,
): Promise<{ poll: PollRecord; breakdown: Breakdown }> {
  const counts = await store.segmentCounts(poll.id, query.by, query.where);
  const crossView = query.where ? await crossViewSuppression(store, poll, query.by, query.where, minCellSize) : null;
  const snapshot: PollRecord = query.where
    ? poll
    : {
        ...poll,
        responseCount: counts.crossSection.responses,
        options: poll.options.map((option) => ({
          ...option,
          votes: counts.crossSection.optionVotes.get(option.id) ?? 0,
        })),
      };
  return { poll: snapshot, breakdown: buildBreakdown(poll, query, counts, minCellSize, crossView) };
}

/**
 * Which cells of a `where` view stay hidden so that no combination of views reveals a small
 * group: the whole two-way table of the two questions (every answer of each, "not stated"
 * included) goes through suppressedTable, computed with the question that sorts first as rows so
 * `by=A&where=B` and `by=B&where=A` agree. A `where` group hidden in its own plain breakdown
 * hides the whole view (its size would otherwise show). Reads tallies only: one read per answer
 * of the `where` question and one per plain breakdown.
 */
async function crossViewSuppression(
  store: PollStore,
  poll: PollRecord,
  by: ProfileDimension,
  where: CrossSection,
  minCellSize: number,
): Promise<boolean[] | 'all'> {
  const plain = async (dimension: ProfileDimension) =>
    buildBreakdown(
      poll,
      { by: dimension, where: null },
      await store.segmentCounts(poll.id, dimension, null),
      minCellSize,
    );
  const [rowsPlain, colsPlain] = [await plain(where.dimension), await plain(by)];
  const row = rowsPlain.segments.findIndex((segment) => segment.value === where.value);
  if (rowsPlain.suppressed || colsPlain.suppressed || rowsPlain.segments[row]!.suppressed) return 'all';
  const cells: number[][] = [];
  for (const rowSegment of rowsPlain.segments) {
    const counts = await store.segmentCounts(poll.id, by, { dimension: where.dimension, value: rowSegment.value });
    const stated = colsPlain.segments
      .filter((segment) => segment.value !== NOT_STATED)
      .map((segment) => counts.segments.get(segment.value)?.responses ?? 0);
    cells.push([...stated, counts.crossSection.responses - stated.reduce((sum, n) => sum + n, 0)]);
  }
  const rowHidden = rowsPlain.segments.map((segment) => segment.suppressed);
  const colHidden = colsPlain.segments.map((segment) => segment.suppressed);
  const transpose = <T>(table: readonly (readonly T[])[]): T[][] => table[0]!.map((_, c) => table.map((r) => r[c]!));
  const flipped = by < where.dimension;
  const pattern = flipped
    ? suppressedTable(transpose(cells), colHidden, rowHidden, minCellSize)
    : suppressedTable(cells, rowHidden, colHidden, minCellSize);
  if (pattern === 'all') return 'all';
  return (flipped ? transpose(pattern) : pattern)[row]!;
}
