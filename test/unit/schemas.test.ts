import { describe, expect, it } from 'vitest';
import { describeIssue, pollInputSchema, pollPatchSchema, voteInputSchema } from '@/lib/schemas';

const valid = { question: 'Which tool?', options: ['A', 'B'] };

function messageFor(input: unknown): string | null {
  const parsed = pollInputSchema.safeParse(input);
  return parsed.success ? null : describeIssue(parsed.error);
}

describe('pollInputSchema', () => {
  it('fills the documented defaults', () => {
    expect(pollInputSchema.parse(valid)).toMatchObject({
      description: '',
      type: 'single',
      resultsVisibility: 'after_vote',
      duplicatePolicy: 'device',
    });
  });

  it.each([
    [{ ...valid, question: '' }, 'question'],
    [{ ...valid, question: 'x'.repeat(301) }, 'question'],
    [{ ...valid, options: ['only one'] }, 'options'],
    [{ ...valid, options: Array.from({ length: 31 }, (_, i) => `o${i}`) }, 'options'],
    [{ ...valid, options: ['A', ''] }, 'options.1'],
    [{ ...valid, options: ['A', 'x'.repeat(201)] }, 'options.1'],
    [{ ...valid, options: ['A', { key: 'Not Kebab', label: 'B' }] }, 'options.1.key'],
    [{ ...valid, slug: '-bad-' }, 'slug'],
    [{ ...valid, description: 'x'.repeat(2001) }, 'description'],
    [{ ...valid, type: 'approval' }, 'type'],
    [{ ...valid, opensAt: '2026-01-01 09:00' }, 'opensAt'],
    [{ ...valid, resultsVisibility: 'never' }, 'resultsVisibility'],
    [{ ...valid, duplicatePolicy: 'ip' }, 'duplicatePolicy'],
    [{ ...valid, status: 'closed' }, 'status'],
    [{ ...valid, extra: 1 }, 'body: The field "extra" is not known.'],
    [[], 'body'],
    [null, 'body'],
  ])('%j is refused naming %s', (input, field) => {
    expect(messageFor(input)).toContain(field);
  });

  it('accepts the richest valid input', () => {
    expect(
      messageFor({
        ...valid,
        slug: 'which-tool',
        description: 'Context',
        type: 'multiple',
        minChoices: 1,
        maxChoices: 2,
        opensAt: '2026-01-01T09:00:00+05:45',
        closesAt: null,
        resultsVisibility: 'after_close',
        duplicatePolicy: 'none',
        status: 'draft',
        options: ['A', { label: 'B' }, { key: 'c', label: 'C' }],
      }),
    ).toBeNull();
  });
});

describe('pollPatchSchema and voteInputSchema', () => {
  it('refuses a slug change and unknown fields', () => {
    expect(pollPatchSchema.safeParse({ slug: 'new' }).success).toBe(false);
    expect(pollPatchSchema.safeParse({ status: 'closed' }).success).toBe(true);
  });

  it.each([
    [{ choices: ['a'] }, true],
    [{ choices: [] }, true],
    [{ choices: 'a' }, false],
    [{ choices: [1] }, false],
    [{}, false],
    [{ choices: ['a'], extra: true }, false],
    [['a'], false],
  ])('%j → %s', (input, ok) => {
    expect(voteInputSchema.safeParse(input).success).toBe(ok);
  });
});
