/**
 * The live-results hub's cost per watcher (10,000 streams on one process): one frame per event
 * shared by every watcher, delivered in slices without reordering events, one shared heartbeat.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FANOUT_SLICE,
  HEARTBEAT_FRAME,
  HEARTBEAT_MS,
  LiveResults,
  reportingChanges,
  type Watcher,
} from '@/lib/live-results';
import { createPoll } from '@/lib/poll-admin';
import type { Results } from '@/lib/types';
import { castVote } from '@/lib/votes';
import { newDeviceId } from '@/lib/voter';
import { tracker, type Tracker } from '../support/pending';
import { openTempStores, type TempStores } from '../support/temp-db';

const SECRET = 'integration-secret-integration-secret';

class Recorder implements Watcher {
  totals: number[] = [];
  frames: Uint8Array[] = [];
  beats: Uint8Array[] = [];
  results(json: string, frame: Uint8Array) {
    this.totals.push((JSON.parse(json) as Results).totalResponses);
    this.frames.push(frame);
  }
  heartbeat(frame: Uint8Array) {
    this.beats.push(frame);
  }
  close() {}
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
  live = new LiveResults({ store: hub.track(t.store), maxStreams: 10_000, now: () => clock });
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

const vote = () =>
  castVote(
    { store: reportingChanges(t.store, live), secret: SECRET, now: clock },
    'p',
    { choices: ['a'] },
    { deviceId: newDeviceId(), address: '192.0.2.1', userAgent: 'vitest' },
    'api',
  );

async function advance(ms: number) {
  clock += ms;
  await hub.advance(ms);
}

/** Lets a fan-out's later slices (each a turn of the event loop) run. */
async function settle() {
  // (A fake setImmediate set while the clock ticks 0 ms waits for the next tick; 1 ms runs it.)
  for (let turn = 0; turn < 5; turn++) await advance(1);
}

describe('LiveResults fan-out', () => {
  it('builds one Server-Sent Events frame per event and hands the same bytes to every watcher', async () => {
    const watchers = [new Recorder(), new Recorder(), new Recorder()];
    watchers.forEach((w, i) => live.watch('p', pollId, i === 0, w));
    await vote();
    await advance(0);
    const [frame] = watchers[0]!.frames;
    expect(watchers.every((w) => w.frames.length === 1 && w.frames[0] === frame)).toBe(true);
    const text = new TextDecoder().decode(frame);
    expect(text.startsWith('event: results\ndata: {')).toBe(true);
    expect(text.endsWith('}\n\n')).toBe(true);
  });

  it('reaches more watchers than one slice, every event in order, the ones that left skipped', async () => {
    const watchers = Array.from({ length: FANOUT_SLICE * 2 + 7 }, () => new Recorder());
    const stops = watchers.map((w) => live.watch('p', pollId, false, w) as () => void);
    await vote();
    await settle();
    await vote();
    await vote();
    stops.at(-1)!(); // this client leaves before the second event
    await advance(1000);
    await settle();
    expect(new Set(watchers.slice(0, -1).map((w) => w.totals.join()))).toEqual(new Set(['1,3']));
    expect(watchers.at(-1)!.totals).toEqual([1]);
    expect(live.streams).toBe(watchers.length - 1);
  });

  it('sends the shared heartbeat only to streams with no event in the last interval', async () => {
    const quiet = new Recorder();
    live.watch('p', pollId, false, quiet);
    await advance(HEARTBEAT_MS - 1000);
    await vote();
    await advance(1000); // an event just before the beat: no heartbeat needed
    expect(quiet.beats).toEqual([]);
    await advance(HEARTBEAT_MS);
    expect(quiet.beats).toEqual([HEARTBEAT_FRAME]);
  });
});
