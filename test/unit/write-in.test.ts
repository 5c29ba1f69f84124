/** Write-in "Other" texts: what is stored, what is refused (422 invalid_other), how answers group. */
import { describe, expect, it } from 'vitest';
import { normaliseWriteIn, parseWriteIn } from '@/lib/write-in';
import { codeOf } from '../support/errors';

const open = { allowOther: true };

describe('parseWriteIn', () => {
  it.each([
    ['  Asana  ', 'Asana'],
    ['Base\n\tcamp', 'Base camp'],
    ['Ji\u200bra', 'Jira'],
    ['soft\u00adhyphen', 'softhyphen'],
    ['\u200eLinear', 'Linear'],
    ['می\u200cخواهم', 'می\u200cخواهم'],
    ['👩\u200d💻 tools', '👩\u200d💻 tools'],
    ['é', 'é'],
    ['x'.repeat(200), 'x'.repeat(200)],
  ])('stores %j as %j and adds the option "other"', (other, text) => {
    expect(parseWriteIn(open, [], other)).toEqual({ choices: ['other'], text });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['\u200b\u200b', 'only invisible characters'],
    ['x'.repeat(201), 'too long'],
    ['\ud800lone', 'a lone surrogate'],
    ['a\u0301\u0301\u0301\u0301\u0301', 'five combining marks on one letter'],
    ['tab\u0007bell', 'a control character'],
    ['evil \u202e override', 'a bidirectional override'],
    [42, 'not text'],
  ] as [unknown, string][])('refuses %j (%s) with invalid_other', (other) => {
    expect(codeOf(() => parseWriteIn(open, [], other))).toBe('invalid_other');
  });

  it('needs text when "other" is chosen, and refuses text where no write-in is allowed', () => {
    expect(codeOf(() => parseWriteIn(open, ['other'], undefined))).toBe('invalid_other');
    expect(codeOf(() => parseWriteIn({ allowOther: false }, [], 'Asana'))).toBe('invalid_other');
    expect(parseWriteIn({ allowOther: false }, ['a'], undefined)).toEqual({ choices: ['a'], text: null });
  });
});

describe('normaliseWriteIn', () => {
  it('groups answers that differ by case, width, spacing, invisible characters and edge punctuation', () => {
    const forms = ['Jira', ' jira ', 'JIRA.', 'Ｊｉｒａ', 'Ji\u200bra', '"Jira"'].map(normaliseWriteIn);
    expect(new Set(forms)).toEqual(new Set(['jira']));
    expect(['C', 'C#', 'C++', 'c++'].map(normaliseWriteIn)).toEqual(['c', 'c#', 'c++', 'c++']);
    expect(normaliseWriteIn('!!!')).toBe('!!!');
  });
});
