/**
 * Quarantine on a real migrated database (either store): a burst's votes leave every tally (options, responses,
 * segments with and without `where`, days, rankings, write-ins) and come back exactly on restore;
 * the recount agrees at every step; audit rows; refusals write nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '../support/temp-db';
import { HOUR_MS, T0, publicCounts, quarantinePolls, record, type TestBallot } from '../support/quarantine';
import type { PollRecord } from '@/lib/types';
import { QUESTIONS, surveyFields } from '../support/survey-store';

const AUDIT = { actor: 'session:test', action: 'quarantine', details: 'Network A' };
const BURST = 'digest-burst';
const ROLES = ['manager', 'individual', 'vp'];
const INDUSTRIES = ['software', 'banking'];

let t: TempStores;
let multi: PollRecord;
let ranked: PollRecord;

/** 40 ballots from 8 networks over the day before, then a burst of 30 from one network in one hour. */
async function votes() {
  for (let i = 0; i < 40; i++) {
    const ballot: TestBallot = {
      picks: i % 5 === 0 ? [1, 3] : [i % 3],
      profile: { role: ROLES[i % 3]!, ...(i % 4 ? { industry: INDUSTRIES[i % 2]! } : {}) },
      other: i % 5 === 0 ? `Idea ${i % 2}` : undefined,
      prefixKey: `digest-${i % 8}`,
      at: T0 + i * 30 * 60_000,
    };
    await record(t.store, multi, ballot);
    await record(t.store, ranked, { ...ballot, picks: [i % 3, (i + 1) % 3], other: undefined, profile: {} });
  }
  const burstAt = T0 + 30 * HOUR_MS;
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => [
      record(t.store, multi, {
        picks: [2, 3],
        profile: { role: 'manager', industry: 'banking' },
        other: 'Stuffed',
        prefixKey: BURST,
        at: burstAt + i * 60_000,
      }),
      record(t.store, ranked, { picks: [2, 0], prefixKey: BURST, at: burstAt + i * 60_000 }),
    ]).flat(),
  );
}

beforeEach(async () => {
  t = await openTempStores();
  ({ multiple: multi, ranked } = await quarantinePolls(t.store));
});
afterEach(() => t.cleanup());

describe('quarantineBurst and restoreQuarantine', () => {
  it('take a burst out of every count and bring back exactly the same tallies', async () => {
    // The counts as they would be without the burst, from a database that never had it.
    await votes();
    const withBurst = await publicCounts(t.store, t.adminStore, 'multi');
    const rankedWithBurst = await publicCounts(t.store, t.adminStore, 'ranked');
    expect(await t.store.recount(false)).toEqual([]);

    const from = T0 + 30 * HOUR_MS;
    const done = await t.store.quarantineBurst(multi.id, BURST, from, from + HOUR_MS, T0 + 40 * HOUR_MS, AUDIT);
    expect(done).toMatchObject({ outcome: 'done', pollSlug: 'multi', quarantine: { votes: 30, restoredAt: null } });
    const rankedDone = await t.store.quarantineBurst(ranked.id, BURST, from, from + HOUR_MS, T0 + 40 * HOUR_MS, AUDIT);
    expect(rankedDone).toMatchObject({ outcome: 'done', quarantine: { votes: 30 } });
    expect(await t.store.recount(false)).toEqual([]);

    const quarantined = await publicCounts(t.store, t.adminStore, 'multi');
    expect(quarantined.responses).toBe(40);
    expect(quarantined.quarantined).toBe(30);
    // The burst chose C and Other: 30 each fewer; A and B as before.
    expect(quarantined.options).toEqual(
      withBurst.options.map(([key, n]) => [key, key === 'c' || key === 'other' ? Number(n) - 30 : n]),
    );
    expect(quarantined.writeIns.map((group) => group.text)).not.toContain('Stuffed');
    expect(quarantined.byRole).not.toEqual(withBurst.byRole);
    expect(quarantined.byIndustryWhereEngineer).not.toEqual(withBurst.byIndustryWhereEngineer);
    expect(quarantined.days).not.toEqual(withBurst.days);
    const rankedQuarantined = await publicCounts(t.store, t.adminStore, 'ranked');
    const zx = (counts: typeof rankedQuarantined) => counts.rankings.find((r) => r.ranking.join() === 'z,x')?.ballots;
    expect(zx(rankedQuarantined)).toBe(zx(rankedWithBurst)! - 30);

    // Compared with a database that only ever had the 40 ordinary ballots: the same counts.
    const clean = await openTempStores();
    try {
      const polls = await quarantinePolls(clean.store);
      const saved = t;
      t = clean;
      multi = polls.multiple;
      ranked = polls.ranked;
      for (let i = 0; i < 40; i++) {
        const ballot: TestBallot = {
          picks: i % 5 === 0 ? [1, 3] : [i % 3],
          profile: { role: ROLES[i % 3]!, ...(i % 4 ? { industry: INDUSTRIES[i % 2]! } : {}) },
          other: i % 5 === 0 ? `Idea ${i % 2}` : undefined,
          prefixKey: `digest-${i % 8}`,
          at: T0 + i * 30 * 60_000,
        };
        await record(clean.store, multi, ballot);
        await record(clean.store, ranked, { ...ballot, picks: [i % 3, (i + 1) % 3], other: undefined, profile: {} });
      }
      t = saved;
      expect({ ...quarantined, quarantined: 0 }).toEqual(await publicCounts(clean.store, clean.adminStore, 'multi'));
      expect(rankedQuarantined.rankings).toEqual(
        (await publicCounts(clean.store, clean.adminStore, 'ranked')).rankings,
      );
    } finally {
      await clean.cleanup();
    }

    const restored = await t.store.restoreQuarantine(
      (await t.store.findPoll('multi'))!.id,
      done.outcome === 'done' ? done.quarantine.id : 0,
      T0 + 41 * HOUR_MS,
      { actor: 'session:test', action: 'restore' },
    );
    expect(restored).toMatchObject({ outcome: 'done', quarantine: { votes: 30, restoredAt: T0 + 41 * HOUR_MS } });
    if (rankedDone.outcome !== 'done') throw new Error('unreachable');
    const rankedId = (await t.store.findPoll('ranked'))!.id;
    await t.store.restoreQuarantine(rankedId, rankedDone.quarantine.id, T0 + 41 * HOUR_MS, {
      actor: 'cli',
      action: 'restore',
    });
    expect(await publicCounts(t.store, t.adminStore, 'multi')).toEqual(withBurst);
    expect(await publicCounts(t.store, t.adminStore, 'ranked')).toEqual(rankedWithBurst);
    expect(await t.store.recount(false)).toEqual([]);

    // Restoring twice is refused; the history lists both, newest first.
    expect(await t.store.restoreQuarantine(rankedId, rankedDone.quarantine.id, T0 + 42 * HOUR_MS, AUDIT)).toEqual({
      outcome: 'not_found',
    });
    const history = await t.store.quarantinesOf(rankedId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ prefixKey: BURST, fromAt: from, toAt: from + HOUR_MS, votes: 30 });
    expect((await t.adminStore.auditFor('multi')).map((entry) => [entry.actor, entry.action])).toEqual([
      ['session:test', 'restore'],
      ['session:test', 'quarantine'],
    ]);
  });

  it('marks quarantined votes in the vote log, which keeps them', async () => {
    await votes();
    const from = T0 + 30 * HOUR_MS;
    await t.store.quarantineBurst(multi.id, BURST, from, from + 10 * 60_000, T0 + 40 * HOUR_MS, AUDIT);
    const log = await t.adminStore.voteLogPage(multi.id, null, 1000);
    expect(log).toHaveLength(70);
    expect(log.filter((vote) => vote.quarantined)).toHaveLength(10);
    expect((await t.store.findPoll('multi'))!.quarantinedCount).toBe(10);
    // A second quarantine over the same range finds no counted vote left in it.
    expect(await t.store.quarantineBurst(multi.id, BURST, from, from + 10 * 60_000, T0 + 40 * HOUR_MS, AUDIT)).toEqual({
      outcome: 'empty',
    });
  });

  it('refuses an empty range, another network, and an unknown poll, writing nothing', async () => {
    await votes();
    const before = await publicCounts(t.store, t.adminStore, 'multi');
    const audit = await t.adminStore.auditFor('multi');
    const from = T0 + 30 * HOUR_MS;
    expect(await t.store.quarantineBurst(multi.id, BURST, from - HOUR_MS, from, T0, AUDIT)).toEqual({
      outcome: 'empty',
    });
    expect(await t.store.quarantineBurst(multi.id, 'digest-none', from, from + HOUR_MS, T0, AUDIT)).toEqual({
      outcome: 'empty',
    });
    expect(await t.store.quarantineBurst(9999, BURST, from, from + HOUR_MS, T0, AUDIT)).toEqual({
      outcome: 'not_found',
    });
    expect(await t.store.restoreQuarantine(multi.id, 9999, T0, AUDIT)).toEqual({ outcome: 'not_found' });
    expect(await publicCounts(t.store, t.adminStore, 'multi')).toEqual(before);
    expect(await t.adminStore.auditFor('multi')).toEqual(audit);
    expect(await t.store.quarantinesOf(multi.id)).toEqual([]);
  });

  it('refuses a survey question (resubmission withdraws its answers), writing nothing', async () => {
    const created = await t.surveyStore.createSurvey(surveyFields({ slug: 'team' }), QUESTIONS, T0, {
      actor: 'cli',
      action: 'survey-create',
    });
    if ('slugTaken' in created) throw new Error('slug taken');
    const question = (await t.store.findPoll(QUESTIONS[0]!.fields.slug))!;
    expect(await t.store.quarantineBurst(question.id, BURST, T0, T0 + HOUR_MS, T0, AUDIT)).toEqual({
      outcome: 'survey_question',
    });
    expect(await t.store.quarantinesOf(question.id)).toEqual([]);
  });

  it('keeps tallies equal to the log minus quarantine while votes arrive during the quarantine', async () => {
    await votes();
    const from = T0 + 30 * HOUR_MS;
    // Votes of the burst's network still arriving, queued in the same turn as the quarantine.
    const arriving = Array.from({ length: 50 }, (_, i) =>
      record(t.store, multi, { picks: [2], prefixKey: BURST, at: from + (i % 60) * 60_000 }),
    );
    const quarantine = t.store.quarantineBurst(multi.id, BURST, from, from + HOUR_MS, T0 + 40 * HOUR_MS, AUDIT);
    const more = Array.from({ length: 50 }, (_, i) =>
      record(t.store, multi, { picks: [2], prefixKey: BURST, at: from + (i % 60) * 60_000 }),
    );
    await Promise.all([...arriving, quarantine, ...more]);
    expect(await t.store.recount(false)).toEqual([]);
    const [held] = await t.query<{ n: number }>(
      'select count(*) as n from votes where poll_id = ? and quarantine_id is not null',
      [multi.id],
    );
    const poll = (await t.store.findPoll('multi'))!;
    expect(poll.quarantinedCount).toBe(held!.n);
    expect(poll.responseCount + poll.quarantinedCount).toBe(40 + 30 + 100);
  });
});

describe('recount', () => {
  it('finds planted drift against the log minus quarantine, and repairs it', async () => {
    await votes();
    const from = T0 + 30 * HOUR_MS;
    await t.store.quarantineBurst(multi.id, BURST, from, from + HOUR_MS, T0 + 40 * HOUR_MS, AUDIT);
    const c = multi.options[2]!.id;
    // As if the quarantine had forgotten to uncount one vote and to count itself.
    await t.query('update poll_options set votes = votes + 1 where id = ?', [c]);
    await t.query('update polls set quarantined_count = 0, response_count = response_count + 1 where id = ?', [
      multi.id,
    ]);
    const drift = await t.store.recount(false);
    expect(drift).toEqual(
      expect.arrayContaining([
        { pollSlug: 'multi', what: 'responses', stored: 41, actual: 40 },
        { pollSlug: 'multi', what: 'quarantined votes', stored: 0, actual: 30 },
        { pollSlug: 'multi', what: 'option c', stored: expect.any(Number), actual: expect.any(Number) },
      ]),
    );
    expect(drift).toHaveLength(3);
    await t.store.recount(true);
    expect(await t.store.recount(false)).toEqual([]);
    const poll = (await t.store.findPoll('multi'))!;
    expect([poll.responseCount, poll.quarantinedCount]).toEqual([40, 30]);
  });
});
