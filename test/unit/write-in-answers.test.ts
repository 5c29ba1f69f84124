/** The owner's write-in list and CSV: totals, order, the cap, formula neutralising. */
import { describe, expect, it } from 'vitest';
import { WRITE_IN_GROUPS_SHOWN, writeInCsv, writeInSummary } from '@/lib/write-in-answers';

const group = (text: string, count: number) => ({ normalized: text.toLowerCase(), text, count });

describe('writeInSummary', () => {
  it('counts answers and distinct answers, most frequent first, ties by text', () => {
    expect(writeInSummary([group('b', 1), group('Jira', 3), group('a', 1)])).toEqual({
      total: 5,
      distinct: 3,
      shown: [group('Jira', 3), group('a', 1), group('b', 1)],
    });
  });

  it('nothing written: zero and an empty list', () => {
    expect(writeInSummary([])).toEqual({ total: 0, distinct: 0, shown: [] });
  });

  it(`shows at most ${WRITE_IN_GROUPS_SHOWN} groups but counts them all`, () => {
    const groups = Array.from({ length: WRITE_IN_GROUPS_SHOWN + 5 }, (_, i) => group(`t${i}`, i + 1));
    const summary = writeInSummary(groups);
    expect(summary.shown).toHaveLength(WRITE_IN_GROUPS_SHOWN);
    expect(summary.shown[0]!.count).toBe(WRITE_IN_GROUPS_SHOWN + 5);
    expect(summary.distinct).toBe(WRITE_IN_GROUPS_SHOWN + 5);
  });
});

describe('writeInCsv', () => {
  it('time and text per answer, CRLF, the header first, formulas neutralised', () => {
    expect(
      writeInCsv([
        { createdAt: Date.parse('2026-06-01T12:00:00Z'), text: 'Jira' },
        { createdAt: Date.parse('2026-06-01T12:01:00Z'), text: '=1+1' },
        { createdAt: Date.parse('2026-06-01T12:02:00Z'), text: 'a, "b"' },
      ]),
    ).toBe(
      'time,text\r\n' +
        '2026-06-01T12:00:00.000Z,Jira\r\n' +
        "2026-06-01T12:01:00.000Z,'=1+1\r\n" +
        '2026-06-01T12:02:00.000Z,"a, ""b"""\r\n',
    );
  });

  it('no answers: the header alone', () => {
    expect(writeInCsv([])).toBe('time,text\r\n');
  });
});
