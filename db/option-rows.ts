/** A poll's option rows as both stores insert them (poll_options has the same columns in each). */
import type { NewOption } from '../src/lib/types';

/** The rows of a poll's options, in the given order. */
export const optionRows = (pollId: number, options: NewOption[]) =>
  options.map((option, position) => ({
    pollId,
    key: option.key,
    label: option.label,
    position,
    exclusive: option.exclusive ?? false,
    rangeLow: option.range?.low ?? null,
    rangeHigh: option.range?.high ?? null,
    value: option.value ?? null,
    other: option.other ?? false,
  }));
