/** Vote times are stored to the minute, and the poll's updatedAt does not give the exact time away. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../db/seed';
import { createPoll, updatePoll } from '@/lib/poll-admin';
import { buildResults } from '@/lib/results';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
const CREATED = Date.parse('2026-06-01T12:00:00.250Z');
const VOTED = Date.parse('2026-06-01T12:34:56.789Z');
const VOTED_MINUTE = Date.parse('2026-06-01T12:34:00.000Z');

let t: TempStores;
beforeEach(async () => {
  t = await openTempStores();
});
afterEach(() => t.cleanup());

const voteTimes = async () =>
  (await t.query<{ created_at: number }>('select created_at from votes order by id')).map((row) => row.created_at);

async function voteAt(slug: string, now: number) {
  await castVote(
    { store: t.store, secret: SECRET, now },
    slug,
    { choices: ['a'] },
    { deviceId: newDeviceId(), address: '192.0.2.10', userAgent: 'vitest' },
    'api',
  );
}

describe('vote times', () => {
  it('are stored floored to the minute, and so is the updatedAt a vote sets', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'none' }, CREATED);
    await voteAt(poll.slug, VOTED);
    expect(await voteTimes()).toEqual([VOTED_MINUTE]);
    const stored = (await t.store.findPoll(poll.slug))!;
    expect(stored.updatedAt).toBe(VOTED_MINUTE);
    expect(buildResults(stored, VOTED, undefined).updatedAt).toBe('2026-06-01T12:34:00.000Z');
  });

  it('never move updatedAt back before an edit made earlier in the same minute', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'], duplicatePolicy: 'none' }, CREATED);
    const edited = VOTED_MINUTE + 10_500;
    await updatePoll(t.store, poll.slug, { description: 'Edited' }, edited);
    await voteAt(poll.slug, VOTED);
    expect((await t.store.findPoll(poll.slug))!.updatedAt).toBe(edited);
    await voteAt(poll.slug, VOTED + 60_000);
    expect((await t.store.findPoll(poll.slug))!.updatedAt).toBe(VOTED_MINUTE + 60_000);
    expect(await voteTimes()).toEqual([VOTED_MINUTE, VOTED_MINUTE + 60_000]);
  });

  it('are floored for imported votes', async () => {
    const poll = await createPoll(t.store, { question: 'Q', options: ['A', 'B'] }, CREATED);
    const a = poll.options[0]!.id;
    await t.store.importVotes(poll.id, [
      { optionIds: [a], createdAt: VOTED - 60_000, source: 'seed' },
      { optionIds: [a], createdAt: VOTED, source: 'seed' },
    ]);
    expect(await voteTimes()).toEqual([VOTED_MINUTE - 60_000, VOTED_MINUTE]);
    expect((await t.store.findPoll(poll.slug))!.updatedAt).toBe(VOTED_MINUTE);
  });

  it('are whole minutes in the demo seed', async () => {
    await seedDemo(t.store, VOTED + 86_400_000);
    const [{ n, odd }] = await t.query<{ n: number; odd: number }>(
      'select count(*) as n, count(case when created_at % 60000 <> 0 then 1 end) as odd from votes',
    );
    expect(n).toBeGreaterThan(400);
    expect(odd).toBe(0);
  });
});
