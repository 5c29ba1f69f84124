/**
 * The options field of the admin form: one option per line, and after an option's last bar what
 * the question type reads there — a range on an ordered scale ("10–20 % | 10-20"), a value on a
 * rating scale ("Very poor | 1"). Garbage after a bar is refused on the field "options" with a
 * sentence naming the option as the owner counts. Mirrored in src/scripts/poll-editor.ts.
 */
import { PollInputError } from './poll-admin';
import type { OptionRange } from './types';

/** A number as an owner types it: "-5", "2.5", ".5", "1e3", with an optional "%" that is ignored. */
const NUMBER = String.raw`(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*%?`;
/**
 * A range after an option's bar: "low-high", the dash also written as "–", "—", ".." or "to"
 * ("-10--5" and "0 to 10" read as expected).
 */
export const RANGE_PATTERN = new RegExp(String.raw`^\s*${NUMBER}\s*(?:-|–|—|\.\.|to)\s*${NUMBER}\s*$`, 'i');
/** One number alone after a bar: a rating point's value ("Very poor | 1", "Cold | -5"). */
export const VALUE_PATTERN = new RegExp(String.raw`^\s*${NUMBER}\s*$`, 'i');
/** A label the poll rules read as its own rating value ("4", "-1", "2.5"; not "4 stars", not "5 %"). */
const NUMERIC_LABEL = /^-?\d+(?:\.\d+)?$/;

/** What an option's bar is followed by: nothing, two numbers, one number, or anything else. */
export type AfterBar =
  { kind: 'none' } | { kind: 'range'; range: OptionRange } | { kind: 'value'; value: number } | { kind: 'text' };

/** Reads the text after an option's last bar; numbers too large for a double are text. */
export function readAfterBar(text: string): AfterBar {
  if (!text.trim()) return { kind: 'none' };
  const range = RANGE_PATTERN.exec(text);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    return Number.isFinite(low) && Number.isFinite(high) ? { kind: 'range', range: { low, high } } : { kind: 'text' };
  }
  const value = VALUE_PATTERN.exec(text);
  if (value && Number.isFinite(Number(value[1]))) return { kind: 'value', value: Number(value[1]) };
  return { kind: 'text' };
}

/** The range text after an option's bar: a range, null when blank, or a sentence saying what is wrong. */
export function parseRange(text: string, position: number): OptionRange | null | string {
  const read = readAfterBar(text);
  if (read.kind === 'none') return null;
  if (read.kind === 'range') return read.range;
  return `Option ${position}'s range "${text.trim()}" is not two numbers such as 10-20 (low-high; decimals with a dot, e.g. -2.5-7.5).`;
}

/** "10–20 % | 10-20" → the label and the text after its last bar (null without a bar). */
export function splitOptionLine(line: string): { label: string; range: string | null } {
  const bar = line.lastIndexOf('|');
  return bar < 0 ? { label: line, range: null } : { label: line.slice(0, bar).trim(), range: line.slice(bar + 1) };
}

/**
 * How the text after a bar is read: `ranges` on an ordered single-choice scale, `values` on a
 * rating scale, `labels` elsewhere (a bar is then part of the label, unless numbers follow it).
 */
export type LineMode = 'ranges' | 'values' | 'labels';

/** The mode of a question type and scale as the form posts them. */
export function lineMode(type: string, scale: string): LineMode {
  if (type === 'rating') return 'values';
  if (type === 'ranked') return 'labels';
  return scale === 'ordinal' ? 'ranges' : 'labels';
}

export type FormOption = string | { label: string; exclusive?: true; range?: OptionRange; value?: number };

/** The option lines as options, or PollInputError on "options" with a sentence per faulty line. */
export function parseOptionLines(lines: readonly string[], mode: LineMode, ranked = false): FormOption[] {
  const problems: string[] = [];
  const options = lines.map((line, index): FormOption => {
    const { label, range: after } = splitOptionLine(line);
    if (after === null) return line;
    const read = readAfterBar(after);
    const problem = lineProblem(read, mode, index + 1, after.trim(), ranked);
    if (problem) problems.push(problem);
    if (read.kind === 'none') return label;
    if (mode === 'labels' && read.kind === 'text') return line;
    if (mode === 'ranges' && read.kind === 'range') return { label, range: read.range };
    if (mode === 'values' && read.kind === 'value') return { label, value: read.value };
    return label;
  });
  if (problems.length) throw new PollInputError({ options: problems.join(' ') });
  return options;
}

/** Why a line's text after its bar does not suit the mode, or null when it does. */
function lineProblem(read: AfterBar, mode: LineMode, n: number, text: string, ranked: boolean): string | null {
  if (read.kind === 'none') return null;
  switch (mode) {
    case 'ranges':
      if (read.kind === 'range') return null;
      if (read.kind === 'value') {
        return `Option ${n} has one number (${text}) after its bar; a range needs two, low-high, such as 10-20. (A single number is a point of a rating scale: for that, choose "Rating scale".)`;
      }
      return parseRange(text, n) as string;
    case 'values':
      if (read.kind === 'value') return null;
      if (read.kind === 'range') {
        return `Option ${n} has a range (${text}); a point of a rating scale takes one number, e.g. "Very poor | 1".`;
      }
      return `Option ${n}'s value "${text}" is not a number; write one number after the bar, e.g. "Very poor | 1" (decimals with a dot).`;
    case 'labels':
      if (read.kind === 'text') return null;
      if (ranked) {
        return `Option ${n} has numbers after its bar (${text}); the options of a ranked poll are labels only: remove them.`;
      }
      if (read.kind === 'range') {
        return `Option ${n} has a range (${text}), but ranges need the scale "Ordered": choose it, or remove the range.`;
      }
      return `Option ${n} has a number after its bar (${text}), but such numbers are the points of a rating scale: choose "Rating scale", or remove the number.`;
  }
}

/** An option as the fields of the admin form hold it. */
export interface LineOption {
  label: string;
  range?: OptionRange | null;
  value?: number | null;
}

/**
 * An option as a line of the options field, read back by parseOptionLines as the same option: the
 * range or value after a bar where the mode reads one, and a bar added after a label whose own
 * bar would otherwise be read as the separator.
 */
export function optionLine({ label, range, value }: LineOption, mode: LineMode): string {
  if (mode === 'ranges' && range) return `${label} | ${range.low}-${range.high}`;
  if (mode === 'values' && value !== null && value !== undefined) {
    const ownValue = NUMERIC_LABEL.test(label.trim()) && Number(label) === value;
    if (!ownValue) return `${label} | ${value}`;
  }
  if (!label.includes('|')) return label;
  // With labels, a bar followed by words is part of the label; anything else needs the empty
  // range or value after an added bar to keep it.
  const tail = readAfterBar(splitOptionLine(label).range ?? '');
  return mode === 'labels' && tail.kind === 'text' ? label : `${label} |`;
}
