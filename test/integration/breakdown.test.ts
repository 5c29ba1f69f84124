/**
 * Breakdowns against a real migrated database (SQLite or PostgreSQL): profile answers stored with the vote, segment
 * tallies kept in its transaction, `?where=` read from the vote log, recount checking both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBreakdown, type Breakdown, type BreakdownQuery } from '@/lib/breakdown';
import { createPoll } from '@/lib/poll-admin';
import type { ProfileAnswers } from '@/lib/profile';
import type { PollRecord } from '@/lib/types';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { refusal } from '../support/errors';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const K = 3;

let t: TempStores;
let poll: PollRecord;
beforeEach(async () => {
  t = await openTempStores();
  poll = await createPoll(
    t.store,
    {
      slug: 'tools',
      question: 'Which tools?',
      type: 'multiple',
      options: ['Jira', 'Trello', 'Excel'],
      duplicatePolicy: 'none',
      resultsVisibility: 'always',
      profile: ['role', 'companySize'],
    },
    NOW,
  );
});
afterEach(() => t.cleanup());

const vote = (choices: string[], profile?: ProfileAnswers | Record<string, unknown>) =>
  castVote(
    { store: t.store, secret: SECRET, now: NOW },
    'tools',
    profile === undefined ? { choices } : { choices, profile },
    { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
    'api',
  );

async function breakdown(query: BreakdownQuery, minCellSize = K) {
  const fresh = (await t.store.findPoll('tools'))!;
  return readBreakdown(t.store, fresh, query, minCellSize);
}

const segment = (b: { breakdown: Breakdown }, value: string) => b.breakdown.segments.find((s) => s.value === value)!;

describe('profile answers', () => {
  it('are refused with 422 invalid_profile for a dimension not asked or a value not in the catalogue, storing nothing', async () => {
    for (const profile of [{ region: 'emea' }, { role: 'ceo' }, { role: 7 }, ['vp'], 'vp', { nonsense: 'x' }]) {
      expect(await refusal(() => vote(['jira'], profile as Record<string, unknown>))).toBe('invalid_profile');
    }
    expect((await t.store.findPoll('tools'))!.responseCount).toBe(0);
    expect(await t.store.recount(false)).toEqual([]);
  });

  it('are optional: absent, null and empty answers are "not stated"', async () => {
    await vote(['jira']);
    await vote(['jira'], { role: null });
    await vote(['jira'], { role: '', companySize: 'gt-10000' });
    const { breakdown: b } = await breakdown({ by: 'role', where: null }, 3);
    expect(segment({ breakdown: b }, 'not-stated')).toMatchObject({ n: 3, suppressed: false });
  });
});

describe('readBreakdown', () => {
  beforeEach(async () => {
    for (let i = 0; i < 4; i++) await vote(['jira'], { role: 'manager', companySize: 'gt-10000' });
    for (let i = 0; i < 3; i++) await vote(['trello', 'excel'], { role: 'manager', companySize: 'lt-1000' });
    for (let i = 0; i < 5; i++) await vote(['trello'], { role: 'individual', companySize: 'lt-1000' });
    for (let i = 0; i < 3; i++) await vote(['excel'], { companySize: 'lt-1000' });
    await vote(['jira'], { role: 'vp' });
  });

  it('reads `by` from the tallies: every catalogue value and "not stated", counts per option', async () => {
    const { poll: snapshot, breakdown: b } = await breakdown({ by: 'role', where: null });
    expect(snapshot.responseCount).toBe(16);
    expect(b.segments.map((s) => s.value)).toEqual([
      'c-level',
      'vp',
      'director',
      'manager',
      'individual',
      'other',
      'not-stated',
    ]);
    expect(segment({ breakdown: b }, 'manager')).toMatchObject({
      n: 7,
      options: [
        { key: 'jira', votes: 4 },
        { key: 'trello', votes: 3 },
        { key: 'excel', votes: 3 },
      ],
    });
    // vp has one respondent: hidden, and the smallest shown segment (not stated, 3) with it.
    expect(segment({ breakdown: b }, 'vp')).toMatchObject({ suppressed: true, n: null, options: null });
    expect(segment({ breakdown: b }, 'not-stated')).toMatchObject({ suppressed: true, n: null });
  });

  it('reads `where` from the tallies: only the cross-section, "not stated" included', async () => {
    // K = 1: every cell with respondents shows, so the counts themselves are checked.
    const all = await breakdown({ by: 'role', where: { dimension: 'companySize', value: 'lt-1000' } }, 1);
    expect(segment(all, 'manager')).toMatchObject({ n: 3, options: [{ votes: 0 }, { votes: 3 }, { votes: 3 }] });
    expect(segment(all, 'individual')).toMatchObject({ n: 5 });
    expect(segment(all, 'not-stated')).toMatchObject({ n: 3 });
    // K = 3: "not stated" (3) is hidden in ?by=role beside the lone vp, so its cell here is hidden,
    // and manager (3) beside it — else the lt-1000 total minus the shown cells would give it away.
    const small = await breakdown({ by: 'role', where: { dimension: 'companySize', value: 'lt-1000' } });
    expect(segment(small, 'individual')).toMatchObject({ n: 5 });
    expect(segment(small, 'not-stated').suppressed).toBe(true);
    expect(segment(small, 'manager').suppressed).toBe(true);
    const unstated = await breakdown({ by: 'role', where: { dimension: 'companySize', value: 'not-stated' } }, 1);
    expect(segment(unstated, 'vp')).toMatchObject({ n: 1, options: [{ votes: 1 }, { votes: 0 }, { votes: 0 }] });
  });

  it('suppresses the whole breakdown when the cross-section is smaller than K', async () => {
    const large = await breakdown({ by: 'role', where: { dimension: 'companySize', value: 'gt-10000' } }, 5);
    expect(large.breakdown.suppressed).toBe(true);
    expect(large.breakdown.segments.every((s) => s.suppressed && s.n === null && s.options === null)).toBe(true);
  });

  it('keeps segment tallies equal to the vote log (recount finds no drift) and repairs drift', async () => {
    expect(await t.store.recount(false)).toEqual([]);
    await t.query("update segment_tallies set responses = responses + 2 where dimension = 'role'");
    await t.query('delete from segment_option_tallies where option_id = ?', [poll.options[0]!.id]);
    await t.query("update segment_pair_tallies set responses = 0 where value_a = 'lt-1000'");
    const drift = await t.store.recount(true);
    expect(drift.map((d) => d.what)).toEqual(
      expect.arrayContaining([
        'segment role=manager',
        'segment role=manager option jira',
        'segment companySize=gt-10000 option jira',
        'segment companySize=lt-1000 & role=manager',
      ]),
    );
    expect(await t.store.recount(false)).toEqual([]);
  });
});

describe('a `where` group hidden in its own breakdown', () => {
  it('is hidden in every view narrowed to it, so two views cannot be subtracted from each other', async () => {
    // K = 3. By role: vp 1 is small, so director (3, the smallest shown) is hidden beside it.
    await vote(['jira'], { role: 'vp', companySize: 'lt-1000' });
    for (let i = 0; i < 3; i++) await vote(['trello'], { role: 'director', companySize: 'lt-1000' });
    for (let i = 0; i < 6; i++) await vote(['jira'], { role: 'manager', companySize: 'gt-10000' });
    const byRole = await breakdown({ by: 'role', where: null });
    expect(segment(byRole, 'director').suppressed).toBe(true);
    const narrowed = await breakdown({ by: 'companySize', where: { dimension: 'role', value: 'director' } });
    expect(narrowed.breakdown.suppressed).toBe(true);
    expect(narrowed.breakdown.segments.every((s) => s.n === null)).toBe(true);
    // A group shown in its own breakdown can still be narrowed to.
    const managers = await breakdown({ by: 'companySize', where: { dimension: 'role', value: 'manager' } });
    expect(managers.breakdown.suppressed).toBe(false);
  });
});

describe('breakdowns of an ordinal poll', () => {
  it('give each shown segment its median', async () => {
    await createPoll(
      t.store,
      {
        slug: 'share',
        question: 'Share in production?',
        scale: 'ordinal',
        duplicatePolicy: 'none',
        resultsVisibility: 'always',
        profile: ['companySize'],
        options: [
          { label: '< 10%', range: { low: 0, high: 10 } },
          { label: '10-20%', range: { low: 10, high: 20 } },
          { label: '> 20%', range: { low: 20, high: 100 } },
        ],
      },
      NOW,
    );
    const cast = (choice: string, size: string) =>
      castVote(
        { store: t.store, secret: SECRET, now: NOW },
        'share',
        { choices: [choice], profile: { companySize: size } },
        { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
        'api',
      );
    for (let i = 0; i < 4; i++) await cast('lt-10', 'lt-1000');
    for (let i = 0; i < 4; i++) await cast('gt-20', 'gt-10000');
    const poll = (await t.store.findPoll('share'))!;
    const { breakdown: b } = await readBreakdown(t.store, poll, { by: 'companySize', where: null }, 3);
    // Small companies: all four in 0–10 → median 0 + 2/4 × 10 = 5; large: 20 + 2/4 × 80 = 60.
    expect(segment({ breakdown: b }, 'lt-1000').ordinal).toMatchObject({ medianKey: 'lt-10', median: 5 });
    expect(segment({ breakdown: b }, 'gt-10000').ordinal).toMatchObject({ medianKey: 'gt-20', median: 60 });
  });
});
