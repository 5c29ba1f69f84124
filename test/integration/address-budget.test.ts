/**
 * The address budget, against a real migrated SQLite file: at most N accepted votes per network
 * prefix (IPv4 /24, IPv6 /64 or /48) per clock hour, counted in the vote's transaction under the
 * per-poll prefix digest (prefix_hour_tallies), so votes of one group cannot all see "one left".
 * A vote beyond it is refused (429 rate_limited with the seconds to the hour's end) and counted
 * as refused in the same transaction; a duplicate is refused as a duplicate and spends nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PollError } from '@/lib/errors';
import { createPoll, updatePoll } from '@/lib/poll-admin';
import { HOUR_MS, type PollStore } from '@/lib/store';
import type { PollRecord } from '@/lib/types';
import { castVote, type Voter } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';
/** 12:45:30 UTC: 14 min 30 s before the hour ends. */
const NOW = Date.parse('2026-06-01T12:45:30Z');
const HOUR = Math.floor(NOW / HOUR_MS);

let t: TempStores;
let store: PollStore;
beforeEach(async () => {
  t = await openTempStores();
  store = t.store;
});
afterEach(() => t.cleanup());

const rows = <T>(sql: string, ...params: unknown[]) => t.query<T>(sql, params);
const count = async (sql: string, ...params: unknown[]) => (await t.query<{ n: number }>(sql, params))[0]!.n;

/** The poll's prefix rows (digest, hour, accepted, refused), hour by hour. */
const tallies = (poll: PollRecord) =>
  rows<{ prefixKey: string; hour: number; votes: number; refused: number }>(
    `select prefix_key as "prefixKey", hour, votes, refused from prefix_hour_tallies where poll_id = ? order by hour, votes`,
    poll.id,
  );

const budgetPoll = (slug: string, fields: Record<string, unknown> = {}) =>
  createPoll(
    store,
    {
      slug,
      question: 'Which tool?',
      options: ['Jira', 'Trello'],
      duplicatePolicy: 'device',
      resultsVisibility: 'always',
      addressBudget: { votesPerHour: 5 },
      ...fields,
    },
    NOW,
  );

/** A new browser (fresh device id) at this address. */
const from = (address: string, userAgent = 'vitest'): Voter => ({ deviceId: newDeviceId(), address, userAgent });

const vote = (poll: PollRecord, voter: Voter, now = NOW) =>
  castVote({ store, secret: SECRET, now }, poll.slug, { choices: ['jira'] }, voter, 'api');

/** Votes all started in this turn of the event loop (one group), settled. */
const burst = (poll: PollRecord, voters: Voter[], now = NOW) =>
  Promise.allSettled(voters.map((voter) => vote(poll, voter, now)));

const refusals = (settled: PromiseSettledResult<unknown>[]) =>
  settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as PollError);

describe('the address budget', () => {
  it('takes exactly N of 2N concurrent votes from one prefix in one group; the rest are refused and counted', async () => {
    const poll = await budgetPoll('burst');
    const settled = await burst(
      poll,
      Array.from({ length: 10 }, (_, i) => from(`192.0.2.${i + 1}`)),
    );
    // (That one group is one SQLite transaction, and its order: address-budget.sqlite.test.ts.)
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(5);
    const refused = refusals(settled);
    expect(refused).toHaveLength(5);
    for (const error of refused) {
      expect(error).toBeInstanceOf(PollError);
      expect(error.code).toBe('rate_limited');
      expect(error.status).toBe(429);
      // 12:45:30 → the hour ends in 14 min 30 s.
      expect(error.retryAfterSeconds).toBe(870);
      expect(error.message).toMatch(/at most 5 votes an hour from one network.*try again in 15 minutes/);
    }
    const after = (await store.findPoll(poll.slug))!;
    expect(after.responseCount).toBe(5);
    expect(after.duplicateCount).toBe(0);
    expect(await count('select count(*) n from votes where poll_id = ?', poll.id)).toBe(5);
    expect(await count('select count(*) n from vote_locks')).toBe(5);
    expect(await tallies(poll)).toEqual([{ prefixKey: expect.any(String), hour: HOUR, votes: 5, refused: 5 }]);
    // The stored digest is the votes' own, and never the prefix or an address.
    const { prefixKey } = (await tallies(poll))[0]!;
    expect(await count('select count(*) n from votes where prefix_key = ?', prefixKey)).toBe(5);
    expect(prefixKey).not.toMatch(/192\.0\.2/);
    expect(await store.recount(false)).toEqual([]);
  });

  it('renews when the clock hour ends', async () => {
    const poll = await budgetPoll('renews', { addressBudget: { votesPerHour: 2 } });
    await vote(poll, from('192.0.2.1'));
    await vote(poll, from('192.0.2.2'));
    await expect(vote(poll, from('192.0.2.3'))).rejects.toMatchObject({ code: 'rate_limited' });
    // The last second of the hour: still spent, one second to wait.
    const lastSecond = (HOUR + 1) * HOUR_MS - 1;
    await expect(vote(poll, from('192.0.2.4'), lastSecond)).rejects.toMatchObject({ retryAfterSeconds: 1 });
    // The next hour: a fresh budget.
    const next = (HOUR + 1) * HOUR_MS;
    await vote(poll, from('192.0.2.5'), next);
    await vote(poll, from('192.0.2.6'), next + 59 * 60_000);
    await expect(vote(poll, from('192.0.2.7'), next + 59 * 60_000)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 60,
    });
    expect((await tallies(poll)).map(({ hour, votes, refused }) => ({ hour, votes, refused }))).toEqual([
      { hour: HOUR, votes: 2, refused: 2 },
      { hour: HOUR + 1, votes: 2, refused: 1 },
    ]);
    expect((await store.findPoll(poll.slug))!.responseCount).toBe(4);
  });

  it('keeps two prefixes apart', async () => {
    const poll = await budgetPoll('apart', { addressBudget: { votesPerHour: 3 } });
    const settled = await burst(poll, [
      ...Array.from({ length: 4 }, (_, i) => from(`192.0.2.${i + 10}`)),
      ...Array.from({ length: 4 }, (_, i) => from(`198.51.100.${i + 10}`)),
    ]);
    // Per prefix, three taken and one refused (which one: the order the votes were taken in).
    const statuses = [settled.slice(0, 4), settled.slice(4)].map((group) => group.map((s) => s.status).sort());
    expect(statuses).toEqual([
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
    ]);
    expect((await tallies(poll)).map(({ votes, refused }) => ({ votes, refused }))).toEqual([
      { votes: 3, refused: 1 },
      { votes: 3, refused: 1 },
    ]);
  });

  it.each<[string, 48 | 64, string[], number[]]>([
    // Two /64 subnets of one /48 site: apart under /64, one budget under /48.
    [
      '/64: two subnets apart',
      64,
      ['2001:db8:1:1::1', '2001:db8:1:1::2', '2001:db8:1:2::1', '2001:db8:1:2::2'],
      [2, 2],
    ],
    ['/48: one site', 48, ['2001:db8:1:1::1', '2001:db8:1:1::2', '2001:db8:1:2::1', '2001:db8:1:2::2'], [2]],
    // Rotating the interface identifier inside one /64 (privacy addresses, a script) buys nothing.
    ['/64: rotated interface ids', 64, ['2001:db8::a:1', '2001:db8:0:0:ffff::9', '2001:DB8::1', '2001:db8::'], [2]],
    // An IPv4-mapped address is the IPv4 address: one /24.
    ['IPv4-mapped and plain IPv4', 64, ['::ffff:192.0.2.7', '192.0.2.8', '::ffff:192.0.2.200', '192.0.2.9'], [2]],
  ])('counts IPv6 by its prefix — %s', async (_name, ipv6Prefix, addresses, accepted) => {
    const poll = await budgetPoll('v6', { addressBudget: { votesPerHour: 2, ipv6Prefix } });
    for (const address of addresses) await vote(poll, from(address)).catch(() => undefined);
    expect((await tallies(poll)).map(({ votes }) => votes)).toEqual(accepted);
    expect((await store.findPoll(poll.slug))!.responseCount).toBe(accepted.reduce((a, b) => a + b, 0));
  });
});

describe('the address budget and the duplicate policy', () => {
  it('a duplicate is refused as one and spends nothing; once spent, a duplicate still hears it voted', async () => {
    const poll = await budgetPoll('dupes', { addressBudget: { votesPerHour: 2 } });
    const alice = from('192.0.2.1');
    await vote(poll, alice);
    await expect(vote(poll, alice)).rejects.toMatchObject({ code: 'already_voted' });
    await vote(poll, from('192.0.2.2'));
    await expect(vote(poll, from('192.0.2.3'))).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(vote(poll, alice)).rejects.toMatchObject({ code: 'already_voted' });
    expect((await tallies(poll)).map(({ votes, refused }) => ({ votes, refused }))).toEqual([{ votes: 2, refused: 1 }]);
    const after = (await store.findPoll(poll.slug))!;
    expect(after.responseCount).toBe(2);
    expect(after.duplicateCount).toBe(2);
  });

  it('an address-only network key refuses a rotated User-Agent as a duplicate', async () => {
    const poll = await budgetPoll('address-only', { duplicatePolicy: 'network', networkIdentity: 'address' });
    await vote(poll, from('192.0.2.1', 'agent 1'));
    await expect(vote(poll, from('192.0.2.1', 'agent 2'))).rejects.toMatchObject({ code: 'already_voted' });
    // A neighbour in the same /24 is another network identity.
    await vote(poll, from('192.0.2.2', 'agent 1'));
    expect((await store.findPoll(poll.slug))!.responseCount).toBe(2);
  });
});

describe('without a budget, and when it changes', () => {
  it('without a budget every accepted vote is still counted per prefix and hour (the traffic view reads it)', async () => {
    const poll = await budgetPoll('kiosk', { duplicatePolicy: 'none', addressBudget: null });
    expect(poll.addressBudget).toBeNull();
    const settled = await burst(
      poll,
      Array.from({ length: 40 }, () => from('192.0.2.50')),
    );
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    expect((await tallies(poll)).map(({ votes, refused }) => ({ votes, refused }))).toEqual([
      { votes: 40, refused: 0 },
    ]);
  });

  it('a policy that names no budget gets the default, 300 an hour per /64; none and person get none', async () => {
    expect((await createPoll(store, { question: 'Q?', options: ['A', 'B'] }, NOW)).addressBudget).toEqual({
      votesPerHour: 300,
      ipv6Prefix: 64,
    });
    const kiosk = await createPoll(store, { question: 'Q?', options: ['A', 'B'], duplicatePolicy: 'none' }, NOW);
    expect(kiosk.addressBudget).toBeNull();
  });

  it('reads the budget in the vote’s transaction: an owner raising it lets the next vote in', async () => {
    const poll = await budgetPoll('raised', { addressBudget: { votesPerHour: 1 } });
    await vote(poll, from('192.0.2.1'));
    await expect(vote(poll, from('192.0.2.2'))).rejects.toMatchObject({ code: 'rate_limited' });
    await updatePoll(store, poll.slug, { addressBudget: { votesPerHour: 2 } }, NOW);
    await vote(poll, from('192.0.2.3'));
    await updatePoll(store, poll.slug, { addressBudget: null }, NOW);
    await vote(poll, from('192.0.2.4'));
    expect((await tallies(poll)).map(({ votes, refused }) => ({ votes, refused }))).toEqual([{ votes: 3, refused: 1 }]);
  });

  it('an address that names no network (a unix socket peer, say) is not counted under any prefix', async () => {
    const poll = await budgetPoll('no-address', { addressBudget: { votesPerHour: 1 } });
    await vote(poll, from('unknown'));
    await vote(poll, from('unknown'));
    expect(await tallies(poll)).toEqual([]);
    expect(await count('select count(*) n from votes where prefix_key is null')).toBe(2);
  });
});
