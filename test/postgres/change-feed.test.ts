/**
 * Changes between instances over LISTEN/NOTIFY (db/pg/change-feed.ts), against a real database:
 * two feeds stand for two instances. Each sees the other's changes and never its own; a listener
 * that lost its connection reconnects and reports "everything changed"; and wired as the app
 * wires it (src/lib/change-relay.ts), a vote on one instance moves the page versions and reaches
 * the live streams of the other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgChangeFeed } from '../../db/pg/change-feed';
import { createPgDb, type PgDb } from '../../db/pg/client';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { openTempStores, type TempStores } from '../support/temp-db';
import { createPoll } from '@/lib/poll-admin';
import { applyChanges, everythingChanged, relayChanges, RelayedDataVersions } from '@/lib/change-relay';
import { LiveResults, type Watcher } from '@/lib/live-results';

let database: TestDatabase;
let pool: PgDb;
const feeds: PgChangeFeed[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  pool = createPgDb(database.url, { max: 4 });
});

afterEach(async () => {
  await Promise.all(feeds.splice(0).map((feed) => feed.close()));
  await pool.$client.end();
  await database.drop();
});

/** Resolves once `check` holds (polled), or fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A feed that records what it hears. */
async function recordingFeed(name: string) {
  const heard: unknown[] = [];
  let everything = 0;
  let listening = 0;
  const feed = new PgChangeFeed({
    url: database.url,
    publisher: pool,
    instanceId: name,
    onChanges: (changes) => heard.push(...changes),
    onEverything: () => everything++,
    onListening: () => listening++,
  });
  await feed.start();
  feeds.push(feed);
  return {
    feed,
    heard,
    everything: () => everything,
    listening: () => listening,
  };
}

describe('PgChangeFeed', () => {
  it("delivers each instance's changes to the other and never back to itself", async () => {
    const a = await recordingFeed('a');
    const b = await recordingFeed('b');
    // Connecting counts as "everything changed" (whatever was sent before was missed).
    expect(a.everything()).toBe(1);
    expect(b.everything()).toBe(1);
    a.feed.publish({ type: 'vote', poll: 7 });
    a.feed.publish({ type: 'changed', kind: 'poll', slug: 'lunch' });
    a.feed.publish({ type: 'vote', poll: 7 }); // the same change twice in a batch: sent once
    await a.feed.flush();
    b.feed.publish({ type: 'site' });
    await b.feed.flush();
    await until(() => b.heard.length === 2 && a.heard.length === 1);
    expect(b.heard).toEqual([
      { type: 'vote', poll: 7 },
      { type: 'changed', kind: 'poll', slug: 'lunch' },
    ]);
    expect(a.heard).toEqual([{ type: 'site' }]);
    // Nothing more arrives (in particular not an instance's own changes).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.heard).toHaveLength(1);
    expect(b.heard).toHaveLength(2);
  });

  it('sends a large batch in parts under the NOTIFY payload limit', async () => {
    const a = await recordingFeed('a');
    const b = await recordingFeed('b');
    for (let poll = 1; poll <= 1000; poll++) a.feed.publish({ type: 'changed', kind: 'poll', slug: `poll-${poll}` });
    await a.feed.flush();
    await until(() => b.heard.length === 1000);
    expect(b.heard[999]).toEqual({ type: 'changed', kind: 'poll', slug: 'poll-1000' });
    expect(b.everything()).toBe(1);
  });

  it('reconnects after losing its connection and reports everything changed', async () => {
    const a = await recordingFeed('a');
    const b = await recordingFeed('b');
    // The server drops b's listening connection (a restart, a failover, a network cut).
    await pool.$client.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'peer-polls-changes' and pid <> pg_backend_pid() and datname = current_database()",
    );
    await until(() => a.listening() === 2 && b.listening() === 2);
    expect(a.everything()).toBe(2);
    expect(b.everything()).toBe(2);
    a.feed.publish({ type: 'vote', poll: 3 });
    await a.feed.flush();
    await until(() => b.heard.length === 1);
    expect(b.heard).toEqual([{ type: 'vote', poll: 3 }]);
  });
});

describe('changes relayed between two app instances', () => {
  let stores: TempStores;

  beforeEach(async () => {
    stores = await openTempStores();
  });

  afterEach(async () => {
    await stores.cleanup();
  });

  /** One instance's live hub and data versions, relayed over its own feed (as src/app.ts wires them). */
  async function instance(name: string) {
    const live = new LiveResults({ store: stores.store, maxStreams: 100, minIntervalMs: 0 });
    const versions = new RelayedDataVersions();
    const targets = { live, versions };
    const feed = new PgChangeFeed({
      url: database.url,
      publisher: pool,
      instanceId: name,
      onChanges: (changes) => applyChanges(targets, changes),
      onEverything: () => everythingChanged(targets),
    });
    await feed.start();
    feeds.push(feed);
    relayChanges(targets, feed.publish);
    return { live, versions, feed };
  }

  function watcher() {
    const events: unknown[] = [];
    let closed = false;
    const watching: Watcher = {
      results: (json) => events.push(JSON.parse(json)),
      heartbeat: () => {},
      close: () => (closed = true),
    };
    return { watching, events, closed: () => closed };
  }

  it('moves the page versions and reaches the streams of the other instance', async () => {
    const poll = await createPoll(
      stores.store,
      { slug: 'relayed', question: 'Relayed?', options: ['A', 'B'], resultsVisibility: 'always' },
      Date.now(),
    );
    const a = await instance('a');
    const b = await instance('b');
    const seen = watcher();
    expect(b.live.watch('relayed', poll.id, false, seen.watching)).not.toBe('full');

    const before = b.versions.lastWrite(poll.id);
    // Instance a records a vote: its wrappers move its versions and tell its hub.
    a.versions.voteOn(poll.id);
    a.live.changed('relayed');
    await a.feed.flush();
    await until(() => b.versions.lastWrite(poll.id) > before && seen.events.length === 1);
    expect(seen.events[0]).toMatchObject({ slug: 'relayed' });
    expect(b.versions.lastWrite('*')).toBeGreaterThan(before);

    // A site-wide change on a moves every page of b; a deletion on a ends b's streams.
    const site = b.versions.lastWrite(poll.id);
    a.versions.siteChanged();
    a.live.deleted(poll.id);
    await a.feed.flush();
    await until(() => seen.closed() && b.versions.lastWrite(12345) > site);
  });
});
