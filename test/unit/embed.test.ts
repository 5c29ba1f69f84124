import { codeOf } from '../support/errors';
import { describe, expect, it } from 'vitest';
import { dimension, fitBox, iframeSnippet, oembedResponse, parseTheme, slugFromEmbedTarget } from '@/lib/embed';
import type { PollRecord } from '@/lib/types';

const ORIGIN = 'https://polls.example';

describe('parseTheme', () => {
  it.each([
    ['light', 'light'],
    ['dark', 'dark'],
    ['auto', 'auto'],
    [null, 'auto'],
    ['purple', 'auto'],
  ])('%s → %s', (input, theme) => expect(parseTheme(input)).toBe(theme));
});

describe('slugFromEmbedTarget', () => {
  it.each([
    [`${ORIGIN}/polls/tools`, 'tools'],
    [`${ORIGIN}/polls/tools/`, 'tools'],
    [`${ORIGIN}/polls/tools/results`, 'tools'],
    [`${ORIGIN}/embed/tools?theme=dark`, 'tools'],
  ])('%s → %s', (url, slug) => expect(slugFromEmbedTarget(url, ORIGIN)).toBe(slug));

  it.each([
    [null, 'invalid_body'],
    ['', 'invalid_body'],
    ['not a url', 'invalid_body'],
    ['https://evil.example/polls/tools', 'invalid_body'],
    ['javascript:alert(1)', 'invalid_body'],
    [`${ORIGIN}/`, 'not_found'],
    [`${ORIGIN}/polls/Not_A_Slug`, 'not_found'],
    [`${ORIGIN}/admin/polls/tools`, 'not_found'],
  ])('%s → %s', (url, code) => expect(codeOf(() => slugFromEmbedTarget(url, ORIGIN))).toBe(code));
});

describe('sizes', () => {
  it('fits a box into the consumer maximums', () => {
    expect(fitBox(null, null, 560, 400)).toEqual({ width: 560, height: 400 });
    expect(fitBox(300, 200, 560, 400)).toEqual({ width: 300, height: 200 });
    expect(fitBox(800, 900, 560, 400)).toEqual({ width: 560, height: 400 });
  });

  it.each([
    [null, null],
    ['', null],
    ['320', 320],
    ['0', 'invalid_body'],
    ['-5', 'invalid_body'],
    ['12.5', 'invalid_body'],
    ['9999999', 'invalid_body'],
  ])('dimension(%j) → %j', (value, expected) => {
    if (typeof expected === 'string') expect(codeOf(() => dimension(value, 'maxwidth'))).toBe(expected);
    else expect(dimension(value, 'maxwidth')).toBe(expected);
  });
});

describe('snippets and oEmbed', () => {
  const poll = {
    slug: 'tools',
    question: 'Tools "&" <b>friends</b>?',
    options: [{ id: 1, key: 'a', label: 'A', position: 0, votes: 0 }],
  } as unknown as PollRecord;

  it('escapes the question in the iframe title', () => {
    const html = iframeSnippet(ORIGIN, poll);
    expect(html).toContain('title="Poll: Tools &quot;&amp;&quot; &lt;b&gt;friends&lt;/b&gt;?"');
    expect(html).toContain(`src="${ORIGIN}/embed/tools"`);
  });

  it('answers a rich oEmbed 1.0 response within the maximums', () => {
    const response = oembedResponse(ORIGIN, poll, 320, 150);
    expect(response).toMatchObject({ version: '1.0', type: 'rich', width: 320, height: 150, provider_url: ORIGIN });
    expect(response.html).toMatch(/^<iframe [^>]*width="320" height="150"/);
  });
});
