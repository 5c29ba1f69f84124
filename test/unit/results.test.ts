/** Results from the tallies: the contract's JSON, who may see them, and the CSV. */
import { describe, expect, it } from 'vitest';
import { buildResults, hiddenResultsMessage, resultsCsv, RESULTS_CSV_HEADER } from '@/lib/results';
import { resultsViewFor, visibleResults } from '@/lib/results-view';
import { wilsonInterval } from '@/lib/stats';
import { codeOf } from '../support/errors';
import { HOUR, NOW, optionRecords, pollRecord } from '../support/records';

/** Single-choice records have no runoff to read: a store that is never asked. */
const NO_STORE = {
  rankingTallies: () => Promise.reject(new Error('a single-choice poll has no ranking tallies')),
};

describe('buildResults', () => {
  it('gives counts, shares and intervals from the tallies, and nothing internal', () => {
    const poll = pollRecord({
      slug: 'tools',
      question: 'Which tool?',
      duplicatePolicy: 'network',
      responseCount: 8,
      duplicateCount: 2,
      updatedAt: Date.parse('2026-06-01T11:34:00Z'),
      options: optionRecords(['a', 'b', 'c'], [6, 2, 0]),
    });
    expect(buildResults(poll, NOW, undefined)).toEqual({
      slug: 'tools',
      question: 'Which tool?',
      status: 'open',
      type: 'single',
      duplicatePolicy: 'network',
      totalResponses: 8,
      duplicatesRefused: 2,
      excludedVotes: 0,
      options: [
        { key: 'a', label: 'A', votes: 6, share: 0.75, ci95: wilsonInterval(6, 8) },
        { key: 'b', label: 'B', votes: 2, share: 0.25, ci95: wilsonInterval(2, 8) },
        { key: 'c', label: 'C', votes: 0, share: 0, ci95: wilsonInterval(0, 8) },
      ],
      updatedAt: '2026-06-01T11:34:00.000Z',
    });
  });

  it('shares each option of a multiple-choice poll among all respondents (they may sum above 1)', () => {
    const poll = pollRecord({
      type: 'multiple',
      maxChoices: 3,
      responseCount: 4,
      options: optionRecords(['a', 'b'], [4, 3]),
    });
    expect(buildResults(poll, NOW, undefined).options.map((o) => o.share)).toEqual([1, 0.75]);
  });

  it('knows nothing yet without votes: share 0, interval [0, 1]', () => {
    expect(buildResults(pollRecord(), NOW, undefined).options[0]).toMatchObject({
      votes: 0,
      share: 0,
      ci95: { low: 0, high: 1 },
    });
  });

  it.each<[string, Parameters<typeof pollRecord>[0], string]>([
    ['open', {}, 'open'],
    ['a draft', { status: 'draft' }, 'draft'],
    ['closed by hand', { status: 'closed' }, 'closed'],
    ['past its closing time', { closesAt: NOW }, 'closed'],
    ['before its opening time', { opensAt: NOW + HOUR }, 'scheduled'],
  ])('states the effective status of a poll %s', (_name, overrides, status) => {
    expect(buildResults(pollRecord(overrides), NOW, undefined).status).toBe(status);
  });
});

describe('hiddenResultsMessage', () => {
  it.each<[string, Parameters<typeof pollRecord>[0], 'after_vote' | 'after_close', string]>([
    ['after a vote', {}, 'after_vote', 'Results are shown to people who have voted in this poll.'],
    [
      'after a set closing time, in UTC without milliseconds',
      { closesAt: Date.parse('2099-01-01T00:00:00Z') },
      'after_close',
      'Results will be shown when the poll closes on 2099-01-01T00:00:00Z.',
    ],
    [
      'after a closing time with milliseconds',
      { closesAt: Date.parse('2099-06-30T18:15:00.250Z') },
      'after_close',
      'Results will be shown when the poll closes on 2099-06-30T18:15:00.250Z.',
    ],
    ['after an unscheduled close', {}, 'after_close', 'Results will be shown when the poll closes.'],
  ])('says results show %s', (_name, overrides, reason, message) => {
    expect(hiddenResultsMessage(pollRecord(overrides), reason)).toBe(message);
  });
});

describe('resultsViewFor + visibleResults', () => {
  it.each<[Parameters<typeof pollRecord>[0], boolean, string | undefined]>([
    [{ resultsVisibility: 'always' }, false, undefined],
    [{ resultsVisibility: 'after_vote' }, true, undefined],
    [{ resultsVisibility: 'after_vote' }, false, 'results_hidden'],
    [{ resultsVisibility: 'after_close' }, true, 'results_hidden'],
    [{ resultsVisibility: 'after_close', status: 'closed' }, false, undefined],
    [{ resultsVisibility: 'after_close', closesAt: NOW - 1 }, false, undefined],
    [{ resultsVisibility: 'after_vote', status: 'closed' }, false, undefined],
  ])('%j, voted: %s → %s', async (overrides, hasVoted, code) => {
    const view = await resultsViewFor(NO_STORE, pollRecord(overrides), hasVoted, NOW);
    expect(codeOf(() => visibleResults(view))).toBe(code);
  });

  it('refuses with the reason and when results will show', async () => {
    const poll = pollRecord({ resultsVisibility: 'after_close', closesAt: Date.parse('2099-01-01T00:00:00Z') });
    const view = await resultsViewFor(NO_STORE, poll, true, NOW);
    expect(() => visibleResults(view)).toThrow('Results will be shown when the poll closes on 2099-01-01T00:00:00Z.');
  });

  it('returns the results when they may be seen', async () => {
    const poll = pollRecord({ resultsVisibility: 'always' });
    const view = await resultsViewFor(NO_STORE, poll, false, NOW);
    expect(visibleResults(view)).toEqual(buildResults(poll, NOW, undefined));
  });
});

describe('resultsCsv', () => {
  it('writes the header and one row per option, in order', () => {
    const poll = pollRecord({ responseCount: 4, options: optionRecords(['a', 'b'], [3, 1]) });
    const [header, ...rows] = resultsCsv(buildResults(poll, NOW, undefined)).split('\r\n');
    expect(header).toBe(RESULTS_CSV_HEADER.join(','));
    expect(header).toBe('key,label,votes,share,ci95_low,ci95_high');
    const [a, b] = [wilsonInterval(3, 4), wilsonInterval(1, 4)];
    expect(rows).toEqual([`a,A,3,0.75,${a.low},${a.high}`, `b,B,1,0.25,${b.low},${b.high}`, '']);
  });

  it('neutralises and quotes labels like every CSV cell', () => {
    const options = optionRecords(['sum', 'list']).map((o, i) => ({ ...o, label: ['=SUM(A1:A2)', 'a, b'][i]! }));
    const csv = resultsCsv(buildResults(pollRecord({ options }), NOW, undefined));
    expect(csv).toContain(`\r\nsum,'=SUM(A1:A2),0,0,0,1\r\n`);
    expect(csv).toContain(`\r\nlist,"a, b",0,0,0,1\r\n`);
  });
});
