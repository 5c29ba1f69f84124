/**
 * An ordered scale's summary (src/lib/ordinal.ts) told in plain words for the results page: the
 * median as "Half of respondents answered 18% or less", its 95 % interval as a sentence, each
 * group's median as a short line, and the cumulative shares as table cells. Numbers carry the
 * options' unit when their labels end in one ("%"); without ranges the middle option is named.
 * Pure: the components and the tests use the same words.
 */
import type { OrdinalSummary } from './ordinal';
import { percent, wholePercentRange } from './format';

interface LabelledOption {
  key: string;
  label: string;
}

/** "%" when every label ends in a percent sign ("< 10%", "10-20%"), else no unit. */
export function scaleUnit(options: readonly LabelledOption[]): string {
  return options.length > 0 && options.every((o) => /%\s*$/.test(o.label)) ? '%' : '';
}

/**
 * A value on the scale as read: whole numbers from 10 up (18.09 → "18"), one decimal below
 * (2.5 → "2.5", 5.0 → "5"), with the unit: "18%".
 */
export function scaleValue(value: number, unit: string): string {
  const shown = Math.abs(value) >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
  return `${shown === '-0' ? '0' : shown}${unit}`;
}

const labelOf = (options: readonly LabelledOption[], key: string) => options.find((o) => o.key === key)?.label ?? key;

type MedianPart = Pick<OrdinalSummary, 'medianKey' | 'median' | 'medianCi95'>;

/**
 * The median in one sentence: "Half of respondents answered 18% or less." With no number (an
 * option without a range) the middle option: "The middle answer is 10-20%." Null without answers.
 */
export function medianSentence(ordinal: MedianPart, options: readonly LabelledOption[]): string | null {
  if (ordinal.medianKey === null) return null;
  if (ordinal.median === null) return `The middle answer is ${labelOf(options, ordinal.medianKey)}.`;
  return `Half of respondents answered ${scaleValue(ordinal.median, scaleUnit(options))} or less.`;
}

/**
 * The median's 95 % interval in words: "Allowing for chance, the middle answer among all peers is
 * probably between 15% and 21%." Null without a number; one value when both ends round alike.
 */
export function medianIntervalSentence(ordinal: MedianPart, options: readonly LabelledOption[]): string | null {
  if (ordinal.median === null || ordinal.medianCi95 === null) return null;
  const unit = scaleUnit(options);
  const low = scaleValue(ordinal.medianCi95.low, unit);
  const high = scaleValue(ordinal.medianCi95.high, unit);
  const where = low === high ? `about ${low}` : `between ${low} and ${high}`;
  return `Allowing for chance, the middle answer among all peers is probably ${where} (95% interval).`;
}

/** A group's median as a short line for the breakdown table: "median 24%", "middle answer 10-20%"; null without answers. */
export function segmentMedianWords(ordinal: MedianPart | undefined, options: readonly LabelledOption[]): string | null {
  if (!ordinal || ordinal.medianKey === null) return null;
  if (ordinal.median === null) return `middle answer ${labelOf(options, ordinal.medianKey)}`;
  return `median ${scaleValue(ordinal.median, scaleUnit(options))}`;
}

export interface CumulativeRow {
  key: string;
  label: string;
  /** "55.7%" and its 95 % range "46–65%". */
  atMost: { share: string; range: string };
  atLeast: { share: string; range: string };
  /** The option holding the median. */
  isMedian: boolean;
}

/** The cumulative table's rows, in scale order, with shares and their ranges as written. */
export function cumulativeRows(ordinal: OrdinalSummary, options: readonly LabelledOption[]): CumulativeRow[] {
  const cell = (c: { share: number; ci95: { low: number; high: number } }) => ({
    share: percent(c.share),
    range: wholePercentRange(c.ci95.low, c.ci95.high),
  });
  return ordinal.cumulative.map((c) => ({
    key: c.key,
    label: labelOf(options, c.key),
    atMost: cell(c.atMost),
    atLeast: cell(c.atLeast),
    isMedian: c.key === ordinal.medianKey,
  }));
}
