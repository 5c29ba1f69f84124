import { describe, expect, it } from 'vitest';
import { deriveOptionKeys, kebabCase, slugFromQuestion } from '@/lib/keys';
import { OPTION_KEY_PATTERN, SLUG_PATTERN } from '@/lib/limits';

describe('kebabCase', () => {
  it.each([
    ['< 10%', 'lt-10'],
    ['> 80%', 'gt-80'],
    ['10-20%', '10-20'],
    ['Monday.com', 'monday-com'],
    ['Microsoft Project', 'microsoft-project'],
    ['C++', 'c-plus-plus'],
    ['R&D', 'r-and-d'],
    ['Ça va très bien', 'ca-va-tres-bien'],
    ['  --Hello--  ', 'hello'],
    ['日本語', ''],
    ['🙂', ''],
  ])('%s → %s', (label, key) => {
    expect(kebabCase(label, 64)).toBe(key);
    if (key) expect(key).toMatch(OPTION_KEY_PATTERN);
  });

  it('cuts at a word boundary within the limit', () => {
    expect(kebabCase('alpha beta gamma', 12)).toBe('alpha-beta');
    expect(kebabCase('supercalifragilistic', 5)).toBe('super');
  });
});

describe('deriveOptionKeys', () => {
  it('derives the demo bucket keys', () => {
    const labels = ['< 10%', '10-20%', '21-30%', '> 80%'];
    expect(deriveOptionKeys(labels.map((label) => ({ label })))).toEqual(['lt-10', '10-20', '21-30', 'gt-80']);
  });

  it('makes derived keys unique and never steals a given key', () => {
    const keys = deriveOptionKeys([
      { label: 'Yes' },
      { label: 'yes!' },
      { key: 'yes-2', label: 'Other' },
      { label: '???' },
    ]);
    expect(keys).toEqual(['yes', 'yes-3', 'yes-2', 'option']);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is stable: the same labels give the same keys', () => {
    const options = [{ label: 'A' }, { label: 'B' }];
    expect(deriveOptionKeys(options)).toEqual(deriveOptionKeys(options));
  });
});

describe('slugFromQuestion', () => {
  it.each([
    [
      "What percentage of your organization's AI projects reach production?",
      'what-percentage-of-your-organization-s-ai-projects-reach',
    ],
    ['???', 'poll'],
    ['A'.repeat(100), 'a'.repeat(64)],
  ])('%s → %s', (question, slug) => {
    expect(slugFromQuestion(question)).toBe(slug);
    expect(slug).toMatch(SLUG_PATTERN);
  });
});
