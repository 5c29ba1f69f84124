/** The link-preview image's SVG: wrapping, truncation, escaping, and no numbers when results are hidden. */
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { escapeXml, qrSvg } from '@/lib/qr';
import { SHARE_IMAGE_HEIGHT, SHARE_IMAGE_WIDTH, shareImageSvg, truncate, wrapText } from '@/lib/share-image';
import { shownShares } from '@/lib/share-png';

/** resvg's XML parser is strict: parsing proves the document well-formed. */
const parses = (svg: string) => new Resvg(svg).width;
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('wrapText', () => {
  it.each([
    ['fits on one line', 'Tabs or spaces?', 20, 3, ['Tabs or spaces?']],
    ['breaks between words', 'one two three four', 9, 3, ['one two', 'three', 'four']],
    ['collapses runs of spaces', '  a   b  ', 10, 2, ['a b']],
    ['cuts a word longer than a line', 'abcdefghij', 4, 5, ['abcd', 'efgh', 'ij']],
    ['ends with an ellipsis when lines run out', 'one two three four five six', 9, 2, ['one two', 'three…']],
    ['nothing for an empty text', '   ', 10, 2, []],
  ])('%s', (_name, text, maxChars, maxLines, expected) => {
    expect(wrapText(text, maxChars, maxLines)).toEqual(expected);
  });

  it('never returns a line longer than asked', () => {
    const question = 'What percentage of your organization’s AI projects reach production this year, roughly?';
    for (const maxChars of [5, 12, 30]) {
      for (const line of wrapText(question, maxChars, 3)) expect([...line].length).toBeLessThanOrEqual(maxChars);
    }
  });
});

describe('truncate', () => {
  it.each([
    ['Short', 10, 'Short'],
    ['Microsoft Project Server', 12, 'Microsoft…'],
    ['Supercalifragilistic', 8, 'Superca…'],
  ])('%s in %i characters → %s', (text, maxChars, expected) => {
    expect(truncate(text, maxChars)).toBe(expected);
    expect([...truncate(text, maxChars)].length).toBeLessThanOrEqual(maxChars);
  });
});

describe('escapeXml', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`<b>"Tom" & 'Jerry'</b>`)).toBe('&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;');
    expect(escapeXml('bell\u0007 and nul\u0000 gone, tab\tkept, emoji 🎉 kept')).toBe(
      'bell and nul gone, tab\tkept, emoji 🎉 kept',
    );
  });
});

describe('shareImageSvg', () => {
  const results = {
    totalResponses: 1234,
    options: [
      { label: 'Tabs <b>', share: 0.4 },
      { label: 'Spaces & "more"', share: 0.6 },
    ],
  };

  it('is a well-formed 1200×630 SVG with the question, each label and share, and n', () => {
    const svg = shareImageSvg({ question: 'Tabs or spaces?', host: 'polls.example.com', results });
    expect(parses(svg)).toBe(SHARE_IMAGE_WIDTH);
    expect(svg).toContain(`height="${SHARE_IMAGE_HEIGHT}"`);
    expect(texts(svg)).toEqual([
      'Peer Polls',
      'Tabs or spaces?',
      'Tabs &lt;b&gt;',
      '40.0%',
      'Spaces &amp; &quot;more&quot;',
      '60.0%',
      'n = 1,234 responses',
      'polls.example.com',
    ]);
  });

  it('escapes a hostile question and still parses', () => {
    const svg = shareImageSvg({
      question: '</text><script>alert(1)</script>\u0001 & <![CDATA[x]]>',
      host: 'h',
      results,
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<![CDATA[');
    expect(parses(svg)).toBe(SHARE_IMAGE_WIDTH);
  });

  it('wraps a long question onto at most three lines inside the margins', () => {
    const question = 'How '.repeat(75).trim();
    const svg = shareImageSvg({ question, host: 'h', results: null, hiddenMessage: 'Results are shown after voting.' });
    const questionLines = [...svg.matchAll(/<text[^>]*font-size="48"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect(questionLines).toHaveLength(3);
    expect(questionLines[2]).toMatch(/…$/);
  });

  it('gives the leading options bars when there are too many, and counts the rest', () => {
    const options = 'abcdefghi'.split('').map((label, i) => ({ label, share: i === 8 ? 0.5 : 0.05 }));
    const lines = texts(shareImageSvg({ question: 'Q?', host: 'h', results: { totalResponses: 20, options } }));
    expect(lines).toContain('i');
    expect(lines).toContain('and 3 more options');
  });

  it('carries no number at all when results are hidden', () => {
    const svg = shareImageSvg({
      question: 'Secret ballot?',
      host: 'polls.example.com',
      results: null,
      hiddenMessage: 'Results are shown when the poll closes.',
    });
    const shown = texts(svg).join(' ');
    expect(shown).toBe('Peer Polls Secret ballot? Results are shown when the poll closes. Vote at polls.example.com');
    expect(svg).not.toContain('%');
  });

  it('says so when nobody has voted yet, without empty bars', () => {
    const svg = shareImageSvg({
      question: 'Q?',
      host: 'h',
      results: { totalResponses: 0, options: [{ label: 'A', share: 0 }] },
    });
    expect(texts(svg)).toContain('No votes yet. Be the first!');
    expect(svg).not.toContain('A</text>');
  });
});

describe('qrSvg', () => {
  it('is a well-formed square SVG with a quiet zone and an escaped title', () => {
    const svg = qrSvg('https://polls.example.com/polls/tabs', 'QR code for <tabs> & "spaces"');
    const [, size] = /viewBox="0 0 (\d+) \1"/.exec(svg)!;
    expect(Number(size)).toBeGreaterThanOrEqual(21 + 8);
    expect(svg).toContain('<title>QR code for &lt;tabs&gt; &amp; &quot;spaces&quot;</title>');
    expect(parses(svg)).toBeGreaterThan(0);
    // Nothing dark in the 4-module quiet zone.
    for (const [, x, y] of svg.matchAll(/M(\d+) (\d+)h/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(4);
      expect(Number(y)).toBeGreaterThanOrEqual(4);
    }
  });

  it('encodes different text as different symbols', () => {
    expect(qrSvg('https://a.example/polls/x', 't')).not.toBe(qrSvg('https://a.example/polls/y', 't'));
  });
});

describe('shownShares', () => {
  const base = {
    slug: 'capital',
    question: 'Capital?',
    status: 'open' as const,
    duplicatePolicy: 'none' as const,
    duplicatesRefused: 0,
    excludedVotes: 0,
    updatedAt: '2026-06-01T12:00:00.000Z',
    totalResponses: 100,
    options: [
      { key: 'memphis', label: 'Memphis', votes: 42, share: 0.42, ci95: { low: 0, high: 1 } },
      { key: 'nashville', label: 'Nashville', votes: 26, share: 0.26, ci95: { low: 0, high: 1 } },
      { key: 'knoxville', label: 'Knoxville', votes: 32, share: 0.32, ci95: { low: 0, high: 1 } },
    ],
  };

  it('shows a ranked poll by its final round, as shares of the ballots still counting', () => {
    const shown = shownShares({
      ...base,
      type: 'ranked',
      ranked: {
        method: 'irv',
        winner: 'knoxville',
        positions: [],
        rounds: [
          { round: 1, continuing: 100, exhausted: 0, tallies: [], eliminated: ['nashville'] },
          {
            round: 2,
            continuing: 80,
            exhausted: 20,
            tallies: [
              { key: 'memphis', votes: 35 },
              { key: 'knoxville', votes: 45 },
            ],
            eliminated: [],
          },
        ],
      },
    });
    expect(shown).toEqual({
      totalResponses: 100,
      options: [
        { label: 'Memphis', share: 35 / 80 },
        { label: 'Knoxville', share: 45 / 80 },
      ],
    });
  });

  it('shows other polls, and a ranked poll without ballots, by their options', () => {
    const plain = shownShares({ ...base, type: 'single' });
    expect(plain.options.map((o) => o.share)).toEqual([0.42, 0.26, 0.32]);
    const empty = shownShares({
      ...base,
      type: 'ranked',
      ranked: {
        method: 'irv',
        winner: null,
        positions: [],
        rounds: [{ round: 1, continuing: 0, exhausted: 0, tallies: [], eliminated: [] }],
      },
    });
    expect(empty.options).toHaveLength(3);
  });
});
