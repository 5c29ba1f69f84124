/** The live-results hub over a real SQLite store: coalescing, visibility, caps, shutdown. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveResults, reportingChanges, type Watcher } from '@/lib/live-results';
import { createPoll, deletePoll, updatePoll } from '@/lib/poll-admin';
import type { Results } from '@/lib/types';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { tracker, type Tracker } from '../support/pending';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';

class Recorder implements Watcher {
  events: Results[] = [];
  beats = 0;
  closed = false;
  results(json: string) {
    this.events.push(JSON.parse(json) as Results);
  }
  heartbeat() {
    this.beats++;
  }
  close() {
    this.closed = true;
  }
}

let t: TempStores;
let hub: Tracker;
let live: LiveResults;
let clock: number;
let pollId: number;
beforeEach(async () => {
  t = await openTempStores();
  hub = tracker();
  vi.useFakeTimers();
  clock = Date.parse('2026-06-01T12:00:00Z');
  live = new LiveResults({ store: hub.track(t.store), maxStreams: 3, now: () => clock });
  pollId = (
    await createPoll(
      t.store,
      { slug: 'p', question: 'P?', options: ['A', 'B'], duplicatePolicy: 'none', resultsVisibility: 'always' },
      clock,
    )
  ).id;
});
afterEach(() => {
  live.closeAll();
  vi.useRealTimers();
  return t.cleanup();
});

const vote = (choice = 'a') =>
  castVote(
    { store: reportingChanges(t.store, live), secret: SECRET, now: clock },
    'p',
    { choices: [choice] },
    { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
    'api',
  );

/** Lets the hub's timers fire and its database read settle. */
async function advance(ms: number) {
  clock += ms;
  await hub.advance(ms);
}

describe('LiveResults', () => {
  it('sends one event for a burst of votes, then at most one a second', async () => {
    const watcher = new Recorder();
    live.watch('p', pollId, false, watcher);
    for (let i = 0; i < 5; i++) await vote();
    await advance(0);
    expect(watcher.events.map((e) => e.totalResponses)).toEqual([5]);
    await vote('b');
    await advance(500);
    expect(watcher.events).toHaveLength(1);
    await advance(500);
    expect(watcher.events.map((e) => e.totalResponses)).toEqual([5, 6]);
    expect(watcher.events[1]!.options.map((o) => o.votes)).toEqual([5, 1]);
  });

  it('sends nothing when nothing changed, but a heartbeat every 25 s', async () => {
    const watcher = new Recorder();
    live.watch('p', pollId, false, watcher);
    await advance(60_000);
    expect(watcher.events).toEqual([]);
    expect(watcher.beats).toBe(2);
  });

  it('refuses a stream past the cap and frees a place when one stops', () => {
    const stops = [0, 1, 2].map(() => live.watch('p', pollId, false, new Recorder()));
    expect(live.watch('p', pollId, false, new Recorder())).toBe('full');
    (stops[0] as () => void)();
    (stops[0] as () => void)(); // stopping twice frees one place only
    expect(live.streams).toBe(2);
    expect(live.watch('p', pollId, false, new Recorder())).not.toBe('full');
    expect(live.watch('p', pollId, false, new Recorder())).toBe('full');
  });

  it('closes streams whose results become hidden, keeping those of voters when results show after a vote', async () => {
    const voter = new Recorder();
    const reader = new Recorder();
    live.watch('p', pollId, true, voter);
    live.watch('p', pollId, false, reader);
    await updatePoll(reportingChanges(t.store, live), 'p', { resultsVisibility: 'after_vote' }, clock);
    await advance(0);
    expect(reader.closed).toBe(true);
    expect(voter.closed).toBe(false);
    expect(voter.events).toHaveLength(1);
  });

  it('ends the streams of a deleted poll, and never shows them a new poll given the same slug', async () => {
    const store = reportingChanges(t.store, live);
    const old = new Recorder();
    live.watch('p', pollId, true, old);
    await deletePoll(store, 'p', clock);
    expect(old.closed).toBe(true);
    const reused = await createPoll(store, { slug: 'p', question: 'Again?', options: ['X', 'Y'] }, clock);
    const stale = new Recorder();
    live.watch('p', pollId, true, stale); // a stream that started on the old poll
    await vote('x');
    await advance(0);
    expect(stale.events).toEqual([]);
    expect(stale.closed).toBe(true);
    expect(reused.id).not.toBe(pollId);
  });

  it('ends every stream at shutdown', () => {
    const watchers = [new Recorder(), new Recorder()];
    for (const w of watchers) live.watch('p', pollId, false, w);
    live.closeAll();
    expect(watchers.every((w) => w.closed)).toBe(true);
    expect(live.streams).toBe(0);
  });
});
