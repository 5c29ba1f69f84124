/** The vote log read page by page from a real database, and the CSV stream built on it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoll } from '@/lib/poll-admin';
import type { AdminStore, VoteLogEntry } from '@/lib/store';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { voteLogCsv } from '@/lib/vote-log';
import type { PollRecord, VoteSource } from '@/lib/types';
import { openTempStores, type TempStores } from '../support/temp-db';

const START = Date.parse('2026-06-01T00:00:00Z');
const SOURCES: VoteSource[] = ['web', 'api', 'embed', 'seed'];

let t: TempStores;
let admin: AdminStore;
let poll: PollRecord;
beforeEach(async () => {
  t = await openTempStores();
  admin = t.adminStore;
  poll = await createPoll(
    t.store,
    { slug: 'log', question: 'Q', options: ['A', 'B', 'C'], type: 'multiple', maxChoices: 3, duplicatePolicy: 'none' },
    START,
  );
});
afterEach(() => t.cleanup());

/**
 * Imports `count` votes, three to a minute so pages end inside a minute, the later half first so
 * id order is not time order. Returns the CSV lines expected, in log order (time, then id).
 */
async function importVotes(count: number): Promise<string[]> {
  const keys = poll.options.map((o) => o.key);
  const votes = Array.from({ length: count }, (_, i) => {
    const picked = [0, 1, 2].filter((bit) => ((i % 7) + 1) & (1 << bit));
    return {
      optionIds: picked.map((p) => poll.options[p]!.id),
      createdAt: START + Math.floor(i / 3) * 60_000,
      source: SOURCES[i % 4]!,
      line: `${new Date(START + Math.floor(i / 3) * 60_000).toISOString()},${picked.map((p) => keys[p]).join(' ')},${SOURCES[i % 4]},`,
    };
  });
  const half = Math.floor(count / 2);
  const inImportOrder = [...votes.slice(half), ...votes.slice(0, half)];
  await t.store.importVotes(poll.id, inImportOrder.slice(0, count - half));
  await t.store.importVotes(poll.id, inImportOrder.slice(count - half));
  // Array.sort is stable: equal times keep import (id) order.
  return inImportOrder.sort((a, b) => a.createdAt - b.createdAt).map((vote) => vote.line);
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('voteLogPage', () => {
  it('walks the whole log once, in time then id order, whatever the page size', async () => {
    const expected = await importVotes(50);
    for (const pageSize of [1, 7, 49, 50, 51]) {
      const seen: VoteLogEntry[] = [];
      let page: VoteLogEntry[];
      do {
        page = await admin.voteLogPage(poll.id, seen.at(-1) ?? null, pageSize);
        expect(page.length).toBeLessThanOrEqual(pageSize);
        seen.push(...page);
      } while (page.length === pageSize);
      expect(new Set(seen.map((vote) => vote.id)).size).toBe(50);
      expect(
        seen.map((vote) => `${new Date(vote.createdAt).toISOString()},${vote.choices.join(' ')},${vote.source},`),
      ).toEqual(expected);
    }
  });

  it('reads only the asked poll', async () => {
    await importVotes(5);
    const other = await createPoll(t.store, { slug: 'other', question: 'Q', options: ['A', 'B'] }, START);
    await t.store.importVotes(other.id, [{ optionIds: [other.options[1]!.id], createdAt: START, source: 'api' }]);
    expect((await admin.voteLogPage(other.id, null, 100)).map((vote) => vote.choices)).toEqual([['b']]);
    expect(await admin.voteLogPage(poll.id, null, 100)).toHaveLength(5);
  });
});

describe('voteLogCsv', () => {
  it('streams the header and every vote once, in order, across pages', async () => {
    const expected = await importVotes(25);
    const csv = await readAll(voteLogCsv(admin, poll.id, 4));
    expect(csv).toBe(['time,choices,source,excluded', ...expected].map((line) => `${line}\r\n`).join(''));
  });

  it('is the header alone for a poll without votes', async () => {
    expect(await readAll(voteLogCsv(admin, poll.id, 4))).toBe('time,choices,source,excluded\r\n');
  });

  it('reads a page only when the reader asks for more, and picks up votes recorded meanwhile', async () => {
    const expected = await importVotes(10);
    let reads = 0;
    const counting: AdminStore = {
      ...admin,
      voteLogPage: (...args) => {
        reads++;
        return admin.voteLogPage(...args);
      },
    };
    const reader = voteLogCsv(counting, poll.id, 4).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toBe('time,choices,source,excluded\r\n');
    text += decoder.decode((await reader.read()).value);
    // One page handed over and at most one read ahead: not the whole log.
    expect(reads).toBeLessThanOrEqual(2);

    // A vote cast during the export, later than everything read so far, still arrives once.
    await castVote(
      { store: t.store, secret: 'integration-secret-integration-secret', now: START + 86_400_000 + 1234 },
      'log',
      { choices: ['c'] },
      { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
      'web',
    );
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
    expect(text).toBe(
      ['time,choices,source,excluded', ...expected, '2026-06-02T00:00:00.000Z,c,web,']
        .map((line) => `${line}\r\n`)
        .join(''),
    );
    expect(reads).toBe(3);
  });
});
