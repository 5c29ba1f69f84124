/** Slugs and option keys: lowercase kebab-case derived from human text, stable and unique. */
import { MAX_OPTION_KEY_LENGTH, MAX_SLUG_LENGTH } from './limits';

/** Symbols that carry meaning in poll labels ("< 10%", "C++", "R&D") get words, not dashes. */
const SYMBOL_WORDS: Record<string, string> = {
  '<': ' lt ',
  '>': ' gt ',
  '≤': ' lte ',
  '≥': ' gte ',
  '+': ' plus ',
  '&': ' and ',
  '#': ' sharp ',
  '@': ' at ',
};

/** "< 10%" → "lt-10", "Monday.com" → "monday-com", "Ça va" → "ca-va"; "" when nothing is left. */
export function kebabCase(text: string, maxLength: number): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[<>≤≥+&#@]/g, (symbol) => SYMBOL_WORDS[symbol] ?? ' ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let result = '';
  for (const word of words) {
    const next = result ? `${result}-${word}` : word;
    if (next.length > maxLength) {
      // Cut at a word boundary; a single over-long word is truncated instead.
      if (!result) result = word.slice(0, maxLength);
      break;
    }
    result = next;
  }
  return result;
}

/** Appends -2, -3, … until `isFree` accepts the candidate, keeping it within maxLength. */
export function uniqueVariant(base: string, isFree: (candidate: string) => boolean, maxLength: number): string {
  if (isFree(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, maxLength - suffix.length).replace(/-+$/, '') + suffix;
    if (isFree(candidate)) return candidate;
  }
}

/**
 * Option keys for a list of labels: the given key where there is one, else derived from the
 * label, made unique within the poll. Given keys are claimed first so derived ones never steal them.
 */
export function deriveOptionKeys(options: readonly { key?: string; label: string }[]): string[] {
  const taken = new Set(options.flatMap((option) => (option.key ? [option.key] : [])));
  return options.map((option) => {
    if (option.key) return option.key;
    const base = kebabCase(option.label, MAX_OPTION_KEY_LENGTH) || 'option';
    const key = uniqueVariant(base, (candidate) => !taken.has(candidate), MAX_OPTION_KEY_LENGTH);
    taken.add(key);
    return key;
  });
}

/** A slug from a question, "poll" when the question has no usable characters. */
export function slugFromQuestion(question: string): string {
  return kebabCase(question, MAX_SLUG_LENGTH) || 'poll';
}
